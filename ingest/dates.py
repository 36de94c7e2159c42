"""Dates as councils print them ("Thursday 19th July 2018", "6 September 2018", "January 30, 2025")."""
from __future__ import annotations

import re
from datetime import date

MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"])}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9

# a month's name or abbreviation, as one group (the one month pattern: questions and answers use it too)
MONTH_NAME = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_NAME}\.?,?\s+(\d{{4}})\b", re.I)
MONTH_DAY_YEAR = re.compile(rf"\b{MONTH_NAME}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
MONTH_YEAR = re.compile(rf"\b{MONTH_NAME}\s+(\d{{4}})\b", re.I)


def _make(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, date]]:
    """All full dates in ``text`` with their character offsets, in reading order."""
    found = []
    for m in DAY_MONTH_YEAR.finditer(text):
        d = _make(int(m.group(3)), MONTHS[m.group(2).lower()[:3] if m.group(2).lower()[:4] != "sept" else "sep"], int(m.group(1)))
        if d:
            found.append((m.start(), d))
    for m in MONTH_DAY_YEAR.finditer(text):
        d = _make(int(m.group(3)), MONTHS[m.group(1).lower()[:3]], int(m.group(2)))
        if d:
            found.append((m.start(), d))
    for m in ISO_DATE.finditer(text):
        d = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            found.append((m.start(), d))
    return sorted(found, key=lambda t: t[0])


def first_date(text: str) -> date | None:
    dates = find_dates(text)
    return dates[0][1] if dates else None


def spoken(iso: str | None, month: str = "long", missing: str = "an unknown date") -> str:
    """An ISO date as people write it: "6 September 2018" (``month="short"``: "6 Sep 2018"); ``missing`` when
    there is none, and the text itself when it is not an ISO date."""
    if not iso:
        return missing
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {d.strftime('%B %Y' if month == 'long' else '%b %Y')}"


YEAR = re.compile(r"(?<![\d,.£$€])((?:19|20)\d\d)(?:\s*[/-]\s*(\d{2})(?!\d))?(?!\d|,\d)")


def years_named(text: str) -> set[int]:
    """The years a text names, a financial year's both ("2019/20", "2025-26" -> 2019 and 2020, 2025 and
    2026); not the digits of a sum ("£2,019")."""
    found: set[int] = set()
    for m in YEAR.finditer(text):
        first = int(m.group(1))
        found.add(first)
        if m.group(2) and int(m.group(2)) == (first + 1) % 100:
            found.add(first + 1)
    return found
