"""The store: transactions, state across restarts, backup and restore (also from SQLite to PostgreSQL)."""

from __future__ import annotations

import json

import pytest

from opendata_function import accounts, usage
from opendata_function.store import Store, StoreError

from .conftest import pg_url, registration
from .test_operator import cli

ROWS = "/v1/datasets/co-so-y-te/co-so"


def counts(store: Store) -> dict[str, int]:
    with store.tx() as tx:
        return {t: tx.one(f"SELECT COUNT(*) AS n FROM {t}")["n"] for t in ("accounts", "audit", "feedback",
                                                                           "key_usage")}


def test_a_failed_request_writes_nothing_half_way(api, monkeypatch):
    def broken_audit(*args, **kwargs):
        raise RuntimeError("disk full while writing the audit entry")

    monkeypatch.setattr(accounts, "audit", broken_audit)
    r = api.post("/v1/register", json=registration())
    assert r.status_code == 500
    assert r.json()["error"]["code"] == "server-error" and r.json()["error"]["vi"]
    assert counts(api.store) == {"accounts": 0, "audit": 0, "feedback": 0, "key_usage": 0}
    monkeypatch.undo()
    assert api.post("/v1/register", json=registration()).status_code == 201  # the email was not taken half-way


def test_a_failed_usage_flush_keeps_the_counts(api, monkeypatch):
    key = api.register()
    api.get(ROWS, key)
    real_tx = api.store.tx

    def failing_tx():
        raise OSError("database unreachable")

    monkeypatch.setattr(api.store, "tx", failing_tx)
    with pytest.raises(OSError):
        api.fn.usage.flush(api.store)
    monkeypatch.setattr(api.store, "tx", real_tx)
    api.get(ROWS, key)
    api.fn.usage.flush(api.store)
    assert [r["requests"] for r in usage.report(api.store)] == [2]  # counted once each, none lost


def test_state_survives_a_restart(make_api, store):
    first = make_api(own_store=Store(store.url))
    key = first.register()
    first.get(ROWS, key)
    first.post("/v1/feedback", json={"dataset": "dan-so", "category": "format", "message": "Xin thêm bản CSV."})
    first.stop()
    first.store.close()
    # A new process with its own connection: same accounts, same feedback, the usage written on shutdown.
    second = make_api(own_store=Store(store.url))
    assert second.get(ROWS, key).status_code == 200
    assert second.get("/v1/feedback/dan-so").json()["count"] == 1
    assert [u["requests"] for u in usage.report(store)] == [1]


def test_backup_and_restore_round_trip(api, store, tmp_path, capsys):
    key = api.register()
    api.get(ROWS, key)
    api.fn.usage.flush(store)
    api.post("/v1/feedback", json={"dataset": "dan-so", "category": "format", "message": "Xin thêm bản CSV."})
    before = counts(store)
    backup = tmp_path / "function-backup.json"
    assert cli(store, capsys, "backup", str(backup))[0] == 0
    assert json.loads(backup.read_text(encoding="utf-8"))["format"] == "opendata-function-backup"

    code, _, err = cli(store, capsys, "restore", str(backup))
    assert code == 1 and "--replace" in err  # never overwrites by accident
    with store.tx() as tx:
        store.clear(tx)
    assert cli(store, capsys, "restore", str(backup))[0] == 0
    after = counts(store)
    assert after == {**before, "audit": before["audit"] + 1}  # plus the restore's own audit entry
    api.fn.forget_keys()
    assert api.get(ROWS, key).status_code == 200  # the same key works after a restore
    # New rows continue after the restored ids.
    assert api.register("moi@example.vn") and counts(store)["accounts"] == 2


def test_restore_moves_a_sqlite_store_to_postgresql(tmp_path):
    source = Store(f"sqlite:///{tmp_path / 'old.db'}")
    account, key = accounts.register(source, registration())
    source.backup(tmp_path / "b.json")
    target = Store(pg_url())
    with target.tx() as tx:
        target.clear(tx)
    target.restore(tmp_path / "b.json")
    assert accounts.listing(target)[0]["email"] == "nguoidung@example.vn"
    again, _ = accounts.register(target, registration("khac@example.vn"))
    assert again["id"] == account["id"] + 1
    source.close()
    target.close()


def test_restore_rejects_files_that_are_not_backups(store, tmp_path):
    bad = tmp_path / "bad.json"
    for content in ("not json", json.dumps({"format": "other"}),
                    json.dumps({"format": "opendata-function-backup", "tables": {"accounts": [
                        {"id": 1, "email); DROP TABLE audit; --": "x"}]}})):
        bad.write_text(content, encoding="utf-8")
        with pytest.raises(StoreError):
            store.restore(bad)
    assert counts(store)["audit"] == 0  # and the tables are still there


def test_unsupported_database_url_is_refused():
    with pytest.raises(StoreError, match="mysql"):
        Store("mysql://x@y/z")


def test_backup_is_readable_by_the_operator_only(api, store, tmp_path, capsys):
    import os
    import stat

    api.register()
    backup = tmp_path / "sao-luu.json"
    previous = os.umask(0o022)
    try:
        assert cli(store, capsys, "backup", str(backup))[0] == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def _damaged(kind: str, good: dict, path) -> None:
    if kind == "truncated":
        text = json.dumps(good)
        path.write_text(text[: len(text) // 2], encoding="utf-8")
        return
    if kind == "sqlite-file":
        import sqlite3

        sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
        return
    doc = json.loads(json.dumps(good))
    row = doc["tables"]["accounts"][0]
    if kind == "duplicate-row":
        doc["tables"]["accounts"].append(dict(row))
    elif kind == "null-in-required":
        row["email"] = None
    elif kind == "object-value":
        row["full_name"] = {"a": 1}
    elif kind == "huge-number":
        row["rate_limit"] = 10 ** 40
    path.write_text(json.dumps(doc), encoding="utf-8")


@pytest.mark.parametrize("kind", ["truncated", "sqlite-file", "duplicate-row", "null-in-required", "object-value",
                                  "huge-number"])
def test_restore_of_a_damaged_backup_is_an_error_and_restores_nothing(api, store, tmp_path, capsys, kind):
    api.register()
    good = tmp_path / "good.json"
    store.backup(good)
    with store.tx() as tx:
        store.clear(tx)
    bad = tmp_path / "bad.json"
    _damaged(kind, json.loads(good.read_text(encoding="utf-8")), bad)
    code, _, err = cli(store, capsys, "restore", str(bad))
    assert code == 1 and "Traceback" not in err
    assert "LỖI/ERROR" in err and "bad.json" in err
    assert all(n == 0 for n in counts(store).values())


def test_keys_without_a_store_creates_none_and_names_the_store(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    run = lambda *args: subprocess.run([sys.executable, "-m", "generator", "keys", *args], cwd=tmp_path, env=env,
                                       capture_output=True, text=True)
    listed = run("list")
    assert listed.returncode == 1 and "none" not in listed.stdout
    assert "local/function.db" in listed.stderr and "Cách sửa" in listed.stderr
    assert list(tmp_path.iterdir()) == []  # nothing created, anywhere
    store = Store(f"sqlite:///{tmp_path / 'local' / 'function.db'}")  # the store `opendata serve` uses
    accounts.register(store, registration())
    store.close()
    listed = run("list")
    assert listed.returncode == 0 and "nguoidung@example.vn" in listed.stdout
    assert str(tmp_path / "local" / "function.db") in listed.stderr
