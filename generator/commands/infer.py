"""`opendata infer FILE [--sheet S] [--format yaml|json]`: a draft Table Schema of a table, so agencies
never write one from scratch (the drafting itself is `generator.tables.infer`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HELP = "soạn đặc tả Table Schema cho một bảng (draft a Table Schema)"
OWN_ARGUMENTS = True  # parsed here, options first included


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("rest", nargs=argparse.REMAINDER)


def run(args: argparse.Namespace) -> int:
    from generator.tables.infer import FORMATS, InferError, infer_table, to_yaml

    argv = args.rest
    parser = argparse.ArgumentParser(
        prog="opendata infer",
        description="Soạn nháp Table Schema từ một bảng (csv, xls, xlsx) / draft a Table Schema from a table.")
    parser.add_argument("file", type=Path)
    parser.add_argument("--sheet", help="trang tính / the sheet (default: the first)")
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml", dest="output")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on a usage error, 0 on --help
        return int(exc.code or 0)
    fmt = args.file.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        print(f"Lỗi: “{args.file}” không phải bảng csv, xls hoặc xlsx.\n"
              f"Error: “{args.file}” is not a csv, xls or xlsx table.", file=sys.stderr)
        return 2
    try:
        schema, header = infer_table(args.file, fmt, args.sheet, 100_000)
    except InferError as exc:
        print(f"Lỗi: không đọc được bảng “{args.file}”: {exc.vi}.\nError: cannot read the table “{args.file}”: {exc.en}.",
              file=sys.stderr)
        return 1
    if args.output == "json":
        print(json.dumps(schema, ensure_ascii=False, indent=2))
        return 0
    renamed = [(h, f["name"]) for h, f in zip(header, schema["fields"]) if h != f["name"]]
    print(f"# Bản nháp đặc tả bảng “{args.file.name}”: dán dưới “schema:” trong datapackage.yaml, rồi kiểm tra kiểu, mô tả, đơn vị.")
    print(f"# Draft Table Schema of “{args.file.name}”: paste under “schema:” in datapackage.yaml, then check types, descriptions, units.")
    if renamed:
        print("# Dòng tiêu đề của tệp phải dùng đúng các tên (name) sau / the file's header row must use these names:")
        print("#   " + ",".join(f["name"] for f in schema["fields"]))
    print(to_yaml(schema), end="")
    return 0
