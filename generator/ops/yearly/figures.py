"""Every figure of a yearly report, computed once; the HTML, XLSX, DOCX and JSON writers only lay them out.

Inputs: the portal at the year's end (the last commit on or before 31 December, or the current one
within the year), its git history (published, updated, withdrawn, freshness, coverage, reviews), the
quality scores as the build computes them, and optionally the function's yearly statistics
(`opendata keys stats --year Y --format json`) and a log of gate runs. A figure whose source is
missing is None ("not available"), never 0.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import statistics
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from generator.ops import coverage as coverage_
from generator.ops import freshness
from generator.portal.gitinfo import VN_TZ, History, iso, read_history
from generator.portal.model import Portfolio
from generator.problems import InputError, Problem

FORMAT = "opendata-yearly-report"
STATS_FORMAT = "opendata-function-stats"


@dataclass
class State:
    """The portal as it stood at one moment: its datasets with dates from git, and their scores."""

    portfolio: Portfolio
    scores: dict[str, dict[str, Any]]  # dataset id -> score id -> Score


@dataclass
class Sources:
    root: Path
    history: History
    end: State | None  # at the year's end (None: nothing committed by then)
    start: State | None  # at the year's start (None: nothing committed before the year)
    stats: dict[str, Any] | None = None  # the function's export, checked
    gate_runs: list[dict[str, Any]] | None = None
    stats_file: str = ""
    gate_file: str = ""


def _epoch(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=VN_TZ).timestamp())


def _git(root: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, encoding="utf-8")
    return out.stdout.strip() if out.returncode == 0 else ""


def commit_before(root: Path, epoch: int) -> str:
    """The last commit made before `epoch` ("" when none, or outside git)."""
    return _git(root, "rev-list", "-1", f"--before={epoch - 1}", "HEAD")


def state_at(root: Path, commit: str, history: History, scorer: Callable[[Path, Portfolio], dict]) -> State:
    """The portal at `commit`: HEAD is read in place, an older commit from `git archive`, its dates
    from the history up to that commit (as a build of that commit would have them)."""
    from generator.build.pipeline import load

    if commit == history.commit:
        portfolio, _ = load(root)
        return State(portfolio, scorer(root, portfolio))
    epoch = int(_git(root, "show", "-s", "--format=%ct", commit) or 0)
    with tempfile.TemporaryDirectory(prefix="opendata-year-") as tmp:
        archive = subprocess.run(["git", "archive", "--format=tar", commit, "catalog", "data"], cwd=root,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        for name in ("mkdocs.yml", "local"):
            if (root / name).exists() and not (Path(tmp) / name).exists():
                (shutil.copytree if (root / name).is_dir() else shutil.copy)(root / name, Path(tmp) / name)
        portfolio, _ = load(Path(tmp))
        for d in portfolio.datasets:
            times = [t for t, _ in history.changes.get(d.rel_folder, []) if t <= epoch]
            d.created, d.modified = iso(min(times, default=epoch)), iso(max(times, default=epoch))
        portfolio.commit, portfolio.commit_time, portfolio.commit_epoch = commit, iso(epoch), epoch
        return State(portfolio, scorer(Path(tmp), portfolio))


def gate_scores(root: Path, portfolio: Portfolio) -> dict:
    """The quality scores exactly as the build computes them: gate (offline), measured files, link record."""
    from generator.build import pipeline
    from generator.problems import Problems
    from generator.publish.downloads import files

    problems = Problems()
    with tempfile.TemporaryDirectory(prefix="opendata-year-gate-") as workdir:
        pipeline.gate(portfolio, problems, Path(workdir))
        files.measure(portfolio)
        return pipeline.quality_scores(root, portfolio, problems.warnings)


def gather(root: Path, year: int, stats_file: str = "", gate_file: str = "",
           current: State | None = None, cache: dict[str, State] | None = None) -> Sources:
    """Read everything the report of `year` needs. `current`: the build's own state (HEAD), reused;
    `cache`: states by commit, shared between the years of one build (each older state costs a gate run)."""
    root = root.resolve()
    history = read_history(root)
    start_epoch, end_epoch = _epoch(dt.date(year, 1, 1)), _epoch(dt.date(year + 1, 1, 1))
    cache = {} if cache is None else cache

    def at(commit: str) -> State | None:
        if not commit:
            return None
        if commit not in cache:
            if current is not None and commit == history.commit:
                cache[commit] = current
            else:
                cache[commit] = state_at(root, commit, history, gate_scores)
        return cache[commit]

    head_in_year = history.commit and history.epoch < end_epoch
    if history.commit:
        end = at(history.commit if head_in_year and history.epoch >= start_epoch else commit_before(root, end_epoch))
    else:  # outside git: the portal as it is, dated by its files
        end = current or state_at(root, "", history, gate_scores)
    start = at(commit_before(root, start_epoch)) if history.commit else None
    return Sources(root, history, end, start, load_stats(stats_file, year) if stats_file else None,
                   load_gate_runs(gate_file) if gate_file else None, stats_file, gate_file)


def _refuse(file: str, vi: str, en: str, fix_vi: str, fix_en: str, where: str = "") -> InputError:
    return InputError([Problem(file, vi, en, fix_vi, fix_en, where=where, code="yearly-input")])


def load_stats(path: str, year: int) -> dict[str, Any]:
    """The function's yearly statistics; refused with a bilingual message naming the file and key."""
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise _refuse(path, f"không đọc được tệp thống kê của hàm API ({exc}).",
                      f"cannot read the function's statistics ({exc}).",
                      f"xuất lại bằng: opendata keys stats --year {year} --format json --out {path}",
                      f"export it again with: opendata keys stats --year {year} --format json --out {path}")
    if not isinstance(data, dict) or data.get("format") != STATS_FORMAT:
        raise _refuse(path, f"tệp không phải thống kê của hàm API (cần “format: {STATS_FORMAT}”).",
                      f"not the function's statistics (“format: {STATS_FORMAT}” expected).",
                      "dùng tệp do “opendata keys stats --format json” xuất.",
                      "use the file “opendata keys stats --format json” writes.", where="format")
    if str(data.get("year")) != str(year):
        raise _refuse(path, f"thống kê của năm {data.get('year')}, không phải năm {year}.",
                      f"statistics of {data.get('year')}, not of {year}.",
                      f"xuất thống kê năm {year}.", f"export the statistics of {year}.", where="year")
    return data


def load_gate_runs(path: str) -> list[dict[str, Any]]:
    """Gate runs, one JSON object per line: `opendata validate --format json` with its "date" (YYYY-MM-DD)."""
    runs = []
    try:
        lines = Path(path).read_text("utf-8").splitlines()
    except OSError as exc:
        raise _refuse(path, f"không đọc được nhật ký kiểm tra ({exc}).", f"cannot read the gate log ({exc}).",
                      "chỉ đúng tệp nhật ký (JSON Lines).", "point at the gate log (JSON Lines).")
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            run = json.loads(line)
            dt.date.fromisoformat(run["date"])
            run["tasks"]
        except (ValueError, KeyError, TypeError):
            raise _refuse(path, f"dòng {n} không phải một lần kiểm tra có “date” và “tasks”.",
                          f"line {n} is not a gate run with “date” and “tasks”.",
                          "mỗi dòng là kết quả “opendata validate --format json” kèm “date”: YYYY-MM-DD.",
                          "each line is an “opendata validate --format json” result with “date”: YYYY-MM-DD.",
                          where=f"dòng {n} (line {n})")
        runs.append(run)
    return runs


# ---- the figures ------------------------------------------------------------------------------------

def _agency_of_folder(folder: str) -> str:
    return folder.split("/")[1] if folder.count("/") >= 2 else ""


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def compute(src: Sources, year: int, agency: str | None = None) -> dict[str, Any]:
    """The report of `year` for the province, or for one agency, as plain JSON-ready data."""
    if src.end is None:
        raise _refuse("--year", f"năm {year}: cổng chưa có dữ liệu nào đến hết năm.",
                      f"{year}: the portal had nothing committed by the end of the year.",
                      "chọn năm có dữ liệu trong lịch sử git.", "choose a year the git history covers.")
    p = src.end.portfolio
    catalog = p.catalog
    if agency is not None and agency not in catalog.agencies:
        raise _refuse("--agency", f"cơ quan “{agency}” không có trong catalog/agencies.yaml.",
                      f"agency “{agency}” is not in catalog/agencies.yaml.",
                      f"dùng một trong: {', '.join(catalog.agencies)}.", f"use one of: {', '.join(catalog.agencies)}.")
    start_epoch, end_epoch = _epoch(dt.date(year, 1, 1)), _epoch(dt.date(year + 1, 1, 1))
    as_of = min(dt.date(year, 12, 31), dt.date.fromisoformat(p.commit_time[:10]))
    agencies = [a for a in catalog.agencies if agency in (None, a)]

    # Published, updated, withdrawn: from the git history of each dataset folder.
    per_agency: dict[str, Counter] = {a: Counter() for a in agencies}
    months: dict[str, Counter] = {f"{year}-{m:02d}": Counter() for m in range(1, 13)}
    published_ids, updated_ids = [], []
    for folder, changes in sorted(src.history.changes.items()):
        a = _agency_of_folder(folder)
        if a not in per_agency:
            continue
        first = changes[-1][0]
        if start_epoch <= first < end_epoch:
            per_agency[a]["published"] += 1
            months[iso(first)[:7]]["published"] += 1
            published_ids.append(folder)
        later = [t for t, _ in changes[:-1] if start_epoch <= t < end_epoch]
        if later:
            per_agency[a]["updated"] += 1
            per_agency[a]["updates"] += len(later)
            updated_ids.append(folder)
            for t in later:
                months[iso(t)[:7]]["updates"] += 1
    withdrawn = [w for w in catalog.withdrawn.values() if w.date[:4] == str(year) and (w.agency or "") in per_agency]
    for w in withdrawn:
        per_agency[w.agency]["withdrawn"] += 1
    for d in p.datasets:
        if d.agency in per_agency:
            per_agency[d.agency]["total"] += 1

    rows = []
    for a in agencies:
        c = per_agency[a]
        rows.append({"agency": a, "name": catalog.agencies[a].name, "name_en": catalog.agencies[a].name_en,
                     "published": c["published"], "updated": c["updated"], "updates": c["updates"],
                     "withdrawn": c["withdrawn"], "total": c["total"]})
    datasets = {k: sum(r[k] for r in rows) for k in ("published", "updated", "updates", "withdrawn", "total")}
    datasets["by_agency"] = rows
    datasets["by_month"] = [{"month": m, "published": c["published"], "updates": c["updates"]}
                            for m, c in months.items()]
    datasets["withdrawn_list"] = [{"id": w.id, "title": w.title, "agency": w.agency, "date": w.date,
                                   "reason": w.reason} for w in withdrawn]

    return {
        "format": FORMAT, "version": 1, "year": year,
        "agency": ({"id": agency, "name": catalog.agencies[agency].name, "name_en": catalog.agencies[agency].name_en}
                   if agency else None),
        "portal": {"name": catalog.portal.name, "name_en": catalog.portal.name_en,
                   "province": catalog.portal.province, "operator": catalog.agencies[catalog.portal.operator].name,
                   "url": catalog.portal.base_url},
        "as_of": as_of.isoformat(), "commit": p.commit,
        "datasets": datasets,
        "gate": _gate(src, year, agencies),
        "quality": _quality(src, agencies),
        "freshness": _freshness(p, as_of, agencies),
        "coverage": _coverage(p, as_of, agencies),
        "reviews": _reviews(src, year, catalog.reviewed),
        "feedback": _feedback(src, p, agencies, agency),
        "api": _api(src, p, agencies, agency),
    }


def _gate(src: Sources, year: int, agencies: list[str]) -> dict[str, Any]:
    if src.gate_runs is None:
        return {"available": False, "first_time_pass_rate": None, "runs": None, "common_errors": None,
                "reason": "Chưa có nhật ký kiểm tra (--gate-log).", "reason_en": "No gate log given (--gate-log)."}
    first: dict[str, bool] = {}
    errors: Counter = Counter()
    runs = 0
    for run in sorted(src.gate_runs, key=lambda r: r["date"]):
        if not run["date"].startswith(str(year)):
            continue
        for task in run.get("tasks") or []:
            place = str(task.get("place", ""))
            if _agency_of_folder(place) not in agencies:
                continue
            runs += 1
            first.setdefault(place, bool(task.get("valid")))
            for e in task.get("errors") or []:
                errors[str(e.get("type") or "portal-error")] += 1
    rate = round(100 * sum(first.values()) / len(first)) if first else None
    return {"available": True, "runs": runs, "datasets": len(first), "first_time_pass_rate": rate,
            "common_errors": [{"type": t, "count": n} for t, n in sorted(errors.items(), key=lambda x: (-x[1], x[0]))[:10]]}


def _quality(src: Sources, agencies: list[str]) -> dict[str, Any]:
    def summary(state: State | None) -> dict[str, Any]:
        if state is None:
            return {"portal": None, "mqa": None, "datasets": None}
        ds = [d for d in state.portfolio.datasets if d.agency in agencies]
        scores = [state.scores.get(d.id, {}) for d in ds]
        return {"portal": _mean([s["portal"].percent for s in scores if "portal" in s]),
                "mqa": _mean([s["mqa"].points for s in scores if "mqa" in s]), "datasets": len(ds)}

    end, start = summary(src.end), summary(src.start)
    rows = []
    assert src.end is not None
    before = src.start.scores if src.start else {}
    for d in sorted(src.end.portfolio.datasets, key=lambda d: (d.agency, d.id)):
        if d.agency not in agencies or d.id not in src.end.scores:
            continue
        s = src.end.scores[d.id]
        b = before.get(d.id)
        rows.append({"id": d.id, "title": d.title, "agency": d.agency,
                     "portal": s["portal"].percent, "portal_band": s["portal"].band.vi,
                     "mqa": s["mqa"].points, "mqa_band": s["mqa"].band.vi,
                     "portal_start": b["portal"].percent if b else None, "mqa_start": b["mqa"].points if b else None})
    by_agency = []
    for a in agencies:
        mine = [r for r in rows if r["agency"] == a]
        by_agency.append({"agency": a, "datasets": len(mine), "portal": _mean([r["portal"] for r in mine]),
                          "mqa": _mean([r["mqa"] for r in mine])})
    bands = Counter(r["mqa_band"] for r in rows)
    change = {k: (round(end[k] - start[k], 1) if end[k] is not None and start[k] is not None else None)
              for k in ("portal", "mqa")}
    return {"end": end, "start": start, "change": change, "by_agency": by_agency, "datasets": rows,
            "mqa_bands": dict(sorted(bands.items()))}


def _freshness(p: Portfolio, as_of: dt.date, agencies: list[str]) -> dict[str, Any]:
    late = [x for x in freshness.overdue(p, as_of) if x.dataset.agency in agencies]
    rows = []
    for a in agencies:
        mine = [d for d in p.datasets if d.agency == a]
        rows.append({"agency": a, "scheduled": sum(1 for d in mine if freshness.scheduled(d)),
                     "overdue": sum(1 for x in late if x.dataset.agency == a),
                     "most_days_late": max((x.days for x in late if x.dataset.agency == a), default=0)})
    return {"scheduled": sum(r["scheduled"] for r in rows), "overdue": len(late), "by_agency": rows,
            "late": [{"id": x.dataset.id, "title": x.dataset.title, "agency": x.dataset.agency,
                      "frequency": x.dataset.frequency_info.vi, "last": x.last.isoformat(), "due": x.due.isoformat(),
                      "days": x.days} for x in late]}


def _coverage(p: Portfolio, as_of: dt.date, agencies: list[str]) -> dict[str, Any]:
    rows = []
    for c in coverage_.coverage(p, as_of):
        if c.agency not in agencies:
            continue
        rows.append({"agency": c.agency, "entries": len(c.entries), "published": len(c.published),
                     "pending": [{"code": code, "title": p.catalog.entries[code].title} for code in c.pending],
                     "percent": c.percent, "target": c.target, "progress": c.progress})
    stage = coverage_.stage_on(p.catalog.roadmap, as_of)
    targets = [r["target"] for r in rows if r["target"] is not None]
    return {"stage": ({"id": stage.id, "title": stage.title, "title_en": stage.title_en, "until": stage.until}
                      if stage else None),
            "entries": sum(r["entries"] for r in rows), "published": sum(r["published"] for r in rows),
            "target": sum(targets) if targets else None, "by_agency": rows}


def _reviews(src: Sources, year: int, current: str) -> dict[str, Any]:
    from generator.ops.review import REVIEW_EVERY, review_history

    history = review_history(src.root, current) if src.end and src.end.portfolio.commit == src.history.commit \
        else review_history(src.root, "")
    dates = [d for d, _ in history if d <= f"{year}-12-31"]
    return {"history": dates, "in_year": sum(1 for d in dates if d.startswith(str(year))), "every_days": REVIEW_EVERY,
            "expected_in_year": 2}


def _stats_part(src: Sources, key: str) -> dict[str, Any] | None:
    if src.stats is None:
        return None
    part = src.stats.get(key)
    return part if isinstance(part, dict) else None


def _feedback(src: Sources, p: Portfolio, agencies: list[str], agency: str | None) -> dict[str, Any]:
    part = _stats_part(src, "feedback")
    if part is None:
        return {"available": False, "received": None, "answered": None, "median_days_to_answer": None,
                "by_agency": None}
    owner = {d.id: d.agency for d in p.datasets}
    owner.update({w.id: w.agency for w in p.catalog.withdrawn.values()})
    rows = {a: {"agency": a, "received": 0, "answered": 0, "days": []} for a in agencies}
    for item in part.get("items") or []:
        a = owner.get(str(item.get("dataset", "")))
        if a not in rows:
            continue
        rows[a]["received"] += 1
        if item.get("days_to_answer") is not None:
            rows[a]["answered"] += 1
            rows[a]["days"].append(float(item["days_to_answer"]))
    out_rows = [{"agency": r["agency"], "received": r["received"], "answered": r["answered"],
                 "median_days_to_answer": round(statistics.median(r["days"]), 1) if r["days"] else None}
                for r in rows.values()]
    days = [x for r in rows.values() for x in r["days"]]
    return {"available": True, "received": sum(r["received"] for r in out_rows),
            "answered": sum(r["answered"] for r in out_rows),
            "median_days_to_answer": round(statistics.median(days), 1) if days else None, "by_agency": out_rows}


def _api(src: Sources, p: Portfolio, agencies: list[str], agency: str | None) -> dict[str, Any]:
    accounts = _stats_part(src, "accounts")
    queries = _stats_part(src, "queries")
    lookups = _stats_part(src, "lookups")
    owner = {d.id: d.agency for d in p.datasets}
    owner.update({w.id: w.agency for w in p.catalog.withdrawn.values() if w.agency})
    by_dataset = {str(k): int(v) for k, v in ((queries or {}).get("by_dataset") or {}).items()}
    rows = None
    keyed = unattributed = None
    if queries is not None:
        rows = [{"agency": a, "keyed_queries": sum(n for ds, n in by_dataset.items() if owner.get(ds) == a)}
                for a in agencies]
        # Queries of a dataset the catalogue no longer knows count for the province, on a line of their own.
        unattributed = 0 if agency else sum(n for ds, n in by_dataset.items() if owner.get(ds) not in agencies)
        keyed = sum(r["keyed_queries"] for r in rows) + unattributed
    return {"available": src.stats is not None,
            # Accounts belong to the portal, not to one agency: shown in the province's report only.
            "accounts_total": (accounts or {}).get("total") if accounts is not None and not agency else None,
            "accounts_new": (accounts or {}).get("new") if accounts is not None and not agency else None,
            "keyed_queries": keyed, "unattributed_queries": unattributed, "by_agency": rows,
            "lookups_sms": (lookups or {}).get("sms") if not agency else None,
            "lookups_zalo": (lookups or {}).get("zalo") if not agency else None}
