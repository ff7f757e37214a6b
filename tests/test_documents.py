"""Document previews never depend on a tool the machine lacks, never run an agency's file in the
build's own process, and say plainly when there is nothing to show (the operator is told why)."""

from __future__ import annotations

import pikepdf
import pytest

from conftest import ROOT, copy_portal

from generator.build.pipeline import build
from generator.publish.discovery import documents

FORMS = ROOT / "data/so-tttt/bieu-mau-du-lieu-mo"
BUDGET = "data/so-tai-chinh/du-toan-ngan-sach-2025"


@pytest.fixture
def no_tools(monkeypatch):
    """A machine without antiword and pdftotext."""
    real = documents.shutil.which
    monkeypatch.setattr(documents.shutil, "which", lambda name: None if name in ("antiword", "pdftotext") else real(name))


def test_without_antiword_and_pdftotext_python_readers_stand_in(no_tools):
    doc = documents.preview(FORMS / "vi-du-dinh-dang-word-97.doc", "doc")
    assert "This is a Word document" in doc.text and not doc.failed
    pdf = documents.preview(ROOT / BUDGET / "thuyet-minh-du-toan-2025.pdf", "pdf")
    assert "THUYẾT MINH" in pdf.text and "SỞ TÀI CHÍNH" in pdf.text


def test_docx_is_read_outside_the_build_process(monkeypatch):
    import mammoth

    def refuse(*args, **kwargs):
        raise AssertionError("mammoth ran in the build's process")

    monkeypatch.setattr(mammoth, "convert_to_html", refuse)
    doc = documents.preview(FORMS / "mau-01-de-nghi-bo-sung-danh-muc.docx", "docx")
    assert "PHIẾU ĐỀ NGHỊ" in doc.html.upper() and "<table>" in doc.html


def test_a_damaged_docx_is_a_plain_message_and_an_operator_warning(tmp_path):
    bad = tmp_path / "hong.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    doc = documents.preview(bad, "docx")
    assert doc.failed and "mammoth" in doc.problem


def test_a_pdf_without_text_warns_the_operator_and_tells_the_public_plainly(tmp_path, no_tools):
    portal = copy_portal(tmp_path / "portal")
    blank = pikepdf.new()
    blank.add_blank_page()
    blank.save(portal / BUDGET / "thuyet-minh-du-toan-2025.pdf")
    result = build(portal, tmp_path / "site")
    warned = [w for w in result.warnings if w.file == f"{BUDGET}/thuyet-minh-du-toan-2025.pdf"]
    assert len(warned) == 1 and "thuyet-minh-du-toan-2025.pdf" in warned[0].en and "preview" in warned[0].en
    page = (tmp_path / "site/datasets/du-toan-ngan-sach-2025/preview/thuyet-minh/index.html").read_text("utf-8")
    assert "data-od-no-preview" in page and "Hãy tải tệp về để đọc" in page
    for internal in ("antiword", "pdftotext", "công cụ", "pypdf", "needs"):
        assert internal not in page
