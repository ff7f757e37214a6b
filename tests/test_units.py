"""Administrative units before and after 1 July 2025, on the real lists: the catalog, the gate's unit checks,
`opendata units lookup` and `opendata units add-new`, spatial coverage in the outputs."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_portal, run_cli, shared

from generator.portal import units as U
from generator.gate.run import validate



def real(name: str = "") -> Path:
    return shared("fixtures/real", name) if name else shared("fixtures/real")
VINH_PHUC, PHU_THO = "26", "25"


@pytest.fixture(scope="module")
def listed() -> U.Units:
    return U.load(ROOT)


@pytest.fixture(scope="module")
def source() -> dict:
    """The dvhcvn merges, read straight from the published file: old code -> [(new code, scope)]."""
    merges = json.loads(real("vn-units-merges-2025.json").read_text("utf-8"))["data"]
    out: dict[str, list[tuple[str, str]]] = {}
    provinces: dict[str, str] = {}
    for p in merges:
        for m in p["merges"]:
            provinces[m["old_id"]] = p["level1_id"]
        for c in p["level2s"]:
            for m in c["merges"]:
                out.setdefault(m["old_id"], []).append((c["level2_id"], m["type"]))
    new_names = {w["Code"]: w["FullName"] for p in json.loads(real("vn-units-2025.json").read_text("utf-8"))
                 for w in p["Wards"]}
    return {"communes": out, "provinces": provinces, "new_names": new_names}


def test_the_catalog_lists_the_whole_country_in_both_generations(listed):
    assert len(listed.all(U.NEW, "province")) == 34
    assert len(listed.all(U.NEW, "commune")) == 3321
    assert len(listed.all(U.OLD, "province")) == 63
    assert len(listed.all(U.OLD, "commune")) == 10052
    # Districts exist only before 1 July 2025; Vĩnh Phúc had nine.
    vinh_phuc = listed.unit(U.OLD, VINH_PHUC)
    assert sorted(d.full_name for d in listed.children(vinh_phuc) if d.level == "district") == [
        "Huyện Bình Xuyên", "Huyện Lập Thạch", "Huyện Sông Lô", "Huyện Tam Dương", "Huyện Tam Đảo",
        "Huyện Vĩnh Tường", "Huyện Yên Lạc", "Thành phố Phúc Yên", "Thành phố Vĩnh Yên"]
    notice = (ROOT / "catalog/units/NOTICE.md").read_text("utf-8")
    for holder in ("Thang Le Quoc", "dvhcvn", "vietnamdb"):
        assert holder in notice  # the licence notices travel with the lists


def test_the_script_regenerates_the_catalog_files_exactly(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "scripts/make_units.py"), "--sources", str(real()),
                             "--out", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for name in ("units-2025.csv", "units-pre2025.csv", "merges-2025.csv", "NOTICE.md"):
        assert (tmp_path / name).read_bytes() == (ROOT / "catalog/units" / name).read_bytes(), name


def test_every_vinh_phuc_commune_maps_to_its_phu_tho_commune_as_the_source_says(listed, source):
    vinh_phuc = listed.unit(U.OLD, VINH_PHUC)
    communes = [c for d in listed.children(vinh_phuc) for c in listed.children(d) if c.level == "commune"]
    communes += [c for c in listed.children(vinh_phuc) if c.level == "commune"]
    assert len(communes) == 120  # in force until 30 June 2025
    for c in communes:
        got = [(link.unit.code, link.scope) for link in listed.successors(c)]
        assert sorted(got) == sorted(source["communes"][c.code]), c.full_name
        assert all(listed.province_of(link.unit).code == PHU_THO for link in listed.successors(c))
    # Known ones, whole: Thị trấn Tam Đảo and Thị trấn Hợp Châu are now Xã Tam Đảo; Phường Liên Bảo is
    # now Phường Vĩnh Phúc (of Phú Thọ).
    assert [(s.unit.code, s.unit.full_name, s.scope) for s in listed.successors(listed.unit(U.OLD, "08908"))] == [
        ("08911", "Xã Tam Đảo", "full")]
    assert [(s.unit.full_name, s.scope) for s in listed.successors(listed.unit(U.OLD, "08710"))] == [
        ("Phường Vĩnh Phúc", "full")]
    made_of = {link.unit.full_name for link in listed.predecessors(listed.unit(U.NEW, "08911"))}
    assert made_of == {"Thị trấn Tam Đảo", "Thị trấn Hợp Châu", "Xã Hồ Sơn", "Xã Minh Quang"}


def test_a_commune_split_between_two_new_ones_is_partial(listed, source):
    # The real lists have no split commune in former Vĩnh Phúc; in the new Phú Thọ (former Hòa Bình) Xã Vầy Nưa
    # was split between Phường Thống Nhất and Xã Tiền Phong.
    vay_nua = listed.named(U.OLD, "commune", "Vầy Nưa")[0]
    assert listed.place(vay_nua).endswith("Tỉnh Hoà Bình") or listed.place(vay_nua).endswith("Tỉnh Hòa Bình")
    got = sorted((s.unit.code, s.unit.full_name, s.scope) for s in listed.successors(vay_nua))
    assert got == [("04828", "Phường Thống Nhất", "partial"), ("04891", "Xã Tiền Phong", "partial")]
    assert sorted(c for c, _ in source["communes"][vay_nua.code]) == ["04828", "04891"]
    assert "(một phần)" in listed.label(vay_nua)


def test_provinces_and_districts_map_too(listed):
    assert [(s.unit.code, s.scope) for s in listed.successors(listed.unit(U.OLD, VINH_PHUC))] == [(PHU_THO, "full")]
    assert {s.unit.full_name for s in listed.predecessors(listed.unit(U.NEW, PHU_THO))} >= {"Tỉnh Vĩnh Phúc", "Tỉnh Phú Thọ"}
    tam_dao = listed.by_ref("pre-2025:26-huyen-tam-dao")
    assert listed.label(tam_dao) == ("Huyện Tam Đảo (trước 01/07/2025), nay thuộc các xã Tam Dương Bắc, Tam Đảo, "
                                     "Đạo Trù, Đại Đình (Tỉnh Phú Thọ)")


def test_names_compare_accent_free_with_and_without_the_type_word(listed):
    dai_dinh = listed.unit(U.NEW, "08923")
    for written in ("Xã Đại Đình", "Đại Đình", "dai dinh", "XA DAI DINH", "x. Đại-Đình"):
        assert dai_dinh.named(written), written
    assert not dai_dinh.named("Phường Đại Đình")  # a wrong type word is a different name
    assert not dai_dinh.named("Đạo Trù")
    hoa = [u for u in listed.named(U.NEW, "commune", "Tân Hòa", listed.unit(U.NEW, PHU_THO))]
    assert hoa and all(u.name in ("Tân Hoà", "Tân Hòa") for u in hoa)  # "Hòa" and "Hoà" are one name


# ---------------------------------------------------------------------------------------------------------------
# The gate


def _portal(tmp_path: Path, fields: list[dict], rows: list[list[str]], temporal: dict | None = None) -> Path:
    root = copy_portal(tmp_path / "portal", ["data/cuc-thong-ke/xa-phuong-phu-tho-2025"])
    folder = root / "data/cuc-thong-ke/thu-nghiem-don-vi"
    folder.mkdir(parents=True)
    with open(folder / "bang.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([f["name"] for f in fields])
        w.writerows(rows)
    descriptor = yaml.safe_load((ROOT / "data/cuc-thong-ke/xa-phuong-phu-tho-2025/datapackage.yaml").read_text("utf-8"))
    descriptor.update(name="thu-nghiem-don-vi", title="Thử nghiệm đơn vị hành chính", temporal=temporal or {},
                      resources=[{"name": "bang", "path": "bang.csv", "format": "csv", "mediatype": "text/csv",
                                  "encoding": "utf-8", "schema": {"fields": fields}}])
    if not temporal:
        descriptor.pop("temporal")
    (folder / "datapackage.yaml").write_text(yaml.safe_dump(descriptor, allow_unicode=True), encoding="utf-8")
    return root


NEW_FIELDS = [{"name": "ma_xa", "type": "string", "admin_unit": {"level": "commune", "generation": 2025, "holds": "code"}},
              {"name": "ten_xa", "type": "string",
               "admin_unit": {"level": "commune", "generation": 2025, "holds": "name", "code_field": "ma_xa"}},
              {"name": "so_lieu", "type": "integer"}]


def _problems(root: Path, dataset: str = "thu-nghiem-don-vi"):
    report = validate(root, offline=True)
    return [p for p in report.problems if dataset in p.file and p.code.startswith("unit")]


def test_good_units_pass_and_each_wrong_one_is_flagged_with_its_suggestion(tmp_path):
    rows = [["08923", "Xã Đại Đình", "1"],      # right
            ["08923", "dai dinh", "2"],          # right: accent-free, without the type word
            ["08999", "Xã Đại Đình", "3"],      # wrong code: the row's name says which
            ["08911", "Xã Đạo Trù", "4"],       # a name that is not its code's
            ["08908", "Thị trấn Tam Đảo", "5"],  # a unit of before 1 July 2025 in a field of 2025
            ["", "", "6"]]                      # nothing to check
    problems = _problems(_portal(tmp_path, NEW_FIELDS, rows))
    by_row = {p.row: p for p in problems}
    assert sorted(by_row) == [4, 5, 6], [p.format() for p in problems]  # header is row 1
    wrong = by_row[4]
    assert (wrong.code, wrong.field, wrong.cell, wrong.severity) == ("unit-unknown", "ma_xa", "08999", "error")
    assert "08923" in wrong.vi and "08923" in wrong.en and "ghi mã 08923" in wrong.fix_vi and "code 08923" in wrong.fix_en
    assert wrong.where == "dòng 4, cột “ma_xa”"
    mismatch = by_row[5]
    assert (mismatch.code, mismatch.field, mismatch.cell) == ("unit-name-mismatch", "ten_xa", "Xã Đạo Trù")
    assert "Xã Tam Đảo" in mismatch.fix_vi and "Xã Tam Đảo" in mismatch.fix_en  # the code's own name
    assert "08914" in mismatch.vi  # and the code the written name has
    old = by_row[6]
    assert (old.code, old.field, old.cell, old.severity) == ("unit-outdated", "ma_xa", "08908", "error")
    assert "Xã Tam Đảo (08911)" in old.fix_vi and "Xã Tam Đảo (08911)" in old.fix_en
    assert "trước 01/07/2025" in old.vi and "before 1 July 2025" in old.en
    # The name of a row whose code is wrong is not reported twice.
    assert not [p for p in problems if p.row == 4 and p.field == "ten_xa"]


def test_old_units_in_data_dated_after_the_changeover_are_flagged_with_the_new_ones(tmp_path):
    fields = [{"name": "ma_xa", "type": "string",
               "admin_unit": {"level": "commune", "generation": "pre-2025", "holds": "code"}},
              {"name": "ngay", "type": "date"}]
    rows = [["08908", "2025-06-30"], ["08908", "2025-07-01"], ["04891", "2025-08-01"]]
    problems = _problems(_portal(tmp_path, fields, rows, temporal={"start": "2025-01-01", "end": "2025-12-31"}))
    assert not [p for p in problems if p.severity == "error"], [p.format() for p in problems]
    outdated = [p for p in problems if p.code == "unit-outdated"]
    assert [p.row for p in outdated] == [3, 4]  # the row of 30 June is not flagged
    assert "Xã Tam Đảo (08911)" in outdated[0].fix_vi
    split = outdated[1]  # Xã Vầy Nưa went, in part, to two new units: both are named, and the choice is the agency's
    assert "Phường Thống Nhất (04828, một phần)" in split.fix_vi and "Xã Tiền Phong (04891, một phần)" in split.fix_vi
    assert "chọn đơn vị đúng" in split.fix_vi and "choose the right one" in split.fix_en
    # The table is flagged as recording old units, with the command that adds the new ones.
    flag = [p for p in problems if p.code == "unit-pre-2025"]
    assert len(flag) == 1 and "opendata units add-new" in flag[0].fix_vi and flag[0].severity == "warning"


def test_a_whole_table_dated_after_the_changeover_flags_each_old_unit(tmp_path):
    fields = [{"name": "ten_huyen", "type": "string",
               "admin_unit": {"level": "district", "generation": "pre-2025", "holds": "name", "within": "26"}}]
    problems = _problems(_portal(tmp_path, fields, [["Huyện Tam Đảo"], ["huyen tam dao"], ["Huyện Không Có"]],
                                 temporal={"start": "2025-07-01"}))
    unknown = [p for p in problems if p.severity == "error"]
    assert [(p.row, p.code, p.cell) for p in unknown] == [(4, "unit-unknown", "Huyện Không Có")]
    outdated = [p for p in problems if p.code == "unit-outdated"]
    assert [p.row for p in outdated] == [2, 3]
    assert "Xã Đại Đình" in outdated[0].fix_vi and "Xã Tam Đảo" in outdated[0].fix_vi


def test_a_name_without_code_is_looked_up_in_its_province_and_near_names_suggested(tmp_path):
    fields = [{"name": "xa", "type": "string",
               "admin_unit": {"level": "commune", "generation": 2025, "holds": "name", "within": "25"}}]
    problems = _problems(_portal(tmp_path, fields, [["Xã Đại Đình"], ["Xã Đại Đìn"], ["tam dao"]]))
    assert [(p.row, p.code) for p in problems if p.severity == "error"] == [(3, "unit-unknown")]
    assert "Xã Đại Đình" in problems[0].vi and "Did you mean" in problems[0].en


def test_a_bad_declaration_is_refused_before_any_row_is_read(tmp_path):
    fields = [{"name": "ma_huyen", "type": "string",
               "admin_unit": {"level": "district", "generation": 2025, "holds": "code"}},
              {"name": "ma", "type": "integer", "admin_unit": {"level": "commune", "generation": 2025, "holds": "code"}},
              {"name": "ten", "type": "string", "admin_unit": {"level": "commune", "generation": "2024", "holds": "name"}}]
    report = validate(_portal(tmp_path, fields, [["1", "2", "x"]]), offline=True)
    schema = [p for p in report.problems if p.code == "schema-error" and "admin_unit" in p.where]
    assert [p.field for p in schema] == ["ma_huyen", "ma", "ten"]
    assert "cấp huyện" in schema[0].vi and "string" in schema[1].vi and "pre-2025" in schema[2].vi
    assert all("docs/huong-dan-co-quan.md" in p.fix_vi for p in schema)


def test_frictionless_tolerates_the_declaration():
    from frictionless import Package

    descriptor = yaml.safe_load((ROOT / "data/cuc-thong-ke/ma-xa-vinh-phuc-truoc-2025/datapackage.yaml").read_text("utf-8"))
    assert list(Package.metadata_validate(descriptor)) == []
    package = Package(descriptor, basepath=str(ROOT / "data/cuc-thong-ke/ma-xa-vinh-phuc-truoc-2025"))
    report = package.validate()
    assert report.valid, report.flatten(["type", "note"])


def test_the_sample_portal_passes_with_its_old_table_flagged():
    report = validate(ROOT, offline=True)
    assert report.valid, [p.format() for p in report.errors]
    flags = {(p.file, p.code) for p in report.warnings if p.code.startswith("unit")}
    assert ("data/cuc-thong-ke/ma-xa-vinh-phuc-truoc-2025/xa-phuong-thi-tran.csv", "unit-pre-2025") in flags
    # its converted copy carries the new units beside the old: not flagged
    assert not [f for f, _ in flags if f.endswith("xa-phuong-thi-tran-don-vi-moi.csv")]


def test_spatial_units_must_exist_and_a_near_one_is_suggested(tmp_path):
    root = _portal(tmp_path, NEW_FIELDS, [["08923", "Xã Đại Đình", "1"]])
    path = root / "data/cuc-thong-ke/thu-nghiem-don-vi/datapackage.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["spatial"] = ["pre-2025:26-huyen-tam-dao", "2025:26"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = validate(root, offline=True)
    bad = [p for p in report.errors if p.where.startswith("spatial")]
    assert [p.where for p in bad] == ["spatial[2]"]
    assert "pre-2025:26 (Tỉnh Vĩnh Phúc)" in bad[0].vi  # the code exists, in the other generation


# ---------------------------------------------------------------------------------------------------------------
# The commands


def test_lookup_answers_old_to_new_and_new_to_old_accent_free():
    result = run_cli("units", "lookup", "tam dao", "--format", "json")
    assert result.returncode == 0, result.stderr
    found = {(item["generation"], item["name"]): item for item in json.loads(result.stdout)}
    district = found[("pre-2025", "Huyện Tam Đảo")]
    assert [b["name"] for b in district["became"]] == ["Xã Tam Dương Bắc", "Xã Tam Đảo", "Xã Đạo Trù", "Xã Đại Đình"]
    new = found[("2025", "Xã Tam Đảo")]
    assert {m["code"] for m in new["made_of"]} == {"08908", "08911", "08929", "08932"}
    text = run_cli("units", "lookup", "08911").stdout
    assert "Thị trấn Hợp Châu, Huyện Tam Đảo, Tỉnh Vĩnh Phúc [08911]" in text  # the old unit with this code
    assert "Xã Tam Đảo, Tỉnh Phú Thọ [08911]" in text  # and the new one
    assert "Tỉnh Phú Thọ" in run_cli("units", "lookup", "Vĩnh Phúc").stdout
    missing = run_cli("units", "lookup", "khong co don vi nay")
    assert missing.returncode == 1 and "Không tìm thấy" in missing.stderr and "No administrative unit" in missing.stderr


def test_add_new_writes_the_new_units_beside_the_old_cell_by_cell(tmp_path, source):
    table = tmp_path / "so-lieu.csv"
    rows = [["08908", "Thị trấn Tam Đảo", "10"],  # whole, into Xã Tam Đảo
            ["08710", "Phường Liên Bảo", "20"],  # whole, into Phường Vĩnh Phúc
            ["04891", "Xã Vầy Nưa", "30"],       # split between two
            ["99999", "Xã Không Có", "40"],      # no such old unit
            ["", "", "50"]]
    with open(table, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([["ma_xa", "ten_xa", "so_lieu"], *rows])
    result = run_cli("units", "add-new", str(table), "--field", "ma_xa")
    assert result.returncode == 0, result.stderr
    assert "2 toàn bộ, 1 một phần" in result.stdout and "1 không rõ" in result.stdout
    with open(tmp_path / "so-lieu-don-vi-moi.csv", encoding="utf-8", newline="") as fh:
        out = list(csv.reader(fh))
    assert out[0] == ["ma_xa", "ma_xa_2025", "ma_xa_2025_ten", "ma_xa_2025_sap_xep", "ten_xa", "so_lieu"]
    for (code, name, value), got in zip(rows, out[1:]):
        assert got[0] == code and got[4:] == [name, value]  # the old cells stay as they were
        if code in source["communes"]:
            expected = sorted(source["communes"][code])
            assert got[1].split("; ") == [c for c, _ in expected]
            assert got[2].split("; ") == [source["new_names"][c] for c, _ in expected]
            assert got[3] == ("toàn bộ" if len(expected) == 1 and expected[0][1] == "full" else "một phần")
        elif code:
            assert got[1:3] == ["", ""] and got[3].startswith("không rõ") and "99999" in got[3]
        else:
            assert got[1:4] == ["", "", ""]
    assert out[1][1:4] == ["08911", "Xã Tam Đảo", "toàn bộ"]
    assert out[3][1:4] == ["04828; 04891", "Phường Thống Nhất; Xã Tiền Phong", "một phần"]


def test_add_new_on_names_reads_a_workbook_through_the_one_reader(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Số liệu"
    for row in [["STT", "huyen", "xa"], [1, "Huyện Tam Đảo", "Xã Bồ Lý"], [2, "Huyện Lập Thạch", "Xã Xuân Hòa"],
                [3, "Thành phố Phúc Yên", "Phường Xuân Hoà"]]:
        sheet.append(row)
    book.save(tmp_path / "xa.xlsx")
    root = copy_portal(tmp_path / "portal", [])
    result = run_cli("units", "add-new", str(tmp_path / "xa.xlsx"), "--field", "xa", "--sheet", "Số liệu",
                     "--root", str(root))
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "xa-don-vi-moi.csv", encoding="utf-8", newline="") as fh:
        out = list(csv.reader(fh))
    assert out[0] == ["STT", "huyen", "xa", "xa_2025", "xa_2025_ma", "xa_2025_sap_xep"]
    # Names are looked up in the portal's own province (catalog/portal.yaml: Vĩnh Phúc); the type word written
    # tells Xã Xuân Hòa (Lập Thạch) from Phường Xuân Hoà (Phúc Yên).
    assert out[1][2:] == ["Xã Bồ Lý", "Xã Đại Đình", "08923", "toàn bộ"]
    lap_thach = U.load(ROOT).named(U.OLD, "commune", "Xã Xuân Hòa", U.load(ROOT).unit(U.OLD, VINH_PHUC))[0]
    assert U.load(ROOT).parent(lap_thach).full_name == "Huyện Lập Thạch"
    assert out[2][4] == U.load(ROOT).successors(lap_thach)[0].unit.code
    assert out[3][3] == "Phường Xuân Hòa" or out[3][3] == "Phường Xuân Hoà"


def test_add_new_refuses_what_it_cannot_do(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("ma_xa\n08908\n", encoding="utf-8")
    missing = run_cli("units", "add-new", str(table), "--field", "ma")
    assert missing.returncode == 2 and "ma_xa" in missing.stderr and "“ma”" in missing.stderr
    assert run_cli("units", "add-new", str(table), "--field", "ma_xa").returncode == 0
    again = run_cli("units", "add-new", str(tmp_path / "t-don-vi-moi.csv"), "--field", "ma_xa")
    assert again.returncode == 1 and "đã chuyển đổi" in again.stderr


# ---------------------------------------------------------------------------------------------------------------
# Outputs


def test_pages_json_and_dcat_name_both_generations_with_one_uri(site):
    page = (site / "datasets/quan-trac-khong-khi-2024/index.html").read_text("utf-8")
    assert ("Huyện Tam Đảo (trước 01/07/2025), nay thuộc các xã Tam Dương Bắc, Tam Đảo, Đạo Trù, Đại Đình "
            "(Tỉnh Phú Thọ)") in page
    assert 'href="../../don-vi/#pre-2025/26-huyen-tam-dao"' in page
    data = json.loads((site / "api/v1/datasets/quan-trac-khong-khi-2024.json").read_text("utf-8"))
    tam_dao = next(u for u in data["spatial_units"] if u["name"] == "Huyện Tam Đảo")
    uri = "https://opendata.vinhphuc.gov.vn/don-vi/#pre-2025/26-huyen-tam-dao"
    assert tam_dao["uri"] == uri and tam_dao["generation"] == "pre-2025"
    import rdflib

    graph = rdflib.Graph().parse(site / "dcat/catalog.ttl")
    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    dataset = rdflib.URIRef("https://opendata.vinhphuc.gov.vn/datasets/quan-trac-khong-khi-2024/#dataset")
    assert rdflib.URIRef(uri) in set(graph.objects(dataset, dct.spatial))
    commune = rdflib.URIRef("https://opendata.vinhphuc.gov.vn/don-vi/#2025/25")
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    assert str(graph.value(commune, skos.notation)) == "25"


def test_the_old_table_is_flagged_on_its_page_beside_its_converted_copy(site):
    import re

    page = (site / "datasets/ma-xa-vinh-phuc-truoc-2025/index.html").read_text("utf-8")
    flags = re.findall(r'data-od-unit-flag="([^"]+)"><span data-en="([^"]+)">([^<]+)<', page)
    assert flags == [("pre-2025", "Records administrative units of before 1 July 2025",
                      "Ghi đơn vị hành chính trước 01/07/2025"),
                     ("pre-2025 2025", "Records administrative units both before and from 1 July 2025",
                      "Ghi đơn vị hành chính trước và từ 01/07/2025")]


def test_the_search_index_knows_both_generations(site):
    text = (site / "search/index.js").read_text("utf-8")
    index = json.loads(text[text.index("=") + 1:].rstrip().rstrip(";"))
    docs = index["docs"]
    words = dict(zip(docs["id"], docs["words"]))
    assert "tam dao" in words["quan-trac-khong-khi-2024"]  # an old district it covers
    assert "phu tho" in words["quan-trac-khong-khi-2024"]  # what the district is now part of
    assert "tinh phu tho" in words["dan-so-theo-huyen"]  # former Vĩnh Phúc's data, found by the new province


def test_many_unknown_names_stay_bounded(tmp_path):
    # Near names are looked for among the whole country's 10,052 old communes for the first values only;
    # every row is still reported (up to the gate's limit) and counted.
    fields = [{"name": "xa", "type": "string",
               "admin_unit": {"level": "commune", "generation": "pre-2025", "holds": "name"}}]
    rows = [[f"Xã Không Có {i}"] for i in range(3000)]
    report = validate(_portal(tmp_path, fields, rows, temporal={"end": "2024-12-31"}), offline=True)
    unknown = [p for p in report.errors if p.code == "unit-unknown"]
    assert len(unknown) == 1000 and unknown[0].row == 2
    limit = [p for p in report.warnings if p.code == "error-limit"]
    assert limit and "3000" in limit[0].en
