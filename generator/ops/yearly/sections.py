"""The yearly report's parts, tables and charts, made once from the figures; every writer lays these out.

Numbered sections in the order of an administrative report; a value None is "not available" and every
writer shows it so (never as 0).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

NA_VI, NA_EN = "Không có số liệu", "Not available"
Value = int | float | str | None


@dataclass
class Chart:
    title_vi: str
    title_en: str
    categories: list[str]
    series: list[tuple[str, str, list[Value]]]  # (name vi, name en, one value per category)


@dataclass
class Table:
    id: str
    title_vi: str
    title_en: str
    header: list[tuple[str, str]]
    rows: list[list[Value]]
    total: list[Value] | None = None
    chart: Chart | None = None


@dataclass
class Section:
    id: str  # short, for XLSX sheet names and anchors
    title_vi: str
    title_en: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def number(value: Value, lang: str = "vi") -> str:
    """A figure as text: not available when None; decimals with a comma in Vietnamese."""
    if value is None:
        return NA_VI if lang == "vi" else NA_EN
    if isinstance(value, float):
        text = f"{value:,.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
        return text.replace(",", " ").replace(".", ",").replace(" ", ".") if lang == "vi" else text
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".") if lang == "vi" else f"{value:,}"
    return str(value)


def _pct(value: Value, lang: str = "vi") -> str:
    return number(value, lang) if value is None else f"{number(value, lang)}%"


def vn_date(iso: str) -> str:
    try:
        return dt.date.fromisoformat(iso[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def build(f: dict[str, Any]) -> list[Section]:
    names = {r["agency"]: r["name"] for r in f["datasets"]["by_agency"]}
    agencies = list(names)
    out: list[Section] = []

    d = f["datasets"]
    rows = [[names[r["agency"]], r["published"], r["updated"], r["updates"], r["withdrawn"], r["total"]]
            for r in d["by_agency"]]
    months = [[m["month"], m["published"], m["updates"]] for m in d["by_month"]]
    out.append(Section("datasets", "Bộ dữ liệu công bố, cập nhật và rút trong năm",
                       "Datasets published, updated and withdrawn in the year", [
        (f"Trong năm {f['year']}: công bố mới {number(d['published'])} bộ dữ liệu, {number(d['updated'])} bộ được "
         f"cập nhật ({number(d['updates'])} lượt), rút {number(d['withdrawn'])} bộ; đến {vn_date(f['as_of'])} "
         f"cổng có {number(d['total'])} bộ dữ liệu.",
         f"In {f['year']}: {d['published']} datasets published, {d['updated']} updated ({d['updates']} updates), "
         f"{d['withdrawn']} withdrawn; {d['total']} datasets on {f['as_of']}."),
    ], [
        Table("datasets-by-agency", "Bộ dữ liệu theo cơ quan", "Datasets by agency",
              [("Cơ quan", "Agency"), ("Công bố mới", "Published"), ("Được cập nhật", "Updated"),
               ("Lượt cập nhật", "Updates"), ("Rút khỏi cổng", "Withdrawn"), ("Tổng cuối kỳ", "Total at the end")],
              rows, ["Tổng cộng", d["published"], d["updated"], d["updates"], d["withdrawn"], d["total"]],
              Chart("Bộ dữ liệu công bố và cập nhật theo cơ quan", "Datasets published and updated by agency",
                    [names[a] for a in agencies],
                    [("Công bố mới", "Published", [r[1] for r in rows]),
                     ("Được cập nhật", "Updated", [r[2] for r in rows])])),
        Table("datasets-by-month", "Theo tháng", "By month",
              [("Tháng", "Month"), ("Công bố mới", "Published"), ("Lượt cập nhật", "Updates")], months,
              ["Cả năm", sum(m[1] for m in months), sum(m[2] for m in months)],
              Chart("Công bố và cập nhật theo tháng", "Published and updated by month", [m[0] for m in months],
                    [("Công bố mới", "Published", [m[1] for m in months]),
                     ("Lượt cập nhật", "Updates", [m[2] for m in months])])),
    ]))

    g = f["gate"]
    gate_lines = [(f"Tỷ lệ bộ dữ liệu đạt ngay lần kiểm tra đầu: {_pct(g['first_time_pass_rate'])}"
                   + (f" ({number(g.get('datasets'))} bộ, {number(g['runs'])} lượt kiểm tra)." if g["available"] else "."),
                   f"First-time pass rate: {_pct(g['first_time_pass_rate'], 'en')}.")]
    if not g["available"]:
        gate_lines.append((g["reason"], g["reason_en"]))
    out.append(Section("gate", "Kết quả kiểm tra dữ liệu trước khi công bố", "Validation gate results", gate_lines, [
        Table("gate-errors", "Lỗi thường gặp nhất", "Most common errors", [("Loại lỗi", "Error type"), ("Số lần", "Count")],
              [[e["type"], e["count"]] for e in g["common_errors"]] if g["common_errors"] is not None
              else [[None, None]])]))

    q = f["quality"]
    by_q = {r["agency"]: r for r in q["by_agency"]}
    qrows = [[names[a], by_q[a]["datasets"], by_q[a]["portal"], by_q[a]["mqa"]] for a in agencies]
    out.append(Section("quality", "Chất lượng dữ liệu", "Data quality", [
        (f"Điểm chất lượng của cổng bình quân cuối năm: {_pct(q['end']['portal'])} (đầu năm: "
         f"{_pct(q['start']['portal'])}; thay đổi: {number(q['change']['portal'])}).",
         f"Mean portal quality score at the year's end: {_pct(q['end']['portal'], 'en')} (start: "
         f"{_pct(q['start']['portal'], 'en')}; change: {number(q['change']['portal'], 'en')})."),
        (f"Điểm MQA (EU) bình quân cuối năm: {number(q['end']['mqa'])}/405 (đầu năm: {number(q['start']['mqa'])}; "
         f"thay đổi: {number(q['change']['mqa'])}).",
         f"Mean EU MQA points at the year's end: {number(q['end']['mqa'], 'en')}/405 (start: "
         f"{number(q['start']['mqa'], 'en')}; change: {number(q['change']['mqa'], 'en')})."),
    ], [
        Table("quality-by-agency", "Điểm chất lượng bình quân theo cơ quan", "Mean quality scores by agency",
              [("Cơ quan", "Agency"), ("Số bộ dữ liệu", "Datasets"), ("Điểm của cổng (%)", "Portal score (%)"),
               ("Điểm MQA (/405)", "MQA points (/405)")], qrows,
              ["Toàn tỉnh", q["end"]["datasets"], q["end"]["portal"], q["end"]["mqa"]],
              Chart("Điểm chất lượng bình quân theo cơ quan", "Mean quality score by agency",
                    [names[a] for a in agencies], [("Điểm của cổng (%)", "Portal score (%)", [r[2] for r in qrows])])),
        Table("quality-datasets", "Điểm từng bộ dữ liệu", "Scores of each dataset",
              [("Bộ dữ liệu", "Dataset"), ("Cơ quan", "Agency"), ("Điểm của cổng (%)", "Portal score (%)"),
               ("Xếp loại", "Rating"), ("MQA (/405)", "MQA (/405)"), ("Xếp loại MQA", "MQA rating"),
               ("Điểm đầu năm (%)", "At the start (%)"), ("MQA đầu năm", "MQA at the start")],
              [[r["title"], names.get(r["agency"], r["agency"]), r["portal"], r["portal_band"], r["mqa"], r["mqa_band"],
                r["portal_start"], r["mqa_start"]] for r in q["datasets"]]),
    ]))

    fr = f["freshness"]
    by_f = {r["agency"]: r for r in fr["by_agency"]}
    out.append(Section("freshness", "Cập nhật đúng hạn", "Freshness", [
        (f"Đến {vn_date(f['as_of'])}: {number(fr['overdue'])} trong {number(fr['scheduled'])} bộ dữ liệu cập nhật định kỳ "
         "quá hạn theo tần suất đã công bố.",
         f"On {f['as_of']}: {fr['overdue']} of {fr['scheduled']} regularly updated datasets overdue for their frequency."),
    ], [
        Table("freshness-by-agency", "Quá hạn cập nhật theo cơ quan", "Overdue by agency",
              [("Cơ quan", "Agency"), ("Cập nhật định kỳ", "Scheduled"), ("Quá hạn", "Overdue"),
               ("Trễ nhất (ngày)", "Most days late")],
              [[names[a], by_f[a]["scheduled"], by_f[a]["overdue"], by_f[a]["most_days_late"]] for a in agencies],
              ["Tổng cộng", fr["scheduled"], fr["overdue"], max((r["days"] for r in fr["late"]), default=0)]),
        Table("freshness-late", "Bộ dữ liệu quá hạn", "Overdue datasets",
              [("Bộ dữ liệu", "Dataset"), ("Cơ quan", "Agency"), ("Tần suất", "Frequency"),
               ("Cập nhật lần cuối", "Last updated"), ("Hạn cập nhật", "Due"), ("Trễ (ngày)", "Days late")],
              [[r["title"], names.get(r["agency"], r["agency"]), r["frequency"], vn_date(r["last"]), vn_date(r["due"]),
                r["days"]] for r in fr["late"]]),
    ]))

    c = f["coverage"]
    by_c = {r["agency"]: r for r in c["by_agency"]}
    crow = [[names[a], by_c[a]["entries"], by_c[a]["published"], by_c[a]["percent"], by_c[a]["target"],
             by_c[a]["progress"]] for a in agencies]
    stage = c["stage"]
    out.append(Section("coverage", "Độ phủ danh mục và tiến độ theo lộ trình", "Catalogue coverage and roadmap", [
        ((f"Giai đoạn: {stage['title']} (đến {vn_date(stage['until'])})." if stage else
          "Chưa khai báo lộ trình (catalog/roadmap.yaml)."),
         (f"Stage: {stage['title_en'] or stage['title']} (until {stage['until']})." if stage else
          "No roadmap declared (catalog/roadmap.yaml).")),
        (f"Đã công bố {number(c['published'])}/{number(c['entries'])} mục danh mục; chỉ tiêu giai đoạn: "
         f"{number(c['target'])}.",
         f"{c['published']}/{c['entries']} catalogue entries published; stage target: {number(c['target'], 'en')}."),
    ], [
        Table("coverage-by-agency", "Độ phủ danh mục theo cơ quan", "Coverage by agency",
              [("Cơ quan", "Agency"), ("Mục danh mục", "Entries"), ("Đã công bố", "Published"),
               ("Tỷ lệ (%)", "Share (%)"), ("Chỉ tiêu giai đoạn", "Stage target"), ("Đạt chỉ tiêu (%)", "Of target (%)")],
              crow, ["Tổng cộng", c["entries"], c["published"],
                     round(100 * c["published"] / c["entries"]) if c["entries"] else None, c["target"],
                     (round(100 * c["published"] / c["target"]) if c["target"] else None)],
              Chart("Mục đã công bố so với chỉ tiêu", "Entries published against the target",
                    [names[a] for a in agencies],
                    [("Đã công bố", "Published", [r[2] for r in crow]),
                     ("Chỉ tiêu giai đoạn", "Stage target", [r[4] for r in crow])])),
        Table("coverage-pending", "Mục danh mục chưa có dữ liệu", "Catalogue entries not yet published",
              [("Mã danh mục", "Code"), ("Tên mục", "Entry"), ("Cơ quan", "Agency")],
              [[e["code"], e["title"], names[a]] for a in agencies for e in by_c[a]["pending"]]),
    ]))

    rv = f["reviews"]
    out.append(Section("reviews", "Rà soát danh mục sáu tháng một lần", "Half-yearly catalogue review", [
        (f"Số lần rà soát trong năm: {number(rv['in_year'])}/{rv['expected_in_year']}.",
         f"Reviews in the year: {rv['in_year']}/{rv['expected_in_year']}."),
    ], [Table("reviews", "Các lần rà soát", "Reviews", [("Ngày rà soát", "Reviewed on")],
              [[vn_date(x)] for x in rv["history"]])]))

    fb = f["feedback"]
    fb_rows = ({r["agency"]: r for r in fb["by_agency"]} if fb["by_agency"] is not None else None)
    out.append(Section("feedback", "Góp ý của người dùng", "Feedback", [
        (f"Góp ý nhận được: {number(fb['received'])}; đã trả lời: {number(fb['answered'])}; thời gian trả lời "
         f"(trung vị): {number(fb['median_days_to_answer'])}{'' if fb['median_days_to_answer'] is None else ' ngày'}.",
         f"Feedback received: {number(fb['received'], 'en')}; answered: {number(fb['answered'], 'en')}; median days "
         f"to answer: {number(fb['median_days_to_answer'], 'en')}."),
    ], [Table("feedback-by-agency", "Góp ý theo cơ quan", "Feedback by agency",
              [("Cơ quan", "Agency"), ("Nhận được", "Received"), ("Đã trả lời", "Answered"),
               ("Trung vị ngày trả lời", "Median days to answer")],
              [[names[a], *( [fb_rows[a]["received"], fb_rows[a]["answered"], fb_rows[a]["median_days_to_answer"]]
                             if fb_rows else [None, None, None])] for a in agencies],
              ["Tổng cộng", fb["received"], fb["answered"], fb["median_days_to_answer"]])]))

    api = f["api"]
    api_rows = {r["agency"]: r for r in api["by_agency"]} if api["by_agency"] is not None else None
    out.append(Section("api", "Tài khoản API, truy vấn và tra cứu", "API accounts, queries and look-ups", [
        (f"Tài khoản API: {number(api['accounts_total'])} (mới trong năm: {number(api['accounts_new'])}); truy vấn "
         f"có khóa: {number(api['keyed_queries'])}; tra cứu qua SMS: {number(api['lookups_sms'])}; qua Zalo: "
         f"{number(api['lookups_zalo'])}.",
         f"API accounts: {number(api['accounts_total'], 'en')} (new: {number(api['accounts_new'], 'en')}); keyed "
         f"queries: {number(api['keyed_queries'], 'en')}; SMS look-ups: {number(api['lookups_sms'], 'en')}; Zalo "
         f"look-ups: {number(api['lookups_zalo'], 'en')}."),
    ], [Table("api-by-agency", "Truy vấn có khóa theo cơ quan", "Keyed queries by agency",
              [("Cơ quan", "Agency"), ("Truy vấn có khóa", "Keyed queries")],
              [[names[a], api_rows[a]["keyed_queries"] if api_rows else None] for a in agencies]
              + ([["Bộ dữ liệu không còn trong danh mục", api["unattributed_queries"]]]
                 if api.get("unattributed_queries") else []),
              ["Tổng cộng", api["keyed_queries"]])]))
    return out


def title(f: dict[str, Any], lang: str = "vi") -> str:
    if lang == "vi":
        who = f["agency"]["name"] if f["agency"] else f["portal"]["province"]
        return f"Báo cáo kết quả công bố, khai thác dữ liệu mở năm {f['year']} — {who}"
    who = (f["agency"]["name_en"] or f["agency"]["name"]) if f["agency"] else f["portal"]["province"]
    return f"Open data report {f['year']} — {who}"
