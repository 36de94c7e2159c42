"""A document as one list of lines, each knowing its PDF page: the common ground of every parser."""
from __future__ import annotations

import re
from collections import Counter
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


# a running footer or header, once its numbers are set aside: "Minutes – March 18, 2025 – Page 2", a firm's
# legal line under every slide; a short repeated line (a table's column heads, the authority's name) is kept
RUNNING_MARK = re.compile(r"\bpage #|©|\ball rights reserved\b", re.I)


def _shape(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text.strip().lower()))


def running_furniture(pages: list[PageText], edge: int = 3, share: float = 0.5) -> set[str]:
    """Lines (by shape, numbers as #) among the first or last ``edge`` lines of at least three pages and
    ``share`` of them that are page furniture, not content: a page counter or a long legal line."""
    if len(pages) < 3:
        return set()
    seen: Counter = Counter()
    for p in pages:
        lines = [ln for ln in p.text.splitlines() if ln.strip()]
        seen.update({_shape(ln) for ln in lines[:edge] + lines[-edge:]})
    return {shape for shape, n in seen.items() if n >= max(3, share * len(pages))
            and (RUNNING_MARK.search(shape) or len(shape) >= 80)}


def is_furniture(line: Line, furniture: set[str]) -> bool:
    return bool(furniture) and _shape(line.text) in furniture
