"""Encoding detection reads the bytes once: UTF-8 validity, NFC and font text are settled without a second decode,
and say what decoding the whole file says."""

from __future__ import annotations

import codecs
import random
import unicodedata

from generator.gate import encoding


def _decoded_status(data: bytes) -> tuple[bool, bool]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False, False
    return True, unicodedata.is_normalized("NFC", text)


def _second_of_a_pair() -> set[str]:
    """Characters that compose with the character before them (the second of a canonical pair)."""
    out = set()
    for code in range(0x110000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            out.add(chr(int(parts[1], 16)))
    return out


def test_the_characters_taken_as_nfc_without_decoding_are_nfc_whatever_surrounds_them():
    second = _second_of_a_pair()
    safe = [*range(0x0300), *range(0x1E00, 0x1F00), *range(0x2002, 0x2040)]
    for code in safe:
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        assert unicodedata.combining(ch) == 0 and unicodedata.normalize("NFC", ch) == ch and ch not in second, hex(code)


def test_status_and_detection_match_decoding_the_whole_file():
    rnd = random.Random(7)
    pieces = ["Nguyễn Thị Minh Châu", "Hà Nội", "“đường”", "–", "…", "\u0301", "\u0323", "\u2000", "\u212b", "ﬁ", "\n",
              ",", "a", "€", "Ω", "\u0e33", "\U0001f600"]
    cases = [b"", b"ascii only\n", codecs.BOM_UTF8 + "Hà Nội".encode(), b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80",
             b"abc\xe2\x80", encoding.encode("Hà Nội", "windows-1258"), encoding.encode("Hà Nội đường phố", "tcvn3"),
             encoding.encode("Hà Nội", "tcvn3").decode("cp1252").encode("utf-8"), "€™Œ".encode()]
    for _ in range(500):
        data = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 30))).encode()
        if rnd.random() < 0.25:
            data = bytes(rnd.randrange(256) if rnd.random() < 0.03 else b for b in data)
        cases.append(data)
    for data in cases:
        assert encoding._utf8_status(data) == _decoded_status(data), data
        valid = _decoded_status(data)[0]
        font = None
        if valid and not data.isascii():
            try:
                font = data.decode("utf-8-sig").encode("cp1252")
            except UnicodeEncodeError:
                font = None
        assert encoding._font_text(data) == font, data


def test_many_unsure_lines_fall_back_to_decoding(monkeypatch):
    monkeypatch.setattr(encoding, "MAX_UNSURE_LINES", 3)
    data = "\n".join(["Ha\u0300 N\u00f4\u0323i"] * 10).encode()  # decomposed: not NFC
    assert encoding._maybe_not_nfc(data) is None
    assert encoding._utf8_status(data) == (True, False)
    assert encoding._utf8_status(unicodedata.normalize("NFC", data.decode()).encode()) == (True, True)
