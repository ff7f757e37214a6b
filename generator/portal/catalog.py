"""Load catalog/: the portal's configuration, agencies, topics, licences and the approved catalogue."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from generator.problems import InputError, Problems
from generator.portal.yamlkeys import Fields
from generator.portal.model import Agency, Catalog, CatalogueEntry, Licence, Portal, Stage, Topic, Withdrawal
from generator.portal.vocabularies import FREQUENCIES
from generator.portal.yamlfile import load_yaml

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _list_file(root: Path, name: str, problems: Problems) -> list[dict]:
    rel = f"catalog/{name}"
    data = load_yaml(root / rel, rel, problems)
    if data is None:
        return []
    if not isinstance(data, list):
        problems.error(rel, "tệp phải là một danh sách (mỗi mục bắt đầu bằng “- ”).",
                       "the file must be a list (each item starting with “- ”).")
        return []
    return data


def _check_id(value: str, rel: str, where: str, problems: Problems) -> bool:
    if not ID_PATTERN.match(value or ""):
        problems.error(rel, f"mã “{value}” không hợp lệ.", f"id “{value}” is not valid.",
                       "chỉ dùng chữ thường không dấu, số và dấu gạch ngang, ví dụ so-y-te.",
                       "use lower-case ASCII letters, digits and hyphens, e.g. so-y-te.", where=where)
        return False
    return True


def load_catalog(root: Path) -> Catalog:
    problems = Problems()
    portal = _load_portal(root, problems)

    agencies: dict[str, Agency] = {}
    for i, item in enumerate(_list_file(root, "agencies.yaml", problems)):
        f = Fields(item, "catalog/agencies.yaml", f"mục {i + 1}", problems)
        aid = f.get("id")
        if aid is None or not _check_id(aid, f.file, f"mục {i + 1}.id", problems):
            continue
        if aid in agencies:
            problems.error(f.file, f"mã cơ quan “{aid}” bị trùng.", f"duplicate agency id “{aid}”.",
                           "mỗi cơ quan một mã riêng.", "give each agency its own id.", where=f"mục {i + 1}.id")
        agencies[aid] = Agency(aid, f.get("name"), f.get("name_en", required=False, default=""),
                               f.get("kind", required=False, default=""), f.get("email", required=False, default=""),
                               f.get("website", required=False, default=""), f.strings("submitters", required=False))

    topics: dict[str, Topic] = {}
    for i, item in enumerate(_list_file(root, "topics.yaml", problems)):
        f = Fields(item, "catalog/topics.yaml", f"mục {i + 1}", problems)
        tid = f.get("id")
        if tid is None or not _check_id(tid, f.file, f"mục {i + 1}.id", problems):
            continue
        topics[tid] = Topic(tid, f.get("name"), f.get("name_en", required=False, default=""), f.get("theme"))

    licences: dict[str, Licence] = {}
    for i, item in enumerate(_list_file(root, "licences.yaml", problems)):
        f = Fields(item, "catalog/licences.yaml", f"mục {i + 1}", problems)
        lid = f.get("id")
        if lid:
            licences[lid] = Licence(lid, f.get("title"), f.get("title_en", required=False, default=""), f.get("url"))

    entries, reviewed = _load_entries(root, agencies, topics, problems)
    roadmap = _load_roadmap(root, agencies, entries, problems)
    if portal and portal.operator not in agencies:
        problems.error("catalog/portal.yaml", f"cơ quan vận hành “{portal.operator}” không có trong catalog/agencies.yaml.",
                       f"operator “{portal.operator}” is not in catalog/agencies.yaml.", where="operator")
    if portal and portal.default_licence not in licences:
        problems.error("catalog/portal.yaml", f"giấy phép mặc định “{portal.default_licence}” không có trong catalog/licences.yaml.",
                       f"default licence “{portal.default_licence}” is not in catalog/licences.yaml.", where="default_licence")
    if problems.errors or portal is None:
        raise InputError(problems.errors)
    return Catalog(portal, agencies, topics, licences, entries, reviewed, _load_withdrawn(root), roadmap)


def _load_roadmap(root: Path, agencies: dict[str, Agency], entries: dict[str, CatalogueEntry],
                  problems: Problems) -> list[Stage]:
    """catalog/roadmap.yaml (optional): the stages of Article 11.1 with each agency's target."""
    rel = "catalog/roadmap.yaml"
    if not (root / rel).is_file():
        return []
    data = load_yaml(root / rel, rel, problems)
    if data is None:
        return []
    top = Fields(data, rel, "", problems)
    stages: list[Stage] = []
    owned = {a: sum(1 for e in entries.values() if e.agency == a) for a in agencies}
    for i, item in enumerate(top.get("stages", list, default=[]) or []):
        where = f"stages[{i + 1}]"
        f = Fields(item, rel, where, problems)
        sid, title, until = f.get("id"), f.get("title"), f.get("until")
        if sid is None or not _check_id(sid, rel, f"{where}.id", problems):
            continue
        where = f"{where} ({sid})"
        f.where = where
        if any(s.id == sid for s in stages):
            problems.error(rel, f"mã giai đoạn “{sid}” bị trùng.", f"duplicate stage id “{sid}”.",
                           "mỗi giai đoạn một mã riêng.", "give each stage its own id.", where=f"{where}.id")
        try:
            day = dt.date.fromisoformat(until or "")
        except ValueError:
            problems.error(rel, f"ngày kết thúc “{until}” không hợp lệ.", f"end date “{until}” is not valid.",
                           "viết ngày dạng YYYY-MM-DD, ví dụ 2026-12-31.", "write the date as YYYY-MM-DD, e.g. 2026-12-31.",
                           where=f"{where}.until")
            continue
        if stages and day.isoformat() <= stages[-1].until:
            problems.error(rel, f"giai đoạn “{sid}” kết thúc trước hoặc cùng ngày giai đoạn trước.",
                           f"stage “{sid}” ends on or before the stage before it.",
                           "xếp các giai đoạn theo thứ tự thời gian.", "list the stages in time order.",
                           where=f"{where}.until")
        targets: dict[str, int] = {}
        for agency, value in (f.get("targets", dict, default={}) or {}).items():
            at = f"{where}.targets.{agency}"
            if agency not in agencies:
                problems.error(rel, f"cơ quan “{agency}” không có trong catalog/agencies.yaml.",
                               f"agency “{agency}” is not in catalog/agencies.yaml.",
                               "dùng mã cơ quan có trong catalog/agencies.yaml.",
                               "use an agency id from catalog/agencies.yaml.", where=at)
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.error(rel, f"chỉ tiêu “{value}” phải là số nguyên không âm.",
                               f"target “{value}” must be a whole number, 0 or more.",
                               "ghi số mục danh mục có dữ liệu công bố đến hết giai đoạn, ví dụ 3.",
                               "write how many catalogue entries are published by the stage's end, e.g. 3.", where=at)
                continue
            if value > owned[agency]:
                problems.error(rel, f"chỉ tiêu {value} vượt số mục danh mục của cơ quan ({owned[agency]}).",
                               f"target {value} exceeds the agency's catalogue entries ({owned[agency]}).",
                               "bổ sung mục vào catalog/catalogue.yaml hoặc giảm chỉ tiêu.",
                               "add entries to catalog/catalogue.yaml or lower the target.", where=at)
            earlier = next((s.targets[agency] for s in reversed(stages) if agency in s.targets), None)
            if earlier is not None and value < earlier:
                problems.error(rel, f"chỉ tiêu {value} thấp hơn giai đoạn trước ({earlier}).",
                               f"target {value} is lower than in the stage before ({earlier}).",
                               "chỉ tiêu là số mục tích lũy: không giảm qua các giai đoạn.",
                               "targets are cumulative: they never go down from one stage to the next.", where=at)
            targets[str(agency)] = value
        stages.append(Stage(sid, title or sid, f.get("title_en", required=False, default=""), day.isoformat(), targets))
    return stages


def _load_withdrawn(root: Path) -> dict[str, Withdrawal]:
    """catalog/withdrawn.yaml, written by `opendata withdraw` (optional)."""
    rel = "catalog/withdrawn.yaml"
    if not (root / rel).is_file():
        return {}
    problems = Problems()
    data = load_yaml(root / rel, rel, problems)
    if problems.errors:
        raise InputError(problems.errors)
    out: dict[str, Withdrawal] = {}
    for i, item in enumerate(data or []):
        f = Fields(item, rel, f"mục {i + 1}", problems)
        wid, date, reason = f.get("id"), f.get("date"), f.get("reason")
        if wid and date and reason:
            out[wid] = Withdrawal(wid, date, reason, f.get("title", required=False, default=""),
                                  f.get("agency", required=False, default=""))
    if problems.errors:
        raise InputError(problems.errors)
    return out


def _load_portal(root: Path, problems: Problems) -> Portal | None:
    rel = "catalog/portal.yaml"
    data = load_yaml(root / rel, rel, problems)
    if data is None:
        return None
    f = Fields(data, rel, "", problems)
    base_url = f.get("base_url")
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    portal = Portal(
        id=f.get("id"), name=f.get("name"), name_en=f.get("name_en", required=False, default=""),
        short_name=f.get("short_name", required=False, default=""), province=f.get("province"),
        domain=f.get("domain"), base_url=base_url, language=f.get("language", required=False, default="vi"),
        operator=f.get("operator"), regulation=f.get("regulation", dict, required=False, default={}),
        default_licence=f.get("default_licence"), reviewers=f.strings("reviewers"),
        province_note=f.get("province_note", required=False, default=""),
        province_note_en=f.get("province_note_en", required=False, default=""),
    )
    if portal.short_name == "":
        portal.short_name = portal.name
    function_url = f.get("function_url", required=False, default="")
    if function_url:
        portal.function_url = check_function_url(function_url, rel, "function_url", problems, base_url or "")
    return portal


# Characters a URL may carry (RFC 3986, unreserved + reserved + "%"), minus quotes and "<>", which a
# URL that goes into pages never needs.
_URL_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]+$")


def function_url_problem(value: str) -> tuple[str, str] | None:
    """Why `value` cannot be the function's URL, in Vietnamese and English; None when it can."""
    import rfc3986

    reference = rfc3986.uri_reference(value) if _URL_CHARS.match(value) else None
    if (reference is None or not reference.is_valid(require_scheme=True, require_authority=True)
            or reference.scheme not in ("http", "https") or not reference.host):
        return ("phải là một địa chỉ http:// hoặc https:// đầy đủ, ví dụ https://api.opendata.example.gov.vn.",
                "must be a full http:// or https:// address, e.g. https://api.opendata.example.gov.vn.")
    if reference.query is not None or reference.fragment is not None or reference.userinfo is not None:
        return ("không được có tên đăng nhập, “?…” hay “#…”: chỉ địa chỉ gốc của hàm API.",
                "must not carry a user name, “?…” or “#…”: only the function's root address.")
    return None


def check_function_url(value: str, rel: str, key: str, problems: Problems, base_url: str = "") -> str:
    """Check the function's URL (catalog/portal.yaml function_url); return it without a trailing slash."""
    value = value.strip()
    problem = function_url_problem(value)
    if problem is None and base_url.startswith("https://") and value.startswith("http://"):
        problem = ("phải dùng https:// vì cổng dùng https:// (trình duyệt chặn biểu mẫu gửi từ trang https tới http).",
                   "must use https:// because the portal does (browsers block a form on an https page posting to http).")
    if problem:
        problems.error(rel, f"“{key}” = “{value}” {problem[0]}", f"“{key}” = “{value}” {problem[1]}",
                       "ghi địa chỉ công khai của hàm API (xem docs/function.md), hoặc xóa khóa này để dùng thư điện tử.",
                       "write the function's public address (see docs/function.md), or remove the key to use email.",
                       where=key)
        return ""
    return value.rstrip("/")


def _load_entries(root: Path, agencies: dict, topics: dict, problems: Problems) -> tuple[dict[str, CatalogueEntry], str]:
    rel = "catalog/catalogue.yaml"
    data = load_yaml(root / rel, rel, problems)
    if data is None:
        return {}, ""
    top = Fields(data, rel, "", problems)
    reviewed = top.get("reviewed", str, required=False, default="")
    entries: dict[str, CatalogueEntry] = {}
    for i, item in enumerate(top.get("entries", list, default=[]) or []):
        where = f"entries[{i + 1}]"
        f = Fields(item, rel, where, problems)
        code = f.get("code")
        if not code:
            continue
        where = f"{where} ({code})"
        f.where = where
        if code in entries:
            problems.error(rel, f"mã danh mục “{code}” bị trùng.", f"duplicate catalogue code “{code}”.",
                           "mỗi mục danh mục một mã riêng.", "give each catalogue entry its own code.", where=where)
        entry = CatalogueEntry(
            code=code, title=f.get("title"), title_en=f.get("title_en", required=False, default=""),
            agency=f.get("agency"), topic=f.get("topic"), frequency=f.get("frequency"),
            legal_basis=f.get("legal_basis", required=False, default=""),
            description=f.get("description", required=False, default=""),
            multiple=bool(f.get("multiple", bool, required=False, default=False)),
        )
        if entry.agency and entry.agency not in agencies:
            problems.error(rel, f"cơ quan “{entry.agency}” không có trong catalog/agencies.yaml.",
                           f"agency “{entry.agency}” is not in catalog/agencies.yaml.",
                           "dùng mã cơ quan có trong catalog/agencies.yaml.", "use an agency id from catalog/agencies.yaml.",
                           where=f"{where}.agency")
        if entry.topic and entry.topic not in topics:
            problems.error(rel, f"chủ đề “{entry.topic}” không có trong catalog/topics.yaml.",
                           f"topic “{entry.topic}” is not in catalog/topics.yaml.",
                           f"dùng một trong: {', '.join(topics)}.", f"use one of: {', '.join(topics)}.", where=f"{where}.topic")
        if entry.frequency and entry.frequency not in FREQUENCIES:
            problems.error(rel, f"tần suất “{entry.frequency}” không hợp lệ.", f"frequency “{entry.frequency}” is not valid.",
                           f"dùng một trong: {', '.join(FREQUENCIES)}.", f"use one of: {', '.join(FREQUENCIES)}.",
                           where=f"{where}.frequency")
        entries[code] = entry
    return entries, reviewed
