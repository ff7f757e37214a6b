"""Legacy Vietnamese encodings are recognised and converted (or refused with the converting command), never published as mojibake."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest
from conftest import ROOT, shared
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.gate.encoding import LETTERS, LOWER, Detected, check_encoding, decode, detect, encode
from generator.problems import Problems



def wards() -> str:
    # The source writes a few “Đ” as the look-alike Icelandic “Ð”, which no Vietnamese encoding has.
    return shared("fixtures/real/wards-pre2025.csv").read_text(encoding="utf-8").replace("Ð", "Đ")


def vinh_phuc() -> str:
    lines = wards().splitlines()
    return "\n".join([lines[0]] + [line for line in lines if line.startswith("Vĩnh Phúc,")]) + "\n"

# TCVN3 has code points only for these upper-case letters; the others come back lower case (documented).
TCVN3_UPPER = set("ĂÂÊÔƠƯĐ")


def tcvn3_expected(text: str) -> str:
    return "".join(c.lower() if c in LETTERS and c.isupper() and c not in TCVN3_UPPER else c for c in text)


def expected(text: str, encoding: str) -> str:
    return tcvn3_expected(text) if encoding == "tcvn3" else text


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_the_alphabet_has_134_letters():
    assert len(LOWER) == 67 and len(set(LETTERS)) == 134
    assert "đ" in LOWER and "Đ" in LETTERS and all(not c.isascii() for c in LETTERS)


@pytest.mark.parametrize("encoding", ["windows-1258", "tcvn3", "vni"])
def test_every_letter_round_trips(encoding):
    letters = " ".join(LETTERS)
    assert decode(encode(letters, encoding), encoding) == expected(letters, encoding)


def test_well_known_mojibake_strings_decode():
    # Strings as they appear when TCVN3 / VNI documents are opened without their fonts (independent of our encoder).
    assert decode("Céng hoµ x· héi chñ nghÜa ViÖt Nam".encode("cp1252"), "tcvn3") == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert decode("§éc lËp - Tù do - H¹nh phóc".encode("cp1252"), "tcvn3") == "Độc lập - Tự do - Hạnh phúc"
    assert decode("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam".encode("cp1252"), "vni") == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert decode("Ñoäc laäp - Töï do - Haïnh phuùc".encode("cp1252"), "vni") == "Độc lập - Tự do - Hạnh phúc"
    assert decode("Hµ Néi".encode("cp1252"), "tcvn3") == "Hà Nội"
    assert decode("Haø Noäi".encode("cp1252"), "vni") == "Hà Nội"


@pytest.mark.parametrize("encoding", ["windows-1258", "tcvn3", "vni"])
@pytest.mark.parametrize("which", [vinh_phuc, wards], ids=["vinh-phuc", "all-wards"])
def test_real_rows_are_detected_and_decoded(encoding, which):
    text = which()
    data = encode(text, encoding)
    assert not data.isascii()
    assert detect(data) == Detected(encoding, True)
    assert decode(data, encoding) == expected(text, encoding)


def test_windows_1258_uses_combining_tones_and_decodes_to_nfc():
    data = encode("Vĩnh Phúc", "windows-1258")
    assert b"\xde" in data  # combining tilde after the i, as Windows writes it
    assert decode(data, "windows-1258") == unicodedata.normalize("NFC", "Vĩnh Phúc")


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_with_or_without_bom_passes_silently(tmp_path, bom):
    path = write(tmp_path, "wards.csv", bom + vinh_phuc().encode("utf-8"))
    problems = Problems()
    detected = check_encoding(path, "data/so-tnmt/x/wards.csv", problems)
    assert detected == Detected("utf-8-sig" if bom else "utf-8", True)
    assert problems.items == []
    assert decode(path.read_bytes(), detected.encoding) == vinh_phuc()


def test_utf8_not_nfc_gets_a_warning(tmp_path):
    path = write(tmp_path, "wards.csv", unicodedata.normalize("NFD", vinh_phuc()).encode("utf-8"))
    problems = Problems()
    assert check_encoding(path, "data/a/b/wards.csv", problems).encoding == "utf-8"
    (warning,) = problems.items
    assert warning.severity == "warning" and warning.code == "not-nfc" and warning.file == "data/a/b/wards.csv"
    assert "NFC" in warning.vi and "NFC" in warning.en
    assert decode(path.read_bytes(), "utf-8") == vinh_phuc()


@pytest.mark.parametrize("encoding,name", [("windows-1258", "Windows-1258"), ("tcvn3", "TCVN3"), ("vni", "VNI")])
def test_confident_legacy_file_is_converted_with_a_warning(tmp_path, encoding, name):
    path = write(tmp_path, "wards.csv", encode(vinh_phuc(), encoding))
    problems = Problems()
    detected = check_encoding(path, "data/so-tnmt/dvhc/wards.csv", problems)
    assert detected == Detected(encoding, True)
    (warning,) = problems.items
    assert warning.severity == "warning" and warning.code == "encoding-converted"
    assert warning.file == "data/so-tnmt/dvhc/wards.csv"
    assert name in warning.vi and name in warning.en and "UTF-8" in warning.vi and "UTF-8" in warning.en
    assert f"python -m generator.gate.encoding data/so-tnmt/dvhc/wards.csv --from {encoding}" in warning.fix_en


def test_too_little_text_is_refused_with_the_exact_command_and_the_command_converts_it(tmp_path):
    original = "ma,ten\n01,Hà Nội\n"
    folder = tmp_path / "data" / "so-x" / "bo"
    folder.mkdir(parents=True)
    write(folder, "ds.csv", encode(original, "windows-1258"))
    problems = Problems()
    detected = check_encoding(folder / "ds.csv", "data/so-x/bo/ds.csv", problems)
    assert detected == Detected("windows-1258", False)
    (error,) = problems.errors
    assert error.code == "encoding-error" and error.file == "data/so-x/bo/ds.csv"
    cmd = "python -m generator.gate.encoding data/so-x/bo/ds.csv --from windows-1258"
    assert cmd in error.fix_vi and cmd in error.fix_en
    # Run the command from the portal root exactly as printed.
    result = subprocess.run([sys.executable, *cmd.split()[1:]], cwd=tmp_path, capture_output=True, text=True,
                            env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert (folder / "ds.utf8.csv").read_text(encoding="utf-8") == original
    assert "data/so-x/bo/ds.utf8.csv" in error.fix_en


@pytest.mark.parametrize("encoding", ["windows-1258", "tcvn3", "vni"])
def test_converter_round_trips_with_output(tmp_path, encoding):
    from generator.gate.encoding import main

    src = write(tmp_path, "in.csv", encode(vinh_phuc(), encoding))
    out = tmp_path / "out.csv"
    assert main([str(src), "--from", encoding, "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == expected(vinh_phuc(), encoding)
    assert detect(out.read_bytes()) == Detected("utf-8", True)


def test_converter_reports_a_missing_file(tmp_path, capsys):
    from generator.gate.encoding import main

    assert main([str(tmp_path / "missing.csv"), "--from", "vni"]) == 1
    assert "missing.csv" in capsys.readouterr().err


def test_converter_refuses_text_that_is_already_utf8(tmp_path, capsys):
    from generator.gate.encoding import main

    src = write(tmp_path, "ok.csv", vinh_phuc().encode("utf-8"))
    assert main([str(src), "--from", "tcvn3"]) == 1
    assert "already UTF-8" in capsys.readouterr().err
    assert not (tmp_path / "ok.utf8.csv").exists()


def test_unrecognised_encoding_is_refused(tmp_path):
    path = write(tmp_path, "fr.csv", "nom,ville\nHélène,Besançon\nFrançois,Orléans\n".encode("cp1252"))
    problems = Problems()
    assert check_encoding(path, "data/a/b/fr.csv", problems) == Detected("unknown", False)
    (error,) = problems.errors
    assert error.code == "encoding-error" and "UTF-8" in error.fix_en and "data/a/b/fr.csv" in error.fix_en


def test_utf16_is_not_mistaken_for_a_font_encoding():
    assert detect(b"\xff\xfe" + vinh_phuc().encode("utf-16-le")).encoding == "unknown"


def test_font_text_saved_as_utf8_is_recognised(tmp_path):
    # Excel exporting a .VnTime sheet as “CSV UTF-8”: the bytes are UTF-8, the letters are TCVN3 mojibake.
    mojibake = encode(vinh_phuc(), "tcvn3").decode("cp1252").encode("utf-8")
    assert detect(mojibake) == Detected("tcvn3", True)
    assert decode(mojibake, "tcvn3") == tcvn3_expected(vinh_phuc())
    vni = encode(vinh_phuc(), "vni").decode("cp1252").encode("utf-8")
    assert detect(vni) == Detected("vni", True)
    problems = Problems()
    path = tmp_path / "vp.csv"
    path.write_bytes(mojibake)
    assert check_encoding(path, "data/a/b/vp.csv", problems) == Detected("tcvn3", True)
    (warning,) = problems.items
    assert warning.code == "encoding-converted" and "saved as UTF-8 but typed in a TCVN3" in warning.en
    # Genuine UTF-8 text with a few Latin-1 letters stays UTF-8.
    assert detect("name\nHélène\nJosé\nHà Nội\n".encode()) == Detected("utf-8", True)


def test_missing_file_is_a_source_error(tmp_path):
    problems = Problems()
    assert check_encoding(tmp_path / "nope.csv", "data/a/b/nope.csv", problems) == Detected("unknown", False)
    assert problems.errors[0].code == "source-error" and problems.errors[0].file == "data/a/b/nope.csv"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80))
def test_short_ascii_text_is_utf8(text):
    assert detect(text.encode("ascii")) == Detected("utf-8", True)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_detect_and_decode_never_crash_on_arbitrary_bytes(data):
    detected = detect(data)
    assert detected.encoding in {"utf-8", "utf-8-sig", "windows-1258", "tcvn3", "vni", "unknown"}
    for encoding in ("utf-8", "utf-8-sig", "windows-1258", "tcvn3", "vni", "unknown"):
        text = decode(data, encoding)
        assert unicodedata.is_normalized("NFC", text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(LOWER + ["a", "n", "h", "t", " ", ","]), min_size=1, max_size=60))
def test_vietnamese_letter_soup_round_trips(chars):
    text = "".join(chars)
    for encoding in ("windows-1258", "vni", "tcvn3"):
        assert decode(encode(text, encoding), encoding) == unicodedata.normalize("NFC", text)
