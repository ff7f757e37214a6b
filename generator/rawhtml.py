"""A Python-Markdown extension: pages the generator pre-rendered pass through untouched.

The generator writes finished, escaped HTML. Letting Markdown re-parse it
costs ~10 ms a page (its raw-HTML block parser) for nothing, so a page that
starts with the marker is stashed whole. This is a Markdown extension, not a
MkDocs plugin: any engine that reads mkdocs.yml's markdown_extensions keeps it.
"""

from __future__ import annotations

from markdown import Extension
from markdown.preprocessors import Preprocessor

MARKER = "<!-- opendata:html -->"


class _RawPage(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        if lines and lines[0].strip() == MARKER:
            return [self.md.htmlStash.store("\n".join(lines[1:]))]
        return lines


class RawHtmlExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 (Markdown's API name)
        # Before every other preprocessor (normalize_whitespace is 30, html_block 20).
        md.preprocessors.register(_RawPage(md), "opendata_raw_html", 100)


def makeExtension(**kwargs) -> RawHtmlExtension:  # noqa: N802
    return RawHtmlExtension(**kwargs)
