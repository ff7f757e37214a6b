"""Safe YAML reading: files from pull requests are untrusted.

yaml.SafeLoader builds only plain data; a tag that would build a Python
object is refused with a message naming the file and line. On top of that,
every file is bounded before anything is built from it: its size, how deep
it nests, how many values it has once aliases are expanded (a "billion
laughs" is a few hundred bytes), and the length of each text. A key given
twice is refused (a reviewer would read one value, the portal publish the
other), and so are control characters that would break the feed's XML or
fake lines in a terminal.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import yaml

from generator.problems import Problems
from generator.text import nfc

# libyaml's loader when present (10x faster); both build plain data only.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 2 * 1024 * 1024  # a descriptor with a wide schema is ~50 KB; the catalogue ~15 KB
MAX_DEPTH = 32  # the deepest real descriptor nests 7 levels (a field's constraints' enum)
MAX_VALUES = 200_000  # values once every alias is expanded
MAX_TEXT = 20_000  # characters in one value: a long description is ~5,000


class YamlRefused(yaml.YAMLError):
    """Well-formed YAML the portal will not read, with what to do (Vietnamese, English)."""

    def __init__(self, vi: str, en: str, fix_vi: str, fix_en: str, where: str = ""):
        super().__init__(en)
        self.vi, self.en, self.fix_vi, self.fix_en, self.where = vi, en, fix_vi, fix_en, where


def _line(mark: Any) -> str:
    return f"dòng {mark.line + 1}" if mark is not None else ""


# generator.text.hidden() as one character class, less tab and line breaks (multi-line descriptions): C0 and C1
# controls (Cc), lone surrogates (Cs), the bidirectional overrides and U+FFFE/U+FFFF (tests/test_yaml_bounds.py
# checks it against hidden() over every code point). One search per value instead of a call per character.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069"
                        "\ufffe\uffff]")


def forbidden_character(value: str) -> str | None:
    """The first character of `value` the portal refuses in metadata, as U+XXXX, or None."""
    found = _FORBIDDEN.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def _bounded_events(text: str) -> None:
    """Walk the event stream once (no tree is built) and refuse what would nest or expand without bound."""
    # For each open collection: [anchor, values in it, deepest child]; anchors -> (values, depth).
    stack: list[list[Any]] = []
    anchors: dict[str, tuple[int, int]] = {}
    total = 0

    def add(values: int, depth: int, mark: Any) -> None:
        nonlocal total
        total += values
        if total > MAX_VALUES:
            raise YamlRefused(f"tệp có hơn {MAX_VALUES:,} giá trị khi mở rộng các bí danh (*tên) YAML.",
                              f"the file has more than {MAX_VALUES:,} values once its YAML aliases (*name) are expanded.",
                              "bỏ các neo (&tên) và bí danh (*tên); viết thẳng từng giá trị.",
                              "remove the anchors (&name) and aliases (*name); write each value out.", _line(mark))
        if len(stack) + depth > MAX_DEPTH:
            raise YamlRefused(f"tệp lồng nhau quá {MAX_DEPTH} cấp.", f"the file nests deeper than {MAX_DEPTH} levels.",
                              "viết tệp mô tả phẳng hơn, như mẫu trong docs/huong-dan-co-quan.md.",
                              "make the file flatter, as the example in docs/huong-dan-co-quan.md.", _line(mark))
        if stack:
            stack[-1][1] += values
            stack[-1][2] = max(stack[-1][2], depth)

    for event in yaml.parse(text, Loader=SAFE_LOADER):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if len(stack) + 1 > MAX_DEPTH:
                add(0, 1, event.start_mark)
            stack.append([event.anchor, 1, 0])
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, values, deepest = stack.pop()
            if anchor:
                anchors[anchor] = (values, deepest + 1)
            add(values, deepest + 1, event.start_mark)
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor:
                anchors[event.anchor] = (1, 1)
            add(1, 1, event.start_mark)
        elif isinstance(event, yaml.AliasEvent):
            values, depth = anchors.get(event.anchor, (1, 1))  # an unknown alias: the composer reports it
            add(values, depth, event.start_mark)


class _Loader(SAFE_LOADER):  # type: ignore[misc, valid-type]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # "<<: *base" then a key of its own overrides the merged one, on purpose
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:
                continue  # an unhashable key: the base constructor reports it
            if duplicate:
                raise YamlRefused(f"khóa “{key}” xuất hiện hai lần trong cùng một bảng.",
                                  f"key “{key}” appears twice in the same mapping.",
                                  "giữ một dòng cho mỗi khóa: xóa dòng thừa (người duyệt và cổng phải đọc cùng một giá trị).",
                                  "keep one line per key: delete the extra one (reviewers and the portal must read the "
                                  "same value).", _line(key_node.start_mark))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _bounded_nodes(root: yaml.Node) -> None:
    """As _bounded_events, on the composed node graph (an alias is the node it names, composed once): how many
    values the tree has once every alias is expanded, and how deep it nests, each node counted once."""
    size: dict[int, tuple[int, int]] = {}  # id(node) -> (values, depth) of its expanded tree
    open_: set[int] = set()  # nodes whose children are being walked: meeting one again is a cycle
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, walked = stack.pop()
        key = id(node)
        if walked:
            children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
            values = 1 + sum(size[id(c)][0] for c in children)
            depth = 1 + max((size[id(c)][1] for c in children), default=0)
            open_.discard(key)
            size[key] = (values, depth)
            if values > MAX_VALUES:
                raise _too_many(node.start_mark)
            if depth > MAX_DEPTH:
                raise _too_deep(node.start_mark)
            continue
        if key in size:
            continue
        if key in open_:  # "&a [*a]": a collection holding itself expands without end
            raise _too_many(node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            size[key] = (1, 1)
            continue
        open_.add(key)
        stack.append((node, True))
        children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
        stack.extend((c, False) for c in reversed(children) if id(c) not in size)


def _too_many(mark: Any) -> YamlRefused:
    return YamlRefused(f"tệp có hơn {MAX_VALUES:,} giá trị khi mở rộng các bí danh (*tên) YAML.",
                       f"the file has more than {MAX_VALUES:,} values once its YAML aliases (*name) are expanded.",
                       "bỏ các neo (&tên) và bí danh (*tên); viết thẳng từng giá trị.",
                       "remove the anchors (&name) and aliases (*name); write each value out.", _line(mark))


def _too_deep(mark: Any) -> YamlRefused:
    return YamlRefused(f"tệp lồng nhau quá {MAX_DEPTH} cấp.", f"the file nests deeper than {MAX_DEPTH} levels.",
                       "viết tệp mô tả phẳng hơn, như mẫu trong docs/huong-dan-co-quan.md.",
                       "make the file flatter, as the example in docs/huong-dan-co-quan.md.", _line(mark))


class _Unusual(Exception):
    """A value _plain cannot settle: _normalise makes the message that names where it is."""


def _plain(value: Any) -> Any:
    """_normalise(value) for a file with nothing to refuse, without building a "where" for every value."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT or _FORBIDDEN.search(value):
            raise _Unusual
        return value if value.isascii() else nfc(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            key = _plain(k) if isinstance(k, str) else k
            if key in out:
                raise _Unusual
            out[key] = _plain(v)
        return out
    return value


def _normalise(value: Any, where: str) -> Any:
    # Store NFC: text typed on different keyboards compares and searches the same. Depth is bounded
    # before anything is built (_bounded_nodes), so the recursion is too.
    if isinstance(value, str):
        return _text(value, where)
    if isinstance(value, list):
        return [_normalise(v, f"{where}[{i + 1}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            at = f"{where}.{k}" if where else str(k)
            key = _text(k, at) if isinstance(k, str) else k
            if key in out:  # two spellings of one key (composed and decomposed accents)
                raise YamlRefused(f"khóa “{key}” xuất hiện hai lần (viết theo hai cách dựng dấu).",
                                  f"key “{key}” appears twice (its accents written two ways).",
                                  "giữ một dòng cho khóa này.", "keep one line for this key.", at)
            out[key] = _normalise(v, at)
        return out
    return value


def _text(value: str, where: str) -> str:
    if len(value) > MAX_TEXT:
        raise YamlRefused(f"giá trị dài {len(value):,} ký tự, vượt giới hạn {MAX_TEXT:,}.",
                          f"the value is {len(value):,} characters long, over the {MAX_TEXT:,} limit.",
                          "rút gọn nội dung; tài liệu dài đăng thành một tài nguyên (pdf, docx).",
                          "shorten it; publish a long text as a resource of its own (pdf, docx).", where)
    bad = forbidden_character(value)
    if bad:
        raise YamlRefused(f"giá trị chứa ký tự điều khiển {bad}, không được phép trong siêu dữ liệu.",
                          f"the value contains the control character {bad}, not allowed in metadata.",
                          "xóa ký tự này (thường do sao chép từ phần mềm khác); viết lại giá trị bằng chữ thường.",
                          "delete the character (often pasted from another program); type the value again.", where)
    return nfc(value)


def parse_yaml(text: str) -> Any:
    """The plain data of a YAML text (NFC strings); raise yaml.YAMLError (YamlRefused when bounded out)."""
    if len(text) > MAX_BYTES:
        raise YamlRefused(f"tệp dài {len(text):,} ký tự, vượt giới hạn {MAX_BYTES:,}.",
                          f"the file is {len(text):,} characters long, over the {MAX_BYTES:,} limit.",
                          "tệp mô tả chỉ chứa siêu dữ liệu; dữ liệu đăng thành tài nguyên (csv, xlsx…).",
                          "a descriptor holds metadata only; publish data as resources (csv, xlsx…).")
    if SAFE_LOADER is yaml.SafeLoader:  # no libyaml: the Python composer recurses, so bound the events first
        _bounded_events(text)
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.scanner.ScannerError as exc:
            if "maximum nesting depth" in str(exc.problem):  # libyaml's own bound (1,000 levels)
                raise _too_deep(exc.problem_mark) from exc
            raise
        if node is None:
            return None
        _bounded_nodes(node)  # before anything is built: a billion laughs is a few nodes
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    try:
        return _plain(data)
    except _Unusual:
        return _normalise(data, "")


def load_yaml(path: Path, rel: str, problems: Problems) -> Any:
    """Return the file's data (NFC strings), or None after recording a problem."""
    try:
        size = path.stat().st_size
        raw = path.read_bytes() if size <= MAX_BYTES else b""
    except OSError as exc:
        problems.error(rel, f"không đọc được tệp ({exc.strerror}).", f"cannot read the file ({exc.strerror}).",
                       "kiểm tra tệp có tồn tại và đúng tên.", "check that the file exists and is named correctly.")
        return None
    if size > MAX_BYTES:
        problems.error(rel, f"tệp nặng {size:,} byte, vượt giới hạn {MAX_BYTES:,} byte.",
                       f"the file is {size:,} bytes, over the {MAX_BYTES:,} byte limit.",
                       "tệp mô tả chỉ chứa siêu dữ liệu; dữ liệu đăng thành tài nguyên (csv, xlsx…).",
                       "a descriptor holds metadata only; publish data as resources (csv, xlsx…).")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.error(rel, f"tệp không phải UTF-8 (byte {exc.start}).", f"the file is not UTF-8 (byte {exc.start}).",
                       "lưu lại tệp với bảng mã UTF-8.", "save the file again as UTF-8.")
        return None
    try:
        return _memo.parsed(raw, text) if _memo is not None else parse_yaml(text)
    except YamlRefused as exc:
        problems.error(rel, exc.vi, exc.en, exc.fix_vi, exc.fix_en, where=exc.where, code="yaml-refused")
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        where = f"dòng {mark.line + 1}" if mark else ""
        problems.error(rel, f"thẻ YAML không được phép ({exc.problem}).",
                       f"YAML tag not allowed ({exc.problem}).",
                       "chỉ dùng dữ liệu YAML thông thường (chuỗi, số, danh sách, bảng); bỏ các thẻ bắt đầu bằng !!.",
                       "use plain YAML data only (strings, numbers, lists, mappings); remove tags starting with !!.",
                       where=where)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        problems.error(rel, f"YAML sai cú pháp: {problem}.", f"YAML syntax error: {problem}.",
                       "sửa cú pháp tại vị trí đã nêu (thụt lề bằng dấu cách, dấu hai chấm sau tên khóa).",
                       "fix the syntax at the position given (indent with spaces, a colon after each key).",
                       where=where)
    return None


class PartStore(Protocol):
    """Where parsed files are kept between builds (build.cache.Parts): JSON values by key."""

    def get(self, part_key: str) -> Any: ...
    def put(self, part_key: str, value: Any) -> None: ...
    def save(self) -> None: ...


class _Memo:
    """parse_yaml's result for each file's bytes, kept in `store`: a warm build reads a thousand descriptors
    without parsing one. Only a file that parsed is kept (an error is parsed again, for its message), as a
    tagged JSON form that gives back the same Python values (dates, sets, bytes, keys that are not text)."""

    def __init__(self, store: PartStore, version: str):
        self.store, self.version = store, version

    def parsed(self, raw: bytes, text: str) -> Any:
        part_key = hashlib.sha256(self.version.encode() + b"\0" + raw).hexdigest()
        kept = self.store.get(part_key)
        if isinstance(kept, list) and len(kept) == 1:
            try:
                return _thaw(kept[0])
            except (TypeError, ValueError, KeyError, IndexError):
                pass  # not a form _freeze writes: parse the file
        data = parse_yaml(text)
        try:
            self.store.put(part_key, [_freeze(data)])
        except TypeError:
            pass  # a value the form has no tag for: parsed again next time
        return data


_memo: _Memo | None = None


@contextmanager
def remembered(store: PartStore, version: str) -> Iterator[None]:
    """Within the block, load_yaml keeps and reuses parse results in `store` (saved when the block ends)."""
    global _memo
    previous, _memo = _memo, _Memo(store, version)
    try:
        yield
        store.save()
    finally:
        _memo = previous


def _freeze(value: Any) -> Any:
    # Text, whole numbers within 64 bits, finite floats, booleans and null as themselves; the rest tagged.
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if -2 ** 63 <= value < 2 ** 63 else ["int", str(value)]
    if isinstance(value, float):
        return value if math.isfinite(value) else ["float", repr(value)]
    if isinstance(value, list):
        return ["list", [_freeze(v) for v in value]]
    if isinstance(value, dict):
        return ["map", [[_freeze(k), _freeze(v)] for k, v in value.items()]]
    if isinstance(value, dt.datetime):
        return ["datetime", value.isoformat()]
    if isinstance(value, dt.date):
        return ["date", value.isoformat()]
    if isinstance(value, bytes):
        return ["bytes", base64.b64encode(value).decode("ascii")]
    if isinstance(value, (set, tuple)):
        return [type(value).__name__, [_freeze(v) for v in value]]
    raise TypeError(type(value).__name__)


def _thaw(form: Any) -> Any:
    if not isinstance(form, list):
        return form
    tag, body = form
    if tag == "list":
        return [_thaw(v) for v in body]
    if tag == "map":
        return {_thaw(k): _thaw(v) for k, v in body}
    return _SCALARS[tag](body)


_SCALARS = {"int": int, "float": float, "datetime": dt.datetime.fromisoformat, "date": dt.date.fromisoformat,
            "bytes": lambda body: base64.b64decode(body.encode("ascii"), validate=True),
            "set": lambda body: {_thaw(v) for v in body}, "tuple": lambda body: tuple(_thaw(v) for v in body)}
