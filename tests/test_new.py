"""`opendata new`: an agency scaffolds a dataset from its catalogue entry and its own files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT, run_cli, shared
from generator.gate.encoding import encode



def office(name: str) -> Path:
    return shared("fixtures/office", name)


def opendata_new(portal: Path, *args: str, answers: list[str] | None = None) -> subprocess.CompletedProcess:
    """`opendata new` as a person at a terminal (answers typed line by line) or a script (--no-input)."""
    return subprocess.run([sys.executable, "-m", "generator", "new", "--root", str(portal), *args],
                          input="\n".join(answers) + "\n" if answers is not None else "", capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def descriptor(folder: Path) -> dict:
    return yaml.safe_load((folder / "datapackage.yaml").read_text("utf-8"))


def folders(portal: Path) -> set[str]:
    return {str(p.relative_to(portal)) for p in (portal / "data").glob("*/*")}


def test_a_script_scaffolds_a_dataset_that_passes_the_gate(portal, tmp_path):
    # An agency's export: Vietnamese headers, semicolons, Windows-1258, codes and phones with leading zeros.
    export = tmp_path / "Nhà thuốc GPP.csv"
    rows = ["Mã cơ sở;Tên nhà thuốc;Huyện, thành phố;Điện thoại;Ngày cấp"]
    rows += [f"{i:05d};Nhà thuốc số {i} Đồng Tâm;Thành phố Vĩnh Yên;0211386{i:04d};2024-0{1 + i % 9}-1{i % 9}"
             for i in range(1, 40)]
    export.write_bytes(encode("\r\n".join(rows), "windows-1258"))
    result = opendata_new(portal, "--no-input", "VP-YT-002", str(export), str(office("quick.pdf")),
                          "--keywords", "nhà thuốc, dược phẩm, GPP", "--contact-phone", "0211 386 2381")
    assert result.returncode == 0, result.stdout + result.stderr
    folder = portal / "data/so-y-te/danh-sach-nha-thuoc-quay-thuoc-du-dieu-kien-kinh-doanh-duoc"
    assert sorted(p.name for p in folder.iterdir()) == ["datapackage.yaml", "nha-thuoc-gpp.csv", "quick.pdf"]
    meta = descriptor(folder)
    assert meta["name"] == folder.name and meta["catalogue"] == "VP-YT-002"
    assert meta["title"] == "Danh sách nhà thuốc, quầy thuốc đủ điều kiện kinh doanh dược"  # from the catalogue
    assert meta["frequency"] == "quarterly" and meta["licenses"][0]["name"] == "CC-BY-4.0"
    assert meta["keywords"] == ["nhà thuốc", "dược phẩm", "GPP"]
    assert meta["contact"] == {"name": "Sở Y tế", "email": "syt@vinhphuc.gov.vn", "phone": "02113862381"}
    table, pdf = meta["resources"]
    assert pdf == {"name": "quick", "path": "quick.pdf", "title": "quick", "format": "pdf",
                   "mediatype": "application/pdf"}
    fields = {f["name"]: f for f in table["schema"]["fields"]}
    assert list(fields) == ["ma_co_so", "ten_nha_thuoc", "huyen_thanh_pho", "dien_thoai", "ngay_cap"]
    assert fields["ma_co_so"]["title"] == "Mã cơ sở" and fields["ma_co_so"]["type"] == "string"
    assert fields["dien_thoai"]["type"] == "string" and fields["ngay_cap"]["type"] == "date"
    assert table["schema"]["primaryKey"] == ["ma_co_so"]
    # The copy is UTF-8 with commas and the field names as header; values (leading zeros too) unchanged.
    lines = (folder / "nha-thuoc-gpp.csv").read_text("utf-8").splitlines()
    assert lines[0] == "ma_co_so,ten_nha_thuoc,huyen_thanh_pho,dien_thoai,ngay_cap"
    assert lines[1] == "00001,Nhà thuốc số 1 Đồng Tâm,Thành phố Vĩnh Yên,02113860001,2024-02-11"
    assert "saved again as CSV UTF-8" in result.stdout
    assert "✅ Hợp lệ" in result.stdout and "opendata validate --changed-since main" in result.stdout
    # What the pull request's check will say about the whole portal.
    checked = run_cli("validate", "--root", str(portal), "--offline")
    assert checked.returncode == 0, checked.stdout


def test_a_person_answers_the_questions_in_vietnamese(portal):
    answers = [
        "1",                                  # the first open entry of the agency, by its number
        "nha-thuoc-gpp-2026",                 # dataset id
        "",                                   # title: the catalogue's
        "Danh sách nhà thuốc đạt GPP năm 2026.",  # description
        "nhà thuốc, GPP",                     # keywords
        "CC0-1.0",                            # licence
        "sometimes",                          # not a frequency: asked again
        "annual",
        "",                                   # contact name: the agency
        "khong-phai-email",                   # refused, asked again
        "duoc@syt.vinhphuc.gov.vn",
        "",                                   # no phone
        str(ROOT / "data/so-tai-chinh/du-toan-ngan-sach-2025/du-toan-ngan-sach-2025.xlsx"),
        "",                                   # no more files
        "https://api.syt.vinhphuc.gov.vn/nha-thuoc",
        "",                                   # no more APIs
    ]
    result = opendata_new(portal, "--agency", "so-y-te", answers=answers)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VP-YT-002  Danh sách nhà thuốc" in result.stderr  # the open entries were listed
    assert "dùng một trong (use one of): daily" in result.stderr
    assert "email không hợp lệ" in result.stderr
    meta = descriptor(portal / "data/so-y-te/nha-thuoc-gpp-2026")
    assert meta["description"] == "Danh sách nhà thuốc đạt GPP năm 2026.\n"
    assert meta["frequency"] == "annual" and meta["licenses"][0]["name"] == "CC0-1.0"
    assert meta["contact"] == {"name": "Sở Y tế", "email": "duoc@syt.vinhphuc.gov.vn"}
    # One resource per sheet of the workbook, the API as its own resource.
    names = [(r["name"], r.get("dialect", {}).get("excel", {}).get("sheet"), r["format"]) for r in meta["resources"]]
    assert names == [("thu-ngan-sach", "Thu ngân sách", "xlsx"),
                     ("chi-ngan-sach", "Chi ngân sách", "xlsx"),
                     ("api", None, "api")]
    assert meta["resources"][2]["path"] == "https://api.syt.vinhphuc.gov.vn/nha-thuoc"
    assert run_cli("validate", "--root", str(portal), "--offline").returncode == 0


def test_a_file_the_gate_would_refuse_stops_before_anything_is_written(portal, tmp_path):
    before = folders(portal)
    result = opendata_new(portal, "--no-input", "VP-YT-002", str(office("SimpleMacro.xlsm")),
                          str(office("PasswordProtected.doc")), str(office("quick.pdf")))
    assert result.returncode == 1
    assert "SimpleMacro.xlsm" in result.stderr and "macro" in result.stderr
    assert "PasswordProtected.doc" in result.stderr and "mật khẩu" in result.stderr
    assert "nothing was created" in result.stderr
    assert folders(portal) == before
    assert not list((portal / "data/so-y-te").glob(".new-*"))  # no staging left behind
    # A web page saved with a spreadsheet's name is no spreadsheet.
    page = tmp_path / "bao-cao.xls"
    page.write_text("<html><body><table><tr><td>Mã</td></tr></table></body></html>", encoding="utf-8")
    refused = opendata_new(portal, "--no-input", "VP-YT-002", str(page))
    assert refused.returncode == 1 and "HTML" in refused.stderr and folders(portal) == before


def test_a_file_with_the_wrong_extension_is_saved_under_its_real_type(portal, tmp_path):
    renamed = tmp_path / "so-lieu.xls"
    shutil.copy(ROOT / "data/so-tnmt/quan-trac-khong-khi-2024/quan-trac-khong-khi-2024.xlsx", renamed)
    result = opendata_new(portal, "--no-input", "VP-YT-002", str(renamed), "--keywords", "y tế")
    assert result.returncode == 0, result.stdout + result.stderr
    folder = portal / "data/so-y-te/danh-sach-nha-thuoc-quay-thuoc-du-dieu-kien-kinh-doanh-duoc"
    assert (folder / "so-lieu.xlsx").is_file() and not (folder / "so-lieu.xls").exists()
    assert "saved as “so-lieu.xlsx”" in result.stdout
    assert {r["format"] for r in descriptor(folder)["resources"]} == {"xlsx"}


def test_the_catalogue_decides_what_can_be_scaffolded(portal):
    pdf = str(office("quick.pdf"))
    taken = opendata_new(portal, "--no-input", "VP-YT-001", pdf)  # already published
    assert taken.returncode == 1 and "data/so-y-te/co-so-kham-chua-benh" in taken.stderr
    other = opendata_new(portal, "--no-input", "--agency", "so-gddt", "VP-YT-002", pdf)
    assert other.returncode == 1 and "belongs to agency “so-y-te”, not “so-gddt”" in other.stderr
    unknown = opendata_new(portal, "--no-input", "VP-YT-999", pdf)
    assert unknown.returncode == 1 and "not in the approved catalogue" in unknown.stderr
    no_code = opendata_new(portal, "--no-input", pdf)
    assert no_code.returncode == 2 and "missing catalogue code" in no_code.stderr
    bad_id = opendata_new(portal, "--no-input", "VP-YT-002", pdf, "--id", "Nhà Thuốc")
    assert bad_id.returncode == 1 and "lower-case ASCII" in bad_id.stderr
    used_id = opendata_new(portal, "--no-input", "VP-YT-002", pdf, "--id", "co-so-kham-chua-benh")
    assert used_id.returncode == 1 and "is taken" in used_id.stderr
    nothing = opendata_new(portal, "--no-input", "VP-YT-002")
    assert nothing.returncode == 2 and "no data file or API" in nothing.stderr
    assert not (portal / "data/so-y-te/danh-sach-nha-thuoc-quay-thuoc-du-dieu-kien-kinh-doanh-duoc").exists()


def test_the_guides_five_web_steps_end_with_a_valid_dataset(portal):
    """The agency guide's web walkthrough: its template, an uploaded CSV, the comment's drafted schema pasted in."""
    import re

    guide = (ROOT / "docs/huong-dan-co-quan.md").read_text("utf-8")
    template = re.search(r"<!-- mau-datapackage.*?-->\n```yaml\n(.*?)```", guide, re.S).group(1)
    folder = portal / "data/so-y-te/nha-thuoc-gpp"  # step 1: "so-y-te/" + the name typed in the template
    folder.mkdir()
    (folder / "datapackage.yaml").write_text(template, encoding="utf-8")
    (folder / "nha-thuoc-gpp.csv").write_text(  # step 2: the agency's own export, Vietnamese headers
        "Mã cơ sở,Tên nhà thuốc,Địa chỉ,Điện thoại\n"
        + "".join(f"{i:05d},Nhà thuốc {i},Phường Liên Bảo,0211386{i:04d}\n" for i in range(1, 30)), encoding="utf-8")
    # Steps 3-4: the pull request's check, as comment.yml posts it.
    first = run_cli("validate", "--root", str(portal), "--offline", "--format", "markdown")
    assert first.returncode == 1
    assert "`missing-schema`" in first.stdout and "Đặc tả soạn sẵn cho `nha-thuoc-gpp`" in first.stdout
    block = re.search(r"```yaml\n(.*?)```", first.stdout, re.S).group(1)
    assert "name: Mã cơ sở" in block and "pattern: '^[0-9]{5}$'" in block  # codes stay text, zeros kept
    # Step 5: paste the block as is under the resource's "path:" line.
    text = (folder / "datapackage.yaml").read_text("utf-8")
    line = next(x for x in text.splitlines(keepends=True) if x.lstrip().startswith("path: nha-thuoc-gpp.csv"))
    (folder / "datapackage.yaml").write_text(text.replace(line, line + block), encoding="utf-8")
    second = run_cli("validate", "--root", str(portal), "--offline", "--format", "markdown")
    assert second.returncode == 0, second.stdout
    assert "✅ Hợp lệ" in second.stdout and "Đặc tả soạn sẵn" not in second.stdout


def test_a_semicolon_csv_gets_told_to_save_with_commas_not_a_wrong_draft(portal):
    folder = portal / "data/so-y-te/nha-thuoc"
    folder.mkdir()
    (folder / "datapackage.yaml").write_text(
        "name: nha-thuoc\ntitle: Nhà thuốc\ndescription: Danh sách.\ncatalogue: VP-YT-002\nfrequency: quarterly\n"
        "keywords: [y tế]\nlicenses: [{name: CC-BY-4.0}]\ncontact: {name: Sở Y tế, email: syt@vinhphuc.gov.vn}\n"
        "resources:\n  - {name: nha-thuoc, path: nha-thuoc.csv, format: csv}\n", encoding="utf-8")
    (folder / "nha-thuoc.csv").write_text("Mã;Tên\n001;Nhà thuốc Minh Châu\n", encoding="utf-8")
    result = run_cli("validate", "--root", str(portal), "--offline")
    assert result.returncode == 1
    assert "CSV UTF-8 (Comma delimited)" in result.stdout and "Đặc tả soạn sẵn" not in result.stdout


# --- real office exports ---------------------------------------------------------------------------

def test_an_office_workbook_is_read_as_the_gate_reads_it_and_the_agency_is_asked(portal, tmp_path):
    from office_exports import facilities_xlsx

    book = facilities_xlsx(tmp_path / "Biểu 01 - cơ sở KCB.xlsx")
    flags = ["--id", "co-so-kcb-2024", "--keywords", "y tế", "--contact-phone", "", "--contact-email",
             "syt@vinhphuc.gov.vn", "--contact-name", "Sở Y tế", "--licence", "CC-BY-4.0", "--frequency", "annual",
             "--title", "Cơ sở khám chữa bệnh 2024", "--description", "Danh sách cơ sở."]
    # No more files, no API; leave out the notes sheet (c), leave out the total row (Enter: the default).
    result = opendata_new(portal, "VP-YT-002", str(book), *flags, answers=["", "", "c", ""])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "trang “Hướng dẫn” có vẻ là trang ghi chú" in result.stderr and "--keep-notes-sheets" in result.stderr
    assert "bỏ 1 dòng tổng (dòng 14)" in result.stderr and "--keep-totals" in result.stderr
    assert "left out rows 1–2, 4–5: title block above the table; row 9: row numbering the columns; " \
           "row 14: total row" in result.stdout
    assert "cột “Điện thoại” là mã hoặc số điện thoại nhưng được lưu dạng số" in result.stdout
    folder = portal / "data/so-y-te/co-so-kcb-2024"
    [resource] = descriptor(folder)["resources"]
    # Named after the table's own title, not the file; the gate finds the layout itself (no dialect needed).
    assert resource["name"] == "danh-sach-co-so-kham-benh-chua-benh-nam-2024"
    assert resource["title"] == "DANH SÁCH CƠ SỞ KHÁM BỆNH, CHỮA BỆNH NĂM 2024" and "dialect" not in resource
    names = [f["name"] for f in resource["schema"]["fields"]]
    assert names == ["STT", "Tên cơ sở", "Số giường Kế hoạch", "Số giường Thực hiện", "Điện thoại", "Mã cơ sở"]
    assert run_cli("validate", "--root", str(portal), "--offline").returncode == 0

    # The agency fixes nothing but wants its total row kept: run again; the answers given before stay.
    again = opendata_new(portal, "--no-input", "--replace", "--keep-totals", "VP-YT-002", str(book))
    assert again.returncode in (0, 1), again.stdout + again.stderr
    meta = descriptor(folder)
    assert meta["title"] == "Cơ sở khám chữa bệnh 2024" and meta["keywords"] == ["y tế"]
    assert meta["description"] == "Danh sách cơ sở.\n"
    [resource] = meta["resources"]
    assert resource["dialect"] == {"headerRows": [7, 8], "commentRows": [9, *range(15, 22)]}
    assert sorted(p.name for p in folder.iterdir()) == ["bieu-01-co-so-kcb.xlsx", "datapackage.yaml"]
    assert not list((portal / "data/so-y-te").glob(".old-*")) and not list((portal / "data/so-y-te").glob(".new-*"))


def test_an_exported_csv_is_saved_again_with_only_its_table(portal, tmp_path):
    from office_exports import PROJECTS_CSV

    export = tmp_path / "du an FDI.csv"
    export.write_text(PROJECTS_CSV, encoding="utf-8")
    result = opendata_new(portal, "--no-input", "VP-KHDT-003", str(export), "--keywords", "FDI")
    assert result.returncode == 0, result.stdout + result.stderr
    folder = next((portal / "data/so-khdt").glob("danh-muc-du-an*"))
    lines = (folder / "du-an-fdi.csv").read_text("utf-8").splitlines()
    assert lines == ["ma_du_an,ten_du_an,quoc_gia,von_dang_ky", "001234,Nhà máy linh kiện điện tử A,Hàn Quốc,12.5",
                     '001235,"Công ty TNHH B, Khu công nghiệp Bá Thiện",Nhật Bản,20', "001236,Nhà máy may mặc C,Trung Quốc,5.5"]
    [resource] = descriptor(folder)["resources"]
    assert resource["name"].startswith("danh-muc-du-an-dau-tu-truc-tiep-nuoc-ngoai")
    assert run_cli("validate", "--root", str(portal), "--offline").returncode == 0


def test_the_gate_refuses_codes_stored_as_numbers_in_a_text_field(portal, tmp_path):
    import copy
    import json

    from office_exports import FACILITY_SCHEMA, add_dataset, facilities_xlsx

    schema = copy.deepcopy(FACILITY_SCHEMA)
    schema["fields"][4]["type"] = "string"  # phone numbers are text, but the workbook stores them as numbers
    add_dataset(portal, "so-y-te", "dien-thoai-so", "VP-YT-002",
                [{"name": "co-so", "path": "b.xlsx", "format": "xlsx",
                  "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "schema": schema,
                  "dialect": {"excel": {"sheet": "Biểu 01"}}}], {"b.xlsx": facilities_xlsx(tmp_path / "b.xlsx")})
    result = run_cli("validate", "--root", str(portal), "--format", "json")
    assert result.returncode == 1
    errors = [p for task in json.loads(result.stdout)["tasks"] for p in task["errors"]]
    assert [(p["type"], p["rowNumber"], p["field"]) for p in errors] == [
        ("type-error", row, "Điện thoại") for row in (10, 11, 12, 13)]
    assert "lưu dạng số" in errors[0]["message"] and "leading zeros" in errors[0]["message_en"]
    assert "Format Cells > Text" in errors[0]["fix_en"]
