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
        # After normalize_whitespace (30: it strips the stash's STX/ETX marks),
        # before html_block (20), which would parse the whole page.
        md.preprocessors.register(_RawPage(md), "opendata_raw_html", 25)


def makeExtension(**kwargs) -> RawHtmlExtension:  # noqa: N802
    return RawHtmlExtension(**kwargs)
