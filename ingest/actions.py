"""Rows of a minutes action log ("Minute No. | Report Title | Action to be taken by | Action | Comments | Status").

PDF text loses the table grid, and publishers lay the columns out differently,
so a row is recognised by what its cells are, not where they sit: it starts
at a minute number; the officer is the cell that reads as a person's name; the
status is a status word; the first long cell is the action, the next the comments.
"""
from __future__ import annotations

import re

from ingest.dates import first_date
from ingest.lines import Line
from ingest.models import Action

LOG_HEADING = re.compile(r"action\s+log|\bactions?\s*-\s*\w+\s+\d{4}|minutes\s+action", re.I)
ROW_START = re.compile(r"^\s*(\d{1,4})\.?(?:\s{2,}|\s+(?=[A-Z]))(.*)$")
STATUS = re.compile(r"\b(complete[d]?|ongoing|on-going|in progress|open|closed|outstanding|superseded|"
                    r"not started|overdue|pending)\s*\.?\s*$", re.I)
NAME = re.compile(r"^(?:(?:Cllr|Councillor|Dr|Mr|Mrs|Ms|Miss)\s+)?[A-Z][a-z]+(?:[- ][A-Z][a-z'’]+(?:-\s?[A-Z]?[a-z]+)?){1,3}$")
LOG_DATE = re.compile(r"action\s+log\s+as\s+at\s+([^\n]+)", re.I)


def is_action_log_page(text: str) -> bool:
    head = "\n".join(text.splitlines()[:6])
    return bool(LOG_HEADING.search(head)) and bool(re.search(r"\bminute\b", text[:1500], re.I))


def _cells(text: str) -> list[str]:
    return [c.strip() for c in re.split(r"\s{3,}|\t", text) if c.strip()]


def _looks_like_name(cell: str) -> bool:
    cell = re.sub(r"-\s+", "-", cell.strip())
    return bool(NAME.match(cell)) and len(cell) <= 40


def _row(number: str, body_lines: list[str]) -> dict:
    joined = " ".join(line.strip() for line in body_lines)
    cells = _cells(joined) if re.search(r"\s{3,}|\t", joined) else []
    owner = status = ""
    if len(cells) >= 3:
        title = cells[0]
        rest = cells[1:]
        for c in list(rest):
            if not owner and _looks_like_name(c):
                owner = re.sub(r"-\s+", "-", c)
                rest.remove(c)
            elif not status and STATUS.fullmatch(c.strip()):
                status = c.strip()
                rest.remove(c)
        action = rest[0] if rest else ""
        comments = " ".join(rest[1:])
    else:
        # one cell per line: title lines in capitals, then owner, action, comments, status
        lines = [ln.strip() for ln in body_lines if ln.strip()]
        title_parts = []
        while lines and (lines[0].isupper() or not title_parts) and len(lines[0]) < 60 and not _looks_like_name(lines[0]):
            title_parts.append(lines.pop(0))
            if not lines or not lines[0].isupper():
                break
        title = " ".join(title_parts)
        # owner: a name, possibly wrapped over two lines ("Charlotte" / "Black")
        for i in range(min(3, len(lines))):
            one = lines[i]
            two = f"{lines[i]} {lines[i + 1]}" if i + 1 < len(lines) else ""
            if two and _looks_like_name(two.replace("- ", "-")):
                owner = two.replace("- ", "-")
                del lines[i:i + 2]
                break
            m = re.match(r"^((?:[A-Z][a-z]+[ -]){1,2}?[A-Z][a-z]+)\s+(.*)$", one)
            if _looks_like_name(one):
                owner = one
                del lines[i]
                break
            if m and _looks_like_name(m.group(1)):
                owner = m.group(1)
                lines[i] = m.group(2)
                break
        text = " ".join(lines)
        sm = STATUS.search(text)
        if sm:
            status = sm.group(1)
            text = text[: sm.start()].strip()
        parts = re.split(r"(?<=[.])\s+(?=[A-Z])", text, maxsplit=1)
        action = parts[0]
        comments = parts[1] if len(parts) > 1 else ""
    return {"minute": number, "report_title": re.sub(r"\s+", " ", title).strip(),
            "owner": owner, "action": re.sub(r"\s+", " ", action).strip(),
            "comments": re.sub(r"\s+", " ", comments).strip(), "status": status}


def parse_action_log(lines: list[Line], pack_date: str | None, item: str | None = None) -> list[Action]:
    """Rows of the action log held in ``lines`` (the log's pages only)."""
    if not lines:
        return []
    text = "\n".join(line.text for line in lines[:15])
    log_date = None
    if (m := LOG_DATE.search(text)) and (d := first_date(m.group(1))):
        log_date = d.isoformat()
    meeting_date = None
    starts = []
    for i, line in enumerate(lines):
        if re.match(r"^\s*(meeting\s+(of\s+)?|minute\s+no)", line.text, re.I):
            if (d := first_date(line.text)):
                meeting_date = d.isoformat()
            continue
        m = ROW_START.match(line.text)
        if m and i > 2:
            starts.append((i, m.group(1), meeting_date))
    actions = []
    for k, (i, number, meeting) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        body = [ROW_START.match(lines[i].text).group(2)] + [ln.text for ln in lines[i + 1:end]]
        row = _row(number, body)
        if not (row["action"] or row["comments"]):
            continue
        actions.append(Action(**row, review_date="", log_date=log_date or pack_date, meeting_date=meeting,
                              first_page=lines[i].page, last_page=lines[end - 1].page, item=item))
    return actions
