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


KEPT = [
    "title: Dân số\nkeywords: [Hà Nội, \"01\", 007]\nsize: 12345678901234567890123\nratio: .nan\nneg: -.inf\n",
    "created: 2024-07-01\nat: 2024-07-01T08:30:00+07:00\nnaive: 2024-07-01 08:30:00\nzero: -0.0\n",
    "3: int key\n2.5: float key\nfalse: bool key\n~: null key\n2024-01-01: date key\n",
    "blob: !!binary aGVsbG8=\nset: !!set {a: null, b: null}\npairs: !!pairs [a: 1, a: 2]\nomap: !!omap [x: 1]\n",
    "base: &b {x: 1}\nuse: {<<: *b, y: 2}\nlist: &l [1, 2]\nagain: *l\n",
    "",
    "- just\n- a list\n",
]


@pytest.mark.parametrize("text", KEPT)
def test_a_kept_parse_gives_back_exactly_what_parsing_gives(text, tmp_path, monkeypatch):
    """A warm build reads each descriptor's parse from the build cache: the same values of the same types
    (dates, sets, bytes, keys that are not text, numbers past 64 bits), and a file that changed is parsed."""
    from generator.build.cache import Cache, Parts
    from generator.problems import Problems

    path = tmp_path / "datapackage.yaml"
    path.write_text(text, encoding="utf-8")
    cache = Cache(tmp_path / "cache")
    expected = repr(parse_yaml(text))  # repr tells a date from a datetime, 1 from 1.0, a set from a list
    with yamlfile.remembered(Parts(cache, "yaml"), "v1"):
        assert repr(yamlfile.load_yaml(path, "datapackage.yaml", Problems())) == expected
    real = yamlfile.parse_yaml
    with monkeypatch.context() as m:
        m.setattr(yamlfile, "parse_yaml", lambda t: pytest.fail("parsed again"))
        with yamlfile.remembered(Parts(cache, "yaml"), "v1"):
            assert repr(yamlfile.load_yaml(path, "datapackage.yaml", Problems())) == expected
    path.write_text(text + "\nadded: 1\n" if text.strip() and not text.startswith("-") else "added: 1\n", "utf-8")
    with yamlfile.remembered(Parts(cache, "yaml"), "v1"):
        assert yamlfile.load_yaml(path, "datapackage.yaml", Problems()) == real(path.read_text("utf-8"))


def test_a_kept_parse_of_another_generator_version_is_not_used(tmp_path, monkeypatch):
    from generator.build.cache import Cache, Parts
    from generator.problems import Problems

    path = tmp_path / "datapackage.yaml"
    path.write_text("title: x\n", encoding="utf-8")
    cache = Cache(tmp_path / "cache")
    with yamlfile.remembered(Parts(cache, "yaml"), "v1"):
        yamlfile.load_yaml(path, "datapackage.yaml", Problems())
    calls = []
    real = yamlfile.parse_yaml
    monkeypatch.setattr(yamlfile, "parse_yaml", lambda t: calls.append(t) or real(t))
    with yamlfile.remembered(Parts(cache, "yaml"), "v2"):
        assert yamlfile.load_yaml(path, "datapackage.yaml", Problems()) == {"title": "x"}
    assert calls == ["title: x\n"]


def test_the_gate_reads_the_builds_parses_and_keeps_them_as_they_are(tmp_path, monkeypatch):
    """`opendata validate` after a build parses no file the build parsed, finds what it finds without the
    cache, and leaves the build's kept parses as they were (it keeps none of its own: saving its few would
    drop the build's thousand)."""
    from conftest import copy_portal

    from generator.build import pipeline
    from generator.build.cache import Cache
    from generator.gate import report
    from generator.gate.run import validate

    root = copy_portal(tmp_path / "portal", ["data/so-y-te/co-so-kham-chua-benh", "data/so-gddt/truong-thpt"])
    broken = root / "data/so-gddt/truong-thpt/datapackage.yaml"
    broken.write_text(broken.read_text("utf-8") + "\nhomepage: 5\n", "utf-8")  # a finding from what it says
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("OPENDATA_CACHE", str(cache_dir))
    without = report.to_json(validate(root, offline=True))
    pipeline.load(root, cache=Cache(cache_dir))
    kept = (cache_dir / "parts/yaml.txt").read_bytes()
    calls = []
    real = yamlfile.parse_yaml
    monkeypatch.setattr(yamlfile, "parse_yaml", lambda t: calls.append(t) or real(t))
    changed = root / "data/so-y-te/co-so-kham-chua-benh/datapackage.yaml"
    changed.write_text(changed.read_text("utf-8") + "\n# một dòng ghi chú\n", "utf-8")
    with_cache = report.to_json(validate(root, offline=True))
    assert calls == [changed.read_text("utf-8")]  # the one file the build did not parse
    assert (cache_dir / "parts/yaml.txt").read_bytes() == kept

    def findings(text: str) -> list:
        import json
        return [t["errors"] for t in json.loads(text)["tasks"]] + [json.loads(text).get("problems")]

    assert findings(with_cache) == findings(without) and "homepage" in with_cache
