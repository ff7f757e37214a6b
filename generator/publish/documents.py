"""Documents readable in the page: DOCX as sanitised HTML, DOC and PDF as their text.

Every file comes from a pull request, so:
- mammoth's HTML (DOCX) goes through nh3 (the Ammonia sanitiser) with a short
  allow-list: no scripts, no styles, no event handlers, no images, links only
  to http(s) and mailto;
- `antiword` (DOC) and `pdftotext` (PDF) run as separate processes with a
  time limit and read-only input, so a hostile file cannot hang the build;
- all text is capped (MAX_CHARS) and escaped by the page template.
Debian packages: antiword, poppler-utils. When one is missing the page still
shows the document (PDF in the browser's viewer) and the download link.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

MAX_CHARS = 200_000  # of text shown in a page; the file itself is always downloadable
TIMEOUT = 20  # seconds for one converter run
ALLOWED_TAGS = {"p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "sub", "sup",
                "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "blockquote", "a", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


@dataclass
class DocumentPreview:
    html: str = ""  # sanitised HTML (DOCX)
    text: str = ""  # plain text (DOC, PDF), escaped by the template
    truncated: bool = False
    error: str = ""  # why there is no preview (shown to the visitor, in Vietnamese)
    error_en: str = ""


def sanitise(html: str) -> str:
    import nh3

    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener nofollow ugc", strip_comments=True)


def docx_preview(path: Path) -> DocumentPreview:
    import mammoth

    try:
        with path.open("rb") as fh:
            # Images are dropped: they would inline the file's pictures as data: URLs into the page.
            result = mammoth.convert_to_html(fh, convert_image=mammoth.images.img_element(lambda image: {}))
    except Exception as exc:  # mammoth raises assorted errors on damaged files
        return DocumentPreview(error=f"không đọc được tệp Word ({type(exc).__name__})",
                               error_en=f"the Word file could not be read ({type(exc).__name__})")
    html = result.value
    truncated = len(html) > MAX_CHARS
    return DocumentPreview(html=sanitise(html[:MAX_CHARS]), truncated=truncated)


def _run(command: list[str]) -> str | None:
    if shutil.which(command[0]) is None:
        return None
    try:
        out = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.decode("utf-8", errors="replace")


def _text_preview(text: str | None, tool: str) -> DocumentPreview:
    if text is None:
        return DocumentPreview(error=f"chưa trích được nội dung văn bản (cần công cụ {tool})",
                               error_en=f"the text could not be extracted (needs {tool})")
    text = "\n".join(line.rstrip() for line in text.replace("\f", "\n").splitlines()).strip()
    return DocumentPreview(text=text[:MAX_CHARS], truncated=len(text) > MAX_CHARS)


def doc_preview(path: Path) -> DocumentPreview:
    # -w 0: no hard line wrapping; UTF-8 output keeps Vietnamese letters.
    return _text_preview(_run(["antiword", "-m", "UTF-8.txt", "-w", "0", str(path)]), "antiword")


def pdf_preview(path: Path) -> DocumentPreview:
    return _text_preview(_run(["pdftotext", "-enc", "UTF-8", "-l", "200", str(path), "-"]), "pdftotext")


def preview(path: Path, fmt: str) -> DocumentPreview | None:
    if fmt == "docx":
        return docx_preview(path)
    if fmt == "doc":
        return doc_preview(path)
    if fmt == "pdf":
        return pdf_preview(path)
    return None
