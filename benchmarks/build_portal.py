"""Benchmark: full `opendata build` of a generated portal beside a plain `mkdocs build` of as many pages.

    python benchmarks/build_portal.py --datasets 1000

Both run in the same process tree on the same machine, one after the other;
the machine is noisy, so read the ratio. Goal: the whole build of 1,000
datasets within 30 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DISTRICTS = ["Thành phố Vĩnh Yên", "Thành phố Phúc Yên", "Huyện Bình Xuyên", "Huyện Lập Thạch", "Huyện Sông Lô",
             "Huyện Tam Dương", "Huyện Tam Đảo", "Huyện Vĩnh Tường", "Huyện Yên Lạc"]
SUBJECTS = ["Trường học", "Cơ sở y tế", "Chất lượng không khí", "Doanh nghiệp đăng ký mới", "Dân số", "Đường giao thông",
            "Thu ngân sách", "Chợ truyền thống", "Điểm du lịch", "Nhà văn hóa"]


def run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one command."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def table_rows(i: int, rows: int) -> list[str]:
    lines = ["ma,ten,huyen,so_luong,dien_thoai"]
    for j in range(rows):
        lines.append(f"{i:05d}{j:03d},{SUBJECTS[i % len(SUBJECTS)]} số {j + 1},{DISTRICTS[j % len(DISTRICTS)]},"
                     f"{(i * 7 + j * 13) % 997},0211{(i * 1000 + j) % 10**7:07d}")
    return lines


def make_portal(target: Path, n: int, rows: int) -> None:
    for name in ("portal.yaml", "agencies.yaml", "topics.yaml", "licences.yaml"):
        (target / "catalog").mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "catalog" / name, target / "catalog" / name)
    shutil.copytree(ROOT / "theme", target / "theme")
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copy(ROOT / ".gitignore", target / ".gitignore")  # as a portal's repository: the built site is not a change
    agencies = [a["id"] for a in yaml.safe_load((ROOT / "catalog/agencies.yaml").read_text("utf-8"))]
    topics = [t["id"] for t in yaml.safe_load((ROOT / "catalog/topics.yaml").read_text("utf-8"))]
    entries = []
    for i in range(n):
        agency = agencies[i % len(agencies)]
        subject = SUBJECTS[i % len(SUBJECTS)]
        district = DISTRICTS[i % len(DISTRICTS)]
        code = f"BM-{i:05d}"
        entries.append({"code": code, "title": f"{subject} {district} ({i})", "agency": agency,
                        "topic": topics[i % len(topics)], "frequency": "annual"})
        folder = target / "data" / agency / f"bo-du-lieu-{i:05d}"
        folder.mkdir(parents=True)
        (folder / "bang.csv").write_text("\n".join(table_rows(i, rows)) + "\n", encoding="utf-8")
        descriptor = {
            "name": folder.name, "title": f"{subject} trên địa bàn {district} năm {2015 + i % 10}",
            "description": f"Danh sách {subject.lower()} tại {district}, tỉnh Vĩnh Phúc. Dữ liệu sinh cho đo hiệu năng.",
            "catalogue": code, "frequency": "annual", "keywords": [subject.lower(), district],
            "licenses": [{"name": "CC-BY-4.0"}], "contact": {"name": "Phòng Dữ liệu", "email": "dulieu@vinhphuc.gov.vn"},
            "resources": [{"name": "bang", "path": "bang.csv", "format": "csv", "schema": {"fields": [
                {"name": "ma", "title": "Mã", "type": "string"}, {"name": "ten", "title": "Tên", "type": "string"},
                {"name": "huyen", "title": "Huyện", "type": "string"},
                {"name": "so_luong", "title": "Số lượng", "type": "integer"},
                {"name": "dien_thoai", "title": "Điện thoại", "type": "string"}]}}],
        }
        (folder / "datapackage.yaml").write_text(yaml.safe_dump(descriptor, allow_unicode=True), encoding="utf-8")
    (target / "catalog/catalogue.yaml").write_text(
        yaml.safe_dump({"reviewed": "2026-06-30", "entries": entries}, allow_unicode=True), encoding="utf-8")
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run(git + ["init", "-q"], cwd=target, check=True)
    subprocess.run(git + ["add", "-A"], cwd=target, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "benchmark portal"], cwd=target, check=True)


def pages_published(site: Path) -> int:
    """The HTML pages MkDocs wrapped in a built portal: every index.html and 404.html, less the redirects."""
    return sum(1 for page in site.rglob("*.html")
               if page.name in ("index.html", "404.html") and b'http-equiv="refresh"' not in page.read_bytes()[:2048])


def make_plain_mkdocs(target: Path, pages: int, rows: int) -> None:
    """The baseline: a plain MkDocs + material project with as many pages, same theme, explicit nav."""
    docs = target / "docs"
    (docs / "datasets").mkdir(parents=True)
    (docs / "index.md").write_text("# Trang chủ\n\nCổng dữ liệu mở.\n", encoding="utf-8")
    for i in range(pages):
        lines = table_rows(i, min(rows, 10))
        table = ["| " + " | ".join(lines[0].split(",")) + " |", "|" + "---|" * 5]
        table += ["| " + " | ".join(line.split(",")) + " |" for line in lines[1:]]
        (docs / "datasets" / f"bo-du-lieu-{i:05d}.md").write_text(
            f"# {SUBJECTS[i % len(SUBJECTS)]} {i}\n\nMô tả bộ dữ liệu.\n\n" + "\n".join(table) + "\n", encoding="utf-8")
    (target / "mkdocs.yml").write_text(yaml.safe_dump({
        "site_name": "Plain MkDocs", "site_url": "https://example.invalid/",
        "theme": {"name": "material", "language": "vi", "font": False}, "plugins": [],
        "nav": [{"Trang chủ": "index.md"}], "validation": {"omitted_files": "ignore"},
    }, allow_unicode=True), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--datasets", type=int, default=1000)
    ap.add_argument("--rows", type=int, default=50, help="rows per generated CSV")
    args = ap.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="opendata-bench-") as tmp:
        tmp = Path(tmp)
        make_portal(tmp / "portal", args.datasets, args.rows)
        ours, ours_mb = run([str(bin_dir / "opendata"), "build"], tmp / "portal")
        files = sum(1 for p in (tmp / "portal/site").rglob("*") if p.is_file())
        pages = pages_published(tmp / "portal/site")  # as many pages as the portal's build wraps in MkDocs
        make_plain_mkdocs(tmp / "plain", pages, args.rows)
        plain, plain_mb = run([str(bin_dir / "mkdocs"), "build", "-q"], tmp / "plain")
        verify, _ = run([str(bin_dir / "opendata"), "verify", "site"], tmp / "portal")
    print(f"datasets: {args.datasets}  pages: ~{pages}  files published: {files}")
    print(f"{'':28}{'seconds':>10}{'peak MB':>10}")
    print(f"{'opendata build (full)':28}{ours:10.2f}{ours_mb:10.0f}")
    print(f"{'plain mkdocs build':28}{plain:10.2f}{plain_mb:10.0f}")
    print(f"{'opendata verify':28}{verify:10.2f}")
    print(f"ratio opendata/plain mkdocs: {ours / plain:.2f}x   goal: full build <= 30 s "
          f"({'met' if ours <= 30 else 'NOT met'})")


if __name__ == "__main__":
    main()
