"""What lets a visitor find, preview and understand a dataset without downloading it (Article 7.2a),
written into the built site after MkDocs: the search index, every table's JSON chunks, the data
dictionaries, the Atom feed, the sitemap (which replaces MkDocs' own) and the unit look-up's lists.

The pages themselves (dataset, preview, search) are written by site.pages.PageWriter before MkDocs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator import i18n
from generator.portal.model import Portfolio
from generator.publish.discovery import dictionary, history, search_index, table_chunks
from generator.publish.site import feeds
from generator.publish.discovery import lookup
from generator.portal import units
from generator.publish.discovery import units_page


def write(p: Portfolio, site: Path, data_history: history.DataHistory | None = None, cache: Any = None) -> None:
    """`cache` (build.cache.Cache): the small tables' chunks of earlier builds."""
    i18n.write_messages(site)  # the scripts' English (assets/messages.js)
    search_index.write(p, site)
    lookup.write(p, site)
    table_chunks.write(p, site, cache)
    dictionary.write(p, site)
    feeds.write(p, site, data_history)
    if p.datasets:  # the administrative-unit look-up page's lists
        units_page.write(units.root_of(p.datasets[0]), site)
