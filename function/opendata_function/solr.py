"""The subset of Solr's query syntax that CKAN clients send to package_search, over the published packages.

    fq / fq_list / q:   field:value   field:"quoted phrase"   field:*   field:pre*
                        field:[a TO b]   field:{a TO b}   (either end may be *; dates, NOW, NOW-7DAYS, numbers)
                        a AND b   a OR b   a && b   a || b   NOT a   !a   -a   +a   ( ... )   *:*
                        bare words and "phrases" (q): accent-free, whole words, ranked by relevance

Words next to each other are ANDed (CKAN's Solr is configured with q.op=AND); AND binds tighter than
OR. A query this parser cannot read is a `QueryError` naming the problem (the API answers it with
CKAN's 409 "Search Query Error"), never a silent match-all.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable

from .datastore import fold

MAX_QUERY = 4000  # characters: a query is a few clauses, not a document
MAX_DEPTH = 50  # nested parentheses
# field -> how a package's values of it are read (strings compared exactly; "text" by words)
FILTER_FIELDS = ("organization", "groups", "tags", "res_format", "license_id", "name", "id", "metadata_modified",
                 "metadata_created", "num_resources", "num_tags", "title", "notes", "text", "owner_org", "state",
                 "type", "res_name", "res_description", "capacity")
DATE_FIELDS = {"metadata_modified", "metadata_created"}
NUMBER_FIELDS = {"num_resources", "num_tags"}
TEXT_FIELDS = {"title", "notes", "text", "res_name", "res_description"}
# Relevance: how much a word found in each part of a package counts.
WEIGHTS = (("name", 4.0), ("title", 3.0), ("tags", 2.0), ("organization", 1.0), ("groups", 1.0), ("notes", 1.0),
           ("res_name", 0.5), ("res_description", 0.5))
_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r'''\s*(?:
    (?P<lp>\() | (?P<rp>\)) |
    (?P<and>AND\b|&&) | (?P<or>OR\b|\|\|) | (?P<not>NOT\b|!) |
    (?P<sign>[-+])(?=\S) |
    (?P<field>[A-Za-z_][A-Za-z0-9_.]*|\*):(?=\S) |
    (?P<range>[\[{][^\]}\[{]*[\]}]) |
    (?P<phrase>"(?:[^"\\]|\\.)*") |
    (?P<term>(?:[^\s()"\\:\[\]{}]|\\.)+)
)''', re.VERBOSE)


class QueryError(ValueError):
    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi, self.en = vi, en


@dataclass
class Doc:
    """A package as the parser sees it: exact values per field, and its words per text part."""
    values: dict[str, list[str]]
    words: dict[str, list[str]]  # part -> folded words in order

    def all_words(self) -> set[str]:
        return {w for ws in self.words.values() for w in ws} - {""}


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _values(texts: list[str]) -> list[str]:
    """The words of several values, a gap ("") between them: a phrase never spans two tags."""
    out: list[str] = []
    for text in texts:
        out += [*words(text), ""]
    return out


def doc(pkg: dict[str, Any]) -> Doc:
    org = pkg.get("organization") or {}
    resources = pkg.get("resources") or []
    values = {
        "organization": [str(org.get("name", ""))] if org else [],
        "owner_org": [str(pkg.get("owner_org") or "")],
        "groups": [str(g.get("name", "")) for g in pkg.get("groups") or []],
        "tags": [str(t.get("name", "")) for t in pkg.get("tags") or []],
        "res_format": sorted({str(r.get("format") or "") for r in resources} - {""}),
        "license_id": [str(pkg.get("license_id") or "")],
        "name": [str(pkg.get("name", ""))],
        "id": [str(pkg.get("id", ""))],
        "state": [str(pkg.get("state", ""))],
        "type": [str(pkg.get("type", ""))],
        "capacity": ["public"],
        "metadata_modified": [str(pkg.get("metadata_modified") or "")],
        "metadata_created": [str(pkg.get("metadata_created") or "")],
        "num_resources": [str(pkg.get("num_resources", len(resources)))],
        "num_tags": [str(pkg.get("num_tags", 0))],
    }
    parts = {
        "name": words(str(pkg.get("name", "")).replace("-", " ")),
        "title": words(str(pkg.get("title", ""))),
        "notes": words(str(pkg.get("notes") or "")),
        "tags": _values(values["tags"]),
        "organization": _values([str(org.get("name", "")), str(org.get("title", ""))]),
        "groups": _values([str(g.get(k) or "") for g in pkg.get("groups") or [] for k in ("name", "title")]),
        "res_name": _values([str(r.get("name") or "") for r in resources]),
        "res_description": _values([str(r.get("description") or "") for r in resources]),
    }
    extras = " ".join(str(e.get("value", "")) for e in pkg.get("extras") or [] if e.get("key") in ("title_en", "description_en"))
    parts["notes"] += words(extras)
    return Doc(values, parts)


# --- parsing ---------------------------------------------------------------------------------------

Node = tuple  # ("and", [nodes]) ("or", [nodes]) ("not", node) ("all",) ("match", field|None, kind, value)


def parse(text: str) -> Node:
    if len(text) > MAX_QUERY:
        raise QueryError(f"truy vấn dài quá {MAX_QUERY} ký tự.", f"the query is longer than {MAX_QUERY} characters.")
    tokens = _tokens(unicodedata.normalize("NFC", text))
    if not tokens:
        return ("all",)
    node, pos = _or(tokens, 0, 0)
    if pos != len(tokens):
        raise QueryError(f"không đọc được truy vấn từ “{tokens[pos][1]}” (thừa dấu ngoặc đóng?).",
                         f"cannot read the query from “{tokens[pos][1]}” (an extra closing parenthesis?).")
    return node


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            bad = text[pos:].strip()[:30]
            raise QueryError(f"không đọc được truy vấn tại “{bad}” (dấu ngoặc kép, ngoặc vuông chưa đóng?).",
                             f"cannot read the query at “{bad}” (an unclosed quote or bracket?).")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _or(tokens: list, pos: int, depth: int) -> tuple[Node, int]:
    parts = []
    node, pos = _and(tokens, pos, depth)
    parts.append(node)
    while pos < len(tokens) and tokens[pos][0] == "or":
        node, pos = _and(tokens, pos + 1, depth)
        parts.append(node)
    return (parts[0] if len(parts) == 1 else ("or", parts)), pos


def _and(tokens: list, pos: int, depth: int) -> tuple[Node, int]:
    parts = []
    node, pos = _unary(tokens, pos, depth)
    parts.append(node)
    while pos < len(tokens) and tokens[pos][0] not in ("or", "rp"):
        if tokens[pos][0] == "and":
            pos += 1
        node, pos = _unary(tokens, pos, depth)
        parts.append(node)
    return (parts[0] if len(parts) == 1 else ("and", parts)), pos


def _unary(tokens: list, pos: int, depth: int) -> tuple[Node, int]:
    if pos >= len(tokens):
        raise QueryError("truy vấn kết thúc giữa chừng (thiếu điều kiện sau AND/OR/NOT?).",
                         "the query ends too early (a condition missing after AND/OR/NOT?).")
    kind, value = tokens[pos]
    if kind in ("not", "sign"):
        if depth >= MAX_DEPTH:
            raise QueryError("quá nhiều NOT/-/+ lồng nhau.", "too many nested NOT/-/+.")
        node, pos = _unary(tokens, pos + 1, depth + 1)
        return (("not", node) if kind == "not" or value == "-" else node), pos
    if kind == "lp":
        if depth >= MAX_DEPTH:
            raise QueryError("quá nhiều dấu ngoặc lồng nhau.", "too many nested parentheses.")
        node, pos = _or(tokens, pos + 1, depth + 1)
        if pos >= len(tokens) or tokens[pos][0] != "rp":
            raise QueryError("thiếu dấu ngoặc đóng “)”.", "a closing parenthesis “)” is missing.")
        return node, pos + 1
    if kind == "field":
        if pos + 1 >= len(tokens) or tokens[pos + 1][0] not in ("term", "phrase", "range", "lp"):
            raise QueryError(f"thiếu giá trị sau “{value}:”.", f"no value after “{value}:”.")
        field = value
        if field == "*":
            if tokens[pos + 1] == ("term", "*"):
                return ("all",), pos + 2
            raise QueryError("“*:” chỉ dùng trong “*:*”.", "“*:” is only allowed in “*:*”.")
        if field not in FILTER_FIELDS:
            raise QueryError(f"không tìm theo trường “{field}”; các trường có: {', '.join(FILTER_FIELDS)}.",
                             f"cannot search the field “{field}”; fields: {', '.join(FILTER_FIELDS)}.")
        nk, nv = tokens[pos + 1]
        if nk == "lp":  # field:(a OR b)
            if depth >= MAX_DEPTH:
                raise QueryError("quá nhiều dấu ngoặc lồng nhau.", "too many nested parentheses.")
            node, end = _or(tokens, pos + 2, depth + 1)
            if end >= len(tokens) or tokens[end][0] != "rp":
                raise QueryError("thiếu dấu ngoặc đóng “)”.", "a closing parenthesis “)” is missing.")
            return _scoped(node, field), end + 1
        return _match(field, nk, nv), pos + 2
    if kind in ("term", "phrase", "range"):
        if kind == "term" and value == "*":
            return ("all",), pos + 1
        if kind == "range":
            raise QueryError(f"khoảng “{value}” cần tên trường (ví dụ metadata_modified:{value}).",
                             f"the range “{value}” needs a field (e.g. metadata_modified:{value}).")
        return _match(None, kind, value), pos + 1
    raise QueryError(f"không đọc được truy vấn tại “{value}”.", f"cannot read the query at “{value}”.")


def _scoped(node: Node, field: str) -> Node:
    if node[0] in ("and", "or"):
        return (node[0], [_scoped(n, field) for n in node[1]])
    if node[0] == "not":
        return ("not", _scoped(node[1], field))
    if node[0] == "match" and node[1] is None:
        return _match(field, node[2], node[3])
    return node


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _match(field: str | None, kind: str, raw: str) -> Node:
    if kind == "phrase":
        return ("match", field, "phrase", _unescape(raw[1:-1]))
    if kind == "range":
        low_inc, high_inc = raw[0] == "[", raw[-1] == "]"
        parts = raw[1:-1].split()
        if len(parts) != 3 or parts[1] != "TO":
            raise QueryError(f"khoảng “{raw[:60]}” phải có dạng [a TO b].", f"the range “{raw[:60]}” must read [a TO b].")
        low, high = parts[0], parts[2]
        low, high = low.strip().strip('"'), high.strip().strip('"')
        if field in DATE_FIELDS:
            bounds = (_date(low, field), _date(high, field))
        elif field in NUMBER_FIELDS:
            bounds = (_number(low, field), _number(high, field))
        else:
            bounds = (None if low == "*" else low, None if high == "*" else high)
        return ("match", field, "range", (bounds[0], low_inc, bounds[1], high_inc))
    value = _unescape(raw)
    if field in DATE_FIELDS and "*" not in value:
        return ("match", field, "range", (_date(value, field), True, _date(value, field), True))
    if field in NUMBER_FIELDS and "*" not in value:
        n = _number(value, field)
        return ("match", field, "range", (n, True, n, True))
    return ("match", field, "glob" if "*" in value or "?" in value else "term", value)


_NOW = re.compile(r"^NOW(?:/(DAY|HOUR|MONTH|YEAR))?(?:([-+])(\d{1,6})(YEARS?|MONTHS?|DAYS?|HOURS?|MINUTES?|SECONDS?))?$")


def _date(text: str, field: str) -> dt.datetime | None:
    if text == "*":
        return None
    m = _NOW.match(text)
    if m:
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        if m.group(1) == "DAY":
            now = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if m.group(2):
            n = int(m.group(3)) * (1 if m.group(2) == "+" else -1)
            unit = m.group(4).rstrip("S")
            days = {"YEAR": 365, "MONTH": 30, "DAY": 1}.get(unit)
            seconds = {"HOUR": 3600, "MINUTE": 60, "SECOND": 1}.get(unit, 0)
            try:
                now += dt.timedelta(days=n * days) if days else dt.timedelta(seconds=n * seconds)
            except OverflowError:
                raise QueryError(f"“{text}” ra ngoài lịch.", f"“{text}” is outside the calendar.") from None
        return now
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise QueryError(f"“{text}” không phải ngày giờ cho “{field}” (dạng 2025-01-31T00:00:00Z, NOW hoặc *).",
                         f"“{text}” is not a date for “{field}” (as 2025-01-31T00:00:00Z, NOW or *).") from None
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return when


def _number(text: str, field: str) -> float | None:
    if text == "*":
        return None
    try:
        return float(text)
    except ValueError:
        raise QueryError(f"“{text}” không phải số cho “{field}”.", f"“{text}” is not a number for “{field}”.") from None


# --- evaluating -----------------------------------------------------------------------------------

def matches(node: Node, d: Doc) -> bool:
    kind = node[0]
    if kind == "all":
        return True
    if kind == "and":
        return all(matches(n, d) for n in node[1])
    if kind == "or":
        return any(matches(n, d) for n in node[1])
    if kind == "not":
        return not matches(node[1], d)
    return _leaf(node[1], node[2], node[3], d)


def _phrase_in(seq: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return n > 0 and any(seq[i:i + n] == phrase for i in range(len(seq) - n + 1))


def _leaf(field: str | None, kind: str, value: Any, d: Doc) -> bool:
    if field is None or field in TEXT_FIELDS:
        parts = list(d.words.values()) if field in (None, "text") else [d.words.get(field, [])]
        if field == "res_name" or field == "res_description":
            parts = [d.words[field]]
        wanted = words(value) if kind != "range" else []
        if kind == "phrase" or len(wanted) > 1:
            return any(_phrase_in(seq, wanted) for seq in parts)
        if kind == "glob":
            pattern = fold(value)
            return any(fnmatch.fnmatchcase(w, pattern) for seq in parts for w in seq)
        return bool(wanted) and any(wanted[0] in seq for seq in parts)
    values = d.values.get(field, [])
    if kind == "range":
        low, low_inc, high, high_inc = value
        for v in values:
            if not v:
                continue
            if field in DATE_FIELDS:
                try:
                    x: Any = dt.datetime.fromisoformat(v)
                except ValueError:
                    continue
            elif field in NUMBER_FIELDS:
                x = float(v)
            else:
                x = v
            if (low is None or x > low or (low_inc and x == low)) and (high is None or x < high or (high_inc and x == high)):
                return True
        return False
    value = unicodedata.normalize("NFC", value)
    same: Callable[[str, str], bool] = (lambda a, b: a.casefold() == b.casefold()) if field == "res_format" \
        else (lambda a, b: a == b)
    if kind == "glob":
        return any(v and fnmatch.fnmatchcase(v.casefold() if field == "res_format" else v,
                                             value.casefold() if field == "res_format" else value) for v in values)
    return any(same(v, value) for v in values)


def score(node: Node, d: Doc) -> float:
    """Relevance of a package to q: each word counts by where it is found; a phrase found whole counts double."""
    total = 0.0
    for field, kind, value in _leaves(node):
        if field not in (None, "text") and field not in TEXT_FIELDS:
            total += 1.0 if _leaf(field, kind, value, d) else 0.0
            continue
        wanted = words(value) if isinstance(value, str) else []
        for part, weight in WEIGHTS:
            seq = d.words.get(part, [])
            total += weight * sum(seq.count(w) for w in wanted) / (1 + len(seq)) ** 0.5
            if len(wanted) > 1 and _phrase_in(seq, wanted):
                total += 2 * weight
    return total


def _leaves(node: Node) -> list[tuple[str | None, str, Any]]:
    if node[0] in ("and", "or"):
        return [leaf for n in node[1] for leaf in _leaves(n)]
    if node[0] == "match":
        return [(node[1], node[2], node[3])]
    return []  # "not" and "all" add nothing to relevance
