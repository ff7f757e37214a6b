"""CSV encodings: UTF-8 passes; Windows-1258, TCVN3 (ABC) and VNI are recognised and converted, never published as mojibake.

Vietnamese agencies still export CSVs from old workbooks typed in 8-bit "font
encodings". Every byte string decodes in every 8-bit encoding, so detection
decodes the bytes with each candidate and counts how much real Vietnamese comes
out: words that are valid Vietnamese syllables against words that are not, and
stray symbols (µ ¸ ø ...) that only appear in mojibake.

The TCVN3 and VNI tables below are written from the published charts (TCVN
5712:1993 VN3, the VNI-Windows layout) and cross-checked against viparse's
corpus-derived tables; viparse itself is not used because its VNI table lacks
ẳ/Ẳ and it offers no encoder for the round-trip tests.

TCVN3 limitation: VN3 has code points only for the upper-case letters Ă Â Ê Ô
Ơ Ư Đ. The other 60 upper-case toned letters (À, Ấ, Ộ, ...) were typed with the
lower-case code points and drawn upper-case by a separate ".VnTimeH" font; the
font is not in a CSV, so those letters decode to lower case ("Ứng Hòa" comes
back as "ứng Hòa").

Convert a file by hand:
    python -m generator.gate.encoding FILE --from tcvn3|vni|windows-1258 [--output OUT]
"""

from __future__ import annotations

import argparse
import codecs
import re
import shlex
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from generator.problems import Problems

LEGACY = ("windows-1258", "tcvn3", "vni")
NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "windows-1258": "Windows-1258", "tcvn3": "TCVN3 (ABC)",
         "vni": "VNI", "unknown": "unknown"}
SAMPLE_BYTES = 256 * 1024  # detection reads this much of the non-ASCII text: enough words, bounded time
CHUNK = 1 << 20


@dataclass(frozen=True)
class Detected:
    encoding: str  # "utf-8", "utf-8-sig", "windows-1258", "tcvn3", "vni", or "unknown"
    confident: bool


# --- tables ---------------------------------------------------------------------------------------

# TCVN3 (VN3): byte -> letter. 67 lower-case letters + the 7 upper-case ones VN3 has.
_TCVN3_BYTES: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}


def _cp1252_char(byte: int) -> str:
    """Bytes a font encoding leaves alone show as Windows-1252 (what the fonts were typed on)."""
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return "\ufffd"


_TCVN3_DECODE = "".join(_TCVN3_BYTES.get(b, _cp1252_char(b)) for b in range(256))
# Encoding: upper-case toned letters fall back to their lower-case code point (see the module doc).
_TCVN3_ENCODE = {letter: bytes([b]) for b, letter in _TCVN3_BYTES.items()}

_TONES = {"": 0, "\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}  # none grave acute hook tilde dot
# VNI-Windows: a letter is a base byte followed by a mark byte; index = tone as above. Upper case
# uses the upper-case Latin-1 twin of each mark (0x20 lower).
_VNI_TONE = ["", "ø", "ù", "û", "õ", "ï"]
_VNI_CIRCUMFLEX = ["â", "à", "á", "å", "ã", "ä"]  # â ê ô with their tones
_VNI_BREVE = ["ê", "è", "é", "ú", "ü", "ë"]  # ă with its tones
_VNI_I = ["i", "ì", "í", "æ", "ó", "ò"]  # i is one byte per tone (Latin-1 has no bare i to mark)
_VNI_SINGLE = {"đ": "ñ", "ơ": "ô", "ư": "ö"}  # whole letters; ơ and ư take tone marks like a base


def _vni_letter(letter: str) -> str | None:
    """The VNI spelling of one lower-case Vietnamese letter, or None if it has none."""
    decomposed = unicodedata.normalize("NFD", letter)
    tone = next((_TONES[m] for m in decomposed[1:] if m in _TONES), 0)
    shape = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    if shape == "i":
        return _VNI_I[tone]
    if shape == "y" and tone == 5:
        return "î"
    if shape in ("â", "ê", "ô"):
        return shape.translate(str.maketrans("âêô", "aeo")) + _VNI_CIRCUMFLEX[tone]
    if shape == "ă":
        return "a" + _VNI_BREVE[tone]
    if shape in _VNI_SINGLE:
        return _VNI_SINGLE[shape] + (_VNI_TONE[tone] if shape != "đ" else "")
    if shape in "aeouy":
        return shape + _VNI_TONE[tone]
    return None


def _vietnamese_letters() -> list[str]:
    """The 67 lower-case non-ASCII Vietnamese letters (72 vowel forms less the 6 plain ones, plus đ)."""
    letters = ["đ"]
    for shape in "aăâeêioôơuưy":
        for tone in _TONES:
            letter = unicodedata.normalize("NFC", shape + tone)
            if not letter.isascii():
                letters.append(letter)
    return letters


LOWER = _vietnamese_letters()
LETTERS = LOWER + [c.upper() for c in LOWER]  # all 134
_VNI_ENCODE: dict[str, str] = {}
for _letter in LOWER:
    _spelling = _vni_letter(_letter)
    assert _spelling is not None
    _VNI_ENCODE[_letter] = _spelling
    _VNI_ENCODE[_letter.upper()] = _spelling.upper()
# Decoding also accepts spellings some converters write (viparse saw them in real files).
_VNI_DECODE = {spelling: letter for letter, spelling in _VNI_ENCODE.items() if spelling != letter}
_VNI_DECODE.update({"iø": "ì", "iù": "í", "IØ": "Ì", "IÙ": "Í", "yï": "ỵ", "YÏ": "Ỵ"})
_VNI_MARKS = "".join(sorted({k[1] for k in _VNI_DECODE if len(k) == 2}))
_VNI_BASES = "".join(sorted({k[0] for k in _VNI_DECODE if len(k) == 2}))
_VNI_SINGLES = "".join(sorted(k for k in _VNI_DECODE if len(k) == 1))
assert not set(_VNI_MARKS) & set(_VNI_SINGLES + _VNI_BASES)  # so a pair is always base then mark
# A base followed by a mark first, so "ôù" (ớ) wins over "ô" (ơ); character classes keep the regex fast.
_VNI_PAIR = re.compile(f"[{_VNI_BASES}][{_VNI_MARKS}]|[{_VNI_SINGLES}]")

# Windows-1258 has precomposed ă â ê ô ơ ư đ (and some toned Latin-1 letters) and five combining tones.
_SHAPE_MARKS = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn


# --- encoding and decoding ------------------------------------------------------------------------

def encode(text: str, encoding: str) -> bytes:
    """Legacy bytes for NFC text, as the old fonts/keyboards wrote them (for tests and fixtures)."""
    text = unicodedata.normalize("NFC", text)
    if encoding == "tcvn3":
        return b"".join(_TCVN3_ENCODE.get(c) or _TCVN3_ENCODE.get(c.lower()) or c.encode("cp1252") for c in text)
    if encoding == "vni":
        return "".join(_VNI_ENCODE.get(c, c) for c in text).encode("cp1252")
    if encoding == "windows-1258":
        out = []
        for c in text:
            try:
                out.append(c.encode("cp1258"))
            except UnicodeEncodeError:
                # As Windows' Vietnamese keyboard does: the shaped base letter, then a combining tone.
                d = unicodedata.normalize("NFD", c)
                base = unicodedata.normalize("NFC", d[0] + "".join(m for m in d[1:] if m in _SHAPE_MARKS))
                out.append((base + "".join(m for m in d[1:] if m not in _SHAPE_MARKS)).encode("cp1258"))
        return b"".join(out)
    raise ValueError(f"unknown encoding {encoding!r}")


def decode(data: bytes, encoding: str) -> str:
    """NFC text of `data` read in `encoding`; undecodable bytes become U+FFFD, never an exception.

    TCVN3/VNI text that was already saved as UTF-8 (Excel exporting a .VnTime sheet)
    is recognised by being valid UTF-8 and converted from its characters.
    """
    if encoding in ("utf-8", "utf-8-sig", "unknown"):
        text = data.decode("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8", errors="replace")
    elif encoding == "windows-1258":
        text = data.decode("cp1258", errors="replace")
    elif encoding in ("tcvn3", "vni"):
        text = _decode_font(data, encoding)
    else:
        raise ValueError(f"unknown encoding {encoding!r}; use one of utf-8, {', '.join(LEGACY)}")
    return unicodedata.normalize("NFC", text)


def _decode_font(data: bytes, encoding: str) -> str:
    wrapped = _font_text(data)
    if wrapped is not None:
        data = wrapped
    if encoding == "tcvn3":
        return codecs.charmap_decode(data, "replace", _TCVN3_DECODE)[0]  # a 256-char table: C speed
    return _VNI_PAIR.sub(_vni_letter_of, data.decode("cp1252", errors="replace"))


def _vni_letter_of(match: re.Match) -> str:
    seq = match[0]
    letter = _VNI_DECODE.get(seq)
    if letter is None:  # a base and a mark that make no VNI letter: keep the mark, decode the base
        letter = _VNI_DECODE.get(seq[0], seq[0]) + seq[1:]
    return letter


# Lead bytes of UTF-8 characters from U+1000 on outside U+2000-U+2FFF: none is in Windows-1252 (whose last
# character is U+2122), so one of them settles that text is not font text without decoding it again.
_NOT_CP1252 = re.compile(rb"[\xe1\xe3-\xf4]")


def _font_text(data: bytes) -> bytes | None:
    """The font bytes behind UTF-8 text whose characters are all Windows-1252 (font text saved as UTF-8)."""
    if data.isascii() or _NOT_CP1252.search(data):
        return None
    try:
        text = data.decode("utf-8-sig")
        return text.encode("cp1252")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return None


# --- detection ------------------------------------------------------------------------------------

# Onsets: any consonant run, so minority-language place names (Krông, Đrắk) count as Vietnamese text.
_ONSET = "gi|qu|[bcdđfghjklmnpqrstvwxz]{1,4}"
# Rhymes: vowel nuclei (with their medial o/u) before an optional consonant coda, or the closed list of
# diphthongs ending in a glide. Strict enough that "néi" or "noọi" (mojibake) is not a syllable.
_NUCLEUS = "uyê|iê|yê|uô|ươ|oo|oa|oă|oe|uâ|uê|uy|uơ|ia|ua|ưa|ya|uya|a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
_GLIDED = ("ai|ay|ây|oi|ôi|ơi|ui|ưi|uôi|ươi|ao|eo|au|âu|êu|iu|iêu|yêu|ưu|ươu|oai|oay|oao|oeo|uây|uyu|"
           "uya|uyu|oe|uê")
_SYLLABLE = re.compile(f"(?:{_ONSET})?(?:(?:{_GLIDED})|(?:{_NUCLEUS})(?:ch|ng|nh|c|m|n|p|t|k|h|l|r)?)")
_VIET = set(LETTERS) | set("abcdeghiklmnopqrstuvxyABCDEGHIKLMNOPQRSTUVXY")
_WORD = re.compile(r"[^\W\d_]+")
# Non-ASCII punctuation real Vietnamese text uses; anything else outside words counts as mojibake.
_PUNCTUATION = set("“”‘’–—…•°€²³№«»\u00a0\ufeff")


@lru_cache(maxsize=65536)
def _is_syllable(word: str) -> bool:
    word = word.lower()
    if not set(word) <= _VIET:
        return False
    decomposed = unicodedata.normalize("NFD", word)
    if sum(c in _TONES for c in decomposed) > 1:
        return False
    toneless = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return _SYLLABLE.fullmatch(toneless) is not None


@dataclass(frozen=True)
class _Score:
    valid: int  # non-ASCII words that are Vietnamese syllables
    invalid: int  # non-ASCII words that are not, plus stray symbols

    @property
    def value(self) -> int:
        return self.valid - 2 * self.invalid

    @property
    def ratio(self) -> float:
        return self.valid / (self.valid + self.invalid) if self.valid + self.invalid else 0.0


def _score(text: str) -> _Score:
    valid = invalid = 0
    for word in _WORD.findall(text):
        if not word.isascii():
            if _is_syllable(word):
                valid += 1
            else:
                invalid += 1
    stray = _WORD.sub("", text)
    invalid += sum(1 for c in stray if not c.isascii() and c not in _PUNCTUATION)
    return _Score(valid, invalid)


_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")


def _sample(data: bytes) -> bytes:
    """Up to SAMPLE_BYTES of the lines that carry non-ASCII bytes (ASCII lines say nothing), found lazily."""
    out, size = [], 0
    for match in _NON_ASCII_LINE.finditer(data):
        out.append(match.group())
        size += len(out[-1])
        if size >= SAMPLE_BYTES:
            break
    return b"\n".join(out)


def _utf8_status(data: bytes) -> tuple[bool, bool]:
    """(valid UTF-8, NFC), read in chunks so a large file never becomes one huge string."""
    if data.isascii():  # no decoding needed: ASCII is UTF-8 and NFC
        return True, True
    decoder = codecs.getincrementaldecoder("utf-8")()
    nfc, tail = True, ""
    try:
        for start in range(0, len(data), CHUNK):
            chunk = decoder.decode(data[start:start + CHUNK], final=start + CHUNK >= len(data))
            # A combining mark at the start of a chunk may compose with the previous chunk's last char.
            if nfc and not unicodedata.is_normalized("NFC", tail + chunk):
                nfc = False
            tail = chunk[-1:] if chunk else tail
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False, False
    return True, nfc


# Thresholds: at least this many Vietnamese words, this share of the non-ASCII words valid, and a
# clear lead over the runner-up. Below them the file is refused with the command rather than guessed.
MIN_WORDS = 5
MIN_RATIO = 0.9
MIN_LEAD = 2.0


def detect(data: bytes, utf8_status: tuple[bool, bool] | None = None) -> Detected:
    """Which encoding `data` is in, and whether the evidence is strong enough to convert it unasked.
    `utf8_status`: _utf8_status(data), when the caller has it (the bytes are decoded once)."""
    valid_utf8, _ = utf8_status or _utf8_status(data)
    if valid_utf8:
        font = _font_text(data)
        if font is not None:
            # Font text saved as UTF-8 ("Hµ Néi"): only claim it when the text as is reads badly.
            as_is = _score(data.decode("utf-8-sig"))
            guess = _best(_sample(font), ("tcvn3", "vni"))
            if guess.confident and as_is.ratio < 0.5:
                return guess
        return Detected("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8", True)
    if b"\x00" in data[:SAMPLE_BYTES]:  # UTF-16/32 or a binary file: no 8-bit text encoding fits
        return Detected("unknown", False)
    return _best(_sample(data), LEGACY)


def _best(sample: bytes, candidates: tuple[str, ...]) -> Detected:
    scores = sorted(((_score(decode(sample, enc)), enc) for enc in candidates), key=lambda s: s[0].value, reverse=True)
    (best, encoding), runner_up = scores[0], scores[1][0] if len(scores) > 1 else _Score(0, 0)
    if best.valid == 0 or best.ratio < 0.5:
        return Detected("unknown", False)
    confident = (best.valid >= MIN_WORDS and best.ratio >= MIN_RATIO
                 and best.value >= MIN_LEAD * max(runner_up.value, 1))
    return Detected(encoding, confident)


# --- the check ------------------------------------------------------------------------------------

def command(path: str, encoding: str) -> str:
    """The exact command that converts `path` (relative to the portal root) to UTF-8."""
    return f"python -m generator.gate.encoding {shlex.quote(path)} --from {encoding}"


def converted_name(path: str) -> str:
    p = Path(path)
    return str(p.with_name(p.stem + ".utf8" + (p.suffix or ".csv")))


def check_encoding(path: Path, rel: str, problems: Problems) -> Detected:
    """Detect the encoding of the CSV at `path` and record what the agency must know or do."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.error(rel, f"không đọc được tệp ({exc.strerror or exc}).", f"cannot read the file ({exc.strerror or exc}).",
                       "kiểm tra tệp có trong thư mục bộ dữ liệu.", "check the file is in the dataset's folder.",
                       code="source-error")
        return Detected("unknown", False)
    status = _utf8_status(data)
    detected = detect(data, status)
    enc = detected.encoding
    if enc in ("utf-8", "utf-8-sig"):
        if not status[1]:
            problems.warning(rel, "văn bản UTF-8 chưa ở dạng chuẩn NFC (dấu tiếng Việt viết tách rời); cổng công bố bản đã chuẩn hóa NFC.",
                             "the UTF-8 text is not in NFC (Vietnamese marks written as separate characters); the portal publishes it normalised to NFC.",
                             "lần sau lưu tệp với chữ tiếng Việt dựng sẵn (Unicode dựng sẵn / NFC), ví dụ chọn bảng mã “Unicode” thay vì “Unicode tổ hợp” trong Unikey.",
                             "next time save precomposed Vietnamese (NFC), e.g. choose “Unicode”, not “Unicode tổ hợp” (combining), in Unikey.",
                             code="not-nfc")
        return detected
    cmd = command(rel, enc if enc != "unknown" else "tcvn3")
    out = converted_name(rel)
    if enc != "unknown" and detected.confident:
        name = NAMES[enc]
        found_vi, found_en = (f"tệp dùng bảng mã cũ {name}, không phải UTF-8", f"the file is in the legacy encoding {name}, not UTF-8")
        if _font_text(data) is not None:  # valid UTF-8 whose letters are font codes
            found_vi = f"tệp lưu dạng UTF-8 nhưng chữ gõ bằng phông {name} (hiện thành ký tự lạ)"
            found_en = f"the file is saved as UTF-8 but typed in a {name} font (its letters show as garbage)"
        problems.warning(rel, f"{found_vi}; cổng đã tự chuyển và công bố bản UTF-8 (NFC).",
                         f"{found_en}; the portal converted it and publishes the UTF-8 (NFC) text.",
                         f"nên lưu lại tệp dạng “CSV UTF-8” (Excel: Lưu thành → CSV UTF-8), hoặc chạy: {cmd} rồi thay tệp gốc bằng {out}.",
                         f"save the file as “CSV UTF-8” (Excel: Save As → CSV UTF-8), or run: {cmd} and replace the file with {out}.",
                         code="encoding-converted")
    elif enc != "unknown":
        name = NAMES[enc]
        problems.error(rel, f"tệp không phải UTF-8; có vẻ là bảng mã {name} nhưng không đủ chắc để tự chuyển (tránh công bố chữ lỗi).",
                       f"the file is not UTF-8; it looks like {name}, but not surely enough to convert it unasked (to avoid publishing garbled text).",
                       f"chạy: {cmd}, mở {out} kiểm tra chữ tiếng Việt hiển thị đúng rồi thay tệp gốc bằng tệp đó; "
                       f"nếu chữ sai, thử --from với {', '.join(e for e in LEGACY if e != enc)}. Hoặc lưu lại tệp dạng “CSV UTF-8” trong Excel.",
                       f"run: {cmd}, open {out}, check the Vietnamese reads right, then replace the file with it; "
                       f"if it does not, try --from with {', '.join(e for e in LEGACY if e != enc)}. Or save the file as “CSV UTF-8” in Excel.",
                       code="encoding-error")
    else:
        problems.error(rel, "tệp không phải UTF-8 và không nhận ra bảng mã (không phải Windows-1258, TCVN3 hay VNI).",
                       "the file is not UTF-8 and its encoding is not recognised (not Windows-1258, TCVN3 or VNI).",
                       f"mở tệp trong Excel và lưu lại dạng “CSV UTF-8”; nếu tệp gõ bằng phông cũ, thử: {cmd} "
                       f"(hoặc --from vni, --from windows-1258) rồi kiểm tra {out}.",
                       f"open the file in Excel and save it as “CSV UTF-8”; if it was typed in an old font, try: {cmd} "
                       f"(or --from vni, --from windows-1258) and check {out}.",
                       code="encoding-error")
    return detected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.gate.encoding",
                                     description="Chuyển tệp CSV bảng mã cũ sang UTF-8 (NFC) / convert a legacy-encoded CSV to UTF-8 (NFC).")
    parser.add_argument("file", type=Path)
    parser.add_argument("--from", dest="encoding", required=True, choices=LEGACY)
    parser.add_argument("--output", type=Path, help="default: FILE with a .utf8.csv suffix")
    args = parser.parse_args(argv)
    out = args.output or Path(converted_name(str(args.file)))
    try:
        data = args.file.read_bytes()
        if _utf8_status(data)[0] and not data.isascii() and _font_text(data) is None:
            # Real Unicode text: converting it "from" a font encoding would garble it.
            print(f"Lỗi: {args.file} đã là UTF-8, không cần chuyển.\nError: {args.file} is already UTF-8; nothing to convert.",
                  file=sys.stderr)
            return 1
        out.write_text(decode(data, args.encoding), encoding="utf-8", newline="")
    except OSError as exc:
        print(f"Lỗi/Error: {exc}", file=sys.stderr)
        return 1
    print(f"Đã ghi/wrote {out} (UTF-8, NFC)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
