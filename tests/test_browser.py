"""The public site in a real Chromium: what a visitor sees and clicks."""

import json

import yaml

from conftest import ROOT, SCREENSHOTS, run_cli

from generator.build.pipeline import load
from generator.text import fold


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_home_page_shows_the_portal_counts_and_newest_datasets(page, server, site):
    page.goto(server)
    assert "Cổng dữ liệu mở tỉnh Vĩnh Phúc" in page.title()
    assert page.locator("h1").first.inner_text() == "Cổng dữ liệu mở tỉnh Vĩnh Phúc"
    count = json.loads((site / "api/v1/catalog.json").read_text())["count"]
    assert page.locator(".od-stats").inner_text().startswith(f"{count} bộ dữ liệu")
    assert page.locator(".od-card").count() == 6
    _shot(page, "home")
    assert page.console_errors == []


def test_dataset_page_shows_title_metadata_and_a_working_download(page, server):
    portfolio, _ = load(ROOT)
    dataset = next(d for d in portfolio.datasets if any(r.format == "csv" for r in d.resources))
    resource = next(r for r in dataset.resources if r.format == "csv")
    page.goto(f"{server}datasets/{dataset.id}/")
    assert page.locator("h1").inner_text() == dataset.title
    assert portfolio.catalog.agencies[dataset.agency].name in page.locator(".od-meta").inner_text()
    # First look at the table: its column titles from the Table Schema.
    first_title = resource.schema["fields"][0].get("title") or resource.schema["fields"][0]["name"]
    assert first_title in page.locator(".od-preview").first.inner_text()
    link = page.locator("a.od-download", has_text="CSV").first
    with page.expect_download() as info:
        link.click()
    downloaded = info.value.path().read_bytes()
    assert downloaded == (dataset.folder / resource.path).read_bytes()
    _shot(page, "dataset")
    assert page.console_errors == []


def test_every_page_type_opens_without_console_errors(page, server):
    for path, name in [("datasets/", "datasets"), ("agencies/", "agencies"), ("agencies/so-tnmt/", "agency"),
                       ("topics/", "topics"), ("catalogue/", "catalogue"), ("terms/", "terms")]:
        response = page.goto(server + path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        _shot(page, name)
    assert page.console_errors == []


def test_catalogue_page_shows_published_and_unpublished_entries(page, server):
    page.goto(server + "catalogue/")
    assert page.locator(".od-status--published").count() >= 12
    assert page.locator(".od-status--pending").count() >= 1


def test_accent_free_search_on_the_dataset_list(page, server):
    portfolio, _ = load(ROOT)
    expected = {d.title for d in portfolio.datasets if "don vi hanh chinh" in fold(d.title + " " + d.description)}
    assert expected, "the sample should have datasets about administrative units"
    page.goto(server + "datasets/?q=don+vi+hanh+chinh")
    titles = set(page.locator(".od-card:visible .od-card__title").all_inner_texts())
    assert expected <= titles
    assert len(titles) < len(portfolio.datasets)
    _shot(page, "search")
    page.fill("#od-q", "khong co bo du lieu nao nhu the nay")
    assert page.locator(".od-card:visible").count() == 0
    assert page.locator("[data-od-empty]").is_visible()
    assert page.console_errors == []


def test_markup_in_metadata_is_shown_as_text_never_run(page, portal, tmp_path):
    descriptor = sorted(portal.glob("data/*/*/datapackage.yaml"))[0]
    data = yaml.safe_load(descriptor.read_text("utf-8"))
    data["title"] = 'Dữ liệu <img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
    data["description"] = '</title><script>window.pwned=3</script> "><b>đậm</b>'
    descriptor.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "site"
    assert run_cli("build", "--root", str(portal), "--out", str(out)).returncode == 0
    page.goto((out / "datasets" / data["name"] / "index.html").as_uri())
    assert page.evaluate("window.pwned") is None
    assert page.locator("h1").inner_text() == data["title"]
    assert "<b>đậm</b>" in page.locator(".od-description[lang=vi]").inner_text()
    assert data["title"] in page.title()
    page.goto((out / "datasets" / "index.html").as_uri())
    assert page.evaluate("window.pwned") is None
    assert data["title"] in page.locator(".od-cards").inner_text()
