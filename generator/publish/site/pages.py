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
import re
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from generator import i18n
from generator.i18n import N_
from generator.portal.model import Dataset, Portfolio, Resource
from generator.publish.site.rawhtml import MARKER
from generator.text import fold, paragraphs
from generator.portal.vocabularies import FORMATS, FREQUENCIES
from generator.publish.discovery import charts, documents, history, table_chunks
from generator.publish.site import forms, related
from generator.publish import schemaorg, urls
from generator.publish.discovery.dictionary import constraints_words, schema_fields, type_words

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
NEWEST = 20  # cards the search page shows before its index loads (and without JavaScript)


def vn_date(value: str) -> str:
    """ISO date or time -> dd/mm/yyyy, as Vietnamese readers write dates."""
    if not value:
        return ""
    try:
        return dt.datetime.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def localised(vi: str, en: str) -> Markup:
    """A number or size in both locales (portal.js shows the English one to English readers)."""
    return Markup('<span data-en="{}">{}</span>').format(en, vi) if en != vi else Markup("{}").format(vi)


def human_size(size: int | None, lang: str = "") -> Markup:
    """A file size, 10,1 KB in Vietnamese and 10.1 KB in English (both, for portal.js, unless `lang`)."""
    if size is None:
        return Markup("")
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            decimals = 0 if unit == "B" else 1
            if lang:
                return Markup("{} {}").format(i18n.number(value, decimals, lang), unit)
            return localised(f"{i18n.number(value, decimals)} {unit}", f"{i18n.number(value, decimals, 'en')} {unit}")
        value /= 1024
    return Markup(f"{size} B")


_PLAIN_NUMBER = re.compile(r"-?\d{1,15}(\.\d+)?")


def number_cell(value: str, kind: str | None) -> Markup | str:
    """A number cell in the reader's locale (21,3089 or 21.3089; 12.345 or 12,345), its digits unchanged.
    Thousands are grouped from five digits (as SI writes numbers), so a year typed as an integer stays
    2024; codes (strings) and anything not a plain number stay as written."""
    if kind not in ("number", "integer") or not _PLAIN_NUMBER.fullmatch(value):
        return value
    whole, _, decimals = value.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    grouped = f"{int(digits):,}" if len(digits.lstrip("0") or "0") > 4 else digits
    vi = sign + grouped.replace(",", ".") + ("," + decimals if decimals else "")
    en = sign + grouped + ("." + decimals if decimals else "")
    return localised(vi, en)


def field_types(r: Resource) -> dict[str, str]:
    return {f["name"]: str(f.get("type", "string")) for f in schema_fields(r)}


def thousands(n: int) -> Markup:
    return localised(i18n.number(n), i18n.number(n, lang="en"))


def previewable(r: Resource) -> bool:
    return r.source is not None and (r.tabular or r.format in ("pdf", "docx", "doc"))


def _both_words(describe: Any, field: dict[str, Any]) -> Markup:
    return localised(describe(field, "vi"), describe(field, "en"))


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
    env.globals["Markup"] = Markup
    env.filters["paragraphs"] = paragraphs
    env.filters["constraints"] = lambda f: Markup('<span data-en-html="{}">{}</span>').format(
        constraints_words(f, "en", html=True), constraints_words(f, "vi", html=True))
    env.filters["type_words"] = lambda f: _both_words(type_words, f)
    env.filters["thousands"] = thousands
    env.filters["number_cell"] = number_cell
    env.globals["field_types"] = field_types
    env.globals.update(i18n.template_globals())
    env.globals["FORMATS"] = FORMATS
    env.globals["FREQUENCIES"] = FREQUENCIES
    env.globals["urls"] = urls
    env.globals["schema_fields"] = schema_fields
    env.globals["previewable"] = previewable
    env.globals["change_words"] = lambda f: localised(history.describe(f, "vi"), history.describe(f, "en"))
    return env


class PageWriter:
    def __init__(self, portfolio: Portfolio, docs: Path, previews: dict[tuple[str, str], Any],
                 data_history: history.DataHistory | None = None,
                 documents: dict[tuple[str, str], Any] | None = None):
        self.p = portfolio
        self.docs = docs
        self.previews = previews
        self.documents = documents or {}  # documents.previews(): made (and warned about) before the pages
        self.env = _environment()
        self._history = data_history
        self.related = related.Related(portfolio)

    @property
    def history(self) -> history.DataHistory:
        # What each change did to the data (one `git log --raw`; tables compared version to version).
        if self._history is None:
            root = self.p.datasets[0].folder.parents[2] if self.p.datasets else Path(".")
            self._history = history.read(root, self.p)
        return self._history

    def write_all(self) -> None:
        p = self.p
        newest = sorted(p.datasets, key=lambda d: (d.modified, d.id), reverse=True)
        self.page("index.md", "home.html", title=p.catalog.portal.name, title_en=p.catalog.portal.name_en, newest=newest[:6], stats=self.stats())
        self.page("datasets/index.md", "dataset_list.html", **ui_title(N_("Tìm bộ dữ liệu")), extra_meta={"od_search_page": True},
                  newest=newest[:NEWEST], total=len(p.datasets))
        for d in p.datasets:
            self.dataset(d)
        for w in p.catalog.withdrawn.values():
            if not any(d.id == w.id for d in p.datasets):  # an id reused by a new dataset keeps its page
                self.page(f"datasets/{w.id}.md", "withdrawn.html", title=w.title or w.id, w=w)
        self.page("agencies/index.md", "agency_list.html", **ui_title(N_("Cơ quan")))
        for a in p.catalog.agencies.values():
            self.page(f"agencies/{a.id}.md", "agency.html", title=a.name, title_en=a.name_en, agency=a,
                      extra_meta={"od_feeds": [{"title": html.escape(f"{a.name}: bộ dữ liệu mới và cập nhật (Atom)"),
                                                "href": urls.agency_feed(a.id)}]},
                      datasets=p.datasets_of_agency(a.id),
                      entries=[e for e in p.catalog.entries.values() if e.agency == a.id])
        self.page("topics/index.md", "topic_list.html", **ui_title(N_("Chủ đề")))
        for t in p.catalog.topics.values():
            self.page(f"topics/{t.id}.md", "topic.html", title=t.name, title_en=t.name_en, topic=t, datasets=p.datasets_of_topic(t.id))
        self.page("catalogue/index.md", "catalogue.html", **ui_title(N_("Danh mục dữ liệu mở")), stats=self.stats())
        self.page("terms.md", "terms.html", **ui_title(N_("Điều khoản sử dụng")))
        self.api_access()

    def api_access(self) -> None:
        """The API registration page: the function's form, or how to ask the operator by mail."""
        portal = self.p.catalog.portal
        path = urls.API_ACCESS_PAGE_SOURCE
        if portal.function_url:
            self.page(path, "api_access.html", **ui_title(N_("Đăng ký tài khoản API")), extra_meta={"od_css": [forms.CSS]},
                      form=forms.register_form(root_of(path)), request_mailto="")
        else:
            operator = self.p.catalog.agencies[portal.operator]
            self.page(path, "api_access.html", **ui_title(N_("Đăng ký tài khoản API")), form="",
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
        with_form = {"od_css": [forms.CSS]} if p.catalog.portal.function_url else {}
        # Follow this dataset: its changes as Atom, announced in the page's head.
        feeds = {"od_feeds": [{"title": html.escape(f"{d.title}: các thay đổi (Atom)"), "href": urls.dataset_feed(d.id)}]}
        self.page(f"datasets/{d.id}.md", "dataset.html", title=d.title, title_en=d.title_en, description=d.description,
                  extra_meta={**with_form, **feeds}, same_agency=self.related.same_agency(d),
                  related=self.related.related(d),
                  licence=p.catalog.licences.get(d.licence), previews=self.previews,
                  charts=charts.charts(d, read) if charts.views(d) else [],
                  changes=self.history.changes.get(d.id, []), file_dates=self.history.file_dates,
                  jsonld=Markup(schemaorg.script_json(schemaorg.dataset(p, d))),
                  feedback=urls.feedback_href(d, agency.email, p.catalog.portal.name),
                  year=(d.modified or p.commit_time)[:4], **common)
        for r in d.resources:
            if not previewable(r):
                continue
            path = f"datasets/{d.id}/preview/{r.name}.md"
            if r.tabular:
                self.page(path, "preview_table.html", title=f"{r.title} — {d.title}",
                          title_en=f"{r.title} — {d.title_en or d.title}", r=r,
                          pv=self.previews.get((d.id, r.name)), fields=schema_fields(r), **common)
            else:
                doc = self.documents.get((d.id, r.name)) or documents.preview(r.source, r.format)
                self.page(path, "preview_document.html", title=f"{r.title} — {d.title}",
                          title_en=f"{r.title} — {d.title_en or d.title}", r=r, doc=doc,
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
             extra_meta: dict[str, Any] | None = None, title_en: str = "", **context: Any) -> None:
        body = self.env.get_template(template).render(
            p=self.p, portal=self.p.catalog.portal, catalog=self.p.catalog, root=root_of(path),
            search_text=lambda d: dataset_search_text(d, self.p), **context)
        # JSON is valid YAML, and html.escape keeps MkDocs' unescaped
        # {{ page.title }} and <meta description> from running pulled-in markup.
        meta: dict[str, Any] = {"title": html.escape(title)}
        if title_en and title_en != title:
            meta["title_en"] = html.escape(title_en)  # portal.js shows it in the tab to English readers
        if description:
            meta["description"] = html.escape(" ".join(description.split())[:300])
        meta.update(extra_meta or {})
        target = self.docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("---\n" + json.dumps(meta, ensure_ascii=False) + "\n---\n" + MARKER + "\n" + body,
                          encoding="utf-8")


def ui_title(msgid: str) -> dict[str, str]:
    """A page title from the catalogues, in both languages."""
    return {"title": i18n.text(msgid, "vi"), "title_en": i18n.text(msgid, "en")}


def root_of(path: str) -> str:
    """From the page written as `path` (MkDocs' directory URLs) back to the site's root."""
    return "../" * (path.count("/") + (0 if path.endswith("index.md") else 1))


def dataset_search_text(d: Dataset, portfolio: Portfolio) -> str:
    """Accent-folded text of a dataset (agency and topic pages filter their cards on it without an index)."""
    agency = portfolio.catalog.agencies[d.agency]
    topic = portfolio.topic_of(d)
    parts = [d.title, d.title_en, d.description, " ".join(d.keywords), agency.name, topic.name, d.catalogue, d.id]
    return fold(" ".join(parts))
