"""Grounded answers without an LLM: the sentences of the cited passages that answer the question.

Every sentence is copied from a passage, never written, and carries the number of
the citation it came from. Sentences are scored by meaning (the embedding model),
by the question's rare words they contain, and by the kind of answer asked for (a
figure for "how many", a resolution for "what was decided").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

from assistant import tuning as T
from assistant.models import Passage
from assistant.query import PEOPLE_ASKED, Question
from assistant.terms import content_terms
from ingest.dates import MONTH_NAME
from ingest.figures import DATE_LIKE, MONEY, new_figures
from ingest.minutes import counts_votes
from ingest.units import YEAR_ROW, split_units, tabular
from ingest.words import HONORIFICS, normalised

CONTINUES = re.compile(r"^(?:this|these|it|they|therefore|thus|consequently|as a (?:result|consequence)|"
                       r"(?:a|one|the) (?:consequence|result) of (?:this|that)|however|which)\b", re.I)
WHERE_Q = re.compile(r"^\s*where\b|\bvenue\b|\bwhich room\b", re.I)
VENUE_WORDS = re.compile(r"\b(?:room|chamber|hall|centre|center|offices|venue|online|virtual(?:ly)?)\b|"
                         r"(?-i:\bat\s+(?:the\s+)?[A-Z][a-z]+\s+[A-Z][a-z]+)", re.I)  # "at Riverside Cafe"
TIME_Q = re.compile(r"\bwhat time\b|\bhow long\b|\bstart(?:ed)?\b|\bfinish", re.I)
TIME_WORDS = re.compile(r"\b\d{1,2}(?:[.:]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|hrs?)\b|\b\d{2}:\d{2}", re.I)
# "who", or "which" of some people or organisations ("which Riverside Park commissioners ...", "which provider")
WHO_Q = re.compile(rf"^\s*who\b|\bcontact\b|\b{PEOPLE_ASKED}", re.I)
# a name or contact line: "Contact: ...", "From: (the report's author)", "Cllr Lee", "Councillors Lee and Ray", "A. Lee, B. Ray" (initials and surnames in a list)
WHO_WORDS = re.compile(r"^(?:name|names|officer contact|contact|clerk name|lead officer|author|report author|from)\s*:|"
                       rf"\b(?:{'|'.join(sorted(HONORIFICS))})s?\.?\s+(?-i:[A-Z])|(?-i:\b[A-Z]\.\s?[A-Z][a-z]{{2,}}(?:,|/|\)|\s+and\b))", re.I)
WHEN_WORDS = re.compile(rf"\b{MONTH_NAME}[a-z]*\b|\b(?:19|20)\d\d\b", re.I)
# page furniture: contact lines, web and mail addresses, page counters — never an answer
FURNITURE = re.compile(r"\b(?:tel(?:ephone)?|fax|phone)\b\.?:?\s*[\d(+]|\b\d{3}[-.\s]\d{3}[-.\s]\d{4}\b|"
                       r"\bwww\.\S+|\S+@\S+\.\w{2,}|\bpage\s+\d+\s+of\s+\d+\b", re.I)
RESOLUTION_WORDS = re.compile(r"\bresolved\b|\bagreed\b|\bapprove|\brecommend|\bdelegate|\bdecision\b|\bdecided\b",
                              re.I)


@dataclass
class Unit:
    """A sentence, list entry or table row of a passage."""

    text: str
    passage: int  # index into the passages
    position: int
    score: float = 0.0
    lexical: float = 0.0


MONEY_Q = re.compile(r"(?<!-)\b(?:cost|costs|spend|spent|saved?|savings?|pay|paid|fee|fees|price|budget|funding|£)\b",
                     re.I)


def answers_money(question: str, text: str) -> bool:
    """A question about money is answered only by a sum of money."""
    return not MONEY_Q.search(question) or bool(MONEY.search(text))


def is_table_row(text: str) -> bool:
    return tabular(text)


UNIT_MARK = re.compile(r"^(?:[£$€][’']?000s?|[£$€]m|%|\(?[£$€]\)?|(?:19|20)\d\d(?:[/-]\d{2,4})?)$")


def is_column_heads(text: str) -> bool:
    """A table's head row: labels, years and unit marks ("Budget 2017/18 Actual Outturn Variance £000 £000 %"),
    no figure of its own."""
    marks = [w for w in text.split() if any(c.isdigit() for c in w) or w in ("%", "£", "$", "€")]
    return len(marks) >= 2 and all(UNIT_MARK.match(w.strip("()")) for w in marks)


def is_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(text) < 90 and bool(letters) and (sum(c.isupper() for c in letters) / len(letters) > 0.7
                                                  or text.rstrip().endswith(":"))




def score_units(question: Question, passages: list[Passage], embed, coverage,
                known: dict[str, np.ndarray] | None = None, shortlist: int = T.SHORTLIST) -> list[Unit]:
    """Every unit of the passages, scored by meaning, the question's words and the kind of answer asked for.

    Meaning comes in two steps. ``known`` holds vectors made at ingest (unit text → vector pooled from
    its chunk's model pass), so every unit is compared with the question at no model cost; units without
    one are embedded, at most SEMANTIC_UNITS (those sharing the question's words, then the openings of the
    best passages). Then the SHORTLIST best units are embedded on their own: a sentence's vector in
    context also carries its neighbours' meaning, which blurs the choice between neighbours."""
    units = [Unit(u, i, k) for i, p in enumerate(passages) for k, u in enumerate(split_units(p.text))]
    if not units:
        return []
    known = dict(known or {})
    for unit in units:  # a passage completed from the chunks beside it has longer sentences than it was stored with
        if unit.text not in known:
            start = next((k for k in known if len(k) > 40 and (unit.text.startswith(k) or unit.text.endswith(k))),
                         None)
            if start is not None:
                known[unit.text] = known[start]
    terms = question.asked_terms
    lexicals = [coverage(terms, u.text) for u in units]
    unknown = [n for n in range(len(units)) if units[n].text not in known]
    likely = sorted(unknown, key=lambda n: (-(lexicals[n] > 0), units[n].passage, units[n].position))
    embedded = sorted(likely[:T.SEMANTIC_UNITS])
    vectors = np.asarray(embed([question.search_text] + [units[n].text for n in embedded]))
    query = vectors[0]
    sims = np.zeros(len(units))
    sims[embedded] = vectors[1:] @ query
    for n, unit in enumerate(units):
        if unit.text in known and known[unit.text].shape == query.shape:
            sims[n] = float(known[unit.text] @ query)
    context = [coverage(terms, f"{p.about} {p.text}") for p in passages]
    for unit, sim, lexical in zip(units, sims, lexicals):
        unit.lexical = lexical
        unit.score = _unit_score(question, unit, float(sim), context[unit.passage])
    in_context = [n for n in range(len(units)) if units[n].text in known]
    best = sorted(in_context, key=lambda n: -units[n].score)[:shortlist]
    if best:
        alone = np.asarray(embed([units[n].text for n in best])) @ query
        for n, sim in zip(best, alone):
            units[n].score = _unit_score(question, units[n], float(sim), context[units[n].passage])
    return units


def _unit_score(question: Question, unit: Unit, sim: float, context: float) -> float:
    score = T.SIMILARITY_WEIGHT * sim + T.LEXICAL_WEIGHT * unit.lexical + T.CONTEXT_WEIGHT * context
    if question.intent == "figure" and new_figures(unit.text, question.search_text):
        score += T.KIND_BONUS
    if question.intent == "resolution" and RESOLUTION_WORDS.search(unit.text):
        score += T.KIND_BONUS
    if question.intent == "when" and WHEN_WORDS.search(DATE_LIKE.sub(" 2000 ", unit.text)):
        score += T.KIND_BONUS
    if WHERE_Q.search(question.text) and VENUE_WORDS.search(unit.text):
        score += T.PLACE_TIME_BONUS
    if TIME_Q.search(question.text) and TIME_WORDS.search(unit.text):
        score += T.PLACE_TIME_BONUS
    if WHO_Q.search(question.text) and WHO_WORDS.search(unit.text):
        score += T.WHO_BONUS
    if is_heading(unit.text) or is_column_heads(unit.text):
        score -= T.HEADING_PENALTY
    if len(unit.text) < 25:
        score -= T.SHORT_PENALTY
    # a plan's row for another year than the one asked about ("the 2026 budget"; not "adopted in March 2026",
    # a meeting's date, nor "when is it pencilled in", which asks for the row's year)
    row_year = YEAR_ROW.match(unit.text)
    bare_years = set(question.years) - {y for y, _ in question.months}
    if row_year and bare_years and question.intent != "when" and int(row_year.group(1)) not in bare_years:
        score -= T.OTHER_YEAR_ROW
    return score + T.RANK_AGREEMENT / (1 + unit.passage)  # agree with the passage ranking


def choose_units(units: list[Unit], question: Question, max_units: int = 3, relative: float = T.RUNNER_UP,
                 skip: list[str] = (), must: list[Unit] = ()) -> list[Unit]:
    """The best units, plus close runners-up; each followed by the next unit of its passage when that one
    completes it (a heading's content, the figure asked for); in reading order."""
    if not units:
        return []
    by_place = {(u.passage, u.position): u for u in units}
    ranked = sorted(units, key=lambda u: -u.score)
    # the two best passages each contribute their best sentence (retrieval weighs more than one sentence can)
    for passage in (0, 1):
        best_here = next((u for u in ranked if u.passage == passage), None)
        if best_here is not None and best_here.score >= ranked[0].score * T.SECOND_PASSAGE:
            ranked.remove(best_here)
            ranked.insert(min(1, len(ranked)) if passage else 0, best_here)
    best = ranked[0].score
    for unit in reversed(list(must)):  # the best sentence for each part of a two-part question
        twin = next((u for u in ranked if (u.passage, u.position) == (unit.passage, unit.position)), None)
        if twin is not None:
            ranked.remove(twin)
            twin.score = max(twin.score, best)
            ranked.insert(0, twin)
    skip_norm = [re.sub(r"\W+", " ", s).lower() for s in skip]
    chosen: list[Unit] = []
    taken: set[tuple[int, int]] = set()
    for u in ranked:
        if len(chosen) >= max_units:
            break
        if u.score < best * relative:
            continue  # a weak best sentence of the second passage, moved up, does not end the choice
        key = re.sub(r"\W+", " ", u.text).lower()
        if (u.passage, u.position) in taken or any(key[:120] in s for s in skip_norm):  # a register line says it
            continue
        if FURNITURE.search(u.text) or repeats(u.text, chosen):
            continue  # page furniture, or what an earlier quote already says
        chosen.append(u)
        taken.add((u.passage, u.position))
        position = u.position
        for _ in range(2):  # a sentence may need the one or two after it to be complete
            nxt = by_place.get((u.passage, position + 1))
            if nxt is None or (u.passage, position + 1) in taken:
                break
            current = chosen[-1]
            first_action = question.intent == "action" and len(chosen) == 1 and position == u.position
            if not (first_action or _completes(current, nxt, question, best * relative)) or FURNITURE.search(nxt.text):
                break
            chosen[-1] = Unit(f"{current.text} {nxt.text}", u.passage, u.position, max(current.score, nxt.score),
                              max(current.lexical, nxt.lexical))
            taken.add((nxt.passage, nxt.position))
            position += 1
        if repeats(chosen[-1].text, chosen[:-1]):
            chosen.pop()  # completed, it says what an earlier quote says (a table's comment beside its bullet)
    # a quote that a longer one holds whole goes; the best quote first, so the answer leads
    # (of two copies of one sentence, from two papers, the first chosen stays)
    norms = [normalised(c.text) for c in chosen]
    kept = sorted((c for n, c in enumerate(chosen) if not any(
        j != n and norms[n] in norms[j] and (len(norms[j]) > len(norms[n]) or j < n) for j in range(len(chosen)))),
        key=lambda u: -u.score)
    for n in range(1, len(kept) - 1):  # two supporting entries of one passage scoring alike keep its order
        a, b = kept[n], kept[n + 1]
        if a.passage == b.passage and b.position < a.position and a.score - b.score < T.SAME_SCORE:
            kept[n], kept[n + 1] = b, a
    return kept


# a line of a table's values alone ("-43.0 7.1 -35.9"), printed under its row label
VALUES_ONLY = re.compile(r"^[\s\-–+()£$€%\d.,]*\d[\s\-–+()£$€%\d.,kmb]*$")


def _completes(current: Unit, nxt: Unit, question: Question, close: float) -> bool:
    """Whether the next unit of a passage completes a quote: a heading's content, a clause cut at "of", "and" or ",",
    the figure or the vote's counts a figure or vote question asks for, a row label's values on the next line,
    "This ..." going on, or a unit scoring ``close`` to the best itself."""
    asked = question.search_text
    return (is_heading(current.text) or current.text.rstrip().endswith((":", " of", " by", " and", " &", "-", ","))
            or (question.intent == "figure" and not new_figures(current.text, asked) and bool(new_figures(nxt.text, asked)))
            or (question.asks_vote and counts_votes(nxt.text) and not counts_votes(current.text))
            or CONTINUES.match(nxt.text) is not None
            or VALUES_ONLY.match(nxt.text) is not None and not new_figures(current.text.rsplit("\n", 1)[-1][-80:], asked)
            or nxt.score >= close)


def repeats(text: str, quotes: list[Unit]) -> bool:
    """Whether most of ``text`` is already quoted: one sentence printed twice with different table cells or
    bullets before it ("53.0 40 Jun In June the number … fell to 701" beside "• The number … In June …")."""
    mine = normalised(text).split()
    for other in quotes:
        theirs = normalised(other.text).split()
        block = SequenceMatcher(None, mine, theirs, autojunk=False).find_longest_match(0, len(mine), 0, len(theirs))
        # the run is a sentence or more, and what is left of ``text`` a lead-in before it (a title ahead of
        # the same words, "Cabinet Reconsideration of Decision 24/00093 …", is not a repeat)
        ends = block.a + block.size >= len(mine) - 1
        if block.size >= T.REPEATED_RUN and (ends and block.size >= T.REPEATED_SHARE * len(mine)
                                             or block.size >= 0.9 * len(mine)):
            return True
    return False


def focus(text: str, question: Question, coverage, width: int = T.FOCUS_WORDS) -> str:
    """The run of ``width`` words of a long quote (a US ordinance's one-sentence paragraph, a resolution of
    ten numbered parts, a slide's run of text) that holds most of the question and, when one is asked, a new
    figure; begun at a clause or a bracket ("(Ashby, Brook and Carlton)") when one starts a few words
    earlier, and marked "…" where it was cut. Empty
    when the quote is short enough to read at once or its best run is its beginning."""
    if len(text) <= T.LONG_QUOTE:
        return ""
    words = text.split(" (Recitals: ")[0].split()  # what was resolved, not why
    if len(words) <= width:
        return ""
    terms = question.asked_terms
    starts = range(0, len(words) - width + 1)
    figured = {s for s in starts if new_figures(run := " ".join(words[s:s + width]), question.search_text)
               and answers_money(question.text, run)} if question.asks_figure else set()

    # a question of two parts: the run that answers both ("what is the contract for, and how much does the city
    # pay?") over the one that answers the first part twice over
    parts = [content_terms(p) for p in question.parts[1:]] or [terms]

    def score(start: int) -> float:
        run = " ".join(words[start:start + width])
        value = sum(coverage(part, run) for part in parts) / len(parts)
        if start in figured:
            value += T.KIND_BONUS
        return value - 0.0005 * start  # ties go to the earlier run

    # "how big is …": a run without a figure it did not state cannot answer it, nor "how much" one without a sum
    best = max(sorted(figured) or starts, key=score)
    end = min(len(words), best + width)
    for back in range(best, max(-1, best - T.FOCUS_SNAP), -1):  # the run keeps its end
        if back == 0 or words[back - 1].endswith((".", ";", ":")) or words[back].startswith("("):
            best = back
            break
    if len(" ".join(words[:end])) <= T.LONG_QUOTE:
        return ""  # the run is already in the quote's first lines
    return "… " + " ".join(words[best:end]) + (" …" if end < len(words) else "")
