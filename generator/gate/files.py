"""Data files (Article 7.1): the real type from the bytes, no macros, no password, no zip bomb, and a file that opens.

Agencies' files arrive in pull requests, so nothing here trusts a name or a
header. The checks run cheapest first and stop at the first refusal:

1. size, from the file system, before a byte is read;
2. the real type from the bytes (`sniff`): magic numbers, the OLE2 directory
   (Workbook/Book = xls, WordDocument = doc; listed in the child below, as a
   hostile directory can be huge), the OOXML main part's content type, the
   ODF `mimetype` member; puremagic only names what we do not know;
3. for zip containers, the central directory alone (never a member's data):
   member count, declared sizes, compression ratios, overlapping members,
   nested archives; a zip bomb is refused before anything is unpacked;
4. encryption and macros from the container's structure (OLE storages,
   `EncryptionInfo`/`EncryptedPackage`, vbaProject.bin, macro-enabled content
   types, PDF `/Encrypt`), then the declared format and the file extension;
5. the integrity parse: the file is opened with the reader the portal uses
   (python-calamine, every sheet; zipfile + the main XML part; olefile; pikepdf)
   in a child process with a memory rlimit and a time limit, so a hostile
   file can crash or hang only that child. msoffcrypto-tool and oletools run
   there too, as second signals for encryption and macros.

The child is started once and reused for every file (about 0.3 s to start);
it is killed and restarted after a timeout or a crash.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import resource
import selectors
import signal
import stat
import struct
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from generator import PACKAGE_DIR
from generator.problems import Problems

ALLOWED = ("pdf", "xls", "xlsx", "doc", "docx", "csv")
KINDS = ("pdf", "xls", "doc", "xlsx", "docx", "xlsm", "docm", "ods", "odt", "html", "exe", "zip", "ole", "csv", "empty",
         "unknown")
HEAD = 64 * 1024  # type detection reads this much of the file
SMALL_PART = 1024 * 1024  # [Content_Types].xml and ODF mimetype are read only below this size
RATIO_FLOOR = 1024 * 1024  # compression ratios are judged only on members (or totals) larger than this

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",
                    b"\xca\xfe\xba\xbe")
ARCHIVE_MAGIC = {b"\x1f\x8b": "gzip", b"7z\xbc\xaf\x27\x1c": "7z", b"Rar!\x1a\x07": "RAR", b"BZh": "bzip2",
                 b"\xfd7zXZ\x00": "xz", b"MSCF": "CAB"}
NESTED_ARCHIVE = re.compile(r"\.(zip|gz|tgz|bz2|xz|7z|rar|tar|jar|cab)$", re.IGNORECASE)
# Bytes that never occur in text (tab, newlines, form feed and DOS end-of-file excepted).
CONTROL = bytes(b for b in range(32) if b not in b"\t\n\v\f\r\x1a") + b"\x7f"
PDF_ENCRYPT = re.compile(rb"/Encrypt\s*(?:\d|<<)")

# OOXML main part content types (lower case) -> kind. Templates are the same format as documents.
OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": "xlsm",
    "application/vnd.ms-excel.template.macroenabled.main+xml": "xlsm",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "docx",
    "application/vnd.ms-word.document.macroenabled.main+xml": "docm",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml": "docm",
}
OOXML_OTHER = {  # recognised but not allowed: what to call them
    "application/vnd.ms-excel.sheet.binary.macroenabled.main": ("bảng tính Excel nhị phân (.xlsb)",
                                                                "an Excel binary workbook (.xlsb)"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "bản trình chiếu PowerPoint (.pptx)", "a PowerPoint presentation (.pptx)"),
}
ODF = {"application/vnd.oasis.opendocument.spreadsheet": "ods", "application/vnd.oasis.opendocument.text": "odt"}

WHAT = {  # kind -> what the file really is, for messages (vi, en)
    "pdf": ("tệp PDF", "a PDF file"),
    "xls": ("bảng tính Excel 97-2003 (.xls)", "an Excel 97-2003 workbook (.xls)"),
    "doc": ("văn bản Word 97-2003 (.doc)", "a Word 97-2003 document (.doc)"),
    "xlsx": ("bảng tính Excel (.xlsx)", "an Excel workbook (.xlsx)"),
    "docx": ("văn bản Word (.docx)", "a Word document (.docx)"),
    "xlsm": ("bảng tính Excel có macro (.xlsm)", "a macro-enabled Excel workbook (.xlsm)"),
    "docm": ("văn bản Word có macro (.docm)", "a macro-enabled Word document (.docm)"),
    "ods": ("bảng tính OpenDocument (.ods)", "an OpenDocument spreadsheet (.ods)"),
    "odt": ("văn bản OpenDocument (.odt)", "an OpenDocument text (.odt)"),
    "html": ("trang web HTML", "an HTML web page"),
    "exe": ("chương trình chạy được (tệp thực thi)", "an executable program"),
    "zip": ("tệp nén (zip)", "a zip archive"),
    "ole": ("tệp Office cũ (OLE2) không phải Word hay Excel", "an old Office (OLE2) file that is neither Word nor Excel"),
    "csv": ("tệp văn bản thuần (CSV)", "a plain text (CSV) file"),
    "empty": ("tệp rỗng (0 byte)", "an empty file (0 bytes)"),
    "unknown": ("tệp không rõ định dạng", "a file of unknown type"),
}
FAMILY = {"xlsx": "zip", "docx": "zip", "xls": "ole", "doc": "ole"}  # declared format -> its container


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 200 * 1024 * 1024  # per file
    max_unpacked_bytes: int = 500 * 1024 * 1024  # sum of uncompressed sizes inside an OOXML zip
    max_ratio: float = 100.0  # uncompressed/compressed, per zip member and overall
    max_members: int = 10_000
    parse_seconds: float = 20.0  # time limit for the integrity parse
    max_memory_bytes: int = 1024 * 1024 * 1024  # address space of the child process that parses


@dataclass
class _Found:
    """What the bytes say, before any parse."""

    kind: str
    vi: str = ""
    en: str = ""
    damaged: str = ""  # the container is recognised but cannot be read: why (technical, English)
    bomb: tuple[str, str] | None = None  # why the zip is refused unopened (vi, en)
    encrypted: bool = False
    macros: str = ""  # where VBA was found
    main_part: str = ""  # OOXML main part, for the integrity parse

    def __post_init__(self) -> None:
        if not self.vi:
            self.vi, self.en = WHAT[self.kind]


def sniff(path: Path) -> str:
    """The real type of a file from its bytes, never its name: one of KINDS ("unknown" when unreadable)."""
    try:
        return _identify(Path(path), Limits()).kind
    except Exception:  # noqa: BLE001 - a type guess must never stop the gate
        return "unknown"


def check_file(path: Path, declared_format: str, rel: str, problems: Problems, limits: Limits = Limits()) -> str | None:
    """Check one data file; return its real format when it is acceptable, else None.

    A refused file gets one problem for `rel`, the first reason found (the checks run cheapest first), with
    what the file really is and what to do. Never raises on a file's content.
    """
    path = Path(path)
    declared = (declared_format or "").lower()
    name = Path(rel).name
    try:
        info = os.stat(path)
    except OSError as exc:
        _refuse(problems, rel, "source-error", f"không đọc được tệp “{name}” ({exc.strerror}).",
                f"“{name}” cannot be read ({exc.strerror}).", "kiểm tra tệp có trong pull request.",
                "check that the file is in the pull request.")
        return None
    if not stat.S_ISREG(info.st_mode):
        _refuse(problems, rel, "source-error", f"“{name}” không phải là một tệp thông thường.",
                f"“{name}” is not a regular file.", "đưa chính tệp dữ liệu vào thư mục bộ dữ liệu.",
                "put the data file itself in the dataset folder.")
        return None
    if info.st_size > limits.max_bytes:
        _refuse(problems, rel, "file-too-large",
                f"tệp “{name}” nặng {_size(info.st_size)}, vượt giới hạn {_size(limits.max_bytes)} cho mỗi tệp.",
                f"“{name}” is {_size(info.st_size)}, over the {_size(limits.max_bytes)} limit per file.",
                "chia dữ liệu thành nhiều tệp nhỏ hơn (ví dụ theo năm hoặc theo đơn vị), hoặc bỏ ảnh/đối tượng nhúng "
                "không cần thiết; cần đăng tệp lớn hơn thì liên hệ đơn vị vận hành cổng.",
                "split the data into smaller files (e.g. by year or by unit) or remove embedded pictures/objects; "
                "for a larger file, contact the portal's operator.")
        return None
    try:
        found = _identify(path, limits)
    except OSError as exc:
        _refuse(problems, rel, "source-error", f"không đọc được tệp “{name}” ({exc}).", f"“{name}” cannot be read ({exc}).")
        return None
    except (ValueError, LookupError, struct.error, RecursionError) as exc:  # a damage no check above foresaw
        _refuse_corrupt(problems, rel, name, _short(exc))
        return None
    if found.kind == "empty":
        _refuse(problems, rel, "empty-file", f"tệp “{name}” rỗng (0 byte).", f"“{name}” is empty (0 bytes).",
                "đính kèm lại tệp có dữ liệu, hoặc bỏ tài nguyên này khỏi datapackage.yaml.",
                "attach the file again with its data, or remove this resource from datapackage.yaml.")
        return None
    if found.bomb:
        _refuse(problems, rel, "zip-bomb",
                f"tệp “{name}” là một gói nén bất thường ({found.bomb[0]}), dấu hiệu của “bom nén” (zip bomb); "
                "tệp không được giải nén.",
                f"“{name}” is an abnormal zip package ({found.bomb[1]}), the mark of a zip bomb; it was not unpacked.",
                "mở tệp bằng Excel/Word và lưu lại thành tệp mới; nếu dữ liệu thật sự lớn như vậy, chia thành nhiều tệp.",
                "open the file in Excel/Word and save it as a new file; if the data really is that large, split it "
                "into several files.")
        return None
    if found.encrypted:
        _refuse_encrypted(problems, rel, name, found.kind)
        return None
    if found.macros:
        _refuse_macro(problems, rel, name, found)
        return None
    if found.damaged:
        family = FAMILY.get(declared)  # a damaged zip declared xlsx is a corrupt xlsx; declared pdf, it is no pdf
        if family and family in (found.kind, FAMILY.get(found.kind)):
            _refuse_corrupt(problems, rel, name, found.damaged)
        else:
            _refuse_format(problems, rel, name, declared, found)
        return None
    if found.kind not in ALLOWED or found.kind != declared:
        _refuse_format(problems, rel, name, declared, found)
        return None
    extension = Path(rel).suffix.lower().lstrip(".")
    if extension != found.kind:
        _refuse(problems, rel, "format-error",
                f"tệp “{name}” là {found.vi} nhưng có đuôi “.{extension}”: người tải về sẽ không mở được đúng.",
                f"“{name}” is {found.en} but its extension is “.{extension}”: people who download it cannot open it "
                "properly.",
                f"đổi tên tệp thành “{Path(name).stem}.{found.kind}” và sửa “path” trong datapackage.yaml.",
                f"rename the file to “{Path(name).stem}.{found.kind}” and update “path” in datapackage.yaml.")
        return None
    if found.kind == "csv":
        offset = _find_nul(path)
        if offset is not None:
            _refuse(problems, rel, "format-error",
                    f"tệp “{name}” có byte NUL ở vị trí {offset}: đây là tệp nhị phân, không phải CSV văn bản.",
                    f"“{name}” has a NUL byte at offset {offset}: it is a binary file, not CSV text.",
                    "xuất lại dữ liệu dạng CSV UTF-8 (Excel: Lưu thành > CSV UTF-8).",
                    "export the data again as CSV UTF-8 (Excel: Save As > CSV UTF-8).")
            return None
        return "csv"
    opened = _ask_child({"op": "open", "path": str(path.resolve()), "kind": found.kind, "main": found.main_part}, limits)
    if opened.get("encrypted"):
        _refuse_encrypted(problems, rel, name, found.kind)
        return None
    if opened.get("macros"):
        found.macros = opened["macros"]
        _refuse_macro(problems, rel, name, found)
        return None
    if opened.get("error"):
        _refuse_corrupt(problems, rel, name, opened["error"], opened.get("error_vi", ""))
        return None
    if opened.get("active"):
        _refuse_active(problems, rel, name, opened["active"])
        return None
    return found.kind


# --- messages -------------------------------------------------------------------------------------

def _refuse(problems: Problems, rel: str, code: str, vi: str, en: str, fix_vi: str = "", fix_en: str = "") -> None:
    problems.error(rel, vi, en, fix_vi, fix_en, code=code)


def _refuse_format(problems: Problems, rel: str, name: str, declared: str, found: _Found) -> None:
    if found.kind == declared or not declared:
        vi = f"tệp “{name}” là {found.vi}: định dạng này không được phép (Điều 7.1: pdf, xls, xlsx, doc, docx, csv)."
        en = f"“{name}” is {found.en}: this format is not allowed (Article 7.1: pdf, xls, xlsx, doc, docx, csv)."
    else:
        vi = f"tệp “{name}” khai báo là {declared} nhưng thực chất là {found.vi}."
        en = f"“{name}” is declared as {declared} but is really {found.en}."
    if found.damaged:
        vi, en = vi[:-1] + f", và bị hỏng ({found.damaged}).", en[:-1] + f", and damaged ({found.damaged})."
    fix_vi, fix_en = _format_fix(declared, found.kind)
    _refuse(problems, rel, "format-error", vi, en, fix_vi, fix_en)


def _format_fix(declared: str, kind: str) -> tuple[str, str]:
    if kind in ALLOWED and declared in ALLOWED:
        return (f"khai báo “format: {kind}” trong datapackage.yaml và đặt đuôi tệp là .{kind} "
                f"(hoặc mở tệp và lưu lại đúng dạng {declared}).",
                f"declare “format: {kind}” in datapackage.yaml and give the file the .{kind} extension "
                f"(or open it and save it as {declared}).")
    if kind == "ods":
        return ("OpenDocument không nằm trong các định dạng được phép: mở bằng LibreOffice hoặc Excel và lưu lại "
                "dạng .xlsx (Excel) hoặc .csv.",
                "OpenDocument is not an allowed format: open it in LibreOffice or Excel and save it as .xlsx or .csv.")
    if kind == "odt":
        return ("OpenDocument không nằm trong các định dạng được phép: mở bằng LibreOffice hoặc Word và lưu lại "
                "dạng .docx (hoặc xuất .pdf).",
                "OpenDocument is not an allowed format: open it in LibreOffice or Word and save it as .docx "
                "(or export .pdf).")
    if kind == "exe":
        return ("không bao giờ đăng chương trình chạy được; kiểm tra máy tính và tệp đính kèm (có thể nhầm tệp "
                "hoặc nhiễm mã độc), rồi đính kèm đúng tệp dữ liệu.",
                "executables are never published; check the computer and the attachment (a wrong file or malware), "
                "then attach the real data file.")
    if kind == "zip":
        return ("không đăng tệp nén: giải nén và đính kèm từng tệp ở định dạng được phép (pdf, xls, xlsx, doc, docx, "
                "csv).", "archives are not published: unpack it and attach each file in an allowed format.")
    if declared in ("xls", "xlsx") or (kind == "csv" and declared != "csv"):
        return ("mở bằng Excel và lưu lại dạng .xlsx (Lưu thành > Sổ làm việc Excel), hoặc xuất CSV UTF-8 và khai "
                "báo “format: csv”.",
                "open it in Excel and save it as .xlsx (Save As > Excel Workbook), or export CSV UTF-8 and declare "
                "“format: csv”.")
    if declared in ("doc", "docx"):
        return ("mở bằng Word và lưu lại dạng .docx (Lưu thành > Tài liệu Word).",
                "open it in Word and save it as .docx (Save As > Word Document).")
    if declared == "pdf":
        return ("mở tài liệu bằng phần mềm gốc và xuất lại dạng PDF.",
                "open the document in the program that made it and export it as PDF again.")
    if declared == "csv":
        return ("xuất lại dữ liệu dạng CSV UTF-8 (Excel: Lưu thành > CSV UTF-8).",
                "export the data again as CSV UTF-8 (Excel: Save As > CSV UTF-8).")
    return ("lưu tệp ở một định dạng được phép (pdf, xls, xlsx, doc, docx, csv) và khai báo đúng định dạng đó.",
            "save the file in an allowed format (pdf, xls, xlsx, doc, docx, csv) and declare that format.")


def _refuse_encrypted(problems: Problems, rel: str, name: str, kind: str) -> None:
    how = ("trong trình đọc PDF, lưu một bản PDF không mật khẩu và không giới hạn quyền" if kind == "pdf" else
           "mở tệp bằng mật khẩu, vào Tệp > Thông tin > Bảo vệ > Mã hoá bằng mật khẩu, xoá mật khẩu, lưu một bản mới")
    how_en = ("in a PDF reader, save a copy without password or permission restrictions" if kind == "pdf" else
              "open it with the password, go to File > Info > Protect > Encrypt with Password, clear the password "
              "and save a copy")
    _refuse(problems, rel, "encrypted",
            f"tệp “{name}” được đặt mật khẩu / mã hoá: người tải về không mở được và cổng không kiểm tra được nội dung.",
            f"“{name}” is password-protected / encrypted: nobody who downloads it can open it and the portal cannot "
            "check its content.",
            f"{how}; đính kèm bản không mật khẩu đó.", f"{how_en}, then attach that copy without password.")


def _refuse_macro(problems: Problems, rel: str, name: str, found: _Found) -> None:
    target = "docx" if found.kind in ("doc", "docm", "docx") else "xlsx"
    program = "Word" if target == "docx" else "Excel"
    _refuse(problems, rel, "macro",
            f"tệp “{name}” ({found.vi}) chứa macro VBA (ở “{found.macros}”): macro là mã chạy trên máy người tải về "
            "nên không được đăng.",
            f"“{name}” ({found.en}) contains VBA macros (in “{found.macros}”): macros are code that runs on the "
            "downloader's computer, so they are never published.",
            f"mở bằng {program}, lưu lại dạng .{target} (loại không có macro) và khai báo “format: {target}”, rồi đính "
            "kèm tệp mới.",
            f"open it in {program}, save it as .{target} (the macro-free type), declare “format: {target}” and attach "
            "the new file.")


def _refuse_active(problems: Problems, rel: str, name: str, active: list[str]) -> None:
    # Refused, not cleaned: a cleaned copy would differ from what the agency signed and what its
    # reviewers read, and the agency can make a clean one in a step.
    vi = ", ".join(_ACTIVE_VI[a] for a in active)
    _refuse(problems, rel, "active-content",
            f"tệp PDF “{name}” chứa nội dung chủ động ({vi}): trình đọc PDF của người tải về có thể tự chạy nó; "
            "cổng không đăng tệp như vậy.",
            f"the PDF “{name}” holds active content ({', '.join(active)}): a reader's PDF viewer may run it; the "
            "portal does not publish such files.",
            "in lại thành PDF mới (Tệp > In > “Microsoft Print to PDF” hoặc “Lưu thành PDF”), hoặc xuất từ Word/Excel "
            "thành PDF/A; bỏ tệp đính kèm và biểu mẫu; rồi gửi lại.",
            "print it to a new PDF (File > Print > “Microsoft Print to PDF” or “Save as PDF”), or export it from "
            "Word/Excel as PDF/A; leave out attachments and forms; then resubmit.")


def _refuse_corrupt(problems: Problems, rel: str, name: str, detail: str, detail_vi: str = "") -> None:
    _refuse(problems, rel, "corrupt-file",
            f"tệp “{name}” bị hỏng, không mở được (chi tiết: {detail_vi or detail}).",
            f"“{name}” is damaged and cannot be opened (detail: {detail}).",
            "mở bằng phần mềm gốc (Excel, Word, trình đọc PDF) và lưu lại thành tệp mới, hoặc xuất lại từ hệ thống "
            "nguồn, rồi đính kèm lại.",
            "open it in the program that made it (Excel, Word, a PDF reader) and save it as a new file, or export it "
            "again from the source system, then attach it again.")


def _size(n: int) -> str:
    for unit in ("byte", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "byte" else f"{n:.1f} {unit}".replace(".0 ", " ")
        n /= 1024
    return str(n)


# --- the real type --------------------------------------------------------------------------------

def _identify(path: Path, limits: Limits) -> _Found:
    if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO or device would block or never end
        return _Found("unknown")
    with path.open("rb") as f:
        head = f.read(HEAD)
    if not head:
        return _Found("empty")
    if head.startswith(EXECUTABLE_MAGIC):  # before everything: a self-extracting zip is still a program
        return _Found("exe")
    if head.startswith(OLE_MAGIC):
        return _ole(path, limits)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip(path, limits)
    if b"%PDF-" in head[:1024]:  # readers accept junk before the header
        return _Found("pdf", encrypted=_pdf_encrypted(path))
    for magic, label in ARCHIVE_MAGIC.items():
        if head.startswith(magic):
            return _Found("zip", f"tệp nén {label}", f"a {label} archive")
    return _text(head) or _Found("unknown", *_guess(head))


def _text(head: bytes) -> _Found | None:
    """Plain text, an HTML page or another text format saved under an Office name; None for binary."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _Found("unknown", "văn bản UTF-16 (“Unicode Text” của Excel)", "UTF-16 text (Excel's “Unicode Text”)")
    if b"\x00" in head or len(head) - len(head.translate(None, CONTROL)) > len(head) // 100:
        return None
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<table", b"<meta", b"<title", b"<style")) \
            or (start.startswith((b"<?xml", b"<!--")) and b"<html" in start[:4096]):
        return _Found("html")
    if start.startswith(b"mime-version:") and b"multipart/related" in start[:4096]:
        return _Found("html", "trang web lưu một tệp (.mht)", "a single-file web page (.mht)")
    if start.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in start:
        return _Found("unknown", "bảng tính XML 2003 (XML Spreadsheet)", "an XML Spreadsheet 2003")
    if start.startswith(b"{\\rtf"):
        return _Found("unknown", "văn bản RTF", "an RTF document")
    return _Found("csv")


def _guess(head: bytes) -> tuple[str, str]:
    """puremagic's name for a binary we do not handle, only to make the message concrete."""
    try:
        import puremagic

        best = puremagic.magic_string(head)[0]
        return f"tệp nhị phân không được phép ({best.name}, {best.extension})", f"a binary file ({best.name}, {best.extension})"
    except Exception:  # noqa: BLE001 - no guess is fine
        return WHAT["unknown"]


def _ole(path: Path, limits: Limits) -> _Found:
    # The directory is read in the child: a hostile directory of a million entries would cost gigabytes here.
    answer = _ask_child({"op": "list", "path": str(path.resolve()), "max": limits.max_members}, limits)
    if answer.get("error"):
        return _Found("ole", "tệp Office cũ (OLE2)", "an old Office (OLE2) file", damaged=f"OLE2: {answer['error']}")
    entries = answer["entries"]
    root = {e[0].lower() for e in entries if len(e) == 1}
    macros = next(("/".join(e) for e in entries
                   if any(part.lower() in ("_vba_project_cur", "macros", "vba", "_vba_project") for part in e)), "")
    if {"encryptioninfo", "encryptedpackage"} <= root:
        return _Found("ole", "tệp Office (xlsx/docx) đã mã hoá bằng mật khẩu", "a password-encrypted Office file (xlsx/docx)",
                      encrypted=True)
    if "workbook" in root or "book" in root:
        return _Found("xls", macros=macros)
    if "worddocument" in root:
        return _Found("doc", macros=macros)
    if "powerpoint document" in root:
        return _Found("ole", "bản trình chiếu PowerPoint 97-2003 (.ppt)", "a PowerPoint 97-2003 presentation (.ppt)")
    return _Found("ole")


def _zip(path: Path, limits: Limits) -> _Found:
    size = path.stat().st_size
    with path.open("rb") as f:
        bomb = _eocd_bomb(f, size, limits)
        if bomb:  # too many members to even list: refused before zipfile reads the directory
            return _Found("zip", bomb=bomb)
        try:
            archive = zipfile.ZipFile(f)
            infos = archive.infolist()
        except Exception as exc:  # noqa: BLE001 - BadZipFile, ValueError, struct.error, ...
            return _Found("zip", damaged=f"zip: {_short(exc)}")
        bomb = _zip_bomb(infos, limits)
        damaged, overlap = _local_headers(f, infos, size)
        found = _zip_kind(archive, infos)
    if overlap:
        bomb = bomb or ("các thành phần chồng lên nhau", "overlapping members")
    found.bomb, found.damaged = bomb, found.damaged or damaged
    names = [i.filename for i in infos]
    vba = next((n for n in names if n.lower().endswith("vbaproject.bin") or n.lower().startswith("xl/macrosheets/")), "")
    if found.kind in ("xlsm", "docm"):
        found.macros = vba or "[Content_Types].xml"
    elif vba and found.kind in ("xlsx", "docx"):
        found.macros = vba
    return found


def _eocd_bomb(f, size: int, limits: Limits) -> tuple[str, str] | None:
    """Member count and directory size from the end-of-central-directory record, before zipfile reads the directory."""
    f.seek(max(0, size - 65_557))
    tail = f.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return None  # zipfile will say what is wrong
    count, cd_size = struct.unpack_from("<H", tail, at + 10)[0], struct.unpack_from("<I", tail, at + 12)[0]
    locator = tail.rfind(b"PK\x06\x07", 0, at)
    if locator >= 0 and at - locator == 20:  # zip64: the real numbers are in the zip64 record
        offset = struct.unpack_from("<Q", tail, locator + 8)[0]
        if offset < size:
            f.seek(offset)
            record = f.read(56)
            if record[:4] == b"PK\x06\x06" and len(record) == 56:
                count, cd_size = struct.unpack_from("<QQ", record, 32)
    if count > limits.max_members:
        return f"{count} thành phần, giới hạn {limits.max_members}", f"{count} members, limit {limits.max_members}"
    if cd_size > limits.max_members * 1024:
        return (f"danh mục thành phần dài {_size(cd_size)}", f"a {_size(cd_size)} central directory")
    return None


def _zip_bomb(infos: list[zipfile.ZipInfo], limits: Limits) -> tuple[str, str] | None:
    if len(infos) > limits.max_members:
        return f"{len(infos)} thành phần, giới hạn {limits.max_members}", f"{len(infos)} members, limit {limits.max_members}"
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if unpacked > limits.max_unpacked_bytes:
        return (f"giải nén ra {_size(unpacked)}, giới hạn {_size(limits.max_unpacked_bytes)}",
                f"unpacks to {_size(unpacked)}, limit {_size(limits.max_unpacked_bytes)}")
    for i in infos:
        if i.file_size > RATIO_FLOOR and i.file_size > limits.max_ratio * max(i.compress_size, 1):
            ratio = i.file_size / max(i.compress_size, 1)
            return (f"thành phần “{i.filename}” nén {ratio:.0f} lần, giới hạn {limits.max_ratio:.0f}",
                    f"member “{i.filename}” is compressed {ratio:.0f} times, limit {limits.max_ratio:.0f}")
    if unpacked > RATIO_FLOOR and unpacked > limits.max_ratio * max(packed, 1):
        ratio = unpacked / max(packed, 1)
        return (f"cả gói nén {ratio:.0f} lần, giới hạn {limits.max_ratio:.0f}",
                f"the whole package is compressed {ratio:.0f} times, limit {limits.max_ratio:.0f}")
    # Office embeds documents (word/embeddings/*.xlsx) and those are never unpacked here; a plain archive inside
    # an Office file has no purpose but to be unpacked recursively.
    nested = next((i.filename for i in infos if NESTED_ARCHIVE.search(i.filename)), None)
    if nested:
        return f"chứa tệp nén lồng “{nested}”", f"holds a nested archive “{nested}”"
    return None


def _local_headers(f, infos: list[zipfile.ZipInfo], size: int) -> tuple[str, bool]:
    """(damage, overlap): every member's local header is where the directory says, and no two members share bytes."""
    spans = []
    for i in infos:
        if not 0 <= i.header_offset < size:
            return f"zip: member “{i.filename}” starts outside the file", False
        f.seek(i.header_offset)
        header = f.read(30)
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            return f"zip: member “{i.filename}” has no local header", False
        name_len, extra_len = struct.unpack_from("<HH", header, 26)
        end = i.header_offset + 30 + name_len + extra_len + i.compress_size
        if end > size:
            return f"zip: member “{i.filename}” is cut short", False
        spans.append((i.header_offset, end))
    spans.sort()
    return "", any(a_end > b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))


def _zip_kind(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> _Found:
    by_name = {i.filename.lower(): i for i in infos}
    if "mimetype" in by_name:
        mimetype = _small_member(archive, by_name["mimetype"])
        kind = ODF.get(mimetype.decode("ascii", "replace").strip()) if mimetype is not None else None
        if kind:
            return _Found(kind)
        return _Found("zip", "tài liệu OpenDocument khác", "another OpenDocument file") if mimetype else _Found("zip")
    if "[content_types].xml" not in by_name:
        return _Found("zip")
    data = _small_member(archive, by_name["[content_types].xml"])
    if data is None:
        return _Found("zip", damaged="zip: [Content_Types].xml cannot be read")
    try:
        from defusedxml.ElementTree import fromstring

        types = fromstring(data)
    except Exception as exc:  # noqa: BLE001 - ParseError, DefusedXmlException, ...
        return _Found("zip", damaged=f"[Content_Types].xml: {_short(exc)}")
    for element in types:
        content_type = (element.get("ContentType") or "").lower()
        if content_type in OOXML_MAIN:
            kind = OOXML_MAIN[content_type]
            # An Override names the part; a Default (by extension) leaves it at Office's usual place.
            part = element.get("PartName") or ("/word/document.xml" if kind.startswith("doc") else "/xl/workbook.xml")
            return _Found(kind, main_part=part)
        if content_type in OOXML_OTHER:
            return _Found("unknown", *OOXML_OTHER[content_type])
    return _Found("zip", "gói Office (OOXML) không có phần chính", "an Office (OOXML) package without a main part")


def _small_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    if info.file_size > SMALL_PART:
        return None
    try:
        with archive.open(info) as member:
            return member.read(SMALL_PART + 1)[:SMALL_PART]
    except Exception:  # noqa: BLE001 - damaged member
        return None


def _pdf_encrypted(path: Path) -> bool:
    """/Encrypt in the last trailer (classic trailer at the end, or the xref stream that startxref points to)."""
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(max(0, size - 4096))
        tail = f.read()
        if PDF_ENCRYPT.search(tail):
            return True
        match = re.search(rb"startxref\s+(\d{1,12})", tail)
        if match and int(match.group(1)) < size:
            f.seek(int(match.group(1)))
            return bool(PDF_ENCRYPT.search(f.read(4096)))
    return False


def _find_nul(path: Path) -> int | None:
    offset = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            at = chunk.find(b"\x00")
            if at >= 0:
                return offset + at
            offset += len(chunk)
    return None


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "…"


# --- the integrity parse, in a child process -------------------------------------------------------

class _Opener:
    """A long-lived child that opens files under a memory rlimit; killed and replaced when it overruns or dies."""

    def __init__(self, memory: int):
        self.memory = memory
        package_root = str(PACKAGE_DIR.parent)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
        self.proc = subprocess.Popen([sys.executable, "-c", f"from {__name__} import _serve; _serve({memory})"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self.buffer = b""
        if self._line(60.0) != b"ready":
            self.close()
            raise RuntimeError("the file checker's child process did not start (are python-calamine, pikepdf, "
                               "olefile, oletools and msoffcrypto-tool installed?)")

    def ask(self, request: dict, seconds: float) -> dict | None:
        """The child's answer, or None when it took longer than `seconds` or died (it is then gone)."""
        try:
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
            self.proc.stdin.flush()
        except OSError:
            self.close()
            return None
        line = self._line(seconds)
        if line is None:
            self.close()
            return None
        return json.loads(line)

    def _line(self, seconds: float) -> bytes | None:
        deadline = time.monotonic() + seconds
        fd = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self.buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    return None
                chunk = os.read(fd, 65536)
                if not chunk:  # the child died
                    return None
                self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self, wait: float = 0.0) -> None:
        """Stop the child: at once (it overran), or after `wait` seconds to let it see end-of-input and exit."""
        if wait:
            try:
                self.proc.stdin.close()
                self.proc.wait(wait)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


_lock = threading.Lock()
_opener: _Opener | None = None


def _ask_child(request: dict, limits: Limits) -> dict:
    """The child's answer to one request, or {"error": ...} when it overran its time or memory."""
    global _opener
    request = {**request, "seconds": limits.parse_seconds}
    with _lock:
        if _opener is None or not _opener.alive or _opener.memory != limits.max_memory_bytes:
            if _opener is not None:
                _opener.close()
            _opener = _Opener(limits.max_memory_bytes)
        answer = _opener.ask(request, limits.parse_seconds)
        if answer is not None:
            return answer
        # We kill it on timeout (SIGKILL); the kernel ends a parse past its CPU budget (SIGXCPU).
        timed_out = _opener.proc.returncode in (-signal.SIGKILL, -signal.SIGXCPU)
        _opener = None
    if timed_out:
        return {"error": f"opening it took longer than {limits.parse_seconds:g} s",
                "error_vi": f"mở tệp mất hơn {limits.parse_seconds:g} giây"}
    return {"error": f"the reader stopped abruptly: it needed more than {_size(limits.max_memory_bytes)} of memory "
                     "or crashed", "error_vi": f"trình đọc dừng đột ngột: cần hơn {_size(limits.max_memory_bytes)} bộ "
                                               "nhớ hoặc bị lỗi"}


@atexit.register
def _stop_opener() -> None:
    if _opener is not None:
        _opener.close(wait=1.0)


def _serve(memory: int) -> None:
    """The child: one JSON request per line on stdin, one JSON answer per line on the original stdout."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # whatever a library prints must not corrupt the answers
    import logging

    logging.disable(logging.CRITICAL)
    # Imported before the first request, so their start-up time never counts against a file's time limit.
    import msoffcrypto  # noqa: F401
    import olefile  # noqa: F401
    import pikepdf  # noqa: F401
    import python_calamine  # noqa: F401
    from oletools import olevba  # noqa: F401

    print("ready", file=answers, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        used = resource.getrusage(resource.RUSAGE_SELF)
        # Backstop to the parent's clock: the kernel ends a parse that spins past its CPU budget.
        cpu = int(used.ru_utime + used.ru_stime + request["seconds"]) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, resource.RLIM_INFINITY))
        try:
            if request["op"] == "list":
                answer = _list_ole(Path(request["path"]), request["max"])
            elif request["op"] == "call":
                answer = _call(request["target"], Path(request["path"]))
            else:
                answer = _open_file(Path(request["path"]), request["kind"], request["main"])
        except MemoryError:
            answer = {"error": f"needs more than {_size(memory)} of memory to open",
                      "error_vi": f"cần hơn {_size(memory)} bộ nhớ để mở"}
        except BaseException as exc:  # noqa: BLE001 - RecursionError and anything else a damaged file provokes
            answer = {"error": _short(exc)}
        print(json.dumps(answer), file=answers, flush=True)


# Readers of agency files that other parts of the build run in this child (same time and memory
# limits): "module:function", each taking the file's path and returning a JSON-able dict.
SANDBOXED = frozenset({"generator.publish.discovery.documents:read_docx", "generator.publish.discovery.documents:read_doc",
                       "generator.publish.discovery.documents:read_pdf"})


def sandboxed(target: str, path: Path, limits: Limits = Limits()) -> dict:
    """Run one of SANDBOXED on `path` in the child; {"error": …, "error_vi": …} when it overran or failed."""
    if target not in SANDBOXED:
        raise ValueError(f"{target} is not a sandboxed reader")
    return _ask_child({"op": "call", "target": target, "path": str(path)}, limits)


def _call(target: str, path: Path) -> dict:
    import importlib

    if target not in SANDBOXED:
        return {"error": f"{target} is not a sandboxed reader"}
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)(path)


def _list_ole(path: Path, most: int) -> dict:
    import olefile

    with olefile.OleFileIO(str(path)) as ole:
        entries = ole.listdir(streams=True, storages=True)
    if len(entries) > most:
        return {"error": f"{len(entries)} streams, more than {most}"}
    return {"entries": entries}


def _open_file(path: Path, kind: str, main: str) -> dict:
    """Open the file as the portal will; second signals for encryption and macros (child process only)."""
    answer: dict = {}
    if kind in ("xls", "doc"):
        answer.update(_ole_flags(path, kind))
        try:
            import msoffcrypto

            with path.open("rb") as f:
                if msoffcrypto.OfficeFile(f).is_encrypted():
                    answer["encrypted"] = True
        except Exception:  # noqa: BLE001 - a second signal; the parse below decides on damage
            pass
    if kind in ("xls", "doc", "xlsx", "docx") and not answer.get("encrypted"):
        try:
            from oletools.olevba import VBA_Parser

            parser = VBA_Parser(str(path))
            try:
                if parser.detect_vba_macros():
                    answer["macros"] = "VBA project (oletools)"
            finally:
                parser.close()
        except Exception:  # noqa: BLE001 - a second signal
            pass
    if answer.get("encrypted") or answer.get("macros") or answer.get("error"):
        return answer
    if kind == "pdf":
        answer.update(_open_pdf(path))
    elif kind in ("xls", "xlsx"):
        if kind == "xlsx":
            answer["error"] = _test_zip(path)
        if not answer.get("error"):
            _open_workbook(path)
    elif kind == "docx":
        answer["error"] = _test_zip(path) or _parse_main_part(path, main)
    elif kind == "doc":
        _read_all_streams(path)
    return {k: v for k, v in answer.items() if v}


def _ole_flags(path: Path, kind: str) -> dict:
    """Encryption and Excel 4.0 macro sheets from the Word FIB or the Excel BIFF globals."""
    import olefile

    with olefile.OleFileIO(str(path)) as ole:
        if kind == "doc":
            fib = ole.openstream("WordDocument").read(32)
            if len(fib) < 12 or struct.unpack_from("<H", fib, 0)[0] != 0xA5EC:
                return {"error": "WordDocument has no Word file information block"}
            n_fib, flags = struct.unpack_from("<H", fib, 2)[0], struct.unpack_from("<H", fib, 10)[0]
            if flags & 0x0100:  # fEncrypted
                return {"encrypted": True}
            table = "1Table" if flags & 0x0200 else "0Table"
            if n_fib >= 0x00C1 and not ole.exists(table):  # Word 97 and later keep their tables there
                return {"error": f"the {table} stream is missing"}
            return {}
        name = "Workbook" if ole.exists("Workbook") else "Book"
        data = ole.openstream(name).read()
    pos, first = 0, True
    while pos + 4 <= len(data):
        record, length = struct.unpack_from("<HH", data, pos)
        body = data[pos + 4:pos + 4 + length]
        if first and record not in (0x0809, 0x0409, 0x0209, 0x0009):
            return {"error": f"{name} does not start with a BOF record"}
        first = False
        if record == 0x002F:  # FILEPASS
            return {"encrypted": True}
        if record == 0x0085 and len(body) >= 6 and body[5] in (0x01, 0x06):  # BOUNDSHEET of a macro sheet / VB module
            return {"macros": "Excel 4.0 macro sheet"}
        if record == 0x000A:  # EOF of the workbook globals
            break
        pos += 4 + length
    return {}


def _open_workbook(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        for _ in book.get_sheet_by_name(name).iter_rows():
            pass


def _test_zip(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        bad = archive.testzip()  # every member's CRC: zip-bomb limits were checked before we got here
    return f"zip member “{bad}” is damaged" if bad else ""


def _parse_main_part(path: Path, main: str) -> str:
    """The main XML part must be well-formed. Plain expat without Python callbacks per element runs at C speed;
    a DTD is refused, so no entity can expand (the XML bombs defusedxml guards against need one)."""
    from xml.parsers import expat

    def refuse_dtd(*_args) -> None:
        raise ValueError("a DTD inside an Office part is not allowed")

    def first(name: str, _attributes) -> None:
        root.append(name)
        parser.StartElementHandler = None

    root: list[str] = []
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = first
    with zipfile.ZipFile(path) as archive:
        by_name = {i.filename.lower(): i for i in archive.infolist()}
        info = by_name.get(main.lstrip("/").lower())
        if info is None:
            return f"the main part {main} is missing"
        with archive.open(info) as stream:
            try:
                parser.ParseFile(stream)
            except expat.ExpatError as exc:
                return f"{main}: {exc}"
    if not root or not root[0].endswith("}document"):
        return f"{main} is not a Word document body"
    return ""


def _read_all_streams(path: Path) -> None:
    import olefile

    with olefile.OleFileIO(str(path)) as ole:
        for entry in ole.listdir(streams=True, storages=False):
            with ole.openstream(entry) as stream:
                while stream.read(1 << 20):
                    pass


# Active content a PDF viewer may run or open by itself: action types (/S), keys, and object types.
_ACTIVE_ACTIONS = {"/JavaScript": "JavaScript", "/Launch": "launch action", "/SubmitForm": "form submission",
                   "/ImportData": "data import", "/GoToE": "embedded document", "/Rendition": "media",
                   "/RichMediaExecute": "rich media"}
_ACTIVE_KEYS = {"/JS": "JavaScript", "/AA": "automatic actions", "/OpenAction": "action run on open",
                "/EmbeddedFiles": "embedded files", "/XFA": "XFA form", "/RichMediaContent": "rich media"}
_ACTIVE_TYPES = {"/EmbeddedFile": "embedded files", "/FileAttachment": "embedded files", "/RichMedia": "rich media"}
_ACTIVE_VI = {"JavaScript": "JavaScript", "launch action": "lệnh chạy chương trình", "form submission": "gửi biểu mẫu",
              "data import": "nhập dữ liệu", "embedded document": "tài liệu nhúng", "media": "đa phương tiện",
              "rich media": "đa phương tiện", "automatic actions": "thao tác tự chạy",
              "action run on open": "thao tác chạy khi mở tệp", "embedded files": "tệp đính kèm",
              "XFA form": "biểu mẫu XFA"}
_PDF_OBJECTS = 2_000_000  # objects walked at most; the child's time limit is the backstop


def _pdf_active(pdf) -> list[str]:
    """Every kind of active content reachable from the trailer (direct objects included), sorted."""
    import pikepdf

    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack = [pdf.trailer]
    walked = 0
    while stack and walked < _PDF_OBJECTS:
        obj = stack.pop()
        walked += 1
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Array):
            stack.extend(v for v in obj if isinstance(v, (pikepdf.Array, pikepdf.Dictionary, pikepdf.Stream)))
            continue
        if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            continue
        for key, value in obj.items():
            if key == "/OpenAction" and isinstance(value, pikepdf.Array):
                continue  # a destination ("open at page 1"), not an action
            if key == "/OpenAction" and isinstance(value, pikepdf.Dictionary) and value.get("/S") == "/GoTo":
                continue
            if key in _ACTIVE_KEYS:
                found.add(_ACTIVE_KEYS[key])
            elif key == "/S" and str(value) in _ACTIVE_ACTIONS:
                found.add(_ACTIVE_ACTIONS[str(value)])
            elif key in ("/Type", "/Subtype") and str(value) in _ACTIVE_TYPES:
                found.add(_ACTIVE_TYPES[str(value)])
            if key != "/Parent" and isinstance(value, (pikepdf.Array, pikepdf.Dictionary, pikepdf.Stream)):
                stack.append(value)
    return sorted(found)


def _open_pdf(path: Path) -> dict:
    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return {"encrypted": True}
    with pdf:
        if pdf.is_encrypted:
            return {"encrypted": True}
        pages = len(pdf.pages)
        for page in pdf.pages:
            page.obj.get("/Contents")
        if not pages:
            return {"error": "the PDF has no pages"}
        return {"active": _pdf_active(pdf)}
