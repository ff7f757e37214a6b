"""Configuration from the environment: nothing secret or site-specific lives in the code or the repo."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


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

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        e = dict(os.environ if env is None else env)
        origins = [o.strip().rstrip("/") for o in e.get("OPENDATA_ALLOWED_ORIGINS", "").split(",") if o.strip()]
        return cls(
            site=e.get("OPENDATA_SITE", "site"),
            database_url=e.get("DATABASE_URL", "sqlite:///function.db"),
            operator_secret=e.get("OPENDATA_OPERATOR_SECRET", ""),
            allowed_origins=origins,
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
        )
