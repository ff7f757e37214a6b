"""The interface's words: every message in the templates, the frame, the scripts and the static forms
is in both catalogues (generator/locale/), translated, with the same placeholders; none is left over."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from generator import i18n


def _catalogue(lang):
    with i18n.catalogue_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang)


def test_every_interface_message_is_translated_in_both_languages():
    used = {i18n.key(msgid, context) for msgid, _, _, context in i18n.extract()}
    assert len(used) > 250  # the extractor sees the templates, main.html, scripts and forms
    for lang in i18n.LANGUAGES:
        cat = _catalogue(lang)
        entries = {i18n.key(m.id, m.context): m for m in cat if m.id}
        missing = sorted(used - set(entries))
        untranslated = sorted(m for m in used & set(entries) if not entries[m].string or entries[m].fuzzy)
        unused = sorted(set(entries) - used)
        assert not missing, f"{lang}: not in the catalogue (run python -m generator.i18n update): {missing}"
        assert not untranslated, f"{lang}: untranslated: {untranslated}"
        assert not unused, f"{lang}: no longer used: {unused}"


def test_translations_keep_their_placeholders():
    for lang in i18n.LANGUAGES:
        for m in _catalogue(lang):
            if m.id and m.string:
                assert set(re.findall(r"\{\w+\}", m.id)) == set(re.findall(r"\{\w+\}", m.string)), (lang, m.id)


def test_a_message_in_a_script_reaches_the_browser_in_english():
    script = i18n.messages_script()
    assert '"Trang sau →":"Next →"' in script  # search.js
    assert '"Họ và tên":"Full name"' in script  # register.html's data-i18n
    assert "Mô tả" not in script  # page text is in the pages, not in the scripts' file


def test_pages_carry_both_languages_escaped():
    html = i18n.span("Tìm trong {n} bộ dữ liệu theo tên, mô tả, từ khóa, cơ quan, chủ đề: gõ có dấu hoặc không dấu",
                     n='<b>"x"</b>')
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert 'data-en="Search &lt;b&gt;&#34;x&#34;&lt;/b&gt; datasets' in html
    assert str(i18n.both("Sở Y tế", "")) == '<span lang="vi">Sở Y tế</span>'
