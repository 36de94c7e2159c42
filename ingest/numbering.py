"""Reference numbers that run through a council's year: "25/007 Precept 2025/26", "123/24 Apologies",
"Min 45/2024", "FC24/01 Finance". A parish or town council often numbers its agenda items and minutes this
way, the year on one side of the stroke and the running number on the other; the reference is what a
person quotes ("minute 25/007"), and the running number is what tells a list of them from a stray date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_OPENING = r"^\s*(?:(?:minute|min|item)\.?\s+(?:no\.?\s*)?)?((?:[A-Z]{1,4}\s?)?(\d{1,4})/(\d{1,4})[a-z]?)"
REF = re.compile(_OPENING + r"(?:[.:)]\s*|\s+)(\S.{1,200})$", re.I)
REF_ALONE = re.compile(_OPENING + r"[.:)]?\s*$", re.I)
# a reference as a question quotes it: "item 25/005", "minute 123/24"
QUOTED_REF = r"(?:[A-Z]{1,4}\s?)?\d{1,4}/\d{1,4}[a-z]?"


@dataclass(frozen=True)
class Ref:
    printed: str  # "25/007", as a person quotes it
    series: int  # the year part (25)
    running: int  # the running number (7)
    title: str  # what follows it on the line


def _is_year(digits: str) -> bool:
    n = int(digits)
    return (len(digits) == 2 and 15 <= n <= 40) or (len(digits) == 4 and 1990 <= n <= 2040)


def reference(text: str, following: str = "") -> Ref | None:
    """The reference that opens a line, with what follows it — or, for a reference alone on its line (a
    minutes table's first column), the ``following`` line; None for a line that opens otherwise (a date
    "13/01/2025" does not, nor a planning application "24/01234/FUL")."""
    m = REF.match(text)
    title = m.group(4).strip() if m else following.strip()
    m = m or (REF_ALONE.match(text) if title else None)
    if not m:
        return None
    a, b = m.group(2), m.group(3)
    series, running = (b, a) if _is_year(b) and not _is_year(a) else (a, b)
    return Ref(re.sub(r"\s+", "", m.group(1)), int(series), int(running), title)


def references(lines: list) -> list[tuple[int, Ref]]:
    """(index, reference) of every line of ``lines`` (ingest.lines.Line) that opens with one."""
    return [(i, r) for i, line in enumerate(lines)
            if (r := reference(line.text, lines[i + 1].text if i + 1 < len(lines) else ""))]


def alone(text: str) -> bool:
    """Whether a line is a reference and nothing else (its title is on the next line)."""
    return bool(REF_ALONE.match(text))


def longest_run(refs: list[tuple[int, Ref]], gap: int = 5) -> list[tuple[int, Ref]]:
    """The longest list of (line index, reference) of one series whose running numbers go up, by ``gap`` at
    most (minutes skip what a meeting did not reach): the items of an agenda or the minutes of a meeting, not
    references quoted in passing."""
    best: list[tuple[int, Ref]] = []
    for s, (_, first) in enumerate(refs):
        run = [refs[s]]
        for i, ref in refs[s + 1:]:
            last = run[-1][1]
            if ref.series == first.series and last.running < ref.running <= last.running + gap:
                run.append((i, ref))
        if len(run) > len(best):
            best = run
    return best
