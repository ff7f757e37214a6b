"""The JSON endpoints of the contract, read as an app developer would."""

import hashlib
import json
from urllib.parse import unquote, urlparse

from conftest import ROOT

from generator.build.pipeline import load


def _json(site, rel):
    return json.loads((site / rel).read_text(encoding="utf-8"))


def test_catalog_json_lists_every_published_dataset(site):
    portfolio, _ = load(ROOT)
    catalog = _json(site, "api/v1/catalog.json")
    assert catalog["portal"]["name"] == "Cổng dữ liệu mở tỉnh Vĩnh Phúc"
    assert catalog["count"] == len(portfolio.datasets)
    assert sorted(d["id"] for d in catalog["datasets"]) == sorted(d.id for d in portfolio.datasets)
    for summary in catalog["datasets"]:
        assert summary["url"].endswith(f"/datasets/{summary['id']}/")
        assert (site / "datasets" / summary["id"] / "index.html").is_file()
        assert _json(site, f"api/v1/datasets/{summary['id']}.json")["title"] == summary["title"]


def test_dataset_json_gives_download_urls_sizes_and_sha256_of_the_real_files(site):
    portfolio, _ = load(ROOT)
    base = portfolio.catalog.portal.base_url
    checked = 0
    for d in portfolio.datasets:
        doc = _json(site, f"api/v1/datasets/{d.id}.json")
        assert doc["agency"]["id"] == d.agency
        assert doc["catalogue"]["code"] == d.catalogue
        assert doc["licence"]["url"].startswith("https://")
        for r in doc["resources"]:
            if r["format"] == "api":
                assert r["url"].startswith("https://")
                continue
            assert r["url"].startswith(base)
            published = site / unquote(urlparse(r["url"]).path).lstrip("/")
            data = published.read_bytes()
            assert len(data) == r["size"]
            assert hashlib.sha256(data).hexdigest() == r["sha256"]
            # ...and it is the agency's own file, unchanged.
            assert data == (d.folder / r["path"]).read_bytes()
            checked += 1
    assert checked >= 12


def test_tables_carry_their_schema_with_codes_as_strings(site):
    catalog = _json(site, "api/v1/catalog.json")
    tables = 0
    for summary in catalog["datasets"]:
        for r in _json(site, f"api/v1/datasets/{summary['id']}.json")["resources"]:
            if r["format"] in ("csv", "xls", "xlsx"):
                assert r["schema"]["fields"], r["name"]
                tables += 1
    assert tables >= 6


def test_manifest_lists_every_published_file_and_the_commit(site):
    manifest = _json(site, "manifest.json")
    listed = {f["path"] for f in manifest["files"]}
    on_disk = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} - {"manifest.json"}
    assert listed == on_disk
    assert len(manifest["commit"]) == 40
    assert "index.html" in listed and "api/v1/catalog.json" in listed


def test_every_link_on_every_page_resolves_to_a_published_file(site):
    """No broken internal link: downloads, conversions, zips, DCAT, CKAN, previews, pages."""
    import re
    from urllib.parse import urljoin, urlparse

    broken = []
    pages = list(site.rglob("index.html"))
    for page in pages:
        base = "http://x/" + page.relative_to(site).as_posix()
        for href in re.findall(r'href="([^"#?]+)', page.read_text(encoding="utf-8")):
            url = urlparse(urljoin(base, href))
            if url.netloc != "x":
                continue
            target = site / unquote(url.path).lstrip("/")
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {href}")
    assert len(pages) > 40
    assert broken == []


def test_dataset_page_links_its_standard_descriptors(site):
    html = (site / "datasets/truong-thpt/index.html").read_text(encoding="utf-8")
    for target in ("truong-thpt.zip", "files/datapackage.json", "dcat/datasets/truong-thpt.ttl",
                   "dcat/datasets/truong-thpt.jsonld", "package_show/truong-thpt.json", "converted/truong-thpt.xlsx"):
        assert target in html
    descriptor = json.loads((site / "datasets/truong-thpt/files/datapackage.json").read_text(encoding="utf-8"))
    for r in descriptor["resources"]:
        assert (site / "datasets/truong-thpt/files" / r["path"]).is_file()
