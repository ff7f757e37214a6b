"""`opendata validate`: the gate every pull request passes before it can publish (Articles 3.3, 7.1, 8.1, 9.1).

catalog/ + data/ -> model (loader checks) -> per-dataset checks (descriptor,
files, encoding, rows, personal data, API) -> a Report. The build runs the
same gate, so what validate refuses is never published.
"""

from __future__ import annotations

import contextlib
import gc
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.build import parallel
from generator.build.cache import Cache, Parts, folder_for as cache_folder, generator_version
from generator.portal import yamlfile
from generator.portal.catalog import load_catalog
from generator.gate import api, descriptor, ownership
from generator.gate.standards import check_standards
from generator.portal.datasets import load_datasets
from generator.problems import InputError, Problem, Problems
from generator.progress import QUIET, Progress
from generator.portal.model import Catalog, Dataset, Resource
from generator.gate.lookup import check_codes, check_lookup

LEGACY_ENCODINGS = {"windows-1258", "tcvn3", "vni"}


@dataclass
class Stats:
    datasets: int = 0
    resources: int = 0
    tables: int = 0
    rows: int = 0
    seconds: float = 0.0


@dataclass
class Draft:
    """A Table Schema drafted for a table that came without one, to paste under its resource."""

    file: str  # the descriptor
    resource: str
    where: str  # resources[i]
    yaml: str  # “schema:” block, ready to paste
    ascii_header: list[str] | None = None  # the header row that would give ASCII field names


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # dataset folders checked in full
    stats: Stats = field(default_factory=Stats)
    author: str = ""
    since: str = ""
    # Resources whose published copy must be converted to UTF-8: (dataset id, resource name) -> encoding
    conversions: dict[tuple[str, str], str] = field(default_factory=dict)
    drafts: list[Draft] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors


def named_folders(root: Path, paths: list[str]) -> tuple[list[str], list[str]]:
    """`opendata validate PATH…`: each path (from the current folder, else from the portal root) as a folder
    relative to the root, and the paths that are outside the portal's data/ or do not exist."""
    folders, unknown = [], []
    base = root.resolve()
    for raw in paths:
        candidates = [Path(raw).resolve(), (root / raw).resolve()]
        path = next((c for c in candidates if c.exists() and c.is_relative_to(base / "data")), None)
        if path is None:
            unknown.append(raw)
            continue
        folders.append(path.relative_to(base).as_posix())
    return folders, unknown


def _within(rel: str, folders: list[str]) -> bool:
    """A dataset folder (or a problem's file) named by PATH: inside one, or holding one (a file named)."""
    return any(rel == f or rel.startswith(f + "/") or f.startswith(rel + "/") for f in folders)


def validate(root: Path, since: str | None = None, author: str | None = None, offline: bool = False,
             max_errors: int = 1000, paths: list[str] | None = None, progress: Progress = QUIET) -> Report:
    """The gate over the portal; `since`: only the datasets changed since that git ref; `paths`: only the
    dataset folders named (an agency's folder names all of its datasets, a file the dataset holding it)."""
    started = time.perf_counter()
    cache = Cache(cache_folder(root))  # the build's: what it judged or parsed before is not done again
    # Many small objects (a table's problems, its cells' values) and few cycles: collected less often, as
    # the build does (about a tenth of a large table's check).
    previous_gc = gc.get_threshold()
    gc.set_threshold(parallel.GC_THRESHOLD, *previous_gc[1:])
    try:
        # The YAML files' parses from the build's cache, read only: the gate parses the few it has not seen.
        with yamlfile.remembered(Parts(cache, "yaml", read_only=True), generator_version()):
            return _validate(root, since, author, offline, max_errors, paths, progress, started, cache)
    finally:
        gc.set_threshold(*previous_gc)


def _validate(root: Path, since: str | None, author: str | None, offline: bool, max_errors: int,
              paths: list[str] | None, progress: Progress, started: float, cache: Cache) -> Report:
    report = Report(author=author or "", since=since or "")
    problems = Problems()
    changed: list[str] | None = None
    if since:
        changed = ownership.changed_files(root, since)
    if author:
        if changed is None:
            raise ValueError("--author needs --changed-since")
        base = ownership.merge_base(root, since)
        perms = ownership.permissions_at(root, base)
        ownership.check_ownership(changed, author, perms, problems)
        ownership.check_reviewer_keys(root, base, changed, author, perms, problems)
    try:
        catalog = load_catalog(root)
    except InputError as exc:
        report.problems = problems.items + exc.problems
        return report
    named: list[str] | None = None
    if paths:
        named, unknown = named_folders(root, paths)
        for raw in unknown:
            problems.error(raw, "không có thư mục hay tệp này trong data/ của cổng.",
                           "no such folder or file in the portal's data/.",
                           "nêu thư mục bộ dữ liệu, ví dụ data/<mã cơ quan>/<mã bộ dữ liệu>, hoặc dùng --root.",
                           "name a dataset folder, e.g. data/<agency-id>/<dataset-id>, or use --root.",
                           code="no-such-dataset")
    incomplete: list[Dataset] = []
    if changed is not None and any(c == "catalog" or c.startswith("catalog/") for c in changed):
        # The catalogue changed: any dataset's checks may read what changed (its entry, agency, licence,
        # the unit lists, a withdrawal): all are checked.
        changed = None

    # Every folder holding a changed file (and the file itself): a dataset is in the change when its folder
    # is one of them. A set, as a pull request may touch thousands of files and the portal hold thousands
    # of datasets.
    touched: set[str] | None = None
    if changed is not None:
        touched = set()
        for c in changed:
            parts = c.split("/")
            touched.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))

    def in_change(rel: str) -> bool:
        if named is not None and not _within(rel, named):
            return False
        return touched is None or rel in touched

    # Only the datasets named or changed are loaded (with those the cross-dataset checks compare them with).
    datasets = load_datasets(root, catalog, problems, incomplete,
                             wanted=None if named is None and changed is None else in_change)

    selected = [d for d in datasets if in_change(d.rel_folder)]
    # What reads the descriptors alone (frictionless' verdict on each, the standards' validators: Python
    # through and through, and a second's import) runs in a child beside the tables' checks, on the other
    # core; its problems go where checking one after the other puts them.
    beside = parallel.Background(lambda: _descriptors_alone(catalog, selected, cache))
    verdict_at: list[tuple[Dataset, int]] = []
    try:
        for done, dataset in enumerate(selected, 1):
            check_dataset(dataset, catalog, problems, report, offline=offline, max_errors=max_errors, cache=cache,
                          verdict_later=lambda d, at: verdict_at.append((d, at)))
            progress.update("bộ dữ liệu/datasets", done, len(selected))
        check_codes(datasets, problems, only=None if named is None and changed is None
                    else {d.rel_folder for d in selected})
    except BaseException:
        beside.cancel()
        raise
    verdicts, standards = beside.result()
    for dataset, at in reversed(verdict_at):  # from the last: the earlier positions stay where they were
        found = Problems()
        descriptor.report_verdict(dataset, verdicts[dataset.id], found)
        problems.items[at:at] = found.items
    problems.items.extend(standards)
    for dataset in incomplete:
        if in_change(dataset.rel_folder):
            for resource in dataset.unspecified:
                _draft_schema(dataset, resource, problems, report)
    report.problems = problems.items
    report.checked = [d.rel_folder for d in selected]
    report.stats.datasets = len(selected)
    report.stats.seconds = time.perf_counter() - started
    return report


def check_dataset(dataset: Dataset, catalog: Catalog, problems: Problems, report: Report, offline: bool = False,
                  max_errors: int = 1000, readings: Path | None = None, cache: Cache | None = None,
                  verdict_later: Callable[[Dataset, int], None] | None = None) -> None:
    """Check one dataset. `readings`: a folder where each table is saved as the gate read it (the build's
    outputs are made from these, never from a second reading); `cache`: the build cache, where verdicts
    that depend on the descriptor alone are kept; `verdict_later`: frictionless' verdict on the descriptor
    is given elsewhere (descriptor.check_descriptor's `later`)."""
    from generator.tables import reader
    from generator.gate import files
    from generator.gate.encoding import check_encoding, decode

    from generator.portal import units

    descriptor.check_descriptor(dataset, catalog, problems, cache, later=verdict_later)
    listed = units.lazily(units.root_of(dataset))
    check_lookup(dataset, problems)
    decision = dataset.descriptor.get("personal_data")
    sniffed: dict[Path, str | None] = {}
    for resource in dataset.resources:
        report.stats.resources += 1
        if resource.is_api:
            api.check_api(dataset, resource, problems, offline=offline)
            continue
        rel = f"{dataset.rel_folder}/{resource.path}"
        if resource.source not in sniffed:  # two sheets of one workbook: check the file once
            sniffed[resource.source] = files.check_file(resource.source, resource.format, rel, problems)
        if sniffed[resource.source] is None or not resource.tabular or resource.schema is None:
            continue
        source = resource.source
        encoding = "utf-8"
        # A large table is read while its encoding is checked (in a child: Python's decoder holds the
        # interpreter), and its personal data looked for while its rows are (in a thread: pyarrow's matching
        # leaves the interpreter free): two cores.
        together = _size(source) >= TOGETHER_BYTES
        with contextlib.ExitStack() as scratch:
            found_rows: tuple[Problems, Any] | None = None
            if resource.format == "csv":
                if together:
                    # Read as the file's first bytes say (UTF-8, with or without its mark), kept only where the
                    # check agrees.
                    guess = "utf-8-sig" if _starts_with_bom(source) else "utf-8"
                    checking = parallel.Background(lambda: _encoding(source, rel))
                    try:
                        read_ahead = _read_and_check(source, resource, rel, dataset, listed, max_errors, guess,
                                                     decision, together)
                    except BaseException:
                        checking.cancel()
                        raise
                    detected, said = checking.result()
                    problems.items.extend(said)
                    if detected.encoding == guess:
                        found_rows = read_ahead
                else:
                    detected = check_encoding(source, rel, problems)
                if detected.encoding == "unknown" or (detected.encoding in LEGACY_ENCODINGS and not detected.confident):
                    continue  # refused with the command that converts it; rows would be mojibake
                if detected.encoding in LEGACY_ENCODINGS:
                    # Check (and later publish) the UTF-8 text, never the legacy bytes.
                    report.conversions[(dataset.id, resource.name)] = detected.encoding
                    tmp = scratch.enter_context(tempfile.TemporaryDirectory(prefix="opendata-validate-"))
                    source = Path(tmp) / "converted.csv"
                    source.write_text(decode(resource.source.read_bytes(), detected.encoding), encoding="utf-8")
                else:
                    encoding = detected.encoding
            if found_rows is None:
                found_rows = _read_and_check(source, resource, rel, dataset, listed, max_errors, encoding, decision,
                                             together)
            found, result = found_rows
            problems.items.extend(found.items)
            report.stats.tables += 1
            report.stats.rows += result.rows
            if result.table is None:
                continue  # unreadable: already reported by validate_table
            if readings is not None:
                result.table.save(reader.saved(readings, dataset.id, resource.name))


def _descriptors_alone(catalog: Catalog, datasets: list[Dataset], cache: Cache) -> tuple[dict[str, list],
                                                                                          list[Problem]]:
    """frictionless' verdict on each descriptor, and the standards' problems."""
    verdicts = {d.id: descriptor.frictionless_verdict(d, cache) for d in datasets}
    found = Problems()
    check_standards(catalog, datasets, found, cache=cache)
    return verdicts, found.items


TOGETHER_BYTES = 8 << 20  # below this a table's checks run one after the other (a thread costs more than it saves)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _starts_with_bom(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(3) == b"\xef\xbb\xbf"
    except OSError:
        return False


def _encoding(source: Path, rel: str) -> tuple[Any, list[Problem]]:
    from generator.gate.encoding import check_encoding

    said = Problems()
    return check_encoding(source, rel, said), said.items


def _read_and_check(source: Path, resource: Resource, rel: str, dataset: Dataset, listed: Any, max_errors: int,
                    encoding: str, decision: Any, together: bool) -> tuple[Problems, Any]:
    """The table's row checks, then its personal-data check (beside the row checks when `together`): their
    problems in that order, and validate_table's result."""
    from generator.gate import personal, rows as tables

    found, personal_found = Problems(), Problems()
    pending: list[Callable[[], Any]] = []

    def look_for_personal_data(table: Any) -> None:
        def work() -> None:
            personal.check_personal_data(table.as_arrow(), resource.schema, rel, resource.name, decision,
                                         personal_found)
        pending.append(parallel.Beside(work).result if together else work)

    result = tables.validate_table(source, resource.format, resource.schema, rel, resource.name, found,
                                   sheet=resource.sheet, encoding=encoding, max_errors=max_errors,
                                   dialect=resource.dialect, units=listed, dated=dataset.temporal.get("start", ""),
                                   read_done=look_for_personal_data)
    for finish in pending:
        finish()
    if result.table is not None:
        found.items.extend(personal_found.items)
    return found, result


def _draft_schema(dataset: Dataset, resource: Resource, problems: Problems, report: Report) -> None:
    """Draft the missing schema of a table, once the file passed the same safety checks as any other."""
    from generator.gate import files
    from generator.tables.infer import InferError, csv_delimiter, infer_table, named_as_labels, to_yaml

    rel = f"{dataset.rel_folder}/{resource.path}"
    if files.check_file(resource.source, resource.format, rel, problems) is None:
        return
    if resource.format == "csv":
        separator = csv_delimiter(resource.source)
        if separator != ",":
            shown = {";": "dấu chấm phẩy “;”", "\t": "dấu tab", "|": "dấu “|”"}[separator]
            problems.error(rel, f"các cột của tệp ngăn cách bằng {shown}; cổng đọc CSV ngăn cách bằng dấu phẩy.",
                           f"the file's columns are separated by {separator!r}; the portal reads comma-separated CSV.",
                           "trong Excel chọn Lưu thành > “CSV UTF-8 (phân cách bằng dấu phẩy)”, hoặc dùng “opendata new” "
                           "(tự lưu lại đúng dạng); rồi gửi lại để nhận bản nháp đặc tả.",
                           "in Excel use Save As > “CSV UTF-8 (Comma delimited)”, or “opendata new” (it saves it "
                           "right); then resubmit to get the drafted schema.", code="format-error", resource=resource.name)
            return
    try:
        schema, header = infer_table(resource.source, resource.format, resource.sheet)
    except InferError:
        return  # the table cannot be read: the agency has the file error or re-saves it
    schema, ascii_header = named_as_labels(schema, header)
    index = next((i for i, item in enumerate(dataset.descriptor.get("resources") or [])
                  if isinstance(item, dict) and item.get("name") == resource.name), 0)
    # Indented as the resource's own keys, so that it pastes as is under its “path:” line.
    indent = 4
    text = (dataset.folder / "datapackage.yaml").read_text("utf-8-sig", errors="replace")
    line = re.search(rf"^([ -]*)path:\s*[\"']?{re.escape(resource.path)}[\"']?\s*$", text, re.MULTILINE)
    if line:
        indent = len(line.group(1))
    pad = " " * indent
    block = f"{pad}schema:\n" + "".join(f"{pad}  {row}\n" for row in to_yaml(schema).splitlines())
    report.drafts.append(Draft(dataset.descriptor_file, resource.name, f"resources[{index + 1}]", block, ascii_header))


def convert_for_publishing(resource: Resource, encoding: str) -> bytes:
    """The UTF-8 NFC bytes published for a CSV that arrived in a legacy encoding."""
    from generator.gate.encoding import decode

    return decode(resource.source.read_bytes(), encoding).encode("utf-8")
