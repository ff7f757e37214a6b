"""What the look-up answers from, as the build published it (generator/publish/discovery/lookup.py).

api/v1/lookup.json lists each opted-in table's look-up index and pins the site's search
(search/index.js and the search page's own script, assets/search.js) by sha256; every file read is
checked against it, so nothing answers from a file the build did not publish.

`DL` runs the search page's own ranking: the published search.js, in an embedded JavaScript engine
(QuickJS), over the published index. One ranking, the site's, whichever way a reader searches.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from ..published import SiteError, Source
from ..datastore import fold

CATALOGUE = "api/v1/lookup.json"
_LIMIT = 50 * 1024 * 1024
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,199}$")
_SAFE = re.compile(r"^[a-z0-9][a-z0-9_./-]{0,300}$")


def key_text(value: str) -> str:
    """As the build folds look-up values: accent- and case-free, spaces collapsed."""
    return " ".join(fold(value).split())


@dataclass(frozen=True)
class Found:
    total: int
    rows: list[list[str]]  # the shown cells of the first matches


@dataclass
class Table:
    dataset: str
    code: str
    title: str
    page: str
    fields: list[dict[str, str]]
    show: list[dict[str, str]]
    keys: list[list[str]]
    cells: list[list[str]]
    exact: dict[str, list[int]] = field(default_factory=dict)  # folded value -> rows, made at load

    def __post_init__(self) -> None:
        for i, keys in enumerate(self.keys):
            for k in dict.fromkeys(keys):
                self.exact.setdefault(k, []).append(i)

    def find(self, value: str, first: int) -> Found:
        """Rows whose look-up value equals `value` (folded); if none, rows holding its words together."""
        wanted = key_text(value)
        if not wanted:
            return Found(0, [])
        exact = self.exact.get(wanted, [])
        if not exact:  # no whole value: its words together inside one (a scan, only then)
            padded = f" {wanted} "
            exact = [i for i, keys in enumerate(self.keys) if any(padded in f" {k} " for k in keys)]
        return Found(len(exact), [self.cells[i] for i in exact[:first]])


def _checked(source: Source, entry: Any) -> bytes:
    if not isinstance(entry, dict):
        raise SiteError(f"{CATALOGUE}: an entry is not an object")
    rel, digest = str(entry.get("path") or ""), str(entry.get("sha256") or "")
    if not _SAFE.match(rel) or ".." in rel.split("/"):
        raise SiteError(f"{CATALOGUE}: path {rel[:100]!r} is not a site path")
    data = source.read(rel, _LIMIT)
    if hashlib.sha256(data).hexdigest() != digest:
        raise SiteError(f"{rel} does not match the sha256 in {CATALOGUE}; publish the whole build again")
    return data


class Search:
    """The site's search (search.js) over the site's index, in QuickJS. One engine, used under a lock."""

    def __init__(self, script: str, index: str) -> None:
        import quickjs

        self._lock = threading.Lock()
        self._ctx = quickjs.Context()
        self._ctx.set_memory_limit(256 * 1024 * 1024)
        self._ctx.set_time_limit(5)
        # As under node: the core exports itself and never touches a page.
        self._ctx.eval("var module = {exports: {}}; var window = undefined;")
        self._ctx.eval(script)
        self._ctx.eval("var OdSearch = module.exports;")
        # search/index.js is "window.odSearchIndex=<JSON>;": run it against a stand-in window.
        self._ctx.eval("var window = {};")
        self._ctx.eval(index)
        self._ctx.eval("var odIndex = new OdSearch.Index(window.odSearchIndex); odIndex.build();"
                       "function odFind(q, n) { var r = odIndex.search(q, {}), d = odIndex.data.docs;"
                       " return JSON.stringify({total: r.hits.length, hits: r.hits.slice(0, n).map(function (i) {"
                       " return [d.id[i], d.title[i]]; })}); }")
        self._find = self._ctx.get("odFind")

    def find(self, query: str, first: int) -> tuple[int, list[tuple[str, str]]]:
        with self._lock:
            result = json.loads(self._find(query, first))
        return int(result["total"]), [(str(i), str(t)) for i, t in result["hits"]]


@dataclass
class LookupData:
    fingerprint: str
    portal_url: str
    search: Search
    tables: dict[str, Table]  # by folded code and by dataset id

    def table(self, code: str) -> Table | None:
        return self.tables.get(fold(code).strip())

    def code_of(self, dataset: str) -> str:
        table = self.tables.get(dataset)
        return table.code if table else ""


def load(source: Source) -> LookupData:
    raw = source.read(CATALOGUE, _LIMIT)
    try:
        doc = json.loads(raw)
        search = doc["search"]
        entries = doc["datasets"]
        portal_url = str((doc.get("portal") or {}).get("url") or "")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SiteError(f"{CATALOGUE} is not the look-up catalogue: {exc}") from exc
    script = _checked(source, search.get("script")).decode("utf-8")
    index = _checked(source, search.get("index")).decode("utf-8")
    tables: dict[str, Table] = {}
    for entry in entries if isinstance(entries, list) else []:
        try:
            item = json.loads(_checked(source, entry))
            dataset = str(item["dataset"])
            if not _SLUG.match(dataset):
                continue
            table = Table(dataset=dataset, code=str(item["code"]), title=str(item["title"]), page=str(item["page"]),
                          fields=list(item["fields"]), show=list(item["show"]),
                          keys=[[str(k) for k in row[0]] for row in item["rows"]],
                          cells=[[str(c) for c in row[1]] for row in item["rows"]])
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise SiteError(f"look-up index of {entry.get('dataset') if isinstance(entry, dict) else '?'}: {exc}") from exc
        tables[fold(table.code)] = table
        tables[dataset] = table
    return LookupData(fingerprint=hashlib.sha256(raw).hexdigest(), portal_url=portal_url,
                      search=Search(script, index), tables=tables)
