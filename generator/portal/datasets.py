"""Load data/: one folder per dataset, data/<agency>/<dataset>/datapackage.yaml plus its files.

Checks here are the ones the build cannot go on without (the descriptor reads,
its catalogue code is known and owned by the folder's agency, its files are
present and inside the folder). The full validation gate runs on top of this.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from generator.portal.catalog import ID_PATTERN
from generator.problems import Problems
from generator.portal.yamlkeys import Fields
from generator.portal.model import Catalog, Dataset, Resource
from generator.portal.vocabularies import FILE_FORMATS, FORMATS, FREQUENCIES
from generator.portal.yamlfile import load_yaml

DESCRIPTOR = "datapackage.yaml"
RESOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
URL = re.compile(r"^https?://", re.I)


def load_datasets(root: Path, catalog: Catalog, problems: Problems, incomplete: list[Dataset] | None = None,
                  wanted: Callable[[str], bool] | None = None) -> list[Dataset]:
    """Every dataset that loads without error; those refused only after their descriptor was read, and that
    have tables without a schema, go to `incomplete` (the gate drafts the missing schemas for its report).

    `wanted`: which folders to load (called with "data/<agency>" and "data/<agency>/<id>"): the problems
    recorded are those of the wanted folders, and the cross-dataset checks those of groups holding a
    wanted dataset, exactly as loading every dataset would find them. Besides the wanted datasets, the
    list holds only the datasets those checks compare them with (same id, same catalogue entry, a look-up
    code), found by reading no more of the other descriptors than it takes to rule them out.
    """
    data_dir = root / "data"
    datasets: list[Dataset] = []
    if _symlink(data_dir, "data", problems) or not data_dir.is_dir():
        return datasets
    folders: list[tuple[Path, bool]] = []  # every dataset folder, in order; wanted or not
    scratch = Problems()  # what the folders not wanted would report: not this run's findings
    for agency_dir in sorted(p for p in data_dir.iterdir() if not p.name.startswith(".")):
        rel_agency = f"data/{agency_dir.name}"
        mine = wanted is None or wanted(rel_agency)
        found = problems if mine else scratch
        if _symlink(agency_dir, rel_agency, found) or not agency_dir.is_dir():
            continue
        if agency_dir.name not in catalog.agencies:
            found.error(rel_agency, f"thư mục “{agency_dir.name}” không phải mã cơ quan nào trong catalog/agencies.yaml.",
                        f"folder “{agency_dir.name}” is not an agency id in catalog/agencies.yaml.",
                        "đặt bộ dữ liệu trong thư mục của cơ quan mình: data/<mã cơ quan>/<mã bộ dữ liệu>/.",
                        "put the dataset under your agency's folder: data/<agency-id>/<dataset-id>/.")
            continue
        for folder in sorted(p for p in agency_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if folder.name in catalog.withdrawn:
                continue  # taken off the site; nothing of it is checked or published
            folders.append((folder, mine and (wanted is None or wanted(f"{rel_agency}/{folder.name}"))))
    if wanted is None:
        for folder, _ in folders:
            if not _symlink(folder, f"data/{folder.parent.name}/{folder.name}", problems):
                dataset = load_dataset(root, folder, catalog, problems, incomplete)
                if dataset:
                    datasets.append(dataset)
        _check_across(datasets, catalog, problems)
        return datasets
    chosen = [folder for folder, mine in folders if mine]
    for folder in chosen:
        if not _symlink(folder, f"data/{folder.parent.name}/{folder.name}", problems):
            dataset = load_dataset(root, folder, catalog, problems, incomplete)
            if dataset:
                datasets.append(dataset)
    others = _compared_with(datasets, [folder for folder, mine in folders if not mine], catalog)
    for folder in others:
        if not _symlink(folder, f"data/{folder.parent.name}/{folder.name}", scratch):
            dataset = load_dataset(root, folder, catalog, scratch)
            if dataset:
                datasets.append(dataset)
    position = {folder: i for i, (folder, _) in enumerate(folders)}
    datasets.sort(key=lambda d: position[d.folder])  # the order of a full load: who comes first matters
    mine = set(chosen)
    _check_across(datasets, catalog, problems, only={d.rel_folder for d in datasets if d.folder in mine})
    return datasets


def _compared_with(loaded: list[Dataset], rest: list[Path], catalog: Catalog) -> list[Path]:
    """The folders among `rest` whose dataset a cross-dataset check could compare with one of `loaded`: the
    same folder name (ids are unique), a descriptor that may name the same catalogue entry (one that allows a
    single dataset), or any descriptor that may declare a look-up (codes are unique). A descriptor is ruled
    out only when its bytes cannot spell what is looked for (see _may_name)."""
    if not loaded:
        return []
    ids = {d.id for d in loaded}
    single = {d.catalogue for d in loaded
              if d.catalogue in catalog.entries and not catalog.entries[d.catalogue].multiple}
    agencies = {catalog.entries[code].agency for code in single}
    lookups = any("lookup" in d.descriptor for d in loaded)  # a dataset without one answers to no code
    out = []
    for folder in rest:
        if folder.name in ids:
            out.append(folder)
            continue
        try:
            raw = (folder / DESCRIPTOR).read_bytes()
        except OSError:
            continue  # no descriptor: the dataset does not load
        if (lookups and _may_name(raw, "lookup")) or (folder.parent.name in agencies
                                         and any(_may_name(raw, code) for code in single)):
            out.append(folder)
    return out


# Letters that str() of a YAML number, date or time never holds ("1e+20", "inf", "nan", "2024-01-01T08:00:00").
_NOT_FROM_A_NUMBER = re.compile(r"[b-dg-hj-mo-zA-SU-Z]")
_PLAIN = re.compile(r"^[A-Za-z0-9._-]+$")
_NFC_TO_ASCII = ("\u212a".encode(), "\u1fef".encode(), "\u037e".encode())  # K, `, ; after NFC


def _may_name(raw: bytes, word: str) -> bool:
    """False only when a YAML file of these bytes cannot hold the text `word` as a key or a text value: the word
    is plain ASCII and not absent from the bytes because of an escape ("\\x41"), a number or date read as
    text, or a character NFC turns into ASCII (the Kelvin sign is K)."""
    if not _PLAIN.match(word) or not _NOT_FROM_A_NUMBER.search(word):
        return True
    return word.encode() in raw or b"\\" in raw or any(c in raw for c in _NFC_TO_ASCII)


def _symlink(path: Path, rel: str, problems: Problems) -> bool:
    """Refuse a folder or descriptor that is a symbolic link: it would publish what it points to, outside
    the repository (git stores links as they are)."""
    if not path.is_symlink():
        return False
    problems.error(rel, f"“{rel}” là liên kết tượng trưng (symlink), không phải thư mục hay tệp thật.",
                   f"“{rel}” is a symbolic link, not a real folder or file.",
                   "thay liên kết bằng chính thư mục/tệp (git add các tệp thật), rồi gửi lại.",
                   "replace the link with the folder or file itself (git add the real files), then resubmit.")
    return True


def _check_across(datasets: list[Dataset], catalog: Catalog, problems: Problems, only: set[str] | None = None) -> None:
    """Ids are unique, and an entry allowing one dataset has one. `only`: report only the groups (same id,
    same entry) holding one of these dataset folders."""
    seen: dict[str, Dataset] = {}
    per_entry: dict[str, list[Dataset]] = {}
    def reported(group: list[Dataset]) -> bool:
        return only is None or any(d.rel_folder in only for d in group)

    ids: dict[str, list[Dataset]] = {}
    for d in datasets:
        ids.setdefault(d.id, []).append(d)
    for d in datasets:
        if d.id in seen and reported(ids[d.id]):
            problems.error(d.descriptor_file, f"mã bộ dữ liệu “{d.id}” đã được dùng ở {seen[d.id].rel_folder}.",
                           f"dataset id “{d.id}” is already used by {seen[d.id].rel_folder}.",
                           "đổi tên thư mục và “name” thành một mã chưa dùng.",
                           "rename the folder and “name” to an id not used yet.", where="name")
        seen[d.id] = d
        per_entry.setdefault(d.catalogue, []).append(d)
    for code, group in per_entry.items():
        entry = catalog.entries.get(code)
        if entry and len(group) > 1 and not entry.multiple and reported(group):
            for d in group[1:]:
                problems.error(d.descriptor_file,
                               f"mục danh mục “{code}” đã có bộ dữ liệu {group[0].rel_folder}; mục này chỉ cho phép một bộ.",
                               f"catalogue entry “{code}” already has dataset {group[0].rel_folder}; it allows only one.",
                               "cập nhật bộ dữ liệu đã có thay vì thêm bộ mới, hoặc đề nghị người duyệt cho phép nhiều bộ (multiple: true).",
                               "update the existing dataset instead, or ask a reviewer to allow several (multiple: true).",
                               where="catalogue")


def load_dataset(root: Path, folder: Path, catalog: Catalog, problems: Problems,
                 incomplete: list[Dataset] | None = None) -> Dataset | None:
    agency = folder.parent.name
    rel_folder = f"data/{agency}/{folder.name}"
    rel = f"{rel_folder}/{DESCRIPTOR}"
    if not (folder / DESCRIPTOR).is_file():
        problems.error(rel_folder, f"thư mục bộ dữ liệu thiếu tệp mô tả {DESCRIPTOR}.",
                       f"the dataset folder has no {DESCRIPTOR} descriptor.",
                       f"thêm {DESCRIPTOR} theo docs/huong-dan-co-quan.md.", f"add {DESCRIPTOR} as docs/huong-dan-co-quan.md shows.")
        return None
    if _symlink(folder / DESCRIPTOR, rel, problems):
        return None
    n_before = len(problems.errors)
    data = load_yaml(folder / DESCRIPTOR, rel, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.error(rel, "tệp mô tả phải là một bảng khóa: giá trị.", "the descriptor must be a mapping of keys to values.")
        return None
    f = Fields(data, rel, "", problems)
    name = f.get("name")
    if name is not None and name != folder.name:
        problems.error(rel, f"“name” là “{name}” nhưng thư mục tên “{folder.name}”.",
                       f"“name” is “{name}” but the folder is “{folder.name}”.",
                       "đặt “name” trùng tên thư mục.", "make “name” equal to the folder name.", where="name")
    if not ID_PATTERN.match(folder.name):
        problems.error(rel_folder, f"tên thư mục “{folder.name}” không hợp lệ.", f"folder name “{folder.name}” is not valid.",
                       "dùng chữ thường không dấu, số và dấu gạch ngang, ví dụ co-so-y-te.",
                       "use lower-case ASCII letters, digits and hyphens, e.g. co-so-y-te.")
    code = f.get("catalogue")
    entry = catalog.entries.get(code) if code else None
    if code and entry is None:
        own = [e.code for e in catalog.entries.values() if e.agency == agency]
        problems.error(rel, f"mã danh mục “{code}” không có trong danh mục được phê duyệt (catalog/catalogue.yaml).",
                       f"catalogue code “{code}” is not in the approved catalogue (catalog/catalogue.yaml).",
                       f"dùng một mã của cơ quan {agency}: {', '.join(own) or '(chưa có)'}; mục mới phải được người duyệt thêm vào danh mục trước.",
                       f"use a code of agency {agency}: {', '.join(own) or '(none yet)'}; a new entry must first be added to the catalogue by a reviewer.",
                       where="catalogue")
    elif entry is not None and entry.agency != agency:
        problems.error(rel, f"mã danh mục “{code}” thuộc cơ quan “{entry.agency}”, không thuộc “{agency}”.",
                       f"catalogue code “{code}” belongs to agency “{entry.agency}”, not “{agency}”.",
                       f"chỉ công bố dữ liệu thuộc danh mục của cơ quan mình, hoặc chuyển bộ dữ liệu vào data/{entry.agency}/.",
                       f"publish only entries of your own agency, or move the dataset to data/{entry.agency}/.",
                       where="catalogue")
    frequency = f.get("frequency")
    if frequency and frequency not in FREQUENCIES:
        problems.error(rel, f"tần suất cập nhật “{frequency}” không hợp lệ.", f"update frequency “{frequency}” is not valid.",
                       f"dùng một trong: {', '.join(FREQUENCIES)}.", f"use one of: {', '.join(FREQUENCIES)}.", where="frequency")
    licence = _licence(f, catalog, problems)
    contact = f.get("contact", dict, required=False, default={}) or {}
    temporal = f.get("temporal", dict, required=False, default={}) or {}
    dataset = Dataset(
        id=folder.name, agency=agency, folder=folder, rel_folder=rel_folder, descriptor_file=rel,
        title=f.get("title") or folder.name, title_en=f.get("title_en", required=False, default=""),
        description=f.get("description", required=False, default=""), catalogue=code or "",
        description_en=f.get("description_en", required=False, default=""),
        frequency=frequency or "", keywords=f.strings("keywords", required=False), licence=licence,
        contact={k: str(v) for k, v in contact.items() if isinstance(v, (str, int))},
        resources=[], descriptor=data, attribution=f.get("attribution", required=False, default=""),
        sources=[s for s in (f.get("sources", list, required=False, default=[]) or []) if isinstance(s, dict)],
        spatial=_spatial(root, data.get("spatial"), f, problems),
        temporal={k: str(v) for k, v in temporal.items()},
    )
    if isinstance(dataset.spatial, list):  # unit codes: the text every output shows is made of their names
        dataset.spatial_units = dataset.spatial
        dataset.spatial = units_text(root, dataset.spatial_units)
    resources = f.get("resources", list, default=[]) or []
    names: set[str] = set()
    for i, item in enumerate(resources):
        resource = _load_resource(item, i, dataset, problems)
        if resource is None:
            continue
        if resource.name in names:
            problems.error(rel, f"tên tài nguyên “{resource.name}” bị trùng.", f"duplicate resource name “{resource.name}”.",
                           "mỗi tài nguyên một tên riêng.", "give each resource its own name.", where=f"resources[{i + 1}].name")
        names.add(resource.name)
        dataset.resources.append(resource)
    if len(problems.errors) > n_before:
        if incomplete is not None and dataset.unspecified:
            incomplete.append(dataset)
        return None
    return dataset


def units_text(root: Path, refs: list[str]) -> str:
    """"Tỉnh Vĩnh Phúc (trước 01/07/2025); Tỉnh Phú Thọ": the units' names with their generation where old."""
    from generator.portal import units

    if not refs:
        return ""
    listed = units.load(root)
    shown = []
    for ref in refs:
        u = listed.by_ref(ref)
        shown.append(u.full_name + (" (trước 01/07/2025)" if u.generation == units.OLD else ""))
    return "; ".join(shown)


def _spatial(root: Path, value: object, f: Fields, problems: Problems) -> str | list:
    """`spatial`: free text, or a list of administrative units ("2025:25", "pre-2025:26-huyen-tam-dao"), which
    the dataset keeps (spatial_units) and describes in text by their names."""
    from generator.gate import units as unit_checks
    from generator.portal import units

    refs = unit_checks.spatial_refs(value)
    if refs is None:
        return f.get("spatial", required=False, default="")
    found = unit_checks.check_spatial(refs, f.file, units.load(root) if units.available(root) else None, problems)
    return [u.ref for u in found]


def _licence(f: Fields, catalog: Catalog, problems: Problems) -> str:
    licences = f.get("licenses", list, default=[]) or []
    if not licences:
        return ""
    first = licences[0] if isinstance(licences[0], dict) else {}
    lid = first.get("name")
    if lid not in catalog.licences:
        problems.error(f.file, f"giấy phép “{lid}” không có trong danh sách giấy phép mở (catalog/licences.yaml).",
                       f"licence “{lid}” is not in the list of open licences (catalog/licences.yaml).",
                       f"dùng “name:” là một trong: {', '.join(catalog.licences)}.",
                       f"set “name:” to one of: {', '.join(catalog.licences)}.", where="licenses[1].name")
        return ""
    return lid


def _load_resource(item: object, i: int, dataset: Dataset, problems: Problems) -> Resource | None:
    rel = dataset.descriptor_file
    where = f"resources[{i + 1}]"
    f = Fields(item, rel, where, problems)
    name = f.get("name")
    path = f.get("path")
    if not name or not path:
        return None
    if not RESOURCE_NAME.match(name):
        problems.error(rel, f"tên tài nguyên “{name}” không hợp lệ.", f"resource name “{name}” is not valid.",
                       "dùng chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang.",
                       "use lower-case ASCII letters, digits, dots, underscores and hyphens.", where=f"{where}.name")
    fmt = (f.get("format", required=False, default="") or "").lower()
    if URL.match(path):
        if fmt and fmt != "api":
            problems.error(rel, f"tài nguyên “{name}” là một địa chỉ URL nhưng định dạng là “{fmt}”.",
                           f"resource “{name}” is a URL but its format is “{fmt}”.",
                           "với kết nối API đặt “format: api”; tệp dữ liệu phải nằm trong thư mục bộ dữ liệu.",
                           "for an API connection set “format: api”; data files must be inside the dataset folder.",
                           where=f"{where}.format")
            return None
        if not path.lower().startswith("https://"):
            problems.error(rel, f"kết nối API “{name}” phải dùng https.", f"API connection “{name}” must use https.",
                           "đổi địa chỉ sang https://.", "change the address to https://.", where=f"{where}.path")
            return None
        fmt = "api"
        source = None
    else:
        source = _resolve_path(path, name, where, dataset, problems)
        if source is None:
            return None
        fmt = fmt or PurePosixPath(path).suffix.lower().lstrip(".")
        if fmt not in FILE_FORMATS:
            problems.error(rel, f"định dạng “{fmt}” của “{name}” không được phép (Điều 7.1: pdf, xls, xlsx, doc, docx, csv hoặc API).",
                           f"format “{fmt}” of “{name}” is not allowed (Article 7.1: pdf, xls, xlsx, doc, docx, csv or API).",
                           "chuyển tệp sang một định dạng được phép, ví dụ bảng tính sang xlsx hoặc csv.",
                           "convert the file to an allowed format, e.g. a spreadsheet to xlsx or csv.", where=f"{where}.format")
            return None
    info = FORMATS[fmt]
    schema = f.get("schema", dict, required=False, default=None)
    dialect = item.get("dialect") if isinstance(item, dict) else None
    sheet = None
    if isinstance(dialect, dict):
        excel = dialect.get("excel") if isinstance(dialect.get("excel"), dict) else dialect
        sheet = excel.get("sheet") if isinstance(excel, dict) else None
    resource = Resource(
        name=name, title=f.get("title", required=False, default="") or name,
        description=f.get("description", required=False, default=""), format=fmt, path=path,
        mediatype=f.get("mediatype", required=False, default="") or info.mediatype, schema=schema,
        sheet=str(sheet) if sheet is not None else None, descriptor=dict(item), source=source,
    )
    if info.tabular and schema is None:
        problems.error(rel, f"bảng “{name}” chưa có đặc tả dữ liệu (Table Schema) (Điều 8.1).",
                       f"table “{name}” has no data specification (Table Schema) (Article 8.1).",
                       "dán bản nháp “schema:” trong báo cáo kiểm tra vào tài nguyên này (hoặc chạy “opendata infer”), "
                       "rồi đọc lại kiểu và mô tả từng cột; xem docs/huong-dan-co-quan.md.",
                       "paste the drafted “schema:” from the validation report under this resource (or run "
                       "“opendata infer”), then review each field's type and description; see docs/huong-dan-co-quan.md.",
                       where=f"{where}.schema", code="missing-schema", resource=name)
        dataset.unspecified.append(resource)
        return None
    if schema is not None and not isinstance(schema.get("fields"), list):
        problems.error(rel, f"đặc tả của “{name}” thiếu danh sách “fields”.", f"the schema of “{name}” has no “fields” list.",
                       "liệt kê từng cột: name, title, type.", "list every column: name, title, type.", where=f"{where}.schema")
        return None
    return resource


def _resolve_path(path: str, name: str, where: str, dataset: Dataset, problems: Problems) -> Path | None:
    rel = dataset.descriptor_file
    pure = PurePosixPath(path)
    if pure.is_absolute() or "\\" in path or ".." in pure.parts or path.startswith("~"):
        problems.error(rel, f"đường dẫn “{path}” của “{name}” ra ngoài thư mục bộ dữ liệu.",
                       f"path “{path}” of “{name}” leaves the dataset folder.",
                       "dùng tên tệp nằm ngay trong thư mục bộ dữ liệu, không “..”, không đường dẫn tuyệt đối.",
                       "use a file name inside the dataset folder: no “..”, no absolute path.", where=f"{where}.path")
        return None
    # Refuse symlinks anywhere on the way: a link could publish a file from outside.
    current = dataset.folder
    for part in pure.parts:
        current = current / part
        if current.is_symlink():
            problems.error(rel, f"“{path}” là liên kết tượng trưng (symlink).", f"“{path}” is a symbolic link.",
                           "đưa chính tệp vào thư mục bộ dữ liệu thay cho liên kết.",
                           "put the file itself in the dataset folder instead of a link.", where=f"{where}.path")
            return None
    if not current.is_file():
        present = sorted(p.name for p in dataset.folder.iterdir() if p.is_file() and p.name != DESCRIPTOR)
        problems.error(rel, f"không tìm thấy tệp “{path}” của tài nguyên “{name}”.",
                       f"file “{path}” of resource “{name}” is missing.",
                       f"thêm tệp vào {dataset.rel_folder}/ hoặc sửa “path” (tệp hiện có: {', '.join(present) or 'không có'}).",
                       f"add the file to {dataset.rel_folder}/ or correct “path” (files present: {', '.join(present) or 'none'}).",
                       where=f"{where}.path")
        return None
    resolved = Path(os.path.realpath(current))
    if not resolved.is_relative_to(os.path.realpath(dataset.folder)):
        problems.error(rel, f"“{path}” trỏ ra ngoài thư mục bộ dữ liệu.", f"“{path}” points outside the dataset folder.",
                       where=f"{where}.path")
        return None
    return current
