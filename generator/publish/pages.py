"""Write the site's pages as Markdown files (front matter + HTML) for MkDocs to wrap in the theme.

Pages are rendered here with Jinja2 autoescaping, outside any MkDocs hook, so
the theme engine can change without touching the generator. MkDocs' own
templates do not escape, so every front-matter value is escaped here.

Besides the home, list, agency, topic and catalogue pages, every dataset gets
its page (description, charts, resources, data dictionary, history, how to
cite, API snippets, schema.org JSON-LD) and every resource that can be shown a
preview page: the table viewer (its rows come from table_chunks' JSON) or the
document itself (DOCX as sanitised HTML, DOC/PDF text, PDF in the browser).
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..gitinfo import History, iso, read_history
from ..model import Dataset, Portfolio, Resource
from ..rawhtml import MARKER
from ..text import fold, paragraphs
from ..vocabularies import FORMATS, FREQUENCIES
from . import charts, documents, forms, schemaorg, table_chunks, urls

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
NEWEST = 20  # cards the search page shows before its index loads (and without JavaScript)


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


def constraints_text(field: dict[str, Any]) -> str:
    """A field's Table Schema constraints as a short Vietnamese phrase."""
    c = field.get("constraints") or {}
    if not isinstance(c, dict):
        return ""
    parts = []
    if c.get("required"):
        parts.append("bắt buộc")
    if c.get("unique"):
        parts.append("không trùng")
    for key, label in (("minimum", "nhỏ nhất"), ("maximum", "lớn nhất"), ("minLength", "độ dài tối thiểu"),
                       ("maxLength", "độ dài tối đa"), ("pattern", "mẫu")):
        if key in c:
            parts.append(f"{label} {c[key]}")
    if isinstance(c.get("enum"), list):
        parts.append("một trong: " + "; ".join(str(v) for v in c["enum"]))
    return ", ".join(parts)


def schema_fields(r: Resource) -> list[dict[str, Any]]:
    return [f for f in (r.schema or {}).get("fields", []) if isinstance(f, dict) and f.get("name")]


def previewable(r: Resource) -> bool:
    return r.source is not None and (r.tabular or r.format in ("pdf", "docx", "doc"))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        # "function/…" are the function's own form snippets (function/static/), included as they are.
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(TEMPLATES)),
                                    jinja2.PrefixLoader({"function": jinja2.FileSystemLoader(str(forms.STATIC))})]),
        autoescape=True,  # metadata comes from pull requests: always text, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["vndate"] = vn_date
    env.filters["size"] = human_size
    env.filters["paragraphs"] = paragraphs
    env.filters["constraints"] = constraints_text
    env.filters["thousands"] = lambda n: f"{n:,}".replace(",", ".")
    env.globals["FORMATS"] = FORMATS
    env.globals["FREQUENCIES"] = FREQUENCIES
    env.globals["urls"] = urls
    env.globals["schema_fields"] = schema_fields
    env.globals["previewable"] = previewable
    return env


class PageWriter:
    def __init__(self, portfolio: Portfolio, docs: Path, previews: dict[tuple[str, str], Any],
                 history: History | None = None):
        self.p = portfolio
        self.docs = docs
        self.previews = previews
        self.env = _environment()
        self._history = history

    @property
    def history(self) -> History:
        # The build reads git once for created/modified; the change list is read here
        # when not passed in (one more `git log`, ~50 ms at a thousand datasets).
        if self._history is None:
            root = self.p.datasets[0].folder.parents[2] if self.p.datasets else Path(".")
            self._history = read_history(root)
        return self._history

    def write_all(self) -> None:
        p = self.p
        newest = sorted(p.datasets, key=lambda d: (d.modified, d.id), reverse=True)
        self.page("index.md", "home.html", title=p.catalog.portal.name, newest=newest[:6], stats=self.stats())
        self.page("datasets/index.md", "dataset_list.html", title="Tìm bộ dữ liệu", extra_meta={"od_search_page": True},
                  newest=newest[:NEWEST], total=len(p.datasets))
        for d in p.datasets:
            self.dataset(d)
        for w in p.catalog.withdrawn.values():
            if not any(d.id == w.id for d in p.datasets):  # an id reused by a new dataset keeps its page
                self.page(f"datasets/{w.id}.md", "withdrawn.html", title=w.title or w.id, w=w)
        self.page("agencies/index.md", "agency_list.html", title="Cơ quan")
        for a in p.catalog.agencies.values():
            self.page(f"agencies/{a.id}.md", "agency.html", title=a.name, agency=a,
                      datasets=p.datasets_of_agency(a.id),
                      entries=[e for e in p.catalog.entries.values() if e.agency == a.id])
        self.page("topics/index.md", "topic_list.html", title="Chủ đề")
        for t in p.catalog.topics.values():
            self.page(f"topics/{t.id}.md", "topic.html", title=t.name, topic=t, datasets=p.datasets_of_topic(t.id))
        self.page("catalogue/index.md", "catalogue.html", title="Danh mục dữ liệu mở", stats=self.stats())
        self.page("terms.md", "terms.html", title="Điều khoản sử dụng")
        self.api_access()

    def api_access(self) -> None:
        """The API registration page: the function's form, or how to ask the operator by mail."""
        portal = self.p.catalog.portal
        path = urls.API_ACCESS_PAGE_SOURCE
        if portal.function_url:
            self.page(path, "api_access.html", title="Đăng ký tài khoản API", extra_meta={"od_css": [forms.CSS]},
                      form=forms.register_form(root_of(path)), request_mailto="")
        else:
            operator = self.p.catalog.agencies[portal.operator]
            self.page(path, "api_access.html", title="Đăng ký tài khoản API", form="",
                      request_mailto=urls.api_request_href(operator.email, portal.name))

    def dataset(self, d: Dataset) -> None:
        p = self.p
        agency = p.catalog.agencies[d.agency]
        tables: dict[str, tuple[list[str], list[list[str]]]] = {}

        def read(r: Resource) -> tuple[list[str], list[list[str]]]:
            if r.name not in tables:
                tables[r.name] = table_chunks.read_table(r)
            return tables[r.name]

        common = dict(d=d, agency=agency, topic=p.topic_of(d), entry=p.catalog.entries[d.catalogue])
        # With the function, the feedback form (function/static/feedback-snippet.html) and its styles.
        with_form = {"od_css": [forms.CSS]} if p.catalog.portal.function_url else None
        self.page(f"datasets/{d.id}.md", "dataset.html", title=d.title, description=d.description,
                  extra_meta=with_form,
                  licence=p.catalog.licences.get(d.licence), previews=self.previews,
                  charts=charts.charts(d, read) if charts.views(d) else [],
                  changes=[(iso(epoch), subject) for epoch, subject in self.history.changes.get(d.rel_folder, [])],
                  jsonld=Markup(schemaorg.script_json(schemaorg.dataset(p, d))),
                  feedback=urls.feedback_href(d, agency.email, p.catalog.portal.name),
                  year=(d.modified or p.commit_time)[:4], **common)
        for r in d.resources:
            if not previewable(r):
                continue
            path = f"datasets/{d.id}/preview/{r.name}.md"
            if r.tabular:
                self.page(path, "preview_table.html", title=f"{r.title} — {d.title}", r=r,
                          pv=self.previews.get((d.id, r.name)), fields=schema_fields(r), **common)
            else:
                doc = documents.preview(r.source, r.format)
                self.page(path, "preview_document.html", title=f"{r.title} — {d.title}", r=r, doc=doc,
                          doc_html=Markup(doc.html) if doc and doc.html else "", **common)

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

    def page(self, path: str, template: str, title: str, description: str = "",
             extra_meta: dict[str, Any] | None = None, **context: Any) -> None:
        body = self.env.get_template(template).render(
            p=self.p, portal=self.p.catalog.portal, catalog=self.p.catalog, root=root_of(path),
            search_text=lambda d: dataset_search_text(d, self.p), **context)
        # JSON is valid YAML, and html.escape keeps MkDocs' unescaped
        # {{ page.title }} and <meta description> from running pulled-in markup.
        meta: dict[str, Any] = {"title": html.escape(title)}
        if description:
            meta["description"] = html.escape(" ".join(description.split())[:300])
        meta.update(extra_meta or {})
        target = self.docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("---\n" + json.dumps(meta, ensure_ascii=False) + "\n---\n" + MARKER + "\n" + body,
                          encoding="utf-8")


def root_of(path: str) -> str:
    """From the page written as `path` (MkDocs' directory URLs) back to the site's root."""
    return "../" * (path.count("/") + (0 if path.endswith("index.md") else 1))


def dataset_search_text(d: Dataset, portfolio: Portfolio) -> str:
    """Accent-folded text of a dataset (agency and topic pages filter their cards on it without an index)."""
    agency = portfolio.catalog.agencies[d.agency]
    topic = portfolio.topic_of(d)
    parts = [d.title, d.title_en, d.description, " ".join(d.keywords), agency.name, topic.name, d.catalogue, d.id]
    return fold(" ".join(parts))
