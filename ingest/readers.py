"""Read a file into pages, keeping the PDF page number and the number each page prints.

PDFs are read page by page with pypdf, and pages without a text layer by Tesseract
(ingest.ocr) when OCR is on; plain text and Markdown papers are split on form feeds,
or on "Page N of M" footers when there are none.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

from ingest import ocr as ocr_reader
from ingest.models import PageText, PaperError

logging.getLogger("pypdf").setLevel(logging.ERROR)

SUPPORTED = (".pdf", ".txt", ".md", ".markdown")
PAGE_OF = re.compile(r"^\s*page\s+(\d{1,4})\s+of\s+\d{1,4}\s*$", re.I)
BARE_NUMBER = re.compile(r"^\s*(?:page\s+|-\s*)?(\d{1,4})(?:\s*-)?\s*$", re.I)
ROMAN = re.compile(r"^\s*([ivxl]{1,6})\s*$", re.I)


def printed_number(text: str) -> tuple[str | None, str]:
    """The page number a page prints in its header or footer, and the text without that line."""
    lines = text.splitlines()
    for idx in [i for i in range(len(lines)) if lines[i].strip()][-2:][::-1] + \
            [i for i in range(len(lines)) if lines[i].strip()][:1]:
        line = lines[idx]
        m = PAGE_OF.match(line) or BARE_NUMBER.match(line) or ROMAN.match(line)
        if m:
            rest = lines[:idx] + lines[idx + 1:]
            return m.group(1), "\n".join(rest)
    return None, text


def _clean(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\uf0b7", "•").replace("\uf020", " ")
    return re.sub(r"[ \t]+\n", "\n", text)


def read_pdf(path: Path, ocr: str = "off") -> list[PageText]:
    """Pages of a PDF; with ``ocr`` on (``auto``), pages whose text layer is (near) empty are read by Tesseract."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        head = path.read_bytes()[:1024]
    except OSError as exc:
        raise PaperError(f"{path.name}: cannot be read ({exc.strerror}).") from exc
    if not head:
        raise PaperError(f"{path.name}: the file is empty (0 bytes); export the paper again.")
    if b"%PDF" not in head:
        raise PaperError(f"{path.name}: not a PDF despite its name; save it as PDF and ingest it again.")
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise PaperError(f"{path.name}: the PDF is encrypted with a password; ingest an unprotected copy.")
            except PaperError:
                raise
            except Exception as exc:
                raise PaperError(f"{path.name}: the PDF is encrypted; ingest an unprotected copy.") from exc
        raw_pages = [page.extract_text() or "" for page in reader.pages]
    except PaperError:
        raise
    except (PdfReadError, Exception) as exc:  # pypdf raises many types on broken files
        raise PaperError(f"{path.name}: the PDF is damaged or truncated ({type(exc).__name__}); "
                         "download or export it again.") from exc
    if not raw_pages:
        raise PaperError(f"{path.name}: the PDF has no pages.")
    scanned = _read_scans(path, raw_pages) if ocr_reader.available(ocr) else {}
    pages = []
    for number, raw in enumerate(raw_pages, start=1):
        read = scanned.get(number)
        printed, text = printed_number(_clean(read.text if read else raw))
        pages.append(PageText(number=number, text=text.strip("\n"), printed=printed, ocr=read is not None,
                              ocr_confidence=read.confidence if read else None))
    return pages


def _read_scans(path: Path, raw_pages: list[str]) -> dict:
    """Tesseract's text for the pages that lack a text layer and hold an image, where it reads more than the
    layer had (a scan's layer may carry only a stamped page number)."""
    numbers = [n for n, raw in enumerate(raw_pages, start=1) if ocr_reader.needs_ocr(raw)]
    if not numbers:
        return {}
    try:
        read = ocr_reader.read_scanned(path, ocr_reader.scanned_pages(path, numbers))
    except Exception as exc:  # pdfium or Tesseract failing on one file must not stop the others
        raise PaperError(f"{path.name}: its scanned pages could not be read by OCR ({type(exc).__name__}); "
                         "export the paper again or ingest it with COMMITTEE_OCR=off.") from exc
    return {n: r for n, r in read.items() if len(r.text.strip()) > len(raw_pages[n - 1].strip())}


def read_text(path: Path) -> list[PageText]:
    try:
        raw = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise PaperError(f"{path.name}: cannot be read ({exc.strerror}).") from exc
    if "\f" in raw:
        chunks = raw.split("\f")
    else:
        chunks, current = [], []
        for line in raw.splitlines():
            current.append(line)
            if PAGE_OF.match(line):
                chunks.append("\n".join(current))
                current = []
        if current:
            chunks.append("\n".join(current))
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        printed, text = printed_number(_clean(chunk))
        pages.append(PageText(number=number, text=text.strip("\n"), printed=printed))
    while pages and not pages[-1].text.strip():
        pages.pop()
    return pages


def read_pages(path: Path, ocr: str = "off") -> list[PageText]:
    """Pages of a supported file; raises :class:`PaperError` with a one-line reason. ``ocr`` is
    ``Settings.ocr`` (auto | off), passed in; "off" here so a caller that passes no settings reads as before."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        pages = read_pdf(path, ocr)
    elif suffix in SUPPORTED:
        pages = read_text(path)
    else:
        raise PaperError(f"{path.name}: unsupported file type {suffix or '(none)'}; use PDF, text or Markdown.")
    if not any(p.text.strip() for p in pages):
        if suffix == ".pdf":
            raise PaperError(f"{path.name}: no text layer on any of its {len(pages)} pages (scanned images); "
                             f"run OCR on it first, or {ocr_reader.hint(ocr)}.")
        raise PaperError(f"{path.name}: the file holds no text.")
    return pages

