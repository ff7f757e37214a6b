"""One accent fold: the generator's (Python), the function's (Python, deployed apart) and the site's two
(JavaScript: search and the table preview filter) give the same text for every Vietnamese letter."""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata

from conftest import ROOT
from generator.text import fold

VOWELS = "aăâeêioôơuưy"
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # ngang, huyền, sắc, hỏi, ngã, nặng


def corpus() -> list[str]:
    letters = [unicodedata.normalize("NFC", unicodedata.normalize("NFD", v) + t) for v in VOWELS for t in TONES]
    letters += [c.upper() for c in letters] + ["đ", "Đ", "d", "D"]
    words = ["Đường Hà Nội", "THÀNH PHỐ VĨNH YÊN", "Sở Kế hoạch và Đầu tư", "Quầy thuốc Ngọc Ánh", "Ỷ Lan",
             "khoảng 1.234,5 km²", "Xã Đạo Đức", "Phường Tân Hòa", "Phường Tân Hoà", "ĐỒNG TÂM", "ƯU ĐÃI"]
    texts = letters + words + ["".join(letters)]
    return texts + [unicodedata.normalize("NFD", t) for t in texts]  # agencies' files are not always NFC


def js_folds() -> dict[str, str]:
    out = {}
    for name in ("search.js", "table.js"):
        source = (ROOT / "theme/assets" / name).read_text("utf-8")
        match = re.search(r"function fold\(s\) \{.*?\n  \}", source, re.S)
        assert match, f"theme/assets/{name} has no fold(s) function"
        out[name] = match.group(0)
    return out


def test_the_sites_javascript_folds_equal_the_python_fold():
    texts = corpus()  # node comes with `make test` (scripts/install-system.sh)
    for name, function in js_folds().items():
        script = f"{function}\nprocess.stdout.write(JSON.stringify({json.dumps(texts)}.map(fold)));"
        result = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
        got = json.loads(result.stdout)
        assert [(t, g) for t, g in zip(texts, got) if g != fold(t)] == [], name


def test_the_functions_fold_equals_the_generators():
    from opendata_function.datastore import fold as function_fold

    assert [t for t in corpus() if function_fold(t) != fold(t)] == []


def test_the_fold_drops_every_tone_and_maps_d_bar():
    assert fold("Đường Hà Nội") == "duong ha noi"
    assert {fold(c) for c in corpus()[:len(VOWELS) * len(TONES)]} == set("aaaeeiooouuy")
    assert fold(unicodedata.normalize("NFD", "Nghệ An")) == "nghe an"


def test_the_readers_nfc_shortcut_misses_no_character_nfc_would_change():
    """The reader normalises only cells holding a character NFC can change (found from their UTF-8 bytes,
    then NOT_NFC_STABLE): every such character, alone or after a letter it composes with, is found."""
    import pyarrow as pa

    from generator.tables.reader import NOT_NFC_STABLE, _nfc_column  # noqa: F401 - the class the shortcut relies on

    changing = set()
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        if unicodedata.normalize("NFC", ch) != ch or unicodedata.combining(ch):
            changing.add(ch)
        parts = unicodedata.decomposition(ch).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            changing.add((chr(int(parts[0], 16)), chr(int(parts[1], 16))))  # composes with what comes before
    changing |= {("\u1100", chr(c)) for c in range(0x1161, 0x1176)} | {("가", chr(c)) for c in range(0x11A8, 0x11C3)}
    texts = ["x " + (c if isinstance(c, str) else "".join(c)) for c in sorted(changing, key=str)]
    texts += corpus() + ["Ω Å K", "ﬀ", "", "Hà Nội"]
    half = len(texts) // 2
    column = pa.chunked_array([pa.array(["Ω skip"] + texts[:half], pa.string()).slice(1),  # as a read slices it
                               pa.array(texts[half:] + [None], pa.string())])
    want = [unicodedata.normalize("NFC", t) for t in texts] + [None]
    assert _nfc_column(column).to_pylist() == want
