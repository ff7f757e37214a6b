"""The YAML reader's bounds, checked on the composed node graph in one parse: what it refuses and what it reads."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.portal import yamlfile
from generator.portal.yamlfile import YamlRefused, parse_yaml
from generator.text import hidden


def test_the_forbidden_characters_are_exactly_the_hidden_ones_but_tab_and_newlines():
    for code in range(0x110000):
        ch = chr(code)
        assert (yamlfile.forbidden_character(ch) is not None) == (hidden(ch) and ch not in "\t\n\r"), hex(code)


@pytest.mark.parametrize("text, said", [
    ("a: &a [*a]\n", "values once its YAML aliases"),  # a list holding itself: no end to expand
    ("a: &a {b: *a}\n", "values once its YAML aliases"),
    ("deep: " + "[" * 40 + "]" * 40 + "\n", "nests deeper than 32"),
    ("deep: " + "[" * 1500 + "]" * 1500 + "\n", "nests deeper than 32"),  # past libyaml's own bound too
    ("- " * 40 + "x\n", "nests deeper than 32"),
    ("a: 1\nb: 2\na: 3\n", "key “a” appears twice"),
    ("title: \"x\\u202ey\"\n", "control character U+202E"),
])
def test_refused(text, said):
    with pytest.raises(YamlRefused) as caught:
        parse_yaml(text)
    assert said in caught.value.en


def test_laughs_are_counted_unexpanded_and_refused():
    lines = ["a: &a [" + ", ".join(["lol"] * 10) + "]"]
    for i in range(1, 7):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]")
    with pytest.raises(YamlRefused) as caught:
        parse_yaml("\n".join(lines) + "\n")
    assert caught.value.where.startswith("dòng ")


def test_plain_data_reads_as_before_nfc_and_all():
    text = ("title: \"Ha\u0300 N\u00f4\u0323i\"\nstart: 2024-09-01\nn: 0x1F\nshared: &s {a: [1, 2]}\n"
            "again: *s\nmerged:\n  <<: *s\n  b: x\n")
    data = parse_yaml(text)
    assert data == {"title": "Hà Nội", "start": dt.date(2024, 9, 1), "n": 31, "shared": {"a": [1, 2]},
                    "again": {"a": [1, 2]}, "merged": {"a": [1, 2], "b": "x"}}
    assert data["again"] is not data["shared"]  # every use of an alias is a value of its own
    assert parse_yaml("") is None and parse_yaml("# only a comment\n") is None


def test_two_spellings_of_one_key_are_refused_with_where():
    with pytest.raises(YamlRefused) as caught:
        parse_yaml("contact:\n  \"t\u00ean\": a\n  \"te\u0302n\": b\n")
    assert "accents written two ways" in caught.value.en and caught.value.where.startswith("contact.t")
