"""A CKAN-compatible subset of the Action API, so CKAN clients and harvesters work unchanged.

package_list, package_search, package_show, resource_show, organization_list, status_show and
datastore_search, at /api/3/action/<name> and /api/action/<name> (ckanapi's default), by GET or POST.
Metadata is public as in CKAN; datastore_search needs a key (Authorization header, as CKAN clients send it).
"""

from __future__ import annotations

import csv
import io
from typing import Any, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import query
from .bodies import parse_json, read_form
from .errors import ApiError
from .published import Published
from .service import Function, key_from
from .settings import Settings
from .tables import fold

CKAN_TYPES = {"string": "text", "integer": "int", "year": "int", "number": "numeric", "boolean": "bool",
              "date": "date", "datetime": "timestamp", "time": "time"}


def _error(exc: ApiError, help_url: str) -> JSONResponse:
    if exc.code in ("bad-body", "bad-number"):  # the body itself cannot be read: CKAN's "JSON Error"
        kind, status = "Bad request", 400
    elif exc.status == 404:
        kind, status = "Not Found Error", 404
    elif exc.status in (401, 403):
        kind, status = "Authorization Error", exc.status
    elif exc.status in (400, 409, 422):
        kind, status = "Validation Error", 409
    else:
        kind, status = exc.code, exc.status
    error: dict[str, Any] = {"__type": kind, "message": exc.message, "code": exc.code, "vi": exc.vi, "en": exc.en}
    if kind in ("Validation Error", "Bad request"):
        error[exc.field or "query"] = [exc.message]
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


def package(pub: Published, dataset_id: str) -> dict[str, Any]:
    d = pub.datasets[dataset_id]
    agency = d.get("agency") or {}
    topic = d.get("topic") or {}
    licence = d.get("licence") or {}
    catalogue = d.get("catalogue") or {}
    frequency = d.get("frequency") or {}
    tables = {t.resource: t for t in pub.tables_of(dataset_id)}
    resources = []
    for i, r in enumerate(d.get("resources") or []):
        table = tables.get(r.get("name", ""))
        resources.append({
            "id": table.ckan_id if table else f"{dataset_id}/{r.get('name', i)}",
            "package_id": dataset_id, "name": r.get("title") or r.get("name"), "description": r.get("description", ""),
            "format": str(r.get("format", "")).upper(), "mimetype": r.get("mediatype"), "url": r.get("url", ""),
            "size": r.get("size"), "hash": f"sha256:{r['sha256']}" if r.get("sha256") else "",
            "datastore_active": table is not None, "position": i, "state": "active",
            "created": d.get("created"), "last_modified": d.get("modified"),
        })
    return {
        "id": dataset_id, "name": dataset_id, "title": d.get("title", ""), "notes": d.get("description", ""),
        "type": "dataset", "state": "active", "private": False, "url": d.get("url", ""),
        "license_id": licence.get("id", ""), "license_title": licence.get("title", ""),
        "license_url": licence.get("url", ""),
        "owner_org": agency.get("id"),
        "organization": {"id": agency.get("id"), "name": agency.get("id"), "title": agency.get("name", ""),
                         "type": "organization", "state": "active", "is_organization": True},
        "author": agency.get("name", ""), "maintainer": (d.get("contact") or {}).get("name", ""),
        "maintainer_email": (d.get("contact") or {}).get("email", ""),
        "metadata_created": d.get("created"), "metadata_modified": d.get("modified"),
        "tags": [{"name": k, "display_name": k, "state": "active"} for k in d.get("keywords") or []],
        "num_tags": len(d.get("keywords") or []),
        "groups": [{"name": topic.get("id"), "title": topic.get("name", "")}] if topic else [],
        "resources": resources, "num_resources": len(resources),
        "extras": [{"key": "catalogue", "value": catalogue.get("code", "") if isinstance(catalogue, dict) else catalogue},
                   {"key": "frequency", "value": frequency.get("id", "") if isinstance(frequency, dict) else frequency}],
    }


def _matches_fq(pkg: dict[str, Any], fq: str) -> bool:
    """The filter queries harvesters send: organization:x tags:y res_format:CSV name:z groups:t (ANDed)."""
    for token in fq.replace("+", " ").split():
        if ":" not in token:
            continue
        key, _, value = token.partition(":")
        value = value.strip('"')
        if key == "organization" and pkg["owner_org"] != value:
            return False
        if key == "tags" and value not in {t["name"] for t in pkg["tags"]}:
            return False
        if key == "res_format" and value.upper() not in {r["format"] for r in pkg["resources"]}:
            return False
        if key == "name" and pkg["name"] != value:
            return False
        if key == "groups" and value not in {g["name"] for g in pkg["groups"]}:
            return False
    return True


def _searchable(pkg: dict[str, Any]) -> str:
    parts = [pkg["name"], pkg["title"], pkg["notes"], pkg["organization"]["title"], *(t["name"] for t in pkg["tags"])]
    return fold(" ".join(str(p) for p in parts))


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
        name = _text(params.get("id") or params.get("name_or_id"))
        if name not in fn.published.datasets:
            raise ApiError(404, "dataset-not-found", f"Không có bộ dữ liệu “{name}”.", f"No dataset “{name}”.")
        return package(fn.published, name)

    def package_search(request: Request, params: dict[str, Any]) -> Any:
        optional_key(request)
        pub = fn.published
        rows = _int(params, "rows", 10, 1000)
        start = _int(params, "start", 0, 10**9)
        needle = fold(_text(params.get("q")).strip())
        if needle in ("*:*", "*"):
            needle = ""
        fq = _text(params.get("fq"))
        found = [p for p in (package(pub, d) for d in sorted(pub.datasets))
                 if (not needle or all(w in _searchable(p) for w in needle.split())) and _matches_fq(p, fq)]
        sort = _text(params.get("sort")) or "metadata_modified desc"
        field, _, direction = sort.split(",")[0].strip().partition(" ")
        key = {"title_string": "title", "name": "name", "metadata_modified": "metadata_modified",
               "metadata_created": "metadata_created"}.get(field, "metadata_modified")
        found.sort(key=lambda p: (str(p.get(key) or ""), p["name"]), reverse=direction.strip().lower() == "desc")
        return {"count": len(found), "results": found[start: start + rows], "sort": sort, "facets": {},
                "search_facets": {}}

    def resource_show(request: Request, params: dict[str, Any]) -> Any:
        optional_key(request)
        rid = _text(params.get("id"))
        for dataset_id in fn.published.datasets:
            for res in package(fn.published, dataset_id)["resources"]:
                if res["id"] == rid:
                    return res
        raise ApiError(404, "resource-not-found", f"Không có tài nguyên “{rid}”.", f"No resource “{rid}”.")

    def organization_list(request: Request, params: dict[str, Any]) -> Any:
        optional_key(request)
        return sorted({(d.get("agency") or {}).get("id", "") for d in fn.published.datasets.values()} - {""})

    def status_show(request: Request, params: dict[str, Any]) -> Any:
        return {"ckan_version": "2.10.0", "site_title": fn.published.portal.get("name", ""),
                "site_url": fn.published.portal.get("url", ""), "extensions": ["datastore"],
                "locale_default": "vi"}

    def datastore_search(request: Request, params: dict[str, Any]) -> Any:
        account = fn.authenticate(request)
        fn.check_rate(account)
        rid = _text(params.get("resource_id") or params.get("id"))
        pair = fn.published.ckan_ids.get(rid) or (tuple(rid.split("/", 1)) if "/" in rid else None)
        if pair is None or fn.published.table(*pair) is None:
            raise ApiError(404, "resource-not-found", f"Không có bảng dữ liệu “{rid}”.", f"No datastore table “{rid}”.")
        dataset, resource = pair
        info = fn.table_info(dataset, resource)
        table = fn.table(info)
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
        sort = _text(params.get("sort"))
        if sort:
            steer.append(("_sort", ",".join(("-" if p.strip().lower().endswith(" desc") else "") + p.strip().split(" ")[0]
                                             for p in sort.split(",") if p.strip())))
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
        base = f"/api/3/action/datastore_search?resource_id={rid}"
        result = {"resource_id": rid, "records_format": records_format,
                  "fields": [{"id": "_id", "type": "int"}] +
                            [{"id": f.name, "type": CKAN_TYPES.get(f.type, "text"), "info": {"label": f.title}}
                             for f in page.fields],
                  "records": records, "limit": page.limit, "offset": page.offset,
                  "_links": {"start": base, "next": f"{base}&offset={page.offset + page.limit}"}}
        if page.total is not None:
            result.update(total=page.total, total_was_estimated=False)
        return result

    actions: dict[str, Callable[[Request, dict[str, Any]], Any]] = {
        "package_list": package_list, "package_show": package_show, "package_search": package_search,
        "resource_show": resource_show, "organization_list": organization_list, "status_show": status_show,
        "datastore_search": datastore_search,
    }

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
