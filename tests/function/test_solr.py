"""The Solr subset package_search reads: any text is a query or a QueryError naming the problem, quickly."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opendata_function import solr

PKG = {"id": "5b1c1a3e-0000-5000-8000-000000000001", "name": "co-so-y-te", "title": "Cơ sở y tế công lập",
       "notes": "Danh sách bệnh viện và trạm y tế.", "license_id": "cc-by", "num_resources": 3, "num_tags": 2,
       "metadata_modified": "2025-03-04T01:00:00", "metadata_created": "2025-01-02T01:00:00",
       "organization": {"name": "so-y-te", "title": "Sở Y tế"}, "groups": [{"name": "y-te", "title": "Y tế"}],
       "tags": [{"name": "y tế"}, {"name": "bệnh viện"}], "resources": [{"format": "CSV", "name": "Cơ sở"}]}
DOC = solr.doc(PKG)


@pytest.mark.parametrize("query, hit", [
    ('tags:"y tế"', True), ("tags:y", False), ('tags:"bệnh viện" AND organization:so-y-te', True),
    ("organization:a OR organization:so-y-te", True), ("-organization:so-y-te", False),
    ("NOT (organization:a OR license_id:cc-by)", False), ("organization:(a OR so-y-te) -tags:x", True),
    ("metadata_modified:[2025-03-01T00:00:00Z TO *]", True), ("metadata_modified:[2099-01-01T00:00:00Z TO *]", False),
    ("metadata_created:{* TO 2025-01-02T01:00:00Z}", False), ("metadata_created:[* TO 2025-01-02T01:00:00Z]", True),
    ("num_resources:[3 TO 3]", True), ("num_resources:{3 TO *]", False), ("res_format:csv", True),
    ("name:co-so-y-te", True), ("name:co-so*", True), ("name:co-so", False), ("organization:*", True),
    ("y te", True), ("benh vien", True), ('"tram y te"', True), ('"y te benh"', False), ("ha noi", False),
    ("nguy", False), ("title:cong lap", True), ("*:*", True), ("", True),
])
def test_what_matches(query, hit):
    assert solr.matches(solr.parse(query), DOC) is hit


def test_whole_words_rank_above_mentions():
    other = solr.doc({**PKG, "name": "khac", "title": "Danh mục khác", "notes": "Có nhắc y tế một lần.", "tags": []})
    q = solr.parse("y te")
    assert solr.score(q, DOC) > solr.score(q, other) > 0


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(list('()[]{}"\\:*-+!&| ') + ["organization:", "tags:", "a", "é", " TO ", "AND",
                                                                 "OR", "NOT", "2025-01-01", "NOW-1DAY"]),
                max_size=60).map("".join) | st.text(max_size=200))
def test_any_text_is_a_query_or_a_named_error(text):
    start = time.perf_counter()
    try:
        node = solr.parse(text)
    except solr.QueryError as exc:
        assert exc.vi and exc.en
    else:
        solr.matches(node, DOC)
        solr.score(node, DOC)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("text", ["metadata_modified:[NOW-999999YEARS TO *]", "[a TO " + " " * 3990, "NOT " * 999 + "a", "(" * 3000, "-" * 3999 + "a",
                                  "x" * 5000])
def test_hostile_queries_are_refused_quickly(text):
    start = time.perf_counter()
    with pytest.raises(solr.QueryError):
        solr.parse(text)
    assert time.perf_counter() - start < 0.5
