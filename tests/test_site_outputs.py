"""The public site's generated files: search index, table chunks, charts, documents, JSON-LD, feed, sitemap."""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
import xml.etree.ElementTree as ET

import pytest

from generator.portal.model import Resource

from conftest import ROOT
from searching import run

from generator.build.pipeline import load
from generator.publish.discovery import charts, dictionary, documents, search_index, table_chunks
from generator.publish.site import feeds
from generator.publish.harvest import schemaorg
from generator.publish import urls

sys.path.insert(0, str(ROOT / "benchmarks"))
import search_index as search_benchmark  # noqa: E402

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def portfolio():
    return load(ROOT)[0]


# --- search ---------------------------------------------------------------------------------

def _search(portfolio, queries):
    return dict(zip(queries, run(portfolio, [[q, {}] for q in queries])))


def _synthetic(titles_and_descriptions):
    portfolio = search_benchmark.make_portfolio(len(titles_and_descriptions))
    for i, (d, (title, description)) in enumerate(zip(portfolio.datasets, titles_and_descriptions)):
        d.id, d.title, d.description, d.keywords = f"d{i}", title, description, []
    return portfolio


def test_search_folds_accents_both_ways_and_ranks_titles_first():
    portfolio = _synthetic([
        ("Mạng lưới đường bộ", "Danh sách tuyến đường trên địa bàn Hà Nội."),
        ("Chất lượng không khí Hà Nội", "Kết quả quan trắc."),
        ("Dân số tỉnh Vĩnh Phúc", "Số liệu dân số trung bình."),
        ("Trường học", "Danh sách trường ở Vĩnh Phúc; không có số liệu không khí."),
    ])
    ids = [d.id for d in portfolio.datasets]
    found = _search(portfolio, ["ha noi", "Hà Nội", "duong", "khong khi", "vinh phuc", "VINH PHUC", "khong kh",
                                "ha noi duong", "ha noi khong co"])
    assert found["ha noi"] == [ids[1], ids[0]]  # title match above description match
    assert found["Hà Nội"] == found["ha noi"]
    assert found["duong"] == [ids[0]]  # đ folds to d
    assert found["khong khi"] == [ids[1], ids[3]]
    assert found["vinh phuc"] == [ids[2], ids[3]] == found["VINH PHUC"]
    assert found["khong kh"] == found["khong khi"]  # the last word is a prefix
    assert found["ha noi duong"] == [ids[0]]  # every word required
    assert found["ha noi khong co"] == []


def test_search_index_of_10000_datasets_is_under_1_mb_gzipped():
    text = search_index.dumps(search_index.build(search_benchmark.make_portfolio(10_000)))
    size = len(gzip.compress(text.encode("utf-8"), mtime=0))
    assert size <= 1_000_000, size


def test_search_index_lists_every_dataset_with_its_facets(portfolio):
    index = search_index.build(portfolio)
    docs = index["docs"]
    assert sorted(docs["id"]) == sorted(d.id for d in portfolio.datasets)
    i = docs["id"].index("chi-so-gia-tieu-dung-2024")
    assert index["agencies"][docs["agency"][i]][0] == "cuc-thong-ke"
    assert index["frequencies"][docs["frequency"][i]][0] == "monthly"
    assert "CPI" in docs["keywords"][i].split("|")


# --- tables ---------------------------------------------------------------------------------

def test_table_chunks_hold_every_row_and_presorted_orders(tmp_path):
    header = ["ma", "ten", "so"]
    names = ["Đà Lạt", "Da Nang", "an", "Bắc Ninh", "ba", ""]
    rows = [[f"{i:05d}", names[i % len(names)], "" if i % 11 == 0 else str((i * 37) % 1009)] for i in range(2_500)]
    schema = {"fields": [{"name": "ma", "type": "string"}, {"name": "ten", "title": "Tên", "type": "string"},
                         {"name": "so", "type": "integer"}]}
    info = table_chunks.write_table(header, rows, schema, tmp_path)
    assert (info.rows, info.chunks, info.ordered) == (2_500, 3, True)
    back = [r for k in range(3) for r in json.loads((tmp_path / f"{k}.json").read_text("utf-8"))]
    assert back == rows
    meta = json.loads((tmp_path / "meta.json").read_text("utf-8"))
    assert meta["titles"] == ["ma", "Tên", "so"] and meta["types"][2] == "integer"
    order = [i for k in range(3) for i in json.loads((tmp_path / f"o2-{k}.json").read_text())]
    numbers = [rows[i][2] for i in order]
    filled = 2_500 - meta["empty"][2]
    assert [int(v) for v in numbers[:filled]] == sorted(int(v) for v in numbers[:filled])
    assert set(numbers[filled:]) == {""}  # empty cells last
    text_order = [i for k in range(3) for i in json.loads((tmp_path / f"o1-{k}.json").read_text())]
    seen = []
    for i in text_order:
        if not seen or seen[-1] != rows[i][1]:
            seen.append(rows[i][1])
    assert seen == ["an", "ba", "Bắc Ninh", "Đà Lạt", "Da Nang", ""]  # accent-folded ("da lat" < "da nang"), empty last


def test_one_chunk_tables_have_no_order_files(tmp_path):
    info = table_chunks.write_table(["a"], [["1"], ["2"]], None, tmp_path)
    assert not info.ordered and not list(tmp_path.glob("o*.json"))


def resource_of(path, fmt="csv", sheet=None):
    return Resource(name="t", title="t", description="", format=fmt, path=path.name, mediatype="", schema=None,
                    sheet=sheet, descriptor={}, source=path)


def test_reading_keeps_leading_zeros_and_survives_ragged_rows(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("ma,ten\n007,Hà Nội\n010\n011,x,extra\n", encoding="utf-8")
    header, rows = table_chunks.read_table(resource_of(path))
    assert header == ["ma", "ten"] and rows[0] == ["007", "Hà Nội"]
    table_chunks.write_table(header, rows, None, tmp_path / "out")
    assert json.loads((tmp_path / "out/0.json").read_text("utf-8")) == [["007", "Hà Nội"], ["010", ""], ["011", "x"]]


def test_unreadable_table_gets_no_chunks(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"ma,ten\n\xff\xfe\x00bad\n")
    with pytest.raises(table_chunks.TableReadError):
        table_chunks.read_table(resource_of(path))


# --- charts ---------------------------------------------------------------------------------

def _view(spec):
    return {"name": "v", "title": "T", "resources": ["r"], "specType": "vega-lite", "spec": spec}


@pytest.mark.parametrize("spec", [
    {"data": {"url": "https://example.com/x.csv"}, "mark": "bar"},
    {"mark": "bar", "transform": [{"lookup": "a", "from": {"data": {"url": "x.csv"}, "key": "a"}}]},
    {"mark": "image", "encoding": {"url": {"field": "a"}}},
    {"mark": "bar", "encoding": {"href": {"field": "a"}}},
    {"layer": [{"data": {"sequence": {"start": 0, "stop": 1e9}}, "mark": "point"}]},
    {"mark": "bar", "width": 100000},
])
def test_chart_specs_that_reach_outside_the_table_are_refused(spec):
    with pytest.raises(charts.ViewRefused):
        charts.render(_view(spec), [{"a": 1}], "c")


def test_chart_svg_is_sanitised_and_titled():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><g onclick="x()" clip-path="url(#clip1)">'
           '<clipPath id="clip1"><rect width="1" height="1"/></clipPath><foreignObject><p>x</p></foreignObject>'
           '<a href="javascript:alert(1)"><text>t</text></a><rect fill="url(https://evil/x)"/></g></svg>')
    clean = charts.sanitise_svg(svg, "od-chart-1", "</title><script>x</script>", "mô tả")
    root = ET.fromstring(clean)
    tags = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
    assert not tags & {"script", "foreignObject", "a"}
    assert "onclick" not in clean and "evil" not in clean and "javascript" not in clean
    assert "url(#od-chart-1-clip1)" in clean and 'id="od-chart-1-clip1"' in clean
    assert root.get("role") == "img"
    assert root.find("{http://www.w3.org/2000/svg}title").text == "</title><script>x</script>"


def test_sample_views_render(portfolio):
    d = next(d for d in portfolio.datasets if d.id == "chi-so-gia-tieu-dung-2024")
    [chart] = charts.charts(d, table_chunks.read_table)
    assert chart.error == "" and chart.svg.count("<path") > 3


# --- documents, JSON-LD, dictionary ---------------------------------------------------------

def test_document_html_is_sanitised():
    dirty = ('<p onclick="x()">a<script>alert(1)</script><img src=x onerror=alert(1)>'
             '<a href="javascript:alert(1)">j</a><a href="https://example.org">ok</a><style>p{}</style></p>'
             '<iframe src="https://evil"></iframe><table><tr><td colspan="2" style="color:red">c</td></tr></table>')
    clean = documents.sanitise(dirty)
    for bad in ("script", "onclick", "onerror", "<img", "javascript", "<style", "iframe", "style="):
        assert bad not in clean
    assert 'href="https://example.org"' in clean and 'colspan="2"' in clean


def test_sample_documents_preview(portfolio):
    forms = next(d for d in portfolio.datasets if d.id == "bieu-mau-du-lieu-mo")
    by_format = {r.format: r for r in forms.resources}
    docx = next(r for r in forms.resources if r.name == "mau-01-de-nghi-bo-sung-danh-muc")
    assert "PHIẾU ĐỀ NGHỊ" in documents.preview(docx.source, "docx").html
    assert "Word document" in documents.preview(by_format["doc"].source, "doc").text


def test_damaged_documents_do_not_fail(tmp_path):
    bad = tmp_path / "x.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    for fmt in ("docx", "doc", "pdf"):
        preview = documents.preview(bad, fmt)
        assert preview.failed and preview.problem  # the operator is told why


def test_json_ld_cannot_close_its_script(portfolio):
    d = portfolio.datasets[0]
    d_title = d.title
    try:
        d.title = "</script><script>alert(1)</script>"
        text = schemaorg.script_json(schemaorg.dataset(portfolio, d))
    finally:
        d.title = d_title
    assert "<" not in text and json.loads(text)["name"] == "</script><script>alert(1)</script>"


def test_data_dictionary_csv(portfolio):
    d = next(d for d in portfolio.datasets if d.id == "chi-so-gia-tieu-dung-2024")
    rows = list(csv.reader(io.StringIO(dictionary.dictionary_csv(d.resources[0].schema["fields"]))))
    assert rows[0][0].startswith("ten_truong")
    ma_nhom = next(r for r in rows if r[0] == "ma_nhom")
    assert ma_nhom[1] == "Mã nhóm hàng" and "bắt buộc" in ma_nhom[6] and "^[0-9]{2}$" in ma_nhom[7]


# --- feed and sitemap -----------------------------------------------------------------------

def test_atom_feed_is_valid_and_deterministic(portfolio):
    data = feeds.atom(portfolio)
    assert data == feeds.atom(portfolio)
    feed = ET.fromstring(data)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}").text
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(portfolio.datasets)
    for entry in entries:
        for required in ("id", "title", "updated", "summary"):
            assert entry.find(f"{ATOM}{required}").text, required
        assert entry.find(f"{ATOM}link").get("href").startswith(portfolio.catalog.portal.base_url + "datasets/")
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True) and feed.find(f"{ATOM}updated").text == updated[0]


def test_sitemap_lists_every_dataset_agency_and_topic_with_git_dates(portfolio):
    root = ET.fromstring(feeds.sitemap(portfolio))
    base = portfolio.catalog.portal.base_url
    lastmod = {u.find(f"{SM}loc").text: u.find(f"{SM}lastmod").text for u in root.findall(f"{SM}url")}
    for d in portfolio.datasets:
        assert lastmod[f"{base}datasets/{d.id}/"] == d.modified[:10]
    for a in portfolio.catalog.agencies:
        assert f"{base}agencies/{a}/" in lastmod
    for t in portfolio.catalog.topics:
        assert f"{base}topics/{t}/" in lastmod
    assert f"{base}datasets/chi-so-gia-tieu-dung-2024/preview/chi-so-gia-tieu-dung-2024/" in lastmod


# --- schema.org and robots.txt ---------------------------------------------------------------

def test_schema_org_names_the_agency_and_every_download(site, portfolio):
    import re
    from urllib.parse import unquote

    base = portfolio.catalog.portal.base_url
    for d in portfolio.datasets:
        page = (site / "datasets" / d.id / "index.html").read_text(encoding="utf-8")
        found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        data = json.loads(found.group(1))
        agency = portfolio.catalog.agencies[d.agency]
        assert data["publisher"]["name"] == agency.name and data["publisher"]["url"].endswith(f"agencies/{agency.id}/")
        urls_listed = [x["contentUrl"] for x in data["distribution"]]
        files = [unquote(u.removeprefix(base)) for u in urls_listed if u.startswith(base)]
        assert all((site / f).is_file() for f in files), d.id  # each one downloads
        assert urls.dataset_zip(d.id) in files
        for r in d.resources:
            if r.tabular and not r.is_api:
                converted = {f.rsplit("/", 1)[-1] for f in files if f"/converted/{r.name}." in f}
                assert {f"{r.name}.{x}" for x in ("csv", "excel.csv", "json", "xlsx")} <= converted, (d.id, r.name)
        if d.temporal.get("start"):
            assert data["temporalCoverage"].startswith(d.temporal["start"])


def test_robots_txt_points_at_the_sitemap(site, portfolio):
    text = (site / "robots.txt").read_text(encoding="utf-8")
    assert text == feeds.robots(portfolio).decode("utf-8")
    lines = text.splitlines()
    assert "User-agent: *" in lines and f"Sitemap: {portfolio.catalog.portal.base_url}sitemap.xml" in lines
    assert (site / "sitemap.xml").is_file()
