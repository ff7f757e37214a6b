"""A 50,000-row table: served in chunks, paged to its last page, sorted and filtered in the browser."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import copy_portal
from sitebuild import build_site, serve

from generator.publish.discovery.table_chunks import CHUNK

ROWS = 50_000
DISTRICTS = ["Thành phố Vĩnh Yên", "Huyện Tam Đảo", "Huyện Yên Lạc", "Huyện Sông Lô", "Huyện Bình Xuyên"]
DATASET = "co-so-san-xuat-lon"


def _row(i: int) -> list[str]:
    return [f"{i:06d}", f"Cơ sở sản xuất số {i + 1}", DISTRICTS[i % len(DISTRICTS)], str((i * 7919) % 100_003)]


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("big")
    portal = copy_portal(tmp / "portal")
    catalogue = yaml.safe_load((portal / "catalog/catalogue.yaml").read_text("utf-8"))
    catalogue["entries"].append({"code": "VP-KHDT-900", "title": "Cơ sở sản xuất (kiểm thử bảng lớn)", "agency": "so-khdt",
                                 "topic": "kinh-te", "frequency": "annual", "legal_basis": "", "description": "Kiểm thử."})
    (portal / "catalog/catalogue.yaml").write_text(yaml.safe_dump(catalogue, allow_unicode=True), encoding="utf-8")
    folder = portal / "data/so-khdt" / DATASET
    folder.mkdir()
    lines = ["ma_co_so,ten,huyen,so_lao_dong"] + [",".join(_row(i)) for i in range(ROWS)]
    (folder / "co-so.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "datapackage.yaml").write_text(yaml.safe_dump({
        "name": DATASET, "title": "Cơ sở sản xuất trên địa bàn tỉnh (bảng lớn)", "description": "Bảng 50.000 dòng để kiểm thử.",
        "catalogue": "VP-KHDT-900", "frequency": "annual", "keywords": ["cơ sở sản xuất"],
        "licenses": [{"name": "CC-BY-4.0"}], "contact": {"name": "Phòng Dữ liệu", "email": "skhdt@vinhphuc.gov.vn"},
        "resources": [{"name": "co-so", "path": "co-so.csv", "title": "Danh sách cơ sở", "format": "csv", "schema": {"fields": [
            {"name": "ma_co_so", "title": "Mã cơ sở", "type": "string"}, {"name": "ten", "title": "Tên", "type": "string"},
            {"name": "huyen", "title": "Huyện", "type": "string"},
            {"name": "so_lao_dong", "title": "Số lao động", "type": "integer"}]}}],
    }, allow_unicode=True), encoding="utf-8")
    out = tmp / "site"
    build_site(portal, out)
    with serve(out) as url:
        yield url, out


def test_the_table_is_published_in_chunks_with_sort_orders(big):
    _, site = big
    folder = site / f"datasets/{DATASET}/preview/co-so"
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    assert meta["rows"] == ROWS and meta["chunks"] == ROWS // CHUNK and meta["ordered"]
    chunks = sorted(folder.glob("[0-9]*.json"), key=lambda p: int(p.stem))
    assert len(chunks) == ROWS // CHUNK
    assert all(p.stat().st_size < 100_000 for p in chunks)
    assert json.loads(chunks[-1].read_text("utf-8"))[-1] == _row(ROWS - 1)  # leading zeros kept
    assert len(list(folder.glob("o3-*.json"))) == ROWS // CHUNK
    order = [i for k in range(ROWS // CHUNK) for i in json.loads((folder / f"o3-{k}.json").read_text())]
    values = [int(_row(i)[3]) for i in order]
    assert sorted(order) == list(range(ROWS)) and values == sorted(values)


def test_browser_pages_to_the_last_page_sorts_and_filters(page, big):
    url, _ = big
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(url + f"datasets/{DATASET}/preview/co-so/")
    page.locator("[data-od-table][data-od-ready]").wait_for()
    assert page.locator("[data-od-table-status]").inner_text().startswith("50.000 dòng")
    page.locator("[data-od-table-pager] [data-od-last]").click()
    page.wait_for_function("document.querySelector('[data-od-table-status]').textContent.includes('49.951–50.000')")
    assert page.locator("tbody tr").last.locator("td").first.inner_text() == f"{ROWS - 1:06d}"
    chunk_requests = [u for u in requested if u.rsplit("/", 1)[-1][:1].isdigit()]
    assert len(chunk_requests) <= 3  # the first and the last chunk, never the whole table
    # Sorted descending by a numeric column, across every chunk.
    header = page.locator("thead th", has_text="Số lao động").locator("button")
    first_count = "document.querySelector('tbody tr td:nth-child(4)').textContent"
    header.click()
    page.wait_for_function(f"{first_count} === '0'")  # ascending: the smallest first
    header.click()
    page.wait_for_selector("th[aria-sort=descending]")
    top = max(int(_row(i)[3]) for i in range(ROWS))
    shown = f"{top:,}".replace(",", ".")  # in the reader's locale: 100.002
    page.wait_for_function(f"{first_count} === '{shown}'")
    assert "1–50" in page.locator("[data-od-table-status]").inner_text()
    # Filtered without accents: a 50-chunk table is scanned whole, the count is exact.
    page.locator(".od-filter-row input").nth(2).fill("tam dao")
    expected = sum(1 for i in range(ROWS) if _row(i)[2] == "Huyện Tam Đảo")
    page.wait_for_function("document.querySelector('[data-od-table-status]').textContent.startsWith('10.000 dòng khớp')")
    assert expected == 10_000
    assert set(page.locator("tbody tr td:nth-child(3)").all_inner_texts()) == {"Huyện Tam Đảo"}
    assert page.console_errors == []
