"""`opendata withdraw DATASET --reason …` (Article 13.1, incident response).

Records the withdrawal in catalog/withdrawn.yaml (reviewers own catalog/).
At the next build the dataset leaves the site, the search index, the JSON,
DCAT, data.json and CKAN catalogues and the feeds; its page says it was
withdrawn, when and why. Its history stays in git.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from generator.portal.gitinfo import VN_TZ
from generator.portal.yamlfile import parse_yaml

FILE = "catalog/withdrawn.yaml"
HEADER = ("# Bộ dữ liệu đã rút khỏi cổng (Điều 13.1), ghi bằng `opendata withdraw`.\n"
          "# Datasets withdrawn from the portal, recorded by `opendata withdraw`.\n")


class WithdrawRefused(Exception):
    """Why nothing was recorded (Vietnamese with English alongside), and the exit code it deserves."""

    def __init__(self, text: str, exit_code: int = 1):
        super().__init__(text)
        self.exit_code = exit_code


def withdraw(root: Path, dataset_id: str, reason: str, date: str | None = None) -> str:
    """Record the withdrawal in catalog/withdrawn.yaml; return the confirmation to show."""
    reason = " ".join(reason.split())
    if not reason:
        raise WithdrawRefused("LỖI/ERROR: cần nêu lý do rút (--reason) (a reason is required).", 2)
    path = root / FILE
    current = (parse_yaml(path.read_text(encoding="utf-8")) or []) if path.is_file() else []
    if any(isinstance(w, dict) and w.get("id") == dataset_id for w in current):
        raise WithdrawRefused(f"LỖI/ERROR {FILE}: bộ dữ liệu “{dataset_id}” đã được rút trước đó "
                              f"(dataset “{dataset_id}” is already withdrawn).")
    folders = [p for p in (root / "data").glob(f"*/{dataset_id}") if p.is_dir()]
    if not folders:
        raise WithdrawRefused(f"LỖI/ERROR data/*/{dataset_id}: không có bộ dữ liệu này (no such dataset).\n"
                              f"  Cách sửa: dùng mã bộ dữ liệu, tức tên thư mục trong data/<cơ quan>/ "
                              f"(Fix: use the dataset id, the folder name under data/<agency>/).")
    folder = folders[0]
    title = ""
    try:
        descriptor = parse_yaml((folder / "datapackage.yaml").read_text(encoding="utf-8"))
        title = str(descriptor.get("title") or "") if isinstance(descriptor, dict) else ""
    except (OSError, yaml.YAMLError):
        pass  # a broken descriptor may be the very reason for withdrawing
    when = date or dt.datetime.now(VN_TZ).date().isoformat()
    current.append({"id": dataset_id, "agency": folder.parent.name, "title": title, "date": when, "reason": reason})
    path.write_text(HEADER + yaml.safe_dump(current, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return (f"Đã ghi rút bộ dữ liệu “{dataset_id}” vào {FILE}; bản dựng tiếp theo sẽ gỡ nó khỏi cổng.\n"
            f"(Recorded the withdrawal of “{dataset_id}” in {FILE}; the next build takes it off the site.)")
