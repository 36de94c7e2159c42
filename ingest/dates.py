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


YEAR = re.compile(r"(?<![\d,.£$€])((?:19|20)\d\d)(?:\s*[/-]\s*((?:19|20)\d\d|\d{2})(?!\d))?(?!\d|,\d)")


def periods_named(text: str) -> set[tuple[int, int]]:
    """The years and spans of years a text names, as (first, last): "2019" -> (2019, 2019), a financial year
    "2019/20" or "2019-2020" -> (2019, 2020), a plan's "2025-2035" -> (2025, 2035); not the digits of a sum
    ("£2,019")."""
    found: set[tuple[int, int]] = set()
    for m in YEAR.finditer(text):
        first, second = int(m.group(1)), m.group(2)
        last = (int(second) if len(second) == 4 else first // 100 * 100 + int(second)) if second else first
        found.add((first, last) if first < last <= first + 30 else (first, first))
    return found


def bare_years(text: str) -> list[int]:
    """The years a text names alone, in order: not a financial year ("2025/26") nor a plan's span
    ("2026-2036"), which name what a paper is about rather than when a meeting was."""
    out = []
    for m in YEAR.finditer(text):
        first, second = int(m.group(1)), m.group(2)
        if not second and 1980 <= first <= 2049:
            out.append(first)
    return out


def other_periods(asked: set[tuple[int, int]], named: set[tuple[int, int]]) -> bool:
    """Whether a text names years, and none of the asked ones (nothing asked or nothing named: no mismatch). A
    year asked is held by the same year or a span holding it ("2025" by "2024-25"). A financial year asked
    ("2023-24") is held by a span holding it; by a year within it only when the text names no span (a report
    "for 2024-25" does not hold 2023-24, though it names 2024)."""
    spans = {n for n in named if n[0] != n[1]}

    def holds(a: tuple[int, int], n: tuple[int, int]) -> bool:
        if a[0] == a[1] or n[0] != n[1]:
            return n[0] <= a[0] and a[1] <= n[1]
        return not spans and a[0] <= n[0] <= a[1]

    return bool(asked) and bool(named) and not any(holds(a, n) for a in asked for n in named)
