"""API accounts (Articles 6.2b-e): register, issue, rotate, reissue, lock, unlock, delete — each one audited.

The same functions serve the public endpoints, the admin API and the operator's CLI, so every path
writes the same audit entry in the same transaction as the change itself.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from typing import Any

from . import keys
from .errors import ApiError, ValidationFailed, not_found
from .store import Store, Tx, now

PUBLIC_FIELDS = ("id", "kind", "status", "key_prefix", "key_temporary", "key_created", "full_name", "address",
                 "email", "phone", "organisation", "rate_limit", "terms_accepted", "note", "created", "updated",
                 "last_used")

# Controls, and the invisible characters (zero-width, direction overrides and isolates, BOM) that make
# a name look empty or read backwards: never kept in a form value.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                      r"\u2066-\u2069\ufeff]")
_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
# Vietnamese numbers after 2018's renumbering: mobiles 03x/05x/07x/08x/09x (10 digits),
# landlines 02 + area code + subscriber (11 digits).
_MOBILE = re.compile(r"^0[35789][0-9]{8}$")
_LANDLINE = re.compile(r"^02[0-9]{9}$")


def text(value: Any, *, multiline: bool = False) -> str:
    """A form value as clean NFC text (forms send anything: numbers, lists, control characters)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else ""
    value = _CONTROL.sub("", unicodedata.normalize("NFC", value)).strip()
    if not multiline:
        value = " ".join(value.split())
    return value


def normalise_phone(raw: str) -> str | None:
    """'+84 912 345 678' -> '0912345678'; None if it is not a Vietnamese mobile or landline number."""
    digits = re.sub(r"[\s.\-()]", "", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if _MOBILE.match(digits) or _LANDLINE.match(digits):
        return digits
    return None


def normalise_email(raw: str) -> str | None:
    """Lower-cased address if it is well formed (one @, a dotted domain, sane lengths); else None."""
    value = raw.strip().lower()
    if len(value) > 254 or value.count("@") != 1:
        return None
    local, domain = value.split("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = domain.split(".")
    if not (0 < len(local) <= 64 and _LOCAL.match(local)) or len(labels) < 2:
        return None
    if not all(_LABEL.match(label) for label in labels) or not labels[-1].isalpha():
        return None
    return f"{local}@{domain}"


def _accepted(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("1", "true", "on", "yes"))


def validate_registration(data: dict[str, Any]) -> dict[str, Any]:
    """Check a registration form (Article 6.2b); raise ValidationFailed naming every bad field."""
    problems: dict[str, tuple[str, str]] = {}
    full_name, address = text(data.get("full_name")), text(data.get("address"))
    organisation = text(data.get("organisation"))
    if not 2 <= len(full_name) <= 200 or sum(ch.isalpha() for ch in full_name) < 2:
        problems["full_name"] = ("Nhập họ và tên (2–200 ký tự).", "Enter your full name (2-200 characters).")
    if not 5 <= len(address) <= 300:
        problems["address"] = ("Nhập địa chỉ liên hệ (5–300 ký tự).", "Enter your address (5-300 characters).")
    email = normalise_email(text(data.get("email")))
    if email is None:
        problems["email"] = ("Địa chỉ thư điện tử không hợp lệ, ví dụ: ten@example.vn.",
                             "Invalid email address, e.g. name@example.vn.")
    phone = normalise_phone(text(data.get("phone")))
    if phone is None:
        problems["phone"] = ("Số điện thoại không hợp lệ: nhập số di động 10 chữ số (03x, 05x, 07x, 08x, 09x) "
                             "hoặc số cố định 11 chữ số bắt đầu bằng 02.",
                             "Invalid phone number: a 10-digit Vietnamese mobile (03x, 05x, 07x, 08x, 09x) "
                             "or an 11-digit landline starting with 02.")
    if len(organisation) > 200:
        problems["organisation"] = ("Tên tổ chức dài quá 200 ký tự.", "Organisation name longer than 200 characters.")
    if not _accepted(data.get("accept_terms")):
        problems["accept_terms"] = ("Cần đồng ý với điều khoản sử dụng để đăng ký.",
                                    "You must accept the terms of use to register.")
    if problems:
        raise ValidationFailed(problems)
    return {"full_name": full_name, "address": address, "email": email, "phone": phone, "organisation": organisation}


def is_unique_violation(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.IntegrityError):
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, psycopg.errors.UniqueViolation)


def _duplicate_email() -> ApiError:
    return ApiError(409, "email-taken", "Đã có tài khoản đăng ký bằng địa chỉ thư điện tử này. Nếu mất khóa, "
                    "hãy liên hệ đơn vị vận hành cổng để được cấp lại sau khi xác minh.",
                    "An account is already registered with this email address. If you lost its key, ask the "
                    "portal's operator to reissue it after verification.", field="email")


def audit(tx: Tx, actor: str, action: str, *, account_id: int | None = None, feedback_id: int | None = None,
          **detail: Any) -> None:
    tx.insert("audit", {"at": now(), "actor": actor, "action": action, "account_id": account_id,
                        "feedback_id": feedback_id, "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True)})


def public(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row[k] for k in PUBLIC_FIELDS}
    out["key_temporary"] = bool(out["key_temporary"])
    return out


def _create(store: Store, values: dict[str, Any], *, kind: str, temporary: bool, actor: str, action: str,
            rate_limit: int | None = None, note: str = "", terms: bool = False) -> tuple[dict[str, Any], str]:
    new = keys.new_key()
    stamp = now()
    row = {"kind": kind, "status": "active", "key_prefix": new.prefix, "key_hash": new.hash,
           "key_temporary": int(temporary), "key_created": stamp, **values, "rate_limit": rate_limit,
           "terms_accepted": stamp if terms else None, "note": note, "created": stamp, "updated": stamp,
           "last_used": None}
    try:
        with store.tx() as tx:
            if tx.one("SELECT id FROM accounts WHERE email = ?", (values["email"],)):
                raise _duplicate_email()
            account_id = tx.insert("accounts", row)
            audit(tx, actor, action, account_id=account_id, kind=kind, temporary=temporary)
    except Exception as exc:
        if is_unique_violation(exc):  # two registrations raced past the check
            raise _duplicate_email() from exc
        raise
    return public({**row, "id": account_id}), new.key


def register(store: Store, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Self-registration (6.2b): a permanent key, shown once."""
    values = validate_registration(data)
    return _create(store, values, kind="registered", temporary=False, actor="public", action="register", terms=True)


def issue(store: Store, *, full_name: str, email: str, organisation: str = "", phone: str = "", address: str = "",
          rate_limit: int | None = None, note: str = "", actor: str) -> tuple[dict[str, Any], str]:
    """An account the operator issues (agency, partner, harvester): its key is temporary until rotated (6.2c)."""
    problems: dict[str, tuple[str, str]] = {}
    full_name, organisation, address, note = text(full_name), text(organisation), text(address), text(note)
    clean_email = normalise_email(text(email))
    clean_phone = normalise_phone(text(phone)) if text(phone) else ""
    if not 2 <= len(full_name) <= 200 or sum(ch.isalpha() for ch in full_name) < 2:
        problems["full_name"] = ("Nhập tên người hoặc đơn vị nhận khóa.", "Enter the holder's name.")
    if clean_email is None:
        problems["email"] = ("Địa chỉ thư điện tử không hợp lệ.", "Invalid email address.")
    if clean_phone is None:
        problems["phone"] = ("Số điện thoại không hợp lệ.", "Invalid phone number.")
    if rate_limit is not None and not 1 <= rate_limit <= 1_000_000:
        problems["rate_limit"] = ("Giới hạn phải từ 1 đến 1.000.000 yêu cầu/phút.",
                                  "The limit must be 1 to 1,000,000 requests per minute.")
    if problems:
        raise ValidationFailed(problems)
    values = {"full_name": full_name, "address": address, "email": clean_email, "phone": clean_phone,
              "organisation": organisation}
    return _create(store, values, kind="issued", temporary=True, actor=actor, action="issue", rate_limit=rate_limit,
                   note=note)


def get(tx: Tx, account_id: int) -> dict[str, Any]:
    row = tx.one("SELECT * FROM accounts WHERE id = ?", (account_id,))
    if row is None:
        raise not_found(f"tài khoản số {account_id}", f"Account {account_id}")
    return row


def by_prefix(store: Store, prefix: str) -> dict[str, Any] | None:
    with store.tx() as tx:
        return tx.one("SELECT id, status, key_hash, key_temporary, rate_limit FROM accounts WHERE key_prefix = ?",
                      (prefix,))


def _new_key(store: Store, account_id: int, *, temporary: bool, actor: str, action: str, **detail: Any) -> str:
    new = keys.new_key()
    with store.tx() as tx:
        get(tx, account_id)
        tx.run("UPDATE accounts SET key_prefix = ?, key_hash = ?, key_temporary = ?, key_created = ?, updated = ? "
               "WHERE id = ?", (new.prefix, new.hash, int(temporary), now(), now(), account_id))
        audit(tx, actor, action, account_id=account_id, **detail)
    return new.key


def rotate(store: Store, account_id: int) -> str:
    """The holder replaces their key (a temporary one must be, before any data call): a permanent key."""
    return _new_key(store, account_id, temporary=False, actor=f"account:{account_id}", action="rotate")


def reissue(store: Store, account_id: int, *, verified: str, actor: str) -> str:
    """Lost or stolen key (6.2d): after the operator verified the holder, a new temporary key."""
    verified = text(verified)
    if len(verified) < 3:
        raise ValidationFailed({"verified": ("Ghi rõ cách đã xác minh người giữ khóa (ví dụ: đối chiếu CCCD).",
                                             "Say how the holder was verified (e.g. ID card checked).")})
    return _new_key(store, account_id, temporary=True, actor=actor, action="reissue", verified=verified)


def _reason(reason: str) -> str:
    reason = text(reason)
    if len(reason) < 3:
        raise ValidationFailed({"reason": ("Ghi rõ lý do.", "Give the reason.")})
    return reason


def set_status(store: Store, account_id: int, status: str, *, reason: str, actor: str) -> dict[str, Any]:
    """Lock a violator (6.2e) or unlock after review."""
    reason = _reason(reason)
    with store.tx() as tx:
        get(tx, account_id)
        tx.run("UPDATE accounts SET status = ?, updated = ? WHERE id = ?", (status, now(), account_id))
        audit(tx, actor, "lock" if status == "locked" else "unlock", account_id=account_id, reason=reason)
        return public(get(tx, account_id))


def delete(store: Store, account_id: int, *, reason: str, actor: str) -> None:
    """Delete after verification (6.2e): personal data goes; usage counts and the audit log stay."""
    reason = _reason(reason)
    with store.tx() as tx:
        get(tx, account_id)
        tx.run("DELETE FROM accounts WHERE id = ?", (account_id,))
        audit(tx, actor, "delete", account_id=account_id, reason=reason)


def listing(store: Store, *, status: str | None = None, search: str = "") -> list[dict[str, Any]]:
    sql, args = "SELECT * FROM accounts", []
    where = []
    if status:
        where.append("status = ?")
        args.append(status)
    if search:
        where.append("(LOWER(email) LIKE ? OR LOWER(full_name) LIKE ? OR LOWER(organisation) LIKE ?)")
        args += [f"%{search.lower()}%"] * 3
    if where:
        sql += " WHERE " + " AND ".join(where)
    with store.tx() as tx:
        return [public(r) for r in tx.all(sql + " ORDER BY id", args)]


def audit_log(store: Store, *, account_id: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
    sql, args = "SELECT * FROM audit", []
    if account_id is not None:
        sql += " WHERE account_id = ?"
        args.append(account_id)
    with store.tx() as tx:
        rows = tx.all(sql + " ORDER BY id DESC LIMIT ?", [*args, max(1, min(limit, 100_000))])
    for row in rows:
        row["detail"] = json.loads(row["detail"])
    return rows
