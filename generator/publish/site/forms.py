"""The function's forms on the site: API registration (Article 6.2b) and feedback (Article 12.4).

One source of truth: function/static/, which the function also serves on its own (/register). The
build copies the forms' scripts and styles into the site's assets, puts register.html's form (between
its `odp:form` markers) into the site's registration page, and every dataset page includes
feedback-snippet.html. Only when catalog/portal.yaml sets `function_url`: without it the site mails.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from markupsafe import Markup

from generator.problems import InputError, Problem

# Beside the generator in the repository, as the function finds them itself (opendata_function/app.py).
STATIC = Path(__file__).resolve().parents[3] / "function" / "static"
ASSETS = ("register.js", "feedback.js", "odp-forms.css")
START, END = "<!-- odp:form -->", "<!-- /odp:form -->"

CSS = "assets/odp-forms.css"


def _missing(name: str) -> InputError:
    rel = f"function/static/{name}"
    return InputError([Problem(rel, "không tìm thấy tệp biểu mẫu của hàm API (hoặc thiếu dấu “odp:form”).",
                               "the function's form file is missing (or lacks its “odp:form” markers).",
                               "khôi phục tệp từ git, hoặc xóa function_url trong catalog/portal.yaml.",
                               "restore the file from git, or remove function_url from catalog/portal.yaml.",
                               code="forms")])


def register_form(root: str) -> Markup:
    """The registration form and the once-shown key box from register.html, for a page `root` deep."""
    path = STATIC / "register.html"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise _missing("register.html")
    fragment = text[start + len(START):end].strip()
    # The standalone page links the terms at the function's site root; here the site's own page.
    return Markup(fragment.replace('href="/terms/"', f'href="{root}terms/"'))


def copy_assets(site: Path) -> None:
    target = site / "assets"
    target.mkdir(parents=True, exist_ok=True)
    for name in ASSETS:
        if not (STATIC / name).is_file():
            raise _missing(name)
        shutil.copyfile(STATIC / name, target / name)
