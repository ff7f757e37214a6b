"""`opendata validate`: the gate as an agency and a reviewer meet it."""

import json
import subprocess
import threading
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from conftest import run_cli

from generator.gate import api
from generator.problems import Problems
from generator.portal.model import Dataset, Resource

GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid"]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(GIT + list(args), cwd=repo, check=True, capture_output=True, text=True).stdout


def _descriptor(portal: Path, agency: str) -> Path:
    return sorted(portal.glob(f"data/{agency}/*/datapackage.yaml"))[0]


def _edit(path: Path, **changes) -> None:
    data = yaml.safe_load(path.read_text("utf-8"))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def repo(portal):
    """The sample portal in its own git repository, with `main` as the base of a pull request."""
    _git(portal, "init", "-q", "-b", "main")
    _git(portal, "add", "-A")
    _git(portal, "commit", "-q", "-m", "base")
    _git(portal, "checkout", "-q", "-b", "pr")
    return portal


def _validate(portal: Path, *args: str):
    return run_cli("validate", "--root", str(portal), "--offline", *args)


def test_sample_portal_passes_the_gate(portal):
    result = _validate(portal, "--format", "json")
    assert result.returncode == 0, result.stdout[-3000:]
    report = json.loads(result.stdout)
    assert report["valid"] is True
    assert report["stats"]["datasets"] >= 12 and report["stats"]["tables"] >= 12
    # The API resource cannot be checked offline: said, not passed silently.
    skipped = [w for t in report["tasks"] for w in t["warnings"] if w["type"] == "api-check-skipped"]
    assert skipped and "NOT mean the API is valid" in skipped[0]["message_en"]


def test_missing_required_metadata_is_named(portal):
    d = _descriptor(portal, "so-y-te")
    _edit(d, description=None, keywords=None, contact=None)
    result = _validate(portal)
    assert result.returncode == 1
    for key in ("description", "keywords", "contact"):
        assert f"“{key}”" in result.stdout
    assert str(d.relative_to(portal)) in result.stdout


def test_frictionless_verdict_on_the_data_package(portal):
    d = _descriptor(portal, "so-y-te")
    _edit(d, homepage=5)  # the Data Package standard wants a URL string
    result = _validate(portal, "--format", "json")
    assert result.returncode == 1
    errors = [e for t in json.loads(result.stdout)["tasks"] for e in t["errors"]]
    assert any(e["type"] == "package-error" and "homepage" in e["message_en"] for e in errors)


def test_bad_table_schema_is_refused_before_rows_are_read(portal):
    d = _descriptor(portal, "so-gddt")
    data = yaml.safe_load(d.read_text("utf-8"))
    data["resources"][0]["schema"]["fields"][1]["type"] = "integr"
    data["resources"][0]["schema"]["primaryKey"] = ["khong_co_cot_nay"]
    d.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = _validate(portal)
    assert result.returncode == 1
    assert "type “integr”" in result.stdout
    assert "primary key “khong_co_cot_nay”" in result.stdout


def test_submitter_may_change_only_their_agency(repo):
    agencies = yaml.safe_load((repo / "catalog/agencies.yaml").read_text("utf-8"))
    submitter = next(a for a in agencies if a["id"] == "so-y-te")["submitters"][0]
    own = _descriptor(repo, "so-y-te")
    _edit(own, keywords=["y tế", "bệnh viện", "cập nhật"])
    good = _validate(repo, "--changed-since", "main", "--author", submitter, "--format", "json")
    assert good.returncode == 0, good.stdout[-2000:]
    assert json.loads(good.stdout)["stats"]["datasets"] == 1  # a pull request costs what it changes

    other = _descriptor(repo, "so-gddt")
    _edit(other, keywords=["sửa", "trái", "phép"])
    bad = _validate(repo, "--changed-since", "main", "--author", submitter)
    assert bad.returncode == 1
    assert f"account “{submitter}” may not submit for agency “so-gddt”" in bad.stdout
    assert str(other.relative_to(repo)) in bad.stdout


def test_granting_yourself_rights_in_the_same_pull_request_does_not_work(repo):
    path = repo / "catalog/agencies.yaml"
    agencies = yaml.safe_load(path.read_text("utf-8"))
    for a in agencies:
        if a["id"] == "so-gddt":
            a["submitters"].append("ke-gian")
    path.write_text(yaml.safe_dump(agencies, allow_unicode=True), encoding="utf-8")
    _edit(_descriptor(repo, "so-gddt"), keywords=["x", "y"])
    _git(repo, "commit", "-qam", "pr")
    result = _validate(repo, "--changed-since", "main", "--author", "ke-gian")
    assert result.returncode == 1
    assert "only reviewers may change “catalog/agencies.yaml”" in result.stdout
    assert "may not submit for agency “so-gddt”" in result.stdout


def test_only_a_reviewer_records_a_personal_data_decision(repo):
    agencies = yaml.safe_load((repo / "catalog/agencies.yaml").read_text("utf-8"))
    submitter = next(a for a in agencies if a["id"] == "so-y-te")["submitters"][0]
    own = _descriptor(repo, "so-y-te")
    _edit(own, personal_data={"reviewer": submitter, "decision": "publish", "date": "2026-11-01"})
    result = _validate(repo, "--changed-since", "main", "--author", submitter)
    assert result.returncode == 1
    assert "only reviewers may record a personal-data decision" in result.stdout


def test_reviewer_may_change_the_catalogue(repo):
    reviewer = yaml.safe_load((repo / "catalog/portal.yaml").read_text("utf-8"))["reviewers"][0]
    path = repo / "catalog/catalogue.yaml"
    path.write_text(path.read_text("utf-8").replace("reviewed: ", "reviewed: ", 1), encoding="utf-8")
    _edit(_descriptor(repo, "so-gddt"), keywords=["trường học", "THPT"])
    assert _validate(repo, "--changed-since", "main", "--author", reviewer).returncode == 0


def test_usage_errors_exit_2(repo):
    assert _validate(repo, "--author", "someone").returncode == 2
    assert _validate(repo, "--changed-since", "khong-co-nhanh-nay").returncode == 2
    assert _validate(repo, "--format", "xml").returncode == 2


def test_markdown_report_puts_the_verdict_first_and_keeps_markup_as_text(portal):
    d = _descriptor(portal, "so-y-te")
    _edit(d, catalogue="<script>alert(1)</script>")
    result = _validate(portal, "--format", "markdown")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "<!-- opendata-validate-report -->"
    assert "Không hợp lệ" in "\n".join(lines[:4])
    assert "<script>" not in result.stdout and "&lt;script&gt;" in result.stdout
    assert "Cách sửa (how to fix)" in result.stdout


class _Api(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        body = b'{"ok": true}' if self.path == "/json" else b"<html></html>"
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if self.path == "/json" else "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def api_server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _api_resource(url: str) -> tuple[Dataset, Resource]:
    resource = Resource(name="api", title="API", description="", format="api", path=url,
                        mediatype="application/json", schema=None, sheet=None, descriptor={})
    dataset = Dataset(id="d", agency="a", folder=Path("."), rel_folder="data/a/d", descriptor_file="data/a/d/datapackage.yaml",
                      title="", title_en="", description="", catalogue="", frequency="", keywords=[], licence="",
                      contact={}, resources=[resource], descriptor={})
    return dataset, resource


def test_api_answers_with_the_declared_content_type(api_server):
    problems = Problems()
    assert api.check_api(*_api_resource(f"{api_server}/json"), problems) == "ok"
    assert problems.items == []
    assert api.check_api(*_api_resource(f"{api_server}/html"), problems) == "failed"
    assert "text/html" in problems.errors[0].en


def test_api_check_without_network_is_reported_skipped_not_passed():
    problems = Problems()
    assert api.check_api(*_api_resource("https://khong-ton-tai.invalid/api"), problems) == "skipped"
    assert problems.errors == [] and problems.warnings[0].code == "api-check-skipped"


@pytest.mark.parametrize("variant", ["utf-8", "utf-8-sig", "windows-1258"])
def test_a_large_tables_checks_side_by_side_report_what_one_after_another_does(tmp_path, monkeypatch, variant):
    """A large table is read while its encoding is checked (in a child, or in place) and its personal data
    looked for while its rows are (a thread): the report is the one the checks give one after the other,
    whatever the encoding turns out to be (a legacy file's early reading is thrown away)."""
    from conftest import copy_portal

    from generator.gate import report, run
    from generator.gate.encoding import encode

    root = copy_portal(tmp_path / "portal", ["data/so-gddt/truong-thpt"])
    csv = root / "data/so-gddt/truong-thpt/truong-thpt.csv"
    header, *rows = csv.read_text(encoding="utf-8").splitlines()
    # Mobile numbers (personal data, refused without a reviewer's decision), a type error, a ragged row.
    rows = [",".join([*r.split(",")[:4], f"09123456{i:02d}", *r.split(",")[5:]]) for i, r in enumerate(rows)]
    rows.append(rows[0].replace(",33,", ",mười,", 1))
    rows.append(rows[1] + ",thừa")
    text = "\n".join([header, *rows]) + "\n"
    data = {"utf-8": text.encode("utf-8"), "utf-8-sig": b"\xef\xbb\xbf" + text.encode("utf-8"),
            "windows-1258": encode(text, "windows-1258")}[variant]
    csv.write_bytes(data)

    def checked(together_from: int) -> dict:
        monkeypatch.setattr(run, "TOGETHER_BYTES", together_from)
        found = json.loads(report.to_json(run.validate(root, offline=True)))
        found.pop("stats")
        return found

    alone, together = checked(1 << 60), checked(0)
    assert together == alone
    from generator.build import parallel

    monkeypatch.setattr(parallel, "forking", lambda: False)  # where no child can be made: in place
    assert checked(0) == alone
    codes = {e["type"] for t in alone["tasks"] for e in t["errors"]} | {p.get("code") for p in alone.get("problems") or []}
    assert {"type-error", "personal-data"} <= codes, codes


def test_the_descriptors_checked_in_a_child_report_in_the_order_one_after_another_gives(tmp_path):
    """frictionless' verdicts and the standards' validators run in a child beside the tables' checks: every
    problem is where checking dataset after dataset in one process puts it."""
    from conftest import copy_portal

    from generator.gate import run
    from generator.gate.lookup import check_codes
    from generator.gate.standards import check_standards
    from generator.build.cache import Cache
    from generator.portal.catalog import load_catalog
    from generator.portal.datasets import load_datasets

    folders = ["data/so-gddt/truong-thpt", "data/so-y-te/co-so-kham-chua-benh", "data/cuc-thong-ke/dan-toc-viet-nam"]
    root = copy_portal(tmp_path / "portal", folders)
    for folder in folders[:2]:  # frictionless refuses a homepage that is no URL text; a missing key before it
        path = root / folder / "datapackage.yaml"
        data = yaml.safe_load(path.read_text("utf-8"))
        data["homepage"] = 5
        data.pop("keywords", None)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    csv = root / folders[0] / "truong-thpt.csv"
    csv.write_text(csv.read_text("utf-8").replace(",33,", ",ba mươi ba,", 1), encoding="utf-8")

    report = run.validate(root, offline=True)
    catalog = load_catalog(root)
    expected = run.Problems()
    datasets = load_datasets(root, catalog, expected)
    for d in datasets:
        run.check_dataset(d, catalog, expected, run.Report(), offline=True, cache=Cache(None))
    check_codes(datasets, expected)
    check_standards(catalog, datasets, expected, cache=Cache(None))

    def shown(problems: list) -> list[tuple]:
        return [(p.file, p.code, p.where, p.row, p.vi) for p in problems]

    assert shown(report.problems) == shown(expected.items)
    codes = [p.code for p in report.problems]
    assert codes.count("package-error") == 2 and "type-error" in codes and "missing-metadata" in codes
