"""`opendata build`: catalog/ + data/ -> model -> checks (the validation gate) -> site/.

Everything is written to a staging folder beside the output; the previous
site is replaced only when the whole build succeeded, so a failed build
leaves the last good site in place.
"""

from __future__ import annotations

import gc
import html
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.portal.catalog import load_catalog
from generator.portal.datasets import load_datasets
from generator.problems import InputError, Problem, Problems
from generator.build import parallel
from generator.portal.gitinfo import iso, read_history
from generator.portal.model import Dataset, Portfolio
from generator.publish.downloads import conversions, datapackage_zip, records as downloads, files, manifest
from generator.publish.discovery import steps as discovery, documents, history
from generator.publish.site import forms, mkdocs_site, redirects
from generator.publish.site.pages import PageWriter
from generator.tables import reader as tables
from generator.tables.reader import TableReadError
from generator.gate.standards import check_standards
from generator.gate.run import Report, check_dataset, convert_for_publishing
from generator.publish.discovery import lookup
from generator.gate.lookup import check_codes
from generator.publish import harvest


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


def load(root: Path, base_url: str | None = None, function_url: str | None = None) -> tuple[Portfolio, Problems]:
    """Read and check the portal's input; raise InputError listing every error.

    `base_url` and `function_url` override catalog/portal.yaml (`opendata serve` points the site at
    itself and at the local function); `function_url=""` builds without the function.
    """
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


def quality_scores(root: Path, portfolio: Portfolio, warnings: list[Problem]) -> dict:
    """Every dataset's quality scores as of the commit, from the last recorded link check (no network)."""
    import datetime as dt

    from generator import quality
    from generator.ops.linkcheck import last_check

    inputs = quality.Inputs(portfolio, dt.date.fromisoformat(portfolio.commit_time[:10]), last_check(root),
                            quality.warnings_per_dataset(portfolio, warnings))
    return quality.assess(inputs)


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


def gate(portfolio: Portfolio, problems: Problems, workdir: Path) -> None:
    """The validation gate, as `opendata validate` runs it (API checks need a network: reported as skipped).

    A CSV in a legacy Vietnamese encoding is published as UTF-8 NFC: its
    resource is pointed at the converted copy in `workdir`.
    """
    readings = workdir / "tables"

    def check(chunk: list[Dataset]) -> tuple[list[Problem], dict]:
        found, report = Problems(), Report()
        for d in chunk:
            check_dataset(d, portfolio.catalog, found, report, offline=True, readings=readings)
        check_standards(portfolio.catalog, chunk, found, shapes=False)
        return found.items, report.conversions

    conversions_needed: dict = {}
    for found, converted in parallel.map_chunks(check, portfolio.datasets, GATE_CHUNK):
        problems.items.extend(found)
        conversions_needed.update(converted)
    check_codes(portfolio.datasets, problems)
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


def build(root: Path, out: Path, base_url: str | None = None, function_url: str | None = None) -> BuildResult:
    root = root.resolve()
    out = out.resolve()
    check_output(root, out)
    portfolio, problems = load(root, base_url, function_url)
    previous_gc = gc.get_threshold()
    parallel.calm_gc()  # the model lives as long as the build: no collection needs to walk it
    try:
        with tempfile.TemporaryDirectory(prefix="opendata-build-") as workdir:
            gate(portfolio, problems, Path(workdir))
            if problems.errors:
                raise InputError(problems.errors)
            files.measure(portfolio)
            portfolio.quality = quality_scores(root, portfolio, problems.warnings)
            table_previews = previews(portfolio, problems)
            if problems.errors:
                raise InputError(problems.errors)
            document_previews = documents.previews(portfolio, problems)
            data_history = history.read(root, portfolio)
            warnings = problems.warnings
            _publish(root, out, portfolio, table_previews, warnings, document_previews, data_history)
    finally:
        gc.unfreeze()
        gc.set_threshold(*previous_gc)
    return BuildResult(portfolio, out, warnings)


def _publish(root: Path, out: Path, portfolio: Portfolio, table_previews: dict, warnings: list[Problem],
             document_previews: dict | None = None, data_history: history.DataHistory | None = None) -> None:
    """Write every output into a staging folder, then swap it in.

    Independent steps run side by side (parallel.Background, each in a forked
    child): the pages and MkDocs (into a folder of their own, merged at the
    end), the discovery files, and data.json + CKAN + the JSON API, while this
    process makes the conversions, zips and DCAT-AP. Each step writes its own
    files, so the output is the same whichever finishes first.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    scratch = Path(tempfile.mkdtemp(prefix=f".{out.name}.pages-", dir=out.parent))
    jobs: list[parallel.Background] = []
    try:
        html_dir = scratch / "html"
        pages = parallel.Background(lambda: _pages(root, portfolio, table_previews, scratch / "docs", html_dir,
                                                   document_previews or {}, data_history))
        jobs.append(pages)
        jobs.append(discovered := parallel.Background(lambda: _files(portfolio, staging, data_history)))
        # Issue 5: conversions, zipped Data Packages and the harvesting standards,
        # each checked by its own validator; a violation fails the build.
        jobs.append(zipped := parallel.Background(lambda: _zips(portfolio, staging)))
        previous = out if out.is_dir() else None
        made = conversions.write(portfolio, staging, previous=previous)
        zips = zipped.result()
        extra = downloads.merge(conversions.downloads(made), zips)
        job = harvest.Job(portfolio, staging, extra, previous,
                          {d.id: downloads.dataset_json_fields(portfolio, d.id, made, zips) for d in portfolio.datasets},
                          conversions.periods(made))
        # The standards that check themselves over the cores run here; the others together in the background.
        standards = harvest.standards()
        jobs.append(others := parallel.Background(
            lambda: _harvest([s for s in standards if not s.OWN_CORES], job)))
        errors, advice = _harvest([s for s in standards if s.OWN_CORES], job)
        more_errors, more_advice = others.result()
        if errors or more_errors:
            raise InputError(errors + more_errors)
        warnings.extend(advice + more_advice)
        discovered.result()
        pages.result()
        _merge(html_dir, staging)
        redirects.write(portfolio, staging, redirects.old_ids(root))  # never over a page: after the merge
        lookup.write_catalogue(portfolio, staging)  # pins the search script MkDocs copied
        manifest.write(portfolio, staging)
        os.chmod(staging, 0o755)
        _swap(staging, out)
    except BaseException:
        for job in jobs:
            job.cancel()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _pages(root: Path, portfolio: Portfolio, table_previews: dict, docs: Path, html_dir: Path,
           document_previews: dict, data_history: history.DataHistory | None) -> None:
    """The generator's pages, wrapped by MkDocs in the theme, into `html_dir`."""
    writer = PageWriter(portfolio, docs, table_previews, data_history=data_history, documents=document_previews)
    writer.write_all()
    from generator.ops.yearly import site as yearly

    writer.reports(yearly.reports(root, portfolio))
    portal = portfolio.catalog.portal
    operator = portfolio.catalog.agencies[portal.operator].name
    year = portfolio.commit_time[:4]
    mkdocs_site.build(root / "mkdocs.yml", docs, html_dir, html.escape(portal.name), portal.base_url,
                      html.escape(f"© {year} {operator} · {portal.name}"), portfolio.commit_epoch,
                      function_url=portal.function_url, site_name_en=portal.name_en)


def _files(portfolio: Portfolio, staging: Path, data_history: history.DataHistory | None = None) -> None:
    """The agencies' files, then what is made from the published copies: search index, table chunks,
    dictionaries, feed and sitemap (which replaces MkDocs' own)."""
    files.copy(portfolio, staging)
    if portfolio.catalog.portal.function_url:
        forms.copy_assets(staging)  # the function's form scripts and styles, from function/static/
    discovery.write(portfolio, staging, data_history)


def _zips(portfolio: Portfolio, staging: Path) -> downloads.Downloads:
    """Each dataset's zipped Data Package and its datapackage.json."""
    zips = datapackage_zip.write(portfolio, staging)
    datapackage_zip.write_descriptors(portfolio, staging)
    return zips


def _harvest(standards: list, job: harvest.Job) -> tuple[list[Problem], list[Problem]]:
    """Each harvesting standard written and checked by its own validator: (errors, warnings)."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for standard in standards:
        e, w = standard.publish(job)
        errors += e
        warnings += w
    return errors, warnings


def _merge(source: Path, target: Path) -> None:
    """Move MkDocs' output into the staging folder. A file that a later step wrote (the sitemap) stays:
    those steps used to run after MkDocs and overwrite its file."""
    for entry in os.scandir(source):
        there = target / entry.name
        if entry.is_dir(follow_symlinks=False) and there.is_dir():
            _merge(Path(entry.path), there)
        elif not os.path.lexists(there):
            os.rename(entry.path, there)


def _swap(staging: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        old.rmdir()
        out.rename(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
