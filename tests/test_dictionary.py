"""The data dictionary speaks to people: types in words, patterns explained by an example that matches."""

from __future__ import annotations

import csv
import io
import re

import pytest

from generator.publish.discovery import dictionary


@pytest.mark.parametrize("pattern", ["^[0-9]{2}$", "^0[0-9]{9,10}$", "^KK[0-9]{2}$", "^(VP|PT)-[A-Z]{3}-\\d{3}$",
                                     "^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$", "^\\d{4}-\\d{2}$"])
def test_a_pattern_is_explained_by_an_example_that_matches_it(pattern):
    example = dictionary.pattern_example(pattern)
    assert example and re.fullmatch(pattern, example)


def test_an_intricate_pattern_says_so_instead_of_showing_the_expression():
    field = {"name": "x", "constraints": {"pattern": "^(?!00)[^\\s]{3,}(?<=x)$"}}
    for lang in ("vi", "en"):
        words = dictionary.constraints_words(field, lang)
        assert "(?!" not in words and "[^" not in words and words


@pytest.mark.parametrize("field, vi, en", [
    ({"type": "integer"}, "số nguyên", "whole number"),
    ({"type": "string"}, "văn bản", "text"),
    ({"type": "number"}, "số", "number"),
    ({"type": "date", "format": "%d/%m/%Y"}, "ngày, dạng 31/12/2024", "date, written 31/12/2024"),
    ({"type": "date"}, "ngày, dạng 2024-12-31", "date, written 2024-12-31"),
    ({"type": "string", "format": "email"}, "địa chỉ thư điện tử", "email address"),
    ({"type": "geopoint"}, "tọa độ (vĩ độ, kinh độ)", "coordinates (latitude, longitude)"),
])
def test_types_in_words(field, vi, en):
    assert dictionary.type_words(field, "vi") == vi and dictionary.type_words(field, "en") == en


def test_the_csv_dictionary_carries_the_type_in_words():
    rows = list(csv.reader(io.StringIO(dictionary.dictionary_csv([
        {"name": "ma", "type": "string", "constraints": {"required": True, "pattern": "^[0-9]{5}$"}}]))))
    assert rows[1][2] == "string" and rows[1][8] == "văn bản"
    assert rows[1][6] == "bắt buộc, theo mẫu, ví dụ “12345”"
