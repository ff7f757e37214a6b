"""`opendata build`: catalog/ + data/ -> model -> checks -> site/.

Everything is written to a staging folder beside the output; the previous
site is replaced only when the whole build succeeded, so a failed build
leaves the last good site in place.
"""

from __future__ import annotations

import html
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import load_catalog
from .datasets import load_datasets
from .errors import InputError, Problem, Problems
from .gitinfo import iso, read_history
from .model import Portfolio
from .publish import files, json_api, manifest, mkdocs_site
from .publish.pages import PageWriter
from .tables import TableReadError, head


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


def load(root: Path, base_url: str | None = None) -> tuple[Portfolio, Problems]:
    """Read and check the portal's input; raise InputError listing every error."""
    catalog = load_catalog(root)
    if base_url:
        catalog.portal.base_url = base_url if base_url.endswith("/") else base_url + "/"
    problems = Problems()
    datasets = load_datasets(root, catalog, problems)
    if problems.errors:
        raise InputError(problems.errors)
    history = read_history(root)
    for d in datasets:
        d.created = iso(history.first(d.rel_folder))
        d.modified = iso(history.last(d.rel_folder))
    return Portfolio(catalog, datasets, history.commit, iso(history.epoch), history.epoch), problems


def previews(portfolio: Portfolio, problems: Problems) -> dict[tuple[str, str], Preview]:
    out: dict[tuple[str, str], Preview] = {}
    for d in portfolio.datasets:
        for r in d.resources:
            if not r.tabular or r.source is None:
                continue
            try:
                header, rows = head(r.source, r.format, r.sheet)
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


def build(root: Path, out: Path, base_url: str | None = None) -> BuildResult:
    root = root.resolve()
    out = out.resolve()
    portfolio, problems = load(root, base_url)
    files.measure(portfolio)
    table_previews = previews(portfolio, problems)
    if problems.errors:
        raise InputError(problems.errors)

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    try:
        with tempfile.TemporaryDirectory(prefix="opendata-docs-") as docs:
            PageWriter(portfolio, Path(docs), table_previews).write_all()
            portal = portfolio.catalog.portal
            operator = portfolio.catalog.agencies[portal.operator].name
            year = portfolio.commit_time[:4]
            mkdocs_site.build(root / "mkdocs.yml", Path(docs), staging, html.escape(portal.name), portal.base_url,
                              html.escape(f"© {year} {operator} · {portal.name}"), portfolio.commit_epoch)
        files.copy(portfolio, staging)
        json_api.write(portfolio, staging)
        manifest.write(portfolio, staging)
        os.chmod(staging, 0o755)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(portfolio, out, problems.warnings)


def _swap(staging: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        old.rmdir()
        out.rename(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
