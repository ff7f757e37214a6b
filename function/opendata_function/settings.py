"""Configuration from the environment: nothing secret or site-specific lives in the code or the repo."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field

MIN_SECRET = 20  # characters; `secrets.token_urlsafe(32)` gives 43
# Placeholders from docs and examples: a secret copied from them is no secret.
KNOWN_PLACEHOLDERS = ("changeme", "changemechangemechangeme", "secret", "password", "operator", "admin",
                      "opendataoperatorsecret")


class SettingsError(ValueError):
    """A setting the function refuses to start with (the message names the variable and what to do)."""


def secret_problem(secret: str) -> str | None:
    """Why the operator secret is too weak to guard the admin API, or None."""
    if not secret:
        return None  # unset: the admin API is off
    folded = "".join(ch for ch in secret.lower() if ch.isalnum())
    if len(secret) < MIN_SECRET or len(set(secret)) < 8 or folded in KNOWN_PLACEHOLDERS:
        return (f"OPENDATA_OPERATOR_SECRET is too weak: use at least {MIN_SECRET} random characters, not a word from "
                "the docs, e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))' "
                f"(OPENDATA_OPERATOR_SECRET quá yếu: cần ít nhất {MIN_SECRET} ký tự ngẫu nhiên).")
    return None


def _networks(raw: str) -> list[str]:
    out = []
    for item in (x.strip() for x in raw.split(",")):
        if not item:
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise SettingsError(f"OPENDATA_TRUSTED_PROXIES: “{item}” is not an IP address or network (e.g. 10.0.0.0/8) "
                                f"(“{item}” không phải địa chỉ IP hay dải mạng)") from None
        out.append(item)
    return out


def _int(env: dict[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip()
    return int(value) if value else default


def _float(env: dict[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    return float(value) if value else default


def _flag(env: dict[str, str], name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    return default if not value else value in ("1", "true", "yes", "on")


@dataclass
class Settings:
    # The built site: a folder (the build's --out) or the URL it is served at.
    site: str = "site"
    # sqlite:///relative.db, sqlite:////absolute.db, or postgresql://user:pass@host/db
    database_url: str = "sqlite:///function.db"
    # Compared in constant time; unset = the admin API is off (the CLI still works on the store).
    operator_secret: str = ""
    # Origins allowed by CORS (the site's); empty = the portal's own URL from catalog.json.
    allowed_origins: list[str] = field(default_factory=list)
    # Requests per minute per key, unless the account has its own limit.
    rate_limit: int = 600
    # The reverse proxies in front of the function (IPs or networks): only from them is X-Forwarded-For
    # read, and the client is its right-most hop that is not one of them. Empty: the peer address.
    trusted_proxies: list[str] = field(default_factory=list)
    # Wrong keys and wrong operator secrets per client address and minute; then 429 until the bucket refills.
    wrong_keys_per_minute: int = 20
    wrong_secrets_per_minute: int = 5
    # Anonymous form posts per IP and hour (spam limits).
    register_per_hour: int = 10
    feedback_per_hour: int = 20
    feedback_max_chars: int = 4000
    # How long a key check may be answered from memory (locks from another instance take this long).
    key_cache_seconds: float = 5.0
    # Usage counters are written in batches at this interval (and on shutdown).
    usage_flush_seconds: float = 5.0
    # How often the site is checked for a new build.
    reload_seconds: float = 10.0
    # Load every table at startup (a long-running server) or on first use (serverless).
    preload: bool = True
    max_table_bytes: int = 200 * 1024 * 1024
    max_page_rows: int = 1000
    # Months and days of the usage counts are in local time (Vietnam: UTC+7, no daylight saving).
    utc_offset_hours: int = 7
    github_token: str = ""
    github_repo: str = ""  # owner/name of the data repository
    github_api: str = "https://api.github.com"
    github_auto: bool = False  # open an issue for every new feedback
    # SMS/Zalo look-up (lookup/): messages per phone number or Zalo user and hour, shared by the channels.
    lookup_per_hour: int = 30
    # Key of the hash that stands for a phone number or Zalo user id in the store (never the number itself).
    lookup_hash_key: str = ""
    # SMS replies: at most this many parts of 153 characters (1: one message of 160).
    sms_parts: int = 2
    # Events older than this (or from the future by more) are refused as stale.
    lookup_max_age_seconds: int = 300
    zalo_app_id: str = ""
    zalo_oa_secret: str = ""  # the OA secret key: signs the webhook's events
    zalo_access_token: str = ""
    zalo_refresh_token: str = ""  # the first one; each refresh rotates it and the store keeps the new one
    zalo_app_secret: str = ""  # the app's secret key: sent when refreshing the access token
    zalo_api_url: str = "https://openapi.zalo.me"
    zalo_oauth_url: str = "https://oauth.zaloapp.com"
    esms_cpid: str = ""
    esms_private_key: str = ""
    sms_json_secret: str = ""  # the signed-JSON gateway adapter's shared secret (HMAC-SHA256)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        e = dict(os.environ if env is None else env)
        origins = [o.strip().rstrip("/") for o in e.get("OPENDATA_ALLOWED_ORIGINS", "").split(",") if o.strip()]
        return cls(
            site=e.get("OPENDATA_SITE", "site"),
            database_url=e.get("DATABASE_URL", "sqlite:///function.db"),
            operator_secret=e.get("OPENDATA_OPERATOR_SECRET", ""),
            allowed_origins=origins,
            trusted_proxies=_networks(e.get("OPENDATA_TRUSTED_PROXIES", "")),
            wrong_keys_per_minute=_int(e, "OPENDATA_WRONG_KEYS_PER_MINUTE", 20),
            wrong_secrets_per_minute=_int(e, "OPENDATA_WRONG_SECRETS_PER_MINUTE", 5),
            rate_limit=_int(e, "OPENDATA_RATE_LIMIT", 600),
            register_per_hour=_int(e, "OPENDATA_REGISTER_PER_HOUR", 10),
            feedback_per_hour=_int(e, "OPENDATA_FEEDBACK_PER_HOUR", 20),
            key_cache_seconds=_float(e, "OPENDATA_KEY_CACHE_SECONDS", 5.0),
            usage_flush_seconds=_float(e, "OPENDATA_USAGE_FLUSH_SECONDS", 5.0),
            reload_seconds=_float(e, "OPENDATA_RELOAD_SECONDS", 10.0),
            preload=_flag(e, "OPENDATA_PRELOAD", True),
            max_table_bytes=_int(e, "OPENDATA_MAX_TABLE_BYTES", 200 * 1024 * 1024),
            github_token=e.get("OPENDATA_GITHUB_TOKEN") or e.get("GITHUB_TOKEN", ""),
            github_repo=e.get("OPENDATA_GITHUB_REPO", ""),
            github_api=e.get("OPENDATA_GITHUB_API", "https://api.github.com").rstrip("/"),
            github_auto=_flag(e, "OPENDATA_GITHUB_AUTO", False),
            lookup_per_hour=_int(e, "OPENDATA_LOOKUP_PER_HOUR", 30),
            lookup_hash_key=e.get("OPENDATA_LOOKUP_HASH_KEY") or e.get("OPENDATA_OPERATOR_SECRET", ""),
            sms_parts=max(1, min(_int(e, "OPENDATA_SMS_PARTS", 2), 10)),
            lookup_max_age_seconds=_int(e, "OPENDATA_LOOKUP_MAX_AGE_SECONDS", 300),
            zalo_app_id=e.get("OPENDATA_ZALO_APP_ID", ""),
            zalo_oa_secret=e.get("OPENDATA_ZALO_OA_SECRET", ""),
            zalo_access_token=e.get("OPENDATA_ZALO_ACCESS_TOKEN", ""),
            zalo_refresh_token=e.get("OPENDATA_ZALO_REFRESH_TOKEN", ""),
            zalo_app_secret=e.get("OPENDATA_ZALO_APP_SECRET", ""),
            zalo_api_url=e.get("OPENDATA_ZALO_API_URL", "https://openapi.zalo.me").rstrip("/"),
            zalo_oauth_url=e.get("OPENDATA_ZALO_OAUTH_URL", "https://oauth.zaloapp.com").rstrip("/"),
            esms_cpid=e.get("OPENDATA_ESMS_CPID", ""),
            esms_private_key=e.get("OPENDATA_ESMS_PRIVATE_KEY", ""),
            sms_json_secret=e.get("OPENDATA_SMS_JSON_SECRET", ""),
        )
