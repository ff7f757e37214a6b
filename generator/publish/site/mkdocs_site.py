"""Run MkDocs (theme: mkdocs-material with theme/ overrides) over the generated pages.

MkDocs only wraps pages that the generator already wrote; no generator logic
lives in MkDocs hooks, so another engine reading mkdocs.yml can take over.
"""

from __future__ import annotations

import html
import logging
import os
from contextlib import contextmanager
from pathlib import Path

from generator import i18n
from generator.problems import InputError, Problem


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
          epoch: int, function_url: str = "", site_name_en: str = "") -> list[str]:
    """Build the HTML into `site`; return MkDocs' warnings.

    `function_url` (checked by catalog.py) reaches the frame as `config.extra.function_url`: every page
    then tells the forms' scripts where the function is (<meta name="opendata-function">).
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
    return handler.messages
