"""The ASGI app: uvicorn locally, any container or serverless platform in production.

    uvicorn --factory opendata_function.app:create_app --port 8787
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import logging
import os
import urllib.parse
from pathlib import Path
from typing import Any, AsyncIterator

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from . import accounts, ckan, feedback, keys, query, usage
from .lookup import routes as lookup_routes
from .lookup.service import Lookup
from .bodies import read_form
from .errors import ApiError, ValidationFailed
from .openapi import document as openapi_document
from .service import Function
from .settings import Settings, SettingsError, secret_problem
from .store import Store

log = logging.getLogger("opendata_function")
# The forms (register.html, feedback.js): beside the package in the repo; OPENDATA_STATIC where installed.
STATIC = Path(os.environ.get("OPENDATA_STATIC") or Path(__file__).resolve().parent.parent / "static")
NO_STORE = {"Cache-Control": "no-store"}
KEY_NOTICE = {"vi": "Lưu khóa này ngay: cổng chỉ hiển thị một lần và chỉ lưu mã băm của khóa.",
              "en": "Save this key now: the portal shows it once and keeps only its hash."}


def error_response(exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


def _int_path(request: Request, name: str) -> int:
    raw = request.path_params[name]
    if not raw.isdigit() or len(raw) > 18:
        raise ApiError(404, "not-found", "Không tìm thấy.", "Not found.")
    return int(raw)


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    weak = secret_problem(settings.operator_secret)
    if weak:
        raise SettingsError(weak)  # refuse to start: a guessable secret opens every account's data
    fn = Function(settings, store)
    lookup = Lookup(settings, fn.store, fn.source)

    # -- keyed data API ---------------------------------------------------------------------------
    async def rows(request: Request) -> Response:
        account = fn.authenticate(request)
        fn.check_rate(account)
        dataset, resource = request.path_params["dataset"], request.path_params["resource"]
        table = fn.table(fn.table_info(dataset, resource))
        plan = query.parse(table, request.query_params.multi_items(), max_rows=settings.max_page_rows)
        if request.headers.get("accept", "").startswith("text/csv"):
            plan["format"] = "csv"
        page = query.run(table, plan, fn.tables.db)
        fn.usage.count(account["id"], dataset, len(page.rows))
        if plan["format"] == "csv":
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\r\n")
            names = [f.name for f in page.fields]
            writer.writerow(names)
            writer.writerows([["" if r[n] is None else str(r[n]).lower() if isinstance(r[n], bool) else r[n]
                               for n in names] for r in page.rows])
            return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'inline; filename="{dataset}-{resource}.csv"'})
        body: dict[str, Any] = {
            "dataset": dataset, "resource": resource, "fields": [f.describe() for f in page.fields],
            "rows": page.rows, "limit": page.limit, "offset": page.offset,
            "next": str(request.url.include_query_params(_offset=page.offset + page.limit)) if page.more else None,
        }
        if page.total is not None:
            body["total"] = page.total
        return JSONResponse(body)

    async def row(request: Request) -> Response:
        account = fn.authenticate(request)
        fn.check_rate(account)
        dataset, resource = request.path_params["dataset"], request.path_params["resource"]
        table = fn.table(fn.table_info(dataset, resource))
        # The raw path keeps %2C apart from the commas between a composite key's values.
        raw = request.scope.get("raw_path") or urllib.parse.quote(request.url.path, safe="/,").encode()
        raw_key = raw[raw.index(b"/v1/datasets/") + len(b"/v1/datasets/"):].split(b"/", 3)[3]
        found = query.lookup(table, query.key_parts(raw_key), fn.tables.db)
        fn.usage.count(account["id"], dataset, 1 if found else 0)
        if found is None:
            raise ApiError(404, "row-not-found", "Không có dòng nào mang khóa này.", "No row has this key.")
        return JSONResponse({"dataset": dataset, "resource": resource, "row": found})

    async def datasets(request: Request) -> Response:
        pub = fn.published
        out = []
        for summary in pub.summaries:
            tables = [{"resource": t.resource, "title": t.title, "ckan_id": t.ckan_id,
                       "rows": f"/v1/datasets/{t.dataset}/{t.resource}",
                       "fields": [{"name": f.get("name"), "type": f.get("type", "string"), "title": f.get("title", "")}
                                  for f in t.schema.get("fields", []) if isinstance(f, dict)]}
                      for t in pub.tables_of(summary["id"])]
            out.append({"id": summary["id"], "title": summary.get("title", ""), "tables": tables})
        return JSONResponse({"count": len(out), "datasets": out})

    # -- accounts -----------------------------------------------------------------------------------
    async def register(request: Request) -> Response:
        fn.check_form_rate(request, "register", settings.register_per_hour)
        data = await read_form(request)
        if accounts.text(data.get(feedback.HONEYPOT)):
            raise ApiError(400, "rejected", "Biểu mẫu không hợp lệ.", "The form was rejected.")
        account, key = await asyncio.to_thread(accounts.register, fn.store, data)
        shown = {k: account[k] for k in ("id", "full_name", "email", "organisation", "key_prefix", "created")}
        return JSONResponse({"account": shown, "key": key, "notice": KEY_NOTICE}, status_code=201, headers=NO_STORE)

    async def rotate(request: Request) -> Response:
        account = fn.authenticate(request, allow_temporary=True)
        fn.check_rate(account)
        key = await asyncio.to_thread(accounts.rotate, fn.store, account["id"])
        fn.forget_keys()
        return JSONResponse({"key": key, "key_prefix": keys.prefix_of(key), "notice": KEY_NOTICE}, headers=NO_STORE)

    async def me(request: Request) -> Response:
        account = fn.authenticate(request, allow_temporary=True)
        with fn.store.tx() as tx:
            row = accounts.public(accounts.get(tx, account["id"]))
        row.pop("note", None)
        return JSONResponse({"account": row}, headers=NO_STORE)

    # -- feedback -----------------------------------------------------------------------------------
    async def post_feedback(request: Request) -> Response:
        fn.check_form_rate(request, "feedback", settings.feedback_per_hour)
        data = await read_form(request)
        if accounts.text(data.get(feedback.HONEYPOT)):
            # Looks accepted, stores nothing: a bot learns nothing from the answer.
            return JSONResponse({"id": None, "status": "received"}, status_code=201)
        values = feedback.validate(data, max_chars=settings.feedback_max_chars)
        if values["dataset"] not in fn.published.datasets:
            raise ApiError(404, "dataset-not-found", f"Không có bộ dữ liệu “{values['dataset']}”.",
                           f"No dataset “{values['dataset']}”.", field="dataset")
        created = await asyncio.to_thread(feedback.create, fn.store, values)
        task = None
        if settings.github_auto and settings.github_token and settings.github_repo:
            task = BackgroundTask(_open_issue_quietly, created["id"], "auto")
        return JSONResponse(created, status_code=201, background=task)

    def _open_issue_quietly(feedback_id: int, actor: str) -> None:
        try:
            feedback.open_issue(fn.store, feedback_id, api=settings.github_api, token=settings.github_token,
                                repo=settings.github_repo, actor=actor, site_url=fn.published.portal.get("url", ""))
        except ApiError as exc:
            log.error("feedback %s: %s", feedback_id, exc.en)

    async def public_feedback(request: Request) -> Response:
        dataset = request.path_params["dataset"]
        if dataset not in fn.published.datasets:
            raise ApiError(404, "dataset-not-found", f"Không có bộ dữ liệu “{dataset}”.", f"No dataset “{dataset}”.")
        items = await asyncio.to_thread(feedback.public_view, fn.store, dataset)
        return JSONResponse({"dataset": dataset, "count": len(items), "feedback": items},
                            headers={"Cache-Control": "public, max-age=60"})

    # -- operator (admin API) -------------------------------------------------------------------------
    def operator(request: Request) -> str:
        """The acting operator's name for the audit log, after checking the secret in constant time."""
        if not settings.operator_secret:
            raise ApiError(403, "admin-disabled", "API quản trị đang tắt (chưa đặt OPENDATA_OPERATOR_SECRET).",
                           "The admin API is off (OPENDATA_OPERATOR_SECRET is not set).")
        fn.refuse_guessing(request, "secret")
        given = request.headers.get("x-operator-secret") or ""
        auth = request.headers.get("authorization", "")
        if not given and auth[:7].lower() == "bearer ":
            given = auth[7:].strip()
        if not keys.same_secret(given, settings.operator_secret):
            fn.count_failure(request, "secret")
            raise ApiError(401, "operator-denied", "Sai hoặc thiếu mã bí mật của đơn vị vận hành.",
                           "Wrong or missing operator secret.", headers={"WWW-Authenticate": "Bearer"})
        name = accounts.text(request.headers.get("x-operator-name", ""))[:60] or "operator"
        return f"api:{name}"

    async def admin_accounts(request: Request) -> Response:
        actor = operator(request)
        if request.method == "GET":
            items = await asyncio.to_thread(accounts.listing, fn.store, status=request.query_params.get("status"),
                                            search=request.query_params.get("q", ""))
            return JSONResponse({"count": len(items), "accounts": items}, headers=NO_STORE)
        data = await read_form(request)
        rate = data.get("rate_limit")
        if rate is not None and (not isinstance(rate, int) or isinstance(rate, bool)):
            raise ValidationFailed({"rate_limit": ("Phải là số nguyên.", "Must be an integer.")})
        account, key = await asyncio.to_thread(
            lambda: accounts.issue(fn.store, full_name=data.get("full_name", ""), email=data.get("email", ""),
                                   organisation=data.get("organisation", ""), phone=data.get("phone", ""),
                                   address=data.get("address", ""), rate_limit=rate, note=data.get("note", ""),
                                   actor=actor))
        return JSONResponse({"account": account, "key": key, "notice": KEY_NOTICE}, status_code=201, headers=NO_STORE)

    async def admin_account(request: Request) -> Response:
        actor = operator(request)
        account_id = _int_path(request, "id")
        if request.method == "DELETE":
            reason = request.query_params.get("reason", "")
            await asyncio.to_thread(lambda: accounts.delete(fn.store, account_id, reason=reason, actor=actor))
            fn.forget_keys()
            return JSONResponse({"deleted": account_id})
        with fn.store.tx() as tx:
            return JSONResponse({"account": accounts.public(accounts.get(tx, account_id))}, headers=NO_STORE)

    async def admin_action(request: Request) -> Response:
        actor = operator(request)
        account_id = _int_path(request, "id")
        action = request.path_params["action"]
        data = await read_form(request)
        if action == "reissue":
            key = await asyncio.to_thread(lambda: accounts.reissue(fn.store, account_id,
                                                                   verified=data.get("verified", ""), actor=actor))
            fn.forget_keys()
            return JSONResponse({"key": key, "temporary": True, "notice": KEY_NOTICE}, headers=NO_STORE)
        if action in ("lock", "unlock"):
            status = "locked" if action == "lock" else "active"
            account = await asyncio.to_thread(lambda: accounts.set_status(
                fn.store, account_id, status, reason=data.get("reason", ""), actor=actor))
            fn.forget_keys()
            return JSONResponse({"account": account}, headers=NO_STORE)
        raise ApiError(404, "not-found", "Không có thao tác này.", "No such action.")

    async def admin_audit(request: Request) -> Response:
        operator(request)
        q = request.query_params

        def number(name: str, default: int | None) -> int | None:
            raw = q.get(name, "")
            return int(raw) if raw.isdigit() and len(raw) <= 18 else default  # ids fit in 64 bits

        items = await asyncio.to_thread(lambda: accounts.audit_log(fn.store, account_id=number("account", None),
                                                                   limit=number("limit", 200) or 200))
        return JSONResponse({"count": len(items), "audit": items}, headers=NO_STORE)

    async def admin_usage(request: Request) -> Response:
        operator(request)
        await asyncio.to_thread(fn.usage.flush, fn.store)  # what was counted so far, not 5 s ago
        q = request.query_params
        items = await asyncio.to_thread(lambda: usage.report(fn.store, year=q.get("year"), month=q.get("month"),
                                                             by_account=q.get("by") == "account"))
        return JSONResponse({"count": len(items), "usage": items}, headers=NO_STORE)

    async def admin_feedback(request: Request) -> Response:
        operator(request)
        q = request.query_params
        items = await asyncio.to_thread(lambda: feedback.listing(fn.store, dataset=q.get("dataset"),
                                                                 status=q.get("status")))
        return JSONResponse({"count": len(items), "feedback": items}, headers=NO_STORE)

    async def admin_feedback_item(request: Request) -> Response:
        actor = operator(request)
        feedback_id = _int_path(request, "id")
        data = await read_form(request)
        public = data.get("public")
        item = await asyncio.to_thread(lambda: feedback.update(
            fn.store, feedback_id, actor=actor, status=data.get("status"), answer=data.get("answer"),
            public=public if isinstance(public, bool) else None))
        return JSONResponse({"feedback": item}, headers=NO_STORE)

    async def admin_feedback_issue(request: Request) -> Response:
        actor = operator(request)
        feedback_id = _int_path(request, "id")
        item = await asyncio.to_thread(lambda: feedback.open_issue(
            fn.store, feedback_id, api=settings.github_api, token=settings.github_token, repo=settings.github_repo,
            actor=actor, site_url=fn.published.portal.get("url", "")))
        return JSONResponse({"feedback": item}, headers=NO_STORE)

    # -- small things -------------------------------------------------------------------------------
    async def index(request: Request) -> Response:
        return JSONResponse({"name": "opendata-function", "openapi": "/openapi.json", "register": "/register",
                             "datasets": "/v1/datasets", "ckan": "/api/3/action/package_list"})

    async def health(request: Request) -> Response:
        fn.maybe_reload()
        published = fn._published
        loaded = published is not None
        # Tables published but not served (no usable conversion, a file that fails its sha256): listed
        # so the operator sees them without reading the logs.
        unavailable = fn.unavailable()
        return JSONResponse({"ok": loaded, "datasets": len(published.datasets) if published else 0,
                             "tables": len(published.tables) if published else 0,
                             "tables_loaded": fn.tables.loaded(), "tables_unavailable": len(unavailable),
                             "unavailable": [{"dataset": d, "resource": r, "reason": why}
                                             for (d, r), why in list(unavailable.items())[:100]],
                             "store": fn.store.dialect, "lookup": lookup_routes.describe(lookup)},
                            status_code=200 if loaded else 503)

    openapi_body = json.dumps(openapi_document(), ensure_ascii=False).encode("utf-8")

    async def openapi(request: Request) -> Response:
        return Response(openapi_body, media_type="application/json")

    async def register_page(request: Request) -> Response:
        # The form's script and styles are beside it, under /static/.
        return RedirectResponse("/static/register.html", status_code=307)

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(exc)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 405:
            return error_response(ApiError(405, "method-not-allowed", "Phương thức không được hỗ trợ.",
                                           "Method not allowed.", headers=dict(exc.headers or {})))
        return error_response(ApiError(exc.status_code, "not-found" if exc.status_code == 404 else "http-error",
                                       "Không tìm thấy." if exc.status_code == 404 else "Yêu cầu không hợp lệ.",
                                       "Not found." if exc.status_code == 404 else str(exc.detail)))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if settings.preload and fn._published is not None:
            fn.preload()

        async def background() -> None:
            while True:
                await asyncio.sleep(settings.usage_flush_seconds)
                await asyncio.to_thread(fn.flush_usage)
                fn.maybe_reload()

        task = asyncio.create_task(background())
        try:
            yield
        finally:
            task.cancel()
            await asyncio.to_thread(fn.flush_usage)  # nothing counted is lost on a clean stop

    routes = [
        Route("/", index),
        Route("/health", health),
        Route("/openapi.json", openapi),
        Route("/register", register_page),
        Route("/v1/datasets", datasets),
        Route("/v1/datasets/{dataset}/{resource}", rows),
        Route("/v1/datasets/{dataset}/{resource}/rows/{key:path}", row),
        Route("/v1/register", register, methods=["POST"]),
        Route("/v1/keys/rotate", rotate, methods=["POST"]),
        Route("/v1/account", me),
        Route("/v1/feedback", post_feedback, methods=["POST"]),
        Route("/v1/feedback/{dataset}", public_feedback),
        Route("/admin/accounts", admin_accounts, methods=["GET", "POST"]),
        Route("/admin/accounts/{id}", admin_account, methods=["GET", "DELETE"]),
        Route("/admin/accounts/{id}/{action}", admin_action, methods=["POST"]),
        Route("/admin/audit", admin_audit),
        Route("/admin/usage", admin_usage),
        Route("/admin/feedback", admin_feedback),
        Route("/admin/feedback/{id}", admin_feedback_item, methods=["POST"]),
        Route("/admin/feedback/{id}/github", admin_feedback_issue, methods=["POST"]),
        *ckan.routes(fn, settings),
        *lookup_routes.routes(lookup, settings),
    ]
    if STATIC.is_dir():
        routes.append(Mount("/static", StaticFiles(directory=STATIC), name="static"))

    origins = settings.allowed_origins or _default_origins(fn)
    app = Starlette(
        routes=routes,
        middleware=[
            # The one place X-Forwarded-For is read: only from the configured proxies, right-most
            # untrusted hop (servers run without their own proxy-header handling, see the Dockerfile).
            *([Middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)]
              if settings.trusted_proxies else []),
            Middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "DELETE"],
                       allow_headers=["Authorization", "Content-Type", "X-API-Key"], max_age=600),
            Middleware(ServerErrors)],
        exception_handlers={ApiError: api_error, HTTPException: http_error},
        lifespan=lifespan,
    )
    app.state.function = fn
    app.state.lookup = lookup
    return app


class ServerErrors:
    """Answer an unexpected error with a bilingual 500 and keep serving.

    Starlette's own handler re-raises after answering, and the server then drops the keep-alive
    connection under the client's next request; this one logs and stops there.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.exception("unhandled error on %s", scope.get("path"))
            if started:
                raise
            await error_response(ApiError(500, "server-error", "Lỗi máy chủ; lỗi đã được ghi lại cho đơn vị vận hành.",
                                          "Server error; it has been logged for the operator."))(scope, receive, send)


def _default_origins(fn: Function) -> list[str]:
    """The portal's own origin (from the build) and the local preview (`opendata serve`)."""
    origins = ["http://127.0.0.1:8000", "http://localhost:8000"]
    url = fn._published.portal.get("url", "") if fn._published else ""
    if url:
        parts = urllib.parse.urlsplit(url)
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins
