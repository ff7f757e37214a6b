"""`opendata build`: catalog/ + data/ -> model -> checks (the validation gate) -> site/.

The outputs are declared steps (`Plan.steps`: what each needs, reads and
writes), run by build/steps.py into a staging folder beside the output; the
previous site is swapped out (build/staging.py) only when every step
succeeded, so a failed build leaves the last good site in place.
"""

from __future__ import annotations

import contextlib
import gc
import html
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.portal import yamlfile
from generator.portal.catalog import load_catalog
from generator.portal.datasets import load_datasets
from generator.problems import InputError, Problem, Problems
from generator.build import parallel, steps
from generator.build import verdicts
from generator.build.cache import Cache, Parts, folder_for as cache_folder, generator_version
from generator.build.staging import retire, staging_folder, swap
from generator.build.steps import Step
from generator.progress import QUIET, Progress
from generator.portal.gitinfo import iso, read_history
from generator.portal.model import Dataset, Portfolio
from generator.publish import harvest, urls
from generator.publish.downloads import conversions, datapackage_zip, records as downloads, files, manifest
from generator.publish.discovery import steps as discovery, documents, history, lookup
from generator.publish.site import forms, mkdocs_site, redirects
from generator.publish.site.pages import PageWriter
from generator.tables import reader as tables
from generator.tables.reader import TableReadError
from generator.gate.standards import check_standards
from generator.gate.lookup import check_codes
from generator.gate.run import Report, convert_for_publishing


GATE_CHUNK = 50  # datasets per worker task in the validation gate


@dataclass
class Preview:
    header: list[str]
    rows: list[list[str]]
    titles: dict[str, str] = field(default_factory=dict)


@dataclass
class BuildResult:
    portfolio: Portfolio
    site: Path
    warnings: list[Problem]


def load(root: Path, base_url: str | None = None, function_url: str | None = None,
         cache: Cache | None = None) -> tuple[Portfolio, Problems]:
    """Read and check the portal's input; raise InputError listing every error.

    `base_url` and `function_url` override catalog/portal.yaml (`opendata serve` points the site at
    itself and at the local function); `function_url=""` builds without the function. `cache`: the YAML
    files' parse results are kept there, by their bytes.
    """
    remembered = (yamlfile.remembered(Parts(cache, "yaml"), generator_version())
                  if cache is not None and cache.folder is not None else contextlib.nullcontext())
    with remembered:
        catalog = load_catalog(root)
        if base_url:
            catalog.portal.base_url = base_url if base_url.endswith("/") else base_url + "/"
        if function_url is not None:
            catalog.portal.function_url = function_url.rstrip("/")
        problems = Problems()
        datasets = load_datasets(root, catalog, problems)
    if problems.errors:
        raise InputError(problems.errors)
    git_history = read_history(root)
    for d in datasets:
        d.created = iso(git_history.first(d.rel_folder))
        d.modified = iso(git_history.last(d.rel_folder))
    return Portfolio(catalog, datasets, git_history.commit, iso(git_history.epoch), git_history.epoch), problems


def previews(portfolio: Portfolio, problems: Problems) -> dict[tuple[str, str], Preview]:
    out: dict[tuple[str, str], Preview] = {}
    for d in portfolio.datasets:
        for r in d.resources:
            if not r.tabular or r.source is None:
                continue
            try:
                header, rows = tables.of(r).head(10)
            except TableReadError as exc:
                problems.error(d.descriptor_file, f"không đọc được bảng “{r.path}”: {exc}.",
                               f"cannot read table “{r.path}”: {exc}.",
                               "mở tệp bằng Excel hoặc LibreOffice, lưu lại đúng định dạng rồi gửi lại.",
                               "open the file in Excel or LibreOffice, save it again in its format and resubmit.",
                               where=f"resources “{r.name}”")
                continue
            titles = {f.get("name"): f.get("title") for f in (r.schema or {}).get("fields", [])
                      if isinstance(f, dict) and f.get("title")}
            out[(d.id, r.name)] = Preview(header, rows, titles)
    return out


def gate(portfolio: Portfolio, problems: Problems, workdir: Path, cache: Cache | None = None,
         root: Path | None = None, progress: Progress = QUIET) -> None:
    """The validation gate, as `opendata validate` runs it (API checks need a network: reported as skipped),
    each dataset's verdict from `cache` when nothing it depends on changed.

    A CSV in a legacy Vietnamese encoding is published as UTF-8 NFC: its
    resource is pointed at the converted copy in `workdir`.
    """
    readings = workdir / "tables"
    cache = cache or Cache(None)

    def check(chunk: list[Dataset]) -> tuple[list[Problem], dict]:
        found, report = Problems(), Report()
        for d in chunk:
            verdicts.check(d, portfolio.catalog, root, cache, found, report, readings)
        check_standards(portfolio.catalog, chunk, found, shapes=False, cache=cache)
        return found.items, report.conversions

    conversions_needed: dict = {}
    def done(n: int) -> None:
        progress.update("kiểm tra/gate", n, len(portfolio.datasets))

    for found, converted in parallel.map_chunks(check, portfolio.datasets, GATE_CHUNK, done):
        problems.items.extend(found)
        conversions_needed.update(converted)
    check_codes(portfolio.datasets, problems)  # look-up codes are unique across datasets
    for (dataset_id, name), encoding in conversions_needed.items():
        d = next(x for x in portfolio.datasets if x.id == dataset_id)
        r = next(x for x in d.resources if x.name == name)
        converted = workdir / dataset_id / r.path
        converted.parent.mkdir(parents=True, exist_ok=True)
        converted.write_bytes(convert_for_publishing(r, encoding))
        r.source = converted
    # Every output is made from the gate's reading of a table: none reads the file again.
    for d in portfolio.datasets:
        for r in d.resources:
            saved = tables.saved(readings, d.id, r.name)
            if r.tabular and saved.is_file():
                r.reading, r.layout = saved, tables.load_layout(saved)


def quality_scores(root: Path, portfolio: Portfolio, warnings: list[Problem]) -> dict:
    """Every dataset's quality scores as of the commit, from the last recorded link check (no network)."""
    import datetime as dt

    from generator import quality
    from generator.ops.linkcheck import last_check

    inputs = quality.Inputs(portfolio, dt.date.fromisoformat(portfolio.commit_time[:10]), last_check(root),
                            quality.warnings_per_dataset(portfolio, warnings))
    return quality.assess(inputs)


# What each step writes (site paths). A path outside these, or written by two steps, fails the tests and
# (for two steps) the build.
PAGES = ("index.html", "404.html", "*/index.html", "agencies/*/index.html", "topics/*/index.html",
         "datasets/*/index.html", "datasets/*/preview/*/index.html",
         # the yearly reports, each page with its figures as JSON
         "reports/*/index.html", "reports/*/*/index.html", "reports/*/*.json",
         # MkDocs' theme (mkdocs-material) and the portal's overrides in theme/assets/
         "assets/javascripts/**", "assets/stylesheets/**", "assets/images/*",
         "assets/favicon.svg", "assets/portal.css", "assets/portal.js", "assets/search.js", "assets/table.js",
         "assets/units.js")
FILES = ("datasets/*/files/*", "datasets/*/dictionary/*", "datasets/*/preview/*/*.json",
         "feed.xml", "datasets/*/feed.xml", "agencies/*/feed.xml", urls.SITEMAP, urls.SITEMAP + ".gz",
         "search/index.js", "assets/messages.js", "assets/register.js", "assets/feedback.js", "assets/odp-forms.css",
         urls.ROBOTS, "api/v1/lookup/*.json", urls.UNITS_DATA)
STANDARDS = ("data.json", "api/3/action/*", "api/3/action/*/*.json", "api/v1/catalog.json",
             "api/v1/datasets/*.json")

# The portal's own folders: a site is never built into (or over) one of them.
PORTAL_FOLDERS = ("catalog", "data", "docs", "theme", "generator", "function", "tests", "scripts", "benchmarks",
                  "local", ".git", ".github", ".ci")


def check_output(root: Path, out: Path) -> None:
    """Refuse an output folder the build would wipe wrongly: the portal or one of its own folders, or an
    existing folder that is not a site built before (the swap replaces the whole folder)."""
    why: tuple[str, str] | None = None
    inside = out.is_relative_to(root) and out != root
    top = out.relative_to(root).parts[0] if inside else ""
    if root.is_relative_to(out):
        why = ("là thư mục cổng hoặc chứa thư mục cổng", "is the portal's folder or contains it")
    elif top in PORTAL_FOLDERS:
        why = (f"nằm trong thư mục “{top}/” của cổng", f"is inside the portal's own “{top}/” folder")
    elif any(manifest.is_site(parent) for parent in out.parents):
        why = ("nằm trong một trang đã dựng", "is inside a site built before")
    elif out.exists() and not out.is_dir():
        why = ("là một tệp, không phải thư mục", "is a file, not a folder")
    elif out.is_dir() and any(out.iterdir()) and not manifest.is_site(out):
        why = ("đã có nội dung nhưng không phải trang do “opendata build” dựng (thiếu manifest.json)",
               "already has content but is not a site “opendata build” made (no manifest.json)")
    if why:
        raise InputError([Problem(str(out), f"thư mục đầu ra {why[0]}; bản dựng sẽ xóa nội dung của nó.",
                                  f"the output folder {why[1]}; the build would delete what it holds.",
                                  "chọn --out là thư mục mới hoặc trang đã dựng trước đó, ví dụ --out site.",
                                  "choose for --out a new folder or a site built before, e.g. --out site.",
                                  where="--out", code="output-folder")])


def build(root: Path, out: Path, base_url: str | None = None, function_url: str | None = None,
          cache: Cache | None = None, progress: Progress = QUIET) -> BuildResult:
    """Build the site into `out`. `cache`: per-dataset results to reuse (default: cache.folder_for(root));
    `progress`: where steps and datasets done are shown (a terminal)."""
    root = root.resolve()
    out = out.resolve()
    check_output(root, out)
    cache = cache or Cache(cache_folder(root))
    portfolio, problems = load(root, base_url, function_url, cache)
    previous_gc = gc.get_threshold()
    parallel.calm_gc()  # the model lives as long as the build: no collection needs to walk it
    # The gate's readings and converted copies: a folder per dataset, deleted without waiting (retire), as
    # removing them one by one costs a millisecond each on a slow disk.
    workdir = tempfile.mkdtemp(prefix="opendata-build-")
    try:
        gate(portfolio, problems, Path(workdir), cache, root, progress)
        if problems.errors:
            raise InputError(problems.errors)
        files.measure(portfolio)
        # The history in a child beside the scores and previews: it parses every version of every table,
        # and what that leaves in a process's heap stays out of this one (which every step forks from).
        reading = parallel.Background(lambda: history.read(root, portfolio))
        try:
            portfolio.quality = quality_scores(root, portfolio, problems.warnings)
            table_previews = previews(portfolio, problems)
            if problems.errors:
                raise InputError(problems.errors)
            document_previews = documents.previews(portfolio, problems)
        except BaseException:
            reading.cancel()
            raise
        data_history = reading.result()
        warnings = problems.warnings
        _publish(root, out, portfolio, table_previews, warnings, document_previews, data_history, cache,
                 progress)
    finally:
        retire(Path(workdir))
        gc.unfreeze()
        gc.set_threshold(*previous_gc)
    return BuildResult(portfolio, out, warnings)


def _publish(root: Path, out: Path, portfolio: Portfolio, table_previews: dict, warnings: list[Problem],
             document_previews: dict | None = None, data_history: history.DataHistory | None = None,
             cache: Cache | None = None, progress: Progress = QUIET) -> None:
    """Run the declared steps into a staging folder, then swap it in (a failed step publishes nothing)."""
    staging = staging_folder(out)
    work = staging_folder(out, "work")
    try:
        plan = Plan(root, portfolio, table_previews, warnings, document_previews or {}, data_history,
                    site=staging, previous=out if out.is_dir() else None, docs=work / "docs",
                    cache=cache or Cache(None))
        declared = plan.steps()
        finished: list[str] = []

        def step_done(name: str) -> None:
            finished.append(name)
            progress.update("bước/steps", len(finished), len(declared))

        results = run_steps(declared, staging, work / "steps", step_done, plan.previous)
        for name in ("dcat", "standards"):
            warnings.extend((results or {}).get(name) or [])
        os.chmod(staging, 0o755)
        swap(staging, out, discard=retire)
    except BaseException:
        retire(staging)
        raise
    finally:
        retire(work)  # the Markdown pages MkDocs wrapped, and what steps left


def run_steps(declared: list[Step], site: Path, work: Path, done: Callable[[str], None] | None = None,
              previous: Path | None = None) -> dict[str, Any]:
    """Each step's result by name."""
    return steps.run(declared, site, work, progress=done, previous=previous).results


@dataclass
class Plan:
    """The build's steps over one loaded portal: what each needs, reads and writes (site paths)."""

    root: Path
    portfolio: Portfolio
    table_previews: dict
    warnings: list[Problem]
    document_previews: dict
    data_history: history.DataHistory | None
    site: Path  # the staging site: what the steps done so far wrote
    previous: Path | None  # the last good site: conversions and shape checks of unchanged datasets are kept
    docs: Path  # the Markdown pages MkDocs wraps
    cache: Cache  # per-dataset results of earlier builds (zips, conversions, shape verdicts)

    def steps(self) -> list[Step]:
        return [
            Step("pages", self.pages, fork=True, writes=PAGES),
            Step("files", self.files, fork=True, writes=FILES),
            Step("zips", self.zips, fork=True, writes=("datasets/*/*.zip", "datasets/*/files/datapackage.json")),
            # Forked too: what converting or reusing every table leaves in a heap stays out of this process,
            # which the later steps and their workers fork from; the results come back whole.
            Step("conversions", self.conversions, fork=True,
                 writes=("datasets/*/converted/*", "datasets/*/conversions.json")),
            Step("standards", self.standards, needs=("conversions", "zips"), fork=True, writes=STANDARDS),
            Step("dcat", self.dcat, needs=("conversions", "zips"), fork=True,
                 writes=("dcat/catalog.*", "dcat/catalog/*", "dcat/datasets/*")),
            Step("redirects", self.redirects, needs=("pages",), reads=("datasets/*/index.html",),
                 writes=("datasets/*/index.html", "api/v1/datasets/*.json")),
            Step("lookup", self.lookup, needs=("pages", "files"),
                 reads=(lookup.SEARCH_SCRIPT, urls.SEARCH_INDEX, "api/v1/lookup/*.json"), writes=(lookup.CATALOGUE,)),
            Step("manifest", self.manifest, needs=("pages", "files", "zips", "conversions", "standards", "dcat",
                                                   "redirects", "lookup"), reads=("**",), writes=(urls.MANIFEST,)),
        ]

    def pages(self, out: Path, _: dict) -> None:
        """The generator's pages, wrapped by MkDocs in the theme; from the build cache, each page's Markdown
        and its wrapped HTML, where what they are made from is unchanged. The portal's sitemap is the files
        step's: MkDocs' own (every page stamped with the build date) is dropped."""
        from generator.ops.yearly import site as yearly

        p = self.portfolio
        portal = p.catalog.portal
        operator = p.catalog.agencies[portal.operator].name
        frame = mkdocs_site.configure(self.root / "mkdocs.yml", self.docs, out, html.escape(portal.name),
                                      portal.base_url, html.escape(f"© {p.commit_time[:4]} {operator} · {portal.name}"),
                                      p.commit_epoch, function_url=portal.function_url, site_name_en=portal.name_en)
        writer = PageWriter(p, self.docs, self.table_previews, data_history=self.data_history,
                            documents=self.document_previews, cache=self.cache,
                            frame=frame.digest if self.cache.folder else None)
        writer.write_all()
        writer.reports(yearly.reports(self.root, p, self.cache))
        mkdocs_site.build(frame, sources=writer.sources, cache=self.cache)
        for name in (urls.SITEMAP, urls.SITEMAP + ".gz"):
            (out / name).unlink(missing_ok=True)

    def files(self, out: Path, _: dict) -> None:
        """The agencies' files, then the search index, table chunks, dictionaries, feeds and sitemap."""
        files.copy(self.portfolio, out)
        if self.portfolio.catalog.portal.function_url:
            forms.copy_assets(out)  # the function's form scripts and styles, from function/static/
        discovery.write(self.portfolio, out, self.data_history, self.cache)

    def zips(self, out: Path, _: dict) -> downloads.Downloads:
        """Each dataset's zipped Data Package and its datapackage.json."""
        return datapackage_zip.write(self.portfolio, out, self.cache)

    def conversions(self, out: Path, _: dict) -> list:
        return conversions.write(self.portfolio, out, previous=self.previous, cache=self.cache)

    def _job(self, out: Path, done: dict) -> harvest.Job:
        p, made, zips = self.portfolio, done["conversions"], done["zips"]
        per_dataset: dict[str, list] = {}
        for c in made:
            per_dataset.setdefault(c.dataset, []).append(c)
        return harvest.Job(p, out, downloads.merge(conversions.downloads(made), zips), self.previous,
                           {d.id: downloads.dataset_json_fields(p, d.id, per_dataset.get(d.id, []), zips)
                            for d in p.datasets},
                           conversions.periods(made), self.cache)

    def standards(self, out: Path, done: dict) -> list[Problem]:
        """The standards that do not spread over the cores themselves (data.json checked against POD 1.1,
        the CKAN-style API, the dataset JSON): an error fails the build; the warnings are returned."""
        return self._harvest([s for s in harvest.standards() if not s.OWN_CORES], self._job(out, done))

    def dcat(self, out: Path, done: dict) -> list[Problem]:
        """DCAT-AP, checked with the official shapes over the cores: a violation of the mandatory shapes fails
        the build; the recommended ones' warnings are returned."""
        return self._harvest([s for s in harvest.standards() if s.OWN_CORES], self._job(out, done))

    @staticmethod
    def _harvest(standards: list, job: harvest.Job) -> list[Problem]:
        errors: list[Problem] = []
        warnings: list[Problem] = []
        for standard in standards:
            e, w = standard.publish(job)
            errors += e
            warnings += w
        if errors:
            raise InputError(errors)
        return warnings

    def lookup(self, out: Path, _: dict) -> None:
        """api/v1/lookup.json: pins the look-up indexes, the search index and the search script by sha256."""
        lookup.write_catalogue(self.portfolio, self.site, into=out)

    def redirects(self, out: Path, _: dict) -> None:
        """A page at each dataset's old id, where no published page is (the pages step's)."""
        redirects.write(self.portfolio, out, redirects.old_ids(self.root), pages=self.site)

    def manifest(self, out: Path, done: dict) -> None:
        """manifest.json; the files whose hashes the steps made as they wrote them are not read again."""
        p = self.portfolio
        known = {urls.resource_file(d, r): (r.sha256, r.size) for d in p.datasets for r in d.resources
                 if r.source is not None and r.sha256 and r.size is not None}
        for item in downloads.merge(conversions.downloads(done["conversions"]), done["zips"]).values():
            known.update({x.path: (x.sha256, x.size) for x in item})
        manifest.write(p, self.site, into=out, known=known)
