"""Agenda items: read the front sheet's page ranges, cross-checked with "Agenda Item No: X" page headings.

A pack's front sheet lists "5  Finance & Performance Report - July 2018  25 - 70";
each report then starts on a page headed "Agenda Item No: 5". Either source alone
is unreliable (front sheets wrap and mangle lines; not every paper carries the
heading), so both are read and merged, and every page after the front sheet is
given to the item whose paper it belongs to.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.dates import DAY_MONTH_YEAR, MONTH_DAY_YEAR
from ingest.lines import Line
from ingest.models import AgendaItem, PageText
from ingest.numbering import alone, longest_run, references

RANGE_AT_END = re.compile(r"(?<![\d,.£$])(\d{1,4})\s*[-–—]\s*(\d{1,4})\s*$")
NUMBERED = re.compile(r"^[\s\-•*]*(?:item\s+)?(\d{1,2}[a-z]?)(?:[.)]\s*|\s+)(?=\S)(.*)$", re.I)
FIGURES_AT_END = re.compile(r"(?:[-£$]?\d[\d,.]*%?\s+)+[-£$]?\d[\d,.]*%?\s*$")  # a table row, not a title
SUB_ITEM = re.compile(r"^\s*\(?(?:[a-h]|i{1,3}|iv|v)\)\s")  # "(a) Planning Board recommends ..."
TITLE_LINES = 8  # lines an item's title may wrap over, at most
WRAPPED_LINE = 55  # a title line at least this long that ends mid-sentence runs on to the next line
ITEM_HEADING = re.compile(r"^\s*(?:agenda\s+)?item\s*(?:no\.?|number)?\s*[:.]?\s*(\d{1,2}[a-z]?(?:\.\d{1,2})?)\s*$", re.I)


@dataclass
class _Entry:
    number: str | None
    title: str
    first: int
    last: int


def _front_sheet_entries(pages: list[PageText], max_pages: int = 6) -> list[_Entry]:
    """Lines of the first pages that end in a page range, with the item number and title before it."""
    entries: list[_Entry] = []
    pending: list[str] = []  # title lines waiting for their range (titles that wrap)
    page_count = len(pages)
    for page in pages[:max_pages]:
        for raw in page.text.splitlines():
            line = raw.strip()
            if not line:
                continue
            m = RANGE_AT_END.search(line)
            if m and int(m.group(1)) <= int(m.group(2)) <= page_count and int(m.group(1)) > page.number:
                head = line[: m.start()].strip()
                text = " ".join(pending + [head]).strip() if not NUMBERED.match(head or "x x") or not head else head
                if head and NUMBERED.match(head):
                    text = head
                elif pending and NUMBERED.match(pending[0]):
                    text = " ".join(pending + [head]).strip()
                num_match = NUMBERED.match(text)
                number, title = (num_match.group(1), num_match.group(2)) if num_match else (None, text)
                entries.append(_Entry(number, _tidy(title), int(m.group(1)), int(m.group(2))))
                pending = []
            elif NUMBERED.match(line):
                pending = [line]
            elif pending and len(pending) < 3:
                pending.append(line)
    # keep a consistent, increasing run of ranges
    clean: list[_Entry] = []
    for e in entries:
        if clean and e.first <= clean[-1].first:
            continue
        clean.append(e)
    return clean


def _tidy(title: str) -> str:
    title = re.sub(r"\s+", " ", title).strip(" -–.")
    return re.sub(r"\.docx?$", "", title)


def item_headings(pages: list[PageText]) -> dict[int, str]:
    """Page number → item number for pages whose first lines say "Agenda Item No: X"."""
    found = {}
    for page in pages:
        for line in page.text.splitlines()[:4]:
            m = ITEM_HEADING.match(line)
            if m:
                found[page.number] = m.group(1).lower()
                break
    return found


def _page_title(page: PageText) -> str:
    for line in page.text.splitlines()[:6]:
        if line.strip() and not ITEM_HEADING.match(line):
            return _tidy(line)
    return ""


def parse_front_sheet(pages: list[PageText]) -> list[AgendaItem]:
    """Agenda items of a pack with page ranges that cover every page after the front sheet."""
    entries = _front_sheet_entries(pages)
    headings = item_headings(pages)
    by_start = {e.first: e for e in entries}
    for page_no, number in sorted(headings.items()):
        entry = by_start.get(page_no)
        if entry is not None:
            if entry.number is None or entry.number.lower() != number:
                entry.number = number
        elif number not in {e.number for e in entries if e.number}:
            entries.append(_Entry(number, _page_title(pages[page_no - 1]), page_no, page_no))
    entries.sort(key=lambda e: e.first)
    if not entries:
        return []
    # an unnumbered paper with no heading of its own belongs to the item before it
    merged: list[_Entry] = []
    for e in entries:
        if e.number is None and merged:
            continue
        merged.append(e)
    if merged[0].number is None:
        merged[0].number = "1"
    items = []
    for i, e in enumerate(merged):
        last = merged[i + 1].first - 1 if i + 1 < len(merged) else len(pages)
        items.append(AgendaItem(number=e.number, title=e.title, first_page=e.first, last_page=max(e.first, last)))
    return items


def _table_row(title: str) -> bool:
    """True for a line ending in figures (a table row), dates aside; a sentence ending in a figure and a full
    stop ("... the meetings held January 2 and 10, 2024.") is a title."""
    if title.rstrip().endswith(".") and re.search(r"[a-z]{3}", title):
        return False
    return bool(FIGURES_AT_END.search(MONTH_DAY_YEAR.sub(" ", DAY_MONTH_YEAR.sub(" ", title))))


def parse_numbered_agenda(lines: list[Line]) -> list[AgendaItem]:
    """Items of an agenda without page ranges: the longest run of lines numbered 1, 2, 3 ..."""
    best: list[tuple[int, Line, str]] = []
    for start in range(len(lines)):
        m = NUMBERED.match(lines[start].text)
        if not m or m.group(1) != "1" or len(m.group(2)) < 3 or _table_row(m.group(2)):
            continue
        run = [(1, lines[start], m.group(2), start)]
        for k in range(start + 1, len(lines)):
            line = lines[k]
            m2 = NUMBERED.match(line.text)
            if m2 and m2.group(1).isdigit() and int(m2.group(1)) == run[-1][0] + 1 and len(m2.group(2)) >= 3 \
                    and not _table_row(m2.group(2)):
                run.append((int(m2.group(1)), line, m2.group(2), k))
        if len(run) > len(best):
            best = run
    # a parish's running references ("25/001 Apologies", "25/002 Declarations of interest") number it otherwise
    refs = [(k, r) for k, r in references(lines) if len(r.title) >= 3 and not _table_row(r.title)]
    # a reference alone on its line has its title on the next: the title wraps on from there
    by_ref = [(r.printed, lines[k], r.title, k + 1 if alone(lines[k].text) else k) for k, r in longest_run(refs)]
    if len(by_ref) > len(best):
        best = by_ref
    if len(best) < 3:
        return []
    items = []
    for i, (number, line, title, k) in enumerate(best):
        last = best[i + 1][1].page if i + 1 < len(best) else lines[-1].page
        stop = best[i + 1][3] if i + 1 < len(best) else len(lines)
        for j in range(k + 1, min(stop, k + 1 + TITLE_LINES)):  # a title may wrap over several lines
            if lines[j].gap_before or not _wraps(title, lines[j - 1].text.strip(), lines[j].text.strip()):
                break
            title = f"{title.rstrip()} {lines[j].text.strip()}"
        items.append(AgendaItem(str(number), _tidy(title), line.page, max(line.page, last), first_line=k))
    return items


def _wraps(title: str, last_line: str, following: str) -> bool:
    """Whether an item's title runs on to the next line ("... lands located on Lot 4 of the" / "Harbour Road subdivision."): the
    title stops mid-phrase and the next line is short and ends the sentence, or the title ends on a word that
    cannot end one."""
    if (not following or NUMBERED.match(following) or SUB_ITEM.match(following)
            or re.search(r"[.:?!)]\s*$", title)):
        return False
    ends_phrase = re.search(r"(?:\b(?:of|the|and|on|for|to|in|at|by|with|a|an)|[,;–-])\s*$", title, re.I)
    return bool(ends_phrase) or (len(following) <= 60 and following.endswith(".")) or len(last_line) >= WRAPPED_LINE
