"""Pages that are not for publication (exempt under Schedule 12A, "Part 2", confidential, closed session).

Publishing exempt information is a statutory breach, so the rule errs on the side of caution:

- A **report, appendix or other paper** is restricted when a marking stands anywhere in its page's
  opening block (``OPENING_LINES`` lines, whatever their length, wrapping, letterhead or header table):
  "NOT FOR PUBLICATION", "exempt information", "paragraph 3 of Part 1 of Schedule 12A",
  "Classification: Exempt", "PART 2", "CONFIDENTIAL", "closed session", "in camera" and so on.
- A **record** — minutes, or an agenda — routinely *mentions* exemption: "RESOLVED that the press and
  public be excluded … Schedule 12A", "EXEMPT ITEMS", "Closed Session: That this part of our meeting
  will be closed". Such a page is restricted only when a marking *heads* it: a line that begins with the
  marking, above the first numbered entry. Which pages are records comes from the paper's structure
  (``ingest.pipeline``), not from words such as "excluded".
- A marked page keeps the rest of its paper restricted until a new agenda item starts.
- A page where a marking word appears but the rule chose public is *borderline*: it is listed for a
  clerk to check (``committee restricted``), who can override either way (``committee restrict|publish``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.models import Override, PageText

OPENING_LINES = 40  # non-empty lines read as a page's opening block: letterheads and header tables run to ~30

# Phrases that mark a report or appendix wherever they stand in its opening block.
MARKING = re.compile(
    r"not\s+for\s+(?:public(?:ation)?|circulation|release)\b"
    r"|\bexempt\s+(?:information|appendi(?:x|ces)|reports?|papers?|items?|minutes|annex(?:es)?|documents?|business)\b"
    r"|\bschedule\s*12\s*a\b"
    r"|\b(?:private|strictly|commercial(?:ly)?)\s+(?:and\s+)?(?:in\s+)?confiden(?:tial|ce)\b"
    r"|\bdocument\s+is\s+(?:restricted|confidential|exempt)\b"
    r"|\bofficial[\s-]+sensitive\b"
    r"|\b(?:privileged\s+and\s+confidential|attorney[\s-]+client\s+privileged?)\b"
    r"|\bclosed\s+(?:session|meeting)\b|\bin[\s-]+camera\b|\bexecutive\s+session\b"
    r"|\b(?:classification|status|security|protective\s+marking|marking|category)\s*[:\-–]\s*"
    r"(?:exempt|confidential|restricted|private|part\s+(?:2|ii)\b|not\s+for)",
    re.I)

# A line that begins with one of these heads a page (as printed: a capital first letter).
HEADING = re.compile(
    r"(?:NOT\s+FOR\s+PUBLICATION|Not\s+for\s+[Pp]ublication|EXEMPT|Exempt|CONFIDENTIAL|Confidential|RESTRICTED"
    r"|PRIVATE\s+AND\s+CONFIDENTIAL|Private\s+and\s+[Cc]onfidential|STRICTLY\s+CONFIDENTIAL|Strictly\s+[Cc]onfidential"
    r"|OFFICIAL[\s-]+SENSITIVE|(?:PART|Part)\s+(?:2|II|Two|TWO)(?!\s*,|\s+(?:of|Article|article|Section|section)\b))\b"
    r"|Restricted\W*$")
RECORD_ONLY = re.compile(r"closed\s+(?:session|meeting)|in[\s-]+camera|executive\s+session", re.I)
BULLET = re.compile(r"^[\s\-–•*·\u2022>|\[(]+")
NUMBERED_ENTRY = re.compile(r"^\s*(?:item\s+)?\(?\d{1,3}[a-z]?(?:\.\d{1,2})?[.)]\s+\S", re.I)
SECTION = re.compile(r"^(?:\S+\s+){0,3}?(?:items|business|matters|reports|papers|section)\b", re.I)
NEW_ITEM = re.compile(r"^\s*agenda\s+item\b", re.I)
# Any of these on a page the rule left public makes the page borderline (listed for review).
MENTION = re.compile(r"not\s+for\s+publication|\bexempt\b|\bconfidential\b|schedule\s*12\s*a|\bpart\s+(?:2|ii)\b"
                     r"|closed\s+session|in[\s-]+camera|\brestricted\b", re.I)


@dataclass(frozen=True)
class PageMark:
    """What the rule decided for one page and why: ``restricted``, or a borderline page left public."""

    page: int
    restricted: bool
    reason: str


def _opening(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()][:OPENING_LINES]


def _continues(previous: str) -> bool:
    """True when ``previous`` runs on into the next line (ends mid-sentence), so the next is no heading."""
    return bool(re.search(r"(?:[a-z]|,|-|–|\bof|\bthe|\band)$", previous)) and not previous.isupper()


def _heading(lines: list[str], record: bool) -> str | None:
    """The first line that begins with a marking and heads the page or, on a record, heads one of its entries
    (the line after "2. POTHOLE REPAIR CONTRACT"); a record's section heading over a list ("EXEMPT ITEMS")
    marks the items listed, not the page."""
    previous, entries = "", 0
    for k, line in enumerate(lines):
        bare = BULLET.sub("", line)
        after_entry = record and NUMBERED_ENTRY.match(previous)
        if HEADING.match(bare) and not (previous and _continues(previous) and not after_entry):
            top = k < OPENING_LINES and (not record or entries == 0)
            if (top or after_entry) and not (record and SECTION.match(bare)):
                return line
        if NUMBERED_ENTRY.match(line):
            entries += 1
        previous = line
    return None


def _marking(lines: list[str]) -> str | None:
    """The first marking phrase anywhere in the opening block, read across line breaks."""
    for k, line in enumerate(lines):
        joined = line + " " + lines[k + 1] if k + 1 < len(lines) else line
        m = MARKING.search(line) or MARKING.search(joined)
        if m:
            return line if MARKING.search(line) else joined
    return None


def mark_page(page: PageText, record: bool) -> PageMark | None:
    """The page's own marking (restricted), a borderline mention (public) or None."""
    lines = _opening(page.text)
    heading = _heading([" ".join(ln.split()) for ln in page.text.splitlines() if ln.strip()] if record else lines,
                       record)
    if heading and not (record and RECORD_ONLY.match(BULLET.sub("", heading))):
        return PageMark(page.number, True, f'marked "{heading[:160]}"')
    if not record:
        found = _marking(lines)
        if found:
            return PageMark(page.number, True, f'marked "{found[:160]}"')
    mention = MENTION.search(page.text)
    if mention:
        where = "minutes or agenda" if record else "page"
        line = next((ln for ln in page.text.splitlines() if MENTION.search(ln)), mention.group(0))
        return PageMark(page.number, False, f'{where} mentions "{" ".join(line.split())[:160]}"; left public')
    return None


def assess_pages(pages: list[PageText], record_pages: set[int] = frozenset(),
                 item_starts: set[int] = frozenset()) -> list[PageMark]:
    """Restricted and borderline pages of one paper, in page order. A marked page keeps the pages after it
    restricted until an agenda item starts (``item_starts``, or a page headed "Agenda Item")."""
    marks: list[PageMark] = []
    inside: PageMark | None = None
    for page in pages:
        head = _opening(page.text)[:3]
        if page.number in item_starts or any(NEW_ITEM.match(line) for line in head):
            inside = None
        own = mark_page(page, page.number in record_pages)
        if own is not None and own.restricted:
            inside = own
            marks.append(own)
        elif inside is not None:
            marks.append(PageMark(page.number, True, f"continues the paper marked on page {inside.page}"))
        elif own is not None:
            marks.append(own)
    return marks


def effective(detected: set[int], page_count: int, overrides: list[Override]) -> tuple[bool, set[int]]:
    """(whole paper restricted, restricted pages) once the overrides are applied in the order they were made.

    Markings restrict; only an explicit override (``committee publish``) lifts a restriction."""
    whole, pages = False, set(detected)
    for o in sorted(overrides, key=lambda o: o.at):
        if o.first_page is None:
            whole = o.restricted
            pages = set(range(1, page_count + 1)) if o.restricted else set()
            continue
        span = set(range(o.first_page, (o.last_page or o.first_page) + 1))
        pages = pages | span if o.restricted else pages - span
        if not o.restricted:
            whole = False
    return whole, pages  # whole is only True after a whole-paper restrict, which set every page


def apply(parsed, overrides: list[Override]) -> None:
    """Set the paper's, pages' and chunks' restriction from its markings and the overrides on its content
    (a paper parsed as restricted is restricted whole until an override says otherwise)."""
    implied = [Override(parsed.paper.doc_id, True, at=float("-inf"))] if parsed.paper.restricted else []
    detected = {m.page for m in parsed.marks if m.restricted}
    parsed.paper.restricted, parsed.restricted_pages = effective(detected, parsed.paper.page_count,
                                                                 implied + list(overrides))
    for chunk in parsed.chunks:
        chunk.restricted = any(p in parsed.restricted_pages for p in range(chunk.first_page, chunk.last_page + 1))
