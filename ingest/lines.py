"""A document as one list of lines, each knowing its PDF page: the common ground of every parser."""
from __future__ import annotations

from dataclasses import dataclass

from ingest.models import PageText


@dataclass(frozen=True)
class Line:
    page: int
    text: str


def document_lines(pages: list[PageText]) -> list[Line]:
    return [Line(p.number, line) for p in pages for line in p.text.splitlines() if line.strip()]


def first_line_on_page(lines: list[Line], page: int) -> int:
    """Index of the first line on ``page`` or, if the page is blank, on the next page with text."""
    for i, line in enumerate(lines):
        if line.page >= page:
            return i
    return len(lines)
