"""A document as one list of lines, each knowing its PDF page: the common ground of every parser."""
from __future__ import annotations

from dataclasses import dataclass

from ingest.models import PageText


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    gap_before: bool = False  # a blank line (or a page break) comes before it: a new paragraph starts


def document_lines(pages: list[PageText]) -> list[Line]:
    lines = []
    for p in pages:
        gap = True
        for line in p.text.splitlines():
            if line.strip():
                lines.append(Line(p.number, line, gap))
            gap = not line.strip()
    return lines


def first_line_on_page(lines: list[Line], page: int) -> int:
    """Index of the first line on ``page`` or, if the page is blank, on the next page with text."""
    for i, line in enumerate(lines):
        if line.page >= page:
            return i
    return len(lines)
