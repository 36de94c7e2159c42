"""The units an answer is made of: the sentences, list entries and table rows of a passage.

Ingest finds them (and their places in the text) so each can be given a vector from the
same model pass that embeds its chunk; the assistant finds them again in the passages it
retrieves, to quote the ones that answer the question.
"""
from __future__ import annotations

import re

_CELL = r"(?:\([-–]?[$£€]?\d[\d,.]*[$£€]?\)|[-–+]?[$£€]?\d[\d,.]*[kKmM]?[$£€]?%?|[-–][$£€]?|[$£€][-–])"  # 1,234.56 £528 42,004.71$ (1,234) -$ 3%
_AMOUNT = r"(?:\(?[-–]?[$£€]?\d{1,3}(?:,\d{3})+(?:\.\d+)?[$£€]?\)?|[-–]?[$£€]?\d+\.\d{2}[$£€]?|[$£€]\d[\d,.]*|\d[\d,.]*[$£€%])"
# a table row: a label, then three or more cells, or two when one is plainly an amount ("Audit Fees 25,440.00$ 26,250.00$")
TABULAR = re.compile(rf"(?:(?:{_CELL}\s+){{2,}}{_CELL}|(?:{_CELL}\s+)*{_AMOUNT}(?:\s+{_CELL})*\s+{_CELL}|"
                     rf"{_CELL}\s+{_AMOUNT})\s*$")
BULLET = re.compile(r"^\s*(?:[-•*o\uf0b7]\s|\(?[a-z]\)|\(?[ivx]{1,4}\)|\d+(?:\.\d+)+\.?\s|\d+[.)]\s)\s*")
FIELD = re.compile(r"^[A-Z][A-Za-z()/' ]{1,30}:\s+\S.{0,120}$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z£(\"'\d])")
CITED_SENTENCE_END = re.compile(r"(?<=[.!?\]])\s+(?=[A-Z£\"'(])")  # an answer's: "... £3m [1]. The ..."
WORD = re.compile(r"\S+")
SALUTATION = re.compile(r"^(?:dear|yours\s+(?:sincerely|faithfully|truly))\b.{0,40}$", re.I)
# a row of a plan by year ("2035 Replace Public Works Garage/Office … $4,000,000"), unless the line before runs on
# into it ("… the budget set in\n2024 Council …")
YEAR_ROW = re.compile(r"^((?:19|20)\d\d)(?:\s+[A-Z*]|\s*$)")
RUNS_ON = re.compile(r"(?:\b(?:in|of|for|to|from|since|and|by|the|until|during|before|after|on|at)|,)\s*$")
PAGE_RANGE_END = re.compile(r"(?<![\d,.$£€])\d{1,4}\s*[-–]\s*\d{1,4}\s*$")  # a front sheet's "Finance Report 25 - 70"


def tabular(line: str) -> bool:
    """Whether a line ends in a table row's cells (a front sheet's page range is not one)."""
    m = PAGE_RANGE_END.search(line)
    return bool(TABULAR.search(line[:m.start()] if m else line))
# a full stop that ends an initial or an abbreviation, not a sentence: "J.R. Smith", "Mr. Jones", "No. 480"
ABBREVIATION = re.compile(r"(?:^|[\s(.])(?:[A-Z]|Mr|Mrs|Ms|Dr|Cllr|Sr|Jr|St|No|Nos|Co|Inc|Ltd|Corp|Ord|Res|Sec|"
                          r"vs|approx|e\.g|i\.e)\.$")


def _split(text: str, pattern: re.Pattern) -> list[str]:
    """``text`` cut where ``pattern`` matches, except after an initial or abbreviation."""
    pieces: list[str] = []
    for piece in pattern.split(text):
        if pieces and ABBREVIATION.search(pieces[-1]):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    return pieces


def sentences(text: str, cited: bool = False) -> list[str]:
    """The sentences of a text, its line breaks read as spaces (the one sentence rule: ingest stores each
    sentence's span with its vector, and answers and briefings quote whole ones). ``cited``: an answer's
    text, whose sentences may end in citation marks."""
    flat = text.strip() if cited else re.sub(r"\s+", " ", text).strip()
    return [s for s in _split(flat, CITED_SENTENCE_END if cited else SENTENCE_END) if s.strip()]


CELL_LINE = re.compile(rf"\s*{_CELL}\s*")


def rows_of_cells(lines: list[str]) -> list[str]:
    """A table read a cell per line ("Total expenditure", "42,030", "39,655", "43,400") put back a row per
    line: a short label and the two or more lone figures after it are one row, as are lone figures with no
    label."""
    def cells_from(k: int) -> int:
        while k < len(lines) and CELL_LINE.fullmatch(lines[k]) and not YEAR_ROW.match(lines[k].strip()):
            k += 1  # a year alone on its line opens a plan's row ("2031"), it is not a cell of the one before
        return k

    out: list[str] = []
    k = 0
    while k < len(lines):
        label = lines[k].strip()
        first = k if CELL_LINE.fullmatch(lines[k]) else k + 1
        end = cells_from(first)
        if end - first >= 2 and (first == k or len(label) < 80 and not label.endswith((".", ":"))
                                 and not tabular(label)):
            row = " ".join(line.strip() for line in lines[k:end])
            # a plan's row opens with its year on the line before ("2024 Computer server/replacements")
            if first > k and out and YEAR_ROW.match(out[-1].strip()) and not tabular(out[-1]) and \
                    not out[-1].rstrip().endswith("."):
                row = f"{out.pop().strip()} {row}"
            out.append(row)
            k = end
        else:
            out.append(lines[k])
            k += 1
    return out


def split_units(text: str) -> list[str]:
    """Sentences of wrapped PDF text; table rows and list entries stay whole on their own."""
    units, buffer = [], []

    def flush():
        if buffer:
            para = re.sub(r"\s+", " ", " ".join(buffer)).strip()
            units.extend(s.strip() for s in _split(para, SENTENCE_END) if len(s.strip()) > 2)
            buffer.clear()

    for line in rows_of_cells(text.splitlines()):
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if SALUTATION.match(stripped):  # a letter's "Dear Mrs Clerk," closes its address block and opens its text
            flush()
            units.append(stripped)
            continue
        if FIELD.match(stripped):  # "Name: Sarah Ferguson", "Clerk Telephone: 01223 699177"
            flush()
            units.append(re.sub(r"\s+", " ", stripped))
            continue
        if tabular(stripped) and len(stripped) < 160 and not stripped.endswith("."):
            flush()
            units.append(re.sub(r"\s+", " ", stripped))
            continue
        ends = buffer and buffer[-1].rstrip().endswith((".", ":", "?")) and not ABBREVIATION.search(buffer[-1].rstrip())
        row = YEAR_ROW.match(stripped) and not (buffer and RUNS_ON.search(buffer[-1]))
        if BULLET.match(stripped) or row or (ends and stripped[:1].isupper()):
            flush()
        buffer.append(stripped)
    flush()
    return units


def unit_spans(text: str, offset: int = 0) -> list[tuple[str, int, int]]:
    """Each unit of ``text`` with the character span it covers (shifted by ``offset``).

    A unit is a run of the text's words with the spacing normalised, so it is found by
    matching its words in order; a unit that cannot be placed is left out."""
    words = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
    spans, cursor = [], 0
    for unit in split_units(text):
        want = unit.split()
        start = cursor
        while start < len(words) and [w[2] for w in words[start:start + len(want)]] != want:
            start += 1
        if start >= len(words):
            continue
        end = start + len(want) - 1
        spans.append((unit, offset + words[start][0], offset + words[end][1]))
        cursor = end + 1
    return spans
