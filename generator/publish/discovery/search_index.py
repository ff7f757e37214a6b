"""The prebuilt search index (site/search/index.js) behind the accent-free search.

MkDocs-material's search does no accent folding, so the portal ships its own:
the search page loads this file (JSON assigned to window.odSearchIndex) and
theme/assets/search.js matches in memory. Every page has a search box that
leads there.

Layout, chosen to stay small at 10,000 datasets (see benchmarks/search_index.py):
- column-oriented (one list per field), which gzip compresses far better than
  one object per dataset;
- agencies, topics, formats and frequencies are lists, datasets point at them
  by position;
- the description is searched through its distinct accent-folded words in
  the order they first occur (words already in the title or keywords left
  out), so syllables that stand together in it mostly stay together; it is
  shown through a short snippet; the browser folds titles and keywords itself;
- English: the title_en column, the description_en's words among the words,
  and its snippet (empty strings, nearly free, where a dataset has none);
- administrative units: the names of the units a dataset covers, of both
  generations (before and after 1 July 2025), among the words.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from generator.portal.model import Portfolio
from generator.text import fold
from generator.portal.vocabularies import FORMATS, FREQUENCIES
from generator.publish import urls
from generator.portal import units

SNIPPET = 160  # characters of the description shown under a result
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _pairs(texts: list[str], known: list[str] = ()) -> str:
    """Folded words of `texts` that keep every pair of neighbours once: a repeated pair, or one
    already in the `known` texts (title, keywords: searched on their own), is left out, and a ","
    marks the gap so no false neighbours are made. "a b c a b d" -> "a b c a , b d"."""
    out: list[str] = []
    seen: set[tuple[str, str]] = set()
    words: set[str] = set()
    for text in known:
        folded = _words(text)
        words.update(folded)
        seen.update(zip(folded, folded[1:]))
    for text in texts:
        previous = ""
        for w in _words(text):
            pair = (previous, w)
            if previous and pair not in seen:
                seen.add(pair)
                if out and out[-1] != previous:
                    out += [",", previous]
                out.append(w)
            elif not previous and w not in words:
                if out and out[-1] != ",":
                    out.append(",")
                out.append(w)
            words.add(w)
            previous = w
        if out and out[-1] != ",":
            out.append(",")
    while out and out[-1] == ",":
        out.pop()
    return " ".join(out)


def snippet(description: str) -> str:
    return split(description)[0]


def split(description: str) -> tuple[str, str]:
    """(the snippet shown under a result, the rest of the description). The browser searches the
    snippet itself, so the index's words start where it ends (with its last word, for the pair)."""
    text = " ".join(description.split())
    if len(text) <= SNIPPET:
        return text, ""
    cut = text.rfind(" ", 0, SNIPPET)
    cut = cut if cut > SNIPPET // 2 else SNIPPET
    last = text.rfind(" ", 0, cut)
    return text[:cut].rstrip(",.;: ") + "…", text[last + 1 if last >= 0 else 0:]


def build(p: Portfolio) -> dict[str, Any]:
    agencies = list(p.catalog.agencies.values())
    topics = list(p.catalog.topics.values())
    agency_at = {a.id: i for i, a in enumerate(agencies)}
    topic_at = {t.id: i for i, t in enumerate(topics)}
    format_ids = list(FORMATS)
    frequency_ids = list(FREQUENCIES)
    columns: dict[str, list[Any]] = {k: [] for k in
                                     ("id", "title", "title_en", "agency", "topic", "formats", "frequency",
                                      "modified", "keywords", "words", "snippet", "snippet_en")}
    # Newest first: the order results take when nothing is typed.
    for d in sorted(p.datasets, key=lambda d: (d.modified, d.id), reverse=True):
        shown, rest = split(d.description)
        shown_en, rest_en = split(d.description_en)
        # The names of its administrative units in both generations: "vinh phuc" finds the former province's data.
        places = [term for place in units.coverage(d, "") for term in place.terms]
        extra = _pairs([rest, rest_en, f"{d.catalogue} {d.id}", *places], [d.title, *d.keywords, shown, shown_en])
        columns["id"].append(d.id)
        columns["title"].append(d.title)
        columns["title_en"].append(d.title_en)
        columns["agency"].append(agency_at[d.agency])
        columns["topic"].append(topic_at[p.catalog.entries[d.catalogue].topic])
        columns["formats"].append(sum(1 << format_ids.index(f) for f in d.formats if f in format_ids))
        columns["frequency"].append(frequency_ids.index(d.frequency) if d.frequency in frequency_ids else -1)
        columns["modified"].append(d.modified[:10])
        columns["keywords"].append("|".join(d.keywords))
        columns["words"].append(extra)
        columns["snippet"].append(shown)
        columns["snippet_en"].append(shown_en)
    return {
        "v": 2,
        "count": len(p.datasets),
        "agencies": [[a.id, a.name, a.name_en] for a in agencies],
        "topics": [[t.id, t.name, t.name_en] for t in topics],
        "formats": [[f.id, f.label] for f in FORMATS.values()],
        "frequencies": [[f.id, f.vi, f.en] for f in FREQUENCIES.values()],
        "docs": columns,
    }


def dumps(index: dict[str, Any]) -> str:
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"))


def write(p: Portfolio, site: Path) -> None:
    # A script, not a .json fetched later: loaded with `defer`, it is in memory before the
    # page's load event, so results are on screen at once (and the search works from file://).
    target = site / urls.SEARCH_INDEX
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("window.odSearchIndex=" + dumps(build(p)) + ";\n", encoding="utf-8")
