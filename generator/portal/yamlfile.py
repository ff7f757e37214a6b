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

from pathlib import Path
from typing import Any

import yaml

from generator.problems import Problems
from generator.text import hidden, nfc

# libyaml's loader when present (10x faster); both build plain data only.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 2 * 1024 * 1024  # a descriptor with a wide schema is ~50 KB; the catalogue ~15 KB
MAX_DEPTH = 32  # the deepest real descriptor nests 7 levels (a field's constraints' enum)
MAX_VALUES = 200_000  # values once every alias is expanded
MAX_TEXT = 20_000  # characters in one value: a long description is ~5,000
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}  # multi-line descriptions


class YamlRefused(yaml.YAMLError):
    """Well-formed YAML the portal will not read, with what to do (Vietnamese, English)."""

    def __init__(self, vi: str, en: str, fix_vi: str, fix_en: str, where: str = ""):
        super().__init__(en)
        self.vi, self.en, self.fix_vi, self.fix_en, self.where = vi, en, fix_vi, fix_en, where


def _line(mark: Any) -> str:
    return f"dòng {mark.line + 1}" if mark is not None else ""


def forbidden_character(value: str) -> str | None:
    """The first character of `value` the portal refuses in metadata, as U+XXXX, or None."""
    for ch in value:
        if ch not in _ALLOWED_CONTROLS and hidden(ch):
            return f"U+{ord(ch):04X}"
    return None


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


def _normalise(value: Any, where: str) -> Any:
    # Store NFC: text typed on different keyboards compares and searches the same. Depth is bounded
    # by _bounded_events, so the recursion is too.
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
    _bounded_events(text)
    return _normalise(yaml.load(text, Loader=_Loader), "")


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
        return parse_yaml(text)
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
