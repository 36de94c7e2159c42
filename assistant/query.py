"""Understand the references people use in a question: items, minutes, dates, committees, and what kind of answer.

    parse_question("what did minute 98 of the July 2018 meeting resolve?")
    # Question(minute='98', months=[(2018, 7)], intent='resolution', ...)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

from assistant import tuning as T
from assistant.terms import content_terms
from ingest.dates import MONTH_NAME, MONTHS, bare_years, find_dates
from ingest.numbering import QUOTED_REF
from ingest.words import ORGANISATIONS, PEOPLE, STOPWORDS

ITEM = re.compile(rf"\bitem\s+(?:no\.?\s*)?({QUOTED_REF}|\d{{1,3}}[a-z]?)\b", re.I)
MINUTE = re.compile(rf"\bminute\s+(?:no\.?\s*)?({QUOTED_REF}|\d{{1,4}}|R\d{{4}}-\d{{1,4}})\b", re.I)
MONTH_YEAR = re.compile(rf"\b{MONTH_NAME}(?:\s+(\d{{4}}))?\b", re.I)
RECOMMENDATION_ASKED = re.compile(r"\basked to\b|\brecommend(?:s|ed|ation|ations)?\b|\bask(?:s|ing)? (?:us|the committee|members)\b|"
                              r"\bwhat does item\b", re.I)
VERSION_ASKED = re.compile(r"\b(?:draft|earlier|previous|original|first|provisional|old|last year'?s|"
                           r"superseded|before (?:it was|the) (?:amended|revised|final))\b", re.I)
# up to four words of a noun phrase before its head ("which Riverside Park BID commissioners"), no verb among them
# ("what scores did the bidders get" asks for scores, not bidders)
NOUN_GAP = r"(?:(?!(?:did|does|do|was|were|is|are|has|have|had|will|would|can|could|should)\b)[\w#&'’.-]+\s+){0,4}?"
# "which councillors", "what provider": a question for people or organisations by their role
PEOPLE_ASKED = rf"(?:which|what)\s+{NOUN_GAP}(?:{PEOPLE}|{ORGANISATIONS})\b"
HEAD = re.compile(r"\b(?:how\s+(?:much|many|large|big|long)|what(?:['’]s|\s+(?:is|was|were|are))?(?:\s+(?:the|its|their|our))?)"
                  r"\s+(.*)", re.I)
# where the words naming what is counted end: a clause's verb, a preposition, a determiner, punctuation
MEASURE_END = re.compile(r"[,;:?()]|\s(?:is|was|were|are|will|would|does|did|do|has|have|had|can|could|should|be|of|in|"
                         r"on|at|for|from|to|by|with|across|between|under|over|during|per|against|and|or|the|a|an|"
                         r"this|that|these|those|each|every|now|so|than)\b", re.I)
YES_NO = re.compile(r"^\s*(?:[^,?]{0,60},\s*)?(?:did|was|were|has|have|is|are)\b", re.I)  # "Back in July, did ...?"
DECISION_ASKED = re.compile(r"\b(?:decid(?:e|ed|es|ing)|decision|resolv(?:e|ed)|pass(?:ed)?|approv(?:e|ed|al)|"
                            r"vot(?:e|ed)|adopt(?:ed)?|agree(?:d)?|sign(?:ed)?\s+off|authori[sz]e[ds]?|reject(?:ed)?)\b",
                            re.I)
LAST_MONTH = re.compile(rf"\blast\s+{MONTH_NAME}(?:'s)?\b", re.I)

INTENTS = [
    ("action", re.compile(r"\baction(s| log)?\b|\bfollow(ing|ed)? up\b|\bwho is (?:following|chasing|doing)\b|"
                          r"\bprogress\b|\bstill open\b|\boutstanding\b|\bwhat came of\b|"
                          r"\bwhere (?:is|has)\b.*\b(?:got to|action|request)\b|"
                          # a clerk chasing what was asked for: "any update on ...?", "who was meant to ..., has it
                          # happened?"
                          r"\bany (?:update|news)\b|\bwho (?:was|is) (?:meant|supposed|due) to\b|"
                          r"\bhas (?:it|that|this) (?:happened|been done)\b", re.I)),
    ("resolution", re.compile(r"\bresol(?:ve|ved|ution)\b|\bdecid(?:e|ed|sion)\b|\bagree(?:d)?\b|\bapprove(?:d)?\b|"
                              r"\bvote(?:d)?\b", re.I)),
    ("figure", re.compile(r"\bhow (?:much|many|large|big)\b|\bwhat (?:is|was|were) the (?:total|cost|number|"
                          r"amount|rate|percentage|budget|variance|price)\b|\b(?:cost|spend|spent|saving|saved|rate|price|"
                          r"percentage|variance|figure|total|uplift|rent|fee)\b", re.I)),
    ("agenda", re.compile(r"\bagenda\b|\bpack\b|\bhow long did\b|\bwhere in the\b|\bwhich pages?\b|\bwhat time\b|\bwhere (?:and|was)\b|"
                          r"\bheld\b", re.I)),
    ("when", re.compile(r"^\s*when\b|\bwhat date\b", re.I)),
    ("who", re.compile(r"^\s*who\b|\bwho (?:should|leads|is)\b|\bcontact\b", re.I)),
]
DOC_KINDS = [(r"\bslides?\b|\bpresentation\b|\bdeck\b", "presentation"), (r"\baction log\b", "action log"),
             (r"\bminutes\b", "minutes"), (r"\bforecasts?\b", "budget")]
SUBORDINATE = re.compile(r"^\s*(?:when|after|before|since|once|as|while|now that)\b[^,?]{3,120},\s*(?=(?:who|what|which|"
                         r"how|when|where|did|was|were|is|are|has|have|does|do|can)\b)", re.I)
# what sets the scene rather than asks: "In the forecast council adopted in March 2026, when is ...", a
# statement before the question ("The decision was called in. What did ..."), "..., per the budget slides"
SETTING = re.compile(r"^\s*(?:in|at|for|on|from|of|according to|under|within)\b[^,?]{3,120},\s*(?=(?:who|what|which|"
                     r"how|when|where|did|was|were|is|are|has|have|does|do|can)\b)", re.I)
SOURCE_NAMED = re.compile(r",?\s+(?:per|according to|in|as set out in)\s+the\s+[^,?]{3,60}(?=\?*\s*$)", re.I)
BALANCE_DATE = re.compile(r"\b(?:as\s+(?:at|of)|at|by|until|till|ending|end\s+of)\s+$", re.I)
VOTE_ASKED = re.compile(r"\b(?:vot(?:e|ed|es|ing)|backed|supported|opposed|in favou?r|unanimous(?:ly)?|majority)\b",
                        re.I)
FOLLOW_UP = re.compile(r"^\s*(and|also|what about|how about|but|so|then)\b|\b(they|them|their|it|that|this|those|"
                       r"these|he|she)\b", re.I)


@dataclass(frozen=True)
class Question:
    text: str
    search_text: str
    item: str | None = None
    minute: str | None = None
    months: tuple[tuple[int, int], ...] = ()  # (year, month) mentioned
    years: tuple[int, ...] = ()
    exact_dates: tuple[str, ...] = ()
    as_at: tuple[str, ...] = ()  # dates a figure stands at ("the reserve at 31 March 2025"), not meetings
    intent: str = "fact"
    committee: str | None = None
    outside_body: str | None = None  # a body the question asks the decision of whose papers the library lacks
    follow_up: bool = False
    context: tuple[str, ...] = field(default=())  # earlier questions this one leans on
    doc_kind: str | None = None  # "presentation", "minutes", "report", ... when the question names one

    def of_body(self, name: str | None) -> bool:
        """Whether a paper of body ``name`` is of the body the question names: the same name, or one holding all
        its words ("council" asked, "City Council" held: a question cannot be more precise than its words)."""
        if not self.committee or not name:
            return False
        asked = set(re.findall(r"\w+", self.committee.lower()))
        return name == self.committee or asked <= set(re.findall(r"\w+", name.lower()))

    @cached_property
    def terms(self) -> list[str]:
        """The stemmed content words of ``search_text``, worked out once however many readers ask."""
        return content_terms(self.search_text)

    @cached_property
    def asked_terms(self) -> list[str]:
        """``terms`` with the words of the clause that asks counted again ASKED_EXTRA times: a sentence that answers holds what is
        asked ("what council tax rise was planned"), not only the scene ("when Cabinet looked at the budget")."""
        asked = main_clause(self.search_text)
        return self.terms + content_terms(asked) * T.ASKED_EXTRA if asked != self.search_text else self.terms

    @property
    def asks_vote(self) -> bool:
        """Whether the question asks how a vote went ("how many councillors backed it?", "was it unanimous?")."""
        return bool(VOTE_ASKED.search(self.text))

    @property
    def asks_who(self) -> bool:
        """Whether the clause that asks asks for a person or body ("who replaced him?", "who's been approved",
        "which provider got the contract?", "which councillors voted against?")."""
        return bool(re.match(rf"\s*(?:who(?:'s|’s|se)?\b|{PEOPLE_ASKED})", main_clause(self.text), re.I))

    @property
    def asks_figure(self) -> bool:
        """Whether a figure is asked for ("how much", "what price"), whatever the question's main intent."""
        return bool(dict(INTENTS)["figure"].search(self.text))

    @cached_property
    def measure(self) -> set[str]:
        """What is counted, which stands beside the figure that answers ("flats", "weekly rent"): after "how
        many" / "what (was the)", in each part of the question, the first two content words and the last before
        a verb, preposition or comma ("the council's total unringfenced covid grant across ..." -> total,
        unringfenced, grant); none of a possessive ("the council's"), nor of a part that asks no figure."""
        found: set[str] = set()
        asks = dict(INTENTS)["figure"]
        for part in self.parts[1:] or self.parts:
            m = HEAD.search(part)
            if not m or not asks.search(part) or re.match(r"(?:did|do|does|has|have|had)\b", m.group(1), re.I):
                continue  # a part that asks no figure ("and what did the report conclude?")
            words = re.sub(r"\b\w+['’]s\b", " ", m.group(1))
            end = MEASURE_END.search(" " + words)
            head = [t for t in content_terms((" " + words)[:end.start()] if end else words) if not t[0].isdigit()]
            found |= set([t for t in content_terms(words) if not t[0].isdigit()][:2] + head[-1:])
        return found

    @property
    def asks_decision(self) -> bool:
        """Whether the question asks for a decision: its intent, or a yes/no question about one ("did council pass
        ...?"); not what a report recommends."""
        return not self.asks_recommendation and (self.intent == "resolution" or bool(
            YES_NO.match(self.text) and DECISION_ASKED.search(self.text)))

    @property
    def asks_recommendation(self) -> bool:
        """Whether the question asks what a report recommends ("what does item 4 ask us to decide?")."""
        return bool(RECOMMENDATION_ASKED.search(self.text))

    @property
    def asks_version(self) -> bool:
        """Whether the question asks for a version other than the current one ("the draft budget", "the
        original forecast", "last year's plan")."""
        return bool(VERSION_ASKED.search(self.text))

    @cached_property
    def parts(self) -> tuple[str, ...]:
        """The whole question, then each part of a two-part one ("... and what ...?", "X compared with Y")."""
        return tuple(sub_questions(self.search_text))

    def date_window(self) -> tuple[str, str] | None:
        """Meeting dates a mentioned month or year points at (a meeting's minutes arrive at the next one)."""
        if self.exact_dates:
            d = min(self.exact_dates)
            return d, _add_months(d, 3)
        if self.months:
            y, m = min(self.months)
            y2, m2 = max(self.months)
            return f"{y:04d}-{m:02d}-01", _add_months(f"{y2:04d}-{m2:02d}-28", 3)
        if self.years:
            return f"{min(self.years)}-01-01", f"{max(self.years)}-12-31"
        return None


def _add_months(iso: str, n: int) -> str:
    d = date.fromisoformat(iso[:10])
    month = d.month - 1 + n
    y, m = d.year + month // 12, month % 12 + 1
    return f"{y:04d}-{m:02d}-28"


def intent_of(text: str) -> str:
    """What kind of answer the question asks for, read from its main clause ("When Tom stepped down, who
    replaced him?" asks who, not when)."""
    text = SUBORDINATE.sub("", text, count=1)
    for name, pattern in INTENTS:
        if pattern.search(text):
            return name
    return "fact"


def _known_words(names: list[str]) -> set[str]:
    """The words of the library's authority and body names, and their initials ("NCC" of Northshire County
    Council, "BID" of Business Improvement District)."""
    known = {w.lower() for a in names for w in re.findall(r"\w+", a or "")}
    for a in names:
        caps = [w[0].lower() for w in re.findall(r"\b[A-Z]\w*", a or "")]
        known |= {"".join(caps[i:j]) for i in range(len(caps)) for j in range(i + 2, len(caps) + 1)}
    return known


def _names_body(text: str, name: str, known: set[str]) -> bool:
    """Whether the question names the body ``name`` as the one that met: not as people's role ("which Cabinet
    members", "the Cabinet Member for Finance"), nor as the end of another body's name ("Lakeside's Public Art
    Commission"; "Northshire County Council" is the County Council of one of the library's authorities, ``known``)."""
    for m in re.finditer(rf"\b{re.escape(name)}\b", text, re.I):
        if re.match(rf"\s+{PEOPLE}\b", text[m.end():], re.I):
            continue
        before = re.search(r"([A-Z][\w&-]*)\s+$", text[:m.start()])
        if before and before.start() > 0 and before.group(1).lower() not in known:
            continue
        return True
    return False


BODY_KIND = r"(?:[Cc]ouncil|[Cc]ommittee|[Bb]oard|[Cc]abinet|[Cc]ommission|[Aa]uthority)"
PLACE_KIND = r"(?:Township|City|County|Municipality|Borough|District|Town|Village|Parish)"
DECIDER = (rf"(?:{PLACE_KIND}\s+of\s+[A-Z][\w'-]+(?:\s+{BODY_KIND})?|(?:[A-Z][\w'&-]*\s+){{1,3}}{BODY_KIND})")
DECIDED_BY = re.compile(rf"\b(?i:did|does|has|have|will|would)\s+(?:the\s+)?({DECIDER})\s+(?:vote|agree|decide|"
                        rf"approve|pass|adopt|resolve|reject|endorse|support|back|accept)\b|"
                        rf"\b({DECIDER})\s+(?:voted|agreed|decided|approved|passed|adopted|resolved|rejected|"
                        rf"endorsed|backed|accepted)\b")
GENERIC_NAME = {"council", "committee", "board", "cabinet", "commission", "authority", "township", "city", "county",
                "municipality", "borough", "district", "town", "village", "parish", "of", "the", "full", "county's"}


def outside_body(text: str, known: set[str]) -> str | None:
    """A body the question asks the decision of that is none of the library's ("How did Eastvale Council vote?",
    "Did Township of Hill council agree?"): its proper words are not among ``known``. None otherwise."""
    for m in DECIDED_BY.finditer(text):
        name = m.group(1) or m.group(2)
        proper = [w.lower() for w in re.findall(r"[\w'-]+", name) if w.lower() not in GENERIC_NAME | STOPWORDS]
        if proper and not set(proper) <= known:
            return name
    return None


def parse_question(text: str, committees: list[str] = (), today: date | None = None,
                   history: list[str] = (), authorities: list[str] = ()) -> Question:
    today = today or date.today()
    item = ITEM.search(text)
    minute = MINUTE.search(text)
    # a balance's date ("the reserve projected at 31 March 2025") says when a figure stands, not a meeting
    dates = find_dates(text)
    balance = [pos for pos, _ in dates if BALANCE_DATE.search(text[:pos])]
    exact = tuple(d.isoformat() for pos, d in dates if pos not in balance)
    as_at = tuple(d.isoformat() for pos, d in dates if pos in balance)
    months = []
    for m in MONTH_YEAR.finditer(text):
        if any(pos <= m.start() <= pos + 3 for pos in balance):
            continue
        if m.group(1).lower() == "may" and not m.group(2):
            continue  # "may" is mostly a verb
        month = MONTHS[m.group(1).lower()[:3]]
        if m.group(2):
            months.append((int(m.group(2)), month))
    for m in LAST_MONTH.finditer(text):
        month = MONTHS[m.group(1).lower()[:3]]
        year = today.year if month < today.month else today.year - 1
        months.append((year, month))
    years = tuple(bare_years(text))
    known = _known_words(list(authorities) + list(committees))
    committee = next((name for name in sorted(committees, key=lambda n: -len(n or ""))  # "City Council" first
                      if name and _names_body(text, name, known)), None)
    kind = next((k for pattern, k in DOC_KINDS if re.search(pattern, text, re.I)), None)
    words = re.findall(r"\w+", text)
    follow_up = bool(history) and (len(words) <= 6 or bool(FOLLOW_UP.search(text)))
    # "how did the vote on the precept go?" asks how it ended: "go" is no word to search for
    searched = HOW_IT_WENT.sub(r"\1?", text)
    q = Question(text=text, search_text=searched, item=item.group(1).lower() if item else None,
                 minute=minute.group(1) if minute else None, months=tuple(months), years=years,
                 exact_dates=exact, as_at=as_at, intent=intent_of(text), committee=committee, doc_kind=kind,
                 outside_body=outside_body(text, known) if committees else None)
    if follow_up:
        previous = parse_question(history[-1], committees, today, authorities=authorities)
        q = replace(q, follow_up=True, context=tuple(history[-2:]),
                    search_text=f"{history[-1]} {text}",
                    item=q.item or previous.item, minute=q.minute or previous.minute,
                    months=q.months or previous.months, years=q.years or previous.years,
                    exact_dates=q.exact_dates or previous.exact_dates,
                    committee=q.committee or previous.committee,
                    intent=q.intent if q.intent != "fact" else previous.intent)
    return q


HOW_IT_WENT = re.compile(r"^(\s*how\s+(?:did|does|do|has|have|will)\b.*?)\s+(?:go|went|gone|turn\s+out)\s*\?\s*$",
                         re.I)
SPLIT = re.compile(r",?\s+and\s+(?=(?:what|how|who|when|where|which|is|was|did|does)\b)|\s+compared?\s+with\s+|"
                   r"\s+compare\s+with\s+|\s+versus\s+|\s+vs\.?\s+", re.I)


def asking(text: str) -> str:
    """The sentences of a question that ask, without a statement before them ("APC was to save £3.8m in
    2019/20. What did it deliver?" asks "What did it deliver?")."""
    return " ".join(re.findall(r"[^.?!]*\?", text)).strip() or text


def main_clause(text: str) -> str:
    """The clause of a question that asks, without what sets the scene: a statement before it, a leading
    "When ...," or "In the ...," clause, a trailing "per the budget slides"."""
    asked = asking(text)
    asked = SUBORDINATE.sub("", asked, count=1)
    asked = SETTING.sub("", asked, count=1)
    asked = SOURCE_NAMED.sub("", asked)
    return asked if len(content_terms(asked)) >= 2 else text


def sub_questions(text: str) -> list[str]:
    """The whole question, then each part of a two-part question ("... and what ...?", "X compared with Y")."""
    parts = [p.strip(" ,?") for p in SPLIT.split(text) if p and len(content_terms(p)) >= 2]
    return [text] + parts if len(parts) >= 2 else [text]
