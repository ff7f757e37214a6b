"""A rebuild from the build cache and the last site is byte for byte the fresh build of the same commit,
whatever changed; a damaged cache is never trusted; an unchanged dataset is not checked again."""

from __future__ import annotations

import filecmp
import os
import random
import re
from pathlib import Path

import generator.build.verdicts as verdicts
from generator.build import pipeline
from generator.build.cache import ENTRY, Cache
from generator.ops.withdraw import withdraw
from conftest import commit as _commit, copy_portal, git as _git

DATASETS = ["data/so-gddt/truong-thpt", "data/cuc-thong-ke/dan-so-theo-huyen", "data/so-tttt/bieu-mau-du-lieu-mo",
            "data/so-tnmt/quan-trac-khong-khi-2024", "data/ubnd-vinh-yen/lich-tiep-cong-dan-2025"]


def _tree(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


def _assert_identical(fresh: Path, incremental: Path, what: str) -> None:
    assert _tree(incremental) == _tree(fresh), what
    _, mismatch, errors = filecmp.cmpfiles(fresh, incremental, _tree(fresh), shallow=False)
    assert mismatch == [] and errors == [], f"{what}: {mismatch[:10]}"


def _folders(root: Path) -> list[Path]:
    return sorted(p.parent for p in (root / "data").glob("*/*/datapackage.yaml"))


# The edits an agency or a reviewer makes, each on a dataset the random generator picks.

def edit_file(root: Path, rng: random.Random) -> str:
    """One CSV's data rows in another order (still valid: same rows, new bytes)."""
    csv = rng.choice(sorted((root / "data").glob("*/*/*.csv")))
    header, *rows = csv.read_bytes().decode("utf-8-sig").splitlines(keepends=True)
    rows = [r if r.endswith("\n") else r + "\n" for r in rows]
    rng.shuffle(rows)
    csv.write_text(header + "".join(rows), encoding="utf-8")
    return f"rows of {csv.relative_to(root)} shuffled"


def edit_descriptor(root: Path, rng: random.Random) -> str:
    descriptor = rng.choice(_folders(root)) / "datapackage.yaml"
    text = descriptor.read_text(encoding="utf-8")
    descriptor.write_text(re.sub(r"^title: (.*)$", r"title: \1 (cập nhật)", text, count=1, flags=re.M), encoding="utf-8")
    return f"title of {descriptor.relative_to(root)}"


def rename(root: Path, rng: random.Random) -> str:
    folder = rng.choice(_folders(root))
    new = folder.with_name(folder.name + "-moi")
    _git(root, "mv", str(folder), str(new))
    descriptor = new / "datapackage.yaml"
    text = descriptor.read_text(encoding="utf-8")
    descriptor.write_text(re.sub(r"^name: .*$", f"name: {new.name}", text, count=1, flags=re.M), encoding="utf-8")
    return f"{folder.name} renamed {new.name}"


def withdrawal(root: Path, rng: random.Random) -> str:
    folder = rng.choice(_folders(root))
    assert "catalog/withdrawn.yaml" in withdraw(root, folder.name, "kiểm thử rút bộ dữ liệu", "2026-01-15")
    return f"{folder.name} withdrawn"


def catalogue(root: Path, rng: random.Random) -> str:
    agencies = root / "catalog" / "agencies.yaml"
    text = agencies.read_text(encoding="utf-8")
    names = re.findall(r"^  name_en: (.*)$", text, flags=re.M)
    chosen = rng.choice(names)
    agencies.write_text(text.replace(f"  name_en: {chosen}\n", f"  name_en: {chosen} of the Province\n", 1),
                        encoding="utf-8")
    return f"agency {chosen} renamed in catalog/agencies.yaml"


EDITS = [edit_file, edit_descriptor, rename, withdrawal, catalogue]


def test_random_edits_rebuild_byte_for_byte_as_a_fresh_build(tmp_path):
    seed = int(os.environ.get("OPENDATA_TEST_SEED") or random.SystemRandom().randrange(1 << 30))
    rng = random.Random(seed)
    root = copy_portal(tmp_path / "portal", DATASETS)
    _git(root, "init", "-q")
    _commit(root, "first")
    site, cache = tmp_path / "site", Cache(tmp_path / "cache")
    pipeline.build(root, site, cache=cache)
    edits = rng.sample(EDITS, len(EDITS))
    for round_, edit in enumerate(edits):
        what = edit(root, rng)
        _commit(root, what)
        pipeline.build(root, site, cache=cache)
        fresh = tmp_path / f"fresh-{round_}"
        pipeline.build(root, fresh, cache=Cache(None))
        _assert_identical(fresh, site, f"seed {seed}, after: {what}")


def test_an_unchanged_dataset_is_not_checked_again(tmp_path, monkeypatch):
    root = copy_portal(tmp_path / "portal", DATASETS)
    cache = Cache(tmp_path / "cache")
    pipeline.build(root, tmp_path / "site", cache=cache)
    checked: list[str] = []
    original = verdicts.check_dataset
    monkeypatch.setattr(verdicts, "check_dataset", lambda d, *a, **k: (checked.append(d.id), original(d, *a, **k)))
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # the gate in this process, where the patch is seen
    changed = edit_file(root, random.Random(1)).split()[2].split("/")[2]  # "rows of data/<agency>/<id>/<file>"
    pipeline.build(root, tmp_path / "site", cache=cache)
    assert checked == [changed]


def _damage(cache_folder: Path) -> set[str]:
    """Damage every entry, one way or another: a byte flipped, a file cut short or gone, the record broken."""
    ways = set()
    for i, entry in enumerate(sorted(cache_folder.glob("*/*/"))):
        files = [p for p in entry.rglob("*") if p.is_file() and p.name != ENTRY]
        how = ["flip", "truncate", "delete", "record"][i % 4] if files else "record"
        if how == "flip":
            data = bytearray(files[0].read_bytes())
            data[len(data) // 2] ^= 0xFF
            files[0].write_bytes(bytes(data))
        elif how == "truncate":
            files[0].write_bytes(files[0].read_bytes()[:-1])
        elif how == "delete":
            files[0].unlink()
        else:
            (entry / ENTRY).write_text("{not json")
        ways.add(how)
    return ways


def test_a_damaged_cache_is_never_trusted(tmp_path):
    root = copy_portal(tmp_path / "portal", DATASETS)
    cache = Cache(tmp_path / "cache")
    pipeline.build(root, tmp_path / "first", cache=cache)
    assert _damage(tmp_path / "cache") == {"flip", "truncate", "delete", "record"}
    pipeline.build(root, tmp_path / "from-damaged", cache=cache)  # no last site: everything from the cache
    pipeline.build(root, tmp_path / "fresh", cache=Cache(None))
    _assert_identical(tmp_path / "fresh", tmp_path / "from-damaged", "a damaged cache")
    pipeline.build(root, tmp_path / "repaired", cache=cache)
    _assert_identical(tmp_path / "fresh", tmp_path / "repaired", "the cache after a build replaced its damaged entries")
    assert not _damaged_entries(tmp_path / "cache")


def _damaged_entries(cache_folder: Path) -> list[Path]:
    cache = Cache(cache_folder)
    return [entry for entry in cache_folder.glob("*/*/") if cache.get(entry.name) is None]


def test_cache_entries_check_every_file(tmp_path):
    cache = Cache(tmp_path / "cache")
    source = tmp_path / "table.arrow"
    source.write_bytes(b"rows" * 1000)
    cache.put("ab" * 32, {"rows": 1000}, {"table.arrow": source})
    hit = cache.get("ab" * 32)
    assert hit is not None and hit.meta == {"rows": 1000} and hit.path("table.arrow").read_bytes() == source.read_bytes()
    hit.path("table.arrow").write_bytes(b"rows" * 999 + b"rowz")
    assert cache.get("ab" * 32) is None
    assert not (tmp_path / "cache" / "ab" / ("ab" * 32)).exists()  # deleted, so the next build stores a good one
    assert Cache(None).get("ab" * 32) is None


def test_ci_keeps_the_cache_where_the_build_looks_and_pull_requests_only_restore_it(monkeypatch):
    import yaml

    from generator.build.cache import folder_for
    from conftest import ROOT

    monkeypatch.delenv("OPENDATA_CACHE", raising=False)
    where = folder_for(ROOT).relative_to(ROOT).as_posix()

    def cache_steps(name):
        steps = yaml.safe_load((ROOT / ".github/workflows" / name).read_text("utf-8"))["jobs"]
        return [s for job in steps.values() for s in job["steps"] if str(s.get("uses", "")).startswith("actions/cache")]

    publish, = [s for s in cache_steps("publish.yml") if s["with"]["path"] == where]  # beside the link check record
    assert publish["uses"].split("@")[0] == "actions/cache"
    assert "hashFiles('generator/**', 'pyproject.toml')" in publish["with"]["key"]
    pull_request, = [s for s in cache_steps("validate.yml") if s["with"]["path"] == where]
    assert pull_request["uses"].split("@")[0] == "actions/cache/restore"
    # Restored before the gate, which reuses the verdicts on unchanged descriptors and graphs.
    steps = yaml.safe_load((ROOT / ".github/workflows/validate.yml").read_text("utf-8"))["jobs"]["validate"]["steps"]
    gate = next(i for i, s in enumerate(steps) if "opendata validate" in str(s.get("run", "")))
    assert steps.index(pull_request) < gate and "if" not in pull_request
    assert (ROOT / ".gitignore").read_text().count(f"/{where.split('/')[0]}/") == 1


def test_an_upgraded_checking_library_makes_every_key_new(monkeypatch):
    """A cached verdict of pySHACL 0.40 is not a verdict of the next release: the libraries are part of each key."""
    from generator.build import cache

    before = cache.key("gate", "same inputs")
    real = cache.libraries()
    monkeypatch.setattr(cache, "libraries", lambda: real.replace("pyshacl=", "pyshacl=9"))
    cache.generator_version.cache_clear()
    try:
        assert cache.key("gate", "same inputs") != before
    finally:
        monkeypatch.undo()
        cache.generator_version.cache_clear()
    assert cache.key("gate", "same inputs") == before


def test_a_published_file_altered_in_place_never_reaches_the_next_build(tmp_path):
    """Reused downloads are links to the build cache or the last site: one altered in place (an editor that
    writes into the file) alters what it links to, and the next build must notice and make it again."""
    root = copy_portal(tmp_path / "portal", DATASETS)
    cache = Cache(tmp_path / "cache")
    site = tmp_path / "site"
    pipeline.build(root, site, cache=cache)
    pipeline.build(root, site, cache=cache)  # the downloads now come from the cache
    # and the files a rebuild links from the last site where it would write the same bytes (JSON, feeds)
    altered = sorted(site.glob("datasets/*/*.zip")) + sorted(site.glob("datasets/*/converted/*")) \
        + sorted(site.glob("api/v1/datasets/*.json")) + sorted(site.glob("datasets/*/feed.xml"))
    assert altered and any(p.suffix == ".json" for p in altered)
    for path in altered:
        with open(path, "r+b") as fh:  # in place: the same inode
            fh.seek(0)
            fh.write(b"X")
    pipeline.build(root, site, cache=cache)
    pipeline.build(root, tmp_path / "fresh", cache=Cache(None))
    _assert_identical(tmp_path / "fresh", site, "a build after published files were altered in place")


def test_a_rebuild_links_what_it_would_write_again_and_writes_what_changed(tmp_path):
    """The files whose bytes a rebuild would write again are the last site's, linked (one directory entry
    each, not a new file); the changed dataset's are new files; and the last site is never written through."""
    root = copy_portal(tmp_path / "portal", DATASETS)
    _git(root, "init", "-q")
    _commit(root, "first")
    site, cache = tmp_path / "site", Cache(tmp_path / "cache")
    pipeline.build(root, site, cache=cache)
    files = {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}
    before = {k: (p.stat().st_ino, p.read_bytes()) for k, p in files.items()}
    csv = root / "data/so-gddt/truong-thpt/truong-thpt.csv"
    header, *rows = csv.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    csv.write_text(header + "".join(reversed(rows)), encoding="utf-8")
    _commit(root, "rows reversed")
    pipeline.build(root, site, cache=cache)
    after = {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}
    kept = [k for k in after if k in before and after[k].stat().st_ino == before[k][0]]
    changed = [k for k in after if k not in before or after[k].read_bytes() != before[k][1]]
    assert "api/v1/datasets/dan-so-theo-huyen.json" in kept and "datasets/dan-so-theo-huyen/feed.xml" in kept
    assert "api/v1/datasets/truong-thpt.json" in changed and not set(kept) & set(changed)
    unchanged_json = [k for k in after if k.startswith("api/v1/datasets/") and "truong-thpt" not in k]
    assert len(unchanged_json) >= 4 and set(unchanged_json) <= set(kept)
    pipeline.build(root, tmp_path / "fresh", cache=Cache(None))
    _assert_identical(tmp_path / "fresh", site, "a rebuild after one table changed")
