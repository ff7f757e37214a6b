"""Run MkDocs (theme: mkdocs-material with theme/ overrides) over the generated pages.

MkDocs only wraps pages that the generator already wrote; no generator logic
lives in MkDocs hooks, so another engine reading mkdocs.yml can take over.

With a build cache, a page MkDocs wrapped before is taken from it: its entry
is keyed by the page's path and Markdown and by everything MkDocs puts around
it (`frame_digest`: mkdocs.yml, the theme folder, the values the build passes
in, the installed packages and the generator). Only the pages whose key is new
and the nav's pages are given to MkDocs. That is exact because a page's frame
(theme/main.html) shows the nav, whose titles mkdocs.yml names, and nothing of
other pages: no previous/next links, and no plugin (a search index or a page
list would read every page) — where mkdocs.yml has one, every page is built.
"""

from __future__ import annotations

import hashlib
import html
import importlib.metadata
import logging
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator import i18n
from generator.build.cache import Cache, generator_version
from generator.problems import InputError, Problem
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


def build(config_file: Path, docs: Path, site: Path, site_name: str, site_url: str, copyright: str,
          epoch: int, function_url: str = "", site_name_en: str = "", sources: dict[str, Source] | None = None,
          cache: Cache | None = None) -> list[str]:
    """Build the HTML into `site`; return MkDocs' warnings.

    `function_url` (checked by catalog.py) reaches the frame as `config.extra.function_url`: every page
    then tells the forms' scripts where the function is (<meta name="opendata-function">).
    `sources`: the pages (pagecache.Source by docs path) — those not in `docs` are taken from `cache`, or
    written into `docs` when MkDocs must wrap them.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        with _source_date(epoch):
            config = load_config(config_file=str(config_file), docs_dir=str(docs), site_dir=str(site),
                                 site_name=site_name, site_url=site_url, copyright=copyright)
            config.extra["function_url"] = function_url
            # The frame's words, from the same catalogues as the pages (theme/main.html).
            config.extra["i18n"] = i18n.span
            config.extra["i18n_attr"] = i18n.attribute
            # site_name arrives HTML-escaped (MkDocs' templates do not escape); so does the English name.
            config.extra["site_name_en"] = html.escape(site_name_en) if site_name_en else site_name
            config.extra["brand"] = i18n.both(html.unescape(site_name), site_name_en)
            reused = _reuse(config, config_file, docs, sources or {}, cache or Cache(None),
                            [site_name, site_url, copyright, function_url, site_name_en], epoch)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                mkdocs_build(config)
            finally:
                config.plugins.on_shutdown()
    except MkDocsException as exc:  # a broken mkdocs.yml or theme: say so, never a traceback or silence
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
    reused.finish(site)
    return handler.messages


class _Reuse:
    """The pages taken from the cache (placed once MkDocs, which empties the site folder, is done) and
    the ones MkDocs wraps this time (stored after)."""

    def __init__(self, cache: Cache, use_directory_urls: bool):
        self.cache = cache
        self.use_directory_urls = use_directory_urls
        self.taken: dict[str, Any] = {}  # docs path -> cache entry
        self.made: dict[str, str] = {}  # docs path -> key

    def dest(self, path: str) -> str:
        from mkdocs.structure.files import File

        return File(path, None, "", self.use_directory_urls).dest_uri

    def finish(self, site: Path) -> None:
        for path, entry in self.taken.items():
            entry.copy(HTML, site / self.dest(path))
        for path, entry_key in self.made.items():
            built = site / self.dest(path)
            if built.is_file():
                self.cache.put(entry_key, {"page": path, "of": "html"}, {HTML: built})


def _reuse(config: Any, config_file: Path, docs: Path, sources: dict[str, Source], cache: Cache,
           values: list[Any], epoch: int) -> _Reuse:
    """Decide which pages MkDocs wraps: those without a cached result, and the nav's; write their
    Markdown into `docs` where it is not there yet, and take the rest out of it."""
    out = _Reuse(cache, bool(config.use_directory_urls))
    nav = set(_nav_sources(config.nav or []))
    frame = None
    if cache.folder is not None and not config.plugins and config.nav:
        frame = frame_digest(config, config_file, values, epoch,
                             {p: sources[p].digest for p in sorted(nav) if p in sources})
    for path, source in sources.items():
        entry_key = cache.key("mkdocs", frame, path, source.digest) if frame and path not in nav else None
        hit = cache.get(entry_key) if entry_key else None
        if hit is not None:
            out.taken[path] = hit
            (docs / path).unlink(missing_ok=True)
            continue
        source.materialise(docs)
        if entry_key:
            out.made[path] = entry_key
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
    """Every nav entry names its title (else MkDocs takes it from the page, and the nav pages enter the key)."""
    if isinstance(nav, list):
        return all(_titled(v) for v in nav)
    if isinstance(nav, dict):
        return all(isinstance(v, str) or _titled(v) for v in nav.values())
    return False  # a bare path: MkDocs titles it from the page


def frame_digest(config: Any, config_file: Path, values: list[Any], epoch: int, nav_pages: dict[str, str]) -> str:
    """Everything MkDocs puts around a page: mkdocs.yml, the theme folder (its overrides), the values the
    build passes in, the installed packages (MkDocs, the theme, Markdown and its extensions) and the
    generator (the Markdown extension, the frame's words)."""
    digest = hashlib.sha256()
    custom = config.theme.custom_dir
    theme = folder_digest(Path(custom)) if custom else ""
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    # MkDocs gives templates the build date (SOURCE_DATE_EPOCH): in the key only where a template uses it.
    stamped = custom is not None and any("build_date_utc" in p.read_text("utf-8", errors="replace")
                                         for p in Path(custom).rglob("*.html"))
    parts = [generator_version(), config_file.read_bytes().decode("utf-8", errors="replace"), theme, packages,
             values, epoch if stamped else None, None if _titled(config.nav or []) else nav_pages]
    digest.update(repr(parts).encode())
    return digest.hexdigest()
