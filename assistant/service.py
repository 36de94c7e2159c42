"""The assistant: one service the CLI, the app and the benchmarks share.

    assistant = Assistant(Settings.from_env())
    answer = assistant.ask("When did the committee agree to tender the Hauxton extra care contract?")
    answer.answer      # "... It was resolved unanimously to agree to tender ... [1]"
    answer.citations   # [Citation(source='adults-committee-2018-09-06-agenda-pack.pdf', pages=[6, 7], minute='98', ...)]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterator

from assistant import extractive, replies
from assistant import llm as llm_backend
from assistant import tuning as T
from assistant.abstention import Evidence, Model, gather, nearby
from assistant.acronyms import expand, find_acronyms
from assistant.models import Answer, Citation, Passage
from assistant.query import Question, intent_of, main_clause, parse_question
from assistant.register_answers import CURRENT, RegisterAnswers
from assistant.retrieve import HybridRetriever, spread
from assistant.terms import stems_of
from committee.settings import Settings
from index.filters import Filters
from ingest.dates import other_periods, periods_named, spoken
from ingest.figures import new_figures
from ingest.minutes import counts_votes, operative_first
from ingest.run import Library
from ingest.units import split_units
from ingest.words import normalised


class Assistant(RegisterAnswers):
    def __init__(self, settings: Settings, library: Library | None = None):
        self.settings = settings
        self.library = library or Library(settings)
        self.registry = self.library.registry
        self.retriever = HybridRetriever(self.registry, self.library.vectors, self.library.lexical, self.library.exact)
        self._llm = None
        self._acronyms: dict[str, str] | None = None
        self.abstention = Model.load()

    @property
    def acronyms(self) -> dict[str, str]:
        if self._acronyms is None:
            self._acronyms = find_acronyms(self.registry)
        return self._acronyms

    def refresh(self) -> None:
        """Forget what was learnt from the index (after an ingest)."""
        self._acronyms = None
        self.retriever.refresh()

    # ---- public -------------------------------------------------------------------------------
    def base_filters(self, **kwargs) -> Filters:
        return Filters(include_restricted=self.settings.role == "member", **kwargs)

    @property
    def llm(self):
        """The configured LLM (built on first use), or None: answers are then quoted from the papers."""
        if self._llm is None and self.settings.llm:
            self._llm = llm_backend.build_llm(self.settings)
        return self._llm

    def ask(self, text: str, history: list[str] | None = None, filters: Filters | None = None,
            k: int | None = None) -> Answer:
        """Answer one question: an extractive answer, or a checked LLM answer when one is configured."""
        draft = self._draft(text, history or [], filters, k)
        if draft.answer.abstained or self.llm is None:
            return draft.answer
        raw = llm_backend.generate(self.llm, draft.prompt)
        return self._checked(draft, raw)

    def ask_stream(self, text: str, history: list[str] | None = None,
                   filters: Filters | None = None) -> tuple[Answer, Iterator[str]]:
        """The answer and an iterator over its text, token by token when an LLM is configured.

        With an LLM, the returned Answer is completed (checked text, flagged sentences) when the
        iterator is exhausted."""
        draft = self._draft(text, history or [], filters, None)
        if draft.answer.abstained or self.llm is None:
            return draft.answer, iter([draft.answer.answer])
        answer = draft.answer

        def tokens() -> Iterator[str]:
            pieces = []
            for delta in llm_backend.generate_stream(self.llm, draft.prompt):
                pieces.append(delta)
                yield delta
            final = self._checked(draft, "".join(pieces))
            answer.answer, answer.abstained, answer.flagged = final.answer, final.abstained, final.flagged

        return answer, tokens()

    def _draft(self, text: str, history: list[str], filters: Filters | None, k: int | None) -> "_Draft":
        k = k or self.settings.top_k
        filters = filters or self.base_filters()
        question = parse_question(text, self.registry.committees(), history=history,
                                  authorities=self.registry.authorities())
        question = replace(question, search_text=expand(question.search_text, self.acronyms))
        passages = self.retriever.retrieve(question, filters, limit=max(20, k * 3))
        register_lines, register_passages = self._from_registers(question, filters, passages)
        listed = bool(register_lines) and register_lines[0][:1].isdigit() or \
            bool(register_lines) and register_lines[0].startswith("No ")
        passages = spread(passages)  # the cited passages come from more than one paper where they can
        top = [self._completed(p, filters) for p in _unique(register_passages + passages)[:max(k, len(register_passages))]]
        reply = None if register_lines else self._reply(question, top, filters)
        if reply is not None:  # the search found a printed question: the reply printed after it answers
            top = ([reply] + top)[:max(len(top), 2)]  # the question stays cited: it holds what was asked
        reply_line = replies.opening(reply) if reply else ""
        citations = self._citations(top)
        embed = self.library.vectors.embedder.embed_sentences
        known = self.registry.unit_vectors([p.chunk_id for p in top])
        units = extractive.score_units(question, top, embed, self.retriever.coverage, known)
        many = T.QUOTES + 1 if re.search(r"\band\b|\bcompare|\bversus\b|\?.+\?", text, re.I) else T.QUOTES
        must = []
        for part in question.parts[1:]:
            asked = intent_of(part)  # the part's own ask: "when and where is the next meeting"
            scored = extractive.score_units(replace(question, text=part, search_text=part,
                                                    intent=question.intent if asked == "fact" else asked), top, embed,
                                            self.retriever.coverage, known, shortlist=0)
            quotable = [u for u in scored if not extractive.FURNITURE.search(u.text)]
            if quotable:
                must.append(max(quotable, key=lambda u: u.score))
        chosen = extractive.choose_units(units, question, max_units=many - 1 if register_lines else many,
                                         skip=register_lines + [reply_line], must=must)
        if listed:
            chosen = []  # a register list is the answer; passages are its citations
        chosen = self._one_version(question, top, chosen)
        chosen = _asked_year_first(question, chosen)
        if chosen and not register_lines and not reply_line:
            later = self._later_decisions(top[chosen[0].passage], filters, top)  # top grows by what they cite
            citations = self._citations(top)
        else:
            later = []
        lead = [f"{reply_line} [1]"] if reply_line else list(register_lines)
        evidence = self._evidence(question, top, chosen, register_passages if register_lines else top[:1] if reply_line
                                  else [], lead)
        if not top or self.abstention.abstains(evidence):
            return _Draft(self._abstain(question, filters, citations, evidence), "", filters, question)
        lines = lead + [f"{operative_first(unit.text)} [{unit.passage + 1}]" for unit in chosen]
        if chosen and not lead:
            lines = self._decision_first(question, top, chosen, filters, lines)
            lines[0] += self._version_note(top[chosen[0].passage])
        lines[1:1] = later  # the decision that replaced the one quoted, right after it ...
        lines = current_first(lines, question, top[chosen[0].passage].meeting_date if later else None)
        lines = self._answer_first(question, lines)
        answer = Answer(question=text, answer="\n".join(lines), abstained=False, citations=citations,
                        searched=self._searched(question, filters), evidence=evidence)
        prompt = llm_backend.build_prompt(text, citations, history, register_lines)
        return _Draft(answer, prompt, filters, question)

    def _decision_first(self, question: Question, top: list[Passage], chosen: list, filters: Filters,
                        lines: list[str]) -> list[str]:
        """A quote of a numbered minute's resolution is given as the whole resolution with its id, meeting and
        vote; for a question about a decision, the first quote that is one leads (the discussion before it
        follows); for another, only a lead quote, not a table row. Quotes the resolution holds go."""
        # (a table row the resolution lists is read by its row, which the whole resolution would bury)
        lead_only = [] if extractive.is_table_row(chosen[0].text) else chosen[:1]
        for k, unit in enumerate(chosen if question.asks_decision else lead_only):
            line = self.decision_line(top[unit.passage], unit.text, filters, unit.passage + 1)
            if line is None:
                continue
            said = normalised(line)
            rest = [ln for j, ln in enumerate(lines) if j != k and normalised(ln.rsplit(" [", 1)[0]) not in said]
            return [line] + rest
        return lines

    def _reply(self, question: Question, top: list[Passage], filters: Filters) -> Passage | None:
        """The reply to the printed question one of the two best passages quotes, if one does."""
        for passage in top[:2]:
            found = replies.reply_to(self.registry, passage, filters, question.terms, self.retriever.coverage)
            if found is not None:
                return found
        return None

    def _answer_first(self, question: Question, lines: list[str]) -> list[str]:
        """A long first line is preceded by the run of it that answers."""
        m = re.match(r"(.*?)\s*(\[\d+\])\s*$", lines[0], re.S) if lines else None
        run = m and extractive.focus(m.group(1), question, self.retriever.coverage)
        return [f"{run} {m.group(2)}"] + lines if run else lines

    def _checked(self, draft: "_Draft", raw: str) -> Answer:
        """Keep only the LLM sentences whose citations and figures hold up; abstain if nothing is left."""
        text, flagged = llm_backend.check_answer(raw, draft.answer.citations)
        if not text or llm_backend.NOT_FOUND.lower() in raw.lower():
            answer = self._abstain(draft.question, draft.filters, draft.answer.citations)
            answer.flagged = flagged
            return answer
        return Answer(question=draft.answer.question, answer=text, abstained=False,
                      citations=draft.answer.citations, searched=draft.answer.searched, flagged=flagged)

    # ---- parts --------------------------------------------------------------------------------
    def _evidence(self, question: Question, top: list[Passage], chosen: list, register: list[Passage],
                  lines: list[str] = ()) -> Evidence:
        """What the passages say about whether they answer (assistant/abstention.py weighs it)."""
        if not top:
            return Evidence(0, 0, 0, 0, 0, 0, 0, 0)
        coverage = max(self.retriever.coverage(question.terms, f"{p.about} {p.text}") for p in top)
        quoted = register + [top[u.passage] for u in chosen]
        lead = chosen[0].text if chosen and not register else ""
        quotes = [(u.text, top[u.passage]) for u in chosen] + [
            (line, top[int(m.group(1)) - 1]) for line in lines if (m := re.search(r"\[(\d+)\]\s*$", line))
            and int(m.group(1)) <= len(top)]
        return gather(question, top, quoted, coverage, bool(register), self._figure_found(question, quotes),
                      self.retriever.documents(), lead, self._minuted())

    def _minuted(self) -> frozenset[str]:
        """The meeting dates the library holds minutes of, in their own papers or printed in a later pack."""
        return frozenset(d.meeting_date for d in self.registry.decisions() if d.meeting_date)

    def _one_version(self, question: Question, top: list[Passage], chosen: list) -> list:
        """Quotes of a superseded paper go when the answer quotes the version that replaces it (a draft budget's
        figure beside the final one's), unless the question asks for an earlier version."""
        if question.asks_version:
            return chosen
        versions = self.retriever.versions()
        quoted = {top[u.passage].source for u in chosen}
        return [u for u in chosen if top[u.passage].doc_id not in versions
                or versions[top[u.passage].doc_id].replaced_by not in quoted]

    def _version_note(self, passage: Passage) -> str:
        """Which version the lead quote comes from, when its paper has others: " (the current version, of
        11 February 2025; it replaces X)" or " (a superseded version, of 14 January 2025; the current one is Y)"."""
        version = self.retriever.versions().get(passage.doc_id)
        if version is None or not (version.replaces or version.replaced_by):
            return ""
        when = spoken(passage.meeting_date, missing="undated")
        if version.replaced_by:
            return f" (a superseded version, of {when}; the current one is {version.replaced_by})"
        return f" (the current version, of {when}; it replaces {', '.join(version.replaces)})"

    def _figure_found(self, question: Question, quotes: list[tuple[str, Passage]]) -> tuple[bool, bool]:
        """For a figure question: (a quote holds a new figure of the asked kind — a sum for "how much" —, and
        one such quote holds enough of the question's words, stands beside what is counted and comes from the
        asked month). Both True for other questions."""
        if not question.asks_figure:
            return True, True
        terms, cover = question.terms, self.retriever.coverage
        with_figure = [(text, p) for text, p in quotes if new_figures(text, question.search_text)
                       and extractive.answers_money(question.text, self._figure_context(p, text))]
        if not with_figure:
            return False, False
        head = question.measure  # what is counted ("weekly rent", "flats") stands beside the figure
        months = {m for _, m in question.months}  # a figure "in August 2019": a passage about, or of, August
        # words no quoted passage holds ("set aside", "running") cannot be asked to stand beside the figure
        held = [t for t in terms if any(t in stems_of(f"{p.about} {p.text}") for _, p in quotes)] or terms
        for text, p in with_figure:
            context = self._figure_context(p, text)
            if cover(held, context) < T.FIGURE_COVERAGE:
                continue
            if head and not head & stems_of(context) and not (
                    question.asks_vote and counts_votes(text)):  # a vote's counts are of councillors
                continue
            if months and not months & (_months_in(p.text) | {int((p.meeting_date or "0000-00")[5:7])}):
                continue
            return True, True
        return True, False

    @staticmethod
    def _figure_context(passage: Passage, unit: str) -> str:
        """What a figure is read with: a table row with its table (the column heads name what the figures are),
        a sentence with the line that leads into it ("The total unringfenced allocation is summarised below:")."""
        if extractive.is_table_row(unit):
            return f"{passage.about} {passage.text}"
        units = split_units(passage.text)
        at = next((k for k, u in enumerate(units) if unit.startswith(u) or u.startswith(unit)), 0)
        lead_in = units[at - 1] if at > 0 and units[at - 1].rstrip().endswith(":") else ""
        return f"{passage.about} {lead_in} {unit}"

    def _searched(self, question: Question, filters: Filters) -> str:
        docs = self.registry.documents(filters.include_restricted)
        if filters.committee:
            docs = [d for d in docs if d.committee == filters.committee]
        if filters.date_from:
            docs = [d for d in docs if (d.meeting_date or "") >= filters.date_from]
        if filters.date_to:
            docs = [d for d in docs if (d.meeting_date or "9999") <= filters.date_to]
        committees = sorted({d.committee for d in docs if d.committee})
        dates = sorted(d.meeting_date for d in docs if d.meeting_date)
        span = f"meetings from {spoken(dates[0])} to {spoken(dates[-1])}" if dates else "undated papers"
        return (f"{len(docs)} papers of {', '.join(committees) or 'unnamed bodies'} ({span}; "
                f"filters: {filters.describe()})")

    def _abstain(self, question: Question, filters: Filters, nearest: list[Citation],
                 evidence: Evidence | None = None) -> Answer:
        held = nearby(question, self.registry.documents(filters.include_restricted), self._minuted())
        text = (f"I could not find that in the papers: I searched {self._searched(question, filters)}. "
                + (held + " " if held else "")
                + "The nearest passages are listed below; none of them answers the question.")
        return Answer(question=question.text, answer=text, abstained=True, citations=nearest, nearest=nearest,
                      searched=self._searched(question, filters), evidence=evidence)

    def _citations(self, passages: list[Passage]) -> list[Citation]:
        out = []
        for n, p in enumerate(passages, start=1):
            out.append(Citation(number=n, source=p.source, pages=p.pages, committee=p.committee,
                                meeting_date=p.meeting_date, item=p.item, item_title=p.item_title,
                                minute=p.minute, doc_type=p.doc_type, text=p.text, score=round(p.score, 4),
                                printed_pages=self.registry.printed_pages(p.doc_id, p.first_page, p.last_page),
                                path=p.path, doc_id=p.doc_id,
                                ocr=self.registry.scanned(p.doc_id, p.first_page, p.last_page)))
        return out


def _months_in(text: str) -> set[int]:
    from ingest.dates import MONTH_NAME, MONTHS

    return {MONTHS[m.lower()[:3]] for m in re.findall(rf"\b{MONTH_NAME}[a-z]*\b", text, re.I)}


@dataclass
class _Draft:
    """Retrieval done and an extractive answer ready; the prompt an LLM would get."""

    answer: Answer
    prompt: str
    filters: Filters
    question: Question


AMENDS = re.compile(r"\b(?:amend(?:s|ed|ing|ment)?|rescind\w*|replac(?:e|es|ed|ing)|revis(?:e|es|ed|ing)|"
                    r"var(?:y|ies|ied|ying))\b", re.I)


def current_first(lines: list[str], question: Question, quoted_when: str | None) -> list[str]:
    """The current decision on the quoted one's matter leads, unless the question asks for another: an
    earlier version, or the meeting the quoted one was made at (``quoted_when``)."""
    # only a decision that says it changes the earlier one ("THAT we amend the 2026 schedule"): one that merely
    # shares its words may be another matter
    current = next((line for line in lines[1:] if line.endswith(CURRENT) and AMENDS.search(line)), None)
    window = question.date_window()
    if current is None or question.asks_version or (window and quoted_when and window[0] <= quoted_when <= window[1]):
        return lines
    return [current] + [line for line in lines if line is not current]


def _asked_year_first(question: Question, chosen: list) -> list:
    """When the best quote names other years than the question's and never one of them ("for 2025" for a
    question about 2024), the first quote that names an asked year leads (every chosen quote scores close to
    the best): the same matter's resolution of another year is not the answer."""
    asked = periods_named(main_clause(question.text))  # not a year that sets the scene ("adopted in March 2026")
    if not asked or not chosen or not other_periods(asked, periods_named(chosen[0].text)):
        return chosen
    first = next((u for u in chosen if not other_periods(asked, periods_named(u.text)) and periods_named(u.text)),
                 None)
    return chosen if first is None else [first] + [u for u in chosen if u is not first]


def _unique(passages: list[Passage]) -> list[Passage]:
    seen, out = set(), []
    for p in passages:
        if p.chunk_id not in seen:
            seen.add(p.chunk_id)
            out.append(p)
    return out


__all__ = ["Assistant"]
