"""The harvesters' own code, run in .venv/ckan (make .venv/ckan/.installed) by the tests, answering in JSON.

    python tests/ckan_clients.py rdf <site folder> <portal base URL>
        ckanext-dcat's RDFParser over site/dcat/catalog.ttl, following its Hydra pages (the base URL is read
        from the folder); prints {"datasets": [...], "pages": n}
    python tests/ckan_clients.py harvest <CKAN URL> <harvest source config JSON> [<last good harvest, ISO>]
        ckanext-harvest's CKANHarvester.gather_stage, its real code: the organisation filters, the search
        loop paging through package_search; prints {"harvested": [package dicts], "errors": [...]}
    python tests/ckan_clients.py uuid <JSON list of ids>
        CKAN's own uuid_validator on each id; prints {"refused": [...]}

Only what needs a database is replaced: the harvest job and source are plain objects and HarvestObject
records what gather_stage would save.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from types import SimpleNamespace


def rdf(site: str, base: str) -> dict:
    from ckanext.dcat.processors import RDFParser

    datasets, pages, url = [], 0, base + "dcat/catalog.ttl"
    seen = set()
    while url:
        if url in seen or pages > 1000:
            raise SystemExit(f"the pages loop at {url}")
        seen.add(url)
        parser = RDFParser()
        parser.parse((Path(site) / url.removeprefix(base)).read_text(encoding="utf-8"), _format="turtle")
        datasets += list(parser.datasets())
        pages += 1
        url = parser.next_page()
    return {"datasets": datasets, "pages": pages}


def harvest(url: str, config: str, since: str | None = None) -> dict:
    from ckanext.harvest.harvesters import ckanharvester

    saved: list[dict] = []
    errors: list[str] = []

    class Recorded:
        """HarvestObject as gather_stage uses it: built with guid, job and content, then saved."""

        def __init__(self, guid: str, job: object, content: str) -> None:
            self.guid, self.content, self.id = guid, content, guid

        def save(self) -> None:
            saved.append(json.loads(self.content))

    ckanharvester.HarvestObject = Recorded
    harvester = ckanharvester.CKANHarvester()
    last = SimpleNamespace(gather_started=dt.datetime.fromisoformat(since)) if since else None
    harvester.last_error_free_job = lambda job: last
    harvester._save_gather_error = lambda message, job: errors.append(message)
    job = SimpleNamespace(source=SimpleNamespace(url=url, config=config))
    result = harvester.gather_stage(job)
    return {"harvested": saved, "errors": errors, "returned": result}


def uuids(ids: list[str]) -> dict:
    from ckan.lib.navl.dictization_functions import Invalid
    from ckan.logic.validators import uuid_validator

    refused = []
    for value in ids:
        try:
            uuid_validator(value)
        except Invalid:
            refused.append(value)
    return {"refused": refused}


def main(argv: list[str]) -> None:
    verb, *args = argv
    if verb == "rdf":
        out = rdf(*args)
    elif verb == "harvest":
        out = harvest(*args)
    elif verb == "uuid":
        out = uuids(json.loads(Path(args[0]).read_text(encoding="utf-8")))
    else:
        raise SystemExit(f"unknown verb {verb}")
    sys.stdout.write(json.dumps(out, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
