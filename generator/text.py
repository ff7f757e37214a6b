"""Vietnamese text helpers: NFC storage, accent folding for search, ASCII slugs."""

from __future__ import annotations

import re
import unicodedata

# đ/Đ have no Unicode decomposition, so NFD alone would leave them in place.
_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "D"})


# Characters never shown or published as they are: C0/C1 controls, lone surrogates, the two XML
# non-characters, and the bidirectional overrides that reorder what a reader sees.
_BIDI = frozenset((*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def hidden(ch: str) -> bool:
    """True for a character that breaks XML or a terminal, or hides what text says (tab and newline too)."""
    code = ord(ch)
    return unicodedata.category(ch) in ("Cc", "Cs") or code in _BIDI or code in (0xFFFE, 0xFFFF)


def visible(value: str) -> str:
    """`value` with every hidden character written as an escape (\\x1b, \\u202e): safe to print."""
    if not any(hidden(ch) for ch in value):
        return value
    return "".join((f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}") if hidden(ch) else ch
                   for ch in value)


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """Lower-case, accent-free form used for search: "Đường Hà Nội" -> "duong ha noi"."""
    return unaccented(value).casefold()


def unaccented(value: str) -> str:
    """The text without its accents, case kept: "Tam Đảo" -> "Tam Dao" (names in English text)."""
    decomposed = unicodedata.normalize("NFD", value.translate(_EXTRA_FOLDS))
    # The marks to drop, among the few distinct characters: one translate instead of a loop per character
    # (the unit lists fold 28,000 names at once).
    marks = {ord(ch): None for ch in set(decomposed) if unicodedata.combining(ch)}
    return decomposed.translate(marks) if marks else decomposed


def slugify(value: str) -> str:
    """ASCII slug from a Vietnamese title: "Đơn vị hành chính" -> "don-vi-hanh-chinh"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")


def paragraphs(value: str) -> list[str]:
    """Split plain text into paragraphs at blank lines (descriptions are plain text)."""
    return [p.strip() for p in re.split(r"\n\s*\n", value or "") if p.strip()]
