"""The build is declared: each step writes only the paths it declares, reads only what the steps it needs
wrote, and no two steps write one file; the swap leaves a whole site/ in place at every moment."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import generator.build.pipeline as pipeline
from generator.build import staging, steps
from generator.build.steps import DeclarationError, Step, WriteConflict
from conftest import ROOT, run_cli


def _declared() -> list[Step]:
    return pipeline.Plan(*([None] * len(dataclasses.fields(pipeline.Plan)))).steps()


def test_the_builds_declarations_hold():
    steps.check(_declared())


@pytest.mark.parametrize("bad, says", [
    ([Step("b", print, needs=("a",)), Step("a", print)], "not declared before"),
    ([Step("a", print, writes=("x/*.json",)), Step("b", print, needs=("a",), reads=("y/*.json",))], "none of the steps"),
    ([Step("a", print, writes=("x/*.json",)), Step("b", print, reads=("x/*.json",))], "none of the steps"),
    ([Step("a", print), Step("a", print)], "two steps"),
    ([Step("a", print, writes=("x",)), Step("b", print, writes=("y",)), Step("c", print, needs=("a",), reads=("**",))],
     "does not need b"),
])
def test_declarations_that_cannot_hold_are_refused(bad, says):
    with pytest.raises(DeclarationError, match=says):
        steps.check(bad)


def test_a_step_reading_through_another_needed_step_is_accepted():
    steps.check([Step("a", print, writes=("x/**",)), Step("b", print, needs=("a",)),
                 Step("c", print, needs=("b",), reads=("x/y/z.json",))])


def _writer(rel: str, text: str):
    def run(out: Path, _: dict) -> None:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text)
    return run


@pytest.mark.parametrize("serial", [True, False])
def test_two_steps_writing_one_path_fail_whichever_finishes_first(tmp_path, serial):
    declared = [Step("one", _writer("a/b.txt", "1"), writes=("a/*",), fork=True),
                Step("two", _writer("a/b.txt", "2"), writes=("a/*",), fork=True)]
    with pytest.raises(WriteConflict, match="a/b.txt"):
        steps.run(declared, tmp_path / "site", tmp_path / "work", serial=serial)


def test_steps_in_their_own_folders_merge_into_one_site(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    declared = [Step("one", _writer("a/one.txt", "1"), writes=("a/*",), fork=True),
                Step("two", _writer("a/two.txt", "2"), writes=("a/*",), fork=True),
                Step("three", lambda out, done: (site / "a" / "one.txt").read_text(), needs=("one",),
                     reads=("a/one.txt",))]
    done = steps.run(declared, site, tmp_path / "work", record=True)
    assert sorted(p.name for p in (site / "a").iterdir()) == ["one.txt", "two.txt"]
    assert done.results["three"] == "1"
    assert done.owners == {"a/one.txt": "one", "a/two.txt": "two"}


def test_a_second_writer_of_a_published_file_fails_the_build_and_the_site_stays(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENDATA_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "site"
    assert run_cli("build", "--out", str(out)).returncode == 0
    before = (out / "sitemap.xml").read_bytes()
    declared = pipeline.Plan.steps

    def with_a_second_sitemap(plan):
        return [*declared(plan), Step("another-sitemap", _writer("sitemap.xml", "<urlset/>"), writes=("sitemap.xml",))]

    monkeypatch.setattr(pipeline.Plan, "steps", with_a_second_sitemap)
    with pytest.raises(WriteConflict, match="sitemap.xml"):
        pipeline.build(ROOT, out)
    assert (out / "sitemap.xml").read_bytes() == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".site.")]  # no staging left behind


ATTRIBUTE = textwrap.dedent("""
    # The build run step by step in this process: which step wrote each file, and what each opened or listed
    # in the site (an audit hook sees every open and directory listing).
    import json, os, sys
    from pathlib import Path
    import generator.build.pipeline as pipeline
    from generator.build import steps
    from generator.build.steps import Step

    current, reads, owners, sites = [], [], {}, []

    def hook(event, args):
        if not current or not sites or event not in ("open", "os.scandir", "os.listdir"):
            return
        path = args[0]
        if not isinstance(path, (str, bytes, os.PathLike)):
            return
        try:
            rel = Path(os.fsdecode(path)).resolve().relative_to(sites[0])
        except ValueError:
            return
        reads.append((current[-1], rel.as_posix()))

    def traced(step):
        def run(out, done):
            current.append(step.name)
            try:
                return step.run(out, done)
            finally:
                current.pop()
        return Step(step.name, run, step.writes, step.needs, step.reads, step.fork)

    def serially(declared, site, work, done=None, previous=None):
        sites.append(site.resolve())
        ran = steps.run([traced(s) for s in declared], site, work, serial=True, record=True, previous=previous)
        owners.update(ran.owners)
        return ran.results

    sys.addaudithook(hook)
    pipeline.run_steps = serially
    os.cpu_count = lambda: 1  # the steps' own workers in this process too, where the hook sees them
    pipeline.build(Path(sys.argv[1]), Path(sys.argv[2]))
    current.clear()
    print(json.dumps({"owners": owners, "reads": reads}))
""")


def test_every_file_comes_from_one_declared_step_reading_only_what_it_needs(tmp_path):
    """The build run step by step (in a process of its own: the pages' chart renderer must not start in this
    one, whose later builds fork), the files each step wrote against its declared paths, and every file it
    opened or listed in the site against what the steps it needs wrote."""
    declared = {s.name: s for s in _declared()}
    out = tmp_path / "site"
    done = subprocess.run([sys.executable, "-c", ATTRIBUTE, str(ROOT), str(out)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "OPENDATA_CACHE": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.splitlines()[-1])
    owners, reads = found["owners"], found["reads"]
    published = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert sorted(owners) == published
    for rel, step in owners.items():
        assert steps.matches(rel, declared[step].writes), f"{step} wrote {rel}, which it does not declare"
        others = [name for name, s in declared.items() if name != step and steps.matches(rel, s.writes)]
        # Shapes two steps share, where the build's merge refuses a second writer: a redirect (page and JSON)
        # where no dataset is; an agency's file beside the dataset's descriptor.
        shared = {"pages": {"redirects"}, "standards": {"redirects"}, "zips": {"files"}}.get(step, set())
        assert set(others) <= shared, f"{rel} ({step}) is declared by {others} too"
    assert {step for step in owners.values()} >= {"pages", "files", "zips", "conversions", "standards", "dcat",
                                                  "manifest"}
    assert reads, "the hook saw no read of the site"
    for step, rel in reads:
        if rel == ".":
            rel = ""
        allowed = declared[step].reads
        assert rel == "" and allowed or steps.matches(rel, allowed), f"{step} read {rel!r}, which it does not declare"


POLLER = textwrap.dedent("""
    import os, sys, time
    site = sys.argv[1]
    marker = os.path.join(site, "manifest.json")
    polls = gaps = 0
    end = time.monotonic() + float(sys.argv[2])
    print("ready", flush=True)
    while time.monotonic() < end:
        polls += 1
        if not os.path.isfile(marker):
            gaps += 1
    print(polls, gaps, flush=True)
""")


def _site(folder: Path, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "manifest.json").write_text(text)
    return folder


def _swap_under_a_poller(tmp_path: Path, swaps: int) -> tuple[int, int]:
    out = _site(tmp_path / "site", "0")
    poller = subprocess.Popen([sys.executable, "-c", POLLER, str(out), "4"], stdout=subprocess.PIPE, text=True)
    assert poller.stdout.readline().strip() == "ready"
    for i in range(1, swaps + 1):
        staging.swap(_site(staging.staging_folder(out), str(i)), out)
    polls, gaps = map(int, poller.communicate(timeout=30)[0].split())
    assert (out / "manifest.json").read_text() == str(swaps)
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # every replaced site deleted
    return polls, gaps


@pytest.mark.skipif(staging._RENAMEAT2 is None, reason="renameat2 is Linux-only (glibc 2.28+)")
def test_a_reader_finds_a_whole_site_at_every_moment_of_the_swap(tmp_path):
    polls, gaps = _swap_under_a_poller(tmp_path, 300)
    assert polls > 1000 and gaps == 0


def test_without_renameat2_the_swap_still_replaces_the_site(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "_RENAMEAT2", None)
    _swap_under_a_poller(tmp_path, 20)


def test_a_first_build_has_no_site_to_swap_with(tmp_path):
    out = tmp_path / "new" / "site"
    staging.swap(_site(staging.staging_folder(out), "1"), out)
    assert (out / "manifest.json").read_text() == "1"


def _many_files(folder: Path, n: int = 200) -> Path:
    for i in range(n):
        (folder / f"d{i % 10}").mkdir(exist_ok=True)
        (folder / f"d{i % 10}" / f"{i}.html").write_text(str(i))
    return folder


def test_a_replaced_site_leaves_its_place_at_once_and_is_deleted_without_waiting(tmp_path):
    out = _many_files(_site(tmp_path / "site", "0"))
    for i in (1, 2):
        staging.swap(_many_files(_site(staging.staging_folder(out), str(i))), out, discard=staging.retire)
        # The replaced site is no longer beside the new one: nothing named like a site or staging folder.
        assert sorted(p.name for p in tmp_path.iterdir() if p.name != staging.TRASH) == ["site"]
        assert (out / "manifest.json").read_text() == str(i)
    for _ in range(600):  # the detached rm: bounded wait for it to finish, not a measure of its speed
        if not (tmp_path / staging.TRASH).exists():
            break
        time.sleep(0.05)
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_where_no_process_can_start_the_replaced_site_is_deleted_at_once(tmp_path, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise OSError("no sh here")

    monkeypatch.setattr(staging.os, "posix_spawnp", refuse)
    out = _site(tmp_path / "site", "0")
    staging.swap(_site(staging.staging_folder(out), "1"), out, discard=staging.retire)
    assert [p.name for p in tmp_path.iterdir()] == ["site"] and (out / "manifest.json").read_text() == "1"


def test_a_site_file_links_the_last_sites_same_bytes_and_never_writes_through(tmp_path):
    """staging.write_file: the last good site's file where it holds the same bytes (a link: the same inode),
    a new file where it does not; a file already at the path (it may be a link into the last site) is
    replaced, so the last site keeps what it said."""
    from generator.build import staging

    previous, out = tmp_path / "site", tmp_path / "step"
    (previous / "api").mkdir(parents=True)
    (previous / "api/same.json").write_bytes(b'{"a": 1}\n')
    (previous / "api/other.json").write_bytes(b'{"b": 1}\n')
    with staging.reusing(previous, out):
        staging.write_file(out / "api/same.json", b'{"a": 1}\n')
        staging.write_file(out / "api/other.json", b'{"b": 2}\n')
        assert (out / "api/same.json").stat().st_ino == (previous / "api/same.json").stat().st_ino
        assert (out / "api/other.json").read_bytes() == b'{"b": 2}\n'
        assert (previous / "api/other.json").read_bytes() == b'{"b": 1}\n'
        staging.write_file(out / "api/same.json", b'{"a": 2}\n')  # over the link
    assert (previous / "api/same.json").read_bytes() == b'{"a": 1}\n'
    assert (out / "api/same.json").read_bytes() == b'{"a": 2}\n'
    staging.write_file(out / "api/again.json", b'{"a": 1}\n')  # no last site named: a file of its own
    assert (out / "api/again.json").stat().st_nlink == 1
    source = tmp_path / "agency.csv"
    source.write_bytes(b"ma,ten\n01,A\n")
    (previous / "files").mkdir()
    (previous / "files/agency.csv").write_bytes(b"ma,ten\n01,A\n")
    with staging.reusing(previous, out):
        staging.copy_file(source, out / "files/agency.csv")
        assert (out / "files/agency.csv").stat().st_ino == (previous / "files/agency.csv").stat().st_ino
        source.write_bytes(b"ma,ten\n01,B\n")
        staging.copy_file(source, out / "files/agency.csv")  # over the link
    assert (previous / "files/agency.csv").read_bytes() == b"ma,ten\n01,A\n"
    assert (out / "files/agency.csv").read_bytes() == b"ma,ten\n01,B\n"
