"""The interface's words in Vietnamese and English: one gettext catalogue per language.

Catalogues: generator/locale/<vi|en>/LC_MESSAGES/portal.po, the format translators' tools
(Poedit, Weblate, Babel) read. A message id is the Vietnamese text as written in the templates,
theme/main.html, the scripts (theme/assets/, function/static/) and the generator; each catalogue
gives its own wording. `python -m generator.i18n update` extracts every message again (Babel) and
merges it into both catalogues; tests/test_i18n.py fails on any message missing or untranslated.

The site is one page per address in Vietnamese with the English beside it: the templates' `_()`
writes `<span data-en="English">Tiếng Việt</span>` and portal.js swaps the texts when a visitor
chooses English. Scripts read their English from assets/messages.js (written from the catalogue:
only the messages used in a .js file), forms from `data-i18n` elements looked up in it.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from generator import PACKAGE_DIR
from typing import Any

from markupsafe import Markup, escape

ROOT = PACKAGE_DIR.parent
LOCALE = PACKAGE_DIR / "locale"
LANGUAGES = ("vi", "en")
DOMAIN = "portal"
MESSAGES_JS = "assets/messages.js"

# What Babel reads, and the functions that mark a message in each kind of file.
SOURCES = [
    ("generator/templates", "jinja2", "**.html"),
    ("theme", "jinja2", "*.html"),
    ("function/static", "jinja2", "*-snippet.html"),
    ("generator", "python", "**.py"),
    ("theme/assets", "javascript", "*.js"),
    ("function/static", "javascript", "*.js"),
]
KEYWORDS = {"_": None, "_p": ((1, "c"), 2), "_attr": (2,), "_en": None, "_vi": None, "N_": None, "odT": None}
CONTEXT = "\x04"  # gettext's separator of a message's context and its id, in the keys below
# Static forms (function/static/register.html) carry their words in `data-i18n` elements.
_DATA_I18N = re.compile(r"<(\w+)[^>]*\bdata-i18n\b[^>]*>([^<]+)</\1>")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def N_(message: str) -> str:
    """Marks a message for the catalogues; it is translated where it is shown."""
    return message


def catalogue_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    from babel.messages.pofile import read_po

    with catalogue_path(lang).open("rb") as fh:
        cat = read_po(fh, locale=lang)
    return {key(m.id, m.context): m.string for m in cat if m.id and m.string and not m.fuzzy}


def key(msgid: str, context: str | None = None) -> str:
    """A message's key: its id, after its context when it has one (one Vietnamese word, two meanings)."""
    return f"{context}{CONTEXT}{msgid}" if context else msgid


@functools.cache
def js_message_ids() -> frozenset[str]:
    """Messages some script needs at run time (their catalogue entries name a .js file)."""
    from babel.messages.pofile import read_po

    with catalogue_path("en").open("rb") as fh:
        cat = read_po(fh, locale="en")
    return frozenset(m.id for m in cat if m.id and any(loc.endswith(".js") or loc.endswith("register.html")
                                                      for loc, _ in m.locations))


def number(value: float, decimals: int = 0, lang: str = "vi") -> str:
    """A number as the reader writes it: 1.234,5 in Vietnamese, 1,234.5 in English."""
    text = f"{value:,.{decimals}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text


def _value(value: Any, lang: str) -> Any:
    # A (Vietnamese, English) pair fills each language with its own wording.
    if isinstance(value, tuple):
        return value[0] if lang == "vi" or len(value) < 2 or not value[1] else value[1]
    return value


def text(msgid: str, lang: str, **values: Any) -> str:
    """The message in `lang` with {name} placeholders filled (a missing one shows the Vietnamese)."""
    wording = catalogue(lang).get(msgid) or msgid.rpartition(CONTEXT)[2]
    return _PLACEHOLDER.sub(lambda m: str(_value(values[m.group(1)], lang)) if m.group(1) in values else m.group(0),
                            wording)


def markup(msgid: str, lang: str, **values: Any) -> Markup:
    """The message as HTML: its text escaped, values escaped unless they are markup (a link)."""
    wording = catalogue(lang).get(msgid) or msgid.rpartition(CONTEXT)[2]
    out, at = Markup(""), 0
    for m in _PLACEHOLDER.finditer(wording):
        out += wording[at:m.start()]
        out += _value(values[m.group(1)], lang) if m.group(1) in values else m.group(0)
        at = m.end()
    return out + wording[at:]


_SPANS: dict[str, Markup] = {}  # a message without values, made once per process (pages repeat them)


def span(msgid: str, **values: Any) -> Markup:
    """Both languages in one element: Vietnamese shown, English in data-en (escaped: values may be metadata).

    A message holding markup (a link as a value) carries its English as HTML in data-en-html.
    """
    if not values:
        made = _SPANS.get(msgid)
        if made is None:
            made = _SPANS[msgid] = Markup(f'<span data-en="{escape(text(msgid, "en"))}">{escape(text(msgid, "vi"))}</span>')
        return made
    if any(isinstance(_value(v, lang), Markup) for v in values.values() for lang in LANGUAGES):
        return Markup(f'<span data-en-html="{escape(markup(msgid, "en", **values))}">'
                      f'{escape(markup(msgid, "vi", **values))}</span>')
    return Markup(f'<span data-en="{escape(text(msgid, "en", **values))}">{escape(text(msgid, "vi", **values))}</span>')


def attribute(name: str, msgid: str, **values: Any) -> Markup:
    """An attribute (placeholder, aria-label, title) in Vietnamese with its English for portal.js."""
    return Markup(f' {escape(name)}="{escape(text(msgid, "vi", **values))}" '
                  f'data-en-{escape(name)}="{escape(text(msgid, "en", **values))}"')


def both(vi: str, en: str, tag: str = "span") -> Markup:
    """Metadata shown in the reader's language: its English when the descriptor has one, else marked Vietnamese."""
    if en and en != vi:
        return Markup(f'<{tag} data-en="{escape(en)}">{escape(vi)}</{tag}>')
    return Markup(f'<{tag} lang="vi">{escape(vi)}</{tag}>')


def template_globals() -> dict[str, Any]:
    return {"_": span, "_p": lambda context, msgid, **v: span(key(msgid, context), **v), "_attr": attribute, "_en": lambda msgid, **v: text(msgid, "en", **v),
            "_vi": lambda msgid, **v: text(msgid, "vi", **v), "both": both, "N_": N_}


# odT(message, {name: value}): the message in the visitor's language (read at each call: the
# switch can change it), placeholders filled. Scripts without this file show the Vietnamese.
_JS_LOOKUP = """window.odT=function(s,v){var m=s;try{if(localStorage.getItem("od-lang")==="en")\
m=window.odMessages[s]||s}catch(e){}return m.replace(/\\{(\\w+)\\}/g,function(x,k){return v&&k in v?v[k]:x})};
"""


def messages_script() -> str:
    """assets/messages.js: the English of every message a script uses, keyed by its Vietnamese."""
    en = catalogue("en")
    table = {m: en[m] for m in sorted(js_message_ids()) if m in en}
    return ("window.odMessages=" + json.dumps(table, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            + ";\n" + _JS_LOOKUP)


def write_messages(site: Path) -> None:
    target = site / MESSAGES_JS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(messages_script(), encoding="utf-8")


# ---- Extraction (maintainers and the completeness test) ------------------------------------

def extract() -> Iterator[tuple[str, str, int, str | None]]:
    """(message id, file, line, context) of every interface message in the sources."""
    from babel.messages.extract import extract_from_dir

    for folder, method, pattern in SOURCES:
        base = ROOT / folder
        options = {"extensions": "jinja2.ext.i18n", "trimmed": "true"} if method == "jinja2" else {}
        for filename, lineno, message, _comments, context in extract_from_dir(
                base, method_map=[(pattern, method)], options_map={pattern: options}, keywords=KEYWORDS):
            if isinstance(message, tuple):
                message = message[-1] if message[-1] else message[0]
            if message:
                yield message, f"{folder}/{filename}", lineno, context
    register = ROOT / "function/static/register.html"
    for lineno, line in enumerate(register.read_text(encoding="utf-8").splitlines(), 1):
        for m in _DATA_I18N.finditer(line):
            yield " ".join(m.group(2).split()), "function/static/register.html", lineno, None


def update() -> list[str]:
    """Extract, then merge into both catalogues; returns the messages still untranslated."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    template = Catalog(project="opendata-portal", domain=DOMAIN)
    for msgid, filename, lineno, context in extract():
        template.add(msgid, locations=[(filename, lineno)], context=context)
    missing: list[str] = []
    for lang in LANGUAGES:
        path = catalogue_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as fh:
                cat = read_po(fh, locale=lang)
        else:
            cat = Catalog(locale=lang, domain=DOMAIN, project="opendata-portal")
        cat.update(template, no_fuzzy_matching=True)
        cat.obsolete.clear()
        cat.creation_date = cat.revision_date = template.creation_date.replace(year=2025, month=1, day=1, hour=0,
                                                                             minute=0, second=0, microsecond=0)
        missing += [f"{lang}: {m.id}" for m in cat if m.id and not m.string]
        with path.open("wb") as fh:
            # No line numbers: a template edit elsewhere does not touch every entry.
            write_po(fh, cat, width=100, sort_output=True, omit_header=False, include_lineno=False)
    catalogue.cache_clear()
    js_message_ids.cache_clear()
    return missing


def main(argv: list[str]) -> int:
    if argv[:1] != ["update"]:
        print("usage: python -m generator.i18n update", file=sys.stderr)
        return 2
    missing = update()
    for line in missing:
        print(f"chưa dịch (untranslated) {line}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
