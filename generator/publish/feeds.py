"""site/feed.xml (Atom: new and updated datasets) and site/sitemap.xml (every page, lastmod from git).

Both are deterministic: times come from git (the dataset folder's changes, the
build commit), order is fixed, and the gzip copy of the sitemap has mtime 0.
MkDocs writes a sitemap of its own with the build date on every page; this
one replaces it after MkDocs ran.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

from ..model import Portfolio
from . import urls
from .pages import previewable
from .search_index import snippet

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_ENTRIES = 50


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def atom(p: Portfolio) -> bytes:
    portal = p.catalog.portal
    base = portal.base_url
    newest = sorted(p.datasets, key=lambda d: (d.modified, d.id), reverse=True)[:FEED_ENTRIES]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "vi"})
    q = lambda tag: f"{{{ATOM}}}{tag}"  # noqa: E731
    _sub(feed, q("id"), base + urls.FEED)
    _sub(feed, q("title"), f"{portal.name}: bộ dữ liệu mới và cập nhật")
    _sub(feed, q("subtitle"), f"{portal.name_en}: new and updated datasets")
    _sub(feed, q("updated"), newest[0].modified if newest else p.commit_time)
    _sub(feed, q("link"), rel="self", type="application/atom+xml", href=base + urls.FEED)
    _sub(feed, q("link"), rel="alternate", type="text/html", href=base)
    author = _sub(feed, q("author"))
    operator = p.catalog.agencies.get(portal.operator)
    _sub(author, q("name"), operator.name if operator else portal.name)
    _sub(feed, q("generator"), "opendata-portal")
    for d in newest:
        agency = p.catalog.agencies[d.agency]
        entry = _sub(feed, q("entry"))
        # The id stays the same when the dataset is updated: readers show it as updated, not new.
        _sub(entry, q("id"), base + urls.dataset_page(d.id))
        _sub(entry, q("title"), d.title)
        _sub(entry, q("link"), rel="alternate", type="text/html", href=base + urls.dataset_page(d.id))
        _sub(entry, q("published"), d.created)
        _sub(entry, q("updated"), d.modified)
        entry_author = _sub(entry, q("author"))
        _sub(entry_author, q("name"), agency.name)
        _sub(entry, q("category"), term=p.topic_of(d).id, label=p.topic_of(d).name)
        status = "Bộ dữ liệu mới" if d.created == d.modified else "Cập nhật"
        _sub(entry, q("summary"), f"{status} · {agency.name}. {snippet(d.description)}", type="text")
    # ElementTree escapes all text and attributes: titles from pull requests stay text.
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False) + b"\n"


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


def write(p: Portfolio, site: Path) -> None:
    (site / urls.FEED).write_bytes(atom(p))
    data = sitemap(p)
    (site / urls.SITEMAP).write_bytes(data)
    (site / (urls.SITEMAP + ".gz")).write_bytes(gzip.compress(data, mtime=0))
