"""Numbered minutes and what each resolved.

Publishers number minutes differently ("98. HAUXTON EXTRA CARE – TENDER FOR
CONTRACT"; "84. Apologies" then "(Item 1)"; a number alone on its line; Ontario's
"R2024-001 D. Yemm, S. Kirkey:"). Numbered paragraphs inside a minute look the
same, so only the longest run of consecutive numbers counts as minute headings.
"""
from __future__ import annotations

import re

from ingest.dates import first_date
from ingest.lines import Line
from ingest.models import Minute
from ingest.numbering import alone, longest_run, references

NUMBER_TITLE = re.compile(r"^\s*(\d{1,4})\.\s+(\S.{1,160})$")
NUMBER_ALONE = re.compile(r"^\s*(\d{1,4})\.?\s*$")
RESOLUTION_ID = re.compile(r"^\s*(R\d{4}-\d{1,4}[A-Z]?)\b:?\s*(.*)$")  # "R2024-019B": a letter for one inserted later
ITEM_REF = re.compile(r"^\s*\(\s*item\s+(\w+)\s*\)\s*$", re.I)
RESOLVED = re.compile(r"(?:it\s+was\s+)?\bresolved\b|\bcarried\b|\bdefeated\b|\bagreed\s+(?:to|that)\b", re.I)
RESOLVED_STRONG = re.compile(r"(?i:it\s+was\s+resolved)|\bRESOLVED\b|\bresolved\s+that\b|^\s*THAT\b", re.M)


def _is_heading_title(title: str) -> bool:
    letters = [c for c in title if c.isalpha()]
    if len(letters) < 3:
        return False
    # Headings are short, start with a capital, and do not read as a sentence fragment
    return ((title[0].isupper() or title[0].isdigit()) and len(title) <= 160
            and (not title.endswith(":") or title.isupper())) and not title.rstrip().endswith((",", ";"))


def _candidates(lines: list[Line]) -> list[tuple[int, int, str]]:
    """(line index, number, title) of every line that could head a minute."""
    found = []
    for i, line in enumerate(lines):
        m = NUMBER_TITLE.match(line.text)
        if m and _is_heading_title(m.group(2)):
            found.append((i, int(m.group(1)), m.group(2).strip()))
            continue
        m = NUMBER_ALONE.match(line.text)
        if m and i + 1 < len(lines) and _is_heading_title(lines[i + 1].text.strip()):
            found.append((i, int(m.group(1)), lines[i + 1].text.strip()))
    return found


def _longest_run(cands: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    best: list = []
    for s, start in enumerate(cands):
        run = [start]
        for cand in cands[s + 1:]:
            if run[-1][1] < cand[1] <= run[-1][1] + 2:
                run.append(cand)
        if len(run) > len(best):
            best = run
    return best


# a side of a recorded vote, at the start of a line: "For (52)", "Against: 3", "Abstain (11)", "Yeas - 7", "Nays: 0"
VOTE_SIDE = re.compile(r"(?im)^[ \t]*(for|against|abstain(?:ed|ing|s|tions?)?|yeas?|nays?|ayes?|noes)[ \t]*[:(\-–]?[ \t]*"
                       r"(\d{1,3})\)?[ \t]*[:.]?")
SIDE_WORD = {"for": "for", "yea": "for", "yeas": "for", "aye": "for", "ayes": "for", "against": "against",
             "nay": "against", "nays": "against", "noes": "against"}
NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sir|Cllr|Councillor)\.?\s+[A-Z][\w'’-]+")


def recorded_vote(text: str) -> str:
    """The last recorded vote in a minute's text, as a person would quote it: "52 for, 0 against,
    11 abstentions"; the names on a side of three or fewer are kept ("1 against (Mr Smith)")."""
    heads = list(VOTE_SIDE.finditer(text))
    sides: dict[str, str] = {}
    for k, m in enumerate(heads):
        side = SIDE_WORD.get(m.group(1).lower(), "abstentions")
        if side == "for" and "for" in sides:  # a later vote starts: keep only the last one
            sides = {}
        end = heads[k + 1].start() if k + 1 < len(heads) else len(text)
        names = NAME.findall(text[m.end():min(end, m.end() + 600)])
        count = int(m.group(2))
        said = "abstention" if side == "abstentions" and count == 1 else side  # "1 abstention", "2 abstentions"
        sides[side] = f"{count} {said}" + (f" ({', '.join(names)})" if names and count <= 3 else "")
    if "for" not in sides or "against" not in sides:
        return ""
    return ", ".join(sides[k] for k in ("for", "against", "abstentions") if k in sides)


# where a resolution's operative words start after its recitals ("WHEREAS ... NOW THEREFORE BE IT RESOLVED THAT")
OPERATIVE = re.compile(r"\b(?:NOW\s+THEREFORE\s+)?BE\s+IT\s+(?:FURTHER\s+)?RESOLVED\b[^A-Za-z]*(?:THAT\b)?|"
                       r"\bNOW\s+THEREFORE\b|;\s*(?:AND\s+)?THAT\b", re.I)


def operative_first(resolution: str) -> str:
    """A resolution with its recitals ("WHEREAS ...") moved after what it resolves, so that a reader (and an
    answer's first line) meets the decision first; other resolutions as they are."""
    if not re.match(r"\s*WHEREAS\b", resolution, re.I):
        return resolution
    m = OPERATIVE.search(resolution)
    if not m or m.end() >= len(resolution) - 3:
        return resolution
    recitals = resolution[:m.start()].strip(" ;,")
    decided = resolution[m.end():].strip(" ,:;")
    return f"{decided[:1].upper()}{decided[1:]} (Recitals: {recitals})"


# counts printed beside a resolution: "(6 in favour, 1 against)", "5 for, 2 against and 1 abstention"
INLINE_VOTE = re.compile(r"\b(\d{1,3})\s+(?:in\s+favou?r|for)\b(?:[^.\d]{0,20}?\b(\d{1,3})\s+against\b)?"
                         r"(?:[^.\d]{0,20}?\b(\d{1,3})\s+abst(?:ain\w*|entions?))?", re.I)


def counts_votes(text: str) -> bool:
    """Whether ``text`` counts a vote: a side of a recorded vote ("For (9) Mr A, Mr B Against (41)") or counts
    beside a resolution ("(6 in favour, 1 against)")."""
    return bool(re.search(r"\b(?:for|against|abstain\w*|yeas?|nays?|ayes?|noes)\s*[:(\-–]?\s*\d{1,3}\)", text, re.I)
                or any(m.group(2) or m.group(3) for m in INLINE_VOTE.finditer(text)))


def vote_of(resolution: str, text: str = "") -> str:
    """How a resolution was carried, in the register's controlled words; a recorded vote with its counts."""
    counted = recorded_vote(text)
    if counted:
        return f"recorded vote: {counted}"
    inline = next((m for m in (*INLINE_VOTE.finditer(resolution), *INLINE_VOTE.finditer(text))
                   if m.group(2) or m.group(3)), None)
    if inline:  # "(6 in favour, 1 against, 1 abstention)", "(5 in favour, 1 abstention)"
        against, abstained = inline.group(2), inline.group(3)
        return f"recorded vote: {inline.group(1)} for" + (f", {against} against" if against else "") + (
            f", {abstained} abstention{'' if abstained == '1' else 's'}" if abstained else "")
    text = resolution.lower()
    if "unanimous" in text:
        return "unanimously"
    if re.search(r"\bmajority\b", text):
        return "by majority"
    if re.search(r"\bfor\s*\(\d+\)|\bagainst\s*\(\d+\)|recorded vote", text):
        return "recorded vote"
    if re.search(r"\bdefeated\b|\blost\b", text):
        return "defeated"
    if re.search(r"\bcarried\b", text):
        return "carried"
    return "not stated"


def _resolution(body: list[str]) -> str:
    text = "\n".join(body)
    m = RESOLVED_STRONG.search(text) or RESOLVED.search(text)
    if not m:
        return ""
    start = text.rfind("\n", 0, m.start()) + 1
    return re.sub(r"\s+", " ", text[start:]).strip()[:2000]


def parse_minutes(lines: list[Line], item: str | None = None) -> list[Minute]:
    """Minutes found in ``lines`` (a minutes document, or the minutes item of a pack)."""
    if not lines:
        return []
    head = "\n".join(line.text for line in lines[:12])
    meeting = first_date(head)
    meeting_iso = meeting.isoformat() if meeting else None

    ids = [(i, m.group(1), m.group(2)) for i, line in enumerate(lines) if (m := RESOLUTION_ID.match(line.text))]
    # a parish's running references ("25/007 Precept 2025/26") head its minutes as numbers do elsewhere
    refs = longest_run([(i, r) for i, r in references(lines) if _is_heading_title(r.title)])
    if len(ids) >= 2:
        starts = [(i, num, title.strip(" :")) for i, num, title in ids]
    else:
        starts = [(i, str(n), t) for i, n, t in _longest_run(_candidates(lines))]
        if len(refs) >= max(2, len(starts)):
            starts = [(i, r.printed, r.title) for i, r in refs]
        if len(starts) < 2:
            return _motions(lines, meeting_iso, item)
    minutes = []
    for k, (i, number, title) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        body_start = i + 1
        if NUMBER_ALONE.match(lines[i].text) or alone(lines[i].text):
            body_start = i + 2  # the title line
        # an upper-case title may wrap onto the next line
        while body_start < end and title.isupper() and lines[body_start].text.strip().isupper() \
                and len(lines[body_start].text.strip()) < 80 and not RESOLVED.search(lines[body_start].text):
            title = f"{title} {lines[body_start].text.strip()}"
            body_start += 1
        item_ref = item
        for extra in range(1, 4):  # a title wrapping onto lines that end at "(Item N)"
            if body_start + extra - 1 < end and ITEM_REF.match(lines[body_start + extra - 1].text):
                title = " ".join([title] + [ln.text.strip() for ln in lines[body_start:body_start + extra - 1]])
                body_start += extra - 1
                break
        if body_start < end and (m := ITEM_REF.match(lines[body_start].text)):
            item_ref = m.group(1)
            body_start += 1
        body = [line.text for line in lines[body_start:end]]
        if RESOLUTION_ID.match(lines[i].text):
            body = [title] + body if title and not title[0].isupper() else body
        resolution = _resolution(body) if not RESOLUTION_ID.match(lines[i].text) else \
            re.sub(r"\s+", " ", " ".join(body)).strip()[:2000]
        minutes.append(Minute(
            number=number, title=re.sub(r"\s+", " ", title).strip(" .:"),
            first_page=lines[i].page, last_page=lines[end - 1].page,
            meeting_date=meeting_iso, resolution=resolution,
            vote=vote_of(resolution, "\n".join(body)) if resolution else "",
            item=item_ref, text="\n".join(body), start_line=i))
    return minutes


# a decision as bulleted minutes record it: "APPROVED – Revised 2018 budget – B. Munro (motion), Z. Maiorca
# (second)", "Minutes from 11/30/17 meeting approved – Z. Maiorca (motion), T. Feinberg (second)"
MOTION = re.compile(r"^[\s•o\-–*]*(?:(?P<word>APPROVED|CARRIED|ADOPTED|DENIED|DEFEATED|REJECTED|TABLED)\s*[–:-]\s*)?"
                    r"(?P<what>.+?)(?:\s+(?P<done>approved|carried|adopted|denied|defeated|rejected|tabled))?"
                    r"(?:\s*[–-]\s*(?P<mover>[A-Z][\w. ]+?)\s*\(motion\),?\s*(?P<seconder>[A-Z][\w. ]+?)\s*\(second\))?\s*$")


def _motions(lines: list[Line], meeting_iso: str | None, item: str | None) -> list[Minute]:
    """Decisions of minutes that number nothing but mark each motion (an upper-case outcome, or a mover and
    seconder): numbered in the order printed, since the paper gives no number to quote."""
    found = []
    for line in lines:
        m = MOTION.match(line.text)
        if not m or not (m.group("word") or m.group("mover")):
            continue
        outcome = (m.group("word") or m.group("done") or "carried").lower()
        vote = {"approved": "carried", "adopted": "carried", "denied": "defeated", "rejected": "defeated"}.get(
            outcome, outcome)
        text = re.sub(r"\s+", " ", line.text.strip(" •o-–*"))
        found.append(Minute(number=str(len(found) + 1), title=m.group("what").strip(" –-"), first_page=line.page,
                            last_page=line.page, meeting_date=meeting_iso, resolution=text,
                            vote=vote, item=item, text=text))
    return found if len(found) >= 2 else []
