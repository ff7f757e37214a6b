"""Write the site's pages as Markdown files (front matter + HTML) for MkDocs to wrap in the theme.

Pages are rendered here with Jinja2 autoescaping, outside any MkDocs hook, so
the theme engine can change without touching the generator. MkDocs' own
templates do not escape, so every front-matter value is escaped here.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

import jinja2

from ..model import Dataset, Portfolio
from ..rawhtml import MARKER
from ..text import fold, paragraphs
from ..vocabularies import FORMATS, FREQUENCIES
from . import urls

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def vn_date(value: str) -> str:
    """ISO date or time -> dd/mm/yyyy, as Vietnamese readers write dates."""
    if not value:
        return ""
    try:
        return dt.datetime.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def human_size(size: int | None) -> str:
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            text = f"{value:.0f}" if unit == "B" else f"{value:.1f}"
            return f"{text.replace('.', ',')} {unit}"
        value /= 1024
    return f"{size} B"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # metadata comes from pull requests: always text, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["vndate"] = vn_date
    env.filters["size"] = human_size
    env.filters["paragraphs"] = paragraphs
    env.globals["FORMATS"] = FORMATS
    env.globals["FREQUENCIES"] = FREQUENCIES
    env.globals["urls"] = urls
    return env


class PageWriter:
    def __init__(self, portfolio: Portfolio, docs: Path, previews: dict[tuple[str, str], Any]):
        self.p = portfolio
        self.docs = docs
        self.previews = previews
        self.env = _environment()

    def write_all(self) -> None:
        p = self.p
        newest = sorted(p.datasets, key=lambda d: (d.modified, d.id), reverse=True)
        self.page("index.md", "home.html", title=p.catalog.portal.name, hide=["navigation", "toc"],
                  newest=newest[:6], stats=self.stats())
        self.page("datasets/index.md", "dataset_list.html", title="Bộ dữ liệu", hide=["toc"],
                  datasets=sorted(p.datasets, key=lambda d: d.title))
        for d in p.datasets:
            self.page(f"datasets/{d.id}.md", "dataset.html", title=d.title, description=d.description,
                      hide=["navigation", "toc"], d=d, entry=p.catalog.entries[d.catalogue],
                      agency=p.catalog.agencies[d.agency], topic=p.topic_of(d),
                      licence=p.catalog.licences.get(d.licence), previews=self.previews)
        self.page("agencies/index.md", "agency_list.html", title="Cơ quan", hide=["toc"])
        for a in p.catalog.agencies.values():
            self.page(f"agencies/{a.id}.md", "agency.html", title=a.name, hide=["toc"], agency=a,
                      datasets=p.datasets_of_agency(a.id),
                      entries=[e for e in p.catalog.entries.values() if e.agency == a.id])
        self.page("topics/index.md", "topic_list.html", title="Chủ đề", hide=["toc"])
        for t in p.catalog.topics.values():
            self.page(f"topics/{t.id}.md", "topic.html", title=t.name, hide=["toc"], topic=t,
                      datasets=p.datasets_of_topic(t.id))
        self.page("catalogue/index.md", "catalogue.html", title="Danh mục dữ liệu mở", hide=["toc"],
                  stats=self.stats())
        self.page("terms.md", "terms.html", title="Điều khoản sử dụng", hide=["toc"])

    def stats(self) -> dict[str, Any]:
        p = self.p
        published = {d.catalogue for d in p.datasets}
        n_entries = len(p.catalog.entries)
        return {
            "datasets": len(p.datasets),
            "agencies": len({d.agency for d in p.datasets}),
            "agencies_total": len(p.catalog.agencies),
            "entries": n_entries,
            "entries_published": len(published),
            "coverage": round(100 * len(published) / n_entries) if n_entries else 0,
            "files": sum(1 for d in p.datasets for r in d.resources if not r.is_api),
        }

    def page(self, path: str, template: str, title: str, description: str = "", hide: list[str] | None = None,
             **context: Any) -> None:
        depth = path.count("/") + (0 if path.endswith("index.md") else 1)
        body = self.env.get_template(template).render(
            p=self.p, portal=self.p.catalog.portal, catalog=self.p.catalog, root="../" * depth,
            search_text=lambda d: dataset_search_text(d, self.p), **context)
        # JSON is valid YAML, and html.escape keeps MkDocs' unescaped
        # {{ page.title }} and <meta description> from running pulled-in markup.
        meta: dict[str, Any] = {"title": html.escape(title)}
        if description:
            meta["description"] = html.escape(" ".join(description.split())[:300])
        if hide:
            meta["hide"] = hide
        target = self.docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("---\n" + json.dumps(meta, ensure_ascii=False) + "\n---\n" + MARKER + "\n" + body,
                          encoding="utf-8")


def dataset_search_text(d: Dataset, portfolio: Portfolio) -> str:
    """Accent-folded text a visitor's query is matched against on the list page."""
    agency = portfolio.catalog.agencies[d.agency]
    topic = portfolio.topic_of(d)
    parts = [d.title, d.title_en, d.description, " ".join(d.keywords), agency.name, topic.name, d.catalogue, d.id]
    return fold(" ".join(parts))
