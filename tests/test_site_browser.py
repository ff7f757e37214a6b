"""The public site in a real Chromium: find, preview and understand a dataset without downloading it."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET

import pytest
import yaml

from conftest import ROOT, SCREENSHOTS, copy_portal
from sitebuild import build_site, serve

from generator.build.pipeline import load

CPI = "chi-so-gia-tieu-dung-2024"
AIR = "quan-trac-khong-khi-2024"
FORMS = "bieu-mau-du-lieu-mo"
BUDGET = "du-toan-ngan-sach-2025"


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    out = tmp_path_factory.mktemp("public") / "site"
    result = build_site(ROOT, out)
    with serve(out) as url:
        yield url, result.portfolio


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _titles(page):
    return page.locator("[data-od-results] .od-card__title").all_inner_texts()


def _search(page, url):
    page.goto(url)
    page.wait_for_selector("[data-od-search][data-od-ready]")


def test_search_without_accents_ranks_title_matches_first(page, public):
    url, portfolio = public
    air = next(d for d in portfolio.datasets if d.id == AIR)
    _search(page, url + "datasets/?q=khong+khi")
    assert _titles(page)[0] == air.title  # "Không khí" is in its title: above description-only matches
    page.fill("#od-q", "vinh phuc chi so gia")
    page.wait_for_timeout(300)
    assert _titles(page)[0] == next(d.title for d in portfolio.datasets if d.id == CPI)
    page.fill("#od-q", "ha noi")  # "Hà Nội" is only in one dataset's description
    page.wait_for_timeout(300)
    assert _titles(page) == [next(d.title for d in portfolio.datasets if d.id == "doanh-nghiep-niem-yet")]
    page.fill("#od-q", "quan trac khong k")  # the last word is a prefix
    page.wait_for_timeout(200)
    assert air.title in _titles(page)
    page.fill("#od-q", "khong co bo du lieu nao nhu the nay")
    page.wait_for_timeout(200)
    assert _titles(page) == []
    assert page.locator("[data-od-empty]").is_visible()
    assert page.console_errors == []


def test_facets_combine_and_live_in_the_url(page, public):
    url, portfolio = public
    _search(page, url + "datasets/")
    stats = [d for d in portfolio.datasets if d.agency == "cuc-thong-ke"]
    page.locator("[data-od-facets] input[name=agency][value=cuc-thong-ke]").check()
    page.wait_for_timeout(100)
    assert sorted(_titles(page)) == sorted(d.title for d in stats)
    assert "agency=cuc-thong-ke" in page.url
    # A second facet narrows further (AND across facets).
    page.locator("[data-od-facets] input[name=frequency][value=monthly]").check()
    page.wait_for_timeout(100)
    expected = sorted(d.title for d in stats if d.frequency == "monthly")
    assert expected and sorted(_titles(page)) == expected
    assert "frequency=monthly" in page.url
    page.fill("#od-q", "gia")
    page.wait_for_timeout(300)
    shared = page.url
    _shot(page, "search")
    # Reload (or open a shared link): the same search, the same filters.
    page.goto(shared)
    page.wait_for_selector("[data-od-search][data-od-ready]")
    assert page.input_value("#od-q") == "gia"
    assert page.locator("input[name=agency][value=cuc-thong-ke]").is_checked()
    assert page.locator("input[name=frequency][value=monthly]").is_checked()
    assert sorted(_titles(page)) == expected
    # A format facet from the query string alone.
    _search(page, url + "datasets/?format=pdf")
    assert sorted(_titles(page)) == sorted(d.title for d in portfolio.datasets if "pdf" in d.formats)
    assert page.console_errors == []


def test_header_search_box_on_every_page_leads_to_results(page, public):
    url, portfolio = public
    page.goto(url + f"datasets/{CPI}/")
    page.fill("#od-header-q", "truong thpt")
    page.press("#od-header-q", "Enter")
    page.wait_for_selector("[data-od-search][data-od-ready]")
    assert any("trung học phổ thông" in t for t in _titles(page))


def _cpi_rows():
    with (ROOT / f"data/cuc-thong-ke/{CPI}/{CPI}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_table_preview_pages_sorts_and_filters(page, public):
    url, _ = public
    rows = _cpi_rows()
    page.goto(url + f"datasets/{CPI}/preview/{CPI}/")
    viewer = page.locator("[data-od-table][data-od-ready]")
    viewer.wait_for()
    status = page.locator("[data-od-table-status]")
    assert status.inner_text().startswith(f"{len(rows)} dòng")
    # Codes keep their leading zeros.
    assert page.locator("tbody tr").first.locator("td").nth(2).inner_text() == "00"
    page.locator("[data-od-table-pager] [data-od-next]").click()
    page.wait_for_function("document.querySelector('[data-od-table-status]').textContent.includes('51–100')")
    assert page.locator("tbody tr").first.locator("td").nth(3).inner_text() == rows[50]["nhom_hang"]
    page.locator("[data-od-table-pager] [data-od-last]").click()
    page.wait_for_function(f"document.querySelector('[data-od-table-status]').textContent.includes('–{len(rows)}')")
    assert page.locator("tbody tr").last.locator("td").nth(3).inner_text() == rows[-1]["nhom_hang"]
    # Sort by a numeric column, descending (click twice): the largest value first.
    header = page.locator("thead th", has_text="So với kỳ gốc 2019").locator("button")
    header.click()
    header.click()
    page.wait_for_selector("th[aria-sort=descending]")
    top = max(rows, key=lambda r: float(r["chi_so_so_voi_ky_goc"]))
    page.wait_for_function("document.querySelector('tbody tr td:nth-child(5)').textContent === '%s'"
                           % top["chi_so_so_voi_ky_goc"])
    # Filter a column without accents: "dich vu y te" finds "Thuốc và dịch vụ y tế".
    page.locator(".od-filter-row input").nth(3).fill("dich vu y te")
    expected = [r for r in rows if r["nhom_hang"] == "Thuốc và dịch vụ y tế"]
    page.wait_for_function("document.querySelector('[data-od-table-status]').textContent.startsWith('%d dòng khớp')" % len(expected))
    cells = page.locator("tbody tr td:nth-child(4)").all_inner_texts()
    assert cells == ["Thuốc và dịch vụ y tế"] * len(expected)
    assert "f3=dich+vu+y+te" in page.url and "sort=4" in page.url
    _shot(page, "preview")
    assert page.console_errors == []


def test_each_sheet_of_a_workbook_has_its_preview(page, public):
    url, portfolio = public
    air = next(d for d in portfolio.datasets if d.id == AIR)
    for r in air.resources:
        page.goto(url + f"datasets/{AIR}/preview/{r.name}/")
        page.locator("[data-od-table][data-od-ready]").wait_for()
        first_title = r.schema["fields"][0]["title"]
        assert first_title in page.locator("thead").inner_text()
        assert page.locator("tbody tr").count() > 0
    assert page.console_errors == []


def test_documents_are_readable_in_the_page(page, public):
    url, _ = public
    page.goto(url + f"datasets/{FORMS}/preview/mau-01-de-nghi-bo-sung-danh-muc/")
    doc = page.locator("[data-od-document]")
    assert "PHIẾU ĐỀ NGHỊ" in doc.inner_text()
    assert doc.locator("table").count() >= 1  # the form's layout table survives sanitising
    page.goto(url + f"datasets/{FORMS}/preview/vi-du-dinh-dang-word-97/")
    assert "This is a Word document" in page.locator("[data-od-document]").inner_text()
    page.goto(url + f"datasets/{BUDGET}/preview/thuyet-minh/")
    pdf = page.locator("object.od-pdf")
    assert pdf.get_attribute("data").endswith("thuyet-minh-du-toan-2025.pdf")
    assert "Open the PDF" in pdf.locator("a [data-en]").get_attribute("data-en")
    assert "THUYẾT MINH" in page.locator("[data-od-document]").inner_text()
    assert page.console_errors == []


def test_charts_render_as_svg_with_a_text_alternative(page, public):
    url, portfolio = public
    cpi = next(d for d in portfolio.datasets if d.id == CPI)
    view = cpi.descriptor["views"][0]
    page.goto(url + f"datasets/{CPI}/")
    figure = page.locator(f"figure#bieu-do-{view['name']}")
    svg = figure.locator("svg[role=img]")
    assert svg.count() == 1
    assert svg.locator("title").first.text_content() == view["title"]
    assert figure.locator("figcaption").inner_text() == view["title"]
    assert view["description"] in figure.inner_text()
    assert figure.locator(f"a[href$='preview/{CPI}/']").count() == 1
    assert svg.locator("path").count() > 3  # something was drawn
    page.goto(url + f"datasets/{AIR}/")
    assert page.locator("figure svg[role=img]").count() == 2
    assert page.console_errors == []


def test_dataset_page_explains_the_dataset(page, public):
    url, portfolio = public
    cpi = next(d for d in portfolio.datasets if d.id == CPI)
    page.goto(url + f"datasets/{CPI}/")
    # Data dictionary from the Table Schema, and as CSV.
    dictionary = page.locator(".od-dictionary").first.inner_text()
    for f in cpi.resources[0].schema["fields"]:
        assert f["name"] in dictionary and f["title"] in dictionary
    link = page.locator(f"a[href$='dictionary/{CPI}.csv']").first
    with page.expect_download() as info:
        link.click()
    text = info.value.path().read_text("utf-8-sig")
    assert "chi_so_so_voi_ky_goc" in text and "So với kỳ gốc 2019" in text
    history = page.locator(".od-history li")
    assert history.count() >= 1
    cite = page.locator(".od-cite").inner_text()
    assert cpi.title in cite and "Cục Thống kê" in cite and f"datasets/{CPI}/" in cite
    snippets = page.locator("#api").inner_text()
    assert f"api/v1/datasets/{CPI}.json" in snippets and "curl" in snippets
    assert page.locator("#gop-y a").get_attribute("href").startswith("mailto:ctk@vinhphuc.gov.vn")
    data = json.loads(page.locator("script[type='application/ld+json']").text_content())
    assert data["@type"] == "Dataset" and data["name"] == cpi.title
    feeds = page.locator("link[rel=alternate][type='application/atom+xml']")
    assert [feeds.nth(i).get_attribute("href") for i in range(feeds.count())] == ["../../feed.xml", "feed.xml"]
    _shot(page, "dataset")
    assert page.console_errors == []


def test_every_page_type_opens_without_console_errors(page, public):
    url, _ = public
    for path, name in [("", "home"), ("agencies/so-tnmt/", "agency"), ("catalogue/", "catalogue"),
                       ("topics/", "topics"), ("topics/kinh-te/", None), ("agencies/", None), ("terms/", None),
                       (f"datasets/{AIR}/", None), (f"datasets/{FORMS}/", None), (f"datasets/{BUDGET}/", None),
                       ("404.html", None)]:
        response = page.goto(url + path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        if name:
            _shot(page, name)
    assert page.console_errors == []


def test_english_interface_is_one_click_away_and_persists(page, public):
    url, _ = public
    page.goto(url + f"datasets/{CPI}/")
    page.click("[data-od-lang]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#mo-ta h2").inner_text() == "Description"
    page.goto(url + "datasets/")
    page.wait_for_selector("[data-od-search][data-od-ready]")
    assert page.locator("h1").inner_text() == "Find a dataset"
    assert page.locator(".od-nav a[aria-current=page]").inner_text() == "Datasets"
    assert page.locator("[data-od-facets] legend").first.inner_text() == "Agency"
    page.click("[data-od-lang]")
    assert page.locator("h1").inner_text() == "Tìm bộ dữ liệu"
    assert page.console_errors == []


def test_keyboard_users_can_skip_to_the_content(page, public):
    url, _ = public
    page.goto(url + f"datasets/{CPI}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "od-skip"
    assert page.locator(".od-skip").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "od-main"
    # Every form control has a label.
    for path in ["datasets/", f"datasets/{CPI}/preview/{CPI}/"]:
        page.goto(url + path)
        page.wait_for_timeout(300)
        unlabeled = page.evaluate("""[...document.querySelectorAll('input, button')].filter(e =>
            !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()).length""")
        assert unlabeled == 0, path


def test_pages_fit_a_phone(browser, public):
    url, _ = public
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    for path, name in [(f"datasets/{CPI}/", "dataset-mobile"), ("datasets/?q=dan+so", "search-mobile"), ("", "home-mobile")]:
        page.goto(url + path)
        page.wait_for_timeout(300)
        # Nothing but the scrollable tables is wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        _shot(page, name)
    context.close()


def test_first_load_of_a_dataset_page_stays_under_300_kb(browser, public):
    url, _ = public
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, list] = {}
    cdp.on("Network.responseReceived", lambda e: sizes.__setitem__(e["requestId"], [e["response"]["url"], 0]))
    cdp.on("Network.loadingFinished",
           lambda e: sizes[e["requestId"]].__setitem__(1, e["encodedDataLength"]) if e["requestId"] in sizes else None)
    for path in [f"datasets/{AIR}/", f"datasets/{CPI}/", f"datasets/{CPI}/preview/{CPI}/"]:
        sizes.clear()
        page.goto(url + path, wait_until="networkidle")
        # The data itself (table chunks, the search index) is excluded.
        weight = sum(size for address, size in sizes.values() if not address.endswith(".json"))
        assert 0 < weight <= 300_000, (path, weight)
    context.close()


def test_injected_markup_in_metadata_stays_text(page, tmp_path):
    portal = copy_portal(tmp_path / "portal")
    folder = portal / "data/cuc-thong-ke" / CPI
    descriptor = folder / "datapackage.yaml"
    data = yaml.safe_load(descriptor.read_text("utf-8"))
    evil = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
    data["title"] = "Chỉ số " + evil
    data["description"] = "</script><script>window.pwned=3</script> </title><b>đậm</b>"
    data["keywords"] = ["<script>window.pwned=4</script>", "giá"]
    data["resources"][0]["schema"]["fields"][3]["title"] = "Nhóm " + evil
    data["resources"][0]["schema"]["fields"][3]["description"] = "<svg onload=window.pwned=5>"
    data["views"][0]["title"] = "</title><script>window.pwned=6</script>"
    descriptor.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "site"
    build_site(portal, out)
    with serve(out) as url:
        page.goto(url + f"datasets/{CPI}/")
        assert page.locator("h1").inner_text() == data["title"]
        assert "<b>đậm</b>" in page.locator(".od-description[lang=vi]").inner_text()
        assert data["title"] in page.title()
        ld = json.loads(page.locator("script[type='application/ld+json']").text_content())
        assert ld["name"] == data["title"] and ld["description"] == data["description"]
        assert page.locator("figure svg title").first.text_content() == data["views"][0]["title"]
        assert "Nhóm " + evil in page.locator(".od-dictionary").inner_text()
        page.goto(url + f"datasets/{CPI}/preview/{CPI}/")
        page.locator("[data-od-table][data-od-ready]").wait_for()
        assert "Nhóm " + evil in page.locator("thead").inner_text()
        page.goto(url + "datasets/?q=chi+so")
        page.wait_for_selector("[data-od-search][data-od-ready]")
        assert data["title"] in _titles(page)
        page.goto(url + "datasets/?q=script")
        page.wait_for_selector("[data-od-search][data-od-ready]")
        assert page.evaluate("window.pwned") is None
        assert page.locator("img[src=x]").count() == 0
    feed = ET.parse(out / "feed.xml").getroot()
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert data["title"] in titles  # escaped in the XML, text again once parsed


def test_lookup_page_is_in_the_nav_with_the_commands_and_codes(page, public):
    url, _ = public
    page.goto(url)
    page.click(".od-nav a:has-text('Tra cứu SMS/Zalo')")
    assert page.url.endswith("/tra-cuu/")
    assert page.locator("h1").inner_text() == "Tra cứu qua SMS và Zalo"
    commands = page.locator(".od-lookup__commands").inner_text()
    for text in ("DL <từ khoá>", "TRA <mã> <giá trị>", "HD", "DL trường học", "TRA THPT 001"):
        assert text in commands, text
    codes = page.locator(".od-lookup__codes tbody tr")
    assert codes.count() == 2
    row = page.locator(".od-lookup__codes tr:has(code:text-is('THPT'))")
    assert "Mã trường, Tên trường" in row.inner_text()
    row.locator("a").click()
    assert page.url.endswith("/datasets/truong-thpt/")
    page.go_back()
    page.click("[data-od-lang]")  # English alongside
    assert page.locator("h1").inner_text() == "Look-up by SMS and Zalo"
    assert page.locator(".od-lookup__commands thead").inner_text().split() == ["Command", "What", "it", "does",
                                                                              "Example"]
    page.click("[data-od-lang]")
    assert page.console_errors == []
