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

from assistant import extractive
from assistant import llm as llm_backend
from assistant.acronyms import expand, find_acronyms
from assistant.models import Answer, Citation, Passage
from assistant.query import Question, parse_question
from assistant.register_answers import RegisterAnswers, _nice_date
from assistant.retrieve import HybridRetriever
from assistant.terms import content_terms, stems_of
from committee.settings import Settings
from index.filters import Filters
from ingest.figures import new_figures
from ingest.run import Library

ABSTAIN_COVERAGE = 0.5  # share of the question's (IDF-weighted) content words the best passage must hold
FIGURE_COVERAGE = 0.45  # ... and that a sentence with a new figure must hold, with its paper and item titles


class Assistant(RegisterAnswers):
    def __init__(self, settings: Settings, library: Library | None = None):
        self.settings = settings
        self.library = library or Library(settings)
        self.registry = self.library.registry
        self.retriever = HybridRetriever(self.registry, self.library.vectors, self.library.lexical, self.library.exact)
        self._llm = None
        self._acronyms: dict[str, str] | None = None

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
        question = parse_question(text, self.registry.committees(), history=history)
        question = replace(question, search_text=expand(question.search_text, self.acronyms))
        passages = self.retriever.retrieve(question, filters, limit=max(20, k * 3))
        register_lines, register_passages = self._from_registers(question, filters, passages)
        listed = bool(register_lines) and register_lines[0][:1].isdigit() or \
            bool(register_lines) and register_lines[0].startswith("No ")
        top = [self._completed(p, filters) for p in _unique(register_passages + passages)[:max(k, len(register_passages))]]
        citations = self._citations(top)
        embed = self.library.vectors.embedder.embed_sentences
        known = self.registry.unit_vectors([p.chunk_id for p in top])
        units = extractive.score_units(question, top, embed, self.retriever.coverage, known)
        many = 5 if re.search(r"\band\b|\bcompare|\bversus\b|\?.+\?", text, re.I) else 4
        must = []
        for part in question.parts[1:]:
            scored = extractive.score_units(replace(question, search_text=part), top, embed,
                                            self.retriever.coverage, known, shortlist=0)
            if scored:
                must.append(max(scored, key=lambda u: u.score))
        chosen = extractive.choose_units(units, question, max_units=many - 1 if register_lines else many,
                                         skip=register_lines, must=must)
        if listed:
            chosen = []  # a register list is the answer; passages are its citations
        if not top or (not register_lines and self._unsupported(question, top, chosen)):
            return _Draft(self._abstain(question, filters, citations), "", filters, question)
        lines = list(register_lines) + [f"{unit.text} [{unit.passage + 1}]" for unit in chosen]
        answer = Answer(question=text, answer="\n".join(lines), abstained=False, citations=citations,
                        searched=self._searched(question, filters))
        prompt = llm_backend.build_prompt(text, citations, history, register_lines)
        return _Draft(answer, prompt, filters, question)

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
    def _unsupported(self, question: Question, top: list[Passage], chosen: list) -> bool:
        """True when the passages found do not hold an answer: too few of the question's words, or no
        figure beside them when a figure is asked for."""
        terms = question.terms
        cover = self.retriever.coverage
        best_passage = max(cover(terms, f"{p.about} {p.text}") for p in top)
        if best_passage < ABSTAIN_COVERAGE:
            return True
        if question.intent == "figure":
            with_figure = [u for u in chosen if new_figures(u.text, question.search_text)
                           and extractive.answers_money(question.text, u.text)]
            if not with_figure:
                return True
            best_unit = max(cover(terms, f"{top[u.passage].about} {u.text}") for u in with_figure)
            if best_unit < FIGURE_COVERAGE:
                return True
            # what is being counted ("weekly rent", "flats", "reviews") must stand beside the figure
            head = head_terms(question.text)
            if head and not any(head & stems_of(self._figure_context(top[u.passage], u.text)) for u in with_figure):
                return True
            # a figure "in August 2019" must come from a passage about August
            months = {m for _, m in question.months}
            if months and not any(months & _months_in(f"{top[u.passage].text}") for u in with_figure):
                return True
        return False

    @staticmethod
    def _figure_context(passage: Passage, unit: str) -> str:
        """A table row is read with its table (the column heads name what the figures are)."""
        return f"{passage.about} {passage.text if extractive.is_table_row(unit) else unit}"

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
        span = f"meetings from {_nice_date(dates[0])} to {_nice_date(dates[-1])}" if dates else "undated papers"
        return (f"{len(docs)} papers of {', '.join(committees) or 'unnamed bodies'} ({span}; "
                f"filters: {filters.describe()})")

    def _abstain(self, question: Question, filters: Filters, nearest: list[Citation]) -> Answer:
        text = (f"I could not find that in the papers: I searched {self._searched(question, filters)}. "
                f"The nearest passages are listed below; none of them answers the question.")
        return Answer(question=question.text, answer=text, abstained=True, citations=nearest, nearest=nearest,
                      searched=self._searched(question, filters))

    def _citations(self, passages: list[Passage]) -> list[Citation]:
        out = []
        for n, p in enumerate(passages, start=1):
            out.append(Citation(number=n, source=p.source, pages=p.pages, committee=p.committee,
                                meeting_date=p.meeting_date, item=p.item, item_title=p.item_title,
                                minute=p.minute, doc_type=p.doc_type, text=p.text, score=round(p.score, 4),
                                printed_pages=self.registry.printed_pages(p.doc_id, p.first_page, p.last_page),
                                path=p.path, doc_id=p.doc_id))
        return out


HEAD = re.compile(r"\b(?:how\s+(?:much|many|large|big|long)|what(?:\s+(?:is|was|were|are))?(?:\s+the)?)\s+(.*)", re.I)


def _months_in(text: str) -> set[int]:
    from ingest.dates import MONTH_NAME, MONTHS

    return {MONTHS[m.lower()[:3]] for m in re.findall(rf"\b{MONTH_NAME}[a-z]*\b", text, re.I)}


def head_terms(question: str) -> set[str]:
    """Stems of the first two content words after "how many" / "what (was the)": the thing asked about."""
    m = HEAD.search(question)
    if not m:
        return set()
    return set([t for t in content_terms(m.group(1)) if not t[0].isdigit()][:2])


@dataclass
class _Draft:
    """Retrieval done and an extractive answer ready; the prompt an LLM would get."""

    answer: Answer
    prompt: str
    filters: Filters
    question: Question


def _unique(passages: list[Passage]) -> list[Passage]:
    seen, out = set(), []
    for p in passages:
        if p.chunk_id not in seen:
            seen.add(p.chunk_id)
            out.append(p)
    return out


__all__ = ["Assistant"]
