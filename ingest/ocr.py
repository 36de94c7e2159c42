"""Text for scanned pages: each page without a text layer is rendered with pypdfium2 and read by Tesseract.

Tesseract is called per page, not through ocrmypdf: ingest needs the text and word confidences, not a rewritten
PDF, and it measured 1.3x faster (1.43 against 1.10 pages/s, bench/results/ocr-notes.md). Only pages that lack
text and hold an image are read, so a mixed paper costs only its scanned pages and a blank page nothing.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

DPI = 300  # render resolution of a scan whose own resolution cannot be read (Tesseract's advice)
MIN_DPI, MAX_DPI = 150, 300  # a scan is rendered at its own resolution, within these
NEAR_EMPTY = 20  # a page whose text layer has fewer visible characters than this is taken for a scan
PROGRESS_FROM = 4  # a paper with this many scanned pages or more shows a progress bar on stderr
TIMEOUT = 300  # seconds for one page: a page that takes longer is not a page of text
INSTALL = "install Tesseract (apt-get install tesseract-ocr) and set COMMITTEE_OCR=auto"


@dataclass
class PageOCR:
    """What Tesseract read on one page: its lines, and the mean confidence of its words (0–100)."""

    text: str
    confidence: float | None


def available(mode: str) -> bool:
    """OCR runs when it is asked for (``auto``, the default) and Tesseract is on PATH."""
    return mode != "off" and shutil.which("tesseract") is not None


def hint(mode: str) -> str:
    """What would let ingest read a scan itself: OCR switched back on, or Tesseract installed."""
    if mode == "off":
        return "set COMMITTEE_OCR=auto so that Tesseract reads the scans"
    return INSTALL if not available(mode) else "check that its pages are not blank"


def needs_ocr(text: str) -> bool:
    """A scan's text layer is empty, or holds only what a scanning system stamps on it (a page number)."""
    return len("".join(text.split())) < NEAR_EMPTY


def scanned_pages(path: Path, numbers: list[int]) -> dict[int, int]:
    """Of ``numbers`` (1-based pages whose text layer is empty), those that hold an image (a scan, not a blank),
    each with the resolution to render it at: the scan's own, so its pixels reach Tesseract unresampled.
    Resampling a worn scan cost more words than any fixed DPI gained (bench/results/ocr-notes.md)."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    pdf = pypdfium2.PdfDocument(str(path))
    found: dict[int, int] = {}
    try:
        for n in numbers:
            page = pdf[n - 1]
            images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
            if images:
                found[n] = _render_dpi(images)
    finally:
        pdf.close()
    return found


def _render_dpi(images) -> int:
    """The resolution of a page's largest image as placed on the page, within MIN_DPI–MAX_DPI."""
    def area(image) -> float:
        left, bottom, right, top = image.get_bounds()
        return (right - left) * (top - bottom)

    native = max(images, key=area).get_metadata().horizontal_dpi
    return round(min(max(native, MIN_DPI), MAX_DPI)) if native > 0 else DPI


def read_scanned(path: Path, pages: dict[int, int]) -> dict[int, PageOCR]:
    """Tesseract's reading of each page (1-based number: render DPI), with a progress bar when there are several."""
    import pypdfium2
    from tqdm import tqdm

    out: dict[int, PageOCR] = {}
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        bar = tqdm(sorted(pages), desc=f"OCR {path.name}", unit="page", file=sys.stderr, leave=False,
                   disable=len(pages) < PROGRESS_FROM or not _owns_terminal())
        for n in bar:
            image = pdf[n - 1].render(scale=pages[n] / 72, grayscale=True).to_pil()
            out[n] = read_image(image)
    finally:
        pdf.close()
    return out


def _owns_terminal() -> bool:
    """Whether this process may draw a bar: not an ingest worker (its parent draws) and no live display holds
    stderr (the CLI's bar), where every redraw would print as a line of its own."""
    import multiprocessing

    return multiprocessing.parent_process() is None and sys.stderr is sys.__stderr__


def read_image(image) -> PageOCR:
    """One Tesseract pass (its TSV output) giving both the words, laid out in lines, and their confidences.

    Tesseract is run with one thread (OMP_THREAD_LIMIT=1): on two busy cores its OpenMP threads made it 5x
    slower, and the parallelism is the ingest workers'. The process's own environment is left as it is, since
    the embedding model's threads read it (hence the direct call, not pytesseract, which passes os.environ)."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    done = subprocess.run(["tesseract", "stdin", "stdout", "-l", "eng", "tsv"], input=buffer.getvalue(),
                          capture_output=True, timeout=TIMEOUT, check=True,
                          env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    lines: dict[tuple[str, str, str], list[str]] = {}
    confidences: list[float] = []
    for row in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or not cells[11].strip() or float(cells[10]) < 0:
            continue
        lines.setdefault((cells[2], cells[3], cells[4]), []).append(cells[11])
        confidences.append(float(cells[10]))
    text = "\n".join(" ".join(words) for words in lines.values())
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    return PageOCR(text, mean)
