"""Benchmark: a million-row CSV through the table preview's chunking.

    python benchmarks/table_chunks.py [--rows 1000000]

Writes the CSV (codes with leading zeros, Vietnamese names, numbers), runs
generator/publish/discovery/table_chunks.py on it and prints the number of chunk and
order files, the largest chunk, the total size and the time taken.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.publish.discovery import table_chunks  # noqa: E402

DISTRICTS = ["Thành phố Vĩnh Yên", "Thành phố Phúc Yên", "Huyện Bình Xuyên", "Huyện Lập Thạch", "Huyện Sông Lô",
             "Huyện Tam Dương", "Huyện Tam Đảo", "Huyện Vĩnh Tường", "Huyện Yên Lạc"]
SCHEMA = {"fields": [{"name": "ma", "type": "string"}, {"name": "ten", "type": "string"},
                     {"name": "huyen", "type": "string"}, {"name": "so_luong", "type": "integer"},
                     {"name": "dien_thoai", "type": "string"}]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="opendata-chunks-") as tmp:
        source = Path(tmp) / "bang.csv"
        with source.open("w", encoding="utf-8") as fh:
            fh.write("ma,ten,huyen,so_luong,dien_thoai\n")
            for i in range(args.rows):
                fh.write(f"{i:07d},Hộ kinh doanh số {i + 1},{DISTRICTS[i % 9]},{(i * 7919) % 100_003},0211{i % 10**7:07d}\n")
        started = time.perf_counter()
        header, rows = table_chunks.read_table(source, "csv", None)
        read = time.perf_counter() - started
        info = table_chunks.write_table(header, rows, SCHEMA, Path(tmp) / "preview")
        total = time.perf_counter() - started
        files = list((Path(tmp) / "preview").iterdir())
        chunks = [p for p in files if p.stem.isdigit()]
        orders = [p for p in files if p.name.startswith("o")]
        meta = json.loads((Path(tmp) / "preview/meta.json").read_text("utf-8"))
        print(f"rows: {info.rows:,}  csv: {source.stat().st_size / 1e6:.1f} MB  read {read:.1f} s, read + chunks {total:.1f} s")
        print(f"row chunks: {len(chunks)} (largest {max(p.stat().st_size for p in chunks) / 1e3:.0f} KB, "
              f"{table_chunks.CHUNK} rows each)  order files: {len(orders)} "
              f"(largest {max(p.stat().st_size for p in orders) / 1e3:.0f} KB)")
        print(f"all preview files: {sum(p.stat().st_size for p in files) / 1e6:.0f} MB; a page of 50 rows needs "
              f"one ~{max(p.stat().st_size for p in chunks) / 1e3:.0f} KB chunk; meta says {meta['chunks']} chunks")
        assert meta["rows"] == args.rows and rows[7][0] == "0000007"


if __name__ == "__main__":
    main()
