"""Without ../shared the tests say what is missing and where to put it, test by test, instead of
failing at import or silently collecting nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from conftest import ROOT


def test_a_missing_shared_folder_fails_each_test_that_needs_it_with_the_fix(tmp_path):
    env = {**os.environ, "OPENDATA_SHARED": str(tmp_path / "nowhere"), "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "tests/test_check_encoding.py", "tests/test_check_files.py", "-k", "real_rows or fixture"],
                            cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "error during collection" not in out and "ImportError" not in out
    assert f"shared fixture missing: {tmp_path / 'nowhere'}" in out and "put the shared folder there" in out
    failed = re.search(r"(\d+) failed", out)
    assert failed and int(failed.group(1)) >= 6  # every fixture's test, none skipped or left out


def test_tests_reach_the_shared_folder_only_through_the_helper():
    for path in sorted((ROOT / "tests").rglob("*.py")):
        if path in (ROOT / "tests" / "conftest.py", ROOT / "tests" / "test_shared_fixtures.py"):
            continue
        text = path.read_text(encoding="utf-8")
        assert "SHARED_DIR" not in text and 'parent / "shared"' not in text, path
