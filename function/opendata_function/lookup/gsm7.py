"""SMS text: unaccented Vietnamese (đ -> d) in GSM-7's basic character set, one message or a few parts.

One SMS holds 160 GSM-7 characters; a concatenated message holds 153 per part (the rest carries the
header). The basic set's characters count one; the extension table's (e.g. [ ] { } ~ ^ | € \\) would
count two, so they are replaced, like every character outside the basic set.
"""

from __future__ import annotations

from ..datastore import fold

SINGLE = 160
PART = 153
# The GSM 03.38 basic character set (no extension table).
BASIC = frozenset("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
                  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
_SWAP = {"–": "-", "—": "-", "“": '"', "”": '"', "‘": "'", "’": "'", "…": "...", "·": "-", "•": "-",
         "[": "(", "]": ")", "{": "(", "}": ")", "~": "-", "^": "", "|": "/", "\\": "/", "€": "EUR", "\t": " "}


def plain(text: str) -> str:
    """Vietnamese text as GSM-7 basic characters: accents dropped (case kept), punctuation swapped."""
    out = []
    for ch in text:
        if ch in BASIC and ch not in "èéùìòÇØøÅåÄÖÑÜäöñüàÉ":
            out.append(ch)
            continue
        if ch in _SWAP:
            out.append(_SWAP[ch])
            continue
        folded = fold(ch)
        if folded and all(c in BASIC for c in folded):
            out.append(folded.upper() if ch.isupper() else folded)
        # anything else (CJK, emoji, controls) is left out
    return "".join(out)


def limit(parts: int) -> int:
    """Characters that fit in at most `parts` messages."""
    return SINGLE if parts <= 1 else PART * parts


def shorten(text: str, room: int) -> str:
    """`text` within `room` characters, cut at a word boundary with "..." (never mid-word)."""
    text = " ".join(text.split())
    if len(text) <= room:
        return text
    if room <= 3:
        return ""
    cut = text.rfind(" ", 0, room - 2)
    return (text[:cut] if cut > 0 else "").rstrip(",.;:-/ ") + "..."


def fit(lines: list[str], parts: int, keep_last: int = 0) -> str:
    """Lines as one SMS text within `parts` messages: lines dropped from the end of the body first
    (the last `keep_last` lines, e.g. how to ask more, stay); the first line, if too long alone, is
    shortened at a word boundary; a later line that does not fit is left out whole."""
    room = limit(parts)
    body, tail = [plain(x) for x in lines[:len(lines) - keep_last]], [plain(x) for x in lines[len(lines) - keep_last:]]
    tail_text = "\n".join(tail)
    out: list[str] = []
    for line in body:
        used = len("\n".join(out + [tail_text] if tail_text else out))
        left = room - used - (1 if out or tail_text else 0)
        if left <= 3:
            break
        short = shorten(line, left)
        if out and short != " ".join(line.split()):
            break
        if short:
            out.append(short)
        if short != " ".join(line.split()):
            break
    text = "\n".join(out + ([tail_text] if tail_text else []))
    return text if len(text) <= room else shorten(text, room)


def segments(text: str) -> list[str]:
    """The parts a gateway sends `text` as (for tests and for gateways that want them split)."""
    if len(text) <= SINGLE:
        return [text]
    return [text[i:i + PART] for i in range(0, len(text), PART)]
