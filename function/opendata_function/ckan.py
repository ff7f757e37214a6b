"""CKAN's Action API v3 over what the build published, so CKAN clients and harvesters work unchanged.

At /api/3/action/<name> and /api/action/<name> (ckanapi's default), by GET or POST. Packages are the
build's own CKAN description of each dataset (site/api/3/action/package_show/<name>.json), served as
written: the function adds only `datastore_active` on the tables it serves and live counts
(package_count, search counts and facets). A package answers to its UUID and to its name; a table to
its resource UUID and to "<dataset>/<resource>".

package_search reads the Solr subset of `solr` (fq, fq_list, q with field:value, facet.field, sort,
rows capped at 1000 as CKAN does). datastore_search_sql is not offered: see `datastore_search_sql`.
Metadata is public as in CKAN; the datastore needs a key (Authorization header, as CKAN clients send it).
"""

from __future__ import annotations

import copy
import csv
import io
import json
from typing import Any, Callable
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import query, solr
from .bodies import parse_json, read_form
from .errors import ApiError
from .published import Published
from .service import Function, key_from
from .settings import Settings

CKAN_TYPES = {"string": "text", "integer": "int", "year": "int", "number": "numeric", "boolean": "bool",
              "date": "date", "datetime": "timestamp", "time": "time"}


def _error(exc: ApiError, help_url: str) -> JSONResponse:
    if exc.code in ("bad-body", "bad-number", "sql-not-offered"):  # the body cannot be read; an action not offered
        kind, status = "Bad request", 400
    elif exc.status == 404:
        kind, status = "Not Found Error", 404
    elif exc.status in (401, 403):
        kind, status = "Authorization Error", exc.status
    elif exc.code == "search-query":
        kind, status = "Search Query Error", 409
    elif exc.status in (400, 409, 422):
        kind, status = "Validation Error", 409
    else:
        kind, status = exc.code, exc.status
    error: dict[str, Any] = {"__type": kind, "message": exc.message, "code": exc.code, "vi": exc.vi, "en": exc.en}
    if kind in ("Validation Error", "Bad request"):
        error[exc.field or "query"] = [exc.message]
    if kind == "Search Query Error":
        error["message"] = f"Search error: {exc.message}"
    return JSONResponse({"help": help_url, "success": False, "error": error}, status_code=status,
                        headers=exc.headers)


def _invalid(name: str, vi: str, en: str) -> ApiError:
    return ApiError(409, "invalid-parameter", vi, en, field=name)


def _int(params: dict[str, Any], name: str, default: int, hi: int) -> int:
    value = params.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise _invalid(name, f"“{name}” phải là số nguyên.", f"“{name}” must be an integer.") from None
    if not 0 <= number <= hi:
        raise _invalid(name, f"“{name}” phải từ 0 đến {hi}.", f"“{name}” must be between 0 and {hi}.")
    return number


def _json_param(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return parse_json(value, name)
        except ValueError:
            raise _invalid(name, f"“{name}” không phải JSON hợp lệ.", f"“{name}” is not valid JSON.") from None
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


ROWS_MAX = 1000  # CKAN's ckan.search.rows_max: more is capped, not refused
FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id")
SORT_FIELDS = {"score", "name", "title_string", "metadata_modified", "metadata_created", "id", "num_resources",
               "num_tags"}
DEFAULT_SORT = "score desc, metadata_modified desc"
SQL_REFUSED = (
    "datastore_search_sql không được cung cấp: các bảng được truy vấn qua datastore_search với điều kiện có tham số, "
    "giới hạn thời gian và số dòng; SQL tùy ý chạy trên cùng cơ sở dữ liệu với tài khoản và khóa API, và CKAN "
    "cũng tắt thao tác này theo mặc định (ckan.datastore.sqlsearch.enabled = false).",
    "datastore_search_sql is not offered: tables are queried through datastore_search with parameterised "
    "filters, a time limit and a row cap; arbitrary SQL would run on the database that holds the accounts and "
    "API keys, and CKAN too disables this action by default (ckan.datastore.sqlsearch.enabled = false). "
    "Use datastore_search (filters, q, sort, fields, limit, offset) or /v1/datasets/<dataset>/<table>.")


def package(pub: Published, dataset_id: str) -> dict[str, Any]:
    """The build's CKAN package, with `datastore_active` on each table this function serves."""
    pkg = copy.deepcopy(pub.packages[dataset_id])
    served = {t.ckan_id for t in pub.tables_of(dataset_id)}
    for res in pkg.get("resources") or []:
        res["datastore_active"] = res.get("id") in served
    return pkg


def _names(params: dict[str, Any]) -> list[str]:
    """facet.field / fq_list: a JSON list, or one value."""
    raw = params.get("facet.field") if "facet.field" in params else None
    if raw is None:
        return []
    value = _json_param(params, "facet.field")
    names = value if isinstance(value, list) else [value]
    if not all(isinstance(n, str) for n in names):
        raise _invalid("facet.field", "“facet.field” là danh sách tên trường.", "“facet.field” is a list of field names.")
    unknown = [n for n in names if n not in FACET_FIELDS]
    if unknown:
        raise _invalid("facet.field", f"Không thống kê theo trường “{unknown[0]}”; có: {', '.join(FACET_FIELDS)}.",
                       f"Cannot facet on “{unknown[0]}”; fields: {', '.join(FACET_FIELDS)}.")
    return names


def _search_error(exc: solr.QueryError, param: str) -> ApiError:
    return ApiError(409, "search-query", f"“{param}”: {exc.vi}", f"“{param}”: {exc.en}", field=param)


def _parsed(text: str, param: str) -> solr.Node:
    try:
        return solr.parse(text)
    except solr.QueryError as exc:
        raise _search_error(exc, param) from None


def _sort_key(sort: str) -> list[tuple[str, bool]]:
    keys = []
    for part in sort.split(","):
        words = part.split()
        if not words:
            continue
        field, direction = words[0], (words[1].lower() if len(words) > 1 else "asc")
        if field not in SORT_FIELDS or direction not in ("asc", "desc") or len(words) > 2:
            raise ApiError(409, "search-query", f"“sort”: không sắp xếp được theo “{part.strip()}”; trường có: "
                           f"{', '.join(sorted(SORT_FIELDS))}, kèm asc hoặc desc.",
                           f"“sort”: cannot sort by “{part.strip()}”; fields: {', '.join(sorted(SORT_FIELDS))}, "
                           "each with asc or desc.", field="sort")
        keys.append((field, direction == "desc"))
    return keys


def _sort_value(pkg: dict[str, Any], score: float, field: str) -> Any:
    if field == "score":
        return score
    if field == "title_string":
        return str(pkg.get("title") or "").casefold()
    if field in ("num_resources", "num_tags"):
        return int(pkg.get(field) or 0)
    return str(pkg.get(field) or "")


def _ordered(found: list[tuple[dict[str, Any], float]], keys: list[tuple[str, bool]]) -> list[dict[str, Any]]:
    ordered = sorted(found, key=lambda x: x[0]["name"])
    for field, desc in reversed(keys):  # stable sorts, last key first
        ordered.sort(key=lambda x: _sort_value(x[0], x[1], field), reverse=desc)
    return [pkg for pkg, _ in ordered]


def _facets(found: list[str], pub: Published, docs: dict[str, solr.Doc], names: list[str], limit: int,
            mincount: int) -> tuple[dict, dict]:
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, Any] = {}
    for name in names:
        counts: dict[str, int] = {}
        titles: dict[str, str] = {}
        for pkg_name in found:
            pkg = pub.packages[pkg_name]
            for value in set(docs[pkg_name].values.get(name, [])) - {""}:
                counts[value] = counts.get(value, 0) + 1
            if name == "organization" and pkg.get("organization"):
                titles[pkg["organization"]["name"]] = pkg["organization"].get("title") or pkg["organization"]["name"]
            if name == "groups":
                titles.update({g["name"]: g.get("title") or g["name"] for g in pkg.get("groups") or []})
        items = sorted(((v, c) for v, c in counts.items() if c >= mincount), key=lambda x: (-x[1], x[0]))
        if limit >= 0:
            items = items[:limit]
        facets[name] = dict(items)
        search_facets[name] = {"title": name, "items": [{"name": v, "display_name": titles.get(v, v), "count": c}
                                                        for v, c in items]}
    return facets, search_facets


def _docs(pub: Published) -> dict[str, solr.Doc]:
    """Each package as the query parser reads it, made once per loaded site."""
    docs = getattr(pub, "_solr_docs", None)
    if docs is None:
        docs = {name: solr.doc(pkg) for name, pkg in pub.packages.items()}
        setattr(pub, "_solr_docs", docs)
    return docs


def _list_param(params: dict[str, Any], name: str) -> list[str]:
    value = _json_param(params, name)
    if value in (None, ""):
        return []
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) for v in values):
        raise _invalid(name, f"“{name}” là danh sách chuỗi truy vấn.", f"“{name}” is a list of query strings.")
    return values


def _bool(params: dict[str, Any], name: str, default: bool = False) -> bool:
    value = params.get(name, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off", ""):
        return False
    raise _invalid(name, f"“{name}” phải là true hoặc false.", f"“{name}” must be true or false.")


def search(pub: Published, params: dict[str, Any]) -> dict[str, Any]:
    """package_search over the published packages."""
    rows = min(_int(params, "rows", 10, 10**9), ROWS_MAX)
    start = _int(params, "start", 0, 10**9)
    q_text = _text(params.get("q")).strip()
    q = _parsed(q_text, "q")
    filters = [_parsed(_text(params.get("fq")), "fq")] + [_parsed(f, "fq_list") for f in _list_param(params, "fq_list")]
    sort = _text(params.get("sort")).strip() or DEFAULT_SORT
    keys = _sort_key(sort)
    facet_names = _names(params) if _bool(params, "facet", True) else []
    facet_limit = _int(params, "facet.limit", 50, 10**6) if str(params.get("facet.limit", "")).strip() != "-1" else -1
    mincount = _int(params, "facet.mincount", 1, 10**6)
    docs = _docs(pub)
    found = [(pub.packages[name], solr.score(q, docs[name])) for name in sorted(pub.packages)
             if all(solr.matches(f, docs[name]) for f in filters) and solr.matches(q, docs[name])]
    ordered = [pkg["name"] for pkg in _ordered(found, keys)]
    facets, search_facets = _facets(ordered, pub, docs, facet_names, facet_limit, mincount)
    return {"count": len(ordered), "results": [package(pub, name) for name in ordered[start: start + rows]],
            "sort": sort, "facets": facets, "search_facets": search_facets}


def _member_of(pkg: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [pkg["organization"]] if kind == "organization" and pkg.get("organization") else \
        (pkg.get("groups") or [] if kind == "group" else [])


def members(pub: Published, kind: str) -> dict[str, tuple[dict[str, Any], list[str]]]:
    """Organisations or groups as the packages carry them: name -> (its dict, the names of its packages)."""
    out: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for name in sorted(pub.packages):
        for item in _member_of(pub.packages[name], kind):
            out.setdefault(item["name"], (item, []))[1].append(name)
    return out


def _listing(pub: Published, kind: str, params: dict[str, Any]) -> list[Any]:
    """organization_list / group_list: names, or with all_fields the dicts (package_count live)."""
    items = members(pub, kind)
    sort = _text(params.get("sort")).strip() or "title asc"
    field, _, direction = sort.partition(" ")
    if field not in ("name", "title", "package_count") or direction.strip().lower() not in ("", "asc", "desc"):
        raise _invalid("sort", "“sort” là name, title hoặc package_count kèm asc/desc.",
                       "“sort” is name, title or package_count, with asc or desc.")
    names = sorted(items, key=lambda n: (len(items[n][1]) if field == "package_count"
                                         else str(items[n][0].get(field) or n).casefold(), n),
                   reverse=direction.strip().lower() == "desc")
    offset = _int(params, "offset", 0, 10**9)
    limit = _int(params, "limit", 1000, 10**9)
    names = names[offset: offset + limit]
    if not _bool(params, "all_fields"):
        return names
    return [{**items[n][0], "package_count": len(items[n][1])} for n in names]


def _show(pub: Published, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    wanted = _text(params.get("id") or params.get("name_or_id")).strip()
    items = members(pub, kind)
    hit = next((v for n, v in items.items() if wanted in (n, v[0].get("id"))), None)
    if hit is None:
        what = ("tổ chức", "organization") if kind == "organization" else ("nhóm", "group")
        raise ApiError(404, f"{kind}-not-found", f"Không có {what[0]} “{wanted}”.", f"No {what[1]} “{wanted}”.")
    item, names = hit
    out = {**item, "package_count": len(names), "num_followers": 0, "users": [], "extras": [], "tags": [],
           "groups": []}
    if _bool(params, "include_datasets"):
        out["packages"] = [package(pub, n) for n in names[:1000]]
    return out


HELP = {
    "package_list": "Return a list of the names of the site's datasets. Parameters: limit, offset.",
    "package_show": "Return the metadata of a dataset. Parameters: id (the dataset's UUID or name).",
    "package_search": "Search for datasets. Parameters: q, fq, fq_list, facet.field, facet.limit, facet.mincount, "
                      "sort, rows (capped at 1000), start.",
    "resource_show": "Return the metadata of a resource. Parameters: id.",
    "organization_list": "Return the organizations. Parameters: all_fields, sort, limit, offset.",
    "organization_show": "Return an organization. Parameters: id (UUID or name), include_datasets.",
    "group_list": "Return the groups. Parameters: all_fields, sort, limit, offset.",
    "group_show": "Return a group. Parameters: id (UUID or name), include_datasets.",
    "tag_list": "Return the tags of the site's datasets. Parameters: query, all_fields.",
    "license_list": "Return the licences datasets may have (CKAN's default licence register).",
    "status_show": "Return the site's status (title, URL, CKAN version, extensions).",
    "help_show": "Return the help text of an action. Parameters: name.",
    "datastore_search": "Search a table. Parameters: resource_id, filters, q, fields, sort, limit, offset, "
                        "include_total, records_format. Needs an API key.",
    "datastore_info": "Return a table's fields and row count. Parameters: id (resource_id). Needs an API key.",
    "datastore_search_sql": "Not offered. " + SQL_REFUSED[1],
}


def _links(params: dict[str, Any], next_offset: int) -> dict[str, str]:
    """datastore_search's _links: every argument kept (filters, q, sort, fields, limit...), only the offset moves."""
    base = "/api/3/action/datastore_search"
    kept = [(k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)) for k, v in params.items()
            if k != "offset"]
    return {"start": f"{base}?{urlencode(kept)}", "next": f"{base}?{urlencode([*kept, ('offset', str(next_offset))])}"}


def routes(fn: Function, settings: Settings) -> list[Route]:
    def optional_key(request: Request) -> None:
        if key_from(request) is not None:  # a wrong key is said so, even where none is needed
            fn.check_rate(fn.authenticate(request))

    def package_list(request: Request, params: dict[str, Any]) -> Any:
        optional_key(request)
        names = sorted(fn.published.datasets)
        offset = _int(params, "offset", 0, 10**9)
        limit = _int(params, "limit", len(names), 10**9)
        return names[offset: offset + limit]

    def package_show(request: Request, params: dict[str, Any]) -> Any:
        optional_key(request)
        wanted = _text(params.get("id") or params.get("name_or_id")).strip()
        name = fn.published.package_names.get(wanted)
        if name is None:
            raise ApiError(404, "dataset-not-found", f"Không có bộ dữ liệu “{wanted}”.", f"No dataset “{wanted}”.")
        return package(fn.published, name)

    def package_search(request: Request, params: dict[str, Any]) -> Any:
        optional_key(request)
        return search(fn.published, params)

    def resource_show(request: Request, params: dict[str, Any]) -> Any:
        optional_key(request)
        rid = _text(params.get("id"))
        for dataset_id in sorted(fn.published.packages):
            for res in package(fn.published, dataset_id)["resources"]:
                if res["id"] == rid:
                    return res
        raise ApiError(404, "resource-not-found", f"Không có tài nguyên “{rid}”.", f"No resource “{rid}”.")

    def organization_list(request: Request, params: dict[str, Any]) -> Any:
        optional_key(request)
        return _listing(fn.published, "organization", params)

    def group_list(request: Request, params: dict[str, Any]) -> Any:
        optional_key(request)
        return _listing(fn.published, "group", params)

    def organization_show(request: Request, params: dict[str, Any]) -> Any:
        optional_key(request)
        return _show(fn.published, "organization", params)

    def group_show(request: Request, params: dict[str, Any]) -> Any:
        optional_key(request)
        return _show(fn.published, "group", params)

    def tag_list(request: Request, params: dict[str, Any]) -> Any:
        optional_key(request)
        tags: dict[str, dict[str, Any]] = {}
        for pkg in fn.published.packages.values():
            for t in pkg.get("tags") or []:
                tags.setdefault(t["name"], t)
        wanted = solr.words(_text(params.get("query")))
        names = sorted(n for n in tags if all(w in solr.words(n) for w in wanted))
        return [tags[n] for n in names] if _bool(params, "all_fields") else names

    def license_list(request: Request, params: dict[str, Any]) -> Any:
        optional_key(request)
        return fn.published.licenses

    def help_show(request: Request, params: dict[str, Any]) -> Any:
        name = _text(params.get("name")).strip()
        if name not in HELP:
            raise ApiError(404, "action-not-found", f"Không có thao tác “{name}”.", f"No action “{name}”.")
        return HELP[name]

    def status_show(request: Request, params: dict[str, Any]) -> Any:
        return {"ckan_version": "2.11.0", "site_title": fn.published.portal.get("name", ""),
                "site_url": fn.published.portal.get("url", ""), "extensions": ["datastore"],
                "locale_default": "vi", "api_version": 3}

    def datastore_search_sql(request: Request, params: dict[str, Any]) -> Any:
        raise ApiError(400, "sql-not-offered", *SQL_REFUSED)

    def datastore_table(request: Request, params: dict[str, Any], *names: str) -> tuple[dict[str, Any], str, Any, Any]:
        account = fn.authenticate(request)
        fn.check_rate(account)
        rid = next((_text(params.get(n)) for n in names if params.get(n)), "")
        pair = fn.published.ckan_ids.get(rid) or (tuple(rid.split("/", 1)) if "/" in rid else None)
        if pair is None or fn.published.table(*pair) is None:
            raise ApiError(404, "resource-not-found", f"Không có bảng dữ liệu “{rid}”.", f"No datastore table “{rid}”.")
        info = fn.table_info(*pair)
        return account, rid, info, fn.table(info)

    def datastore_info(request: Request, params: dict[str, Any]) -> Any:
        _, rid, info, table = datastore_table(request, params, "id", "resource_id")
        page = query.run(table, query.parse(table, [("_limit", "1"), ("_count", "true")],
                                            max_rows=settings.max_page_rows), fn.tables.db)
        schema = {f.get("name"): f for f in info.schema.get("fields", []) if isinstance(f, dict)}
        return {"meta": {"id": rid, "count": page.total, "table_type": "BASE TABLE"},
                "fields": [{"id": f.name, "type": CKAN_TYPES.get(f.type, "text"),
                            "schema": {"native_type": CKAN_TYPES.get(f.type, "text")},
                            "info": {"label": f.title, "notes": str(schema.get(f.name, {}).get("description") or "")}}
                           for f in page.fields]}

    def datastore_search(request: Request, params: dict[str, Any]) -> Any:
        account, rid, info, table = datastore_table(request, params, "resource_id", "id")
        dataset = info.dataset
        steer: list[tuple[str, str]] = [
            ("_limit", str(max(1, min(_int(params, "limit", 100, 10**9), settings.max_page_rows)))),
            ("_offset", str(_int(params, "offset", 0, 10**9))),
            ("_count", _text(params.get("include_total", True))),
        ]
        fields = _json_param(params, "fields")
        if isinstance(fields, list) and not all(isinstance(f, str) for f in fields):
            raise _invalid("fields", "“fields” là danh sách tên trường (chuỗi).", "“fields” is a list of field names (strings).")
        if fields:
            steer.append(("_fields", ",".join(fields) if isinstance(fields, list) else _text(fields)))
        # "_id" is the row's place in the published table: sorting by it ends the sort (it is unique).
        sorts = [(p.strip().split(" ")[0], p.strip().lower().endswith(" desc"))
                 for p in _text(params.get("sort")).split(",") if p.strip()]
        by_row = next((i for i, (name, _) in enumerate(sorts) if name == "_id"), None)
        if by_row is not None:
            sorts, row_desc = sorts[:by_row], sorts[by_row][1]
        if sorts:
            steer.append(("_sort", ",".join(("-" if desc else "") + name for name, desc in sorts)))
        q = _json_param(params, "q")
        if isinstance(q, dict):
            steer += [(f"{k}__contains", _text(v)) for k, v in q.items()]
        elif q:
            steer.append(("q", _text(q)))
        plan = query.parse(table, steer, max_rows=settings.max_page_rows)
        filters = _json_param(params, "filters") or {}
        if not isinstance(filters, dict):
            raise _invalid("filters", "“filters” phải là một đối tượng JSON {trường: giá trị}.",
                           "“filters” must be a JSON object {field: value}.")
        if len(filters) + sum(1 for k, _ in steer if k == "q" or "__" in k) > query.MAX_FILTERS:
            raise _invalid("filters", f"Tối đa {query.MAX_FILTERS} điều kiện lọc.", f"At most {query.MAX_FILTERS} filters.")
        for name, value in filters.items():
            values = value if isinstance(value, list) else [value]
            parts = [query.condition(table, str(name), "eq", _text(v)) for v in values[: query.MAX_IN_VALUES]]
            if parts:
                plan["where"].append("(" + " OR ".join(sql for sql, _ in parts) + ")")
                plan["args"] += [a for _, args in parts for a in args]
        if by_row is not None:
            plan["order"].append(f"rowid {'DESC' if row_desc else 'ASC'}")
        plan["row_id"] = True
        page = query.run(table, plan, fn.tables.db)
        fn.usage.count(account["id"], dataset, len(page.rows))
        records_format = _text(params.get("records_format")) or "objects"
        names = ["_id", *(f.name for f in page.fields)]
        records: Any = page.rows
        if records_format == "lists":
            records = [[r[n] for n in names] for r in page.rows]
        elif records_format == "csv":
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows([[_text(r[n]) for n in names] for r in page.rows])
            records = out.getvalue()
        result = {"resource_id": rid, "records_format": records_format,
                  "fields": [{"id": "_id", "type": "int"}] +
                            [{"id": f.name, "type": CKAN_TYPES.get(f.type, "text"), "info": {"label": f.title}}
                             for f in page.fields],
                  "records": records, "limit": page.limit, "offset": page.offset,
                  "_links": _links(params, page.offset + page.limit)}
        if page.total is not None:
            result.update(total=page.total, total_was_estimated=False)
        return result

    actions: dict[str, Callable[[Request, dict[str, Any]], Any]] = {
        "package_list": package_list, "package_show": package_show, "package_search": package_search,
        "resource_show": resource_show, "organization_list": organization_list,
        "organization_show": organization_show, "group_list": group_list, "group_show": group_show,
        "tag_list": tag_list, "license_list": license_list, "help_show": help_show, "status_show": status_show,
        "datastore_search": datastore_search, "datastore_info": datastore_info,
        "datastore_search_sql": datastore_search_sql,
    }
    assert set(actions) == set(HELP)

    async def action(request: Request) -> Response:
        name = request.path_params["action"]
        help_url = f"{request.base_url}api/3/action/help_show?name={name}"
        try:
            params: dict[str, Any] = dict(request.query_params)
            if request.method == "POST":
                params.update(await read_form(request, allow_empty=True))
            handler = actions.get(name)
            if handler is None:
                raise ApiError(400, "unknown-action", f"Không có thao tác “{name}”. Có: {', '.join(actions)}.",
                               f"Action “{name}” not known. Available: {', '.join(actions)}.")
            result = handler(request, params)
        except ApiError as exc:
            if exc.code == "unknown-action":
                return JSONResponse({"help": help_url, "success": False,
                                     "error": {"__type": "Bad request", "message": exc.message}}, status_code=400)
            return _error(exc, help_url)
        return JSONResponse({"help": help_url, "success": True, "result": result})

    return [Route("/api/3/action/{action}", action, methods=["GET", "POST"]),
            Route("/api/action/{action}", action, methods=["GET", "POST"])]
