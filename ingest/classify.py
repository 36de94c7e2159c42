"""What a paper is: its type, title, meeting date and venue, read from its first pages (its body: ingest.bodies).

Kept deliberately generic: words councils everywhere print ("Agenda", "Minutes",
"Action Log", "Meeting Date:", "Committee", "Council", "Cabinet"), never a rule
for one publisher.
"""
from __future__ import annotations

import re

from ingest.bodies import FILE_DATE
from ingest.dates import find_dates
from ingest.models import PageText

VENUE = re.compile(r"^(?:venue|place|location)\s*:\s*(.+)$|^(.*\b(?:Room|Chamber|Hall|Centre|Center|House)\b.*)$",
                   re.I | re.M)


def _title_case(name: str) -> str:
    name = re.sub(r"^to\s+", "", re.sub(r"\s+", " ", name).strip(" ,.-:"), flags=re.I)
    return name.title() if name.isupper() else name


NOT_MEETING_DATE = re.compile(r"\b(?:minutes|previous|last\s+meeting|published|posted|prepared|printed|issued|"
                              r"dispatch|despatch|dated?\b|as\s+at|year\s+ended|revised|updated|amended|next)", re.I)
MINUTES_TITLE = re.compile(r"^\s*(?:draft\s+|unconfirmed\s+|confirmed\s+|approved\s+)?minutes\s+of\b", re.I)
HELD_ON = re.compile(r"\b(?:held|will\s+be\s+held|meeting)\b[^.\n]{0,80}?\bon\b", re.I)


def find_meeting_date(pages: list[PageText], source: str = "") -> tuple[str | None, str]:
    """(ISO date of the meeting, where it was found: "text", "file name" or "none"). The paper's words win, in
    this order: the minutes' own title ("Minutes of the meeting … held on …"), a "Meeting date:" line, a date in the title block, a date in a "held on …" sentence; the file
    name's date only when the opening text gives none."""
    head = "\n".join(p.text for p in pages[:2])[:4000]
    lines = head.splitlines()
    def plain(line: str) -> bool:  # not an item's line ("2. Minutes - 12 September 2019") nor an issue date
        return not re.match(r"^\s*\(?\d{1,3}[a-z]?[.)]\s", line) and not NOT_MEETING_DATE.search(line)

    for k, line in enumerate(lines[:8]):  # minutes' own title: "Minutes of the Meeting of X held on 13th January"
        if MINUTES_TITLE.match(line) and (dates := find_dates(" ".join(lines[k:k + 2]))):
            return dates[0][1].isoformat(), "text"
    for line in lines[:60]:
        if re.search(r"\b(meeting\s+date|date\s+of\s+meeting|^date)\b\s*:?", line, re.I) and plain(line):
            dates = find_dates(line)
            if dates:
                return dates[0][1].isoformat(), "text"
    # a date in the title block, then one in a "held on …" sentence
    dates = find_dates("\n".join(ln for ln in lines[:15] if plain(ln)))
    if dates:
        return dates[0][1].isoformat(), "text"
    flat = " ".join(" ".join(ln for ln in lines[:40] if plain(ln)).split())
    for m in HELD_ON.finditer(flat):
        dates = find_dates(flat[m.end():m.end() + 60])
        if dates:
            return dates[0][1].isoformat(), "text"
    if (m := FILE_DATE.search(source)):
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}", "file name"
    dates = find_dates(head)
    return (dates[0][1].isoformat(), "text") if dates else (None, "none")


ROOM = re.compile(r"^(.*\b(?:Room|Chamber|Chambers)\b.*)$", re.I | re.M)


HELD_AT = re.compile(r"\bmeetings?(?:\s+of\s+[^.]{0,60}?)?\s+(?:was\s+|were\s+|will\s+be\s+|is\s+|are\s+)?held\s+(?:in\s+person\s+)?(?:in|at)\s+(?:the\s+)?(.{6,160}?)(?=\s+on\s+(?:\w+day|\d)|,?\s+at\s+\d|"
                     r"\s+commencing\b|,?\s+and\s+(?:virtually|livestreamed|online|via)\b|;|\.\s|\.$)", re.I | re.S)  # minutes: "held in the Council Chamber, Sessions House, County Hall, Maidstone on ..."


def find_venue(pages: list[PageText]) -> str:
    head = "\n".join(p.text for p in pages[:1])[:2500]
    m = HELD_AT.search(head)
    if m and not re.search(r"\b(?:meeting|minutes)\b", m.group(1), re.I):
        return re.sub(r"\s+", " ", m.group(1)).strip(" ,>")
    m = ROOM.search(head)
    if m and not re.search(r"\bminutes\b", m.group(1), re.I):
        return re.sub(r"\s+", " ", m.group(1)).strip(" >")[:160]
    m = VENUE.search(head)
    if not m:
        return ""
    return re.sub(r"\s+", " ", (m.group(1) or m.group(2))).strip(" >")[:160]


def find_title(pages: list[PageText], source: str) -> str:
    for line in pages[0].text.splitlines()[:15]:
        text = line.strip(" >#*")
        if len(text) > 8 and not re.match(r"^(agenda\s+item|date|time|page|to|from)\b", text, re.I) \
                and sum(c.isalpha() for c in text) > len(text) / 2:
            return _title_case(text)[:200]
    return source


# A slide deck read as text: few words and few lines a page. On the three dev corpora decks average 10-18
# lines and 56-138 words a page, reports, minutes and packs 24-52 lines (each corpus alone separates the same way).
SLIDES_MIN_PAGES, SLIDE_WORDS, SLIDE_LINES = 4, 160, 20


def classify(pages: list[PageText], source: str, has_front_sheet: bool, n_minutes: int, n_actions: int) -> str:
    """One of :data:`ingest.models.DOC_TYPES`."""
    name = source.lower()
    head = "\n".join(p.text for p in pages[:2])[:3000].lower()
    words = sum(len(p.text.split()) for p in pages) / max(1, len(pages))
    lines = sum(len([ln for ln in p.text.splitlines() if ln.strip()]) for p in pages) / max(1, len(pages))
    if has_front_sheet and len(pages) > 6:
        return "agenda pack"
    slides = len(pages) >= SLIDES_MIN_PAGES and words < SLIDE_WORDS and lines < SLIDE_LINES
    if re.search(r"slides|presentation", name) or slides:
        return "presentation"
    if n_minutes and re.search(r"\bminutes\b", head + name):
        return "minutes"
    if n_actions and re.search(r"action\s+log", head):
        return "action log"
    if re.search(r"\bagenda\b", head[:600] + name) and len(pages) <= 30:
        return "agenda"
    title_block = head[:300]  # what the paper says it is, before any report's body text
    if re.search(r"\bfinancial\s+statements\b|\bstatement\s+of\s+accounts\b|\baudited\s+accounts\b", title_block):
        return "financial statements"
    if re.search(r"\bbudget\b|\bestimates\b|\bcapital\s+(?:programme|program|forecast|plan)\b", title_block) \
            and not re.search(r"\breport\b|\bmonitoring\b|\bupdate\b", title_block):
        return "budget"
    if re.search(r"\breport\b|purpose|recommendation|\bto:\s", head + name):
        return "report"
    return "other"


# words that name each kind of paper, searchable with every one of its chunks
DOC_TYPE_WORDS = {"presentation": "slides presentation deck", "agenda pack": "agenda pack papers",
                  "minutes": "minutes", "report": "report paper", "action log": "action log",
                  "agenda": "agenda", "budget": "budget estimates forecast",
                  "financial statements": "financial statements accounts audit"}
