"""What the registers need beyond minutes and action logs: report recommendations, declarations of
interest, and actions recorded in minutes text ("... details of penalty clauses. ACTION").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.lines import Line
from ingest.models import Action, Minute
from ingest.records import RAISED_IN_MINUTES

RECOMMENDATION_START = re.compile(
    r"^\s*(?:recommendations?\s*[:.]?\s*|)(?:the\s+|that\s+(?:the\s+)?)?(?:[\w ]{0,30}?)?"
    r"(?:committee|cabinet|council|board|panel|members?)\s+(?:is|are)\s+(?:asked|recommended|requested|invited)\s+to\b|"
    r"^\s*recommendations?\s*:", re.I)
RECOMMENDATION_END = re.compile(r"^\s*(?:officer contact|member contacts?|name\s*:|post\s*:|1\.0?\s+[A-Z]|"
                                r"1\.\s+[A-Z]|background\b|purpose\s*:|introduction\b)", re.I)
DECLARED = re.compile(r"(?:(?:Councillor|Cllr\.?|Mr|Mrs|Ms|Miss|Dr)\s+)([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)"
                      r"[^.]{0,80}?\bdeclared\b[^.]*\.", re.S)
ITEM_OR_MINUTE = re.compile(r"\b(?:item|minute)\s+(?:no\.?\s*)?(\d+[a-z]?)\b", re.I)
NATURE = re.compile(r"\b(disclosable pecuniary|pecuniary|non-?pecuniary|personal|prejudicial|"
                    r"other significant|non-statutory disclosable|registrable|disclosable)\b[\w -]*?interest", re.I)
ACTION_MARK = re.compile(r"\bACTION\b(?!\s+LOG)")


@dataclass
class Recommendation:
    """What a report asks the meeting to decide ("The Committee is recommended to: a) Agree ...")."""

    item: str | None
    text: str
    first_page: int
    last_page: int


@dataclass
class Declaration:
    """A declaration of interest recorded in minutes."""

    minute: str
    councillor: str
    item_ref: str
    nature: str
    text: str
    meeting_date: str | None
    page: int


def parse_recommendations(lines: list[Line], item: str | None, max_pages: int = 3) -> list[Recommendation]:
    """The recommendation block near the start of a report (its cover sheet), one per item."""
    if not lines:
        return []
    last_page = lines[0].page + max_pages - 1
    for i, line in enumerate(lines):
        if line.page > last_page:
            break
        if not RECOMMENDATION_START.search(line.text):
            continue
        block = [line]
        for nxt in lines[i + 1:i + 30]:
            if RECOMMENDATION_END.search(nxt.text) or nxt.page > last_page + 1:
                break
            block.append(nxt)
        text = re.sub(r"\s+", " ", " ".join(b.text for b in block)).strip()
        text = re.sub(r"^recommendations?\s*[:.]\s*", "", text, flags=re.I)
        text = re.sub(r"\s+recommendation\.\s+", " ", text, flags=re.I)
        if len(text) > 20:
            return [Recommendation(item, text[:1500], block[0].page, block[-1].page)]
    return []


def parse_declarations(minutes: list[Minute]) -> list[Declaration]:
    found = []
    for m in minutes:
        if "declar" not in (m.title + m.text).lower():
            continue
        for d in DECLARED.finditer(m.text.replace("\n", " ")):
            sentence = re.sub(r"\s+", " ", d.group(0)).strip()
            ref = ITEM_OR_MINUTE.search(sentence)
            nature = NATURE.search(sentence)
            found.append(Declaration(minute=m.number, councillor=d.group(1), item_ref=ref.group(1) if ref else "",
                                     nature=nature.group(0) if nature else "interest", text=sentence,
                                     meeting_date=m.meeting_date, page=m.first_page))
    return found


def actions_in_minutes(minutes: list[Minute], log_date: str | None) -> list[Action]:
    """Actions marked "ACTION" in minutes text; ``status`` says they come from the minutes, not a log."""
    found = []
    for m in minutes:
        text = m.text.replace("\n", " ")
        for mark in ACTION_MARK.finditer(text):
            before = text[:mark.start()].rstrip()
            start = max(before.rfind(" - "), before.rfind("• "), before.rfind(". ", 0, len(before) - 2) + 1, 0)
            sentence = before[start:].strip(" -•")
            if len(sentence) < 10:
                continue
            found.append(Action(minute=m.number, report_title=m.title.title(), owner="", action=sentence,
                                comments="", status=RAISED_IN_MINUTES, review_date="",
                                log_date=log_date, meeting_date=m.meeting_date, first_page=m.first_page,
                                last_page=m.last_page, item=m.item))
    return found
