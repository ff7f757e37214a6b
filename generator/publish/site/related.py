"""What a dataset page offers next: more from the same agency, and related datasets (shared keywords
and topic), as the best catalogues do. Indexed once per build (keyword -> datasets), so the cost
grows with the shared keywords, not with the square of the catalogue."""

from __future__ import annotations

from collections import Counter, defaultdict

from generator.portal.model import Dataset, Portfolio
from generator.text import fold

SHOWN = 5


class Related:
    def __init__(self, p: Portfolio):
        self.p = p
        self.newest = sorted(p.datasets, key=lambda d: (d.modified, d.id), reverse=True)
        self.rank = {d.id: i for i, d in enumerate(self.newest)}
        self.by_keyword: dict[str, list[Dataset]] = defaultdict(list)
        self.by_agency: dict[str, list[Dataset]] = defaultdict(list)
        self.by_topic: dict[str, list[Dataset]] = defaultdict(list)
        self.topic: dict[str, str] = {}  # dataset id -> topic id
        for d in self.newest:
            for k in _keywords(d):
                self.by_keyword[k].append(d)
            self.by_agency[d.agency].append(d)
            self.topic[d.id] = p.topic_of(d).id
            self.by_topic[self.topic[d.id]].append(d)

    def same_agency(self, d: Dataset) -> list[Dataset]:
        """The agency's other datasets, newest first."""
        return [x for x in self.by_agency[d.agency] if x.id != d.id][:SHOWN]

    def related(self, d: Dataset) -> list[Dataset]:
        """Other agencies' datasets sharing keywords (two points each) and the topic (one), best first;
        the topic's newest fill the list when few share a keyword."""
        topic = self.topic[d.id]
        score: Counter[str] = Counter()
        found: dict[str, Dataset] = {}
        for k in _keywords(d):
            for x in self.by_keyword[k]:
                if x.id != d.id and x.agency != d.agency:
                    score[x.id] += 2
                    found[x.id] = x
        for x in found.values():
            if self.topic[x.id] == topic:
                score[x.id] += 1
        best = sorted(found.values(), key=lambda x: (-score[x.id], self.rank[x.id]))[:SHOWN]
        chosen = {x.id for x in best}
        for x in self.by_topic[topic]:
            if len(best) >= SHOWN:
                break
            if x.id != d.id and x.agency != d.agency and x.id not in chosen:
                best.append(x)
                chosen.add(x.id)
        return best


def _keywords(d: Dataset) -> set[str]:
    return {" ".join(fold(k).split()) for k in d.keywords if k.strip()}
