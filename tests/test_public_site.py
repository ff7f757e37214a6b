"""The public site as visitors use it, in a real Chromium (Debian's), in both languages, at desktop
(1366 px) and phone (390 px) widths: accessibility (axe-core), the phone layout, complete English,
search highlighting and sorting, and `opendata serve`'s 404. Screenshots: tests/screenshots/."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from conftest import ROOT, SCREENSHOTS
from sitebuild import build_site, serve

AXE = ROOT / ".venv/npm/node_modules/axe-core/axe.min.js"  # `make test` installs it from npm
CPI = "chi-so-gia-tieu-dung-2024"
AIR = "quan-trac-khong-khi-2024"
FORMS = "bieu-mau-du-lieu-mo"
BUDGET = "du-toan-ngan-sach-2025"
WIDTHS = (1366, 390)
# Every page type: home, search (empty and with a query), dataset pages (table, charts, documents),
# table preview, document previews (DOCX, PDF), agencies, agency, topics, topic, catalogue, terms,
# API access, 404, the yearly reports (list, province, agency).
PAGES = [("", "home"), ("datasets/", "search"), ("datasets/?q=khong+khi", "search-query"),
         (f"datasets/{CPI}/", "dataset"), (f"datasets/{AIR}/", "dataset-charts"), (f"datasets/{FORMS}/", "dataset-docs"),
         (f"datasets/{CPI}/preview/{CPI}/", "preview-table"),
         (f"datasets/{FORMS}/preview/mau-01-de-nghi-bo-sung-danh-muc/", "preview-docx"),
         (f"datasets/{BUDGET}/preview/thuyet-minh/", "preview-pdf"), ("agencies/", "agencies"),
         ("agencies/so-tnmt/", "agency"), ("topics/", "topics"), ("topics/kinh-te/", "topic"),
         ("catalogue/", "catalogue"), ("terms/", "terms"), ("dang-ky-api/", "api"), ("tra-cuu/", "lookup"),
         ("khong-co-trang-nay/", "404"),
         ("reports/", "reports"), ("reports/2026/", "report"), ("reports/2026/so-tnmt/", "report-agency")]

# Text in Vietnamese (more than half of its words carry Vietnamese letters) outside an element
# marked lang="vi": on an English page, that is an interface word left untranslated, or metadata
# without its English not marked as Vietnamese for screen readers.
UNTRANSLATED = r"""() => {
  const vi = /[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/i;
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    const words = node.textContent.split(/[^\p{L}]+/u).filter(Boolean);
    const accented = words.filter((w) => vi.test(w));
    if (!accented.length || accented.length * 2 <= words.length) continue;
    if (el.closest("script,style,noscript,template")) continue;
    const owner = el.closest("[lang]");
    if (owner && owner.getAttribute("lang").startsWith("vi")) continue;
    if (!el.getClientRects().length) continue;
    out.push(node.textContent.trim().slice(0, 80));
  }
  return out;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("public-site") / "site"
    result = build_site(ROOT, out)
    with serve(out) as url:
        yield url, result.portfolio, out


def _context(browser, width, lang, url):
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 600)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.goto(url + "terms/")
    page.evaluate(f"localStorage.setItem('od-lang', '{lang}')")
    return context, page


def _open(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if page.locator("[data-od-search]").count():
        page.wait_for_selector("[data-od-search][data-od-ready]")
    if page.locator("[data-od-table]").count():
        page.wait_for_selector("[data-od-table][data-od-ready]")


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_type_has_no_serious_accessibility_violation(browser, site, width, lang):
    assert AXE.is_file(), f"axe-core is missing: run `make test` (it installs axe-core from npm into {AXE.parent})"
    url, _, _ = site
    context, page = _context(browser, width, lang, url)
    axe = AXE.read_text(encoding="utf-8")
    found = []
    for path, name in PAGES:
        _open(page, url + path)
        assert page.evaluate("document.documentElement.lang") == lang, path
        page.add_script_tag(content=axe)
        violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "))""")
        found += [f"{path or '/'}: {v}" for v in violations]
        # Nothing but the scrollable tables is wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        _shot(page, f"{name}-{width}-{lang}")
        if name == "404":  # the browser logs the page's own 404 status
            page.console_errors = [e for e in page.console_errors if "404 (Not Found)" not in e]
    assert not found, "\n".join(found)
    assert page.console_errors == []
    context.close()


def test_english_leaves_no_interface_text_in_vietnamese(browser, site):
    url, _, _ = site
    context, page = _context(browser, 1366, "en", url)
    left = {}
    for path, _ in PAGES + [("datasets/?q=health", None), (f"datasets/{CPI}/preview/{CPI}/?f3=gia", None)]:
        _open(page, url + path)
        texts = page.evaluate(UNTRANSLATED)
        if texts:
            left[path] = texts
        assert "Vinh Phuc Open Data Portal" in page.title(), path
    assert not left, left
    # The descriptor's English: title, and the description where it has one.
    _open(page, url + f"datasets/{CPI}/")
    assert page.locator("h1").inner_text() == "Monthly consumer price index, Vĩnh Phúc, 2024"
    assert "Download CSV" in page.locator("#tai-nguyen").inner_text()
    description = page.locator(".od-description:visible").inner_text()
    assert description.startswith("Illustrative data, not official statistics.")  # description_en
    assert page.locator(".od-description[lang=vi]").is_hidden()
    assert "Tải CSV" not in page.locator("body").inner_text()
    context.close()


def test_english_search_finds_english_titles_and_highlights_them(browser, site):
    url, portfolio, _ = site
    context, page = _context(browser, 1366, "en", url)
    for query, dataset in [("health", "co-so-kham-chua-benh"), ("school", "truong-thpt"),
                           ("budget", "du-toan-ngan-sach-2025"), ("population", "dan-so-theo-huyen")]:
        _open(page, url + f"datasets/?q={query}")
        first = page.locator("[data-od-results] .od-card__title a").first
        title_en = next(d.title_en for d in portfolio.datasets if d.id == dataset)
        assert first.inner_text() == title_en, query
        assert query in first.locator("mark").first.inner_text().lower()
    context.close()


def test_search_highlights_matches_and_sorts(page, site):
    url, portfolio, _ = site
    _open(page, url + "datasets/?q=khong+khi")
    marks = page.locator("[data-od-results] .od-card__title mark").all_inner_texts()
    assert [m.lower() for m in marks[:2]] == ["không", "khí"]
    _open(page, url + "datasets/?q=bang")
    page.select_option("#od-sort", "title")
    page.wait_for_timeout(200)
    assert "sort=title" in page.url
    titles = page.locator("[data-od-results] .od-card__title").all_inner_texts()
    assert len(titles) >= 3
    assert titles == page.evaluate("ts => [...ts].sort(new Intl.Collator('vi').compare)", titles)  # Vietnamese order
    page.select_option("#od-sort", "newest")
    page.wait_for_timeout(200)
    newest = page.locator("[data-od-results] .od-card__title").all_inner_texts()
    by_date = sorted((d for d in portfolio.datasets if d.title in newest), key=lambda d: (d.modified, d.id), reverse=True)
    assert newest == [d.title for d in by_date]
    page.reload()
    page.wait_for_selector("[data-od-search][data-od-ready]")
    assert page.input_value("#od-sort") == "newest"
    assert page.console_errors == []


def test_phone_menu_scrolling_tables_and_one_search_box(browser, site):
    url, _, _ = site
    for lang in ("vi", "en"):
        context, page = _context(browser, 390, lang, url)
        _open(page, url)
        assert page.locator("input[type=search]").count() == 1  # the home page's own box only
        toggle = page.locator(".od-nav__toggle")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        links = page.locator("#od-nav-list a")
        assert not links.first.is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert all(links.nth(i).is_visible() for i in range(links.count()))  # every section, none cut off
        _shot(page, f"home-menu-390-{lang}")
        links.nth(links.count() - 1).click()
        page.wait_for_load_state()
        assert page.url.endswith("terms/")

        _open(page, url + f"datasets/{CPI}/")
        box = page.locator(".od-table-wrap", has=page.locator("table.od-dictionary"))
        assert box.get_attribute("tabindex") == "0" and box.get_attribute("aria-label")
        assert "od-table-wrap--wide" in box.get_attribute("class")
        assert page.locator(".od-table-wrap--wide + .od-scroll-cue").first.is_visible()
        # Columns keep their words: no cell narrower than a short word.
        narrow = page.evaluate("""[...document.querySelectorAll('.od-dictionary td')].filter(td => td.getBoundingClientRect().width < 60).length""")
        assert narrow == 0
        box.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        box.evaluate("el => new Promise(done => { const t0 = Date.now(); (function wait() {"
                     " if (el.scrollLeft > 0 || Date.now() - t0 > 5000) done(); else setTimeout(wait, 50); })(); })")
        assert box.evaluate("el => el.scrollLeft") > 0  # the keyboard scrolls it
        assert page.console_errors == []
        context.close()


def _status(address):
    try:
        with urllib.request.urlopen(address) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_serve_answers_the_sites_404_page_and_lists_no_folder(site):
    url, portfolio, out = site
    status, body = _status(url + "khong-co-trang-nay/")
    assert status == 404 and "<h1" in body and portfolio.catalog.portal.name in body
    assert body == (out / "404.html").read_text("utf-8")
    for folder in ("search/", f"datasets/{CPI}/preview/", "assets/", "api/v1/"):
        status, body = _status(url + folder)
        assert status == 404, folder
        assert "Directory listing" not in body and "index.js" not in body
    assert _status(url + "search/index.js")[0] == 200


@pytest.mark.parametrize("lang, number, size", [("vi", "21,3089", "10,1 KB"), ("en", "21.3089", "10.1 KB")])
def test_numbers_follow_the_page_locale(browser, site, lang, number, size):
    url, portfolio, _ = site
    air = next(d for d in portfolio.datasets if d.id == AIR)
    context, page = _context(browser, 1366, lang, url)
    _open(page, url + f"datasets/{AIR}/")
    assert number in page.locator(".od-preview").first.inner_text()  # a number cell of the first rows
    assert size in page.locator(".od-resources").inner_text()
    _open(page, url + f"datasets/{AIR}/preview/{air.resources[0].name}/")  # the viewer, drawn by table.js
    assert number in page.locator("[data-od-table-grid] tbody").inner_text()
    context.close()


WORDS = {"vi": {"integer": "số nguyên", "string": "văn bản", "pattern": "theo mẫu, ví dụ “12”", "history": "Thêm tệp",
                "related": "Bộ dữ liệu liên quan", "follow": "Theo dõi"},
         "en": {"integer": "whole number", "string": "text", "pattern": "follows a pattern, for example “12”",
                "history": "Added", "related": "Related datasets", "follow": "Follow"}}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_dataset_page_speaks_to_people_and_search_ranks_words(browser, site, width, lang):
    url, portfolio, _ = site
    words = WORDS[lang]
    context, page = _context(browser, width, lang, url)
    _open(page, url + f"datasets/{CPI}/")
    dictionary = page.locator(".od-dictionary").first.inner_text()
    assert words["integer"] in dictionary and words["string"] in dictionary
    assert words["pattern"] in dictionary  # ma_nhom: ^[0-9]{2}$, by an example
    for raw in ("integer", "^[0-9]", "{2}$"):
        assert raw not in dictionary.replace(words["integer"], "")
    history = page.locator(".od-history").inner_text()
    assert words["history"] in history and "chi-so-gia-tieu-dung-2024.csv" in history
    assert page.locator(".od-resources time").count() >= 1  # the file's date
    assert words["related"] in page.locator("#lien-quan").inner_text()
    assert page.locator(f"a.od-feed[href$='datasets/{CPI}/feed.xml']").is_visible()
    assert words["follow"] in page.locator("a.od-feed").inner_text()
    _shot(page, f"dataset-dictionary-history-{width}-{lang}")
    # "dau tu": the Department of Planning and Investment's datasets, not "đầu năm … từ ngày".
    _open(page, url + "datasets/?q=dau+tu")
    first_two = page.locator("[data-od-results] .od-card__title").all_inner_texts()[:2]
    planning = {(d.title_en if lang == "en" and d.title_en else d.title) for d in portfolio.datasets if d.agency == "so-khdt"}
    assert set(first_two) == planning
    assert page.locator("[data-od-results] .od-card mark").count() >= 2
    _shot(page, f"search-dau-tu-{width}-{lang}")
    assert page.console_errors == []
    context.close()
