"""Vietnam's administrative units before and after 1 July 2025, as catalog/units/ lists them.

Two generations: "pre-2025" (63 provinces, their districts and communes, in force until 30 June 2025)
and "2025" (34 provinces and their communes from 1 July 2025; no district level). The merges link
each new unit to the old ones it was made of, "full" or "partial" (an old unit split between several
new ones). Everything that names a unit (the gate, the `units` verbs, pages, search, DCAT) asks here:
one place for codes, names, the accent-free comparison and the unit's URI.

The lists are read once, and only when something needs them (a field or a dataset that declares
units): a build without them pays nothing.
"""

from __future__ import annotations

import csv
import functools
import gc
import re
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

from generator.text import fold, unaccented

NEW, OLD = "2025", "pre-2025"
GENERATIONS = (NEW, OLD)
CHANGEOVER = "2025-07-01"  # the first day of the new units (Decision 19/2025/QĐ-TTg and the NQ of the NA)
LEVELS = {NEW: ("province", "commune"), OLD: ("province", "district", "commune")}
FOLDER = "catalog/units"

# Type words, longest first so "Thành phố" is never read as "Thành".
TYPES = {
    "province": ("Thành phố", "Tỉnh"),
    "district": ("Thành phố", "Thị xã", "Huyện", "Quận"),
    "commune": ("Thị trấn", "Đặc khu", "Phường", "Xã"),
}
# Abbreviations common in agencies' spreadsheets ("TT. Hợp Châu", "TP Vĩnh Yên").
_ABBREVIATIONS = {"tp": "thanh pho", "tx": "thi xa", "tt": "thi tran", "p": "phuong", "x": "xa", "h": "huyen",
                  "q": "quan", "t": "tinh"}
# English type words, as the English lists write them ("Tam Dao Commune", "Phu Tho Province").
_TYPES_EN = {("province", "Tỉnh"): "Province", ("province", "Thành phố"): "City", ("district", "Thành phố"): "City",
             ("district", "Thị xã"): "Town", ("district", "Huyện"): "District", ("district", "Quận"): "Urban District",
             ("commune", "Xã"): "Commune", ("commune", "Phường"): "Ward", ("commune", "Thị trấn"): "Township",
             ("commune", "Đặc khu"): "Special Zone"}
_LEVEL_WORDS = {"province": ("tỉnh", "province"), "district": ("huyện", "district"), "commune": ("xã", "commune")}
_GENERATION_WORDS = {NEW: ("từ 01/07/2025", "from 1 July 2025"), OLD: ("trước 01/07/2025", "before 1 July 2025")}


def split_type(full_name: str, level: str) -> tuple[str, str]:
    """("Huyện", "Tam Đảo") from "Huyện Tam Đảo"; ("", name) when it starts with no type word of `level`."""
    for kind in TYPES.get(level, ()):
        if full_name.startswith(kind + " "):
            return kind, full_name[len(kind) + 1:].strip()
    return "", full_name.strip()


_NOT_WORD = re.compile(r"[^a-z0-9\n]+")
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")


def name_keys(texts: list[str]) -> list[str]:
    """The accent-free comparison of unit names: case, accents (Hòa = Hoà), hyphens, dots, spaces and
    leading zeros ("Phường 01" = "Phường 1") do not count. Folded in one pass: the lists hold 28,000 names."""
    blob = _NOT_WORD.sub(" ", fold("\n".join(t.replace("\n", " ") for t in texts)))
    return [" ".join(line.split()) for line in _LEADING_ZEROS.sub("", blob).split("\n")]


def name_key(text: str) -> str:
    return name_keys([text])[0]


def name_variants(text: str, level: str) -> set[str]:
    """The keys a written name may mean: as written, and without its type word (also abbreviated)."""
    return _name_keys(text, level)


def _name_keys(text: str, level: str) -> set[str]:
    """The keys a written name may mean: as written, and without its type word (also abbreviated)."""
    key = name_key(text)
    out = {key}
    words = key.split(" ")
    if words and words[0] in _ABBREVIATIONS and len(words) > 1:
        key = " ".join([_ABBREVIATIONS[words[0]], *words[1:]])
        out.add(key)
    for kind in TYPES.get(level, ()):
        prefix = name_key(kind) + " "
        if key.startswith(prefix):
            out.add(key[len(prefix):])
    return out


class Unit(NamedTuple):  # a tuple: 14,000 of them are made at each load
    generation: str
    level: str
    code: str
    name: str  # without the type word
    type: str  # Tỉnh, Thành phố, Huyện, Quận, Thị xã, Xã, Phường, Thị trấn, Đặc khu
    parent: str  # the code of its province (a new commune), district (an old commune) or province (an old district)
    name_en: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.type} {self.name}".strip()

    @property
    def english_name(self) -> str:
        """"Tam Dao District", "Dai Dinh Commune": the source's English name where it has one, else unaccented."""
        kind = _TYPES_EN.get((self.level, self.type), "")
        return f"{self.name_en or unaccented(self.name)} {kind}".strip()

    @property
    def ref(self) -> str:
        """How a descriptor names the unit: "2025:25", "pre-2025:26", "pre-2025:26-huyen-tam-dao"."""
        return f"{self.generation}:{self.code}"

    def named(self, text: str) -> bool:
        """Whether `text` is this unit's name, accent-free, with or without its type word."""
        key = name_key(text)
        words = key.split(" ")
        if len(words) > 1 and words[0] in _ABBREVIATIONS:
            key = " ".join([_ABBREVIATIONS[words[0]], *words[1:]])
        return key in name_keys([self.name, self.full_name])


class Link(NamedTuple):
    unit: Unit
    scope: str  # "full" or "partial"


class Units:
    """The two generations with their merges."""

    def __init__(self, rows: dict[str, list[list[str]]], merges: list[list[str]]):
        self._units: dict[tuple[str, str], Unit] = {}
        self._children: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        for generation, items in rows.items():
            units = self._units
            children = self._children
            for row in items:
                u = Unit(generation, *row)
                units[(generation, u.code)] = u
                if u.parent:
                    children[(generation, u.parent)].append(u)
        self._successors: dict[str, list[Link]] = defaultdict(list)  # old code -> new units
        self._predecessors: dict[str, list[Link]] = defaultdict(list)  # new code -> old units
        for level, new_code, old_code, scope in merges:
            new, old = self._units.get((NEW, new_code)), self._units.get((OLD, old_code))
            if new is None or old is None:
                continue
            self._successors[old.code].append(Link(new, scope))
            self._predecessors[new.code].append(Link(old, scope))
        self._index: dict[tuple[str, str], dict[str, list[Unit]]] = {}
        self._levels: dict[tuple[str, str], list[Unit]] | None = None

    def _names(self, generation: str, level: str) -> dict[str, list[Unit]]:
        """Units of one generation and level by accent-free name, with and without type word: built on the first
        search by name there (a district name field folds 700 names, not 28,000)."""
        index = self._index.get((generation, level))
        if index is None:
            units = self.all(generation, level)
            keys = name_keys([u.name for u in units] + [u.full_name for u in units])
            index = defaultdict(list)
            for u, bare, full in zip(units, keys, keys[len(units):]):
                index[bare].append(u)
                if full != bare:
                    index[full].append(u)
            self._index[(generation, level)] = index
        return index

    def __len__(self) -> int:
        return len(self._units)

    def unit(self, generation: str, code: str) -> Unit | None:
        return self._units.get((generation, code))

    def by_ref(self, ref: str) -> Unit | None:
        generation, _, code = ref.partition(":")
        return self.unit(generation, code)

    def all(self, generation: str, level: str) -> list[Unit]:
        if self._levels is None:
            self._levels = defaultdict(list)
            for u in self._units.values():
                self._levels[(u.generation, u.level)].append(u)
        return self._levels.get((generation, level), [])

    def children(self, unit: Unit) -> list[Unit]:
        return self._children.get((unit.generation, unit.code), [])

    def parent(self, unit: Unit) -> Unit | None:
        return self.unit(unit.generation, unit.parent) if unit.parent else None

    def ancestors(self, unit: Unit) -> list[Unit]:
        """The district (old communes) and the province the unit lies in, nearest first."""
        out: list[Unit] = []
        at = self.parent(unit)
        while at is not None and len(out) < 3:
            out.append(at)
            at = self.parent(at)
        return out

    def province_of(self, unit: Unit) -> Unit | None:
        return unit if unit.level == "province" else next((a for a in self.ancestors(unit) if a.level == "province"), None)

    def within(self, unit: Unit, area: Unit) -> bool:
        return unit == area or area in self.ancestors(unit)

    def successors(self, unit: Unit) -> list[Link]:
        """The new units an old one became. A district's are the new communes its communes went to: "full" where
        only whole communes of it went there."""
        if unit.generation != OLD:
            return []
        if unit.level != "district":
            return self._successors.get(unit.code, [])
        scopes: dict[Unit, str] = {}
        for commune in self.children(unit):
            for link in self._successors.get(commune.code, []):
                if scopes.get(link.unit) != "partial":
                    scopes[link.unit] = link.scope
        return [Link(u, s) for u, s in sorted(scopes.items(), key=lambda item: item[0].code)]

    def predecessors(self, unit: Unit) -> list[Link]:
        """The old units a new one was made of (for a new commune, with their districts through `ancestors`)."""
        return self._predecessors.get(unit.code, []) if unit.generation == NEW else []

    def named(self, generation: str, level: str, text: str, within: Unit | None = None) -> list[Unit]:
        """Units of `level` in `generation` called `text` (accent-free, with or without the type word), inside
        `within` when given."""
        found: dict[Unit, None] = {}
        for key in _name_keys(text, level):
            for u in self._names(generation, level).get(key, []):
                if within is None or self.within(u, within):
                    found[u] = None
        if len(found) > 1:  # "Xã Xuân Hòa" beside "Phường Xuân Hoà": the type word written decides
            typed = [u for u in found if u.named(text) and name_key(text) != name_key(u.name)]
            return typed or list(found)
        return list(found)

    def find(self, text: str, limit: int = 50) -> list[Unit]:
        """Units of either generation whose code is `text`, or whose name is it (accent-free, with or without
        type word); then units whose name starts with it. Provinces first, then districts, then communes."""
        text = text.strip()
        exact: dict[Unit, None] = {}
        for generation in GENERATIONS:
            if text and self.unit(generation, text):
                exact[self.unit(generation, text)] = None
            for level in LEVELS[generation]:
                for u in self.named(generation, level, text):
                    exact[u] = None
        if not exact and len(name_key(text)) >= 3:
            wanted = _name_keys(text, "commune") | _name_keys(text, "district") | _name_keys(text, "province")
            for generation in GENERATIONS:
                for level in LEVELS[generation]:
                    for key, units in self._names(generation, level).items():
                        if any(key.startswith(w + " ") for w in wanted):
                            for u in units:
                                exact[u] = None
        order = {"province": 0, "district": 1, "commune": 2}
        return sorted(exact, key=lambda u: (order[u.level], u.generation != OLD, u.code))[:limit]

    # What a person reads -------------------------------------------------------------------------------

    def place(self, unit: Unit, lang: str = "vi") -> str:
        """The unit with where it lies: "Xã Đại Đình, Huyện Tam Đảo, Tỉnh Vĩnh Phúc" ("Dai Dinh Commune, …")."""
        return ", ".join(u.full_name if lang == "vi" else u.english_name for u in [unit, *self.ancestors(unit)])

    def label(self, unit: Unit, lang: str = "vi") -> str:
        """Both generations in one line: "Huyện Tam Đảo (trước 01/07/2025), nay thuộc các xã Tam Đảo, … (Tỉnh
        Phú Thọ)"; "Xã Tam Đảo (từ 01/07/2025), trước đây là các xã Hợp Châu, … (Huyện Tam Đảo, Tỉnh Vĩnh Phúc)"."""
        vi = lang == "vi"
        when = _GENERATION_WORDS[unit.generation][0 if vi else 1]
        head = f"{unit.full_name if vi else unit.english_name} ({when})"
        if unit.generation == OLD:
            links = self.successors(unit)
            if not links:
                return head
            where = _common(self.province_of(link.unit) for link in links)
            lead = "nay thuộc" if vi else "now part of"
            if unit.level == "province":
                where = None
        else:
            links = self.predecessors(unit)
            if not links:
                return head
            where = _common(self.ancestors(link.unit)[0] if self.ancestors(link.unit) else None for link in links) \
                if unit.level == "commune" else None
            lead = "trước đây là" if vi else "formerly"
        names = _listing([link.unit for link in links], vi, partial={link.unit for link in links if link.scope == "partial"})
        tail = f" ({self.place(where, lang)})" if where is not None and where != unit else ""
        return f"{head}, {lead} {names}{tail}"

    def search_terms(self, unit: Unit) -> list[str]:
        """Names a search for this unit's data may use: its own and its places', and those of the units of the
        other generation it became or was made of (with their places): "tam dao" finds the old district's data
        and its new communes' data, "vinh phuc" the former province's."""
        seen: dict[str, None] = {}
        around = [link.unit for link in self.successors(unit) + self.predecessors(unit)]
        for u in [unit, *self.ancestors(unit)]:
            seen[u.full_name] = None
        for u in around:
            for v in [u, *self.ancestors(u)]:
                seen[v.full_name] = None
        return list(seen)


def _common(units) -> Unit | None:
    values = set(units)
    return values.pop() if len(values) == 1 else None


def _listing(units: list[Unit], vi: bool, partial: set[Unit]) -> str:
    """"các xã A, B (một phần)" when all have one type; "xã A, phường B" otherwise."""
    def one(u: Unit, with_type: bool) -> str:
        mark = (" (một phần)" if vi else " (part)") if u in partial else ""
        return (f"{u.type.lower()} {u.name}" if with_type and vi else u.english_name if with_type else u.name) + mark

    kinds = {u.type for u in units}
    if len(kinds) == 1 and len(units) > 1 and vi:
        kind = kinds.pop().lower()
        return (f"các {kind} " if vi else f"{kind} ") + ", ".join(one(u, False) for u in units)
    return ", ".join(one(u, True) for u in units)


def uri(base_url: str, unit: Unit) -> str:
    """The unit's stable URI: the portal's unit look-up page, at the unit ("…/don-vi/#pre-2025/26-huyen-tam-dao")."""
    return f"{base_url}{PAGE}#{unit.generation}/{unit.code}"


PAGE = "don-vi/"  # the look-up page, site-relative (publish/urls.py names it UNITS_PAGE)


def level_word(level: str, lang: str = "vi") -> str:
    return _LEVEL_WORDS[level][0 if lang == "vi" else 1]


def generation_words(generation: str) -> tuple[str, str]:
    return _GENERATION_WORDS[generation]


def _read(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        next(rows, None)  # the header
        return list(rows)


@functools.lru_cache(maxsize=4)
def _load(folder: Path) -> Units:
    collecting = gc.isenabled()
    gc.disable()  # 50,000 small objects that all live on: the collector would only walk them again and again
    try:
        return Units({NEW: _read(folder / "units-2025.csv"), OLD: _read(folder / "units-pre2025.csv")},
                     _read(folder / "merges-2025.csv"))
    finally:
        if collecting:
            gc.enable()


def load(root: Path) -> Units:
    """The lists of `root`/catalog/units, read once per process."""
    return _load((Path(root) / FOLDER).resolve())


def available(root: Path) -> bool:
    return (Path(root) / FOLDER / "units-2025.csv").is_file()


def lazily(root: Path):
    """A function giving the lists of `root` (None when the portal has none), read on its first call."""
    return lambda: load(root) if available(root) else None


def root_of(dataset) -> Path:
    """The portal root of a loaded dataset (its folder is data/<agency>/<id> under it)."""
    return dataset.folder.parents[len(Path(dataset.rel_folder).parts) - 1]


def declared_generations(schema) -> list[str]:
    """The generations a Table Schema's `admin_unit` fields declare, old first ([] for none)."""
    fields = schema.get("fields") if isinstance(schema, dict) else None
    found = {str(f["admin_unit"].get("generation")) for f in fields or []
             if isinstance(f, dict) and isinstance(f.get("admin_unit"), dict)}
    return [g for g in (OLD, NEW) if g in found]


class Place(NamedTuple):
    """One unit of a dataset's spatial coverage, as every output describes it (pages, search, JSON, DCAT)."""

    ref: str
    generation: str
    level: str
    code: str  # "" for a district (the lists carry no district codes)
    name: str  # the full name, "Huyện Tam Đảo"
    label_vi: str  # both generations: "Huyện Tam Đảo (trước 01/07/2025), nay thuộc các xã …"
    label_en: str
    uri: str
    terms: tuple[str, ...]  # names a search for its data may use, both generations

    def to_json(self) -> dict:
        return {"ref": self.ref, "generation": self.generation, "level": self.level, "code": self.code,
                "name": self.name, "label": self.label_vi, "label_en": self.label_en, "uri": self.uri}


def coverage(dataset, base_url: str) -> list[Place]:
    """The administrative units a dataset declares in `spatial` ([] when it describes its coverage in words)."""
    if not dataset.spatial_units:
        return []
    return list(_coverage(root_of(dataset).resolve(), tuple(dataset.spatial_units), base_url))


@functools.lru_cache(maxsize=4096)  # every card of a dataset on every page asks again
def _coverage(root: Path, refs: tuple[str, ...], base_url: str) -> tuple[Place, ...]:
    listed = load(root)
    out = []
    for ref in refs:
        u = listed.by_ref(ref)
        if u is not None:
            out.append(Place(u.ref, u.generation, u.level, u.code if u.level != "district" else "", u.full_name,
                             listed.label(u), listed.label(u, "en"), uri(base_url, u), tuple(listed.search_terms(u))))
    return tuple(out)
