"""Vietnamese text helpers: NFC storage, accent folding for search, ASCII slugs."""

from __future__ import annotations

import re
import unicodedata

# đ/Đ have no Unicode decomposition, so NFD alone would leave them in place.
_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """Lower-case, accent-free form used for search: "Đường Hà Nội" -> "duong ha noi"."""
    decomposed = unicodedata.normalize("NFD", value.translate(_EXTRA_FOLDS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def slugify(value: str) -> str:
    """ASCII slug from a Vietnamese title: "Đơn vị hành chính" -> "don-vi-hanh-chinh"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")


def paragraphs(value: str) -> list[str]:
    """Split plain text into paragraphs at blank lines (descriptions are plain text)."""
    return [p.strip() for p in re.split(r"\n\s*\n", value or "") if p.strip()]
