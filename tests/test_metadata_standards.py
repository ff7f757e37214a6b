"""Harvesting standards (Article 12.3), each checked by its own validator: DCAT-AP 3, data.json (POD 1.1), CKAN."""

from __future__ import annotations

import functools
from pathlib import Path
import csv
import hashlib
import http.server
import json
import re
import shutil
import threading
import urllib.request

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib import namespace as ns

from conftest import ROOT, shared
from generator.publish import urls
from generator.publish.harvest import ckan, datajson, dcat
from generator.publish.downloads import conversions
from standards_site import publish

SH = Namespace("http://www.w3.org/ns/shacl#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
EU = "http://publications.europa.eu/resource/authority/"


def standards(*parts: str) -> Path:
    return shared("standards", *parts)
# rdflib's own JSON-LD parser warns about its internals.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def out(tmp_path_factory):
    return publish(ROOT, tmp_path_factory.mktemp("standards") / "site")


@pytest.fixture(scope="session")
def published_graph(out) -> Graph:
    """The catalogue as a harvester reads it: parsed back from the published Turtle."""
    return Graph().parse(out.site / urls.DCAT_CATALOG_TTL, format="turtle")


def shacl(graph: Graph, name: str) -> tuple[bool, Graph, str]:
    shapes = Graph().parse(standards("dcat-ap-3.0.1", name), format="turtle")
    conforms, results, text = validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    return conforms, results, text


# --- DCAT-AP -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["shapes.ttl", "range.ttl"])
def test_catalogue_conforms_to_dcat_ap_shapes(published_graph, name):
    conforms, _, text = shacl(published_graph, name)
    assert conforms, text


def test_each_dataset_file_conforms_on_its_own(out):
    for d in out.portfolio.datasets:
        g = Graph().parse(out.site / urls.dcat_dataset(d.id, "ttl"), format="turtle")
        ok, text = dcat.check(g)
        assert ok, (d.id, text)
        assert (URIRef(out.portfolio.catalog.portal.base_url + f"datasets/{d.id}/#dataset"), ns.RDF.type, ns.DCAT.Dataset) in g


def test_jsonld_says_what_the_turtle_says(out, published_graph):
    js = Graph().parse(out.site / urls.DCAT_CATALOG_JSONLD, format="json-ld")
    # Each format's Hydra paging points at its own format's pages: the only difference.
    hydra = "http://www.w3.org/ns/hydra/core#"
    pages = {t for t in js if str(t[0]).endswith(".jsonld") or str(t[1]).startswith(hydra)}
    assert pages and all(str(t[0]).endswith(".jsonld") for t in pages)
    for s, pred, o in pages:
        js.remove((s, pred, o))
        js.add((URIRef(str(s).replace(".jsonld", ".ttl")), pred,
                URIRef(str(o).replace(".jsonld", ".ttl")) if isinstance(o, URIRef) else o))
    assert isomorphic(js, published_graph)
    one = "co-so-kham-chua-benh"
    assert isomorphic(Graph().parse(out.site / urls.dcat_dataset(one, "jsonld"), format="json-ld"),
                      Graph().parse(out.site / urls.dcat_dataset(one, "ttl"), format="turtle"))


def test_recommended_shapes_only_warn_about_what_the_data_lacks(out, published_graph):
    conforms, results, text = shacl(published_graph, "shapes_recommended.ttl")
    assert conforms  # warnings only
    severities = set(results.objects(None, SH.resultSeverity))
    assert SH.Violation not in severities
    paths = {str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1] for p in results.objects(None, SH.resultPath)}
    # Place names carry no geometry, and some datasets declare no period: nothing else may be missing.
    assert paths <= {"bbox", "centroid", "temporal", "startDate", "endDate"}, text
    # The build checks the catalogue in parts over the cores: their union counts each result once.
    published = dcat.catalog_triples(out.portfolio, out.downloads, conversions.periods(out.conversions))
    verdict = dcat.check_published(published, [d.id for d in out.portfolio.datasets], size=4)
    assert verdict.conforms and verdict.advice == len(list(results.subjects(ns.RDF.type, SH.ValidationResult)))


def test_a_dataset_without_a_title_fails_the_mandatory_shapes(out):
    g = dcat.catalog_graph(out.portfolio, out.downloads)
    ds = URIRef(out.portfolio.catalog.portal.base_url + "datasets/truong-thpt/#dataset")
    g.remove((ds, ns.DCTERMS.title, None))
    ok, text = dcat.check(g)
    assert not ok and "truong-thpt/#dataset" in text and "title" in text


def test_an_untyped_eu_concept_fails_range(out):
    g = dcat.catalog_graph(out.portfolio, out.downloads)
    g.remove((URIRef(EU + "frequency/ANNUAL"), ns.RDF.type, None))
    ok, text = dcat.check(g)
    assert not ok and "range.ttl" in text and "Frequency" in text


def test_dcat_carries_eu_vocabularies_and_file_facts(out, published_graph):
    g, p = published_graph, out.portfolio
    base = p.catalog.portal.base_url
    for d in p.datasets:
        ds = URIRef(f"{base}datasets/{d.id}/#dataset")
        theme = p.topic_of(d).theme
        assert URIRef(f"{EU}data-theme/{theme}") in set(g.objects(ds, ns.DCAT.theme))
        assert g.value(ds, ns.DCTERMS.accrualPeriodicity) == URIRef(f"{EU}frequency/{d.frequency_info.eu}")
        assert g.value(ds, ns.DCTERMS.language) == URIRef(f"{EU}language/VIE")
        assert {str(k) for k in g.objects(ds, ns.DCAT.keyword)} == set(d.keywords)
        for r in d.resources:
            dist = URIRef(f"{base}datasets/{d.id}/#{r.name}")
            assert dist in set(g.objects(ds, ns.DCAT.distribution))
            assert g.value(dist, ns.DCTERMS.format) == URIRef(f"{EU}file-type/{r.format_info.eu}")
            if r.is_api:
                assert g.value(dist, ns.DCAT.accessURL) == URIRef(r.path)
                continue
            url = str(g.value(dist, ns.DCAT.downloadURL))
            local = out.site / url.removeprefix(base).replace("%20", " ")
            data = local.read_bytes()
            assert int(g.value(dist, ns.DCAT.byteSize)) == len(data)
            checksum = g.value(dist, SPDX.checksum)
            assert str(g.value(checksum, SPDX.checksumValue)).lower() == hashlib.sha256(data).hexdigest()
        derived = {str(g.value(x, ns.DCAT.downloadURL)).removeprefix(base) for x in g.objects(ds, ns.DCAT.distribution)}
        assert urls.dataset_zip(d.id) in derived
    cc_by = URIRef(f"{EU}licence/CC_BY_4_0")
    assert g.value(cc_by, ns.RDFS.seeAlso) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    heal = URIRef(f"{EU}data-theme/HEAL")
    assert {(str(x), x.language) for x in g.objects(heal, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))} \
        == {("Y tế", "vi"), ("Health", "en")}


def test_descriptions_in_both_languages_temporal_coverage_and_https_checksums(out, published_graph):
    g, p = published_graph, out.portfolio
    base = p.catalog.portal.base_url
    both = [d for d in p.datasets if d.description_en]
    assert both
    for d in both:
        ds = URIRef(f"{base}datasets/{d.id}/#dataset")
        texts = {x.language: str(x) for x in g.objects(ds, ns.DCTERMS.description)}
        assert texts == {"vi": d.description.strip(), "en": d.description_en.strip()}
    # Temporal coverage whenever the data has dates: from the descriptor, else from the tables' date columns.
    dated = {c.dataset for c in out.conversions if c.period} | {d.id for d in p.datasets if d.temporal}
    assert "doanh-nghiep-niem-yet" in dated and not next(d for d in p.datasets if d.id == "doanh-nghiep-niem-yet").temporal
    for d in p.datasets:
        ds = URIRef(f"{base}datasets/{d.id}/#dataset")
        assert (g.value(ds, ns.DCTERMS.temporal) is not None) == (d.id in dated), d.id
    period = g.value(URIRef(f"{base}datasets/doanh-nghiep-niem-yet/#dataset"), ns.DCTERMS.temporal)
    rows = list(csv.DictReader((out.site / "datasets/doanh-nghiep-niem-yet/converted/doanh-nghiep-niem-yet.csv")
                               .open(encoding="utf-8")))
    days = sorted(v for r in rows for k, v in r.items() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v or ""))
    assert (str(g.value(period, ns.DCAT.startDate)), str(g.value(period, ns.DCAT.endDate))) == (days[0], days[-1])
    algorithms = set(g.objects(None, SPDX.algorithm))
    assert algorithms == {URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")}
    conforms, results, _ = shacl(g, "mdr-vocabularies.shape.ttl")
    paths = set(results.objects(None, SH.resultPath))
    assert conforms and SPDX.algorithm not in paths and SPDX.checksum not in paths


def test_every_distribution_licence_is_one_ckan_knows(out, published_graph):
    from generator.publish.harvest import licences

    g = published_graph
    register_urls = {e.url for e in licences.REGISTER if e.url}
    register_titles = {e.title for e in licences.REGISTER}
    for dist in g.subjects(ns.RDF.type, ns.DCAT.Distribution):
        licence = g.value(dist, ns.DCTERMS.license)
        titles = {str(x) for x in g.objects(licence, ns.DCTERMS.title) if x.language == "en"}
        assert str(licence) in register_urls or titles & register_titles, (dist, licence)


def test_no_blank_nodes_in_published_rdf(published_graph):
    from rdflib import BNode

    assert not [t for t in published_graph if any(isinstance(x, BNode) for x in t)]


# --- data.json ---------------------------------------------------------------------------------

def pod_validator():
    """The POD 1.1 schema from the shared standards folder (not the build's copy), $ref resolved locally."""
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    folder = standards("pod-1.1")
    schemas = [json.loads((folder / n).read_text(encoding="utf-8")) for n in ("catalog.json", "dataset-non-federal.json")]
    registry = Registry().with_resources((s["id"].rstrip("#"), Resource.from_contents(s, default_specification=DRAFT4))
                                         for s in schemas)
    return Draft4Validator(schemas[0], registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def test_data_json_is_valid_pod_1_1(out):
    document = json.loads((out.site / urls.DATA_JSON).read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in pod_validator().iter_errors(document)]
    assert errors == []
    assert datajson.check(document) == []
    assert len(document["dataset"]) == len(out.portfolio.datasets)
    one = next(x for x in document["dataset"] if x["identifier"].endswith("/datasets/co-so-kham-chua-benh/"))
    assert one["accrualPeriodicity"] == "R/P1Y" and one["temporal"] == "2024-01-01/2024-12-31"
    assert one["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert {x["format"] for x in one["distribution"]} == {"CSV", "JSON", "XLSX", "ZIP"}


def test_a_broken_data_json_is_refused(out):
    document = json.loads((out.site / urls.DATA_JSON).read_text(encoding="utf-8"))
    document["dataset"][0]["contactPoint"]["hasEmail"] = "khong-phai-email"
    del document["dataset"][1]["publisher"]
    errors = datajson.check(document)
    assert any(e.startswith("dataset/0/contactPoint/hasEmail") for e in errors)
    assert any(e.startswith("dataset/1") and "publisher" in e for e in errors)
    assert list(pod_validator().iter_errors(document))


# --- CKAN ------------------------------------------------------------------------------------------

PACKAGE_KEYS = {"id", "name", "title", "notes", "url", "state", "type", "license_id", "license_title", "license_url",
                "organization", "owner_org", "groups", "tags", "resources", "num_resources", "num_tags",
                "metadata_created", "metadata_modified", "extras", "private", "isopen"}
RESOURCE_KEYS = {"id", "package_id", "name", "url", "format", "mimetype", "size", "hash", "last_modified", "position"}
CKAN_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
CKAN_TAG = re.compile(r"^[\w \-.]{2,100}$", re.UNICODE)


@pytest.fixture(scope="module")
def ckan_server(out):
    handler = functools.partial(Quiet, directory=str(out.site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def get(url: str) -> dict:
    with urllib.request.urlopen(url) as resp:
        return json.loads(resp.read())


def test_ckan_actions_answer_over_plain_http(out, ckan_server):
    names = sorted(d.id for d in out.portfolio.datasets)
    listing = get(ckan_server + "api/3/action/package_list")
    assert listing["success"] is True and listing["result"] == names
    # CKAN's harvester pages through package_search with a query string; a static server ignores it.
    search = get(ckan_server + "api/3/action/package_search?fq=-organization:x&rows=1000&start=0")
    assert search["result"]["count"] == len(names) == len(search["result"]["results"])
    assert get(ckan_server + "api/3/action/package_list.json") == listing
    assert get(ckan_server + "api/3/action/organization_list")["result"] == sorted({d.agency for d in out.portfolio.datasets})
    shown = get(ckan_server + "api/3/action/package_show/co-so-kham-chua-benh.json")
    assert shown["success"] is True and shown["result"]["name"] == "co-so-kham-chua-benh"


def test_ckan_packages_have_ckan_shape_and_true_file_facts(out):
    base = out.portfolio.catalog.portal.base_url
    for d in out.portfolio.datasets:
        pkg = json.loads((out.site / urls.ckan_package_show(d.id)).read_text(encoding="utf-8"))["result"]
        assert PACKAGE_KEYS <= set(pkg)
        assert pkg["name"] == d.id and pkg["organization"]["name"] == d.agency
        assert [g["name"] for g in pkg["groups"]] == [out.portfolio.topic_of(d).id]
        assert CKAN_TIME.match(pkg["metadata_created"]) and CKAN_TIME.match(pkg["metadata_modified"])
        assert all(CKAN_TAG.match(t["name"]) and "  " not in t["name"] for t in pkg["tags"])
        assert all(isinstance(e["value"], str) and e["key"] != "spatial" for e in pkg["extras"])
        for res in pkg["resources"]:
            assert RESOURCE_KEYS <= set(res)
            if res["resource_type"] == "api":
                continue
            data = (out.site / res["url"].removeprefix(base).replace("%20", " ")).read_bytes()
            assert (res["size"], res["hash"]) == (len(data), hashlib.sha256(data).hexdigest())
        assert len({r["id"] for r in pkg["resources"]}) == len(pkg["resources"])
    licences = {json.loads((out.site / urls.ckan_package_show(d.id)).read_text("utf-8"))["result"]["license_id"]
                for d in out.portfolio.datasets}
    assert "cc-by" in licences
    from generator.publish.harvest.licences import BY_ID

    assert licences <= set(BY_ID)  # CKAN's default licence register, nothing else
    import uuid as uuidlib

    for d in out.portfolio.datasets:
        pkg = json.loads((out.site / urls.ckan_package_show(d.id)).read_text(encoding="utf-8"))["result"]
        for value in (pkg["id"], pkg["owner_org"], *(r["id"] for r in pkg["resources"]), *(g["id"] for g in pkg["groups"])):
            assert str(uuidlib.UUID(value)) == value


def test_ckan_tags_follow_ckan_rules():
    assert ckan.tag("y tế, bệnh viện") == "y tế bệnh viện"
    assert ckan.tag("a") is None
    assert ckan.tag("dữ liệu/mở") == "dữ liệu mở"
    assert ckan.ckan_time("2025-07-01T08:00:00+07:00") == "2025-07-01T01:00:00"


# --- incremental check and the serialisers -------------------------------------------------------

def test_a_rebuild_checks_only_what_changed_and_still_catches_a_violation(out, tmp_path):
    published = out.dcat
    ids = sorted(d.id for d in out.portfolio.datasets)
    assert published.changed_since(out.site, out.site) == []
    assert sorted(published.changed_since(None, out.site)) == ids
    previous = tmp_path / "previous"
    shutil.copytree(out.site / "dcat", previous / "dcat")
    (previous / urls.dcat_dataset("truong-thpt", "ttl")).write_text("# older\n", encoding="utf-8")
    assert published.changed_since(previous, out.site) == ["truong-thpt"]
    partial = published.graph(only=["truong-thpt"])
    assert dcat.check(partial)[0] and len(partial) < len(published.graph()) / 5
    broken = dcat.Published(published.catalog, {k: set(v) for k, v in published.datasets.items()}, published._pages)
    node = URIRef(out.portfolio.catalog.portal.base_url + "datasets/truong-thpt/#dataset")
    broken.datasets["truong-thpt"] -= {t for t in broken.datasets["truong-thpt"] if t[0] == node and t[1] == ns.DCTERMS.description}
    ok, text = dcat.check(broken.graph(only=["truong-thpt"]))
    assert not ok and "truong-thpt/#dataset" in text


@settings(max_examples=60, deadline=None)
@given(text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
       lang=st.sampled_from(["vi", "en"]), path=st.text(st.characters(blacklist_categories=("Cs",)), max_size=15))
def test_turtle_and_jsonld_carry_any_text_and_iri_exactly(text, lang, path):
    subject = dcat.iri("https://x.invalid/datasets/a/" + path)
    triples = {(subject, ns.DCTERMS.title, Literal(text, lang=lang)),
               (subject, ns.RDF.type, ns.DCAT.Dataset),
               (subject, ns.DCAT.keyword, Literal(text)),
               (subject, ns.DCAT.landingPage, dcat.iri("https://x.invalid/" + path))}
    expected = Graph()
    for t in triples:
        expected.add(t)
    assert isomorphic(Graph().parse(data=dcat.turtle(triples).decode("utf-8"), format="turtle"), expected)
    assert isomorphic(Graph().parse(data=dcat.jsonld(triples).decode("utf-8"), format="json-ld"), expected)
