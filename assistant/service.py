"""The assistant: one service the CLI, the app and the benchmarks share.

    assistant = Assistant(Settings.from_env())
    answer = assistant.ask("When did the committee agree to tender the Hauxton extra care contract?")
    answer.answer      # "... It was resolved unanimously to agree to tender ... [1]"
    answer.citations   # [Citation(source='adults-committee-2018-09-06-agenda-pack.pdf', pages=[6, 7], minute='98', ...)]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Iterator

from assistant import extractive, registers
from assistant import llm as llm_backend
from assistant.acronyms import expand, find_acronyms
from assistant.models import Answer, Citation, Passage
from assistant.query import Question, parse_question
from assistant.retrieve import HybridRetriever, sub_questions
from assistant.terms import content_terms, stems_of
from committee.settings import Settings
from index.filters import Filters
from ingest.run import Library

ABSTAIN_COVERAGE = 0.5  # share of the question's (IDF-weighted) content words the best passage must hold
FIGURE_COVERAGE = 0.45  # ... and that a sentence with a new figure must hold, with its paper and item titles
LINEAGE_LINES = 3  # other resolutions on the same matter an answer cites, at most


def _nice_date(iso: str | None) -> str:
    if not iso:
        return "an unknown date"
    d = date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B %Y')}"


class Assistant:
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
        for part in sub_questions(question.search_text)[1:]:
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
        terms = content_terms(question.search_text)
        cover = self.retriever.coverage
        best_passage = max(cover(terms, f"{p.about} {p.text}") for p in top)
        if best_passage < ABSTAIN_COVERAGE:
            return True
        if question.intent == "figure":
            with_figure = [u for u in chosen if extractive.new_figures(u.text, question.search_text)
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
            docs = [d for d in docs if d["committee"] == filters.committee]
        if filters.date_from:
            docs = [d for d in docs if (d["meeting_date"] or "") >= filters.date_from]
        if filters.date_to:
            docs = [d for d in docs if (d["meeting_date"] or "9999") <= filters.date_to]
        committees = sorted({d["committee"] for d in docs if d["committee"]})
        dates = sorted(d["meeting_date"] for d in docs if d["meeting_date"])
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
                                path=p.path, doc_id=p.doc_id,
                                ocr=self.registry.scanned(p.doc_id, p.first_page, p.last_page)))
        return out

    def _passage_for(self, filters: Filters, doc_id: str, first: int, last: int, needle: str, minute: str | None = None) -> Passage | None:
        """The chunk of a paper that holds a register row's text (so the row can be cited to its page)."""
        found = self.registry.chunks_by_id(self.registry.chunk_ids_in_pages(doc_id, first, last, filters))
        probe = re.sub(r"\s+", " ", needle).lower()[:40]
        candidates = [Passage.from_row(r, 1.0) for r in found.values()]
        for p in candidates:
            if probe and probe in re.sub(r"\s+", " ", p.text).lower() and (minute is None or p.minute == minute):
                return p
        for p in candidates:
            if minute is not None and p.minute == minute:
                return p
        return candidates[0] if candidates else None

    def _from_registers(self, question: Question, filters: Filters,
                        passages: list[Passage]) -> tuple[list[str], list[Passage]]:
        """Register rows (actions, resolutions) that answer the question, as cited lines."""
        terms = content_terms(question.search_text)
        cover = self.retriever.coverage
        # rows of the papers retrieval found: the whole library's registers are too many to score per question
        docs = {p.doc_id for p in passages}
        lines: list[str] = []
        cited: list[Passage] = []
        listed = self._register_lists(question, filters, lines, cited)
        if question.intent == "action" and not listed:
            rows = self.registry.actions(filters, docs)
            scored = sorted(((cover(terms, f"{r['report_title']} {r['action']} {r['comments']} {r['owner']}"), r)
                             for r in rows), key=lambda t: -t[0])
            for score, row in scored[:2]:
                if score < 0.45 or (lines and score < scored[0][0] * 0.9):
                    break
                p = self._passage_for(filters, row["doc_id"], row["pages"][0], row["pages"][1], row["comments"] or row["action"])
                if p is None:
                    continue
                n = _cite(cited, p)
                status = row["status"] or "not stated in the log"
                lines.append(f"Action from minute {row['minute']} ({row['report_title']}, meeting of "
                             f"{_nice_date(row['meeting_date'])}): {row['action']} Officer: {row['owner'] or 'not named'}. "
                             f"Status: {status}. Latest comment ({_nice_date(row['log_date'])} log): "
                             f"{row['comments'] or 'none'} [{n}]")
        if not listed and (question.intent in ("resolution", "when") or question.minute):
            rows = [r for r in self.registry.decisions(filters, docs) if r["resolution"]]
            if question.minute:
                rows = [r for r in rows if r["minute"] == question.minute] or rows
            window = question.date_window()
            if window:
                rows = [r for r in rows if window[0] <= (r["meeting_date"] or "") <= window[1]] or rows
            scored = sorted(((cover(terms, f"{r['title']} {r['resolution']} {_nice_date(r['meeting_date'])}"), r)
                             for r in rows), key=lambda t: -t[0])
            for score, row in scored[:1]:
                if score < 0.45:
                    break
                p = self._passage_for(filters, row["doc_id"], row["pages"][0], row["pages"][1], row["resolution"], row["minute"])
                if p is None:
                    continue
                n = _cite(cited, p)
                lines.append(f"Minute {row['minute']} ({row['title']}), meeting of {_nice_date(row['meeting_date'])}: "
                             f"{row['resolution']} [{n}]")
                self._lineage_lines(row, filters, lines, cited)
        if not listed and RECOMMENDATION_Q.search(question.text):
            rows = self.registry.recommendations(filters, docs)
            scored = sorted(((cover(terms, f"{r['item_title']} {r['recommendation']}"), r) for r in rows),
                            key=lambda t: -t[0])
            if scored and scored[0][0] >= 0.45:
                row = scored[0][1]
                p = self._passage_for(filters, row["doc_id"], row["pages"][0], row["pages"][1], row["recommendation"][:40])
                if p is not None:
                    n = _cite(cited, p)
                    lines.append(f"Item {row['item']} ({row['item_title']}) of the {_nice_date(row['meeting_date'])} "
                                 f"papers asks: {row['recommendation']} [{n}]")
        if question.intent == "agenda" and not listed:
            self._agenda_lines(question, filters, terms, lines, cited)
        return lines, cited

    def _register_lists(self, question: Question, filters: Filters, lines: list[str], cited: list[Passage]) -> bool:
        """Questions that ask for a list ("which actions are still open?", "what actions does Stephen
        Howarth have?", "what have we decided about extra care?") are answered from the complete registers."""
        text = question.text
        if ACTION_LIST.search(text):
            status = "open" if re.search(r"\b(open|outstanding|ongoing|still)\b", text, re.I) else \
                "complete" if re.search(r"\b(complete[d]?|closed|done)\b", text, re.I) else "all"
            owner = next((o for o in registers.owners(self.registry, filters)
                          if re.search(rf"\b{re.escape(o.split()[-1])}\b", text, re.I)), None)
            rows = registers.actions_where(self.registry, filters, status=status, owner=owner)
            label = f"{status} actions" if status != "all" else "actions"
            if owner:
                label += f" for {owner}"
            lines.append(f"{len(rows)} {label} in the action logs:" if rows else f"No {label} in the action logs.")
            for row in rows[:10]:
                self._cite_action(row, filters, lines, cited)
            return True
        if DECISION_LIST.search(text):
            topic = DECISION_LIST.sub(" ", text)
            rows = registers.decisions_about(self.registry, topic, filters)
            if not rows:
                return False
            lines.append(f"{len(rows)} decisions found in the minutes, oldest first:")
            for row in rows[:10]:
                p = self._passage_for(filters, row["doc_id"], row["pages"][0], row["pages"][1], row["resolution"], row["minute"])
                if p is not None:
                    n = _cite(cited, p)
                    lines.append(f"- Minute {row['minute']} ({row['title']}), {_nice_date(row['meeting_date'])}: "
                                 f"{row['resolution']} [{n}]")
            return True
        return False

    def _lineage_lines(self, row: dict, filters: Filters, lines: list[str], cited: list[Passage]) -> None:
        """Other resolutions of the same committee on the same matter, so the answer says which one is current;
        the latest LINEAGE_LINES of them (a matter that returns every year would otherwise fill the answer)."""
        committee_filters = replace(filters, committee=filters.committee or row["committee"])
        events = [e for e in registers.lineage(self.registry, row["title"], committee_filters, threshold=0.75)
                  if e["kind"] == "resolution"]
        if len(events) < 2:
            return
        others = [e for e in events if (e["doc_id"], e["minute"]) != (row["doc_id"], row["minute"])]
        for e in others[-LINEAGE_LINES:]:
            p = self._passage_for(filters, e["doc_id"], e["pages"][0], e["pages"][1], e["text"], e["minute"])
            if p is None:
                continue
            n = _cite(cited, p)
            when = "later" if (e["date"] or "") > (row["meeting_date"] or "") else "earlier"
            current = " This is the current decision." if e["current"] else ""
            lines.append(f"On the same matter, {when}: minute {e['minute']} ({_nice_date(e['date'])}): "
                         f"{e['text'][:300]} [{n}]{current}")

    def _cite_action(self, row: dict, filters: Filters, lines: list[str], cited: list[Passage]) -> None:
        p = self._passage_for(filters, row["doc_id"], row["pages"][0], row["pages"][1], row["comments"] or row["action"])
        if p is None:
            return
        n = _cite(cited, p)
        history = registers.action_history(self.registry, row)
        earlier = [h for h in history if (h["log_date"] or "") < (row["log_date"] or "")]
        trail = "; earlier: " + "; ".join(f"{h['status'] or 'no status'} ({_nice_date(h['log_date'])})"
                                          for h in earlier) if earlier else ""
        lines.append(f"- Minute {row['minute']} ({row['report_title']}, meeting of {_nice_date(row['meeting_date'])}): "
                     f"{row['action']} Officer: {row['owner'] or 'not named'}. Status: "
                     f"{row['status'] or 'not stated in the log'}. Latest comment ({_nice_date(row['log_date'])} log): "
                     f"{row['comments'] or 'none'}{trail} [{n}]")

    def _meetings(self, question: Question, filters: Filters) -> list[dict]:
        """Agenda packs, agendas and minutes of the meeting(s) the question points at."""
        docs = [d for d in self.registry.documents(filters.include_restricted)
                if d["doc_type"] in ("agenda pack", "agenda", "minutes")]
        window = question.date_window()
        if question.exact_dates:
            docs = [d for d in docs if d["meeting_date"] in question.exact_dates] or docs
        elif window:
            # "the September 2018 pack": the meeting in that month
            docs = [d for d in docs if (d["meeting_date"] or "")[:7] == window[0][:7]] or \
                [d for d in docs if window[0] <= (d["meeting_date"] or "") <= window[1]]
        if question.committee:
            docs = [d for d in docs if d["committee"] == question.committee] or docs
        return docs

    def _agenda_lines(self, question: Question, filters: Filters, terms: list[str], lines: list[str],
                      cited: list[Passage]) -> None:
        """Where a paper sits in a pack, where a meeting is held, when the minuted meeting took place."""
        docs = self._meetings(question, filters)
        if not docs or len(docs) > 3:
            return
        ids = {d["doc_id"] for d in docs}
        cover = self.retriever.coverage
        if re.search(r"\bitem\b|\bpages?\b|\bwhere in\b", question.text, re.I):
            items = [r for r in self.registry.items(filters) if r["doc_id"] in ids]
            scored = sorted(((cover(terms, f"{r['title']} item {r['item']}"), r) for r in items), key=lambda t: -t[0])
            if scored and scored[0][0] >= 0.3:
                row = scored[0][1]
                doc = next(d for d in docs if d["doc_id"] == row["doc_id"])
                p = self._passage_for(filters, row["doc_id"], 1, row["pages"][0] - 1, row["title"][:30]) or \
                    self._passage_for(filters, row["doc_id"], row["pages"][0], row["pages"][0], "")
                if p is not None:
                    n = _cite(cited, p)
                    lines.append(f"Item {row['item']} of the {doc['committee']} {_nice_date(doc['meeting_date'])} "
                                 f"{doc['doc_type']}: {row['title']}, pages {row['pages'][0]}–{row['pages'][1]} "
                                 f"[{n}]")
        if re.search(r"\bminutes\b", question.text, re.I):
            minutes = [r for r in self.registry.decisions(filters) if r["doc_id"] in ids]
            if minutes:
                first = min(minutes, key=lambda r: r["pages"][0])
                p = self._minutes_opening(filters, first["doc_id"], first["pages"][0])
                if p is not None:
                    n = _cite(cited, p)
                    opening = " ".join(extractive.split_units(p.text)[:4])
                    lines.append(f"The minutes in this pack are of the meeting of {_nice_date(first['meeting_date'])}: "
                                 f"{opening} [{n}]")
        elif re.search(r"^\s*where\b|\bvenue\b|\bwhat time\b|\bheld\b", question.text, re.I):
            doc = docs[0]
            if doc["venue"]:
                p = self._passage_for(filters, doc["doc_id"], 1, 3, doc["venue"][:30])
                if p is not None:
                    n = _cite(cited, p)
                    times = re.findall(r"\b\d{1,2}[:.]\d{2}\s*(?:hrs?|am|pm)\b|\b\d{1,2}\s*(?:am|pm)\b", p.text, re.I)
                    when = f" at {times[0]}" if times else ""
                    lines.append(f"The {doc['committee']} meeting of {_nice_date(doc['meeting_date'])}{when} "
                                 f"is held at: {doc['venue']} [{n}]")

    def _completed(self, passage: Passage, filters: Filters) -> Passage:
        """A passage whose last sentence runs on into the next chunk, with that sentence finished."""
        if re.search(r"[.!?:;)]\s*$", passage.text):
            return passage
        following = self.registry.next_chunk_id(passage.chunk_id, filters)
        if following is None:
            return passage
        nxt = self.registry.chunks_by_id([following])[following]
        lines = nxt["text"].splitlines()
        own = passage.text.splitlines()
        if lines and own and lines[0] == own[-1]:  # the chunker repeats one line of overlap
            lines = lines[1:]
        tail = []
        for line in lines[:8]:
            tail.append(line)
            if re.search(r"[.!?]\s*$", line):
                break
        if not tail:
            return passage
        return replace(passage, text=passage.text + "\n" + "\n".join(tail), last_page=max(
            passage.last_page, nxt["first_page"] if len(tail) < len(lines) else nxt["last_page"]))

    def _minutes_opening(self, filters: Filters, doc_id: str, page: int) -> Passage | None:
        """The first passage of the minutes that start on ``page`` (date, time, who was present)."""
        ids = self.registry.chunk_ids_in_pages(doc_id, page, page, filters)[:1]
        found = self.registry.chunks_by_id(ids)
        return Passage.from_row(found[ids[0]], 1.0) if found else None


RECOMMENDATION_Q = re.compile(r"\basked to\b|\brecommend(?:s|ed|ation|ations)?\b|\bask(?:s|ing)? (?:us|the committee|members)\b|"
                              r"\bwhat does item\b", re.I)
ACTION_LIST = re.compile(r"\b(?:which|what|list|all|any)\b[^?]{0,40}\bactions\b(?!\s+(?:on|about)\b)|"
                         r"\bactions\s+(?:does|do|has|have|are|is)\b", re.I)
DECISION_LIST = re.compile(r"\bwhat\s+(?:have|has)\s+(?:we|they|the\s+\w+(?:\s+committee)?)\s+"
                           r"(?:decided|agreed|resolved)(?:\s+(?:about|on))?\b|\b(?:all|every|list)\s+(?:the\s+)?"
                           r"decisions\s+(?:about|on)\b|\bdecisions\s+(?:about|on)\b", re.I)
HEAD = re.compile(r"\b(?:how\s+(?:much|many|large|big|long)|what(?:\s+(?:is|was|were|are))?(?:\s+the)?)\s+(.*)", re.I)


def _months_in(text: str) -> set[int]:
    from ingest.dates import MONTHS

    return {MONTHS[m.lower()[:3]] for m in re.findall(
        r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", text, re.I)}


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


def _cite(cited: list[Passage], passage: Passage) -> int:
    """The citation number of ``passage``, adding it once."""
    for n, p in enumerate(cited, start=1):
        if p.chunk_id == passage.chunk_id:
            return n
    cited.append(passage)
    return len(cited)


def _unique(passages: list[Passage]) -> list[Passage]:
    seen, out = set(), []
    for p in passages:
        if p.chunk_id not in seen:
            seen.add(p.chunk_id)
            out.append(p)
    return out


__all__ = ["Assistant"]
