"""parse_paper: one file in, one :class:`ParsedPaper` out, with no side effects.

    parsed = parse_paper(Path("pack.pdf"), TokenCounter(model_path))
    parsed.items[0]  # AgendaItem(number='2', title='Minutes ...', first_page=5, last_page=12)
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator

from ingest.actions import is_action_log_page, parse_action_log
from ingest.agenda import parse_front_sheet, parse_numbered_agenda
from ingest.bodies import find_body
from ingest.chunker import Segment, chunk_segments
from ingest.classify import classify, find_meeting_date, find_title, find_venue
from ingest.lines import Line, document_lines, first_line_on_page, is_furniture, running_furniture
from ingest.minutes import parse_minutes
from ingest.models import AgendaItem, PageText, Paper, ParsedPaper
from ingest.ocr import available as ocr_available
from ingest.ocr import hint as ocr_hint
from ingest.readers import read_pages
from ingest.registers import actions_in_minutes, parse_declarations, parse_recommendations
from ingest.restricted import apply as apply_restriction
from ingest.restricted import assess_pages


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_minutes(lines: list[Line], title: str) -> bool:
    head = " ".join(line.text for line in lines[:6])
    return bool(re.search(r"\bminutes\b", title + " " + head, re.I))


def parse_paper(path: Path, count: Callable[[str], int], chunk_tokens: int = 200,
                restricted: bool = False, content_hash: str | None = None, ocr: str = "off",
                ocr_min_confidence: float = 0) -> ParsedPaper:
    """Read, structure and chunk one paper. Raises :class:`ingest.models.PaperError`.

    ``ocr`` and ``ocr_min_confidence`` are ``Settings.ocr`` and ``Settings.ocr_min_confidence``: a scanned page
    read with less confidence keeps its page row, without its text, and its markings still count, but nothing
    of it reaches an answer."""
    content_hash = content_hash or file_hash(path)
    read = read_pages(path, ocr)
    doubtful = [p.number for p in read if p.ocr and (p.ocr_confidence or 0) < ocr_min_confidence]
    pages = [replace(p, text="") if p.number in doubtful else p for p in read]
    lines = document_lines(pages)
    source = path.name

    items, has_front_sheet, is_agenda = _find_items(pages, lines, source)
    pack_date, date_from = find_meeting_date(pages, source)
    found = _Found()
    log_pages = {p.number for p in pages if is_action_log_page(p.text)}
    for region, item in _regions(lines, items):
        found.read(region, item, log_pages, pack_date, minutes_only=not items and "minutes" in source.lower(),
                   records_agenda=is_agenda and not has_front_sheet)
    minutes, actions, segments, recommendations = found.minutes, found.actions, found.segments, found.recommendations
    record_pages = found.record_pages
    # actions marked in the minutes that no action log of this paper carries
    in_log = {a.minute for a in actions}
    actions.extend(a for a in found.minute_actions if a.minute not in in_log)
    doc_type = classify(pages, source, has_front_sheet, len(minutes), len(actions))
    body = find_body(pages, source)
    paper = Paper(doc_id=content_hash[:32], source=source, path=str(path.resolve()), doc_type=doc_type,
                  title=find_title(pages, source), committee=body.body, meeting_date=pack_date,
                  venue=find_venue(pages), page_count=len(pages), restricted=restricted, authority=body.authority,
                  meeting_kind=body.kind, committee_from=body.found_in, committee_printed=body.as_printed,
                  date_from=date_from)
    furniture = running_furniture(pages)  # a running footer is read by the parsers, never quoted
    segments = [replace(seg, lines=[ln for ln in seg.lines if not is_furniture(ln, furniture)]) for seg in segments]
    chunks = chunk_segments(paper.doc_id, [seg for seg in segments if seg.lines], count, max_tokens=chunk_tokens)
    if items and items[0].first_line >= 0:
        _label_agenda_chunks(chunks, items, lines)
    marks = assess_pages(read, record_pages, {it.first_page for it in items})
    if not items and doc_type == "report":
        recommendations = parse_recommendations(lines, None)
    warnings = _page_warnings(path, read, doubtful, ocr_min_confidence, ocr)
    parsed = ParsedPaper(paper=paper, pages=pages, items=items, minutes=minutes, actions=actions, chunks=chunks,
                         recommendations=recommendations, declarations=parse_declarations(minutes),
                         warnings=warnings, marks=marks)
    apply_restriction(parsed, [])
    return parsed


def _find_items(pages: list[PageText], lines: list[Line], source: str) -> tuple[list[AgendaItem], bool, bool]:
    """(agenda items, whether they come from a front sheet with page ranges, whether the paper is an agenda)."""
    items = parse_front_sheet(pages)
    has_front_sheet = len(items) >= 2
    opening = [line.text.strip().lower() for line in lines[:15]]
    is_agenda = any(re.match(r"^(?:\w+\s+){0,4}agenda\b", t) for t in opening) or "agenda" in source.lower()
    if not has_front_sheet and is_agenda and not any(t.startswith("minutes") for t in opening):
        items = parse_numbered_agenda(lines)
    return items, has_front_sheet, is_agenda


def _regions(lines: list[Line], items: list[AgendaItem]) -> Iterator[tuple[list[Line], AgendaItem | None]]:
    """(lines, item) for each item (and the front sheet before the first), or the whole paper when it has none."""
    if not items:
        yield lines, None
        return
    front_end = first_line_on_page(lines, items[0].first_page)
    if front_end:
        yield lines[:front_end], AgendaItem("", "Front sheet", lines[0].page, lines[front_end - 1].page)
    for k, it in enumerate(items):
        start = first_line_on_page(lines, it.first_page)
        end = first_line_on_page(lines, items[k + 1].first_page) if k + 1 < len(items) else len(lines)
        yield lines[start:end], it


@dataclass
class _Found:
    """What the regions of a paper hold, gathered region by region."""

    minutes: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    segments: list = field(default_factory=list)
    recommendations: list = field(default_factory=list)
    minute_actions: list = field(default_factory=list)
    record_pages: set[int] = field(default_factory=set)  # pages of minutes and agendas: they record exemption

    def read(self, region: list[Line], item: AgendaItem | None, log_pages: set[int], pack_date: str | None,
             minutes_only: bool, records_agenda: bool) -> None:
        number = item.number if item and item.number else None
        title = item.title if item else ""
        # an action log runs from its first page to the end of the item that holds it
        first_log = next((ln.page for ln in region if ln.page in log_pages), None)
        body = [ln for ln in region if first_log is None or ln.page < first_log]
        log = [ln for ln in region if first_log is not None and ln.page >= first_log]
        found = parse_minutes(body, number) if body and (_is_minutes(body, title) or minutes_only) else []
        self.minutes.extend(found)
        self.actions.extend(parse_action_log(log, pack_date, number) if log else [])
        if found or (item is not None and not item.number) or records_agenda:
            self.record_pages.update(ln.page for ln in body)
        if found:
            self.minute_actions.extend(actions_in_minutes(found, pack_date))
            cuts = [0] + [m.start_line for m in found] + [len(body)]
            for k, label in enumerate([None] + [m.number for m in found]):
                if body[cuts[k]:cuts[k + 1]]:
                    self.segments.append(Segment(body[cuts[k]:cuts[k + 1]], number, title, label, title))
        elif body:
            if item is not None and item.number:
                self.recommendations.extend(parse_recommendations(body, number))
            self.segments.append(Segment(body, number, title, None, title))
        if log:
            self.segments.append(Segment(log, number, title, None, "Action log"))


def _page_warnings(path: Path, pages: list, doubtful: list[int], min_confidence: float, ocr: str) -> list[str]:
    """One line for the pages still without text (with how to have them read when OCR could not run), and one
    for each scanned page read too poorly to answer from."""
    blank = [p.number for p in pages if not p.text.strip()]
    scanned = blank and len(pages) > 1 and path.suffix.lower() == ".pdf"  # an empty page of a text file is no scan
    how = "" if ocr_available(ocr) else f", or {ocr_hint(ocr)}"
    warnings = [f"{path.name}: pages {_ranges(blank)} have no text layer (scanned images); run OCR on them to make "
                f"them searchable{how}."] if scanned else []
    for p in pages:
        if p.number in doubtful:
            warnings.append(f"{path.name}: page {p.number} was read by OCR with {p.ocr_confidence or 0:.0f}% "
                            f"confidence (below {min_confidence:g}%), so answers leave it out; rescan it more "
                            "clearly and ingest it again.")
    return warnings


def _label_agenda_chunks(chunks, items: list[AgendaItem], lines: list[Line]) -> None:
    """On an agenda that prints its items as one list, each chunk carries the first item printed in it (or the
    item it continues), not the page's last item. The chunks keep their size: cutting one at every item made
    one-line chunks that crowded minutes out of the results (dev_real2 evidence@5 79 -> 67)."""
    current: AgendaItem | None = None
    for chunk in chunks:
        text = " ".join(chunk.text.split())
        printed = [it for it in items if " ".join(lines[it.first_line].text.split()) in text]
        first = printed[0] if printed else current
        if first is not None:
            chunk.item, chunk.item_title = first.number, first.title
        current = printed[-1] if printed else current


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> "1–3, 7"."""
    out, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            out.append(f"{start}–{n}" if n != start else str(n))
            start = None
    return ", ".join(out)
