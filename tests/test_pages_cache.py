"""Pages from the build cache: a change re-renders (and MkDocs re-wraps) exactly the pages it changes, a
damaged cached page is never published, and whatever comes from the cache is the fresh build's bytes."""

from __future__ import annotations

import filecmp
import json
import re
from pathlib import Path

from generator.build import pipeline
from generator.build.cache import ENTRY, Cache
from generator.publish.site.pagecache import HTML, MARKDOWN
from conftest import commit as _commit, copy_portal, git as _git

DATASETS = ["data/so-gddt/truong-thpt", "data/cuc-thong-ke/dan-so-theo-huyen", "data/so-tttt/bieu-mau-du-lieu-mo",
            "data/so-tnmt/quan-trac-khong-khi-2024", "data/ubnd-vinh-yen/lich-tiep-cong-dan-2025"]
# The pages a cache entry can hold (the nav's pages are always rendered and wrapped again).
CACHED = re.compile(r"(datasets|agencies|topics)/[^/]+/index\.html|datasets/[^/]+/preview/[^/]+/index\.html"
                    r"|reports/\d+/([^/]+/)?index\.html")


def _portal(tmp_path: Path) -> Path:
    root = copy_portal(tmp_path / "portal", DATASETS)
    _git(root, "init", "-q")
    _commit(root, "first")
    return root


def _html(page: str) -> str:
    """The published file of a page's Markdown (MkDocs' directory URLs)."""
    if page.endswith("index.md"):
        return page[:-len(".md")] + ".html"
    return page[:-len(".md")] + "/index.html"


def _entries(cache: Path) -> dict[str, dict]:
    out = {}
    for record in cache.glob(f"*/*/{ENTRY}"):
        meta = json.loads(record.read_text("utf-8"))["meta"]
        if isinstance(meta, dict) and meta.get("of") in ("markdown", "html"):
            out[record.parent.name] = meta
    return out


def _made(before: dict[str, dict], after: dict[str, dict], of: str) -> set[str]:
    return {_html(m["page"]) for k, m in after.items() if k not in before and m["of"] == of}


def _changed(a: Path, b: Path) -> set[str]:
    """The cacheable pages whose published bytes differ between two sites."""
    pages = {p.relative_to(a).as_posix() for p in a.rglob("index.html")} | \
            {p.relative_to(b).as_posix() for p in b.rglob("index.html")}
    pages = {p for p in pages if CACHED.fullmatch(p)}
    return {p for p in pages if not ((a / p).is_file() and (b / p).is_file() and filecmp.cmp(a / p, b / p, shallow=False))}


def _rebuild(root: Path, tmp_path: Path, name: str, cache: Cache) -> tuple[set[str], set[str]]:
    """Build into tmp_path/name with the cache; the pages rendered and the pages MkDocs wrapped for it."""
    before = _entries(cache.folder)
    pipeline.build(root, tmp_path / name, cache=cache)
    after = _entries(cache.folder)
    return _made(before, after, "markdown"), _made(before, after, "html")


def _identical(a: Path, b: Path) -> bool:
    files = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    if files != sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()):
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, files, shallow=False)
    return not mismatch and not errors


def test_a_changed_table_renders_again_exactly_the_pages_it_changes(tmp_path):
    root = _portal(tmp_path)
    cache = Cache(tmp_path / "cache")
    rendered, wrapped = _rebuild(root, tmp_path, "first", cache)
    assert "datasets/truong-thpt/index.html" in rendered and rendered <= wrapped

    rendered, wrapped = _rebuild(root, tmp_path, "again", cache)
    assert rendered == set() and wrapped == set()  # nothing changed: every page from the cache
    assert _identical(tmp_path / "first", tmp_path / "again")

    csv = next((root / "data/so-gddt/truong-thpt").glob("*.csv"))
    lines = csv.read_text("utf-8").splitlines(keepends=True)
    lines[1], lines[2] = lines[2], lines[1]  # the first rows change places: the previews show it
    csv.write_text("".join(lines), encoding="utf-8")
    _commit(root, "rows reordered")
    rendered, wrapped = _rebuild(root, tmp_path, "second", cache)
    changed = _changed(tmp_path / "first", tmp_path / "second")
    assert "datasets/truong-thpt/index.html" in changed
    assert any(p.startswith("datasets/truong-thpt/preview/") for p in changed)
    assert not any(p.startswith("datasets/dan-so-theo-huyen/preview/") for p in changed)
    assert rendered == changed
    assert wrapped == changed
    pipeline.build(root, tmp_path / "fresh", cache=Cache(None))
    assert _identical(tmp_path / "fresh", tmp_path / "second")


def test_an_agency_renamed_renders_again_the_pages_that_name_it(tmp_path):
    root = _portal(tmp_path)
    cache = Cache(tmp_path / "cache")
    _rebuild(root, tmp_path, "first", cache)
    agencies = root / "catalog/agencies.yaml"
    text = agencies.read_text("utf-8")
    name = re.search(r"^- id: so-gddt\n(?:  .*\n)*?  name: (.*)$", text, flags=re.M).group(1)
    agencies.write_text(text.replace(f"  name: {name}\n", f"  name: {name} tỉnh\n", 1), encoding="utf-8")
    _commit(root, "agency renamed")
    rendered, wrapped = _rebuild(root, tmp_path, "second", cache)
    changed = _changed(tmp_path / "first", tmp_path / "second")
    assert {"agencies/so-gddt/index.html", "datasets/truong-thpt/index.html"} <= changed
    assert "agencies/so-tttt/index.html" not in changed
    assert rendered == changed
    assert wrapped == changed
    pipeline.build(root, tmp_path / "fresh", cache=Cache(None))
    assert _identical(tmp_path / "fresh", tmp_path / "second")


def test_a_theme_change_wraps_every_page_again_without_rendering_one(tmp_path):
    root = _portal(tmp_path)
    cache = Cache(tmp_path / "cache")
    _rebuild(root, tmp_path, "first", cache)
    frame = root / "theme/main.html"
    frame.write_text(frame.read_text("utf-8").replace('<main id="od-main"', '<main data-theme="2" id="od-main"'),
                     encoding="utf-8")
    _commit(root, "theme")
    rendered, wrapped = _rebuild(root, tmp_path, "second", cache)
    cached_pages = {p.relative_to(tmp_path / "second").as_posix() for p in (tmp_path / "second").rglob("index.html")}
    cached_pages = {p for p in cached_pages if CACHED.fullmatch(p)}
    assert rendered == set()
    assert wrapped == cached_pages == _changed(tmp_path / "first", tmp_path / "second")
    assert 'data-theme="2"' in (tmp_path / "second/datasets/truong-thpt/index.html").read_text("utf-8")
    pipeline.build(root, tmp_path / "fresh", cache=Cache(None))
    assert _identical(tmp_path / "fresh", tmp_path / "second")


def test_a_damaged_cached_page_is_not_published(tmp_path):
    root = _portal(tmp_path)
    cache = Cache(tmp_path / "cache")
    pipeline.build(root, tmp_path / "first", cache=cache)
    forged = 0
    for record in (tmp_path / "cache").glob(f"*/*/{ENTRY}"):
        meta = json.loads(record.read_text("utf-8"))["meta"]
        if not (isinstance(meta, dict) and meta.get("page") == "datasets/truong-thpt.md"):
            continue
        page = record.parent / (HTML if meta["of"] == "html" else MARKDOWN)
        text = page.read_text("utf-8")
        # An entry altered behind the cache's back: its record (and the hashes in it) left as they were.
        page.unlink()  # the published page is a link to the HTML entry: alter the entry, not the site
        page.write_text(text.replace("<h1>", "<h1>GIẢ MẠO ", 1), encoding="utf-8")
        forged += 1
    assert forged >= 2  # its Markdown, and its HTML under each of its keys
    pipeline.build(root, tmp_path / "second", cache=cache)
    published = (tmp_path / "second/datasets/truong-thpt/index.html").read_text("utf-8")
    assert "GIẢ MẠO" not in published and "<h1>" in published
    assert "GIẢ MẠO" not in (tmp_path / "first/datasets/truong-thpt/index.html").read_text("utf-8")
    pipeline.build(root, tmp_path / "fresh", cache=Cache(None))
    assert _identical(tmp_path / "fresh", tmp_path / "second")


def test_pages_wrapped_a_batch_at_a_time_are_the_whole_builds_bytes(tmp_path, monkeypatch):
    """MkDocs given a few pages at a time (what keeps a large portal's build within memory) publishes the
    bytes of one MkDocs run over every page, with and without the cache."""
    import mkdocs.commands.build

    from generator.build import parallel
    from generator.publish.site import mkdocs_site

    root = _portal(tmp_path)
    pipeline.build(root, tmp_path / "whole", cache=Cache(None))
    runs = []
    wrapped = mkdocs.commands.build.build
    monkeypatch.setattr(mkdocs.commands.build, "build", lambda config, **kw: runs.append(1) or wrapped(config, **kw))
    monkeypatch.setattr(parallel, "forking", lambda: False)  # the pages step in this process: its runs counted
    monkeypatch.setattr(mkdocs_site, "BATCH", 3)
    pipeline.build(root, tmp_path / "batched", cache=Cache(None))
    assert len(runs) > 3
    assert _identical(tmp_path / "whole", tmp_path / "batched")
    pipeline.build(root, tmp_path / "cached", cache=Cache(tmp_path / "cache"))
    assert _identical(tmp_path / "whole", tmp_path / "cached")
