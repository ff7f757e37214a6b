"""The operator's commands (`opendata keys …`, or `python -m opendata_function.operator_cli …`).

They act on the store directly (DATABASE_URL), so they work with the function stopped, and write the
same audit entries as the admin API. A running function sees a lock within OPENDATA_KEY_CACHE_SECONDS.
Exit codes: 0 done, 1 refused (invalid input, not found), 2 usage error.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any, Sequence

from . import accounts, feedback, usage
from .lookup import records as lookup_records
from .errors import ApiError
from .settings import Settings
from .store import Store, StoreError

KEY_WARNING = ("Giao khóa này cho người giữ qua kênh an toàn; khóa chỉ hiện một lần. Khóa tạm thời phải được đổi "
               "(POST /v1/keys/rotate) trước khi truy vấn.\n(Hand this key over securely; it is shown once. A "
               "temporary key must be rotated with POST /v1/keys/rotate before any query.)")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="opendata keys", description="Tài khoản API, góp ý, sao lưu — API accounts, "
                                "feedback, backups (the portal function's store).")
    p.add_argument("--database-url", help="default: $DATABASE_URL, else the store “opendata serve” uses "
                                          "(local/function.db); an SQLite store that does not exist is never created")
    p.add_argument("--actor", help="who acts, for the audit log (default: your login name)")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("list", help="list accounts")
    s.add_argument("--status", choices=["active", "locked"])
    s.add_argument("--search", default="")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("issue", help="issue an account with a temporary key (agency, partner, harvester)")
    s.add_argument("--name", required=True, help="holder's name (person or unit)")
    s.add_argument("--email", required=True)
    s.add_argument("--organisation", default="")
    s.add_argument("--phone", default="")
    s.add_argument("--address", default="")
    s.add_argument("--rate-limit", type=int, help="requests per minute (default: the function's)")
    s.add_argument("--note", default="")

    s = sub.add_parser("reissue", help="new temporary key after verifying the holder (lost/stolen key, 6.2d)")
    s.add_argument("account", type=int)
    s.add_argument("--verified", required=True, help="how the holder was verified")

    for name, what in (("lock", "lock a violating account (6.2e)"), ("unlock", "unlock after review"),
                       ("delete", "delete an account after verification (6.2e)")):
        s = sub.add_parser(name, help=what)
        s.add_argument("account", type=int)
        s.add_argument("--reason", required=True)

    s = sub.add_parser("audit", help="the audit log, newest first")
    s.add_argument("--account", type=int)
    s.add_argument("--limit", type=int, default=200)
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("usage", help="use per dataset and month (for the yearly reports)")
    when = s.add_mutually_exclusive_group()
    when.add_argument("--year")
    when.add_argument("--month", help="YYYY-MM")
    s.add_argument("--by-account", action="store_true")
    s.add_argument("--format", choices=["text", "csv", "json"], default="text")
    s.add_argument("--out", help="write to this file instead of the screen")

    s = sub.add_parser("lookups", help="SMS/Zalo look-ups per day, channel, command, dataset, answered (yearly reports)")
    when = s.add_mutually_exclusive_group()
    when.add_argument("--year")
    when.add_argument("--month", help="YYYY-MM")
    s.add_argument("--format", choices=["text", "csv", "json"], default="text")
    s.add_argument("--out", help="write to this file instead of the screen")

    s = sub.add_parser("stats", help="the year's statistics for the yearly report (counts only, no personal data)")
    s.add_argument("--year", required=True)
    s.add_argument("--format", choices=["text", "json"], default="text")
    s.add_argument("--out", help="write to this file instead of the screen")

    s = sub.add_parser("feedback", help="list and answer feedback")
    fsub = s.add_subparsers(dest="action", required=True)
    f = fsub.add_parser("list")
    f.add_argument("--status", choices=list(feedback.STATUSES))
    f.add_argument("--dataset")
    f.add_argument("--json", action="store_true")
    f = fsub.add_parser("answer", help="answer in public (status becomes 'answered')")
    f.add_argument("id", type=int)
    f.add_argument("--text", required=True)
    f.add_argument("--status", choices=list(feedback.STATUSES))
    f = fsub.add_parser("status")
    f.add_argument("id", type=int)
    f.add_argument("status", choices=list(feedback.STATUSES))
    for name in ("hide", "show"):
        f = fsub.add_parser(name, help=f"{name} a feedback on the dataset page (spam, abuse)")
        f.add_argument("id", type=int)
    f = fsub.add_parser("github", help="open an issue in the data repository (needs OPENDATA_GITHUB_TOKEN/REPO)")
    f.add_argument("id", type=int)

    s = sub.add_parser("backup", help="write the whole store to a JSON file")
    s.add_argument("file")
    s = sub.add_parser("restore", help="load a backup (into an empty store, or --replace)")
    s.add_argument("file")
    s.add_argument("--replace", action="store_true")
    return p


def _print_table(rows: list[dict[str, Any]], columns: Sequence[str]) -> None:
    if not rows:
        print("(không có / none)")
        return
    widths = {c: min(40, max(len(c), *(len(str(r.get(c) if r.get(c) is not None else "")) for r in rows)))
              for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for r in rows:
        print("  ".join(str(r.get(c) if r.get(c) is not None else "")[:40].ljust(widths[c]) for c in columns))


def _show_key(key: str, temporary: bool) -> None:
    print(f"Khóa{' tạm thời' if temporary else ''} (key{', temporary' if temporary else ''}): {key}")
    print(KEY_WARNING)


def run(args: argparse.Namespace, store: Store, settings: Settings, actor: str) -> int:
    cmd = args.command
    if cmd == "list":
        rows = accounts.listing(store, status=args.status, search=args.search)
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=1))
        else:
            _print_table(rows, ["id", "status", "kind", "key_temporary", "key_prefix", "full_name", "email",
                                "organisation", "last_used"])
    elif cmd == "issue":
        account, key = accounts.issue(store, full_name=args.name, email=args.email, organisation=args.organisation,
                                      phone=args.phone, address=args.address, rate_limit=args.rate_limit,
                                      note=args.note, actor=actor)
        print(f"Đã cấp tài khoản số {account['id']} cho {account['full_name']} <{account['email']}> "
              f"(issued account {account['id']}).")
        _show_key(key, True)
    elif cmd == "reissue":
        key = accounts.reissue(store, args.account, verified=args.verified, actor=actor)
        print(f"Đã cấp lại khóa cho tài khoản số {args.account}; khóa cũ hết hiệu lực "
              f"(reissued; the old key no longer works).")
        _show_key(key, True)
    elif cmd in ("lock", "unlock"):
        account = accounts.set_status(store, args.account, "locked" if cmd == "lock" else "active",
                                      reason=args.reason, actor=actor)
        print(f"Tài khoản số {account['id']}: {'đã khóa' if cmd == 'lock' else 'đã mở khóa'} "
              f"(account {account['id']} {cmd}ed).")
    elif cmd == "delete":
        accounts.delete(store, args.account, reason=args.reason, actor=actor)
        print(f"Đã xóa tài khoản số {args.account}; nhật ký và số liệu sử dụng được giữ lại "
              f"(account deleted; audit log and usage counts kept).")
    elif cmd == "audit":
        rows = accounts.audit_log(store, account_id=args.account, limit=args.limit)
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=1))
        else:
            for r in rows:
                r["detail"] = json.dumps(r["detail"], ensure_ascii=False)
            _print_table(rows, ["id", "at", "actor", "action", "account_id", "feedback_id", "detail"])
    elif cmd in ("usage", "lookups"):
        if cmd == "usage":
            rows = usage.report(store, year=args.year, month=args.month, by_account=args.by_account)
            columns = ["month", "dataset", *(["account_id"] if args.by_account else []), "requests", "rows_returned",
                       "accounts"]
        else:
            rows = lookup_records.report(store, year=args.year, month=args.month)
            columns = ["day", "channel", "command", "dataset", "answered", "lookups"]
        out = open(args.out, "w", encoding="utf-8", newline="") if args.out else sys.stdout
        try:
            if args.format == "csv":
                writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
            elif args.format == "json":
                out.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
            else:
                _print_table(rows, columns)
        finally:
            if args.out:
                out.close()
    elif cmd == "stats":
        _stats(args, store)
    elif cmd == "feedback":
        return _feedback(args, store, settings, actor)
    elif cmd == "backup":
        counts = store.backup(Path(args.file))
        print(f"Đã sao lưu vào {args.file} (backed up): " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    elif cmd == "restore":
        counts = store.restore(Path(args.file), replace=args.replace)
        with store.tx() as tx:
            accounts.audit(tx, actor, "restore", file=Path(args.file).name, **counts)
        print(f"Đã khôi phục từ {args.file} (restored): " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    return 0


def _stats(args: argparse.Namespace, store: Store) -> None:
    from .stats import yearly

    data = yearly(store, args.year)
    if args.format == "json":
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    else:
        na = "không có số liệu (not available)"
        lk = data["lookups"]
        text = (f"Năm {data['year']} (year)\n"
                f"  Tài khoản API (accounts): {data['accounts']['total']}, mới (new) {data['accounts']['new']}\n"
                f"  Truy vấn có khóa (keyed queries): {data['queries']['requests']}\n"
                f"  Góp ý nhận / đã trả lời (feedback received / answered): {data['feedback']['received']} / "
                f"{data['feedback']['answered']}\n"
                f"  Tra cứu SMS / Zalo (look-ups): {na if lk['sms'] is None else lk['sms']} / "
                f"{na if lk['zalo'] is None else lk['zalo']}\n")
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _feedback(args: argparse.Namespace, store: Store, settings: Settings, actor: str) -> int:
    action = args.action
    if action == "list":
        rows = feedback.listing(store, dataset=args.dataset, status=args.status)
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=1))
        else:
            for r in rows:
                r["message"] = " ".join(r["message"].split())
            _print_table(rows, ["id", "created", "dataset", "category", "status", "public", "contact", "message"])
        return 0
    if action == "answer":
        item = feedback.update(store, args.id, actor=actor, answer=args.text, status=args.status)
    elif action == "status":
        item = feedback.update(store, args.id, actor=actor, status=args.status)
    elif action in ("hide", "show"):
        item = feedback.update(store, args.id, actor=actor, public=action == "show")
    else:
        item = feedback.open_issue(store, args.id, api=settings.github_api, token=settings.github_token,
                                   repo=settings.github_repo, actor=actor)
        print(f"Issue: {item['github_issue']}")
        return 0
    print(f"Góp ý số {item['id']}: {feedback.STATUSES[item['status']][0]} "
          f"(feedback {item['id']}: {item['status']}{'' if item['public'] else ', hidden'}).")
    return 0


def shown_url(url: str) -> str:
    """The store's URL without its password, to print."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme}{sep}{rest.rsplit('@', 1)[-1]}" if sep else url


def _sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///"):])
    return Path(url) if "://" not in url else None


def main(argv: Sequence[str] | None = None, default_url: str | None = None) -> int:
    """`default_url`: the store used without --database-url or DATABASE_URL (`opendata keys` passes the one
    `opendata serve` uses); else the function's own default."""
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse: --help is 0, a usage error 2
        return int(exc.code or 0)
    settings = Settings.from_env()
    if args.database_url:
        url, origin = args.database_url, "--database-url"
    elif os.environ.get("DATABASE_URL"):
        url, origin = os.environ["DATABASE_URL"], "DATABASE_URL"
    elif default_url:
        url, origin = default_url, "kho của opendata serve / opendata serve's store"
    else:
        url, origin = settings.database_url, "mặc định / default"
    actor = "cli:" + (args.actor or os.environ.get("SUDO_USER") or _login())
    print(f"Kho dữ liệu (store): {shown_url(url)} [{origin}]", file=sys.stderr)
    path = _sqlite_path(url)
    if path is not None and str(path) != ":memory:" and not path.is_file() and args.command != "restore":
        # Opening would create an empty store and answer "none": the operator would think it empty.
        print(f"LỖI/ERROR {path}: không có kho dữ liệu ở đây; không tạo kho mới.\n"
              f"  (no store at {path}; none was created.)\n"
              "  Cách sửa: chỉ đúng kho của hàm API bằng --database-url (giá trị DATABASE_URL của hàm), hoặc chạy "
              "“opendata serve” một lần để tạo kho cục bộ.\n"
              "  (Fix: point at the function's store with --database-url (the function's DATABASE_URL), or run "
              "“opendata serve” once to create the local store.)", file=sys.stderr)
        return 1
    try:
        store = Store(url)
    except Exception as exc:
        print(f"LỖI/ERROR: không mở được kho dữ liệu {shown_url(url)} (cannot open the store): {exc}",
              file=sys.stderr)
        return 1
    try:
        return run(args, store, settings, actor)
    except ApiError as exc:
        print(f"LỖI/ERROR: {exc.vi}\n  ({exc.en})", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"LỖI/ERROR: {exc}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:  # a damaged store file
        print(f"LỖI/ERROR {shown_url(url)}: kho dữ liệu bị hỏng hoặc không đọc được ({exc}).\n"
              f"  (the store is damaged or unreadable: {exc}.)\n"
              "  Cách sửa: khôi phục từ bản sao lưu gần nhất: opendata keys restore BẢN-SAO-LƯU.json vào kho mới.\n"
              "  (Fix: restore the latest backup into a new store with opendata keys restore BACKUP.json.)",
              file=sys.stderr)
        return 1
    finally:
        store.close()


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"


if __name__ == "__main__":
    sys.exit(main())
