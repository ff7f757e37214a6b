"""Encoding detection decodes a CSV once: font text saved as UTF-8 is ruled out from the bytes, and what it finds
is what decoding the whole file says."""

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
