"""Data files: real type, macros, passwords, zip bombs and corrupt files are refused with a message that says what to do."""

from __future__ import annotations

import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, shared, shared_names
from generator.gate.files import ALLOWED, KINDS, Limits, check_file, sniff
from generator.problems import Problems

CORRUPT = shared_names("fixtures/office", "clusterfuzz-testcase-*")


def office(name: str) -> Path:
    return shared("fixtures/office", name)

# file -> (what sniff says, the refusal's code or None when accepted)
FIXTURES = {
    "SampleSS.xls": ("xls", None), "Simple.xls": ("xls", None), "SimpleWithFormula.xls": ("xls", None),
    "SampleSS.xlsx": ("xlsx", None), "SimpleMultiCell.xlsx": ("xlsx", None),
    "simple.doc": ("doc", None), "simple-table.doc": ("doc", None),
    "sample.docx": ("docx", None), "SimpleHeadThreeColFoot.docx": ("docx", None),
    "quick.pdf": ("pdf", None),
    "SampleSS.ods": ("ods", "format-error"),
    "SimpleMacro.xls": ("xls", "macro"), "SimpleMacro.xlsm": ("xlsm", "macro"),
    "SimpleMacro.doc": ("doc", "macro"), "SimpleMacro.docm": ("docm", "macro"),
    "PasswordProtected.doc": ("doc", "encrypted"), "protected_sha512.xlsx": ("ole", "encrypted"),
    **{name: (None, "corrupt-file") for name in CORRUPT},
}

CONTENT_TYPES_DOCX = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                      b'content-types"><Default Extension="xml" ContentType="application/xml"/><Override '
                      b'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                      b'wordprocessingml.document.main+xml"/></Types>')
W = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def check(path: Path, declared: str | None = None, rel: str | None = None, limits: Limits = Limits()):
    problems = Problems()
    rel = rel or f"data/so-thu/bo-du-lieu/{path.name}"
    result = check_file(path, declared or path.suffix.lstrip("."), rel, problems, limits)
    return result, problems.items


def refused(path: Path, code: str, declared: str | None = None, limits: Limits = Limits()):
    """The one problem a refused file gets: right code, names the file, says what to do in both languages."""
    result, items = check(path, declared, limits=limits)
    assert result is None
    assert [p.code for p in items] == [code], [p.format() for p in items]
    problem = items[0]
    assert problem.severity == "error" and problem.file.endswith(path.name)
    assert path.name in problem.vi and path.name in problem.en
    assert problem.fix_vi and problem.fix_en
    return problem


# --- a zip written by hand, so a member's data can be a prepared deflate stream -----------------------

def deflate_repeated(prefix: bytes, chunk: bytes, times: int, suffix: bytes) -> tuple[bytes, int, int]:
    """(raw deflate, crc32, size) of prefix + chunk*times + suffix, compressing `chunk` once.

    After a full flush the compressor forgets its history, so every repeated chunk compresses to the same bytes.
    """
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = comp.compress(prefix) + comp.flush(zlib.Z_FULL_FLUSH)
    body = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    assert again == body
    tail = comp.compress(suffix) + comp.flush()
    crc = zlib.crc32(prefix)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    return head + body * times + tail, crc, len(prefix) + len(chunk) * times + len(suffix)


def deflated(data: bytes) -> tuple[bytes, int, int]:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush(), zlib.crc32(data), len(data)


def write_zip(path: Path, members: list[tuple[str, tuple[bytes, int, int]]]) -> Path:
    local, central = b"", b""
    for name, (data, crc, size) in members:
        encoded = name.encode()
        fields = struct.pack("<HHHHHIIIHH", 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
        central += b"PK\x01\x02" + struct.pack("<H", 20) + fields + struct.pack("<HHHII", 0, 0, 0, 0, len(local)) + encoded
        local += b"PK\x03\x04" + fields + encoded + data
    eocd = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(members), len(members), len(central), len(local), 0)
    path.write_bytes(local + central + eocd)
    return path


def docx_shaped(path: Path, document: tuple[bytes, int, int], *extra: tuple[str, tuple[bytes, int, int]]) -> Path:
    return write_zip(path, [("[Content_Types].xml", deflated(CONTENT_TYPES_DOCX)), ("word/document.xml", document),
                            *extra])


# --- the fixtures' verdicts ---------------------------------------------------------------------------

def test_every_fixture_is_covered():
    assert sorted(FIXTURES) == sorted(p.name for p in shared("fixtures/office").iterdir() if p.name != "README.md")
    assert len(CORRUPT) == 3


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_office_fixture_gets_what_its_readme_says(name):
    path = office(name)
    kind, code = FIXTURES[name]
    if kind:
        assert sniff(path) == kind
    if code is None:
        assert check(path) == (path.suffix.lstrip("."), [])
        return
    problem = refused(path, code)
    if name == "SampleSS.ods":
        assert "OpenDocument" in problem.vi and "7.1" in problem.vi
        assert ".xlsx" in problem.fix_vi and ".csv" in problem.fix_vi and ".xlsx" in problem.fix_en
    if code == "macro":
        assert "macro" in problem.vi and "VBA" in problem.en
        assert (".docx" if "doc" in name else ".xlsx") in problem.fix_vi
    if code == "encrypted":
        assert "mật khẩu" in problem.vi and "without password" in problem.fix_en
    if code == "corrupt-file":
        assert "bị hỏng" in problem.vi and "lưu lại" in problem.fix_vi


def test_the_sample_portal_files_are_accepted():
    paths = [p for ext in ALLOWED for p in sorted((ROOT / "data").glob(f"*/*/*.{ext}"))]
    assert {p.suffix for p in paths} == {f".{ext}" for ext in ALLOWED}
    for path in paths:
        assert check(path, rel=str(path.relative_to(ROOT))) == (path.suffix.lstrip("."), []), path


# --- the real type against the declared format and the extension ------------------------------------

def test_html_saved_as_xls_is_refused_with_what_it_really_is(tmp_path):
    path = tmp_path / "bao-cao.xls"
    path.write_text('<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body><table><tr><td>1</td></tr>'
                    "</table></body></html>", encoding="utf-8")
    assert sniff(path) == "html"
    problem = refused(path, "format-error")
    assert "khai báo là xls nhưng thực chất là trang web HTML" in problem.vi
    assert "HTML" in problem.en and "Excel" in problem.fix_vi and ".xlsx" in problem.fix_vi


def test_xlsx_renamed_xls_is_refused_as_really_xlsx(tmp_path):
    path = shutil.copy(office("SampleSS.xlsx"), tmp_path / "so-lieu.xls")
    assert sniff(path) == "xlsx"
    problem = refused(path, "format-error")
    assert "thực chất là bảng tính Excel (.xlsx)" in problem.vi
    assert "format: xlsx" in problem.fix_vi and ".xlsx" in problem.fix_en


def test_extension_must_match_the_real_format(tmp_path):
    path = shutil.copy(office("SampleSS.xlsx"), tmp_path / "so-lieu.xls")
    problem = refused(path, "format-error", declared="xlsx")
    assert "“.xls”" in problem.vi and "so-lieu.xlsx" in problem.fix_vi


@pytest.mark.parametrize("content", [b"\x7fELF\x02\x01\x01\x00" + bytes(200),
                                     b"MZ\x90\x00\x03" + bytes(100) + b"%PDF-1.4 polyglot"])
def test_executable_named_pdf_is_refused(tmp_path, content):
    path = tmp_path / "thuyet-minh.pdf"
    path.write_bytes(content)
    assert sniff(path) == "exe"
    problem = refused(path, "format-error")
    assert "chương trình chạy được" in problem.vi and "executable" in problem.en


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "rong.csv"
    path.write_bytes(b"")
    assert sniff(path) == "empty"
    assert "rỗng" in refused(path, "empty-file").vi


def test_oversize_file_is_refused_before_reading(tmp_path, monkeypatch):
    path = shutil.copy(office("SampleSS.xls"), tmp_path / "lon.xls")
    problem = refused(path, "file-too-large", limits=Limits(max_bytes=1000))
    assert "17 KB" in problem.vi and "1000 byte" in problem.vi
    # 300 MB (sparse, so the test writes nothing) against the default limit: refused without a byte read.
    big = tmp_path / "rat-lon.csv"
    with big.open("wb") as f:
        f.truncate(300 * 1024 * 1024)
    monkeypatch.setattr(Path, "open", lambda *a, **k: pytest.fail("the file was opened"))
    assert "300 MB" in refused(big, "file-too-large").vi


def test_utf16_text_named_csv_is_refused_with_the_fix(tmp_path):
    path = tmp_path / "bang.csv"
    path.write_bytes("\ufeffmã\tten\n01\tA\n".encode("utf-16-le"))
    problem = refused(path, "format-error")
    assert "UTF-16" in problem.vi and "CSV UTF-8" in problem.fix_vi


def test_csv_with_a_nul_byte_past_the_first_block_is_refused(tmp_path):
    path = tmp_path / "du-lieu.csv"
    path.write_bytes(b"ma,ten\n" + b"01,An\n" * 20_000 + b"02,B\x00nh\n")
    assert sniff(path) == "csv"
    assert "NUL" in refused(path, "format-error").vi
    path.write_bytes(b"ma,ten\n01,An\n")
    assert check(path) == ("csv", [])


# --- macros and passwords -----------------------------------------------------------------------------

def test_docm_renamed_docx_is_refused_for_its_macros(tmp_path):
    path = shutil.copy(office("SimpleMacro.docm"), tmp_path / "van-ban.docx")
    assert sniff(path) == "docm"
    problem = refused(path, "macro")
    assert "vbaProject.bin" in problem.vi and ".docx" in problem.fix_vi


def test_docx_with_a_vba_project_but_an_ordinary_content_type_is_refused(tmp_path):
    page = b'<w:document xmlns:w="' + W + b'"><w:body/></w:document>'
    path = docx_shaped(tmp_path / "lua.docx", deflated(page), ("word/vbaProject.bin", deflated(b"\x00" * 64)))
    assert sniff(path) == "docx"
    assert "vbaProject.bin" in refused(path, "macro").vi


@pytest.mark.parametrize("user", ["", "mat-khau"])
def test_pdf_with_encrypt_in_its_trailer_is_refused(tmp_path, user):
    path = tmp_path / "bao-mat.pdf"
    with pikepdf.open(office("quick.pdf")) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="chu-so-huu", user=user))
    assert b"/Encrypt" in path.read_bytes()
    assert "PDF" in refused(path, "encrypted").fix_vi


# --- zip bombs: refused from the central directory, before anything is unpacked ----------------------

def test_a_one_gigabyte_zip_bomb_is_refused_from_its_directory(tmp_path):
    zeros = deflate_repeated(b'<w:document xmlns:w="' + W + b'"><w:body><w:t>', bytes(1 << 20), 1024,
                             b"</w:t></w:body></w:document>")
    path = docx_shaped(tmp_path / "bom.docx", zeros)
    assert path.stat().st_size < 2 * 1024 * 1024 and zeros[2] > 1 << 30
    assert sniff(path) == "docx"
    problem = refused(path, "zip-bomb")
    assert "giải nén ra 1 GB" in problem.vi and "bom nén" in problem.vi
    # The same member under a generous size limit is still refused for its compression ratio.
    problem = refused(path, "zip-bomb", limits=Limits(max_unpacked_bytes=4 << 30))
    assert "word/document.xml" in problem.en and "limit 100" in problem.en


def test_too_many_members_and_nested_archives_are_refused(tmp_path):
    page = deflated(b'<w:document xmlns:w="' + W + b'"><w:body/></w:document>')
    many = docx_shaped(tmp_path / "nhieu.docx", page, *[(f"word/media/{i}.xml", deflated(b"<a/>")) for i in range(60)])
    assert "62 members" in refused(many, "zip-bomb", limits=Limits(max_members=50)).en
    nested = docx_shaped(tmp_path / "long.docx", page, ("word/media/42.zip", deflated(b"PK\x05\x06" + bytes(18))))
    assert "42.zip" in refused(nested, "zip-bomb").vi


def test_overlapping_members_are_refused(tmp_path):
    page = deflated(b'<w:document xmlns:w="' + W + b'"><w:body/></w:document>')
    path = docx_shaped(tmp_path / "chong.docx", page)
    data = bytearray(path.read_bytes())
    # A second central directory entry that points at the first member's bytes (Fifield's overlapping bomb).
    cd_at = data.rindex(b"PK\x05\x06")
    cd_start = struct.unpack_from("<I", data, cd_at + 16)[0]
    first = data[cd_start:data.index(b"PK\x01\x02", cd_start + 4)]
    entries = bytes(data[cd_start:cd_at]) + first
    eocd = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 3, 3, len(entries), cd_start, 0)
    path.write_bytes(bytes(data[:cd_start]) + entries + eocd)
    assert "overlapping" in refused(path, "zip-bomb").en


# --- the integrity parse: in a child with a time limit and a memory limit ----------------------------

def test_a_parse_that_takes_too_long_is_stopped_and_the_next_file_still_checks(tmp_path):
    # 450 MB of empty paragraphs: well-formed, within the size limits, about 8 s to check in full.
    paragraphs = deflate_repeated(b'<w:document xmlns:w="' + W + b'"><w:body>', b"<w:p/>" * 170_000, 450,
                                  b"</w:body></w:document>")
    path = docx_shaped(tmp_path / "cham.docx", paragraphs)
    limits = Limits(parse_seconds=0.3, max_ratio=1e6)
    problem = refused(path, "corrupt-file", limits=limits)
    assert "0.3 s" in problem.en
    assert check(office("sample.docx"), limits=limits) == ("docx", [])


def dense_workbook(path: Path, far_cell: str) -> Path:
    """A 1.5 KB xlsx with two cells, A1 and `far_cell`: the reader allocates the whole rectangle between them."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{rel}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="Sheet1" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
        f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        f'<row r="{far_cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}"><c r="{far_cell}"><v>2</v></c></row></sheetData>'
        "</worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def test_a_tiny_workbook_that_needs_gigabytes_is_refused_without_harm(tmp_path):
    small = dense_workbook(tmp_path / "nho.xlsx", "C3")
    assert check(small) == ("xlsx", [])
    # 100 columns x 1,000,000 rows: the reader asks for 3.2 GB; in the child the 1 GB rlimit stops it.
    path = dense_workbook(tmp_path / "day-dac.xlsx", "CV1000000")
    assert path.stat().st_size < 2000
    problem = refused(path, "corrupt-file")
    assert "1 GB" in problem.en and "bộ nhớ" in problem.vi
    assert check(office("SampleSS.xlsx")) == ("xlsx", [])  # a new child took over


def write_ole(path: Path, streams: list[str]) -> Path:
    """A compound file (512-byte sectors) whose directory holds empty streams, as a balanced tree under the root."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    entries = ["Root Entry", *streams]
    dir_sectors = -(-len(entries) // 4)
    assert 1 + dir_sectors <= 128  # one FAT sector is enough
    fat = [fat_sector, *range(2, dir_sectors + 1), end]
    children = {}

    def tree(low: int, high: int) -> int:  # entries low..high-1 (1-based ids), sorted; returns the subtree's root
        if low >= high:
            return free
        mid = (low + high) // 2
        children[mid] = (tree(low, mid), tree(mid + 1, high))
        return mid

    top = tree(1, len(entries))
    directory = b""
    for i, name in enumerate(entries):
        encoded = name.encode("utf-16-le") + b"\0\0"
        left, right = children.get(i, (free, free))
        kind, child = (5, top) if i == 0 else (2, free)
        directory += (encoded.ljust(64, b"\0") + struct.pack("<HBBIII", len(encoded), kind, 1, left, right, child)
                      + bytes(36) + struct.pack("<III", end, 0, 0))
    directory = directory.ljust(dir_sectors * 512, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0) + struct.pack("<I", 0)
              + struct.pack("<108I", *[free] * 108))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat) + struct.pack("<I", free) * (128 - len(fat))
    path.write_bytes(header + fat_bytes + directory)
    return path


def test_an_ole_directory_with_too_many_streams_is_refused(tmp_path):
    path = write_ole(tmp_path / "nhieu.doc", ["WordDocument", *[f"s{i:04}" for i in range(200)]])
    assert sniff(path) == "doc"
    assert "201 streams, more than 50" in refused(path, "corrupt-file", limits=Limits(max_members=50)).en
    # Within the limits the listing works and the empty WordDocument stream is what gives it away.
    assert "Word file information block" in refused(path, "corrupt-file").en


def test_a_damaged_member_is_found_by_its_checksum(tmp_path):
    page = b'<w:document xmlns:w="' + W + b'"><w:body/></w:document>'
    data, crc, size = deflated(page)
    path = docx_shaped(tmp_path / "hong.docx", (data, crc ^ 1, size))
    assert "word/document.xml" in refused(path, "corrupt-file").en


# --- fuzzing: arbitrary and mutated bytes never raise and always finish ------------------------------

FUZZ_LIMITS = Limits(parse_seconds=3)
EXTENSIONS = [*ALLOWED, "ods", "bin"]
MAGICS = [b"", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04", b"PK\x05\x06", b"%PDF-1.7\n", b"MZ", b"<html>",
          b"\xff\xfe", b"\xef\xbb\xbf"]


def verdict_is_sane(path: Path, declared: str) -> None:
    assert sniff(path) in KINDS
    problems = Problems()
    result = check_file(path, declared, f"data/a/b/{path.name}", problems, FUZZ_LIMITS)
    assert (result is None) == bool(problems.errors)
    assert result is None or result in ALLOWED
    assert all(p.file == f"data/a/b/{path.name}" and p.code and p.vi and p.en for p in problems.items)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(magic=st.sampled_from(MAGICS), body=st.binary(max_size=4096), ext=st.sampled_from(EXTENSIONS))
def test_fuzz_arbitrary_bytes(tmp_path_factory, magic, body, ext):
    path = tmp_path_factory.mktemp("fuzz") / f"tep.{ext}"
    path.write_bytes(magic + body)
    verdict_is_sane(path, ext)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(FIXTURES)), data=st.data())
def test_fuzz_mutated_fixtures(tmp_path_factory, name, data):
    original = (office(name)).read_bytes()
    mutated = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8), label="flips")):
        at = data.draw(st.integers(0, len(mutated) - 1), label="offset")
        mutated[at] = data.draw(st.integers(0, 255), label="byte")
    cut = data.draw(st.one_of(st.none(), st.integers(0, len(mutated))), label="truncate at")
    path = tmp_path_factory.mktemp("mutated") / name
    path.write_bytes(bytes(mutated[:cut]))
    verdict_is_sane(path, path.suffix.lstrip("."))


def test_a_sparse_sheet_that_would_fill_memory_is_refused_before_the_gate_reads_it(tmp_path):
    """Two cells far apart make a tiny file whose grid is 600 million cells: readers build the whole grid.
    The integrity parse runs in a child with a memory limit, so the gate's own process never reads it."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"], sheet["A2"] = "ma", "ten", "01"
    sheet.cell(row=300_000, column=2_000, value="x")
    path = tmp_path / "thua.xlsx"
    book.save(path)
    assert path.stat().st_size < 20_000
    problems = Problems()
    assert check_file(path, "xlsx", "data/a/b/thua.xlsx", problems) is None
    (error,) = problems.errors
    assert error.code == "corrupt-file" and "more than 1 GB of memory" in error.en


# --- PDF active content: refused, naming what was found -------------------------------------------

def _pdf_with(tmp_path: Path, name: str, change) -> Path:
    path = tmp_path / f"{name}.pdf"
    with pikepdf.open(office("quick.pdf")) as pdf:
        change(pdf)
        pdf.save(path)
    return path


def _js(pdf):
    return pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))


ACTIVE_PDFS = {
    "open-action-js": (lambda pdf: pdf.Root.__setitem__("/OpenAction", _js(pdf)), "JavaScript"),
    "names-js": (lambda pdf: pdf.Root.__setitem__("/Names", pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(
        Names=pikepdf.Array([pikepdf.String("a"), _js(pdf)])))), "JavaScript"),
    "launch": (lambda pdf: pdf.Root.__setitem__("/OpenAction", pikepdf.Dictionary(
        S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))), "launch action"),
    "page-aa": (lambda pdf: pdf.pages[0].obj.__setitem__("/AA", pikepdf.Dictionary(O=_js(pdf))), "automatic actions"),
    "attachment": (lambda pdf: pdf.attachments.__setitem__(
        "x.exe", pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", filename="x.exe")), "embedded files"),
    "xfa": (lambda pdf: pdf.Root.__setitem__("/AcroForm", pikepdf.Dictionary(
        Fields=pikepdf.Array(), XFA=pdf.make_stream(b"<xdp:xdp/>"))), "XFA form"),
}


@pytest.mark.parametrize("name", sorted(ACTIVE_PDFS))
def test_pdf_with_active_content_is_refused(tmp_path, name):
    change, what = ACTIVE_PDFS[name]
    problem = refused(_pdf_with(tmp_path, name, change), "active-content")
    assert what in problem.en and "PDF" in problem.fix_vi and "print it to a new PDF" in problem.fix_en


def test_pdf_opening_at_a_page_is_accepted(tmp_path):
    path = _pdf_with(tmp_path, "mo-trang-1", lambda pdf: pdf.Root.__setitem__(
        "/OpenAction", pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])))
    problems = Problems()
    assert check_file(path, "pdf", f"data/x/y/{path.name}", problems) == "pdf", problems.items
