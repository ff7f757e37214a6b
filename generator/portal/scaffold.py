"""The dialogue behind `opendata new`: scaffold a dataset from its catalogue entry and the agency's files.

An agency starts from what it has: an approved catalogue entry and a few files.
The command asks (in Vietnamese, English alongside) only for what it cannot
take from the catalogue, copies the files into `data/<agency>/<dataset>/`
under safe names and their real extensions, drafts a Table Schema for every
table (`opendata infer`), writes `datapackage.yaml`, then runs the validation
gate on the new folder so the agency sees at once what is left to do.

Every question has a flag, so scripts never need a terminal (`--no-input`).
A file the gate would refuse (macros, password, wrong type, zip bomb) stops the
command before anything is written; the folder appears whole or not at all.
"""

from __future__ import annotations

import argparse

import csv
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from generator.portal.catalog import ID_PATTERN, load_catalog
from generator.gate.descriptor import EMAIL
from generator.portal.datasets import DESCRIPTOR, load_dataset, load_datasets
from generator.problems import InputError, Problem, Problems
from generator.portal.model import Catalog, CatalogueEntry
from generator.tables.reader import describe_skipped
from generator.text import fold, nfc, slugify
from generator.portal.vocabularies import FILE_FORMATS, FORMATS, FREQUENCIES

TEXT_EXTENSIONS = {"csv", "txt", "tsv"}  # plain text the gate reads as CSV
PHONE = re.compile(r"^0[0-9]{9,10}$")


class UsageError(Exception):
    """A question could not be answered (no terminal and no flag): exit 2 with this message."""


@dataclass
class Answers:
    """What the agency said, from flags or prompts; None means “ask, or take the default”."""

    code: str | None = None
    agency: str | None = None
    dataset_id: str | None = None
    title: str | None = None
    title_en: str | None = None
    description: str | None = None
    keywords: list[str] | None = None
    licence: str | None = None
    frequency: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    files: list[Path] = field(default_factory=list)
    apis: list[str] = field(default_factory=list)
    replace: bool = False  # the entry already has a dataset: make it again from these files, keeping its answers
    drop_totals: bool | None = None  # None: ask (default yes)
    skip_notes: bool | None = None  # None: ask (default yes)


class Prompter:
    """Asks on the terminal; with `interactive=False` every answer is its default (for scripts)."""

    def __init__(self, interactive: bool):
        self.interactive = interactive

    @staticmethod
    def _write(text: str) -> None:
        print(text, file=sys.stderr)  # the dialogue on stderr, the result on stdout

    @staticmethod
    def _read(prompt: str) -> str:
        print(prompt, end="", file=sys.stderr, flush=True)
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")

    def say(self, text: str) -> None:
        if self.interactive:
            self._write(text)

    def ask(self, vi: str, en: str, default: str = "", check: Callable[[str], str | None] | None = None,
            flag: str = "") -> str:
        """The answer, or the default on an empty line; `check` returns a bilingual complaint or None."""
        if not self.interactive:
            if not default and check and check("") is not None:
                raise UsageError(f"thiếu {vi} — dùng {flag} (missing {en}: pass {flag}).")
            return default
        while True:
            shown = f" [{default}]" if default else ""
            try:
                answer = nfc(self._read(f"{vi} ({en}){shown}: ").strip())
            except EOFError:
                raise UsageError(f"hết dữ liệu vào khi hỏi {vi} — dùng {flag} hoặc --no-input "
                                 f"(input ended while asking for {en}: pass {flag} or --no-input).") from None
            answer = answer or default
            complaint = check(answer) if check else None
            if complaint is None:
                return answer
            self._write(f"  ! {complaint}")

    def confirm(self, vi: str, en: str, default: bool, given: bool | None, flag: str) -> bool:
        """Yes or no: the flag's value when given, else asked (C/K, Y/N), else the default."""
        if given is not None:
            return given
        if not self.interactive:
            return default
        shown = "C/k" if default else "c/K"
        while True:
            try:
                answer = fold(self._read(f"{vi} ({en}; {flag}) [{shown}]: ").strip())
            except EOFError:
                return default
            if not answer:
                return default
            if answer in ("c", "co", "y", "yes"):
                return True
            if answer in ("k", "khong", "n", "no"):
                return False
            self._write("  ! trả lời c (có) hoặc k (không) (answer y or n)")

    def ask_list(self, vi: str, en: str) -> list[str]:
        """Several answers, one per line, ended by an empty line."""
        out: list[str] = []
        if not self.interactive:
            return out
        while True:
            try:
                answer = self._read(f"{vi} ({en}) — để trống để kết thúc (empty line to finish): ").strip()
            except EOFError:
                return out
            if not answer:
                return out
            out.append(answer)


@dataclass
class Planned:
    """One file to copy and the resources it gives."""

    source: Path
    target: str  # file name inside the dataset folder
    kind: str  # real format (sniffed)
    resources: list[dict]
    # A CSV written again, as UTF-8 with commas: the field names, then the data rows as the gate reads them.
    rewrite_csv: tuple[list[str], Any] | None = None
    dialects: dict[str | None, dict] = field(default_factory=dict)  # sheet -> rows the agency declared
    notes: list[tuple[str, str]] = field(default_factory=list)


def scaffold(root: Path, answers: Answers, prompter: Prompter, out=print) -> int:
    """Scaffold the dataset; return the exit code (0 valid, 1 errors to fix, 2 usage)."""
    from generator.gate import report as reports
    from generator.gate.run import Report, check_dataset

    root = root.resolve()
    try:
        catalog = load_catalog(root)
    except InputError as exc:
        _print_problems(exc.problems)
        return 1
    problems = Problems()
    existing = load_datasets(root, catalog, problems)
    try:
        entry = _choose_entry(catalog, existing, answers, prompter)
        previous = _previous(existing, entry, answers) if answers.replace else None
        if previous is not None:
            _answered_before(previous.descriptor, answers)
            existing = [d for d in existing if d is not previous]
        dataset_id = previous.id if previous is not None else _choose_id(root, catalog, existing, entry, answers,
                                                                          prompter)
        descriptor = _describe(catalog, entry, dataset_id, answers, prompter)
        files = list(answers.files) + [Path(p) for p in prompter.ask_list(
            "Đường dẫn tệp dữ liệu (csv, xlsx, xls, pdf, docx, doc)", "path of a data file")]
        apis = list(answers.apis) + prompter.ask_list("Địa chỉ API (https://…)", "API address (https://…)")
    except UsageError as exc:
        print(f"LỖI/ERROR: {exc}", file=sys.stderr)
        return 2
    except _Refused as exc:
        _print_problems([exc.problem])
        return 1
    if not files and not apis:
        print("LỖI/ERROR: chưa có tệp dữ liệu hay API nào — nêu tệp sau mã danh mục, hoặc dùng --api URL.\n"
              "(no data file or API given: list files after the catalogue code, or pass --api URL.)", file=sys.stderr)
        return 2

    folder_rel = f"data/{entry.agency}/{dataset_id}"
    agency_dir = root / "data" / entry.agency
    agency_dir.mkdir(parents=True, exist_ok=True)
    # Hidden staging folder (the loader skips dot-folders), renamed into place only when complete:
    # the files are checked there, under their real extensions, before the dataset exists.
    staging = Path(tempfile.mkdtemp(prefix=".new-", dir=agency_dir))
    try:
        refused = Problems()
        planned = _plan_files(files, staging, refused, prompter, answers)
        resources = [r for p in planned for r in p.resources]
        names = {r["name"] for r in resources}
        for i, url in enumerate(apis):
            if not re.match(r"^https://[^\s/]+", url):
                refused.error(folder_rel, f"địa chỉ API “{url}” không hợp lệ: cần bắt đầu bằng https://.",
                              f"API address “{url}” is not valid: it must start with https://.",
                              "nêu địa chỉ đầy đủ, ví dụ https://api.tinh.gov.vn/v1/.",
                              "give the full address, e.g. https://api.province.gov.vn/v1/.", where=f"--api {url}")
                continue
            name = _unique(f"api-{i + 1}" if len(apis) > 1 else "api", names)
            resources.append({"name": name, "path": url, "title": f"Kết nối API: {entry.title}", "format": "api",
                              "mediatype": FORMATS["api"].mediatype})
        if refused.errors:
            shutil.rmtree(staging, ignore_errors=True)
            _print_problems(refused.errors)
            print("\nChưa tạo gì: sửa các tệp trên rồi chạy lại (nothing was created: fix the files above and run again).",
                  file=sys.stderr)
            return 1
        for p in planned:
            if p.rewrite_csv is not None:
                staged = staging / p.target
                _write_csv(staged.with_suffix(".tmp"), *p.rewrite_csv)
                staged.with_suffix(".tmp").replace(staged)
        descriptor["resources"] = resources
        (staging / DESCRIPTOR).write_text(_dump(descriptor, entry), encoding="utf-8")
        final = agency_dir / dataset_id
        os.chmod(staging, 0o755)
        if previous is not None and final.is_dir():
            # The dataset made again: the old folder is set aside until the new one is in place.
            old = Path(tempfile.mkdtemp(prefix=".old-", dir=agency_dir))
            old.rmdir()
            final.rename(old)
            staging.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

    out(f"Đã tạo {folder_rel}/ (created): {DESCRIPTOR}"
        + "".join(f", {p.target}" for p in planned))
    for p in planned:
        for vi, en in p.notes:
            out(f"  • {vi}\n    ({en})")
    # The gate on the new folder: what is still wrong, said the way the pull request will say it.
    problems = Problems()
    report = Report()
    dataset = load_dataset(root, final, catalog, problems)
    if dataset is not None:
        check_dataset(dataset, catalog, problems, report, offline=True)
        report.stats.datasets = 1
    report.problems = problems.items
    out("")
    out(reports.to_text(report))
    out("")
    out(_next_steps(folder_rel, report.valid))
    return 0 if report.valid else 1


# --- questions ---------------------------------------------------------------------------------------

class _Refused(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.en)
        self.problem = problem


def _choose_entry(catalog: Catalog, existing: list, answers: Answers, prompter: Prompter) -> CatalogueEntry:
    fulfilled = {d.catalogue for d in existing}
    agency = answers.agency
    if agency and agency not in catalog.agencies:
        raise _Refused(Problem("catalog/agencies.yaml", f"không có cơ quan mã “{agency}”.", f"no agency with id “{agency}”.",
                               f"dùng một mã trong: {', '.join(catalog.agencies)}.", f"use one of: {', '.join(catalog.agencies)}.",
                               where="--agency"))
    code = answers.code
    if not code:
        open_entries = [e for e in catalog.entries.values()
                        if (not agency or e.agency == agency) and (e.code not in fulfilled or e.multiple)]
        prompter.say("Các mục danh mục chưa có dữ liệu (approved entries still to publish):")
        for i, e in enumerate(open_entries, 1):
            prompter.say(f"  {i:>2}. {e.code}  {e.title}  [{e.agency}]")

        def valid(answer: str) -> str | None:
            if answer.isdigit() and 1 <= int(answer) <= len(open_entries):
                return None
            if answer.upper() in catalog.entries:
                return None
            return "nhập số thứ tự hoặc mã danh mục (type a number or a catalogue code)"

        answer = prompter.ask("Mã danh mục", "catalogue code", check=valid, flag="MÃ_DANH_MỤC (CATALOGUE_CODE)")
        code = open_entries[int(answer) - 1].code if answer.isdigit() else answer.upper()
    entry = catalog.entries.get(code) or catalog.entries.get(code.upper())
    if entry is None:
        own = [e.code for e in catalog.entries.values() if not agency or e.agency == agency]
        raise _Refused(Problem("catalog/catalogue.yaml", f"mã danh mục “{code}” không có trong danh mục được phê duyệt.",
                               f"catalogue code “{code}” is not in the approved catalogue.",
                               f"dùng một mã có sẵn ({', '.join(own[:12])}{', …' if len(own) > 12 else ''}); mục mới phải "
                               "được người duyệt thêm vào catalog/catalogue.yaml trước (mẫu “Đề nghị bổ sung dữ liệu”).",
                               "use an approved code; a new entry must first be added to catalog/catalogue.yaml by a "
                               "reviewer (the “dataset request” issue form).", where="catalogue"))
    if agency and entry.agency != agency:
        raise _Refused(Problem("catalog/catalogue.yaml", f"mục “{entry.code}” thuộc cơ quan “{entry.agency}”, không thuộc “{agency}”.",
                               f"entry “{entry.code}” belongs to agency “{entry.agency}”, not “{agency}”.",
                               "chỉ công bố dữ liệu thuộc danh mục của cơ quan mình.",
                               "publish only entries of your own agency.", where="catalogue"))
    if entry.code in fulfilled and not entry.multiple and not answers.replace:
        folder = next(d.rel_folder for d in existing if d.catalogue == entry.code)
        raise _Refused(Problem(folder, f"mục “{entry.code}” đã có bộ dữ liệu tại {folder}/.",
                               f"entry “{entry.code}” already has a dataset in {folder}/.",
                               "để cập nhật, thay tệp trong thư mục đó (cùng tên tệp) rồi gửi pull request; sau khi sửa "
                               "tệp, “opendata new … --replace” làm lại bộ dữ liệu, giữ các câu trả lời đã có.",
                               "to update it, replace the files in that folder (same names) and open a pull request; "
                               "after fixing a file, “opendata new … --replace” makes the dataset again, keeping what "
                               "was answered.", where="catalogue"))
    return entry


def _previous(existing: list, entry: CatalogueEntry, answers: Answers):
    """The dataset `--replace` makes again: the entry's (the one named by --id when it has several)."""
    mine = [d for d in existing if d.catalogue == entry.code and (answers.dataset_id in (None, d.id))]
    if not mine:
        if answers.dataset_id:
            raise _Refused(Problem(f"data/{entry.agency}/{answers.dataset_id}",
                                   f"không có bộ dữ liệu “{answers.dataset_id}” của mục “{entry.code}” để làm lại.",
                                   f"no dataset “{answers.dataset_id}” of entry “{entry.code}” to make again.",
                                   "bỏ --replace để tạo bộ mới, hoặc sửa --id.", "drop --replace to create it, or fix --id.",
                                   where="--replace"))
        return None
    if len(mine) > 1:
        raise _Refused(Problem(mine[0].rel_folder, f"mục “{entry.code}” có {len(mine)} bộ dữ liệu.",
                               f"entry “{entry.code}” has {len(mine)} datasets.",
                               f"nêu bộ cần làm lại bằng --id ({', '.join(d.id for d in mine)}).",
                               f"name the one to make again with --id ({', '.join(d.id for d in mine)}).",
                               where="--replace"))
    return mine[0]


def _answered_before(descriptor: dict, answers: Answers) -> None:
    """What the agency answered the first time, unless a flag says otherwise now."""
    contact = descriptor.get("contact") if isinstance(descriptor.get("contact"), dict) else {}
    licences = descriptor.get("licenses") if isinstance(descriptor.get("licenses"), list) else []
    before = {"dataset_id": descriptor.get("name"), "title": descriptor.get("title"),
              "title_en": descriptor.get("title_en"), "description": descriptor.get("description"),
              "keywords": descriptor.get("keywords"), "frequency": descriptor.get("frequency"),
              "licence": licences[0].get("name") if licences and isinstance(licences[0], dict) else None,
              "contact_name": contact.get("name"), "contact_email": contact.get("email"),
              "contact_phone": contact.get("phone")}
    for key, value in before.items():
        if getattr(answers, key) is None and value not in (None, "", []):
            if key == "keywords":
                value = [str(k) for k in value] if isinstance(value, list) else None
            elif isinstance(value, str):
                value = value.strip()
            setattr(answers, key, value)


def _choose_id(root: Path, catalog: Catalog, existing: list, entry: CatalogueEntry, answers: Answers,
               prompter: Prompter) -> str:
    taken = {d.id for d in existing} | set(catalog.withdrawn)
    taken |= {p.name for p in (root / "data").glob("*/*") if p.is_dir()}

    def valid(answer: str) -> str | None:
        if not ID_PATTERN.match(answer):
            return ("chỉ dùng chữ thường không dấu, số và dấu gạch ngang, ví dụ co-so-y-te "
                    "(lower-case ASCII letters, digits and hyphens)")
        if answer in taken:
            return f"mã “{answer}” đã được dùng (the id “{answer}” is taken)"
        return None

    default = answers.dataset_id or _shorten(slugify(entry.title), 60)
    if answers.dataset_id is None and default in taken:
        n = 2
        while f"{default}-{n}" in taken:
            n += 1
        default = f"{default}-{n}"
    if answers.dataset_id is not None:
        complaint = valid(answers.dataset_id)
        if complaint:
            raise _Refused(Problem(f"data/{entry.agency}/{answers.dataset_id}", f"mã bộ dữ liệu không dùng được: {complaint}.",
                                   f"the dataset id cannot be used: {complaint}.", "chọn mã khác với --id.",
                                   "choose another id with --id.", where="--id"))
        return answers.dataset_id
    return prompter.ask("Mã bộ dữ liệu (tên thư mục)", "dataset id, the folder name", default, valid, "--id")


def _describe(catalog: Catalog, entry: CatalogueEntry, dataset_id: str, answers: Answers, prompter: Prompter) -> dict:
    agency = catalog.agencies[entry.agency]
    topic = catalog.topics.get(entry.topic)

    def required(answer: str) -> str | None:
        return None if answer.strip() else "không được để trống (required)"

    def licence_ok(answer: str) -> str | None:
        return None if answer in catalog.licences else f"dùng một trong (use one of): {', '.join(catalog.licences)}"

    def frequency_ok(answer: str) -> str | None:
        return None if answer in FREQUENCIES else f"dùng một trong (use one of): {', '.join(FREQUENCIES)}"

    def email_ok(answer: str) -> str | None:
        return None if not answer or EMAIL.match(answer) else "email không hợp lệ (not a valid e-mail)"

    def phone_ok(answer: str) -> str | None:
        digits = re.sub(r"[\s.\-]", "", answer)
        return None if not answer or PHONE.match(digits) else \
            "số điện thoại Việt Nam: 10 hoặc 11 chữ số, bắt đầu bằng 0 (a Vietnamese number: 10-11 digits from 0)"

    def given(value, check):
        """A flag's value is checked like a typed answer; a bad one is refused, never silently replaced."""
        if value is not None and check(value) is not None:
            raise UsageError(check(value))
        return value

    title = given(answers.title, required) or prompter.ask("Tên bộ dữ liệu", "title", entry.title, required, "--title")
    description = given(answers.description, required) or prompter.ask(
        "Mô tả ngắn", "description", entry.description, required, "--description")
    default_keywords = ", ".join(answers.keywords or [k for k in [topic.name.lower() if topic else ""] if k])
    keywords = answers.keywords or [k.strip() for k in prompter.ask(
        "Từ khóa, cách nhau bằng dấu phẩy", "keywords, comma-separated", default_keywords, required,
        "--keywords").split(",") if k.strip()]
    licence = given(answers.licence, licence_ok) or prompter.ask(
        "Giấy phép", "licence", catalog.portal.default_licence, licence_ok, "--licence")
    frequency = given(answers.frequency, frequency_ok) or prompter.ask(
        "Tần suất cập nhật", "update frequency", entry.frequency, frequency_ok, "--frequency")
    contact_name = answers.contact_name or prompter.ask("Đầu mối liên hệ", "contact", agency.name, required, "--contact-name")
    email = given(answers.contact_email, email_ok)
    email = email if email is not None else prompter.ask("Email liên hệ", "contact e-mail", agency.email, email_ok,
                                                         "--contact-email")
    phone = given(answers.contact_phone, phone_ok)
    phone = phone if phone is not None else prompter.ask("Điện thoại liên hệ (có thể bỏ trống)", "contact phone, optional",
                                                         "", phone_ok, "--contact-phone")
    licence_info = catalog.licences[licence]
    contact = {"name": contact_name}
    if email:
        contact["email"] = email
    if phone:
        contact["phone"] = re.sub(r"[\s.\-]", "", phone)
    descriptor: dict = {"name": dataset_id, "title": nfc(title)}
    if answers.title_en or (title == entry.title and entry.title_en):
        descriptor["title_en"] = answers.title_en or entry.title_en
    descriptor.update({
        "description": nfc(description).strip() + "\n",
        "catalogue": entry.code,
        "frequency": frequency,
        "keywords": [nfc(k) for k in keywords],
        "licenses": [{"name": licence_info.id, "title": licence_info.title, "path": licence_info.url}],
        "contact": contact,
        "spatial": f"Tỉnh {catalog.portal.province}",
    })
    return descriptor


# --- files -------------------------------------------------------------------------------------------

def _plan_files(files: list[Path], staging: Path, problems: Problems, prompter: Prompter, answers: Answers
                ) -> list[Planned]:
    """Copy each file into `staging` under a safe name and its real extension, check it, draft its resources."""
    from generator.gate import files as file_checks

    planned: list[Planned] = []
    targets: set[str] = {DESCRIPTOR}
    resource_names: set[str] = set()
    for given in files:
        path = Path(os.path.expanduser(str(given)))
        shown = str(given)
        if not path.is_file():
            problems.error(shown, f"không tìm thấy tệp “{shown}”.", f"file “{shown}” not found.",
                           "kiểm tra đường dẫn (đặt trong dấu nháy nếu có dấu cách).",
                           "check the path (quote it if it has spaces).", code="source-error")
            continue
        extension = path.suffix.lower().lstrip(".")
        kind = file_checks.sniff(path)
        if kind == "csv" and extension not in TEXT_EXTENSIONS:
            kind = extension or "unknown"  # plain text that is not a table (json, xml, …): let the check say so
        stem = slugify(path.stem) or "du-lieu"
        declared = kind if kind in FILE_FORMATS else extension
        target = _unique_file(stem, declared, targets)
        staged = staging / target
        if path.stat().st_size > file_checks.Limits().max_bytes:  # refused on its size: no need to copy it
            file_checks.check_file(path, declared, str(Path(shown).with_suffix(f".{declared}")), problems)
            continue
        shutil.copyfile(path, staged)
        # The gate's own file check (macros, passwords, wrong type, zip bombs), on the copy: readers go by
        # the extension. Messages name the file as the agency knows it, with its real extension.
        rel = str(Path(shown).with_suffix(f".{declared}"))
        real = file_checks.check_file(staged, declared, rel, problems)
        if real is None:
            continue
        plan = Planned(staged, target, real, [])
        if extension != real:
            plan.notes.append((f"“{path.name}” thực chất là {file_checks.WHAT[real][0]}: đã lưu thành “{target}”.",
                               f"“{path.name}” is really {file_checks.WHAT[real][1]}: saved as “{target}”."))
        if FORMATS[real].tabular:
            if not _plan_tables(plan, staged, path.stem, rel, resource_names, problems, prompter, answers):
                continue
        else:
            name = _unique(stem, resource_names)
            plan.resources.append({"name": name, "path": target, "title": nfc(path.stem.replace("_", " ")),
                                   "format": real, "mediatype": FORMATS[real].mediatype})
        planned.append(plan)
    return planned


def _plan_tables(plan: Planned, path: Path, label: str, rel: str, names: set[str], problems: Problems,
                 prompter: Prompter, answers: Answers) -> bool:
    """One resource per table (per sheet of a workbook), found as the gate finds it, with its drafted schema.

    Rows the reader leaves out are said; before a total row or a notes sheet is
    dropped the agency is asked (the answer is a flag too). A resource is named
    after its sheet, or the table's own title, rather than the file.
    """
    from generator.gate.encoding import check_encoding
    from generator.tables.infer import InferError, draft, named_as_labels, reading, stored_as_numbers

    if plan.kind == "csv":
        found = Problems()
        check_encoding(path, rel, found)
        if found.errors:  # unknown or unsure legacy encoding: refused with the exact command
            problems.items.extend(found.errors)
            return False
    sheets = _sheets(path, plan.kind, prompter, answers, plan) if plan.kind != "csv" else [None]
    for sheet in sheets:
        where = f"trang tính “{sheet}”" if sheet else ""
        try:
            table = reading(path, plan.kind, sheet)
            totals = table.layout.rows_skipped("total")
            if totals and not prompter.confirm(
                    f"“{plan.target}”{f' trang “{sheet}”' if sheet else ''}: bỏ {len(totals)} dòng tổng "
                    f"(dòng {', '.join(map(str, totals[:5]))}) khỏi dữ liệu?",
                    f"leave out {len(totals)} total row(s) from the data?", True, answers.drop_totals, "--keep-totals"):
                kept = [s.row for s in table.layout.skipped if s.reason != "total"
                        and s.row > table.layout.header_rows[-1]]
                declared = {"headerRows": table.layout.header_rows, "commentRows": kept}
                table = _reread(path, plan.kind, sheet, declared)
                plan.dialects[sheet] = declared
            schema = draft(table)
        except InferError as exc:
            problems.error(rel, f"không đọc được bảng: {exc.vi}.", f"cannot read the table: {exc.en}.",
                           "mở tệp bằng Excel hoặc LibreOffice, lưu lại đúng định dạng rồi chạy lại.",
                           "open it in Excel or LibreOffice, save it again in its format and run again.", where=where,
                           code="source-error")
            return False
        header = list(table.labels)
        skipped = describe_skipped(table.layout)
        if skipped:
            plan.notes.append((f"“{plan.target}”{f' trang “{sheet}”' if sheet else ''}: tiêu đề bảng ở dòng "
                               f"{', '.join(map(str, table.layout.header_rows))}; bỏ qua {skipped[0]}.",
                               f"the header is row {', '.join(map(str, table.layout.header_rows))}; left out {skipped[1]}."))
        for column in stored_as_numbers(table):
            plan.notes.append((
                f"“{plan.target}”{f' trang “{sheet}”' if sheet else ''}: cột “{column}” là mã hoặc số điện thoại nhưng "
                "được lưu dạng số, nên số 0 ở đầu đã mất. Trong Excel, định dạng cột là Văn bản (Text), gõ lại số 0 rồi "
                "chạy lại “opendata new … --replace”.",
                f"column “{column}” holds codes or phone numbers stored as numbers: their leading zeros are lost. In "
                "Excel, format the column as Text, type the zeros again and run “opendata new … --replace”."))
        renamed = [f["name"] for f in schema["fields"]]
        if plan.kind == "csv":
            # A CSV is written again as UTF-8 with commas, the field names as header and only the table's rows.
            if header != renamed or skipped or not _plain_csv(path):
                plan.rewrite_csv = (renamed, table)
                plan.notes.append((
                    f"“{plan.target}”: lưu lại dạng CSV UTF-8, dòng tiêu đề dùng tên cột không dấu "
                    f"({', '.join(renamed[:6])}{', …' if len(renamed) > 6 else ''}); tiêu đề tiếng Việt giữ trong “title”.",
                    f"“{plan.target}”: saved again as CSV UTF-8 with ASCII field names as its header; "
                    "the Vietnamese headers are kept as titles."))
        elif header != renamed:
            # A workbook is published as the agency made it: its header cells stay the field names.
            schema, _ = named_as_labels(schema, header)
            plan.notes.append((
                f"“{plan.target}”{f' trang “{sheet}”' if sheet else ''}: tên cột giữ đúng dòng tiêu đề của bảng tính. "
                f"Muốn tên không dấu cho API, sửa dòng tiêu đề thành: {','.join(renamed)} rồi chạy lại.",
                f"“{plan.target}”{f' sheet “{sheet}”' if sheet else ''}: field names are the workbook's header cells. "
                f"For ASCII names in the API, change the header row to: {','.join(renamed)} and run again."))
        title = _table_title(table) or (sheet if sheet and len(sheets) > 1 else "") or label.replace("_", " ")
        base = slugify(sheet) if sheet is not None and len(sheets) > 1 else _shorten(slugify(title), 60)
        resource: dict = {"name": _unique(base or slugify(label) or "du-lieu", names), "path": plan.target,
                          "title": nfc(title), "format": plan.kind, "mediatype": FORMATS[plan.kind].mediatype}
        if plan.kind == "csv":
            resource["encoding"] = "utf-8"
        dialect: dict = {}
        if sheet in plan.dialects:
            # The agency kept its total rows: for a CSV (written clean) the header is row 1 and nothing is left
            # out; a workbook names its rows. Either way the reader then guesses nothing.
            dialect = {"headerRows": [1]} if plan.kind == "csv" else dict(plan.dialects[sheet])
        if sheet is not None:
            dialect["excel"] = {"sheet": sheet}
        if dialect:
            resource["dialect"] = dialect
        resource["schema"] = schema
        plan.resources.append(resource)
    return True


def _reread(path: Path, kind: str, sheet: str | None, declared: dict) -> Any:
    from generator.tables.infer import InferError, comma_utf8
    from generator.tables.reader import TableReadError, read

    try:
        if kind != "csv":
            return read(path, kind, sheet, dialect=declared)
        with tempfile.TemporaryDirectory(prefix="opendata-new-") as tmp:
            return read(comma_utf8(path, Path(tmp) / "t.csv"), "csv", dialect=declared)
    except TableReadError as exc:
        raise InferError(exc.vi.rstrip("."), exc.en.rstrip(".")) from exc


def _plain_csv(path: Path) -> bool:
    from generator.tables.infer import csv_delimiter
    from generator.gate.encoding import detect

    data = path.read_bytes()
    return detect(data[:1 << 20]).encoding == "utf-8" and csv_delimiter(path) == ","


def _table_title(table: Any) -> str:
    """The report's own title in the title block above the table (not the agency, the motto or a date)."""
    from generator.tables.reader import TITLE_LINE

    lines = [s.text for s in table.layout.skipped if s.reason == "title" and s.text]
    candidates = [t for t in lines if not TITLE_LINE.search(fold(t)) and not t.startswith("(")
                  and not re.match(r"(?i)^(ubnd|ủy ban|uỷ ban|sở|ban|phòng|cục|chi cục|trung tâm)\b", t)]
    return max(candidates, key=len) if candidates else ""


NOTES_SHEET = re.compile(r"^(huong dan|ghi chu|chu thich|thuyet minh|giai thich|readme|notes?|instructions?|help)\b")


def _sheets(path: Path, kind: str, prompter: Prompter, answers: Answers, plan: Planned) -> list[str | None]:
    """The workbook's sheets that hold a table; a notes sheet is left out once the agency agrees."""
    from generator.tables.reader import TableReadError, read, sheet_names

    try:
        names = sheet_names(path)
    except TableReadError:
        return [None]  # unreadable: reading it reports the reason
    kept: list[str] = []
    for name in names:
        try:
            table = read(path, kind, name)
        except TableReadError:
            kept.append(name)  # reading it again reports the reason
            continue
        if not table.labels and table.rows == 0:
            continue  # an empty sheet
        notes = NOTES_SHEET.match(fold(name)) or len(table.labels) <= 1
        if notes and prompter.confirm(f"“{plan.target}”: trang “{name}” có vẻ là trang ghi chú, hướng dẫn; bỏ qua?",
                                      f"sheet “{name}” looks like notes or instructions; leave it out?", True,
                                      answers.skip_notes, "--keep-notes-sheets"):
            plan.notes.append((f"“{plan.target}”: bỏ qua trang ghi chú “{name}” (không phải bảng dữ liệu).",
                               f"“{plan.target}”: left out the notes sheet “{name}” (not a data table)."))
            continue
        kept.append(name)
    if len(kept) == 1 and kept[0] == names[0]:
        return [None]
    return kept or [None]


def _write_csv(target: Path, header: list[str], table: Any) -> None:
    """A table as UTF-8 NFC CSV with commas: `header`, then its data rows as the gate reads them."""
    with target.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(table.records())


def _shorten(slug: str, most: int) -> str:
    """At most `most` characters, cut between words."""
    if len(slug) <= most:
        return slug
    return slug[:most + 1].rsplit("-", 1)[0]


def _unique(base: str, taken: set[str]) -> str:
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


def _unique_file(stem: str, extension: str, taken: set[str]) -> str:
    name, n = f"{stem}.{extension}", 2
    while name in taken:
        name, n = f"{stem}-{n}.{extension}", n + 1
    taken.add(name)
    return name


# --- output ------------------------------------------------------------------------------------------

def _dump(descriptor: dict, entry: CatalogueEntry) -> str:
    """The descriptor as the sample ones are written: blocks for structure, flow for short lists."""

    class Dumper(yaml.SafeDumper):
        def increase_indent(self, flow: bool = False, indentless: bool = False):
            return super().increase_indent(flow, False)  # lists indented under their key

    def mapping(d, data):
        flow = all(not isinstance(v, (dict, list)) for v in data.values()) and len(data) <= 4 \
            and all(len(str(v)) < 60 for v in data.values())
        return d.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow and "name" not in data)

    def sequence(d, data):
        return d.represent_sequence("tag:yaml.org,2002:seq", data,
                                    flow_style=not any(isinstance(x, (dict, list)) for x in data))

    def text(d, data):
        return d.represent_scalar("tag:yaml.org,2002:str", data, style="|" if "\n" in data else None)

    Dumper.add_representer(dict, mapping)
    Dumper.add_representer(list, sequence)
    Dumper.add_representer(str, text)
    body = yaml.dump(descriptor, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=110)
    return (f"# Tạo bằng “opendata new” từ mục danh mục {entry.code}. Đọc lại tên, mô tả, từ khóa và đặc tả\n"
            "# các cột (kiểu, đơn vị, mô tả) trước khi gửi; xem docs/huong-dan-co-quan.md.\n"
            f"# Made by “opendata new” from catalogue entry {entry.code}: review it before you submit.\n" + body)


def _next_steps(folder_rel: str, valid: bool) -> str:
    fix = "" if valid else ("  0. Sửa các lỗi ở trên trong các tệp của thư mục, rồi chạy lại “opendata validate” "
                            "(fix the errors above, then run “opendata validate” again).\n")
    return ("Bước tiếp theo (next steps):\n" + fix +
            f"  1. Đọc lại {folder_rel}/{DESCRIPTOR}: mô tả, từ khóa, đơn vị và mô tả các cột.\n"
            "     (review the descriptor: description, keywords, units and field descriptions)\n"
            "  2. opendata validate --changed-since main\n"
            f"  3. git checkout -b {Path(folder_rel).name} && git add {folder_rel} && git commit -m \"…\" && git push\n"
            "  4. Mở pull request trên GitHub; kết quả kiểm tra hiện thành bình luận (open a pull request; the check "
            "posts its report as a comment).")


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem.format(), file=sys.stderr)


def from_arguments(args: argparse.Namespace) -> int:
    """The dialogue, started from `opendata new`'s arguments."""
    interactive = not args.no_input
    answers = Answers(
        code=args.code, agency=args.agency, dataset_id=args.id, title=args.title, title_en=args.title_en,
        description=args.description,
        keywords=[k.strip() for k in args.keywords.split(",") if k.strip()] if args.keywords else None,
        licence=args.licence, frequency=args.frequency, contact_name=args.contact_name,
        contact_email=args.contact_email, contact_phone=args.contact_phone,
        files=[Path(f) for f in args.files], apis=list(args.api or []), replace=args.replace,
        drop_totals=False if args.keep_totals else None, skip_notes=False if args.keep_notes_sheets else None)
    return scaffold(Path(args.root), answers, Prompter(interactive))
