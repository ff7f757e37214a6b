"""Run MkDocs (theme: mkdocs-material with theme/ overrides) over the generated pages.

MkDocs only wraps pages that the generator already wrote; no generator logic
lives in MkDocs hooks, so another engine reading mkdocs.yml can take over.

With a build cache, a page MkDocs wrapped before is taken from it: its entry
is keyed by the page (its path and Markdown, or what its Markdown is made
from) and by everything MkDocs puts around it (`frame`: mkdocs.yml, the theme
folder, the values the build passes in, the installed packages and the
generator). Only the pages whose key is new and the nav's pages are given to
MkDocs. That is exact because a page's frame (theme/main.html) shows the nav,
whose titles mkdocs.yml names, and nothing of other pages: no previous/next
links, and no plugin (a search index or a page list would read every page).
Where mkdocs.yml has a plugin, no nav, or a nav entry without its title,
every page is built.
"""

from __future__ import annotations

import gc
import hashlib
import html
import sys
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import i18n
from generator.build.cache import Cache, generator_version
from generator.problems import InputError, Problem
from generator.build.cache import link
from generator.publish.site.pagecache import HTML, Source, folder_digest


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _source_date(epoch: int):
    # MkDocs stamps the sitemap (and its gzip header) with SOURCE_DATE_EPOCH when set.
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


@contextmanager
def _mkdocs(config_file: Path, epoch: int):
    """MkDocs' warnings collected (the list yielded), the build date set, and a broken mkdocs.yml or theme
    reported as such: never a traceback or silence."""
    from mkdocs.exceptions import MkDocsException

    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        with _source_date(epoch):
            yield handler.messages
    except MkDocsException as exc:
        detail = "; ".join(m for m in dict.fromkeys([*handler.messages, str(exc)]) if m.strip())
        raise InputError([Problem(config_file.name, f"MkDocs không dựng được trang: {detail}",
                                  f"MkDocs could not build the pages: {detail}",
                                  "sửa mkdocs.yml (cú pháp YAML, theme, markdown_extensions) theo thông báo; "
                                  "so sánh với bản mẫu trong kho mã.",
                                  "fix mkdocs.yml (YAML syntax, theme, markdown_extensions) as the message says; "
                                  "compare it with the repository's sample.", code="mkdocs-config")]) from None
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _configure(config_file: Path, docs: Path, site: Path, site_name: str, site_url: str, copyright: str,
               function_url: str, site_name_en: str) -> Any:
    from mkdocs.config import load_config

    config = load_config(config_file=str(config_file), docs_dir=str(docs), site_dir=str(site),
                         site_name=site_name, site_url=site_url, copyright=copyright)
    config.extra["function_url"] = function_url
    # The frame's words, from the same catalogues as the pages (theme/main.html).
    config.extra["i18n"] = i18n.span
    config.extra["i18n_attr"] = i18n.attribute
    # site_name arrives HTML-escaped (MkDocs' templates do not escape); so does the English name.
    config.extra["site_name_en"] = html.escape(site_name_en) if site_name_en else site_name
    config.extra["brand"] = i18n.both(html.unescape(site_name), site_name_en)
    return config


@dataclass
class Frame:
    """MkDocs' configuration as the build sets it, and `digest`: everything MkDocs puts around a page,
    known before any page is written — mkdocs.yml, the theme folder (its overrides), the values the build
    passes in, the installed packages (MkDocs, the theme, Markdown and its extensions) and the generator
    (the Markdown extension, the frame's words). `digest` is None where a page's HTML may depend on other
    pages: a plugin, no nav, or a nav titled from its pages."""

    config_file: Path
    config: Any
    epoch: int
    digest: str | None


def configure(config_file: Path, docs: Path, site: Path, site_name: str, site_url: str, copyright: str,
              epoch: int, function_url: str = "", site_name_en: str = "") -> Frame:
    """Load mkdocs.yml for a build into `site` of the pages in `docs`.

    `function_url` (checked by catalog.py) reaches the frame as `config.extra.function_url`: every page
    then tells the forms' scripts where the function is (<meta name="opendata-function">).
    """
    docs.mkdir(parents=True, exist_ok=True)
    with _mkdocs(config_file, epoch):
        config = _configure(config_file, docs, site, site_name, site_url, copyright, function_url, site_name_en)
    digest = None
    if not config.plugins and config.nav and _titled(config.nav):
        custom = config.theme.custom_dir
        # MkDocs gives templates the build date (SOURCE_DATE_EPOCH): in the key only where a template uses it.
        stamped = custom is not None and any("build_date_utc" in p.read_text("utf-8", errors="replace")
                                             for p in Path(custom).rglob("*.html"))
        parts = [generator_version(), config_file.read_bytes().decode("utf-8", errors="replace"),
                 folder_digest(Path(custom)) if custom else "", _installed(),
                 [site_name, site_url, copyright, function_url, site_name_en], epoch if stamped else None]
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return Frame(config_file, config, epoch, digest)


def build(frame: Frame, sources: dict[str, Source] | None = None, cache: Cache | None = None) -> list[str]:
    """Build the HTML of the pages in the docs folder into the site folder; return MkDocs' warnings.

    `sources`: the pages (pagecache.Source by docs path) — those not in the docs folder are taken from
    `cache`, or written into it when MkDocs must wrap them.
    """
    config = frame.config
    with _mkdocs(frame.config_file, frame.epoch) as messages:
        reused = _reuse(config, Path(config.docs_dir), sources or {}, cache or Cache(None), frame.digest)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            _build_in_batches(config, frame.digest is not None)
        finally:
            config.plugins.on_shutdown()
    reused.finish(Path(config.site_dir))
    return messages


BATCH = 1000  # pages MkDocs wraps at once: it holds every page it is given, Markdown and HTML, until it is done


def _build_in_batches(config: Any, separable: bool) -> None:
    """MkDocs over the docs folder, `BATCH` pages at a time where a page's HTML depends on no other page
    (`separable`: the frame's digest exists, the very premise of taking pages from the cache): each batch is
    the nav's pages and a share of the rest, as a rebuild gives MkDocs only the pages whose key is new. The
    first batch builds the site (theme files, nav pages, 404); the later ones, into a scratch folder, add only
    their pages. So memory holds one batch's pages, not the whole site's."""
    import tempfile

    from mkdocs.commands.build import build as mkdocs_build

    docs, site = Path(config.docs_dir), Path(config.site_dir)
    nav = set(_nav_sources(config.nav or []))
    pages = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")) if separable else []
    pages = [p for p in pages if p not in nav]
    if len(pages) <= BATCH:
        mkdocs_build(config)
        return
    batches = [pages[i:i + BATCH] for i in range(0, len(pages), BATCH)]
    with tempfile.TemporaryDirectory(prefix=".held-", dir=docs.parent) as held, \
            tempfile.TemporaryDirectory(prefix=".batch-", dir=site.parent) as scratch:
        aside, batch_site = Path(held), Path(scratch)
        for path in pages[BATCH:]:
            _move(docs / path, aside / path)
        try:
            mkdocs_build(config)
            config.site_dir = str(batch_site)
            for previous, batch in zip(batches, batches[1:]):
                for path in previous:
                    _move(docs / path, aside / path)
                for path in batch:
                    _move(aside / path, docs / path)
                gc.collect()  # MkDocs' pages and files refer to each other: the last batch's go only with a collection
                mkdocs_build(config)
                for path in batch:
                    _move(batch_site / _dest(path, config.use_directory_urls), site / _dest(path, config.use_directory_urls))
        finally:
            config.site_dir = str(site)
            for path in pages:  # the docs folder as it was
                if (aside / path).is_file():
                    _move(aside / path, docs / path)


def _move(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)


def _dest(path: str, use_directory_urls: bool) -> str:
    """Where MkDocs writes the page of docs path `path`, relative to the site folder."""
    from mkdocs.structure.files import File

    return File(path, None, "", bool(use_directory_urls)).dest_uri


class _Reuse:
    """The pages taken from the cache (placed once MkDocs, which empties the site folder, is done) and
    the ones MkDocs wraps this time (stored after, under each of their keys)."""

    def __init__(self, cache: Cache, use_directory_urls: bool):
        self.cache = cache
        self.use_directory_urls = use_directory_urls
        self.taken: dict[str, Any] = {}  # docs path -> cache entry
        self.made: dict[str, list[str]] = {}  # docs path -> keys
        self.aliases: dict[str, Any] = {}  # key -> a cache entry to store under it too

    def dest(self, path: str) -> str:
        return _dest(path, self.use_directory_urls)

    def finish(self, site: Path) -> None:
        folders: set[Path] = set()
        for path, entry in self.taken.items():
            target = site / self.dest(path)
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            link(entry.path(HTML), target)
        for entry_key, entry in self.aliases.items():
            self.cache.put(entry_key, entry.meta, {HTML: entry.path(HTML)})
        for path, keys in self.made.items():
            built = site / self.dest(path)
            if built.is_file():
                for entry_key in keys:
                    self.cache.put(entry_key, {"page": path, "of": "html"}, {HTML: built})


def _reuse(config: Any, docs: Path, sources: dict[str, Source], cache: Cache, frame: str | None) -> _Reuse:
    """Decide which pages MkDocs wraps: those without a cached result, and the nav's; write their
    Markdown into `docs` where it is not there yet, and take the rest out of it."""
    out = _Reuse(cache, bool(config.use_directory_urls))
    nav = set(_nav_sources(config.nav or []))
    frame = frame if cache.folder is not None else None
    for path, source in sources.items():
        if path in nav or frame is None:
            source.materialise(docs)
            continue
        if source.html is not None:  # found by what the Markdown is made from (pages.PageWriter)
            out.taken[path] = source.html
            continue
        entry_key = cache.key("mkdocs", frame, path, source.digest)
        hit = cache.get(entry_key)
        if hit is not None:
            out.taken[path] = hit
            if source.final_key:  # found next time by what its Markdown is made from
                out.aliases[source.final_key] = hit
            (docs / path).unlink(missing_ok=True)
            continue
        source.materialise(docs)
        out.made[path] = [entry_key, *([source.final_key] if source.final_key else [])]
    return out


def _nav_sources(nav: Any) -> list[str]:
    """The docs paths mkdocs.yml's nav names (its pages are always built: every page's frame shows it)."""
    if isinstance(nav, str):
        return [nav] if nav.endswith(".md") else []
    if isinstance(nav, dict):
        return [p for v in nav.values() for p in _nav_sources(v)]
    if isinstance(nav, list):
        return [p for v in nav for p in _nav_sources(v)]
    return []


def _titled(nav: Any) -> bool:
    """Every nav entry names its title (else MkDocs takes it from the page: the nav would depend on pages)."""
    if isinstance(nav, list):
        return all(_titled(v) for v in nav)
    if isinstance(nav, dict):
        return all(isinstance(v, str) or _titled(v) for v in nav.values())
    return False


def _installed() -> list[str]:
    """The installed distributions, as name-version (their metadata folders' names: no metadata is parsed)."""
    names: set[str] = set()
    for folder in sys.path:
        try:
            names.update(n for n in os.listdir(folder or ".") if n.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return sorted(names)
