"""`opendata report yearly` and `opendata keys stats`: figures from git history and the function's
export, checked in the XLSX (openpyxl) and the DOCX (python-docx) a user opens; per-agency rows add up
to the province; a figure without a source reads "not available", never 0; the roadmap is validated."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT, copy_portal, run_cli

STATS = ROOT / "tests/fixtures/function-stats-2026.json"
ETHNIC, AIR, HEALTH = ("data/cuc-thong-ke/dan-toc-viet-nam", "data/so-tnmt/quan-trac-khong-khi-2024",
                       "data/so-y-te/co-so-kham-chua-benh")
NA = "Không có số liệu"


def _git(root: Path, *args: str, when: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Sở TT&TT", "GIT_AUTHOR_EMAIL": "stttt@example.vn",
           "GIT_COMMITTER_NAME": "Sở TT&TT", "GIT_COMMITTER_EMAIL": "stttt@example.vn"}
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def _commit(root: Path, when: str, message: str) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", message, when=when)


def _reviewed(root: Path, day: str) -> None:
    path = root / "catalog/catalogue.yaml"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(f"reviewed: {day}\n" if line.startswith("reviewed:") else line for line in lines), "utf-8")


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """A portal with a git history over two years: one dataset in 2025; in 2026 two published, one updated,
    one withdrawn, two catalogue reviews."""
    root = copy_portal(tmp_path_factory.mktemp("yearly") / "portal", [ETHNIC])
    _reviewed(root, "2025-06-30")
    _git(root, "init", "-q")
    _commit(root, "2025-06-01T09:00:00+07:00", "Cục Thống kê: dân tộc")
    copy_portal(root / "more", [AIR, HEALTH])
    (root / "data/so-tnmt").mkdir()
    (root / "more" / AIR).rename(root / AIR)
    _commit(root, "2026-02-10T09:00:00+07:00", "Sở TN&MT: quan trắc không khí")
    descriptor = root / ETHNIC / "datapackage.yaml"
    descriptor.write_text(descriptor.read_text("utf-8").replace("dùng làm danh mục", "dùng làm bảng mã"), "utf-8")
    _reviewed(root, "2026-01-05")
    _commit(root, "2026-03-05T09:00:00+07:00", "Cục Thống kê: sửa mô tả; rà soát danh mục")
    (root / "data/so-y-te").mkdir()
    (root / "more" / HEALTH).rename(root / HEALTH)
    import shutil

    shutil.rmtree(root / "more")
    _commit(root, "2026-04-01T09:00:00+07:00", "Sở Y tế: cơ sở khám chữa bệnh")
    result = run_cli("withdraw", "co-so-kham-chua-benh", "--reason", "Sai địa chỉ cơ sở", "--date", "2026-09-01",
                     "--root", str(root))
    assert result.returncode == 0, result.stderr
    _reviewed(root, "2026-07-02")
    _commit(root, "2026-09-01T09:00:00+07:00", "Rút cơ sở khám chữa bệnh; rà soát danh mục")
    return root


def _report(root: Path, tmp: Path, fmt: str, *extra: str) -> Path:
    out = tmp / f"report.{fmt}"
    result = run_cli("report", "yearly", "--root", str(root), "--year", "2026", "--format", fmt, "--out", str(out),
                     *extra)
    assert result.returncode == 0, result.stderr
    return out


def test_json_figures_follow_the_git_history_and_add_up(history, tmp_path):
    f = json.loads(_report(history, tmp_path, "json", "--stats", str(STATS)).read_text("utf-8"))
    d = f["datasets"]
    rows = {r["agency"]: r for r in d["by_agency"]}
    assert (d["published"], d["updated"], d["updates"], d["withdrawn"], d["total"]) == (2, 1, 1, 1, 1 + 1)
    assert {a: (r["published"], r["updated"], r["withdrawn"], r["total"]) for a, r in rows.items()
            if any((r["published"], r["updated"], r["withdrawn"], r["total"]))} == {
        "cuc-thong-ke": (0, 1, 0, 1), "so-tnmt": (1, 0, 0, 1), "so-y-te": (1, 0, 1, 0)}
    for key in ("published", "updated", "updates", "withdrawn", "total"):
        assert sum(r[key] for r in d["by_agency"]) == d[key]
    assert [(m["month"], m["published"], m["updates"]) for m in d["by_month"] if m["published"] or m["updates"]] == [
        ("2026-02", 1, 0), ("2026-03", 0, 1), ("2026-04", 1, 0)]
    assert f["reviews"]["history"] == ["2025-06-30", "2026-01-05", "2026-07-02"] and f["reviews"]["in_year"] == 2
    reminder = run_cli("report", "catalogue-review", "--root", str(history), "--today", "2026-12-01")
    assert "- 05/01/2026\n- 02/07/2026" in reminder.stdout  # the reminder lists the reviews made
    pending = {e["code"] for r in f["coverage"]["by_agency"] for e in r["pending"]}
    assert "VP-YT-001" in pending and len(pending) == f["coverage"]["entries"] - f["coverage"]["published"]
    # Scores at the start of the year come from the 2025 commit: the change is a figure, not "not available".
    q = f["quality"]
    assert q["start"]["datasets"] == 1 and q["end"]["datasets"] == 2 and q["change"]["mqa"] is not None
    # The function's export: per-agency rows add up to the province; look-ups not counted stay null.
    fb = {r["agency"]: r for r in f["feedback"]["by_agency"]}
    assert (f["feedback"]["received"], f["feedback"]["answered"], f["feedback"]["median_days_to_answer"]) == (3, 2, 3.0)
    assert (fb["cuc-thong-ke"]["received"], fb["cuc-thong-ke"]["answered"], fb["so-y-te"]["received"]) == (2, 1, 1)
    api = f["api"]
    assert api["keyed_queries"] == 155 == sum(r["keyed_queries"] for r in api["by_agency"])
    assert (api["accounts_total"], api["accounts_new"], api["lookups_sms"], api["lookups_zalo"]) == (12, 5, None, None)
    assert f["gate"]["first_time_pass_rate"] is None  # no gate log given: not available

    # One agency's report is the province's row for it.
    mine = json.loads(_report(history, tmp_path, "json", "--agency", "so-y-te", "--stats", str(STATS))
                      .read_text("utf-8"))
    assert (mine["datasets"]["published"], mine["datasets"]["withdrawn"]) == (1, 1)
    assert mine["feedback"]["received"] == 1 and mine["api"]["keyed_queries"] == 5
    assert mine["api"]["accounts_total"] is None  # accounts are the portal's, not an agency's


def test_xlsx_has_one_sheet_per_part_native_charts_and_not_available_cells(history, tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(_report(history, tmp_path, "xlsx", "--stats", str(STATS)))
    assert wb.sheetnames == ["1. Bộ dữ liệu", "2. Kiểm tra", "3. Chất lượng", "4. Đúng hạn", "5. Độ phủ",
                             "6. Rà soát", "7. Góp ý", "8. API và tra cứu"]
    ws = wb["1. Bộ dữ liệu"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(values) if r[:2] == ["Cơ quan", "Công bố mới"])
    table = values[header + 1: header + 10]
    by_name = {r[0]: r[1:6] for r in table}
    assert by_name["Sở Y tế"] == [1, 0, 0, 1, 0]
    assert by_name["Cục Thống kê tỉnh Vĩnh Phúc"] == [0, 1, 1, 0, 1]
    total = values[header + 10]
    assert total[0] == "Tổng cộng" and total[1:6] == [sum(r[i] for r in table) for i in range(1, 6)] == [2, 1, 1, 1, 2]
    assert len(ws._charts) == 2 and all(c.tagname == "barChart" for c in ws._charts)
    api = [[c.value for c in row] for row in wb["8. API và tra cứu"].iter_rows()]
    assert any(r[0] and "tra cứu qua SMS: Không có số liệu; qua Zalo: Không có số liệu" in r[0] for r in api)
    keyed = {r[0]: r[1] for r in api if r[0] in ("Cục Thống kê tỉnh Vĩnh Phúc", "Sở Y tế", "Tổng cộng")}
    assert keyed == {"Cục Thống kê tỉnh Vĩnh Phúc": 120, "Sở Y tế": 5, "Tổng cộng": 155}
    gate = [[c.value for c in row] for row in wb["2. Kiểm tra"].iter_rows()]
    assert [NA, NA] in [r[:2] for r in gate]  # the error table without a source, not zeros


def test_docx_is_an_administrative_report_with_tables_charts_and_signature(history, tmp_path):
    import docx

    doc = docx.Document(str(_report(history, tmp_path, "docx", "--stats", str(STATS))))
    heading = doc.tables[0]
    assert heading.cell(0, 0).text.splitlines() == ["UBND TỈNH VĨNH PHÚC", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"]
    assert heading.cell(0, 1).text.splitlines() == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert heading.cell(1, 1).text == "Vĩnh Phúc, ngày 01 tháng 09 năm 2026"  # the last commit of the year
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts
    parts = [t for t in texts if t[:3] in ("I. ", "II.", "III", "IV.", "V. ", "VI.", "VII")]
    assert parts[0] == "I. BỘ DỮ LIỆU CÔNG BỐ, CẬP NHẬT VÀ RÚT TRONG NĂM" and len(parts) == 8
    table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][:2] == ["Cơ quan", "Công bố mới"])
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in table.rows[1:]}
    assert rows["Sở Y tế"] == ["1", "0", "0", "1", "0"] and rows["Tổng cộng"] == ["2", "1", "1", "1", "2"]
    assert len(doc.inline_shapes) >= 3 and any(t.startswith("Hình 1. ") for t in texts)
    lookups = next(t for t in texts if "tra cứu qua SMS" in t)
    assert "tra cứu qua SMS: Không có số liệu; qua Zalo: Không có số liệu" in lookups
    signature = doc.tables[-1]
    assert signature.cell(0, 0).text.startswith("Nơi nhận:") and signature.cell(0, 1).text.startswith("GIÁM ĐỐC")


def test_the_sample_portal_report_matches_its_git_history(tmp_path):
    f = json.loads(_report(ROOT, tmp_path, "json").read_text("utf-8"))
    log = subprocess.run(["git", "log", "--format=%x00%cd", "--date=format-local:%Y", "--name-only", "--", "data"],
                         cwd=ROOT, capture_output=True, text=True, check=True, env={**os.environ, "TZ": "Asia/Ho_Chi_Minh"})
    first: dict[str, str] = {}
    for block in log.stdout.split("\x00")[1:]:
        year, _, names = block.partition("\n")
        for name in names.split():
            parts = name.split("/")
            if len(parts) >= 4:
                first["/".join(parts[:3])] = year.strip()  # oldest last: the log is newest first
    expected = Counter(folder.split("/")[1] for folder, year in first.items() if year == "2026")
    rows = {r["agency"]: r["published"] for r in f["datasets"]["by_agency"]}
    assert {a: n for a, n in rows.items() if n} == dict(expected)
    assert f["datasets"]["published"] == sum(expected.values())
    # Nothing from the function: every figure of it is not available.
    assert f["feedback"]["received"] is None and f["api"]["keyed_queries"] is None


def test_a_stats_file_of_another_year_is_refused_naming_the_key(history, tmp_path):
    other = tmp_path / "stats.json"
    other.write_text(STATS.read_text("utf-8").replace('"year": "2026"', '"year": "2025"'), "utf-8")
    result = run_cli("report", "yearly", "--root", str(history), "--year", "2026", "--format", "json",
                     "--stats", str(other))
    assert result.returncode == 1
    assert f"{other}: year" in result.stderr and "not of 2026" in result.stderr and "không phải năm 2026" in result.stderr


@pytest.mark.parametrize("targets, key, words", [
    ("so-y-te: 5", "stages[1] (giai-doan-1).targets.so-y-te", "exceeds the agency's catalogue entries (2)"),
    ("so-nong-nghiep: 1", "stages[1] (giai-doan-1).targets.so-nong-nghiep", "is not in catalog/agencies.yaml"),
    ("so-y-te: -1", "stages[1] (giai-doan-1).targets.so-y-te", "must be a whole number"),
])
def test_a_bad_roadmap_is_refused_naming_file_and_key(tmp_path, targets, key, words):
    from generator.portal.catalog import load_catalog
    from generator.problems import InputError

    root = copy_portal(tmp_path / "portal", [])
    (root / "catalog/roadmap.yaml").write_text(
        f"stages:\n  - id: giai-doan-1\n    title: Giai đoạn 1\n    until: 2026-12-31\n    targets:\n      {targets}\n",
        "utf-8")
    with pytest.raises(InputError) as caught:
        load_catalog(root)
    [problem] = caught.value.problems
    assert (problem.file, problem.where) == ("catalog/roadmap.yaml", key)
    assert words in problem.en and problem.vi and problem.fix_vi and problem.fix_en


def test_roadmap_stages_must_be_in_order_and_targets_never_drop(tmp_path):
    from generator.portal.catalog import load_catalog
    from generator.problems import InputError

    root = copy_portal(tmp_path / "portal", [])
    (root / "catalog/roadmap.yaml").write_text(
        "stages:\n"
        "  - {id: mot, title: Một, until: 2026-12-31, targets: {so-y-te: 2}}\n"
        "  - {id: hai, title: Hai, until: 2026-06-30, targets: {so-y-te: 1}}\n", "utf-8")
    with pytest.raises(InputError) as caught:
        load_catalog(root)
    assert sorted(p.where for p in caught.value.problems) == ["stages[2] (hai).targets.so-y-te", "stages[2] (hai).until"]


def test_keys_stats_exports_counts_only(tmp_path):
    from opendata_function import accounts
    from opendata_function.store import Store

    url = f"sqlite:///{tmp_path / 'function.db'}"
    store = Store(url)
    accounts.issue(store, full_name="Nguyễn Văn A", email="a@example.vn", organisation="", phone="0912345678",
                   address="", rate_limit=None, note="", actor="test")
    with store.tx() as tx:
        tx.run("INSERT INTO key_usage (account_id, dataset, month, requests, rows_returned) VALUES (1, 'x', '2026-03', 7, 70)")
    store.close()
    out = tmp_path / "stats.json"
    year = str(dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).year)  # the account is opened now
    result = run_cli("keys", "--database-url", url, "stats", "--year", year, "--format", "json", "--out", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text("utf-8"))
    assert data["format"] == "opendata-function-stats" and data["queries"]["by_dataset"] == {"x": 7}
    assert (data["accounts"]["total"], data["accounts"]["new"]) == (1, 1)
    assert data["lookups"] == {"sms": 0, "zalo": 0}  # the store counts look-ups by day; none were made
    assert "Nguyễn" not in out.read_text("utf-8") and "0912345678" not in out.read_text("utf-8")


def test_gate_results_come_from_the_log_of_gate_runs(history, tmp_path):
    def run(date, *tasks):
        return json.dumps({"date": date, "valid": all(v for _, v, _ in tasks), "tasks": [
            {"place": place, "valid": valid, "errors": [{"type": e} for e in errors], "warnings": []}
            for place, valid, errors in tasks]})

    log = tmp_path / "gate.jsonl"
    log.write_text("\n".join([
        run("2025-12-20", (ETHNIC, False, ["encoding-error"])),  # another year
        run("2026-02-01", (AIR, False, ["type-error", "type-error"]), (ETHNIC, True, [])),
        run("2026-02-03", (AIR, True, [])),
    ]) + "\n", "utf-8")
    f = json.loads(_report(history, tmp_path, "json", "--gate-log", str(log)).read_text("utf-8"))
    assert (f["gate"]["datasets"], f["gate"]["runs"], f["gate"]["first_time_pass_rate"]) == (2, 3, 50)
    assert f["gate"]["common_errors"] == [{"type": "type-error", "count": 2}]
    log.write_text('{"date": "hôm qua", "tasks": []}\n', "utf-8")
    bad = run_cli("report", "yearly", "--root", str(history), "--year", "2026", "--format", "json",
                  "--gate-log", str(log))
    assert bad.returncode == 1 and f"{log}: dòng 1 (line 1)" in bad.stderr


def test_the_site_scores_an_older_commit_once_and_keeps_it_in_the_build_cache(history, tmp_path, monkeypatch):
    """The site's reports of 2025 and 2026 read the portal at the 2025 commit: its gate runs at the first build
    only; the next builds take its scores from the build cache, and the figures are the same as without one."""
    from generator.build import pipeline
    from generator.build.cache import Cache
    from generator.ops.yearly import figures, site

    real = figures.gate_scores
    portfolio, _ = pipeline.load(history)
    portfolio.quality = real(history, portfolio)
    checked: list[str] = []
    monkeypatch.setattr(figures, "gate_scores", lambda root, p: (checked.append(p.commit), real(root, p))[1])
    cache = Cache(tmp_path / "cache")
    first = json.dumps(site.reports(history, portfolio, cache), default=str, sort_keys=True)
    assert len(checked) == 1 and checked[0] != portfolio.commit  # the older commit, not HEAD (the build's own)
    assert {2025, 2026} <= {f["year"] for f in json.loads(first)}
    assert json.dumps(site.reports(history, portfolio, cache), default=str, sort_keys=True) == first
    assert len(checked) == 1
    assert json.dumps(site.reports(history, portfolio, Cache(None)), default=str, sort_keys=True) == first
    assert len(checked) == 2
