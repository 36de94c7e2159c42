"""Scanned pages read by Tesseract at ingest: real scans made here (reportlab text, rendered by pypdfium2,
wrapped as an image-only PDF by PIL), so the test reads what a scanner would give."""
from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

TESSERACT = pytest.mark.skipif(shutil.which("tesseract") is None,
                               reason="Tesseract is not installed (apt-get install tesseract-ocr)")

MINUTES = [
    ["HIGHWAYS COMMITTEE", "Minutes of the meeting held on 3 March 2022 at County Hall", "",
     "11. APOLOGIES FOR ABSENCE", "Apologies were received from Councillor Ashdown."],
    ["12. MILL LANE TRAFFIC CALMING", "The committee considered the report on speeding in Mill Lane.",
     "It was resolved unanimously to approve spending of £48,500 on speed cushions in Mill Lane.", "",
     "13. DATE OF NEXT MEETING", "The next meeting will be held on 7 April 2022."],
]
SECRET = ["Agenda Item No: 7", "NOT FOR PUBLICATION", "by virtue of paragraph 3 of Part 1 of Schedule 12A",
          "NIGHTINGALE HOUSE SALE", "The sale of Nightingale House was negotiated by the estates team."]


def text_pdf(path: Path, pages: list[list[str]], size: float = 11, leading: float = 16) -> Path:
    """A text PDF of ``pages`` (lists of lines) in Helvetica ``size``."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        y = 800
        for line in lines:
            c.setFont("Helvetica", size)
            c.drawString(50, y, line)
            y -= leading
        c.showPage()
    c.save()
    return path


def scanned_pdf(path: Path, pages: list[list[str]], scanned: set[int] | None = None, dpi: int = 200,
                size: float = 11) -> Path:
    """A PDF of ``pages`` whose 1-based ``scanned`` pages (all by default) are images only, as a scanner
    makes them at ``dpi``; the others keep their text layer."""
    import pypdfium2
    from pypdf import PdfReader, PdfWriter

    source = text_pdf(path.with_suffix(".text.pdf"), pages, size)
    pdf = pypdfium2.PdfDocument(str(source))
    images = [pdf[k].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for k in range(len(pdf))]
    pdf.close()
    scan = path.with_suffix(".scan.pdf")
    images[0].save(scan, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    scanned = set(range(1, len(pages) + 1)) if scanned is None else scanned
    text, image = PdfReader(source), PdfReader(scan)
    writer = PdfWriter()
    for n in range(1, len(pages) + 1):
        writer.add_page((image if n in scanned else text).pages[n - 1])
    with open(path, "wb") as fh:
        writer.write(fh)
    source.unlink()
    scan.unlink()
    return path


def _words(text: str) -> int:
    return len(text.split())


@TESSERACT
def test_a_scanned_page_is_read_by_tesseract_with_its_confidence(tmp_path):
    from ingest.readers import read_pages

    pages = read_pages(scanned_pdf(tmp_path / "minutes.pdf", MINUTES), ocr="auto")
    assert [p.ocr for p in pages] == [True, True]
    assert all(p.ocr_confidence is not None and 80 <= p.ocr_confidence <= 100 for p in pages)
    assert "£48,500 on speed cushions in Mill Lane" in pages[1].text
    assert pages[1].text.splitlines()[0] == "12. MILL LANE TRAFFIC CALMING"  # lines kept, for the parsers


def test_ocr_off_or_missing_keeps_the_one_line_refusal_and_says_how_to_install(tmp_path, monkeypatch):
    from ingest import ocr
    from ingest.models import PaperError
    from ingest.readers import read_pages

    scan = tmp_path / "minutes.pdf"
    scanned_pdf(scan, MINUTES)
    with pytest.raises(PaperError, match="set COMMITTEE_OCR=auto") as off:
        read_pages(scan, ocr="off")
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    with pytest.raises(PaperError, match=r"apt-get install tesseract-ocr\) and set COMMITTEE_OCR=auto") as missing:
        read_pages(scan, ocr="auto")
    for error in (off.value, missing.value):
        assert str(error).startswith("minutes.pdf: no text layer on any of its 2 pages") and "\n" not in str(error)


def test_a_partly_scanned_paper_without_ocr_is_ingested_with_a_warning_saying_how_to_read_it(tmp_path, monkeypatch):
    from ingest import ocr
    from ingest.pipeline import parse_paper

    paper = scanned_pdf(tmp_path / "minutes.pdf", MINUTES, scanned={2})
    assert parse_paper(paper, _words, ocr="off").warnings == [
        "minutes.pdf: pages 2 have no text layer (scanned images); run OCR on them to make them searchable, or "
        "set COMMITTEE_OCR=auto so that Tesseract reads the scans."]
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    parsed = parse_paper(paper, _words, ocr="auto")
    assert parsed.warnings[0].endswith("or install Tesseract (apt-get install tesseract-ocr) and set COMMITTEE_OCR=auto.")
    assert not any(p.ocr for p in parsed.pages) and all(c.last_page == 1 for c in parsed.chunks)


@TESSERACT
def test_a_mixed_paper_has_only_its_image_page_read_by_ocr(tmp_path, monkeypatch):
    from ingest import ocr
    from ingest.readers import read_pages

    read = []
    real = ocr.read_image
    monkeypatch.setattr(ocr, "read_image", lambda image: read.append(image) or real(image))
    pages = read_pages(scanned_pdf(tmp_path / "mixed.pdf", MINUTES, scanned={2}), ocr="auto")
    assert len(read) == 1
    assert (pages[0].ocr, pages[0].ocr_confidence) == (False, None)
    assert pages[0].text.startswith("HIGHWAYS COMMITTEE")
    assert pages[1].ocr and "Mill Lane" in pages[1].text


@TESSERACT
def test_a_marking_on_a_scanned_page_restricts_it(tmp_path):
    from ingest.pipeline import parse_paper

    report = [["Agenda Item No: 6", "LIBRARY REPAIRS", "The roof of the central library will be repaired."], SECRET]
    parsed = parse_paper(scanned_pdf(tmp_path / "property-pack.pdf", report, scanned={2}), _words, ocr="auto",
                         ocr_min_confidence=60)
    assert parsed.pages[1].ocr and "NOT FOR PUBLICATION" in parsed.pages[1].text
    assert parsed.restricted_pages == {2}
    assert all(c.restricted for c in parsed.chunks if c.last_page == 2)


@TESSERACT
def test_a_page_read_below_the_confidence_floor_gives_no_chunks_and_a_warning(tmp_path):
    from ingest.pipeline import parse_paper

    paper = scanned_pdf(tmp_path / "minutes.pdf", MINUTES, scanned={2})
    parsed = parse_paper(paper, _words, ocr="auto", ocr_min_confidence=100)  # no scan is read that surely
    assert parsed.chunks and all(c.last_page == 1 for c in parsed.chunks)
    assert [p.number for p in parsed.pages if p.ocr] == [2] and parsed.pages[1].text == ""
    assert len(parsed.warnings) == 1
    assert parsed.warnings[0].startswith("minutes.pdf: page 2 was read by OCR with ")
    assert "below 100%" in parsed.warnings[0]
    kept = parse_paper(paper, _words, ocr="auto", ocr_min_confidence=60)
    assert not kept.warnings and any(c.last_page == 2 for c in kept.chunks)


def test_settings_carry_the_ocr_mode_and_floor_from_the_environment():
    from committee.settings import Settings

    assert (Settings().ocr, Settings().ocr_min_confidence) == ("auto", 60)
    s = Settings.from_env(env={"COMMITTEE_OCR": "off", "COMMITTEE_OCR_MIN_CONFIDENCE": "75"})
    assert (s.ocr, s.ocr_min_confidence) == ("off", 75)


def test_a_citation_of_a_scanned_page_says_so():
    from assistant.models import Citation

    c = Citation(number=1, source="minutes.pdf", pages=[2], committee="Highways Committee",
                 meeting_date="2022-03-03", item=None, item_title="", minute="12", doc_type="minutes", text="",
                 score=1.0)
    assert "(scanned page, OCR)" not in c.label() and "ocr" not in c.to_json()
    scanned = replace(c, ocr=True)
    assert scanned.label() == "Highways Committee · 3 Mar 2022 minutes · minute 12 · p. 2 (scanned page, OCR)"
    assert scanned.to_json()["ocr"] is True


@TESSERACT
@pytest.mark.slow
def test_a_scanned_paper_is_ingested_and_answers_cite_it_as_ocr(fresh_library, tmp_path):
    from assistant.service import Assistant

    paper = scanned_pdf(tmp_path / "highways-committee-2022-03-03-minutes.pdf", MINUTES, scanned={2})
    report = fresh_library.ingest([paper])
    assert report.ok and not report.warnings, (report.failed, report.warnings)
    assert len(report.notes) == 1 and re.fullmatch(r"highways-committee-2022-03-03-minutes\.pdf: 1 scanned page read "
                                                   r"by OCR \(page 2, mean confidence (8|9)\d%\)\.", report.notes[0])
    doc_id = fresh_library.registry.documents()[0].doc_id
    assert fresh_library.registry.scanned(doc_id, 2, 2) and not fresh_library.registry.scanned(doc_id, 1, 1)
    answer = Assistant(fresh_library.settings, library=fresh_library).ask(
        "How much was approved for speed cushions in Mill Lane?")
    assert not answer.abstained and "48,500" in answer.answer
    cited = [c for c in answer.citations if 2 in c.pages]
    assert cited and all("(scanned page, OCR)" in c.label() for c in cited)
    assert all("(scanned page, OCR)" not in c.label() for c in answer.citations if 2 not in c.pages)


PACK = [
    ["HIGHWAYS COMMITTEE", "AGENDA", "Meeting date: 3 March 2022", "Venue: Council Chamber, Town Hall",
     "1. Apologies for absence (Pages 1 - 1)", "2. Speed cushions in Mill Lane (Pages 2 - 3)",
     "3. Winter gritting routes (Pages 4 - 4)"],
    ["Agenda Item 2", "SPEED CUSHIONS IN MILL LANE", "Report of the Head of Highways",
     "Residents asked for traffic calming after three collisions in 2021."],
    ["The Committee is recommended to approve speed cushions in Mill Lane at a cost of",
     "48,500 pounds, funded from the road safety budget."],
    ["Agenda Item 3", "WINTER GRITTING ROUTES", "Report of the Head of Highways",
     "Twelve routes will be gritted before 6am on forecast frost days."],
]


@TESSERACT
def test_a_scanned_agenda_pack_keeps_its_items_and_pages_and_answers_from_them(fresh_library, tmp_path):
    """A whole pack scanned: its front sheet's items and page ranges are read from the OCR text, and the item's
    report answers with a citation that says it was read from a scan."""
    from assistant.service import Assistant

    pack = scanned_pdf(tmp_path / "highways-committee-2022-03-03-agenda-pack.pdf", PACK)
    assert fresh_library.ingest([pack]).ok
    items = {i.item: (i.title, i.pages) for i in fresh_library.registry.items()}
    assert items["2"][0].lower().startswith("speed cushions in mill lane") and items["2"][1] == [2, 3]
    answer = Assistant(fresh_library.settings, library=fresh_library).ask(
        "What does item 2 ask the committee to approve for Mill Lane?")
    assert not answer.abstained and "48,500" in answer.answer
    assert any("(scanned page, OCR)" in c.label() for c in answer.citations if set(c.pages) & {2, 3})
