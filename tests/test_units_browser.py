"""Administrative units in a real Chromium: the look-up page, and the search finding data under both generations."""

from __future__ import annotations

import pytest
import yaml
from conftest import ROOT, SCREENSHOTS, copy_portal
from sitebuild import build_site, serve

AXE = ROOT / ".venv/npm/node_modules/axe-core/axe.min.js"
AIR = "quan-trac-khong-khi-2024"  # its stations' old districts, Tam Đảo among them


def _dataset(root, name: str, title: str, spatial: list[str]) -> None:
    """A small dataset whose words never name its place: only its unit codes do."""
    folder = root / "data/cuc-thong-ke" / name
    folder.mkdir(parents=True)
    (folder / "so-lieu.csv").write_text("nam,so_lieu\n2024,1\n2025,2\n", encoding="utf-8")
    descriptor = yaml.safe_load((ROOT / "data/cuc-thong-ke/xa-phuong-phu-tho-2025/datapackage.yaml").read_text("utf-8"))
    descriptor.update(name=name, title=title, title_en="", description="Số liệu thử nghiệm của cổng.", keywords=["thử nghiệm"],
                      spatial=spatial, resources=[{
                          "name": "so-lieu", "path": "so-lieu.csv", "format": "csv", "mediatype": "text/csv",
                          "schema": {"fields": [{"name": "nam", "type": "integer"}, {"name": "so_lieu", "type": "integer"}]}}])
    for key in ("sources", "attribution", "description_en", "temporal"):
        descriptor.pop(key, None)
    (folder / "datapackage.yaml").write_text(yaml.safe_dump(descriptor, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    root = copy_portal(tmp_path_factory.mktemp("units") / "portal",
                       [f"data/so-tnmt/{AIR}", "data/cuc-thong-ke/ma-xa-vinh-phuc-truoc-2025"])
    agencies = root / "catalog/agencies.yaml"  # an agency named without its province: only the units name it
    agencies.write_text(agencies.read_text("utf-8").replace("name: Cục Thống kê tỉnh Vĩnh Phúc", "name: Cục Thống kê")
                        .replace("name_en: Vinh Phuc Statistics Office", "name_en: Statistics Office"), encoding="utf-8")
    _dataset(root, "thu-nghiem-xa-moi", "Bảng thử nghiệm của một xã mới", ["2025:08923"])  # Xã Đại Đình, from Tam Đảo
    _dataset(root, "thu-nghiem-tinh-cu", "Bảng thử nghiệm của một tỉnh cũ", ["pre-2025:26"])
    _dataset(root, "thu-nghiem-noi-khac", "Bảng thử nghiệm ở nơi khác", ["2025:01"])  # Hà Nội: never found here
    out = root.parent / "site"
    result = build_site(root, out)
    with serve(out) as url:
        yield url, {d.id: d for d in result.portfolio.datasets}


def _titles(page):
    return page.locator("[data-od-results] .od-card__title").all_inner_texts()


def _search(page, url, query):
    page.goto(url + "datasets/")
    page.wait_for_selector("[data-od-search][data-od-ready]")
    page.fill("#od-q", query)
    page.wait_for_timeout(300)
    return _titles(page)


def test_search_finds_data_under_the_old_and_the_new_units(page, portal):
    url, datasets = portal
    found = _search(page, url, "tam dao")
    # Recorded under the old district (the air stations) and under a new commune made of its communes.
    assert datasets[AIR].title in found and datasets["thu-nghiem-xa-moi"].title in found
    assert datasets["thu-nghiem-noi-khac"].title not in found
    found = _search(page, url, "vinh phuc")
    assert datasets["thu-nghiem-tinh-cu"].title in found  # the former province, named nowhere in its words
    assert datasets["thu-nghiem-xa-moi"].title in found  # a new commune of former Vĩnh Phúc
    assert datasets["thu-nghiem-noi-khac"].title not in found
    found = _search(page, url, "phu tho")  # the new province finds the old one's data
    assert datasets["thu-nghiem-tinh-cu"].title in found
    assert page.console_errors == []


def test_the_lookup_page_answers_both_ways_and_links_each_unit(page, portal):
    url, _ = portal
    page.goto(url + "don-vi/?q=tam+dao")
    page.wait_for_selector("[data-od-units][data-od-ready]")
    cards = page.locator("[data-od-unit]")
    district = page.locator('[data-od-unit="pre-2025/26-huyen-tam-dao"]')
    assert district.locator("h2").inner_text().startswith("Huyện Tam Đảo, Tỉnh Vĩnh Phúc")
    assert "Nay thuộc:" in district.inner_text()
    links = district.locator(".od-unit__links li").all_inner_texts()
    assert [li.split(",")[0] for li in links] == ["Xã Tam Dương Bắc", "Xã Tam Đảo", "Xã Đạo Trù", "Xã Đại Đình"]
    assert page.locator('[data-od-unit="2025/08911"]').count() == 1  # the new Xã Tam Đảo too
    assert cards.count() >= 3
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "units-lookup.png"), full_page=True)
    # Follow a new commune: what it was made of, with the old districts.
    district.locator("a", has_text="Xã Đại Đình").click()
    page.wait_for_function("location.hash === '#2025/08923'")
    card = page.locator('[data-od-unit="2025/08923"]')
    assert page.locator("[data-od-unit]").count() == 1
    assert "Được hợp thành từ:" in card.inner_text()
    made_of = card.locator(".od-unit__links li").all_inner_texts()
    assert any(li.startswith("Thị trấn Đại Đình, Huyện Tam Đảo, Tỉnh Vĩnh Phúc [08923]") for li in made_of)
    assert any(li.startswith("Xã Bồ Lý, Huyện Tam Đảo, Tỉnh Vĩnh Phúc [08920]") for li in made_of)
    # A code names a unit in each generation; without accents, a province.
    page.fill("#od-unit-q", "08911")
    page.wait_for_timeout(300)
    assert sorted(page.locator("[data-od-unit]").evaluate_all("els => els.map(e => e.dataset.odUnit)")) == [
        "2025/08911", "pre-2025/08911"]
    page.fill("#od-unit-q", "vinh phuc")
    page.wait_for_timeout(300)
    province = page.locator('[data-od-unit="pre-2025/26"]')
    assert "Tỉnh Phú Thọ" in province.locator(".od-unit__links").inner_text()
    page.fill("#od-unit-q", "khong co don vi nay")
    page.wait_for_timeout(300)
    assert page.locator("[data-od-unit]").count() == 0
    assert "Không tìm thấy" in page.locator("[data-od-units-status]").inner_text()
    assert page.console_errors == []


def test_a_dataset_page_links_its_units_to_the_lookup(page, portal):
    url, _ = portal
    page.goto(url + f"datasets/{AIR}/")
    place = page.locator("[data-od-places] a", has_text="Huyện Tam Đảo")
    assert "nay thuộc các xã Tam Dương Bắc, Tam Đảo, Đạo Trù, Đại Đình" in place.inner_text()
    place.click()
    page.wait_for_selector('[data-od-unit="pre-2025/26-huyen-tam-dao"]')
    assert page.locator("[data-od-unit]").count() == 1
    assert page.console_errors == []


def test_the_lookup_page_in_english_is_accessible(page, portal):
    assert AXE.is_file(), f"axe-core is missing: run `make test` (it installs axe-core from npm into {AXE.parent})"
    url, _ = portal
    page.goto(url + "don-vi/?q=tam+dao")
    page.wait_for_selector("[data-od-units][data-od-ready]")
    page.locator("[data-od-lang]").click()
    assert page.locator("h1").inner_text() == "Administrative units look-up"
    assert "Now part of:" in page.locator('[data-od-unit="pre-2025/26-huyen-tam-dao"]').inner_text()
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run(document)).violations
        .filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id)""")
    assert violations == []
    assert page.console_errors == []
