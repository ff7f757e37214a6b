"""Harvesters see one portal: the real clients (ckanapi, ckanext-harvest's CKANHarvester, ckanext-dcat's
RDFParser, CKAN's uuid_validator) against a build of the sample, its static files and the function on it."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from ckanapi import NotFound, RemoteCKAN, SearchQueryError, ValidationError

from opendata_function.app import create_app

from .conftest import ROOT_DIR, Server, base_settings, registration

CKAN_PYTHON = ROOT_DIR / ".venv" / "ckan" / "bin" / "python"
CLIENTS = ROOT_DIR / "tests" / "ckan_clients.py"


def clients(*args: str) -> dict:
    """Run the harvesters' own code (CKAN 2.12, ckanext-dcat, ckanext-harvest) in their venv."""
    assert CKAN_PYTHON.exists(), "the CKAN clients' venv is missing: run `make .venv/ckan/.installed`"
    done = subprocess.run([str(CKAN_PYTHON), str(CLIENTS), *args], capture_output=True, text=True, timeout=300,
                          cwd="/tmp", env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def portfolio():
    from generator.build.pipeline import load

    from conftest import ROOT

    return load(ROOT)[0]


@pytest.fixture(scope="module")
def static(site):
    """The built site on a plain static server (query strings ignored, as any static host)."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def function(site, tmp_path_factory):
    """The function serving the same build (SQLite store: these tests are about the CKAN API, not the store)."""
    db = tmp_path_factory.mktemp("harvest") / "function.db"
    app = create_app(base_settings(site, f"sqlite:///{db}", rate_limit=1_000_000))
    server = Server(app)
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def key(function):
    import httpx

    r = httpx.post(f"{function}/v1/register", json=registration("harvester@example.vn"))
    assert r.status_code == 201, r.text
    return r.json()["key"]


def static_result(site: Path, rel: str):
    doc = json.loads((site / "api/3/action" / rel).read_text(encoding="utf-8"))
    assert doc["success"] is True
    return doc["result"]


# --- one description ------------------------------------------------------------------------------

def test_the_static_package_and_the_functions_are_the_same_for_every_dataset(site, function, portfolio):
    with RemoteCKAN(function) as ckan:
        names = ckan.action.package_list()
        assert names == sorted(d.id for d in portfolio.datasets)
        for name in names:
            static_pkg = static_result(site, f"package_show/{name}.json")
            assert static_result(site, f"package_show/{static_pkg['id']}.json") == static_pkg
            by_id = ckan.action.package_show(id=static_pkg["id"])
            assert ckan.action.package_show(id=name) == by_id  # the slug answers as an alias
            assert set(by_id) == set(static_pkg), name
            for field in static_pkg:
                if field != "resources":
                    assert by_id[field] == static_pkg[field], (name, field)
            assert len(by_id["resources"]) == len(static_pkg["resources"])
            tables = {r.name for r in next(d for d in portfolio.datasets if d.id == name).resources if r.tabular}
            for mine, theirs in zip(by_id["resources"], static_pkg["resources"]):
                assert set(mine) == set(theirs)
                assert {k: v for k, v in mine.items() if k != "datastore_active"} == \
                       {k: v for k, v in theirs.items() if k != "datastore_active"}
                # The only thing the function adds: which resources its datastore serves.
                assert theirs["datastore_active"] is False
                assert mine["datastore_active"] is (mine["portal_name"] in tables), (name, mine["portal_name"])


def test_every_id_is_one_ckan_accepts(site, function, tmp_path):
    with RemoteCKAN(function) as ckan:
        packages = ckan.action.package_search(rows=1000)["results"]
        orgs = ckan.action.organization_list(all_fields=True)
        groups = ckan.action.group_list(all_fields=True)
    ids = [p["id"] for p in packages] + [r["id"] for p in packages for r in p["resources"]] + \
          [p["owner_org"] for p in packages] + [o["id"] for o in orgs] + [g["id"] for g in groups] + \
          [g["id"] for p in packages for g in p["groups"]] + [r["package_id"] for p in packages for r in p["resources"]]
    for path in (site / "api/3/action/package_show").glob("*.json"):
        pkg = json.loads(path.read_text(encoding="utf-8"))["result"]
        ids += [pkg["id"], pkg["owner_org"], *(r["id"] for r in pkg["resources"])]
    assert len(ids) > 100 and all(ids)
    listed = tmp_path / "ids.json"
    listed.write_text(json.dumps(ids), encoding="utf-8")
    assert clients("uuid", str(listed)) == {"refused": []}
    # A broken id is refused by the same validator (the check can fail).
    listed.write_text(json.dumps(["co-so-kham-chua-benh/co-so"]), encoding="utf-8")
    assert clients("uuid", str(listed)) == {"refused": ["co-so-kham-chua-benh/co-so"]}


def test_ids_are_stable_across_builds(site, tmp_path):
    from conftest import run_cli

    again = tmp_path / "again"
    assert run_cli("build", "--out", str(again)).returncode == 0
    for path in (site / "api/3/action/package_show").glob("*.json"):
        first = json.loads(path.read_text(encoding="utf-8"))["result"]
        second = json.loads((again / path.relative_to(site)).read_text(encoding="utf-8"))["result"]
        assert (first["id"], [r["id"] for r in first["resources"]]) == \
               (second["id"], [r["id"] for r in second["resources"]])


# --- ckanapi, Python and command line ----------------------------------------------------------------

@pytest.mark.parametrize("method", ["post", "get"])
def test_ckanapi_command_line_dumps_everything(method, function, portfolio, tmp_path):
    for thing, expected in (("datasets", {d.id for d in portfolio.datasets}),
                            ("organizations", {d.agency for d in portfolio.datasets}),
                            ("groups", {portfolio.topic_of(d).id for d in portfolio.datasets})):
        out = tmp_path / f"{thing}.jsonl"
        done = subprocess.run([str(Path(sys.executable).parent / "ckanapi"), "dump", thing, "--all", "-q",
                               "-r", function, "-O", str(out), "-p", "2",
                               *(["--get-request"] if method == "get" else [])], capture_output=True, text=True,
                              timeout=300, env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"})
        assert done.returncode == 0, done.stderr[-2000:]
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert {r["name"] for r in records} == expected, thing
        if thing != "datasets":
            counts = {r["name"]: r["package_count"] for r in records}
            attr = (lambda d: d.agency) if thing == "organizations" else (lambda d: portfolio.topic_of(d).id)
            assert counts == {n: sum(1 for d in portfolio.datasets if attr(d) == n) for n in expected}


def test_organisations_groups_tags_and_licences(function, portfolio):
    with RemoteCKAN(function) as ckan:
        orgs = ckan.action.organization_list(all_fields=True)
        assert [o["name"] for o in orgs] == sorted({d.agency for d in portfolio.datasets},
                                                  key=lambda a: portfolio.catalog.agencies[a].name.casefold())
        one = orgs[0]
        shown = ckan.action.organization_show(id=one["id"], include_datasets=True)
        assert shown["name"] == one["name"] and shown["package_count"] == one["package_count"] == len(shown["packages"])
        assert ckan.action.organization_show(id=one["name"])["id"] == one["id"]
        groups = ckan.action.group_list(all_fields=True)
        assert all(g["id"] and g["title"] for g in groups)
        assert ckan.action.group_show(id=groups[0]["name"])["id"] == groups[0]["id"]
        with pytest.raises(NotFound):
            ckan.action.organization_show(id="khong-co")
        tags = ckan.action.tag_list()
        assert set(tags) == {t for d in portfolio.datasets for t in d.keywords if len(t) >= 2}
        assert set(ckan.action.tag_list(query="y te")) == {"trạm y tế", "trung tâm y tế", "y tế"}
        licences = {entry["id"]: entry for entry in ckan.action.license_list()}
        assert licences["cc-by"]["url"] == "http://www.opendefinition.org/licenses/cc-by"
        for name in ckan.action.package_list():
            pkg = ckan.action.package_show(id=name)
            assert pkg["license_id"] in licences and pkg["license_url"].startswith("https://")


def test_every_help_link_answers(function):
    with RemoteCKAN(function) as ckan:
        for action in ("package_search", "package_show", "organization_show", "group_list", "tag_list",
                       "license_list", "datastore_search", "datastore_info", "datastore_search_sql"):
            text = ckan.action.help_show(name=action)
            assert isinstance(text, str) and len(text) > 20
    import httpx

    answer = httpx.get(f"{function}/api/3/action/package_list").json()
    help_url = urlsplit(answer["help"])
    assert help_url.path == "/api/3/action/help_show" and dict(parse_qsl(help_url.query)) == {"name": "package_list"}


# --- package_search: the Solr subset -----------------------------------------------------------------

def names(result: dict) -> set[str]:
    return {p["name"] for p in result["results"]}


def test_package_search_reads_the_queries_harvesters_send(function, portfolio):
    everything = {d.id for d in portfolio.datasets}
    by_org = {}
    for d in portfolio.datasets:
        by_org.setdefault(d.agency, set()).add(d.id)
    a, b = sorted(by_org)[:2]
    with RemoteCKAN(function) as ckan:
        def search(**kw) -> set[str]:
            return names(ckan.action.package_search(rows=1000, **kw))

        assert search(fq=f"organization:{a} OR organization:{b}") == by_org[a] | by_org[b]
        assert search(fq=f"-organization:{a}") == everything - by_org[a]
        assert search(fq=f"-organization:{a} -organization:{b}") == everything - by_org[a] - by_org[b]
        assert search(fq=f"NOT organization:{a} AND NOT organization:{b}") == everything - by_org[a] - by_org[b]
        assert search(fq=f"organization:({a} OR {b})") == by_org[a] | by_org[b]
        with_tag = {d.id for d in portfolio.datasets if "đơn vị hành chính" in d.keywords}
        assert len(with_tag) >= 2 and search(fq='tags:"đơn vị hành chính"') == with_tag
        assert search(fq_list=json.dumps(['tags:"đơn vị hành chính"', f"organization:{a}"])) == with_tag & by_org[a]
        assert search(fq="metadata_modified:[2099-01-01T00:00:00Z TO *]") == set()
        assert search(fq="metadata_modified:[* TO NOW]") == everything
        assert search(fq="metadata_created:[2000-01-01T00:00:00Z TO 2099-01-01T00:00:00Z]") == everything
        assert search(fq="res_format:PDF") == {d.id for d in portfolio.datasets
                                               if any(r.format_info.label == "PDF" for r in d.resources)}
        assert search(fq="license_id:other-at") == {d.id for d in portfolio.datasets if d.licence == "MIT"}
        assert search(q="name:truong-thpt") == {"truong-thpt"}
        assert search(q="groups:" + portfolio.topic_of(portfolio.datasets[0]).id) == \
            {d.id for d in portfolio.datasets if portfolio.topic_of(d).id == portfolio.topic_of(portfolio.datasets[0]).id}
        # Accent-free, whole words: "y te" finds the health datasets, not every word that contains a "y".
        health = ckan.action.package_search(q="y te", rows=1000)
        assert health["results"][0]["name"] == "co-so-kham-chua-benh"
        assert all("y" in sys_words(p) and "te" in sys_words(p) for p in health["results"])
        assert len(health["results"]) < len(everything) / 2
        assert search(q="dân số") == search(q="dan so") and "dan-so-theo-huyen" in search(q="dan so")


def sys_words(pkg: dict) -> set[str]:
    from opendata_function import solr

    return solr.doc(pkg).all_words()


def test_facets_sort_and_rows_like_ckan(function, portfolio):
    with RemoteCKAN(function) as ckan:
        result = ckan.action.package_search(**{"facet.field": json.dumps(["organization", "tags", "license_id"]),
                                               "rows": 0})
        assert result["count"] == len(portfolio.datasets) and result["results"] == []
        orgs = {i["name"]: i["count"] for i in result["search_facets"]["organization"]["items"]}
        assert orgs == {a: sum(1 for d in portfolio.datasets if d.agency == a) for a in orgs}
        assert sum(orgs.values()) == len(portfolio.datasets) and result["facets"]["organization"] == orgs
        item = result["search_facets"]["organization"]["items"][0]
        assert item["display_name"] == portfolio.catalog.agencies[item["name"]].name
        assert set(result["facets"]["license_id"]) == {"cc-by", "other-at"}
        ordered = ckan.action.package_search(sort="name desc", rows=1000)["results"]
        assert [p["name"] for p in ordered] == sorted((d.id for d in portfolio.datasets), reverse=True)
        by_time = ckan.action.package_search(sort="metadata_modified desc", rows=1000)["results"]
        assert [p["metadata_modified"] for p in by_time] == sorted((p["metadata_modified"] for p in by_time), reverse=True)
        assert len(ckan.action.package_search(rows=5000)["results"]) == len(portfolio.datasets)  # capped, not refused
        page = ckan.action.package_search(rows=4, start=4, sort="name asc")["results"]
        assert [p["name"] for p in page] == sorted(d.id for d in portfolio.datasets)[4:8]


@pytest.mark.parametrize("fq", ["organization:(a OR b", 'tags:"y tế', "khong_co_truong:x",
                                "metadata_modified:[hôm qua TO *]", "organization:a OR", ")"])
def test_a_malformed_query_is_a_409_never_a_match_all(function, fq):
    with RemoteCKAN(function) as ckan:
        with pytest.raises(SearchQueryError) as refused:
            ckan.action.package_search(fq=fq)
    import httpx

    r = httpx.get(f"{function}/api/3/action/package_search", params={"fq": fq})
    assert r.status_code == 409 and r.json()["success"] is False
    assert r.json()["error"]["__type"] == "Search Query Error" and "fq" in r.json()["error"]["message"]
    assert refused.value.args


def test_bad_sort_and_rows_are_refused(function):
    with RemoteCKAN(function) as ckan:
        with pytest.raises((SearchQueryError, ValidationError)):
            ckan.action.package_search(sort="khong_co asc")
        with pytest.raises(ValidationError):
            ckan.action.package_search(rows=-1)


# --- the harvester -------------------------------------------------------------------------------

def test_ckan_harvester_with_organisation_filters(function, portfolio):
    everything = {d.id for d in portfolio.datasets}
    by_org: dict[str, set[str]] = {}
    for d in portfolio.datasets:
        by_org.setdefault(d.agency, set()).add(d.id)
    a, b = sorted(by_org)[:2]

    def harvest(config: dict, since: str | None = None) -> set[str]:
        done = clients("harvest", function, json.dumps(config), *([since] if since else []))
        assert done["errors"] == [] or not done["harvested"], done["errors"]
        return {p["name"] for p in done["harvested"]}

    assert harvest({}) == everything
    assert harvest({"organizations_filter_include": [a, b]}) == by_org[a] | by_org[b]
    assert harvest({"organizations_filter_exclude": [a]}) == everything - by_org[a]
    groups = {portfolio.topic_of(d).id for d in portfolio.datasets}
    g = sorted(groups)[0]
    assert harvest({"groups_filter_include": [g]}) == {d.id for d in portfolio.datasets if portfolio.topic_of(d).id == g}
    # Changes since the last good harvest: none after a date to come, all since long ago.
    assert harvest({}, since=(dt.datetime.now() + dt.timedelta(days=3650)).isoformat()) == set()
    assert harvest({"organizations_filter_include": [a]}, since="2000-01-01T00:00:00") == by_org[a]


def test_ckan_harvester_reads_the_static_files_too(static, portfolio):
    """A static host ignores the query string: the harvester gets every dataset on its first page, drops
    the repeats on the next and stops, with the same packages the function serves."""
    done = clients("harvest", static, json.dumps({}))
    assert done["errors"] == []
    assert sorted(p["name"] for p in done["harvested"]) == sorted(d.id for d in portfolio.datasets)


def test_the_harvester_pages_through_more_than_one_page(function, portfolio):
    done = clients("harvest", function, json.dumps({}))
    pkgs = done["harvested"]
    assert len(pkgs) == len({p["id"] for p in pkgs}) == len(portfolio.datasets)  # 100 a page: all on page 1
    with RemoteCKAN(function) as ckan:  # the same loop at 4 a page: every dataset once
        seen, start = [], 0
        while True:
            page = ckan.action.package_search(rows=4, start=start, sort="id asc")["results"]
            if not page:
                break
            seen += [p["id"] for p in page]
            start += 4
    assert sorted(seen) == sorted(p["id"] for p in pkgs) and len(set(seen)) == len(seen)


# --- the datastore -------------------------------------------------------------------------------

def test_datastore_links_keep_every_argument(function, key, portfolio):
    with RemoteCKAN(function, apikey=key) as ckan:
        pkg = ckan.action.package_show(id="co-so-kham-chua-benh")
        table = next(r for r in pkg["resources"] if r["datastore_active"])
        info = ckan.action.datastore_info(id=table["id"])
        field = next(f["id"] for f in info["fields"] if f["type"] == "text")
        first = ckan.action.datastore_search(resource_id=table["id"], limit=2, sort=f"{field} desc")
        value = first["records"][0][field]
        wanted = ckan.action.datastore_search(resource_id=table["id"], filters={field: value}, limit=1000)["records"]
        # Follow _links.next as a client does: the filter, sort and limit stay.
        page = ckan.action.datastore_search(resource_id=table["id"], filters={field: value}, limit=1,
                                            sort="_id asc")
        got = list(page["records"])
        import httpx

        url = page["_links"]["next"]
        while True:
            r = httpx.get(function + url, headers={"Authorization": key}).json()["result"]
            if not r["records"]:
                break
            assert len(r["records"]) == 1 and all(rec[field] == value for rec in r["records"])
            got += r["records"]
            url = r["_links"]["next"]
        assert got == wanted and info["meta"]["count"] == first["total"]
        # The old slug id answers as an alias of the UUID.
        alias = ckan.action.datastore_search(resource_id=f"co-so-kham-chua-benh/{table['portal_name']}", limit=2)
        assert alias["records"] == ckan.action.datastore_search(resource_id=table["id"], limit=2)["records"]


def test_datastore_search_sql_is_refused_with_its_reasons(function, key):
    import httpx

    r = httpx.get(f"{function}/api/3/action/datastore_search_sql", params={"sql": "SELECT 1"},
                  headers={"Authorization": key})
    assert r.status_code == 400 and r.json()["success"] is False
    message = json.dumps(r.json()["error"], ensure_ascii=False)
    assert "datastore_search" in message and "ckan.datastore.sqlsearch.enabled" in message and "không" in message


# --- DCAT-AP through ckanext-dcat -------------------------------------------------------------------

def test_ckanext_dcat_reads_every_dataset_with_its_licence(site, portfolio):
    base = portfolio.catalog.portal.base_url
    read = clients("rdf", str(site), base)
    assert read["pages"] == 1
    datasets = {next(e["value"] for e in d["extras"] if e["key"] == "identifier"): d for d in read["datasets"]}
    assert set(datasets) == {d.id for d in portfolio.datasets}
    for name, parsed in datasets.items():
        pkg = static_result(site, f"package_show/{name}.json")
        assert parsed["license_id"] == pkg["license_id"] != "", name
        d = next(x for x in portfolio.datasets if x.id == name)
        if d.description_en:
            assert parsed["notes"].strip() == d.description_en.strip()  # ckanext-dcat reads English first
    temporal = {n for n, p in datasets.items() if any(e["key"] == "temporal_start" for e in p["extras"])}
    assert "doanh-nghiep-niem-yet" in temporal  # no `temporal` in its descriptor: the dates of its table


def test_ckanext_dcat_follows_the_hydra_pages_of_a_large_catalogue(portfolio, tmp_path):
    from dataclasses import replace

    from generator.publish.harvest import dcat

    many = replace(portfolio, datasets=[replace(d, id=f"{d.id}-{i}") for i in range(15)
                                        for d in portfolio.datasets])
    dcat.write(many, tmp_path, {})
    read = clients("rdf", str(tmp_path), portfolio.catalog.portal.base_url)
    ids = [next(e["value"] for e in d["extras"] if e["key"] == "identifier") for d in read["datasets"]]
    assert read["pages"] == -(-len(many.datasets) // 100) == 3
    assert sorted(ids) == sorted(d.id for d in many.datasets) and len(set(ids)) == len(ids)
