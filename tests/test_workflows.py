"""The pull-request workflow: thin GitHub workflows over CLI commands that are tested here."""

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT, run_cli


def test_workflows_pass_actionlint():
    actionlint = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    files = sorted(str(p) for p in (ROOT / ".github/workflows").glob("*.yml"))
    assert len(files) >= 4
    result = subprocess.run([actionlint, *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_codeowners_is_generated_from_the_catalogue_and_checked(portal):
    assert run_cli("codeowners", "--check").returncode == 0  # the committed file is current
    (portal / ".github").mkdir()
    assert run_cli("codeowners", "--root", str(portal)).returncode == 0
    text = (portal / ".github/CODEOWNERS").read_text(encoding="utf-8")
    agencies = yaml.safe_load((portal / "catalog/agencies.yaml").read_text("utf-8"))
    for a in agencies:
        assert f"/data/{a['id']}/ " + " ".join(f"@{s}" for s in a["submitters"]) in text
    # A new submitter in catalog/ makes the file out of date: CI fails until it is regenerated.
    agencies[0]["submitters"].append("nguoi-moi")
    (portal / "catalog/agencies.yaml").write_text(yaml.safe_dump(agencies, allow_unicode=True), encoding="utf-8")
    stale = run_cli("codeowners", "--root", str(portal), "--check")
    assert stale.returncode == 1 and "out of date" in stale.stdout


def test_the_pull_request_commands_accept_a_good_submission_and_refuse_bad_ones(portal):
    """The commands validate.yml runs, on pull requests made with git in a temporary repository."""
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(git + ["init", "-q", "-b", "main"], cwd=portal, check=True)
    subprocess.run(git + ["add", "-A"], cwd=portal, check=True)
    subprocess.run(git + ["commit", "-qm", "base"], cwd=portal, check=True)
    agencies = {a["id"]: a for a in yaml.safe_load((portal / "catalog/agencies.yaml").read_text("utf-8"))}

    def pull_request(branch, change, author):
        subprocess.run(git + ["checkout", "-q", "-b", branch, "main"], cwd=portal, check=True)
        change()
        subprocess.run(git + ["add", "-A"], cwd=portal, check=True)
        subprocess.run(git + ["commit", "-qm", branch], cwd=portal, check=True)
        result = run_cli("validate", "--root", str(portal), "--offline", "--changed-since", "main",
                         "--author", author, "--format", "markdown")
        subprocess.run(git + ["checkout", "-q", "main"], cwd=portal, check=True)
        return result

    folder = sorted((portal / "data/so-gddt").iterdir())[0]
    csv = next(folder.glob("*.csv"))

    def good():
        lines = csv.read_text("utf-8").splitlines()
        csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
        (folder / "datapackage.yaml").write_text(
            (folder / "datapackage.yaml").read_text("utf-8").replace("keywords:", "keywords:\n- cập nhật", 1), encoding="utf-8")

    ok = pull_request("good", good, agencies["so-gddt"]["submitters"][0])
    assert ok.returncode == 0, ok.stdout
    assert "Hợp lệ" in ok.stdout.splitlines()[3]

    wrong = pull_request("wrong-agency", good, agencies["so-y-te"]["submitters"][0])
    assert wrong.returncode == 1
    assert "may not submit for agency" in wrong.stdout

    def bad_file():
        csv.write_bytes(b"<html><body>not a table</body></html>\x00")

    bad = pull_request("bad-file", bad_file, agencies["so-gddt"]["submitters"][0])
    assert bad.returncode == 1
    assert csv.name in bad.stdout and "Không hợp lệ" in bad.stdout


def test_withdraw_takes_a_dataset_off_every_output_and_leaves_a_page_saying_why(portal):
    dataset = "truong-thpt"
    result = run_cli("withdraw", dataset, "--reason", "Lộ số điện thoại <script>x</script>", "--date", "2026-11-20",
                     "--root", str(portal))
    assert result.returncode == 0, result.stderr
    assert run_cli("withdraw", dataset, "--reason", "again", "--root", str(portal)).returncode == 1
    assert run_cli("withdraw", "khong-co", "--reason", "x", "--root", str(portal)).returncode == 1
    out = portal / "site"
    build = run_cli("build", "--root", str(portal), "--out", str(out))
    assert build.returncode == 0, build.stderr
    for rel in ("api/v1/catalog.json", "data.json", "dcat/catalog.ttl", "feed.xml", "search/index.js",
                "api/3/action/package_list"):
        assert dataset not in (out / rel).read_text(encoding="utf-8"), rel
    assert not (out / "datasets" / dataset / "files").exists()
    assert not (out / "api/v1/datasets" / f"{dataset}.json").exists()
    page = (out / "datasets" / dataset / "index.html").read_text(encoding="utf-8")
    assert "đã được rút khỏi cổng" in page and "20/11/2026" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
