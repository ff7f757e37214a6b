"""What the SMS/Zalo look-up answers from (Article 7.2c): the function reads only these files.

    site/api/v1/lookup/<dataset-id>.json   per opted-in table: its code, the look-up and shown fields,
                                           and per row the folded look-up values beside the shown cells
    site/api/v1/lookup.json                the list of those files with their sha256, and the site's
                                           search (search/index.js + assets/search.js) with theirs, so
                                           `DL` ranks exactly as the search page does

Each row comes from the gate's own reading of the table (generator.tables, the reading every
conversion is made from), each cell as that reading's text; look-up values are folded with the one
accent fold (generator.text.fold) and their spaces collapsed. The spec is the one the gate checked
(generator/gate/lookup.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.tables import reader
from generator.gate.lookup import Lookup, spec_of
from generator.portal.model import Dataset, Portfolio
from generator.text import fold
from generator.publish import urls
from generator.publish.downloads.files import sha256_file
from generator.publish.harvest.json_api import write_json

CATALOGUE = "api/v1/lookup.json"
SEARCH_SCRIPT = "assets/search.js"  # theme/assets/search.js, copied by MkDocs


def index_file(dataset_id: str) -> str:
    return f"api/v1/lookup/{dataset_id}.json"


def key_text(value: str) -> str:
    """A look-up value as matched: folded, spaces collapsed ("Trường  THPT Trần Phú" -> "truong thpt tran phu")."""
    return " ".join(fold(value).split())


def opted_in(p: Portfolio) -> list[tuple[Dataset, Lookup]]:
    return [(d, spec) for d in p.datasets if (spec := spec_of(d)) is not None]


def _index(p: Portfolio, d: Dataset, spec: Lookup) -> dict[str, Any]:
    resource = next(r for r in d.resources if r.name == spec.resource)
    table = reader.of(resource)
    fields = {f["name"]: f for f in (resource.schema or {}).get("fields", []) if isinstance(f, dict)}
    names = [str(f.get("name")) for f in (resource.schema or {}).get("fields", []) if isinstance(f, dict)]
    position = {label: i for i, label in enumerate(table.labels)}
    at = {n: position.get(n, i) for i, n in enumerate(names)}

    def cells(record: list[str], names: tuple[str, ...]) -> list[str]:
        return [record[at[n]] if at[n] < len(record) else "" for n in names]

    def describe(n: str) -> dict[str, str]:
        return {"name": n, "title": str(fields[n].get("title") or n), "type": str(fields[n].get("type") or "string")}

    rows = [[[key_text(v) for v in cells(record, spec.fields)], cells(record, spec.show)] for record in table.records()]
    return {
        "v": 1, "dataset": d.id, "code": spec.code, "resource": spec.resource,
        "title": d.title, "title_en": d.title_en, "page": p.catalog.portal.base_url + urls.dataset_page(d.id),
        "fields": [describe(n) for n in spec.fields], "show": [describe(n) for n in spec.show], "rows": rows,
    }


def write(p: Portfolio, site: Path) -> None:
    """Each opted-in table's look-up index (beside the other discovery files)."""
    for d, spec in opted_in(p):
        write_json(site / index_file(d.id), _index(p, d, spec))


def write_catalogue(p: Portfolio, site: Path, into: Path | None = None) -> None:
    """api/v1/lookup.json (into `into`, default the site), once the search index, the search script and the
    look-up indexes are in `site`."""
    def pinned(rel: str) -> dict[str, str]:
        return {"path": rel, "sha256": sha256_file(site / rel)[0]}

    write_json((into or site) / CATALOGUE, {
        "v": 1,
        "portal": {"url": p.catalog.portal.base_url, "name": p.catalog.portal.name},
        "search": {"index": pinned(urls.SEARCH_INDEX), "script": pinned(SEARCH_SCRIPT)},
        "datasets": [{"dataset": d.id, "code": spec.code, **pinned(index_file(d.id))} for d, spec in opted_in(p)],
    })
