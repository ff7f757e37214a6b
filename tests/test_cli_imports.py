"""A verb pays only for its own imports: `opendata validate` does not load the server, MkDocs or the other verbs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
from generator.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("generator.commands.", "http.server", "mkdocs")))))
"""


def _loaded(*argv: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_verb_imports_only_its_own_module():
    assert _loaded("validate", "--help") == ["generator.commands.validate"]
    assert _loaded("units", "--help") == ["generator.commands.units"]


def test_the_help_still_lists_every_verb():
    out = subprocess.run([sys.executable, "-m", "generator", "--help"], cwd=ROOT, capture_output=True, text=True)
    for name in ("build", "serve", "validate", "infer", "codeowners", "report", "keys", "new", "withdraw", "verify",
                 "units"):
        assert name in out.stdout
