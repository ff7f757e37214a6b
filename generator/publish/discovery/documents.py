"""Documents readable in the page: DOCX as sanitised HTML, DOC and PDF as their text.

Every file comes from a pull request, so every reader runs outside the build's process with time
and memory limits:
- DOCX: mammoth, in the child process of the integrity checks (gate/files.py: `sandboxed`);
  its HTML then goes through nh3 (the Ammonia sanitiser) with a short allow-list: no scripts, no
  styles, no event handlers, no images, links only to http(s) and mailto;
- DOC: `antiword`, PDF: `pdftotext` (Debian: antiword, poppler-utils; `make serve` and `make test`
  install them), each a separate process with a time limit and a memory limit. Where a tool is
  missing or fails, a pure-Python reader stands in, in the same child as DOCX: the text of a Word 97
  file from its piece table (olefile), the text of a PDF with pypdf;
- all text is capped (MAX_CHARS) and escaped by the page template.
When no reader can make a preview, the page says so plainly to the public (the document is still
there to download, and a PDF shows in the browser's viewer); `previews` warns the operator with
the file's name and the reason.
"""

from __future__ import annotations

import resource
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator.problems import Problems
from generator.portal.model import Portfolio

MAX_CHARS = 200_000  # of text shown in a page; the file itself is always downloadable
TIMEOUT = 20  # seconds for one converter run
MEMORY = 1024 * 1024 * 1024  # address space of one converter run
ALLOWED_TAGS = {"p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "sub", "sup",
                "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "blockquote", "a", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
FORMATS = ("pdf", "docx", "doc")


@dataclass
class DocumentPreview:
    html: str = ""  # sanitised HTML (DOCX)
    text: str = ""  # plain text (DOC, PDF), escaped by the template
    truncated: bool = False
    problem: str = ""  # why there is no preview, for the operator (never shown to the public)

    @property
    def failed(self) -> bool:
        return not (self.html or self.text)


def sanitise(html: str) -> str:
    import nh3

    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener nofollow ugc", strip_comments=True)


# ---- Readers run in the integrity checks' child process (gate/files.py SANDBOXED) ---------------

def read_docx(path: Path) -> dict:
    import mammoth

    with path.open("rb") as fh:
        # Images are dropped: they would inline the file's pictures as data: URLs into the page.
        result = mammoth.convert_to_html(fh, convert_image=mammoth.images.img_element(lambda image: {}))
    return {"html": result.value[:MAX_CHARS + 1]}


def read_pdf(path: Path) -> dict:
    import pypdf

    reader = pypdf.PdfReader(str(path))
    parts: list[str] = []
    size = 0
    for page in reader.pages[:200]:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > MAX_CHARS:
            break
    return {"text": "\n".join(parts)}


def read_doc(path: Path) -> dict:
    """The text of a Word 97-2003 file: its pieces (the CLX piece table), 8-bit or UTF-16 each."""
    import olefile

    with olefile.OleFileIO(str(path)) as ole:
        word = ole.openstream("WordDocument").read()
        flags = struct.unpack_from("<H", word, 0x0A)[0]
        table = ole.openstream("1Table" if flags & 0x0200 else "0Table").read()
    fc_clx, lcb_clx = struct.unpack_from("<II", word, 0x01A2)
    clx = table[fc_clx:fc_clx + lcb_clx]
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # Prc: formatting, skipped
        at += 3 + struct.unpack_from("<H", clx, at + 1)[0]
    if at >= len(clx) or clx[at] != 0x02:
        raise ValueError("no piece table")
    size = struct.unpack_from("<I", clx, at + 1)[0]
    plc = clx[at + 5:at + 5 + size]
    pieces = (len(plc) - 4) // 12
    cps = struct.unpack_from(f"<{pieces + 1}I", plc, 0)
    out: list[str] = []
    total = 0
    for k in range(pieces):
        fc = struct.unpack_from("<I", plc, 4 * (pieces + 1) + 8 * k + 2)[0]
        count = cps[k + 1] - cps[k]
        if fc & 0x40000000:
            start = (fc & 0x3FFFFFFF) // 2
            out.append(word[start:start + count].decode("cp1252", errors="replace"))
        else:
            out.append(word[fc:fc + 2 * count].decode("utf-16-le", errors="replace"))
        total += count
        if total > MAX_CHARS:
            break
    return {"text": _word_text("".join(out))}


def _word_text(raw: str) -> str:
    """Word's marks to plain text: paragraphs and cells to new lines, field codes dropped (results kept)."""
    out: list[str] = []
    depth = 0
    showing = [True]
    for ch in raw:
        if ch == "\x13":  # field begins: its code is hidden
            depth += 1
            showing.append(False)
        elif ch == "\x14" and depth:  # field separator: its result shows
            showing[-1] = True
        elif ch == "\x15" and depth:
            depth -= 1
            showing.pop()
        elif all(showing):
            out.append("\n" if ch in "\r\x07\x0b\x0c" else "" if ord(ch) < 32 and ch not in "\t\n" else ch)
    return "".join(out)


# ---- The build's side ------------------------------------------------------------------------------

def _limits() -> None:  # in the converter's process, before it starts
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _run(command: list[str]) -> tuple[str | None, str]:
    """(the tool's output, or None; why not)."""
    if shutil.which(command[0]) is None:
        return None, f"{command[0]} is not installed"
    try:
        out = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False, preexec_fn=_limits)
    except subprocess.TimeoutExpired:
        return None, f"{command[0]} took longer than {TIMEOUT} s"
    except OSError as exc:
        return None, f"{command[0]} could not run ({exc})"
    if out.returncode != 0:
        return None, f"{command[0]} failed ({out.stderr.decode('utf-8', 'replace').strip()[:200] or out.returncode})"
    return out.stdout.decode("utf-8", errors="replace"), ""


def _sandboxed(reader: str, path: Path) -> dict:
    from generator.gate.files import sandboxed

    return sandboxed(f"{__name__}:{reader}", path)


def _text(text: str) -> DocumentPreview:
    text = "\n".join(line.rstrip() for line in text.replace("\f", "\n").splitlines()).strip()
    return DocumentPreview(text=text[:MAX_CHARS], truncated=len(text) > MAX_CHARS)


def _with_fallback(tool: list[str], reader: str, path: Path) -> DocumentPreview:
    text, why = _run(tool)
    if text is not None and text.strip():
        return _text(text)
    answer = _sandboxed(reader, path)
    if "error" in answer:
        return DocumentPreview(problem=f"{why or tool[0] + ' found no text'}; the Python reader: {answer['error']}")
    if not answer["text"].strip():
        return DocumentPreview(problem=f"{why or tool[0] + ' found no text'}; the Python reader found no text "
                                       "(a scanned document?)")
    return _text(answer["text"])


def docx_preview(path: Path) -> DocumentPreview:
    answer = _sandboxed("read_docx", path)
    if "error" in answer:
        return DocumentPreview(problem=f"mammoth could not read it: {answer['error']}")
    html = answer["html"]
    return DocumentPreview(html=sanitise(html[:MAX_CHARS]), truncated=len(html) > MAX_CHARS)


def doc_preview(path: Path) -> DocumentPreview:
    # -w 0: no hard line wrapping; UTF-8 output keeps Vietnamese letters.
    return _with_fallback(["antiword", "-m", "UTF-8.txt", "-w", "0", str(path)], "read_doc", path)


def pdf_preview(path: Path) -> DocumentPreview:
    return _with_fallback(["pdftotext", "-enc", "UTF-8", "-l", "200", str(path), "-"], "read_pdf", path)


def preview(path: Path, fmt: str) -> DocumentPreview | None:
    if fmt == "docx":
        return docx_preview(path)
    if fmt == "doc":
        return doc_preview(path)
    if fmt == "pdf":
        return pdf_preview(path)
    return None


def previews(p: Portfolio, problems: Problems) -> dict[tuple[str, str], DocumentPreview]:
    """Every document's preview; a warning for the operator, naming the file, for each one that failed."""
    out: dict[tuple[str, str], DocumentPreview] = {}
    for d in p.datasets:
        for r in d.resources:
            if r.source is None or r.format not in FORMATS:
                continue
            doc = preview(r.source, r.format)
            out[(d.id, r.name)] = doc
            if doc.failed:
                rel = f"{d.rel_folder}/{r.path}"
                problems.warning(rel, f"không tạo được bản xem trước của “{r.path}”: {doc.problem}. Trang công khai chỉ "
                                      "mời tải tệp về.",
                                 f"no preview of “{r.path}” could be made: {doc.problem}. The public page only offers "
                                 "the download.",
                                 "cài antiword và poppler-utils (make system), hoặc kiểm tra tệp: tệp quét (ảnh) "
                                 "không có chữ để trích.",
                                 "install antiword and poppler-utils (make system), or check the file: a scanned "
                                 "document has no text to extract.",
                                 where=f"resources “{r.name}”")
    return out
