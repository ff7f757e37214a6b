"""The function's running state: the published site, its tables, the store, key checks, limits, usage."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.requests import Request

from . import accounts, keys
from .errors import ApiError
from .published import Published, SiteError, TableInfo, catalog_digest, load, open_source
from .ratelimit import RateLimiter, retry_after
from .settings import Settings
from .store import Store
from .datastore import Table, TableError, TableMismatch, TableStore
from .usage import UsageCounter

log = logging.getLogger("opendata_function")
_AUTH_CACHE_MAX = 50_000


def key_from(request: Request) -> str | None:
    """The API key from `Authorization: Bearer KEY`, `Authorization: KEY` (CKAN clients) or `X-API-Key`."""
    headers = request.headers
    value = headers.get("authorization") or headers.get("x-api-key") or headers.get("x-ckan-api-key")
    if not value:
        return None
    value = value.strip()
    if value[:7].lower() == "bearer ":
        value = value[7:].strip()
    return value or None


def client_of(request: Request) -> str:
    """The client's address: the peer, or behind a trusted proxy the address it forwarded (see app.py)."""
    return request.client.host if request.client else "unknown"


class Function:
    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self.store = store or Store(settings.database_url)
        self.source = open_source(settings.site)
        self.tables = TableStore(self.source, settings.max_table_bytes)
        self.limiter = RateLimiter()
        self.forms = RateLimiter()
        self.failures = RateLimiter()  # wrong keys and operator secrets, per client address
        self.usage = UsageCounter(settings.utc_offset_hours)
        self._published: Published | None = None
        self._auth: dict[str, tuple[float, dict[str, Any] | None]] = {}
        self._next_check = 0.0
        try:
            self.reload()
        except SiteError as exc:  # start anyway: accounts and feedback work without the site
            log.error("site not loaded from %s: %s", self.source.describe(), exc)

    # -- the published site ------------------------------------------------------------------------
    def reload(self) -> bool:
        """Read the site again if a build changed it; drop tables whose file changed. True if reloaded."""
        digest = catalog_digest(self.source)
        if self._published is not None and digest == self._published.fingerprint:
            return False
        published = load(self.source)
        self._published = published
        self.tables.keep_only({t.version for t in published.tables.values()})
        log.info("site loaded from %s: %d datasets, %d tables", self.source.describe(), len(published.datasets),
                 len(published.tables))
        for (dataset, resource), why in sorted(published.unavailable.items()):
            log.error("table %s/%s not served: %s", dataset, resource, why)
        return True

    def maybe_reload(self) -> None:
        now = time.monotonic()
        if now >= self._next_check:
            self._next_check = now + self.settings.reload_seconds
            try:
                self.reload()
            except SiteError as exc:
                log.error("site reload failed (keeping the last good one): %s", exc)

    @property
    def published(self) -> Published:
        if self._published is None:
            self.maybe_reload()
        if self._published is None:
            raise ApiError(503, "site-unavailable", "Chưa đọc được dữ liệu đã công bố; thử lại sau.",
                           "The published site could not be read yet; try again later.",
                           headers={"Retry-After": "30"})
        return self._published

    def preload(self) -> int:
        count = 0
        for info in self.published.tables.values():
            try:
                self.tables.get(info)
                count += 1
            except (TableError, SiteError) as exc:
                log.error("table %s/%s not loaded: %s", info.dataset, info.resource, exc)
        return count

    def unavailable(self) -> dict[tuple[str, str], str]:
        """Tables published but not served now, and why: no usable conversion, or their last load failed."""
        published = self._published
        out = dict(published.unavailable) if published else {}
        live = set(published.tables) if published else set()
        out.update({k: why for k, why in list(self.tables.failures.items()) if k in live})
        return dict(sorted(out.items()))

    def table_info(self, dataset: str, resource: str) -> TableInfo:
        info = self.published.table(dataset, resource)
        why = self.published.unavailable.get((dataset, resource))
        if info is None and why is not None:
            log.warning("table %s/%s asked for but not served: %s", dataset, resource, why)
            raise ApiError(503, "table-not-converted",
                           f"Bảng “{resource}” của bộ dữ liệu “{dataset}” đã công bố nhưng không có bản chuyển "
                           f"đổi CSV dùng được, nên chưa truy vấn được; tải tệp gốc trên trang bộ dữ liệu.",
                           f"Table “{resource}” of dataset “{dataset}” is published without a usable CSV "
                           f"conversion, so it cannot be queried; download the original from the dataset page.")
        if info is None:
            if dataset not in self.published.datasets:
                raise ApiError(404, "dataset-not-found", f"Không có bộ dữ liệu “{dataset}”.",
                               f"No dataset “{dataset}”.")
            names = ", ".join(t.resource for t in self.published.tables_of(dataset)) or "—"
            raise ApiError(404, "table-not-found",
                           f"Bộ dữ liệu “{dataset}” không có bảng “{resource}” truy vấn được. Các bảng: {names}.",
                           f"Dataset “{dataset}” has no queryable table “{resource}”. Tables: {names}.")
        return info

    def table(self, info: TableInfo) -> Table:
        try:
            return self.tables.get(info)
        except TableMismatch as exc:
            log.error("table %s/%s refused: %s", info.dataset, info.resource, exc)
            raise ApiError(503, "table-mismatch",
                           f"Tệp CSV đã công bố của bảng này ({info.file}) không khớp mã sha256 ghi trong "
                           f"api/v1/datasets/{info.dataset}.json, nên không được phục vụ; đơn vị vận hành cần "
                           f"công bố lại toàn bộ bản dựng.",
                           f"The published CSV of this table ({info.file}) does not match the sha256 in "
                           f"api/v1/datasets/{info.dataset}.json, so it is not served; the operator must "
                           f"publish the whole build again.", headers={"Retry-After": "60"}) from exc
        except (TableError, SiteError) as exc:
            log.error("table %s/%s unreadable: %s", info.dataset, info.resource, exc)
            raise ApiError(503, "table-unavailable", "Bảng này tạm thời không truy vấn được; thử lại sau.",
                           "This table cannot be queried right now; try again later.",
                           headers={"Retry-After": "60"}) from exc

    # -- keys ---------------------------------------------------------------------------------------
    def authenticate(self, request: Request, *, allow_temporary: bool = False) -> dict[str, Any]:
        key = key_from(request)
        if key is None:
            raise ApiError(401, "key-missing",
                           "Cần khóa API: gửi trong tiêu đề “Authorization: Bearer <khóa>”. Đăng ký khóa trên cổng.",
                           "An API key is required: send it as “Authorization: Bearer <key>”. "
                           "Register for a key on the portal.", headers={"WWW-Authenticate": "Bearer"})
        self.refuse_guessing(request, "key")
        prefix = keys.prefix_of(key)
        account = self._account(prefix) if prefix else None
        if account is None or not keys.matches(key, account["key_hash"]):
            self.count_failure(request, "key")
            raise ApiError(401, "key-invalid", "Khóa API không đúng hoặc đã được thay. Kiểm tra lại khóa.",
                           "The API key is wrong or has been replaced. Check the key.",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        if account["status"] != "active":
            raise ApiError(403, "account-locked",
                           "Tài khoản đã bị khóa. Liên hệ đơn vị vận hành cổng để được xem xét.",
                           "The account is locked. Contact the portal's operator for a review.")
        if account["key_temporary"] and not allow_temporary:
            raise ApiError(403, "key-temporary",
                           "Khóa tạm thời do đơn vị vận hành cấp phải được đổi trước khi dùng: gửi "
                           "POST /v1/keys/rotate với khóa này để nhận khóa chính thức.",
                           "A temporary key issued by the operator must be replaced before use: send "
                           "POST /v1/keys/rotate with this key to get your permanent key.")
        return account

    def _account(self, prefix: str) -> dict[str, Any] | None:
        now = time.monotonic()
        cached = self._auth.get(prefix)
        if cached is not None and cached[0] > now:
            return cached[1]
        account = accounts.by_prefix(self.store, prefix)
        if len(self._auth) >= _AUTH_CACHE_MAX:
            self._auth.clear()
        self._auth[prefix] = (now + self.settings.key_cache_seconds, account)
        return account

    def forget_keys(self) -> None:
        """After a change to accounts made here, the next check reads the store again."""
        self._auth.clear()

    def check_rate(self, account: dict[str, Any]) -> None:
        limit = account["rate_limit"] or self.settings.rate_limit
        wait = self.limiter.hit(("key", account["id"]), limit, 60.0)
        if wait:
            raise ApiError(429, "rate-limited",
                           f"Vượt giới hạn {limit} yêu cầu/phút của khóa này; thử lại sau {retry_after(wait)} giây.",
                           f"Over this key's limit of {limit} requests per minute; retry in {retry_after(wait)} s.",
                           headers={"Retry-After": retry_after(wait)})

    # -- guessing: wrong keys and secrets are counted per address; over the limit nothing is checked ----
    def _failure_limit(self, kind: str) -> int:
        return self.settings.wrong_keys_per_minute if kind == "key" else self.settings.wrong_secrets_per_minute

    def refuse_guessing(self, request: Request, kind: str) -> None:
        """429 while this address is over its budget of wrong keys (kind "key") or operator secrets ("secret")."""
        wait = self.failures.wait((kind, client_of(request)), self._failure_limit(kind), 60.0)
        if wait:
            what = ("khóa API sai", "wrong API keys") if kind == "key" else ("mã bí mật sai", "wrong operator secrets")
            raise ApiError(429, "too-many-failures",
                           f"Quá nhiều {what[0]} từ địa chỉ này; thử lại sau {retry_after(wait)} giây.",
                           f"Too many {what[1]} from this address; retry in {retry_after(wait)} s.",
                           headers={"Retry-After": retry_after(wait)})

    def count_failure(self, request: Request, kind: str) -> None:
        self.failures.hit((kind, client_of(request)), self._failure_limit(kind), 60.0)

    def check_form_rate(self, request: Request, form: str, per_hour: int) -> None:
        client = client_of(request)
        wait = self.forms.hit((form, client), per_hour, 3600.0)
        if wait:
            raise ApiError(429, "rate-limited", "Gửi quá nhiều lần từ địa chỉ này; thử lại sau.",
                           "Too many submissions from this address; try again later.",
                           headers={"Retry-After": retry_after(wait)})

    def flush_usage(self) -> None:
        try:
            self.usage.flush(self.store)
        except Exception:  # the counts stay in memory for the next attempt
            log.exception("usage flush failed")
