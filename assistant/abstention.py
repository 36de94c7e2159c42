"""Whether the passages found hold an answer: a calibrated decision, not one coverage threshold.

The evidence is a few numbers any question gives — how much of the question the best passage holds, and whether what the question pins down (its meeting date, its body, a figure
for "how much", minutes for "what was decided") is there at all. A logistic model weighs them; its
coefficients are fitted on the three dev sets by ``bench/fit_abstention.py`` (leave-one-publisher-out
figures in bench/results/abstention-notes.md) and kept in ``assistant/abstention_model.json``.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.query import DECISION_ASKED, Question, asking
from assistant.terms import stems_of
from ingest.dates import MONTH_NAME, MONTHS, other_periods, periods_named
from ingest.records import Document, Passage
from ingest.units import tabular
from ingest.words import names_in

MODEL_PATH = Path(__file__).with_name("abstention_model.json")
# a decision reported as taken ("the Committee agreed", "was approved"), not one still to come ("can be passed")
DECISION_TAKEN = re.compile(r"(?<!can be )(?<!may be )(?<!to be )(?<!will be )\b(?:agreed|approved|resolved|"
                            r"decided|adopted|carried|passed|endorsed)\b", re.I)
MEETING_NAMED = re.compile(r"\b(?:meeting|agenda|minutes|session)\b", re.I)  # "its April 7, 2026 meeting"
# "the final outturn", "the actual spend": not a forecast of it
FINAL_ASKED = re.compile(r"\b(?:final|actual)(?:\s+(?:(?:19|20)\d\d(?:[/-]\d{2,4})?|revenue|capital|net|gross|total|"
                         r"annual|year[- ]end))*\s+(?:outturn|spend|spending|cost|position|figure|overspend|underspend)\b",
                         re.I)  # "the final 2024-25 revenue outturn"
FORECAST_SAID = re.compile(r"\bforecast(?:s|ing)?\b|\bprojected\b|\bexpected to\b", re.I)
FINAL_SAID = re.compile(r"\b(?:final|actual|outturn\s+(?:was|is)|closedown|year[- ]end)\b", re.I)
PROJECTED = re.compile(r"\b(?:project(?:ed|ion)s?|forecasts?|expected|estimated?|planned|will)\b", re.I)


@dataclass(frozen=True)
class Evidence:
    """What the passages found say about whether they answer the question (each 0–1)."""

    coverage: float  # share of the question's content words (rare ones weigh more) in the best passage
    register: float  # the answer is read from a register (a resolution, action or agenda item)
    figure_missing: float  # a figure is asked for and no quoted sentence holds a new one (a sum for "how much")
    measure_missing: float  # ... or none stands beside what is counted, or comes from the asked month
    date_missing: float  # the question names a meeting date or month and no passage quoted is from it
    body_missing: float  # the question names a body and no passage quoted is of it
    beyond_library: float  # the question asks about a time after the library's last meeting
    decision_missing: float  # a decision is asked about; the lead passage is not minutes nor reports one taken
    meeting_missing: float = 0.0  # the question names the day of a meeting and the library holds no paper of it
    name_missing: float = 0.0  # "who ...?" and the lead sentence names no one the question does not
    year_missing: float = 0.0  # the question names a year; the lead passage names others, never that one
    final_missing: float = 0.0  # a final (actual) figure is asked for and the lead sentence gives a forecast

    @property
    def missing(self) -> float:
        """How many of the things the question pins down are missing: one weight shared by every flag, so a
        flag the fitting sets never raised (a body asked for and not found) still counts against an answer."""
        return sum(v for k, v in asdict(self).items() if k not in ("coverage", "register"))

    def values(self) -> dict[str, float]:
        return {**asdict(self), "missing": self.missing}

    def vector(self, names: tuple[str, ...] | None = None) -> list[float]:
        values = self.values()
        return [values[n] for n in (names or values)]


def gather(question: Question, passages: list[Passage], quoted: list[Passage], coverage: float, register: bool,
           figure: tuple[bool, bool], documents: list[Document], lead: str = "",
           minuted: frozenset[str] | None = None) -> Evidence:
    """The evidence for one question; ``quoted`` are the passages the answer would quote (or cite), first
    the one its first line (``lead``) comes from, which must be of the asked meeting, body and kind.
    ``minuted`` are the meeting dates the library holds minutes of (None: not known)."""
    shown = quoted[:1] or passages[:1]
    window = question.date_window()
    date_missing = bool(window) and not any(not p.meeting_date or window[0] <= p.meeting_date <= window[1]
                                            for p in shown)
    # a paper that names no body (or no date) cannot be of another one: unknown is not a mismatch
    body_missing = bool(question.committee) and not any(not p.committee or question.of_body(p.committee)
                                                        for p in shown) \
        or bool(question.outside_body) and not _reports_decision_of(question.outside_body, [lead] + [p.text for p in quoted])
    held = [d.meeting_date for d in documents if d.meeting_date]
    undated = len(held) < len(documents)  # an undated paper may be of any time
    # a year alone may be what a paper is about, not when it met: the 2026 budget is set in 2025
    start = "" if not window else window[0] if question.exact_dates or question.months else \
        f"{int(window[0][:4]) - 1}-01-01"
    beyond = bool(start and held) and not undated and start > max(held)
    # "the debt at 31 March 2025" is known only after that day, unless a projection of it is asked for
    beyond = beyond or bool(question.as_at and held) and not undated and not PROJECTED.search(question.text) \
        and min(question.as_at) > max(held)
    # a decision is the question's ask: its intent, or a yes/no question about one ("did council pass ...?")
    asks_decision = question.asks_decision
    asked_years = periods_named(asking(question.text))  # not a year of a statement before the question
    # a decision reported as taken is one of the asked time only if it names no other ("In October 2018
    # Committee approved ..." for a question about October 2019)
    reported = bool(DECISION_TAKEN.search(lead)) and not other_periods(asked_years, periods_named(lead))
    decision_missing = asks_decision and not any(p.minute or p.doc_type == "minutes" for p in quoted or shown) \
        and not reported
    # "did the committee agree it at the 6 September meeting?" and no minutes of that meeting are held (its pack
    # may hold an earlier meeting's)
    # (unless the lead reports a decision of that day: "At its meeting on 29th May the Resources Committee ...")
    decision_missing = decision_missing or asks_decision and bool(question.exact_dates) and minuted is not None \
        and not set(question.exact_dates) & minuted and not any(_names_day(lead, d) for d in question.exact_dates)
    # "the final outturn for 2019/20" is not answered by a paper about 2017/18
    # (for a question of two parts any quoted passage will do: "the split, and the funding for 2020/21")
    year_missing = all(other_periods(asked_years, _years_of(p))
                       for p in (quoted or shown if len(question.parts) > 1 else shown))
    meeting_missing = bool(question.exact_dates) and bool(MEETING_NAMED.search(question.text)) and \
        not set(question.exact_dates) & (set(held) | (minuted or set()))  # (minutes printed in a later pack)
    # "who is the new commissioner, after X resigned?" is not answered by X's resignation
    asked = stems_of(question.text)
    name_missing = question.asks_who and bool(lead) and all(stems_of(n) & asked for n in names_in(lead))
    # (a table row is read with its table, whose heads say "Forecast")
    said = f"{shown[0].about} {shown[0].text}" if shown and tabular(lead) else lead
    final_missing = bool(FINAL_ASKED.search(question.text)) and bool(FORECAST_SAID.search(said)) and \
        not FINAL_SAID.search(lead)
    return Evidence(coverage, float(register), float(not figure[0]),
                    float(not figure[1]), float(date_missing),
                    float(body_missing), float(beyond), float(decision_missing), float(meeting_missing),
                    float(name_missing), float(year_missing), float(final_missing))


def _names_day(text: str, iso: str) -> bool:
    """Whether ``text`` names the day ``iso`` by day and month ("29th May", "May 29")."""
    day, month = int(iso[8:10]), int(iso[5:7])
    for m in re.finditer(rf"\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{MONTH_NAME})|"
                         rf"\b(?P<m2>{MONTH_NAME})[a-z]*\.?\s+(?P<d2>\d{{1,2}})\b", text, re.I):
        d, name = (m["d1"], m["m1"]) if m["d1"] else (m["d2"], m["m2"])
        if int(d) == day and MONTHS[name.lower()[:3]] == month:
            return True
    return False


def _reports_decision_of(body: str, texts: list[str]) -> bool:
    """Whether the papers quoted report a decision of ``body``, a body the library holds no papers of ("approved by
    the Resources Committee in December"): then they answer what it decided; else ("How did Eastvale Council
    vote?", quoted beside "jointly with Eastvale Council") they do not."""
    name = re.escape(re.sub(r"^(?:the|did|does|has|have)\s+", "", body, flags=re.I)).replace(r"\ ", r"\s+")
    said = re.compile(rf"\bby\s+(?:the\s+)?{name}\b|\b{name}\s+(?:has\s+|have\s+|had\s+)?(?:approved|agreed|voted|"
                      rf"resolved|decided|endorsed|adopted|rejected)\b", re.I)
    return any(said.search(t) for t in texts)


def _years_of(passage: Passage) -> set[tuple[int, int]]:
    """The years and spans a passage names (ingest.dates.periods_named), with its meeting's year."""
    named = periods_named(f"{passage.about} {passage.text}")
    return named | {(int(passage.meeting_date[:4]),) * 2} if passage.meeting_date else named


@dataclass(frozen=True)
class Model:
    """Abstain when the best passage holds too little of the question (``floor``), or when a logistic model of
    the flags says the passages are unlikely to answer it. Coverage itself is not a feature of the model: on
    the dev sets a question the papers cannot answer shares as many words with them as one they can, so the
    fit would learn that holding the words counts against an answer — true there, absurd in general."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float  # abstain below this chance
    floor: float  # ... or when the best passage holds less than this share of the question

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "Model":
        data = json.loads(path.read_text())
        names = tuple(data["weights"])
        return cls(names, tuple(data["weights"][n] for n in names), data["bias"], data["threshold"], data["floor"])

    def chance(self, evidence: Evidence) -> float:
        values = evidence.values()
        z = self.bias + sum(w * values[n] for n, w in zip(self.features, self.weights))
        return 1.0 / (1.0 + math.exp(-z))

    def abstains(self, evidence: Evidence) -> bool:
        return evidence.coverage < self.floor or self.chance(evidence) < self.threshold


# the flags the model weighs (see Model)
FLAGS = ("register", "figure_missing", "measure_missing", "date_missing", "body_missing", "beyond_library",
         "decision_missing", "meeting_missing", "name_missing", "year_missing", "final_missing", "missing")


def nearby(question: Question, documents: list[Document], minuted: frozenset[str] = frozenset()) -> str:
    """What the library holds of the meeting a question asks about, for an abstention to say: "The library has
    the agenda of Council on 16 October 2012, but not the minutes of that meeting." Empty when the question
    names no date."""
    from ingest.dates import spoken

    window = question.date_window()
    if not window:
        return ""
    exact = set(question.exact_dates)
    dated = [d for d in documents if d.meeting_date]
    docs = [d for d in dated if (d.meeting_date in exact if exact else window[0] <= d.meeting_date <= window[1])]
    if question.committee:
        docs = [d for d in docs if question.of_body(d.committee)] or docs
    if not docs and exact & minuted:
        return f"The library has the minutes of the meeting of {spoken(min(exact & minuted))}, printed in a later paper."
    if not docs:
        last = max((d.meeting_date for d in dated), default=None)
        if last and window[0] > last:
            return f"The library's papers end with the meeting of {spoken(last)}."
        return "The library holds no papers of a meeting at that time."
    meetings: dict[tuple[str, str], list[str]] = {}
    for d in sorted(docs, key=lambda d: d.meeting_date):
        kinds = meetings.setdefault((d.committee or "a body not named", d.meeting_date), [])
        if d.doc_type not in kinds:
            kinds.append(d.doc_type or "paper")
    said = [f"the {' and '.join(kinds)} of {body} on {spoken(day)}" for (body, day), kinds in list(meetings.items())[:3]]
    minutes = any("minutes" in kinds for kinds in meetings.values())
    tail = ", but not the minutes of that meeting" if DECISION_ASKED.search(question.text) and not minutes else ""
    return f"The library has {'; '.join(said)}{tail}."
