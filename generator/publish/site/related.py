"""What a dataset page offers next: more from the same agency, and related datasets (shared keywords
and topic), as the best catalogues do. Indexed once per build (keyword -> datasets, as arrays of
newest-first ranks), so a page costs a few array operations over the datasets sharing its keywords: a
common keyword is shared by a fixed share of the catalogue, and a loop per candidate in Python made
10,000 datasets cost minutes."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from generator.portal.model import Dataset, Portfolio
from generator.text import fold

SHOWN = 5


class Related:
    def __init__(self, p: Portfolio):
        self.newest = sorted(p.datasets, key=lambda d: (d.modified, d.id), reverse=True)
        self.rank = {d.id: i for i, d in enumerate(self.newest)}
        by_keyword: dict[str, list[int]] = defaultdict(list)
        self.by_agency: dict[str, list[Dataset]] = defaultdict(list)
        self.by_topic: dict[str, list[Dataset]] = defaultdict(list)
        self.topic: dict[str, str] = {}  # dataset id -> topic id
        agencies: dict[str, int] = {}
        topics: dict[str, int] = {}
        agency_of, topic_of = [], []  # by rank, as small integers
        for i, d in enumerate(self.newest):
            for k in _keywords(d):
                by_keyword[k].append(i)
            self.by_agency[d.agency].append(d)
            self.topic[d.id] = p.topic_of(d).id
            self.by_topic[self.topic[d.id]].append(d)
            agency_of.append(agencies.setdefault(d.agency, len(agencies)))
            topic_of.append(topics.setdefault(self.topic[d.id], len(topics)))
        self.by_keyword = {k: np.array(v, dtype=np.int64) for k, v in by_keyword.items()}
        self.agency_of = np.array(agency_of, dtype=np.int64)
        self.topic_of = np.array(topic_of, dtype=np.int64)

    def same_agency(self, d: Dataset) -> list[Dataset]:
        """The agency's other datasets, newest first."""
        return [x for x in self.by_agency[d.agency][:SHOWN + 1] if x.id != d.id][:SHOWN]

    def related(self, d: Dataset) -> list[Dataset]:
        """Other agencies' datasets sharing keywords (two points each) and the topic (one), best first
        (newest first among equals); the topic's newest fill the list when few share a keyword."""
        me = self.rank[d.id]
        shared = [self.by_keyword[k] for k in _keywords(d)]
        best: list[Dataset] = []
        if shared:
            ranks, counts = np.unique(np.concatenate(shared), return_counts=True)
            other = self.agency_of[ranks] != self.agency_of[me]  # also drops the dataset itself
            ranks, counts = ranks[other], counts[other]
            score = 2 * counts + (self.topic_of[ranks] == self.topic_of[me])
            best = [self.newest[i] for i in ranks[np.lexsort((ranks, -score))[:SHOWN]]]
        chosen = {x.id for x in best}
        topic = self.topic[d.id]
        for x in self.by_topic[topic]:
            if len(best) >= SHOWN:
                break
            if x.id != d.id and x.agency != d.agency and x.id not in chosen:
                best.append(x)
                chosen.add(x.id)
        return best


def _keywords(d: Dataset) -> set[str]:
    return {" ".join(fold(k).split()) for k in d.keywords if k.strip()}
