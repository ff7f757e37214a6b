"""The function's OpenAPI 3.1 document, served at /openapi.json (the tests fuzz the API against it)."""

from __future__ import annotations

from typing import Any

from . import __version__
from .feedback import CATEGORIES, STATUSES


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {400: "Bad query or body", 401: "Missing or wrong key", 403: "Temporary key, locked account or admin off",
            404: "Not found", 405: "Method not allowed", 409: "Conflict (email taken)",
            413: "Body too large", 415: "Unsupported body type", 422: "Invalid fields", 429: "Rate limited",
            502: "GitHub failed", 503: "Site or table unavailable"}
    out: dict[str, Any] = {}
    if 401 in codes and 429 not in codes:
        codes += (429,)  # wrong keys and operator secrets are limited per address
    for code in sorted(codes):
        out[str(code)] = _json(_ref("Error"), text[code])
        if code == 429:
            out[str(code)]["headers"] = {"Retry-After": {"schema": {"type": "string"}}}
    return out


def _param(name: str, where: str, schema: dict[str, Any], description: str = "", required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required or where == "path", "schema": schema,
            "description": description}


SLUG = {"type": "string", "minLength": 1, "maxLength": 200}
KEYED = [{"apiKey": []}, {"apiKeyHeader": []}]
OPERATOR = [{"operatorSecret": []}]
TABLE_PARAMS = [_param("dataset", "path", SLUG, "Dataset id"), _param("resource", "path", SLUG, "Table (resource) name")]
CKAN_ENVELOPE = {"type": "object", "required": ["success"],
                 "properties": {"help": {"type": "string"}, "success": {"type": "boolean"}, "result": {},
                                "error": {"type": "object"}}}
CKAN_ERRORS = {str(c): _json(CKAN_ENVELOPE, d) for c, d in
               ((400, "Unknown action"), (401, "Wrong key"), (403, "Not authorised"), (404, "Not found"),
                (409, "Validation error"), (413, "Body too large"), (415, "Unsupported body type"),
                (429, "Rate limited"), (503, "Site unavailable"))}


LISTING = [_param("all_fields", "query", {"type": "boolean"}),
           _param("sort", "query", {"type": "string", "enum": ["name asc", "name desc", "title asc", "title desc",
                                                               "package_count asc", "package_count desc"]}),
           _param("limit", "query", {"type": "integer", "minimum": 0}),
           _param("offset", "query", {"type": "integer", "minimum": 0})]
SHOW = [_param("id", "query", {"type": "string"}, "UUID or name", required=True),
        _param("include_datasets", "query", {"type": "boolean"})]


def _ckan(action: str, summary: str, params: list[dict[str, Any]], keyed: bool = False) -> dict[str, Any]:
    op = {"summary": summary, "tags": ["ckan"], "parameters": params,
          "responses": {"200": _json(CKAN_ENVELOPE, "CKAN envelope with the result"), **CKAN_ERRORS}}
    if keyed:
        op["security"] = KEYED
    return {"get": {**op, "operationId": f"ckan_{action}"}}


def document() -> dict[str, Any]:
    rows_params = TABLE_PARAMS + [
        _param("_limit", "query", {"type": "integer", "minimum": 1, "maximum": 1000}, "Rows per page (default 100)"),
        _param("_offset", "query", {"type": "integer", "minimum": 0}, "Rows to skip"),
        _param("_sort", "query", {"type": "string"}, "Fields to sort by, comma-separated; '-' for descending"),
        _param("_fields", "query", {"type": "string"}, "Fields to return, comma-separated"),
        _param("_format", "query", {"type": "string", "enum": ["json", "csv"]}),
        _param("_count", "query", {"type": "boolean"}, "Also count every matching row (total)"),
        _param("q", "query", {"type": "string"}, "Accent-free search in every text field"),
        {"name": "filters", "in": "query", "style": "form", "explode": True, "required": False,
         "description": "FIELD=value (equals) or FIELD__OP=value with OP in eq, ne, gt, gte, lt, lte, in, "
                        "contains, startswith, fold (accent-free), null",
         "schema": {"type": "object", "additionalProperties": {"type": "string"}}},
    ]
    registration = {
        "type": "object", "required": ["full_name", "address", "email", "phone", "accept_terms"],
        "properties": {"full_name": {"type": "string"}, "address": {"type": "string"},
                       "email": {"type": "string", "format": "email"}, "phone": {"type": "string"},
                       "organisation": {"type": "string"}, "accept_terms": {"type": "boolean"},
                       "website": {"type": "string", "description": "Honeypot: leave empty"}}}
    feedback_in = {
        "type": "object", "required": ["dataset", "category", "message"],
        "properties": {"dataset": {"type": "string"}, "category": {"type": "string", "enum": list(CATEGORIES)},
                       "message": {"type": "string", "maxLength": 4000}, "contact": {"type": "string"},
                       "website": {"type": "string", "description": "Honeypot: leave empty"}}}
    admin_body = {"type": "object", "properties": {"reason": {"type": "string"}, "verified": {"type": "string"}}}
    body = lambda schema: {"required": True, "content": {"application/json": {"schema": schema}}}  # noqa: E731
    any_object = {"type": "object"}
    id_param = [_param("id", "path", {"type": "integer", "minimum": 1})]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Open data portal function — Hàm API cổng dữ liệu mở", "version": __version__,
                 "description": "API keys (Art. 6.2), keyed queries of published tables (Art. 7.2d), feedback "
                                "(Art. 12.4), and a CKAN-compatible subset. Errors carry Vietnamese (vi) and "
                                "English (en) messages."},
        "components": {
            "securitySchemes": {
                "apiKey": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer odp_…"},
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "operatorSecret": {"type": "apiKey", "in": "header", "name": "X-Operator-Secret"},
            },
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "vi", "en"],
                    "properties": {"code": {"type": "string"}, "vi": {"type": "string"}, "en": {"type": "string"},
                                   "field": {"type": "string"}, "fields": {"type": "object"}}}}},
                "Field": {"type": "object", "required": ["name", "type"],
                          "properties": {"name": {"type": "string"}, "type": {"type": "string"},
                                         "title": {"type": "string"}}},
                "RowsPage": {"type": "object", "required": ["dataset", "resource", "fields", "rows", "limit",
                                                            "offset", "next"],
                             "properties": {"dataset": {"type": "string"}, "resource": {"type": "string"},
                                            "fields": {"type": "array", "items": _ref("Field")},
                                            "rows": {"type": "array", "items": {"type": "object"}},
                                            "limit": {"type": "integer"}, "offset": {"type": "integer"},
                                            "next": {"type": ["string", "null"]}, "total": {"type": "integer"}}},
                "NewKey": {"type": "object", "required": ["key", "notice"],
                           "properties": {"key": {"type": "string", "pattern": "^odp_"}, "account": {"type": "object"},
                                          "notice": {"type": "object"}}},
                "Feedback": {"type": "object", "required": ["id", "category", "message", "status"],
                             "properties": {"id": {"type": "integer"}, "category": {"type": "string"},
                                            "message": {"type": "string"},
                                            "status": {"type": "string", "enum": list(STATUSES)},
                                            "answer": {"type": "string"}, "answered": {"type": ["string", "null"]},
                                            "created": {"type": "string"}}},
            },
        },
        "paths": {
            "/": {"get": {"operationId": "index", "summary": "Links", "responses": {"200": _json(any_object, "Links")}}},
            "/health": {"get": {"operationId": "health", "summary": "Liveness and site status",
                                "responses": {"200": _json(any_object, "Up"), "503": _json(any_object, "No site")}}},
            "/v1/datasets": {"get": {
                "operationId": "listTables", "summary": "Datasets and their queryable tables",
                "responses": {"200": _json(any_object, "Datasets"), **_errors(503)}}},
            "/v1/datasets/{dataset}/{resource}": {"get": {
                "operationId": "queryRows", "summary": "Rows of a published table: filter, sort, page, fields",
                "security": KEYED, "parameters": rows_params,
                "responses": {"200": {"description": "A page of rows",
                                      "content": {"application/json": {"schema": _ref("RowsPage")},
                                                  "text/csv": {"schema": {"type": "string"}}}},
                              **_errors(400, 401, 403, 404, 429, 503)}}},
            "/v1/datasets/{dataset}/{resource}/rows/{key}": {"get": {
                "operationId": "getRow", "summary": "One row by its primary key (composite: values joined by ','; a comma in a value: %2C)",
                "security": KEYED, "parameters": TABLE_PARAMS + [_param("key", "path", {"type": "string",
                                                                                         "minLength": 1})],
                "responses": {"200": _json({"type": "object", "required": ["row"],
                                            "properties": {"row": {"type": "object"}}}, "The row"),
                              **_errors(400, 401, 403, 404, 429, 503)}}},
            "/v1/register": {"post": {
                "operationId": "register", "summary": "Register for an API key (Article 6.2b); the key is shown once",
                "requestBody": body(registration),
                "responses": {"201": _json(_ref("NewKey"), "Registered"),
                              **_errors(400, 409, 413, 415, 422, 429)}}},
            "/v1/keys/rotate": {"post": {
                "operationId": "rotateKey", "summary": "Replace the key (a temporary key must be, before use)",
                "security": KEYED, "responses": {"200": _json(_ref("NewKey"), "The new key"),
                                                 **_errors(401, 403, 429)}}},
            "/v1/account": {"get": {
                "operationId": "account", "summary": "The key holder's account", "security": KEYED,
                "responses": {"200": _json(any_object, "Account"), **_errors(401, 403)}}},
            "/v1/feedback": {"post": {
                "operationId": "sendFeedback", "summary": "Feedback on a dataset (Article 12.4)",
                "requestBody": body(feedback_in),
                "responses": {"201": _json(any_object, "Received"),
                              **_errors(400, 404, 413, 415, 422, 429, 503)}}},
            "/v1/feedback/{dataset}": {"get": {
                "operationId": "publicFeedback", "summary": "A dataset's feedback and answers, without personal data",
                "parameters": [_param("dataset", "path", SLUG)],
                "responses": {"200": _json({"type": "object", "required": ["feedback"], "properties": {
                    "feedback": {"type": "array", "items": _ref("Feedback")}}}, "Feedback"), **_errors(404, 503)}}},
            "/admin/accounts": {
                "get": {"operationId": "adminListAccounts", "security": OPERATOR,
                        "parameters": [_param("status", "query", {"type": "string", "enum": ["active", "locked"]}),
                                       _param("q", "query", {"type": "string"})],
                        "responses": {"200": _json(any_object, "Accounts"), **_errors(401, 403)}},
                "post": {"operationId": "adminIssue", "security": OPERATOR, "summary": "Issue a temporary key",
                         "requestBody": body({"type": "object", "required": ["full_name", "email"], "properties": {
                             "full_name": {"type": "string"}, "email": {"type": "string"},
                             "organisation": {"type": "string"}, "phone": {"type": "string"},
                             "address": {"type": "string"}, "rate_limit": {"type": "integer"},
                             "note": {"type": "string"}}}),
                         "responses": {"201": _json(_ref("NewKey"), "Issued"),
                                       **_errors(400, 401, 403, 409, 413, 415, 422)}}},
            "/admin/accounts/{id}": {
                "get": {"operationId": "adminGetAccount", "security": OPERATOR, "parameters": id_param,
                        "responses": {"200": _json(any_object, "Account"), **_errors(401, 403, 404)}},
                "delete": {"operationId": "adminDelete", "security": OPERATOR,
                           "parameters": id_param + [_param("reason", "query", {"type": "string"}, required=True)],
                           "responses": {"200": _json(any_object, "Deleted"), **_errors(401, 403, 404, 422)}}},
            "/admin/accounts/{id}/{action}": {"post": {
                "operationId": "adminAccountAction", "security": OPERATOR,
                "parameters": id_param + [_param("action", "path", {"type": "string",
                                                                    "enum": ["reissue", "lock", "unlock"]})],
                "requestBody": body(admin_body),
                "responses": {"200": _json(any_object, "Done"), **_errors(400, 401, 403, 404, 413, 415, 422)}}},
            "/admin/audit": {"get": {
                "operationId": "adminAudit", "security": OPERATOR,
                "parameters": [_param("account", "query", {"type": "integer"}),
                               _param("limit", "query", {"type": "integer", "minimum": 1})],
                "responses": {"200": _json(any_object, "Audit log, newest first"), **_errors(401, 403)}}},
            "/admin/usage": {"get": {
                "operationId": "adminUsage", "security": OPERATOR,
                "parameters": [_param("year", "query", {"type": "string", "pattern": "^[0-9]{4}$"}),
                               _param("month", "query", {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}),
                               _param("by", "query", {"type": "string", "enum": ["account"]})],
                "responses": {"200": _json(any_object, "Use per dataset and month"), **_errors(401, 403, 422)}}},
            "/admin/feedback": {"get": {
                "operationId": "adminFeedback", "security": OPERATOR,
                "parameters": [_param("dataset", "query", {"type": "string"}),
                               _param("status", "query", {"type": "string", "enum": list(STATUSES)})],
                "responses": {"200": _json(any_object, "Feedback with contacts"), **_errors(401, 403)}}},
            "/admin/feedback/{id}": {"post": {
                "operationId": "adminAnswer", "security": OPERATOR, "parameters": id_param,
                "requestBody": body({"type": "object", "properties": {
                    "status": {"type": "string", "enum": list(STATUSES)}, "answer": {"type": "string"},
                    "public": {"type": "boolean"}}}),
                "responses": {"200": _json(any_object, "Updated"), **_errors(400, 401, 403, 404, 413, 415, 422)}}},
            "/admin/feedback/{id}/github": {"post": {
                "operationId": "adminFeedbackIssue", "security": OPERATOR, "parameters": id_param,
                "responses": {"200": _json(any_object, "Issue opened"), **_errors(401, 403, 404, 502)}}},
            "/api/3/action/package_list": _ckan("package_list", "CKAN: dataset names", [
                _param("limit", "query", {"type": "integer", "minimum": 0}),
                _param("offset", "query", {"type": "integer", "minimum": 0})]),
            "/api/3/action/package_search": _ckan("package_search", "CKAN: search datasets (Solr subset)", [
                _param("q", "query", {"type": "string"}, "words (accent-free, whole words) and field:value"),
                _param("fq", "query", {"type": "string"}, "field:value, \"phrases\", AND/OR/NOT/-, (), [a TO b]"),
                _param("fq_list", "query", {"type": "string"}, "JSON list of further fq"),
                _param("facet.field", "query", {"type": "string"}, "JSON list: organization, groups, tags, "
                       "res_format, license_id"),
                _param("facet.limit", "query", {"type": "integer", "minimum": -1}),
                _param("facet.mincount", "query", {"type": "integer", "minimum": 0}),
                _param("rows", "query", {"type": "integer", "minimum": 0}, "capped at 1000, as CKAN"),
                _param("start", "query", {"type": "integer", "minimum": 0}),
                _param("sort", "query", {"type": "string"}, "e.g. metadata_modified desc, name asc")]),
            "/api/3/action/package_show": _ckan("package_show", "CKAN: one dataset (by UUID or name)", [
                _param("id", "query", {"type": "string"}, required=True)]),
            "/api/3/action/resource_show": _ckan("resource_show", "CKAN: one resource", [
                _param("id", "query", {"type": "string"}, required=True)]),
            "/api/3/action/organization_list": _ckan("organization_list", "CKAN: organizations", LISTING),
            "/api/3/action/organization_show": _ckan("organization_show", "CKAN: one organization", SHOW),
            "/api/3/action/group_list": _ckan("group_list", "CKAN: groups (topics)", LISTING),
            "/api/3/action/group_show": _ckan("group_show", "CKAN: one group", SHOW),
            "/api/3/action/tag_list": _ckan("tag_list", "CKAN: tags", [
                _param("query", "query", {"type": "string"}), _param("all_fields", "query", {"type": "boolean"})]),
            "/api/3/action/license_list": _ckan("license_list", "CKAN: the licence register", []),
            "/api/3/action/status_show": _ckan("status_show", "CKAN: site status", []),
            "/api/3/action/help_show": _ckan("help_show", "CKAN: an action's help", [
                _param("name", "query", {"type": "string"}, required=True)]),
            "/api/3/action/datastore_search": _ckan("datastore_search", "CKAN: rows of a table", [
                _param("resource_id", "query", {"type": "string"}, required=True),
                _param("filters", "query", {"type": "string"}, "JSON object {field: value}"),
                _param("q", "query", {"type": "string"}), _param("fields", "query", {"type": "string"}),
                _param("sort", "query", {"type": "string"}),
                _param("limit", "query", {"type": "integer", "minimum": 0}),
                _param("offset", "query", {"type": "integer", "minimum": 0}),
                _param("include_total", "query", {"type": "boolean"}),
                _param("records_format", "query", {"type": "string", "enum": ["objects", "lists", "csv"]})],
                keyed=True),
            "/api/3/action/datastore_info": _ckan("datastore_info", "CKAN: a table's fields and row count", [
                _param("id", "query", {"type": "string"}, required=True)], keyed=True),
            "/api/3/action/datastore_search_sql": _ckan(
                "datastore_search_sql", "CKAN: not offered (400 says why; use datastore_search)", [
                    _param("sql", "query", {"type": "string"})]),
        },
    }
