"""Benchmark: time and peak memory of the gate (`opendata validate`) on each hostile input.

    python benchmarks/hostile_gate.py [--limit-seconds 60]

Each case is a copy of the sample portal's catalogue with one dataset, broken one way (a "billion
laughs" of aliases, lists nested thousands deep, a 135 MB description, duplicate keys, control
characters, a symlinked dataset folder, a source URL data.json refuses, a PDF with JavaScript, a zip
bomb, a document that takes too long to parse, a sheet that asks for gigabytes). The
gate runs in its own process per case (wall time and peak memory from os.wait4, killed past
--limit-seconds); the baseline is the same gate on the unbroken copy, measured in the same run. The
goal: every hostile case refused, in time and memory of the order of the baseline.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
DATASET = "data/so-y-te/co-so-kham-chua-benh"


sys.path.insert(0, str(ROOT / "tests"))
from conftest import copy_portal  # noqa: E402 - the tests' copy of the sample portal


def _portal(where: Path) -> Path:
    return copy_portal(where / "portal", [DATASET])


def _descriptor(root: Path) -> Path:
    return root / DATASET / "datapackage.yaml"


def _append(text: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        with _descriptor(root).open("a", encoding="utf-8") as f:
            f.write(text)
    return change


def _laughs(levels: int) -> Callable[[Path], None]:
    lines = ["laughs:", "  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"  {chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]")
    return _append("\n".join(lines) + "\n")


def _huge_description(root: Path) -> None:
    # Written in pieces: a gate's peak memory counts from its parent's at the fork (Linux keeps it across exec).
    path = _descriptor(root)
    head, _, tail = path.read_text(encoding="utf-8").partition("description: |\n")
    with path.open("w", encoding="utf-8") as f:
        f.write(head + "description: |\n  ")
        for _ in range(135):
            f.write("x" * 1_000_000)
        f.write("\n" + tail)


def _duplicate_key(root: Path) -> None:
    path = _descriptor(root)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "title: Tên khác")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _control(root: Path) -> None:
    path = _descriptor(root)
    path.write_text(path.read_text(encoding="utf-8").replace("title: Danh sách", 'title: "\\0\\e[32m✅"\nsubtitle: x', 1),
                    encoding="utf-8")


def _symlink(root: Path) -> None:
    outside = root.parent / "outside"
    shutil.move(str(root / DATASET), outside)
    os.symlink(outside, root / DATASET)


def _document(name: str, fmt: str, make: Callable[[Path], Path]) -> Callable[[Path], None]:
    """A hostile office file added to the dataset as a document resource."""
    def change(root: Path) -> None:
        make(root / DATASET / name)
        _append(f"  - name: {Path(name).stem}\n    path: {name}\n    title: Tài liệu\n    format: {fmt}\n")(root)
    return change


def _zip_bomb(path: Path) -> Path:  # 1 GB of zeros in under 2 MB
    from test_check_files import W, deflate_repeated, docx_shaped
    return docx_shaped(path, deflate_repeated(b'<w:document xmlns:w="' + W + b'"><w:body><w:t>', bytes(1 << 20), 1024,
                                              b"</w:t></w:body></w:document>"))


def _slow_parse(path: Path) -> Path:  # 450 MB of empty paragraphs: stopped by the parse time limit
    from test_check_files import W, deflate_repeated, docx_shaped
    return docx_shaped(path, deflate_repeated(b'<w:document xmlns:w="' + W + b'"><w:body>', b"<w:p/>" * 170_000, 450,
                                              b"</w:body></w:document>"))


def _dense_sheet(path: Path) -> Path:  # 100 x 1,000,000 cells declared: stopped by the child's memory limit
    from test_check_files import dense_workbook
    return dense_workbook(path, "CV1000000")


def _pdf_js(root: Path) -> None:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
    pdf.save(root / DATASET / "gioi-thieu.pdf")
    _append("  - name: gioi-thieu\n    path: gioi-thieu.pdf\n    title: Giới thiệu\n    format: pdf\n")(root)


CASES: list[tuple[str, Callable[[Path], None] | None]] = [
    ("baseline (unbroken)", None),
    ("billion laughs, 10^6 values", _laughs(6)),
    ("billion laughs, 10^9 values", _laughs(9)),
    ("billion laughs, 10^10 values", _laughs(10)),
    ("lists nested 999 deep", _append("deep: " + "[" * 999 + "]" * 999 + "\n")),
    ("lists nested 30,000 deep", _append("deep: " + "[" * 30_000 + "]" * 30_000 + "\n")),
    ("135 MB description", _huge_description),
    ("duplicate key", _duplicate_key),
    ("NUL and ANSI escape in title", _control),
    ("symlinked dataset folder", _symlink),
    ("source URL data.json refuses", _append("sources:\n  - title: x\n    path: https://x.example/a?b=<c>\n")),
    ("PDF with JavaScript on open", _pdf_js),
    ("1 GB zip bomb (docx)", _document("bom.docx", "docx", _zip_bomb)),
    ("450 MB of paragraphs (docx)", _document("cham.docx", "docx", _slow_parse)),
    ("10^8 cells declared (xlsx)", _document("day-dac.xlsx", "xlsx", _dense_sheet)),
]


def _run(root: Path, limit: float) -> tuple[float, int, int, bool]:
    """Wall seconds, peak RSS (KiB), exit code, killed; the gate in a process of its own."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "validate", "--root", str(root), "--offline"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)
    killed = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - started > limit:
            os.killpg(proc.pid, signal.SIGKILL)
            killed = True
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.02)
    return time.perf_counter() - started, usage.ru_maxrss, os.waitstatus_to_exitcode(status), killed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit-seconds", type=float, default=60.0, help="kill a gate that runs longer")
    args = ap.parse_args()
    rows = []
    for name, change in CASES:
        with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
            root = _portal(Path(tmp))
            if change:
                change(root)
            seconds, rss, code, killed = _run(root, args.limit_seconds)
        rows.append((name, seconds, rss, code, killed))
    base_s, base_rss = rows[0][1], rows[0][2]
    print(f"{'case':34} {'verdict':10} {'seconds':>8} {'× base':>7} {'peak MB':>8} {'× base':>7}")
    verdicts = []
    for name, seconds, rss, code, killed in rows:
        verdict = "killed" if killed else {0: "valid", 1: "refused"}.get(code, f"exit {code}")
        verdicts.append(verdict)
        print(f"{name:34} {verdict:10} {seconds:8.2f} {seconds / base_s:7.2f} {rss / 1024:8.1f} {rss / base_rss:7.2f}")
    refused = verdicts[1:].count("refused")
    print(f"\n{refused} of {len(rows) - 1} hostile cases refused; baseline {base_s:.2f} s, {base_rss / 1024:.0f} MB "
          "(the same gate on the unbroken portal, this run).")
    bad = verdicts[0] != "valid" or refused != len(rows) - 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
