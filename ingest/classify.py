"""What a paper is: its type, title, committee, meeting date and venue, read from its first pages.

Kept deliberately generic: words councils everywhere print ("Agenda", "Minutes",
"Action Log", "Meeting Date:", "Committee", "Council", "Cabinet"), never a rule
for one publisher.
"""
from __future__ import annotations

import re

from ingest.dates import find_dates
from ingest.models import PageText

BODY = re.compile(
    r"\b((?:[A-Z][A-Za-z&'’,.\-]*[ \t]+){0,5}?(?:Committee|Council|Cabinet|Board|Commission|Panel|Sub-Committee|Authority))\b")
BODY_LINE = re.compile(r"^\s*(?:to|то|meeting|body|committee)\s*:\s*(.+)$", re.I)
VENUE = re.compile(r"^(?:venue|place|location)\s*:\s*(.+)$|^(.*\b(?:Room|Chamber|Hall|Centre|Center|House)\b.*)$",
                   re.I | re.M)
GENERIC_BODIES = {"the council", "council", "county council", "the committee", "committee", "city council"}


def _title_case(name: str) -> str:
    name = re.sub(r"^(?:to|то)\s+", "", re.sub(r"\s+", " ", name).strip(" ,.-:"), flags=re.I)
    return name.title() if name.isupper() else name


MEETING_OF = re.compile(r"meeting\s+of\s+(?:the\s+)?((?:[A-Z][A-Za-z&'’\-]*\s+){0,5}?"
                        r"(?:Committee|Council|Cabinet|Board|Commission|Panel|Sub-Committee|Authority))\b")
FILE_DATE = re.compile(r"(\d{4})[-_](\d{2})[-_](\d{2})")


def find_committee(pages: list[PageText], source: str) -> str:
    head = "\n".join(p.text for p in pages[:2])[:3000]
    if (m := MEETING_OF.search(head)):
        return _title_case(m.group(1))
    for line in head.splitlines()[:40]:
        m = BODY_LINE.match(line)
        if m and BODY.search(m.group(1)):
            return _title_case(BODY.search(m.group(1)).group(1))
    for line in head.splitlines()[:12]:
        stripped = line.strip()
        m = BODY.search(stripped)
        if m and len(stripped) < 80 and m.group(1).lower() not in GENERIC_BODIES and not stripped[0].isdigit():
            name = m.group(1)
            if stripped.isupper() or stripped.istitle() or len(stripped) < 40:
                return _title_case(name)
    m = BODY.search(head)
    if m and m.group(1).lower() not in GENERIC_BODIES:
        return _title_case(m.group(1))
    for line in head.splitlines()[:12]:  # an upper-case body name on its own ("TOWNSHIP OF NIPISSING")
        if line.strip().isupper() and 2 <= len(line.split()) <= 6 and not line.strip()[0].isdigit() and not re.search(r"\b(MINUTES|AGENDA)\b", line):
            return _title_case(line)
    # last resort: the body named in the file name before its date ("adults-committee-2018-09-06-...")
    if not FILE_DATE.search(source):
        return ""
    stem = FILE_DATE.split(source.lower())[0].strip("-_ ")
    return stem.replace("-", " ").replace("_", " ").title() if stem else ""


def find_meeting_date(pages: list[PageText], source: str = "") -> str | None:
    head = "\n".join(p.text for p in pages[:2])[:4000]
    for line in head.splitlines()[:60]:
        if re.search(r"\b(meeting\s+date|date\s+of\s+meeting|^date)\b\s*:?", line, re.I):
            dates = find_dates(line)
            if dates:
                return dates[0][1].isoformat()
    if (m := FILE_DATE.search(source)):
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    dates = find_dates(head)
    return dates[0][1].isoformat() if dates else None


ROOM = re.compile(r"^(.*\b(?:Room|Chamber|Chambers)\b.*)$", re.I | re.M)


def find_venue(pages: list[PageText]) -> str:
    head = "\n".join(p.text for p in pages[:1])[:2500]
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


def classify(pages: list[PageText], source: str, has_front_sheet: bool, n_minutes: int, n_actions: int) -> str:
    """One of :data:`ingest.models.DOC_TYPES`."""
    name = source.lower()
    head = "\n".join(p.text for p in pages[:2])[:3000].lower()
    words = sum(len(p.text.split()) for p in pages) / max(1, len(pages))
    if has_front_sheet and len(pages) > 6:
        return "agenda pack"
    if re.search(r"slides|presentation|briefing", name) or (len(pages) >= 4 and words < 90):
        return "presentation"
    if n_minutes and re.search(r"\bminutes\b", head + name):
        return "minutes"
    if n_actions and re.search(r"action\s+log", head):
        return "action log"
    if re.search(r"\bagenda\b", head[:600] + name) and len(pages) <= 30:
        return "agenda"
    if re.search(r"\breport\b|purpose|recommendation|\bto:\s", head + name):
        return "report"
    return "other"
