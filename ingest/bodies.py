"""Who published a paper and which body met: "Borsetshire County Council · Cabinet", "Township of Lakeview · Council".

Read from the paper's own words — letterhead, title block, "MINUTES of a meeting of the Cabinet held …",
"A regular meeting of the Township of Lakeview Council was held …", "To: Cabinet – 30 January 2025",
"Presentation to Township Council" — and named the way one body is named across all its papers: the
full council of an authority is one body whether a paper says "Council", "Full Council", "County Council",
"Township Council" or the authority's own name; "Special Council Meeting" is a special *meeting* of the
Council. The file name is only a last resort, and where each field came from is kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.models import PageText

BODY_WORDS = r"(?:Council|Cabinet|Committee|Sub-Committee|Subcommittee|Board|Commission|Panel|Forum|Assembly|Executive)"
_NAME = r"[A-Z][\w'’&.-]*"
AUTHORITY = [
    re.compile(rf"\b((?:Township|Town|City|Village|County|Municipality|Borough|District|Parish)\s+of\s+(?:the\s+)?"
               rf"{_NAME}(?:\s+{_NAME}){{0,2}}?)(?=\s*(?:$|[,.:;/()|]|\s(?:Council|Year|Budget|Capital|Agenda|Minutes|"
               rf"Presentation|Financial|Audit|\d)))"),
    re.compile(rf"\b((?:{_NAME}\s+){{1,3}}(?:County|District|Borough|City|Town|Parish|Community|Regional|Metropolitan)"
               rf"\s+Council)\b"),
    re.compile(rf"\b((?:{_NAME}\s+){{1,3}}Special\s+Service\s+Area\s*#?\s*\d+)"),
]
MEETING_OF = re.compile(rf"\bmeeting\s+of\s+(?:the\s+)?((?:{_NAME}\s+|of\s+|and\s+|&\s+){{0,6}}?{BODY_WORDS})\b"
                        rf"(?=\s+(?:was\s+|will\s+be\s+|is\s+)?(?:held|on|at|to\s+be)\b|\s*[,.(]|\s*$)")
ADDRESSED = re.compile(rf"^\s*to\s*:?\s+(?:the\s+)?((?:{_NAME}\s+){{0,5}}?{BODY_WORDS})\b", re.I)
PRESENTED = re.compile(rf"\b(?:presentation|report)\s+to\s+(?:the\s+)?((?:{_NAME}\s+){{0,4}}?{BODY_WORDS})\b")
TITLE = re.compile(rf"^\W*((?:{_NAME}\s+|of\s+|and\s+|&\s+){{0,5}}?{BODY_WORDS})(?:\s+(?:Meeting|Agenda|Minutes|"
                   rf"Meeting\s+Minutes)\b.*|\s*[-–:,].*|\s*)$")
KIND = re.compile(r"^(special|extraordinary|annual|regular|ordinary|emergency)\s+(?:meeting\s+of\s+(?:the\s+)?)?", re.I)
MUNICIPAL = re.compile(r"^(?:township|town|city|village|county|municipality|borough|district|parish)\s+of\b|"
                       r"\b(?:county|district|borough|city|town|parish|community|regional|metropolitan)\s+council$", re.I)
FULL_COUNCIL = re.compile(r"^(?:full\s+|the\s+)?(?:(?:township|town|city|village|county|municipal|borough|district|parish|"
                          r"community|regional|metropolitan|general)\s+)?council$", re.I)
MONTH_WORD = re.compile(r"^(?:January|February|March|April|May|June|July|August|September|October|November|"
                        r"December)$")
FILE_DATE = re.compile(r"(\d{4})[-_](\d{2})[-_](\d{2})")
# words that can stand before "County Council" in running text without naming a place
NOT_A_PLACE = {"dear", "member", "members", "regular", "special", "the", "to", "full", "summons", "agenda", "minutes",
               "all", "of", "a", "an", "extraordinary", "annual", "meeting", "ordinary", "and", "for"}
MEETING_KIND = re.compile(r"\b(\w+)\s+meeting\b(?!\s+(?:held|minutes))", re.I)  # the first "<kind> meeting"


@dataclass(frozen=True)
class BodyFound:
    """What a paper says of who met: authority, body (as one name for all its papers), meeting kind, and where
    the body came from: "text", "file name" or "none"."""

    authority: str
    body: str
    kind: str = "ordinary"
    found_in: str = "none"
    as_printed: str = ""  # the name as the paper prints it, an alias of ``body``


def _tidy(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" ,.-:–")
    name = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I)
    return name.title().replace("'S ", "'s ").replace("Of ", "of ").replace(" And ", " and ") \
        if name.isupper() else name


def _head_lines(pages: list[PageText], n: int = 40) -> list[str]:
    """The first ``n`` lines with text (a cover page may be followed by a blank one)."""
    lines = [" ".join(line.split()) for p in pages[:4] for line in p.text.splitlines() if line.strip()]
    return [_tidy(line) if line.isupper() else line for line in lines[:n]]


def _authority_in(text: str) -> str:
    for pattern in AUTHORITY:
        for m in pattern.finditer(text):
            words = _tidy(m.group(1)).split()
            while words and words[0].lower() in NOT_A_PLACE:
                words = words[1:]
            name = " ".join(words)
            if name and not FULL_COUNCIL.match(name) and not re.match(r"^(?:County|City|Town)\s+Council$", name):
                return name
    return ""


def find_authority(pages: list[PageText]) -> str:
    """The publishing authority named in the paper's opening lines (letterhead, title block)."""
    lines = _head_lines(pages)
    joined = " ".join(lines[:14])  # "Township of / Lakeview" set on two lines
    for text in lines[:14] + [joined]:
        found = _authority_in(text)
        if found:
            return found
    # else the authority the paper keeps naming in its text ("… between the City of Riverton and …")
    named: dict[str, int] = {}
    for p in pages:
        for pattern in AUTHORITY[:1]:
            for m in pattern.finditer(p.text):
                name = _tidy(m.group(1))
                named[name] = named.get(name, 0) + 1
    best = max(named.items(), key=lambda kv: kv[1], default=("", 0))
    return best[0] if best[1] >= 3 else ""


def full_council(authority: str) -> str:
    """The name of an authority's full council: "County Council", "City Council" or "Council"."""
    m = re.search(r"\b(County|City)\s+Council$", authority) or re.match(r"^(City)\s+of\b", authority)
    return f"{m.group(1)} Council" if m else "Council"


def canonical(name: str, authority: str) -> tuple[str, str]:
    """(body, meeting kind) for a body name as printed: the authority's words and a meeting kind taken off."""
    name = re.sub(r"^(?:all\s+)?members\s+of\s+(?:the\s+)?", "", _tidy(name), flags=re.I)
    kind = "ordinary"
    m = KIND.match(name)
    if m:
        kind = "ordinary" if m.group(1).lower() in ("regular", "ordinary") else m.group(1).lower()
        name = name[m.end():]
    if authority:
        place = re.sub(r"^(?:Township|Town|City|Village|County|Municipality|Borough|District|Parish)\s+of\s+", "",
                       authority)
        place = re.sub(r"\s+(?:County|District|Borough|City|Town|Parish|Community|Regional|Metropolitan)\s+Council$",
                       "", place)
        if name.lower() == authority.lower():
            return full_council(authority), kind
        for words in (authority, place):
            name = re.sub(rf"^(?:the\s+)?{re.escape(words)}\s*(?:'s\s+)?", "", name, flags=re.I).strip() or name
            name = re.sub(rf"\s+of\s+(?:the\s+)?{re.escape(words)}$", "", name, flags=re.I).strip() or name
    if FULL_COUNCIL.match(name) or (authority and name.lower() == authority.lower()):
        if not authority:  # which council is settled once the library knows its authority (``settle``)
            return re.sub(r"^(?:full|the)\s+", "", name, flags=re.I), kind
        return full_council(authority), kind
    return name, kind


def _printed_body(lines: list[str]) -> str:
    """The body the paper names, by the strongest clue first."""
    text = " ".join(lines)
    for pattern in (MEETING_OF, PRESENTED):
        m = pattern.search(text)
        if m:
            return m.group(1)
    for line in lines:
        m = ADDRESSED.match(line)
        if m:
            return m.group(1)
    for line in lines[:12]:
        m = TITLE.match(line)
        if m and len(line) < 80 and not re.match(r"^\d", line):
            return m.group(1)
    for line in lines[:12]:
        m = re.match(rf"^((?:{_NAME}\s+){{0,3}}{BODY_WORDS})\s+(?:Agenda|Minutes|Meeting)\b", line)
        if m:
            return m.group(1)
    return ""


def _stated_kind(kind_line: str, lines: list[str]) -> str:
    """The meeting kind the title block states: a heading that starts with it ("Special Council Meeting"), else
    the first "<kind> meeting" ("A special meeting of the … Council was held")."""
    heading = KIND.match(kind_line.strip(" *"))
    if heading:
        return heading.group(1).lower()
    stated = MEETING_KIND.search(" ".join(lines[:20]))
    if stated and stated.group(1).lower() in ("special", "extraordinary", "annual", "emergency"):
        return stated.group(1).lower()
    return "ordinary"


COMMITTEE_NAMED = re.compile(rf"\b((?:{_NAME}\s+){{1,3}}(?:Committee|Cabinet|Board|Commission|Panel))\b")
NAMED_AT_LEAST = 3  # a body named this often, and twice as often as any other, is the paper's


def _named_most(pages: list[PageText]) -> str:
    """The committee a paper's text names most, when it names it often and clearly more than any other."""
    counts: dict[str, int] = {}
    for page in pages:
        for m in COMMITTEE_NAMED.finditer(page.text.replace("\n", " ")):
            words = _tidy(m.group(1)).split()
            while words and (words[0].lower() in NOT_A_PLACE or MONTH_WORD.match(words[0])):
                words = words[1:]  # "the August Adults Committee": the Adults Committee
            if len(words) >= 2:
                name = " ".join(words)
                counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < NAMED_AT_LEAST or (len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]):
        return ""
    return ranked[0][0]


# a letter to a council ("Clerk to Ashby Parva Parish Council … Dear Mrs Clerk … Yours sincerely") is a paper of
# the council it was sent to, whatever letterhead it bears
SALUTATION = re.compile(r"^\s*dear\b", re.I | re.M)
SIGN_OFF = re.compile(r"^\s*yours\s+(?:sincerely|faithfully|truly)\b", re.I | re.M)
ADDRESSEE = re.compile(r"\b(?:[Cc]lerk|[Cc]hair(?:man|person)?|[Mm]embers?)\s+(?:to|of)\s+(?:the\s+)?"
                       r"([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,5}\s+(?:Council|Committee|Board|Commission))\b")


def _addressee(pages: list[PageText]) -> str:
    """The council a letter is addressed to, from the lines before "Dear …"; empty for any other paper."""
    text = pages[0].text if pages else ""
    dear = SALUTATION.search(text)
    if not dear or not SIGN_OFF.search("\n".join(p.text for p in pages[:3])):
        return ""
    m = ADDRESSEE.search(text[:dear.start()])
    return m.group(1) if m else ""


def find_body(pages: list[PageText], source: str = "") -> BodyFound:
    addressee = _addressee(pages)
    if addressee and MUNICIPAL.search(addressee):
        return BodyFound(addressee, full_council(addressee), "ordinary", "text", addressee)
    authority = find_authority(pages)
    lines = _head_lines(pages)
    kind_line = next((ln for ln in lines[:20] if re.match(r"^\W*(?:special|extraordinary|annual)\b", ln, re.I)), "")
    printed = _printed_body(lines)
    # a title line naming the body and a kind ("Special Council Meeting") gives both
    if not printed and kind_line:
        printed = _printed_body([KIND.sub("", kind_line.strip(" *"))])
    if printed:
        body, kind = canonical(printed, authority)
        if kind == "ordinary":
            kind = _stated_kind(kind_line, lines)
        if body and not (authority and body.lower() == authority.lower()):
            return BodyFound(authority, body, kind, "text", _tidy(printed))
    if authority and MUNICIPAL.search(authority):
        return BodyFound(authority, full_council(authority), "ordinary", "text", authority)
    named = _named_most(pages)
    if named:  # a report with no title block naming its body: the committee its text keeps naming
        body, _ = canonical(named, authority)
        return BodyFound(authority, body, "ordinary", "text", named)
    stem = FILE_DATE.split(source.lower())[0].strip("-_ ") if FILE_DATE.search(source) else ""
    if stem:
        return BodyFound(authority, canonical(stem.replace("-", " ").replace("_", " ").title(), authority)[0],
                         "ordinary", "file name", stem)
    return BodyFound(authority, "", "ordinary", "none")


def settle(papers: list[tuple[str, str, str]]) -> dict[str, tuple[str, str]]:
    """Papers that name no authority, placed under the library's authority that holds their body.

    ``papers`` are (doc_id, authority, body); returns doc_id -> (authority, body) for those that change: a
    paper of "Cabinet" or "Lakeview Council" (from a file name) joins the one authority whose bodies match,
    and is left alone when none or several do."""
    bodies: dict[str, set[str]] = {}
    for _, authority, body in papers:
        if authority:
            bodies.setdefault(authority, set()).add(body)
    moves = {}
    for doc_id, authority, body in papers:
        if authority or not body:
            continue
        kind = re.match(r"^(county|city|town|township|district|borough|parish|village)\s+council$", body, re.I)
        fits = []
        for known, held in bodies.items():
            name, _ = canonical(body, known)
            if kind and kind.group(1).lower() not in known.lower():
                continue  # a "County Council" is not a township's council
            if name in held:
                fits.append((known, name))
        if len(fits) == 1:
            moves[doc_id] = fits[0]
    return moves
