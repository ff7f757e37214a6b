"""Personal data (ID numbers, mobile numbers, e-mails, dates of birth beside names) blocks publishing until a reviewer decides."""

from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa
import pytest
import yaml
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.tables.infer import read_columns
from generator.gate.personal import PersonalColumn, check_personal_data, find_personal_data
from generator.problems import Problems

REL = "data/so-lao-dong/nguoi-co-cong/danh-sach.csv"
PEOPLE = {
    "ho_ten": ["Nguyễn Văn An", "Trần Thị Bích Ngọc", "Lê Hoàng Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Phương"],
    "ngay_sinh": ["12/03/1985", "1990-01-02", "05/06/1970", "30/11/1962", "01/01/2001", "17/08/1978"],
    "so_cccd": ["001085012345", "079190123456", "026070004567", "038162009876", "001201001234", "036178005432"],
    "di_dong": ["0912 345 678", "+84 98 765 4321", "0868.123.456", "0355-123-789", "84971234567", "0779123456"],
    "email": ["an.nguyen85@gmail.com", "bichngoc@yahoo.com", "cuong.le@outlook.com", "dung.pt@gmail.com",
              "emhv@gmail.com", "phuongvt@fpt.vn"],
    # What must NOT be flagged: office landlines, official e-mails, codes, amounts, other dates.
    "dien_thoai_co_quan": ["02113862381", "0211 3842 526", "02113861263", "02113714488", "02113747698", "02113981616"],
    "email_co_quan": ["syt@vinhphuc.gov.vn", "stnmt@vinhphuc.gov.vn", "ubnd@vinhyen.vinhphuc.gov.vn",
                      "vp@chinhphu.gov.vn", "ctk@vinhphuc.gov.vn", "sotttt@vinhphuc.gov.vn"],
    "ma_so_thue": ["0321234567", "2500123456", "0101234567", "0912345678", "0351234567", "0861234567"],
    "so_tien": ["123456789", "987654321", "100000000", "250000000", "999999999", "135000000"],
    "ngay_cap": ["2020-01-01", "2021-05-06", "2019-03-04", "2022-07-08", "2018-09-10", "2023-11-12"],
}


def table(columns: dict[str, list]) -> pa.Table:
    return pa.table({k: pa.array(v, type=pa.string()) for k, v in columns.items()})


def kinds(found: list[PersonalColumn]) -> dict[str, str]:
    return {c.field: c.kind for c in found}


def digits(value: str) -> str:
    return re.sub(r"[^0-9]", "", value)


def test_realistic_people_table():
    found = find_personal_data(table(PEOPLE))
    assert kinds(found) == {"so_cccd": "citizen-id", "di_dong": "phone", "email": "email", "ngay_sinh": "birth-date"}
    assert all(c.matches == 6 for c in found)


def test_masked_samples_never_show_a_whole_value():
    problems = Problems()
    check_personal_data(table(PEOPLE), {}, REL, "danh-sach", None, problems)
    assert len(problems.errors) == 4
    text = " ".join(f"{p.vi} {p.en} {p.fix_vi} {p.fix_en} {p.cell or ''}" for p in problems.items)
    runs = [digits(run) for run in re.findall(r"[0-9][0-9 .\-]*", text)]  # numbers as written, separators dropped
    for column in ("so_cccd", "di_dong", "email", "ngay_sinh"):
        for value in PEOPLE[column]:
            assert value not in text
            if column in ("so_cccd", "di_dong"):
                assert not any(digits(value)[-9:] in run for run in runs)
    samples = {c.field: c.sample for c in find_personal_data(table(PEOPLE))}
    assert samples["di_dong"] == "0912***678"
    assert samples["so_cccd"] == "001******345"
    assert samples["email"] == "a***@gmail.com"
    assert samples["ngay_sinh"] == "**/**/1985"


def test_dates_of_birth_only_count_beside_names():
    without_names = {k: v for k, v in PEOPLE.items() if k != "ho_ten"}
    assert "ngay_sinh" not in kinds(find_personal_data(table(without_names)))
    # A column titled “Ngày sinh” in the schema is found even under another name.
    renamed = dict(PEOPLE, d1=PEOPLE["ngay_sinh"])
    del renamed["ngay_sinh"]
    assert kinds(find_personal_data(table(renamed), {"d1": "Ngày sinh"}))["d1"] == "birth-date"
    # Names that are places (“Phường Tân Hòa” is capitalised too) with no birth date: nothing.
    places = {"ten": ["Phường Tân Hòa", "Xã Yên Mông"] * 5, "ngay_thanh_lap": ["2020-01-01"] * 10}
    assert find_personal_data(table(places)) == []


def test_a_few_numbers_in_free_text_are_not_a_personal_column_but_five_are():
    notes = ["Lùi lịch do trùng họp"] * 100
    assert find_personal_data(table({"ghi_chu": notes[:96] + ["Liên hệ 0912345678"] * 4})) == []
    found = find_personal_data(table({"ghi_chu": notes[:95] + ["Liên hệ anh Ba 0912345678"] * 5}))
    assert kinds(found) == {"ghi_chu": "phone"} and found[0].matches == 5


def test_old_nine_digit_id_numbers_need_a_column_named_for_them():
    nine = ["135123456", "012345678", "271234567", "025123456", "135999888"]
    assert kinds(find_personal_data(table({"so_cmnd": nine}))) == {"so_cmnd": "citizen-id"}
    assert find_personal_data(table({"so_tien": nine})) == []
    assert kinds(find_personal_data(table({"c1": nine}), {"c1": "Số chứng minh nhân dân"})) == {"c1": "citizen-id"}


def test_error_names_file_resource_field_kind_and_what_to_do():
    problems = Problems()
    check_personal_data(table({"ho_ten": PEOPLE["ho_ten"], "sdt": PEOPLE["di_dong"]}), {}, REL, "danh-sach", None, problems)
    (error,) = problems.items
    assert error.severity == "error" and error.code == "personal-data"
    assert error.file == REL and error.resource == "danh-sach" and error.field == "sdt"
    assert "danh-sach" in error.vi and "sdt" in error.vi and "điện thoại" in error.vi and "6 ô" in error.vi
    assert "mobile phone" in error.en and "0912***678" in error.en
    assert "personal_data:" in error.fix_vi and "data/so-lao-dong/nguoi-co-cong/datapackage.yaml" in error.fix_en
    assert "anonymise" in error.fix_en and "ẩn danh" in error.fix_vi


def test_a_reviewers_decision_to_publish_turns_the_error_into_a_warning():
    decision = yaml.safe_load("""
reviewer: nguyenvana-sotttt
decision: publish
date: 2025-03-14
note: danh bạ cán bộ đầu mối, đã được đồng ý công khai
fields: [email, di_dong]
""")
    assert isinstance(decision["date"], dt.date)  # YAML gives a date, not a string
    problems = Problems()
    check_personal_data(table(PEOPLE), {}, REL, "danh-sach", decision, problems)
    by_field = {p.field: p for p in problems.items}
    assert by_field["email"].severity == "warning" and by_field["di_dong"].severity == "warning"
    assert "@nguyenvana-sotttt" in by_field["email"].en and "2025-03-14" in by_field["email"].vi
    # Not covered by the decision: still errors.
    assert by_field["so_cccd"].severity == "error" and by_field["ngay_sinh"].severity == "error"


def test_decision_without_fields_covers_every_column_but_remove_does_not_publish():
    publish = {"reviewer": "@reviewer1", "decision": "publish", "date": "2025-01-02"}
    problems = Problems()
    check_personal_data(table(PEOPLE), {}, REL, "danh-sach", publish, problems)
    assert problems.errors == [] and len(problems.warnings) == 4
    remove = dict(publish, decision="remove")
    problems = Problems()
    check_personal_data(table(PEOPLE), {}, REL, "danh-sach", remove, problems)
    assert len(problems.errors) == 4 and "removed" in problems.errors[0].en


@pytest.mark.parametrize("bad", [
    {"decision": "publish", "date": "2025-01-02"},
    {"reviewer": "a", "decision": "ok", "date": "2025-01-02"},
    {"reviewer": "a", "decision": "publish", "date": "14/03/2025"},
    {"reviewer": "a", "decision": "publish", "date": "2025-01-02", "fields": "email"},
    "publish",
])
def test_malformed_decision_keeps_the_error_and_says_why(bad):
    problems = Problems()
    check_personal_data(table({"email": PEOPLE["email"]}), {}, REL, "danh-sach", bad, problems)
    (error,) = problems.items
    assert error.severity == "error" and "not valid" in error.en


def test_schema_titles_are_used():
    schema = {"fields": [{"name": "c1", "title": "Họ và tên"}, {"name": "c2", "title": "Ngày sinh"}]}
    problems = Problems()
    check_personal_data(table({"c1": PEOPLE["ho_ten"], "c2": PEOPLE["ngay_sinh"]}), schema, REL, "r", None, problems)
    assert [(p.field, p.code) for p in problems.items] == [("c2", "personal-data")]


def test_typed_columns_are_read_as_text():
    t = pa.table({"so": pa.array([1, 2, 3]), "ngay": pa.array([dt.date(2020, 1, 1)] * 3), "x": pa.array([None, None, None])})
    assert find_personal_data(t) == []


def sample_tables():
    out = []
    for descriptor in sorted((ROOT / "data").glob("*/*/datapackage.yaml")):
        for res in yaml.safe_load(descriptor.read_text(encoding="utf-8"))["resources"]:
            if res.get("format") in ("csv", "xls", "xlsx"):
                sheet = ((res.get("dialect") or {}).get("excel") or {}).get("sheet")
                out.append((descriptor.parent / res["path"], res["format"], sheet, res["schema"]))
    return out


SAMPLES = sample_tables()


@pytest.mark.parametrize("path,fmt,sheet,schema", SAMPLES, ids=[f"{p.name}:{s or ''}" for p, _, s, _ in SAMPLES])
def test_sample_portal_tables_hold_no_personal_data(path, fmt, sheet, schema):
    header, columns = read_columns(path, fmt, sheet, 10**7)
    problems = Problems()
    check_personal_data(pa.table(columns, names=header), schema, str(path.relative_to(ROOT)), "r", None, problems)
    assert problems.items == []


def test_a_million_rows_are_all_checked():
    n = 1_000_000
    t = pa.table({
        "ma": pa.array([f"{i:07d}" for i in range(n)]),
        "ten": pa.array([f"Xã Số {i}" for i in range(n)]),
        "dien_thoai": pa.array([f"0211{i:07d}" for i in range(n)]),
        "so_tien": pa.array([str(i * 977) for i in range(n)]),
        "email": pa.array(["vp@vinhphuc.gov.vn"] * n),
        "di_dong": pa.array([f"09{i:08d}" for i in range(n)]),
    })
    found = find_personal_data(t)
    assert kinds(found) == {"di_dong": "phone"} and found[0].matches == n


cells = st.one_of(st.text(max_size=30), st.from_regex(r"(\+84|0)[0-9 .-]{9,12}", fullmatch=True),
                  st.from_regex(r"[a-z.]{1,8}@[a-z]{1,6}(\.gov)?\.vn", fullmatch=True), st.just(""))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.text(max_size=12), st.lists(cells, min_size=3, max_size=3)), min_size=1, max_size=4),
       st.one_of(st.none(), st.dictionaries(st.sampled_from(["reviewer", "decision", "date", "fields", "note"]),
                                            st.one_of(st.text(max_size=10), st.lists(st.text(max_size=5))))))
def test_fuzz_never_crashes_and_never_prints_a_whole_value(columns, decision):
    names = [f"{name}_{i}" for i, (name, _) in enumerate(columns)]
    t = pa.table({name: pa.array(values, type=pa.string()) for name, (_, values) in zip(names, columns)})
    problems = Problems()
    check_personal_data(t, {"fields": [{"name": n, "title": n} for n in names]}, REL, "r", decision, problems)
    for col in find_personal_data(t):
        assert "*" in col.sample
        assert not any(len(v) > 6 and v in col.sample for _, values in columns for v in values)
