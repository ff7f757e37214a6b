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
import hashlib
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from generator import PACKAGE_DIR
from generator import i18n
from generator.i18n import N_
from generator.build.cache import Cache
from generator.portal.model import Dataset, Portfolio, Resource
from generator.publish.site.rawhtml import MARKER
from generator.text import fold, paragraphs
from generator.portal.vocabularies import FORMATS, FREQUENCIES
from generator.publish.discovery import charts, documents, history, table_chunks
from generator.publish.site import forms, pagecache, related
from generator.publish import urls
from generator.publish.harvest import schemaorg
from generator.publish.discovery.dictionary import constraints_words, schema_fields, type_words
from generator.tables import reader as tables
from generator.publish.discovery import lookup
from generator.portal import units

TEMPLATES = PACKAGE_DIR / "templates"
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
    return Markup(f'<span data-en="{escape(en)}">{escape(vi)}</span>') if en != vi else escape(vi)


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


# `{{ _("…") }}` with a message and nothing else: the same words on every page.
_STATIC_MESSAGE = re.compile(r'\{\{ *_\("([^"\\{}]*)"\) *\}\}')


class _Templates(jinja2.FileSystemLoader):
    """The generator's templates, each `{{ _("message") }}` written in as the span it renders to (from the
    catalogues: generator/locale, part of every page's key), so a page does not look each one up again.
    Babel extracts the messages from the files as they are."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        return _STATIC_MESSAGE.sub(_folded, source), filename, uptodate


def _folded(m: re.Match[str]) -> str:
    made = str(i18n.span(m.group(1)))
    # Written in only where it cannot read as template syntax; else the call stays.
    return m.group(0) if any(mark in made for mark in ("{{", "{%", "{#")) else made


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        # "function/…" are the function's own form snippets (function/static/), included as they are.
        loader=jinja2.ChoiceLoader([_Templates(str(TEMPLATES)),
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
    env.globals["unit_generations"] = lambda r: units.declared_generations(r.schema)
    env.globals["change_words"] = lambda f: localised(history.describe(f, "vi"), history.describe(f, "en"))
    return env


@dataclass(frozen=True)
class DatasetRef:
    """A dataset as the pages that only name and link it show it (a preview page's breadcrumb)."""

    id: str
    title: str
    title_en: str


class PageWriter:
    """Writes every page into `docs`. With a build cache (build/cache.py), a page marked `cached` is taken
    from it when its key (pagecache.fingerprint of what its template is given) is unchanged: such a page's
    template sees only what it is given and `portal`, so nothing it shows can stay out of its key."""

    def __init__(self, portfolio: Portfolio, docs: Path, previews: dict[tuple[str, str], Any],
                 data_history: history.DataHistory | None = None,
                 documents: dict[tuple[str, str], Any] | None = None, cache: Cache | None = None,
                 frame: str | None = None):
        self.p = portfolio
        self.docs = docs
        self.previews = previews
        self.documents = documents or {}  # documents.previews(): made (and warned about) before the pages
        self.env = _environment()
        self._history = data_history
        self.related = related.Related(portfolio)
        self.cache = cache or Cache(None)
        self.frame = frame  # mkdocs_site.frame(): a cached page's HTML is then found by its key and the frame
        self.sources: dict[str, pagecache.Source] = {}  # every page of this build, by its docs path
        self._cards: dict[str, dict[str, Any]] = {}
        self._published: dict[str, list[dict[str, str]]] | None = None
        self._outside = ""
        self._given: dict[str, str] = {}

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
        self.page("index.md", "home.html", title=p.catalog.portal.name, title_en=p.catalog.portal.name_en,
                  newest=self.cards(newest[:6]), stats=self.stats())
        self.page("datasets/index.md", "dataset_list.html", **ui_title(N_("Tìm bộ dữ liệu")), extra_meta={"od_search_page": True},
                  newest=self.cards(newest[:NEWEST]), total=len(p.datasets))
        for d in p.datasets:
            self.dataset(d)
        for w in p.catalog.withdrawn.values():
            if not any(d.id == w.id for d in p.datasets):  # an id reused by a new dataset keeps its page
                self.page(f"datasets/{w.id}.md", "withdrawn.html", title=w.title or w.id, w=w)
        self.page("agencies/index.md", "agency_list.html", **ui_title(N_("Cơ quan")))
        for a in p.catalog.agencies.values():
            entries = [e for e in p.catalog.entries.values() if e.agency == a.id]
            self.page(f"agencies/{a.id}.md", "agency.html", title=a.name, title_en=a.name_en, agency=a,
                      extra_meta={"od_feeds": [{"title": html.escape(f"{a.name}: bộ dữ liệu mới và cập nhật (Atom)"),
                                                "href": urls.agency_feed(a.id)}]},
                      cached=True, datasets=self.cards(p.datasets_of_agency(a.id)), entries=entries,
                      published={e.code: self.published.get(e.code, []) for e in entries},
                      report_year=int(p.commit_time[:4]))
        self.page("topics/index.md", "topic_list.html", **ui_title(N_("Chủ đề")))
        for t in p.catalog.topics.values():
            self.page(f"topics/{t.id}.md", "topic.html", title=t.name, title_en=t.name_en, topic=t, cached=True,
                      datasets=self.cards(p.datasets_of_topic(t.id)))
        self.page("catalogue/index.md", "catalogue.html", **ui_title(N_("Danh mục dữ liệu mở")), stats=self.stats(),
                  published=self.published)
        self.page("terms.md", "terms.html", **ui_title(N_("Điều khoản sử dụng")))
        self.page(urls.UNITS_PAGE.rstrip("/") + ".md", "units.html", **ui_title(N_("Tra cứu đơn vị hành chính")),
                  available=bool(p.datasets) and units.available(units.root_of(p.datasets[0])))
        self.api_access()
        self.lookup_page()

    def lookup_page(self) -> None:
        """The SMS/Zalo commands with examples, and the look-up codes of the datasets that opt in."""
        def titles(r: Resource, names: tuple[str, ...]) -> list[str]:
            declared = {f.get("name"): f for f in (r.schema or {}).get("fields", []) if isinstance(f, dict)}
            return [str(declared[n].get("title") or n) for n in names if n in declared]

        items = []
        for d, spec in lookup.opted_in(self.p):
            r = next(x for x in d.resources if x.name == spec.resource)
            example = ""
            if r.reading is not None or r.source is not None:
                try:
                    table = tables.of(r)
                    at = table.labels.index(spec.fields[0]) if spec.fields[0] in table.labels else 0
                    example = next((row[at] for row in table.records(1)), "")
                except tables.TableReadError:
                    example = ""
            items.append({"code": spec.code, "dataset": d, "fields": titles(r, spec.fields),
                          "show": titles(r, spec.show), "example": example})
        self.page(urls.LOOKUP_PAGE_SOURCE, "lookup.html", **ui_title(N_("Tra cứu qua SMS và Zalo")), lookups=items)

    def reports(self, reports: list[dict[str, Any]]) -> None:
        """The yearly reports (generator.ops.yearly): reports/, reports/<year>/, reports/<year>/<agency>/, each
        beside its figures as JSON."""
        from generator.ops.yearly import html as report_html, sections
        from generator.ops.yearly.render import to_json

        agencies = self.p.catalog.agencies.values()
        for f in reports:
            agency = f["agency"]["id"] if f["agency"] else None
            path = f"reports/{f['year']}/{agency}.md" if agency else f"reports/{f['year']}/index.md"
            links = [] if agency else list(agencies)
            # The page shows its sections (tables, each chart's figures) and these of the figures; the charts
            # are drawn from the sections when the page is rendered.
            self.page(path, "report.html", title=sections.title(f, "vi"), title_en=sections.title(f, "en"),
                      cached=True, f={k: f[k] for k in ("agency", "year", "as_of")}, sections=sections.build(f),
                      agency_links=links, lazy=lambda f=f, links=links: {
                          k: v for k, v in report_html.context(f, links).items()
                          if k not in ("f", "sections", "agency_links")})
            target = self.docs / urls.report_json(f["year"], agency)
            target.parent.mkdir(parents=True, exist_ok=True)  # the page itself may come from the cache
            target.write_text(to_json(f), encoding="utf-8")
        self.page("reports/index.md", "report_list.html", **ui_title(N_("Báo cáo hằng năm")),
                  years=sorted({f["year"] for f in reports}, reverse=True))

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

        # With the function, the feedback form (function/static/feedback-snippet.html) and its styles.
        with_form = {"od_css": [forms.CSS]} if p.catalog.portal.function_url else {}
        # Follow this dataset: its changes as Atom, announced in the page's head.
        feeds = {"od_feeds": [{"title": html.escape(f"{d.title}: các thay đổi (Atom)"), "href": urls.dataset_feed(d.id)}]}
        history_ = self.history
        # Made only when the page is rendered, from what its key holds: the charts from the dataset's tables
        # and descriptor (`d`), the schema.org description and the feedback mail from `d`, its agency, its
        # licence and the portal.
        self.page(f"datasets/{d.id}.md", "dataset.html", title=d.title, title_en=d.title_en, description=d.description,
                  extra_meta={**with_form, **feeds}, cached=True,
                  lazy=lambda: {"charts": charts.charts(d, read) if charts.views(d) else [],
                                "jsonld": Markup(schemaorg.script_json(schemaorg.dataset(p, d))),
                                "feedback": urls.feedback_href(d, agency.email, p.catalog.portal.name)},
                  same_agency=[{"id": x.id, "title": x.title, "title_en": x.title_en, "modified": x.modified[:10]}
                               for x in self.related.same_agency(d)],
                  related=[{"id": x.id, "title": x.title, "title_en": x.title_en,
                            "agency_name": p.catalog.agencies[x.agency].name,
                            "agency_name_en": p.catalog.agencies[x.agency].name_en} for x in self.related.related(d)],
                  licence=p.catalog.licences.get(d.licence), scores=p.quality.get(d.id),
                  previews={r.name: self.previews[(d.id, r.name)] for r in d.resources
                            if (d.id, r.name) in self.previews},
                  changes=history_.changes.get(d.id, []),
                  file_dates={r.path: history_.file_dates[(d.id, r.path)] for r in d.resources
                              if (d.id, r.path) in history_.file_dates},
                  places=units.coverage(d, p.catalog.portal.base_url), units_page=urls.UNITS_PAGE,
                  year=(d.modified or p.commit_time)[:4],
                  d=d, agency=agency, topic=p.topic_of(d), entry=p.catalog.entries[d.catalogue])
        ref = DatasetRef(d.id, d.title, d.title_en)
        for r in d.resources:
            if not previewable(r):
                continue
            path = f"datasets/{d.id}/preview/{r.name}.md"
            if r.tabular:
                self.page(path, "preview_table.html", title=f"{r.title} — {d.title}",
                          title_en=f"{r.title} — {d.title_en or d.title}", cached=True, d=ref, agency=agency, r=r,
                          pv=self.previews.get((d.id, r.name)), fields=schema_fields(r))
            else:
                doc = self.documents.get((d.id, r.name)) or documents.preview(r.source, r.format)
                self.page(path, "preview_document.html", title=f"{r.title} — {d.title}",
                          title_en=f"{r.title} — {d.title_en or d.title}", cached=True, d=ref, agency=agency, r=r,
                          doc=doc, doc_html=Markup(doc.html) if doc and doc.html else "")

    def cards(self, datasets: list[Dataset]) -> list[dict[str, Any]]:
        """What a dataset's card shows (_macros.html dataset_card), once per dataset: the day it changed, not
        the time (a page listing it changes when what it shows does)."""
        out = []
        for d in datasets:
            card = self._cards.get(d.id)
            if card is None:
                agency, topic = self.p.catalog.agencies[d.agency], self.p.topic_of(d)
                card = self._cards[d.id] = {
                    "id": d.id, "title": d.title, "title_en": d.title_en, "agency": d.agency,
                    "agency_name": agency.name, "agency_name_en": agency.name_en, "topic_name": topic.name,
                    "topic_name_en": topic.name_en, "modified": d.modified[:10], "formats": d.formats,
                    "description": d.description, "description_en": d.description_en}
            out.append(card)
        return out

    @property
    def published(self) -> dict[str, list[dict[str, str]]]:
        """Catalogue entry code -> the datasets published for it (what entry_status links)."""
        if self._published is None:
            self._published = {}
            for d in self.p.datasets:
                self._published.setdefault(d.catalogue, []).append({"id": d.id, "title": d.title,
                                                                    "title_en": d.title_en})
        return self._published

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
             extra_meta: dict[str, Any] | None = None, title_en: str = "", cached: bool = False,
             lazy: Any = None, **context: Any) -> None:
        """Write one page. `cached`: taken from the build cache when its key is unchanged; `lazy()`: more
        context, computed only when the page is rendered, from what the key already holds."""
        # JSON is valid YAML, and html.escape keeps MkDocs' unescaped
        # {{ page.title }} and <meta description> from running pulled-in markup.
        meta: dict[str, Any] = {"title": html.escape(title)}
        if title_en and title_en != title:
            meta["title_en"] = html.escape(title_en)  # portal.js shows it in the tab to English readers
        if description:
            meta["description"] = html.escape(" ".join(description.split())[:300])
        meta.update(extra_meta or {})
        head = "---\n" + json.dumps(meta, ensure_ascii=False) + "\n---\n" + MARKER + "\n"
        portal = self.p.catalog.portal
        entry_key, final_key = None, ""
        if cached:
            given: dict[str, Any] = {"portal": portal, "root": root_of(path)}
            if self.cache.folder is not None:
                if given["root"] not in self._given:  # the same portal on every page: once per depth
                    self._given[given["root"]] = pagecache.fingerprint(given)
                entry_key = self.cache.key("page", template, path, head, self.outside,
                                           self._given[given["root"]], pagecache.fingerprint(context))
                final_key = self.cache.key("page-html", entry_key, self.frame) if self.frame else ""
                wrapped = self.cache.get(final_key) if final_key else None
                if wrapped is not None:
                    self.sources[path] = pagecache.Source(path, html=wrapped)
                    return
                hit = self.cache.get(entry_key)
                if hit is not None:
                    self.sources[path] = pagecache.Source(path, hit.files[pagecache.MARKDOWN], hit,
                                                          final_key=final_key)
                    return
        else:
            given = {"p": self.p, "portal": portal, "catalog": self.p.catalog, "root": root_of(path),
                     "search_text": lambda d: dataset_search_text(d, self.p)}
        body = self.env.get_template(template).render({**given, **context, **(lazy() if lazy else {})})
        data = (head + body).encode("utf-8")
        target = self.docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.sources[path] = pagecache.Source(path, hashlib.sha256(data).hexdigest(),
                                              final_key=final_key if entry_key is not None else "")
        if entry_key is not None:
            self.cache.put(entry_key, {"page": path, "of": "markdown"}, {pagecache.MARKDOWN: target})

    @property
    def outside(self) -> str:
        """The templates pages include from outside the generator (the function's form snippets)."""
        if not self._outside:
            self._outside = pagecache.folder_digest(forms.STATIC)
        return self._outside


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
    parts = [d.title, d.title_en, d.description, " ".join(d.keywords), agency.name, topic.name, d.catalogue, d.id,
             *(term for place in units.coverage(d, "") for term in place.terms)]
    return fold(" ".join(parts))
