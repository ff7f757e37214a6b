"""Zip archives whose bytes depend only on their content and the commit time.

Python's zipfile stamps each entry with the clock and the file's mode; two
builds of one commit must give identical bytes, so every entry here gets the
commit time, mode 0644, the Unix "made by" system and a fixed compression.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

from generator.portal.gitinfo import VN_TZ

ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=VN_TZ)  # the earliest date a zip entry can hold
# Already-compressed formats are stored: deflating them again costs time and gains nothing.
STORED_SUFFIXES = (".xlsx", ".docx", ".zip", ".png", ".jpg", ".jpeg")


def entry_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    when = max(dt.datetime.fromtimestamp(epoch, VN_TZ), ZIP_EPOCH)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)


def info(name: str, epoch: int) -> zipfile.ZipInfo:
    zi = zipfile.ZipInfo(name, date_time=entry_time(epoch))
    zi.compress_type = zipfile.ZIP_STORED if name.lower().endswith(STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
    zi.create_system = 3  # Unix, whatever machine builds
    zi.external_attr = 0o100644 << 16
    return zi


def write(target: Path, entries: list[tuple[str, bytes | Path]], epoch: int) -> None:
    """Write a zip of (name, bytes or file) entries, in the order given, reproducibly."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w") as archive:
        for name, content in entries:
            zi = info(name, epoch)
            if isinstance(content, bytes):
                archive.writestr(zi, content, compresslevel=6)
            else:
                size = content.stat().st_size
                zi.file_size = size
                with content.open("rb") as src, archive.open(zi, "w", force_zip64=size > 2**31 - 1) as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)


class FixedZipFile(zipfile.ZipFile):
    """A ZipFile whose every entry gets the fixed metadata, whoever writes it (openpyxl's ExcelWriter does)."""

    def __init__(self, target: Path, epoch: int):
        super().__init__(target, "w")
        self.epoch = epoch

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # type: ignore[override]
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        super().writestr(info(name, self.epoch), data, compresslevel=6)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[override]
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes())
