"""site/feed.xml (Atom: new and updated datasets), site/sitemap.xml (every page, lastmod from git) and
site/robots.txt (pointing at the sitemap).

Both are deterministic: times come from git (the dataset folder's changes, the
build commit), order is fixed, and the gzip copy of the sitemap has mtime 0.
MkDocs writes a sitemap of its own with the build date on every page; this
one replaces it after MkDocs ran.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

from generator.portal.model import Dataset, Portfolio
from generator.publish.discovery import history
from generator.publish import urls
from generator.publish.site.pages import previewable
from generator.publish.discovery.search_index import snippet
from generator.build.staging import write_file

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_ENTRIES = 50


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _feed(p: Portfolio, path: str, title: str, subtitle: str, alternate: str, updated: str) -> ET.Element:
    base = p.catalog.portal.base_url
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "vi"})
    _sub(feed, _q("id"), base + path)
    _sub(feed, _q("title"), title)
    _sub(feed, _q("subtitle"), subtitle)
    _sub(feed, _q("updated"), updated)
    _sub(feed, _q("link"), rel="self", type="application/atom+xml", href=base + path)
    _sub(feed, _q("link"), rel="alternate", type="text/html", href=base + alternate)
    author = _sub(feed, _q("author"))
    operator = p.catalog.agencies.get(p.catalog.portal.operator)
    _sub(author, _q("name"), operator.name if operator else p.catalog.portal.name)
    _sub(feed, _q("generator"), "opendata-portal")
    return feed


def _q(tag: str) -> str:
    return f"{{{ATOM}}}{tag}"


def _bytes(feed: ET.Element) -> bytes:
    # ElementTree escapes all text and attributes: titles from pull requests stay text.
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False) + b"\n"


def _dataset_entries(p: Portfolio, feed: ET.Element, datasets: list[Dataset]) -> None:
    base = p.catalog.portal.base_url
    for d in datasets:
        agency = p.catalog.agencies[d.agency]
        entry = _sub(feed, _q("entry"))
        # The id stays the same when the dataset is updated: readers show it as updated, not new.
        _sub(entry, _q("id"), base + urls.dataset_page(d.id))
        _sub(entry, _q("title"), d.title)
        _sub(entry, _q("link"), rel="alternate", type="text/html", href=base + urls.dataset_page(d.id))
        _sub(entry, _q("published"), d.created)
        _sub(entry, _q("updated"), d.modified)
        entry_author = _sub(entry, _q("author"))
        _sub(entry_author, _q("name"), agency.name)
        _sub(entry, _q("category"), term=p.topic_of(d).id, label=p.topic_of(d).name)
        status = "Bộ dữ liệu mới" if d.created == d.modified else "Cập nhật"
        _sub(entry, _q("summary"), f"{status} · {agency.name}. {snippet(d.description)}", type="text")


def _newest(datasets: list[Dataset]) -> list[Dataset]:
    return sorted(datasets, key=lambda d: (d.modified, d.id), reverse=True)[:FEED_ENTRIES]


def atom(p: Portfolio) -> bytes:
    """The portal's feed: new and updated datasets."""
    portal = p.catalog.portal
    newest = _newest(p.datasets)
    feed = _feed(p, urls.FEED, f"{portal.name}: bộ dữ liệu mới và cập nhật", f"{portal.name_en}: new and updated datasets",
                 "", newest[0].modified if newest else p.commit_time)
    _dataset_entries(p, feed, newest)
    return _bytes(feed)


def agency_atom(p: Portfolio, agency_id: str) -> bytes:
    """One agency's new and updated datasets (follow an agency)."""
    agency = p.catalog.agencies[agency_id]
    newest = _newest(p.datasets_of_agency(agency_id))
    feed = _feed(p, urls.agency_feed(agency_id), f"{agency.name}: bộ dữ liệu mới và cập nhật",
                 f"{agency.name_en or agency.name}: new and updated datasets", urls.agency_page(agency_id),
                 newest[0].modified if newest else p.commit_time)
    _dataset_entries(p, feed, newest)
    return _bytes(feed)


def dataset_atom(p: Portfolio, d: Dataset, changes: list[history.Change]) -> bytes:
    """One dataset's changes (follow a dataset): an entry per change, what it did to the data."""
    base = p.catalog.portal.base_url
    feed = _feed(p, urls.dataset_feed(d.id), f"{d.title}: các thay đổi", f"{d.title_en or d.title}: changes",
                 urls.dataset_page(d.id), changes[0].when if changes else d.modified or p.commit_time)
    for change in changes[:FEED_ENTRIES]:
        entry = _sub(feed, _q("entry"))
        # One id per change of this dataset: its time.
        _sub(entry, _q("id"), f"{base}{urls.dataset_page(d.id)}#lich-su-{change.when}")
        _sub(entry, _q("title"), f"{d.title} — {change.when[:10]}")
        _sub(entry, _q("link"), rel="alternate", type="text/html", href=base + urls.dataset_page(d.id) + "#lich-su")
        _sub(entry, _q("updated"), change.when)
        author = _sub(entry, _q("author"))
        _sub(author, _q("name"), p.catalog.agencies[d.agency].name)
        text = " ".join(history.describe(f, "vi") for f in change.files)
        text_en = " ".join(history.describe(f, "en") for f in change.files)
        _sub(entry, _q("summary"), f"{text}\n{text_en}", type="text")
    return _bytes(feed)


def sitemap(p: Portfolio) -> bytes:
    base = p.catalog.portal.base_url
    site_date = p.commit_time[:10]
    pages: list[tuple[str, str]] = [("", site_date), (urls.SEARCH_PAGE, site_date), ("agencies/", site_date),
                                    ("topics/", site_date), ("catalogue/", site_date), ("terms/", site_date),
                                    (urls.API_ACCESS_PAGE, site_date)]
    latest: dict[str, str] = {}
    for d in sorted(p.datasets, key=lambda d: d.id):
        day = d.modified[:10] or site_date
        pages.append((urls.dataset_page(d.id), day))
        pages += [(urls.preview_page(d.id, r.name), day) for r in d.resources if previewable(r)]
        for key in (f"a:{d.agency}", f"t:{p.topic_of(d).id}"):
            latest[key] = max(latest.get(key, ""), day)
    pages += [(urls.agency_page(a), latest.get(f"a:{a}", site_date)) for a in sorted(p.catalog.agencies)]
    pages += [(urls.topic_page(t), latest.get(f"t:{t}", site_date)) for t in sorted(p.catalog.topics)]
    ET.register_namespace("", SITEMAP_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for path, day in pages:
        url = _sub(root, f"{{{SITEMAP_NS}}}url")
        _sub(url, f"{{{SITEMAP_NS}}}loc", base + path)
        _sub(url, f"{{{SITEMAP_NS}}}lastmod", day)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def robots(p: Portfolio) -> bytes:
    """robots.txt: everything may be crawled; the sitemap lists every page."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {p.catalog.portal.base_url}{urls.SITEMAP}\n".encode("utf-8")


def write(p: Portfolio, site: Path, data_history: history.DataHistory | None = None) -> None:
    (site / urls.FEED).write_bytes(atom(p))
    for agency_id in sorted(p.catalog.agencies):
        target = site / urls.agency_feed(agency_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(agency_atom(p, agency_id))
    changes = data_history.changes if data_history is not None else {}
    for d in p.datasets:
        write_file(site / urls.dataset_feed(d.id), dataset_atom(p, d, changes.get(d.id, [])))
    data = sitemap(p)
    (site / urls.SITEMAP).write_bytes(data)
    (site / urls.ROBOTS).write_bytes(robots(p))
    (site / (urls.SITEMAP + ".gz")).write_bytes(gzip.compress(data, mtime=0))
