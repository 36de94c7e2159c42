"""OCR benchmark: scanned pages per second and mean word confidence, as ingest reads them (ingest.ocr).

    python bench/ocr_bench.py [--pages 5] [--dpi 300 200] [--rough] [--compare]

Makes its own scan (reportlab text rendered by pypdfium2, saved as an image-only PDF by PIL at --scan-dpi;
--rough rotates, blurs and speckles it as a worn photocopy). --compare also times pytesseract (its default
threads) and ocrmypdf --skip-text, where they are installed. Figures: bench/results/ocr-notes.md.
"""
from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PARAGRAPH = ("The committee considered the report on highway maintenance and the budget for the coming year, "
             "noting that the cost of resurfacing had risen by twelve per cent since the last review. ") * 5


def page_lines(n: int) -> list[str]:
    words = PARAGRAPH.split()
    lines = ["HIGHWAYS COMMITTEE", f"Minutes of the meeting held on {n} March 2022", ""]
    lines += [" ".join(words[i:i + 12]) for i in range(0, len(words), 12)]
    return lines + ["", f"{n}. ROAD SAFETY SCHEME", f"It was resolved to approve spending of £{n},250 on the scheme."]


def word_accuracy(expected: str, read: str) -> float:
    """Share of the printed words that OCR read right, in order (difflib's matching blocks)."""
    import difflib

    a, b = expected.split(), read.split()
    return sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()) / len(a)


def make_scan(path: Path, pages: int, scan_dpi: int, size: float, rough: bool) -> Path:
    import pypdfium2
    from PIL import Image, ImageFilter
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    text = path.with_suffix(".text.pdf")
    c = canvas.Canvas(str(text), pagesize=A4)
    for n in range(1, pages + 1):
        y = 800
        for line in page_lines(n):
            c.setFont("Helvetica", size)
            c.drawString(50, y, line)
            y -= size * 1.5
        c.showPage()
    c.save()
    pdf = pypdfium2.PdfDocument(str(text))
    images = [pdf[k].render(scale=scan_dpi / 72, grayscale=True).to_pil().convert("L") for k in range(len(pdf))]
    pdf.close()
    if rough:
        rng = random.Random(20)
        images = [_worn(im, rng, Image, ImageFilter) for im in images]
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=scan_dpi)
    text.unlink()
    return path


def _worn(image, rng, Image, ImageFilter):
    """A photocopy's faults: a slight skew, soft edges and specks."""
    image = image.rotate(rng.uniform(-1.2, 1.2), fillcolor=255, resample=Image.BICUBIC)
    image = image.filter(ImageFilter.GaussianBlur(0.9))
    pixels = image.load()
    for _ in range(image.width * image.height // 400):
        pixels[rng.randrange(image.width), rng.randrange(image.height)] = rng.choice((0, 90, 255))
    return image


def bench_committee(scan: Path, pages: int, dpi: int) -> tuple[float, float, float]:
    """(pages/s, mean confidence, word accuracy) of ingest's own OCR at ``dpi`` (0: as ingest chooses)."""
    from ingest import ocr

    start = time.perf_counter()
    chosen = ocr.scanned_pages(scan, list(range(1, pages + 1)))
    read = ocr.read_scanned(scan, {n: dpi or d for n, d in chosen.items()})
    seconds = time.perf_counter() - start
    accuracy = sum(word_accuracy("\n".join(page_lines(n)), r.text) for n, r in read.items()) / pages
    return pages / seconds, sum(r.confidence or 0 for r in read.values()) / pages, accuracy


def bench_pytesseract(scan: Path, pages: int, dpi: int) -> tuple[float, float] | None:
    try:
        import pytesseract
    except ImportError:
        return None
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(scan))
    start, means = time.perf_counter(), []
    for k in range(pages):
        data = pytesseract.image_to_data(pdf[k].render(scale=dpi / 72, grayscale=True).to_pil(),
                                         output_type=pytesseract.Output.DICT)
        confs = [float(c) for c, w in zip(data["conf"], data["text"]) if w.strip() and float(c) >= 0]
        means.append(sum(confs) / len(confs))
    return pages / (time.perf_counter() - start), sum(means) / pages


def bench_ocrmypdf(scan: Path, pages: int, command: str) -> float | None:
    if not shutil.which(command):
        return None
    out = scan.with_name("ocrmypdf-out.pdf")
    start = time.perf_counter()
    subprocess.run([command, "-q", "--skip-text", "-j", "1", "--output-type", "pdf", "--optimize", "0",
                    str(scan), str(out)], check=True)
    from pypdf import PdfReader

    assert "ROAD SAFETY" in PdfReader(out).pages[0].extract_text()
    return pages / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=5)
    ap.add_argument("--dpi", type=int, nargs="+", default=[0], help="render DPI for Tesseract (0: the scan's own)")
    ap.add_argument("--scan-dpi", type=int, default=200, help="resolution the scan is made at")
    ap.add_argument("--size", type=float, default=11, help="font size of the scanned text, points")
    ap.add_argument("--rough", action="store_true", help="a worn photocopy: skewed, blurred, speckled")
    ap.add_argument("--compare", action="store_true", help="also pytesseract and ocrmypdf, where installed")
    ap.add_argument("--ocrmypdf", default="ocrmypdf", help="the ocrmypdf command")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scan = make_scan(Path(tmp) / "scan.pdf", args.pages, args.scan_dpi, args.size, args.rough)
        kind = f"{args.pages} pages, {args.size:g} pt text scanned at {args.scan_dpi} DPI{', rough' if args.rough else ''}"
        for dpi in args.dpi:
            rate, conf, accuracy = bench_committee(scan, args.pages, dpi)
            print(f"committee (ingest.ocr) at {dpi or 'its own'} DPI: {rate:.2f} pages/s, mean confidence {conf:.1f}, "
                  f"words right {accuracy:.1%} ({kind})")
            if args.compare:
                found = bench_pytesseract(scan, args.pages, dpi or args.scan_dpi)
                print(f"pytesseract at {dpi or args.scan_dpi} DPI: " + (f"{found[0]:.2f} pages/s, mean confidence {found[1]:.1f}"
                                                      if found else "not installed"))
        if args.compare:
            rate = bench_ocrmypdf(scan, args.pages, args.ocrmypdf)
            print("ocrmypdf --skip-text -j 1 (scan's own DPI, then pypdf): "
                  + (f"{rate:.2f} pages/s" if rate else "not installed"))


if __name__ == "__main__":
    main()
