"""Answers read from the registers rather than searched for: actions and their history, resolutions and
what came before them, recommendations, agenda items, and what a meeting's papers say of its date and venue.
Each line an answer gives is cited to the passage of the page the register row came from."""
from __future__ import annotations

import re
from dataclasses import replace

from assistant import registers
from assistant import tuning as T
from assistant.models import Passage
from assistant.query import Question
from assistant.terms import content_terms
from index.filters import Filters
from index.registry import Registry
from ingest.dates import MONTH_NAME, spoken
from ingest.minutes import operative_first
from ingest.records import ActionEntry, Decision, Document, ItemEntry
from ingest.units import sentences, split_units
from ingest.words import names_in, normalised

CURRENT = "This is the current decision."  # said of the latest resolution on a matter

ACTION_LIST = re.compile(r"\b(?:which|what|list|all|any)\b[^?]{0,40}\bactions\b(?!\s+(?:on|about)\b)|"
                         r"\bactions\s+(?:does|do|has|have|are|is)\b", re.I)
DECISION_LIST = re.compile(r"\bwhat\s+(?:have|has)\s+(?:we|they|the\s+\w+(?:\s+committee)?)\s+"
                           r"(?:decided|agreed|resolved)(?:\s+(?:about|on))?\b|\b(?:all|every|list)\s+(?:the\s+)?"
                           r"decisions\s+(?:about|on)\b|\bdecisions\s+(?:about|on)\b", re.I)

MOVERS = re.compile(r"^(?:[A-Z]\.\s*){1,2}[A-Z][\w'’-]+(?:\s*(?:,|and|&)\s*(?:[A-Z]\.\s*){1,2}[A-Z][\w'’-]+)*\s*:?$")
# the business of running a meeting, which every meeting resolves again: no matter to trace across meetings
PROCEDURAL = re.compile(r"\bminutes\b.{0,80}\b(?:adopted|approved|confirmed|received|signed)\b|\badjourn|"
                        r"\bresume\b|\b(?:go|move|moved)\s+into\b.{0,20}\bsession\b|\bclosed\s+(?:session|meeting)\b|"
                        r"\bconfirm(?:s|ing)?\s+(?:the\s+)?proceedings\b|\bagenda\b.{0,30}\b(?:adopted|approved)\b",
                        re.I)
# "which items on the agenda are about X", "where on the agenda is X", "which pages hold X": the agenda register
DATE_WORD = re.compile(rf"{MONTH_NAME}[a-z]*|(?:19|20)\d\d|\d{{1,2}}", re.I)  # a month, year or day
LETTERED = re.compile(r"(?:^|\s)\(?(?:[a-h]|i{1,3}|iv|v|vi{1,3})\)\s")  # "a) Agree ...", "(ii) Delegate ..."
ITEM_ASKED = re.compile(r"\bwhich items?\b|\bitems?\s+(?:on|in|of)\b|\bwhere\s+(?:on|in)\s+(?:the|this|that)\b[^?]*"
                        r"\b(?:agenda|pack|papers)\b|\bwhich pages?\b", re.I)


def _cite(cited: list[Passage], passage: Passage) -> int:
    """The citation number of ``passage``, adding it once."""
    for n, p in enumerate(cited, start=1):
        if p.chunk_id == passage.chunk_id:
            return n
    cited.append(passage)
    return len(cited)



OUTCOME = re.compile(r"\b(?:carried|defeated|lost)\b(?: unanimously)?\.", re.I)


def _vote_said(row: Decision) -> str:
    """" (carried)", " (recorded vote: 52 for, ...)": how the minute's vote went, when the minutes say."""
    return f" ({row.vote})" if row.vote and row.vote != "not stated" else ""


def _minute_head(row: Decision) -> str:
    """The opening of a register line for a minute: "Minute 98, meeting of 19 July 2018 (unanimously): "."""
    return f"Minute {row.minute}, meeting of {spoken(row.meeting_date)}{_vote_said(row)}: "


def _shortened(title: str, limit: int = 240) -> str:
    """A long printed title (a US ordinance's whole paragraph) cut at a word, marked as cut."""
    return title if len(title) <= limit else title[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


class RegisterAnswers:
    """The register-reading half of :class:`assistant.service.Assistant` (which owns ``registry``)."""

    registry: Registry

    def _passage_for(self, filters: Filters, doc_id: str, first: int, last: int, needle: str, minute: str | None = None) -> Passage | None:
        """The chunk of a paper that holds a register row's text (so the row can be cited to its page)."""
        found = self.registry.chunks_by_id(self.registry.chunk_ids_in_pages(doc_id, first, last, filters))
        probe = re.sub(r"\s+", " ", needle).lower()[:40]
        candidates = [replace(r, score=1.0) for r in found.values()]
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
        terms = question.terms
        cover = self.retriever.coverage
        # rows of the papers retrieval found: the whole library's registers are too many to score per question
        docs = {p.doc_id for p in passages}
        lines: list[str] = []
        cited: list[Passage] = []
        listed = self._register_lists(question, filters, lines, cited)
        if question.item and not listed:  # "item 6 on the agenda for 28 October": the agenda register answers
            self._agenda_lines(question, filters, terms, lines, cited)
            if lines:
                return lines, cited
        if question.intent == "action" and not listed:
            self._action_lines(question, filters, docs, lines, cited)
        if not listed and (question.intent in ("resolution", "when") or question.minute):
            rows = [r for r in self.registry.decisions(filters, docs) if r.resolution]
            if question.minute:
                rows = [r for r in rows if r.minute == question.minute] or rows
            window = question.date_window()
            if window:
                rows = [r for r in rows if window[0] <= (r.meeting_date or "") <= window[1]] or rows
            if question.exact_dates:  # "on 10 January 2024": that meeting's own minutes, where they are held
                rows = [r for r in rows if r.meeting_date in question.exact_dates] or rows
            scored = sorted(((cover(terms, f"{r.title} {r.resolution} {spoken(r.meeting_date)}"), r)
                             for r in rows), key=lambda t: -t[0])
            for score, row in scored[:1]:
                if score < T.REGISTER_MATCH:
                    break
                p = self._passage_for(filters, row.doc_id, row.pages[0], row.pages[1], row.resolution, row.minute)
                if p is None:
                    continue
                n = _cite(cited, p)
                # the minute's title after what it resolved, unless that already says it
                title = "" if registers.overlap(content_terms(row.title), row.resolution) >= T.TITLE_SAID \
                    else f" ({row.title})"
                lines.append(f"{_minute_head(row)}{operative_first(row.resolution)}{title} [{n}]")
                self._lineage_lines(row, filters, lines, cited)
        if not listed and question.asks_recommendation:
            rows = self.registry.recommendations(filters, docs)
            scored = sorted(((cover(terms, f"{r.item_title} {r.recommendation}"), r) for r in rows),
                            key=lambda t: -t[0])
            if scored and scored[0][0] >= T.REGISTER_MATCH:
                row = scored[0][1]
                p = self._passage_for(filters, row.doc_id, row.pages[0], row.pages[1], row.recommendation[:40])
                if p is not None:
                    n = _cite(cited, p)
                    lines.append(f"Item {row.item} ({row.item_title}) of the {spoken(row.meeting_date)} "
                                 f"papers asks: {parts_about(row.recommendation, question.text)} [{n}]")
        if (question.intent == "agenda" or ITEM_ASKED.search(question.text)) and not listed and not question.item:
            self._agenda_lines(question, filters, terms, lines, cited)
        return lines, cited

    def _action_lines(self, question: Question, filters: Filters, docs: set[str], lines: list[str],
                      cited: list[Passage]) -> None:
        """The action (or two) of the papers found whose words best match the question, with its officer, status
        and latest comment."""
        terms, cover = question.terms, self.retriever.coverage
        rows = registers.actions(self.registry, filters, docs)
        scored = sorted(((cover(terms, f"{r.report_title} {r.action} {r.comments} {r.owner}"), r)
                         for r in rows), key=lambda t: -t[0])
        for score, row in scored[:2]:
            if score < T.REGISTER_MATCH or (lines and score < scored[0][0] * T.ACTION_RUNNER_UP):
                break
            p = self._passage_for(filters, row.doc_id, row.pages[0], row.pages[1], row.comments or row.action)
            if p is None:
                continue
            n = _cite(cited, p)
            status = row.status_text
            # what was to be done, by whom and where it stands first; where the action came from after
            lines.append(f"{row.action} Officer: {row.owner or 'not named'}. Latest comment "
                         f"({spoken(row.log_date)} log): {_sentence(row.comments or 'none')} Status: {status}. "
                         f"(Action from minute {row.minute}, {row.report_title}, meeting of "
                         f"{spoken(row.meeting_date)}) [{n}]")

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
                p = self._passage_for(filters, row.doc_id, row.pages[0], row.pages[1], row.resolution, row.minute)
                if p is not None:
                    n = _cite(cited, p)
                    lines.append(f"- Minute {row.minute} ({row.title}), {spoken(row.meeting_date)}: "
                                 f"{row.resolution} [{n}]")
            return True
        return False

    def _lineage_lines(self, row: Decision, filters: Filters, lines: list[str], cited: list[Passage]) -> None:
        """Other resolutions of the same committee on the same matter, so the answer says which one is current;
        the latest LINEAGE_LINES (assistant/tuning.py) of them (a matter that returns every year would otherwise fill the answer)."""
        committee_filters = replace(filters, committee=filters.committee or row.committee)
        # a resolution numbered by id is titled by its mover and seconder ("S. Kirkey, J. Scott"): its matter is
        # in what it resolves
        first = (sentences(operative_first(row.resolution)) or [""])[0]  # "By-Law No. 2024-04" does not end it
        topic = re.split(r"[:;]\s", first, maxsplit=1)[0][:160] \
            if MOVERS.match(row.title) or not row.title else row.title  # its first clause: the matter, not the detail
        events = [e for e in registers.lineage(self.registry, topic, committee_filters, threshold=T.LINEAGE_MATCH)
                  if e.kind == "resolution"]
        if len(events) < 2 or len(events) > T.ROUTINE_MATTER or PROCEDURAL.search(topic):
            return  # alone, or business every meeting repeats ("the minutes be adopted", "we adjourn")
        others = [e for e in events if (e.doc_id, e.minute) != (row.doc_id, row.minute)]
        for e in others[-T.LINEAGE_LINES:]:
            p = self._passage_for(filters, e.doc_id, e.pages[0], e.pages[1], e.text, e.minute)
            if p is None:
                continue
            n = _cite(cited, p)
            when = "later" if (e.date or "") > (row.meeting_date or "") else "earlier"
            current = f" {CURRENT}" if e.current else ""
            lines.append(f"On the same matter, {when}: minute {e.minute} ({spoken(e.date)}): "
                         f"{e.text[:300]} [{n}]{current}")

    def decision_line(self, passage: Passage, quote: str, filters: Filters, n: int) -> str | None:
        """The register's line for the minute ``passage`` is of, when ``quote`` is part of what it resolved:
        "Minute R2025-153, meeting of 2 September 2025 (carried): THAT ... [n]" — the whole resolution, with its
        id, meeting and vote (a quote of one of its sentences leaves out the rest). None when the quote is
        not from a resolution, or the resolution is too long to quote whole (the quote is then kept)."""
        if not passage.minute:
            return None
        row = next((d for d in self.registry.decisions(filters, [passage.doc_id]) if d.minute == passage.minute), None)
        if row is None or not row.resolution:
            return None
        # what was resolved ends with its outcome ("... Carried."); minutes' text after it is other business
        outcome = OUTCOME.search(row.resolution)
        resolved = row.resolution[:outcome.end()] if outcome else row.resolution
        probe = normalised(quote)[:80]
        if len(probe) < 30 or probe not in normalised(resolved) or len(resolved) > T.WHOLE_RESOLUTION:
            return None
        return f"{_minute_head(row)}{operative_first(resolved)} [{n}]"

    def _later_decisions(self, passage: Passage, filters: Filters, cited: list[Passage]) -> list[str]:
        """For a quoted resolution, the later ones on the same matter (a schedule amended, a decision varied),
        cited after ``cited`` (which grows): a quote of a superseded decision must say it is not the last word."""
        if not passage.minute:
            return []
        row = next((d for d in self.registry.decisions(filters, [passage.doc_id]) if d.minute == passage.minute), None)
        if row is None or not row.resolution:
            return []
        lines: list[str] = []
        self._lineage_lines(row, filters, lines, cited)
        return [line for line in lines if line.startswith("On the same matter, later")]

    def _cite_action(self, row: ActionEntry, filters: Filters, lines: list[str], cited: list[Passage]) -> None:
        p = self._passage_for(filters, row.doc_id, row.pages[0], row.pages[1], row.comments or row.action)
        if p is None:
            return
        n = _cite(cited, p)
        history = registers.action_history(self.registry, row)
        earlier = [h for h in history if (h.log_date or "") < (row.log_date or "")]
        trail = "; earlier: " + "; ".join(f"{h.status_text} ({spoken(h.log_date)})"
                                          for h in earlier) if earlier else ""
        lines.append(f"- Minute {row.minute} ({row.report_title}, meeting of {spoken(row.meeting_date)}): "
                     f"{row.action} Officer: {row.owner or 'not named'}. Status: "
                     f"{row.status_text}. Latest comment ({spoken(row.log_date)} log): "
                     f"{row.comments or 'none'}{trail} [{n}]")

    def _meetings(self, question: Question, filters: Filters) -> list[Document]:
        """Agenda packs, agendas and minutes of the meeting(s) the question points at."""
        docs = [d for d in self.registry.documents(filters.include_restricted)
                if d.doc_type in ("agenda pack", "agenda", "minutes")]
        window = question.date_window()
        if question.exact_dates:
            docs = [d for d in docs if d.meeting_date in question.exact_dates] or docs
        elif window:
            # "the September 2018 pack": the meeting in that month
            docs = [d for d in docs if (d.meeting_date or "")[:7] == window[0][:7]] or \
                [d for d in docs if window[0] <= (d.meeting_date or "") <= window[1]]
        if question.committee:
            docs = [d for d in docs if question.of_body(d.committee)] or docs
        return docs

    def _agenda_lines(self, question: Question, filters: Filters, terms: list[str], lines: list[str],
                      cited: list[Passage]) -> None:
        """Where a paper sits in a pack, where a meeting is held, when the minuted meeting took place."""
        docs = self._meetings(question, filters)
        if not docs or len(docs) > 3:
            return
        ids = {d.doc_id for d in docs}
        if question.item or re.search(r"\bitems?\b|\bpages?\b", question.text, re.I) or ITEM_ASKED.search(question.text):
            self._item_lines(question, filters, terms, docs, lines, cited)
            if lines:
                return
        if re.search(r"\bminutes\b", question.text, re.I):
            minutes = [r for r in self.registry.decisions(filters) if r.doc_id in ids]
            if minutes:
                first = min(minutes, key=lambda r: r.pages[0])
                p = self._minutes_opening(filters, first.doc_id, first.pages[0])
                if p is not None:
                    n = _cite(cited, p)
                    opening = " ".join(split_units(p.text)[:4])
                    lines.append(f"The minutes in this pack are of the meeting of {spoken(first.meeting_date)}: "
                                 f"{opening} [{n}]")
        elif re.search(r"^\s*where\b|\bvenue\b|\bwhat time\b|\bheld\b", question.text, re.I):
            doc = docs[0]
            if doc.venue:
                p = self._passage_for(filters, doc.doc_id, 1, 3, doc.venue[:30])
                if p is not None:
                    n = _cite(cited, p)
                    times = re.findall(r"\b\d{1,2}[:.]\d{2}\s*(?:hrs?|am|pm)\b|\b\d{1,2}\s*(?:am|pm)\b", p.text, re.I)
                    when = f" at {times[0]}" if times else ""
                    lines.append(f"The {doc.committee} meeting of {spoken(doc.meeting_date)}{when} "
                                 f"is held at: {doc.venue} [{n}]")

    def _item_lines(self, question: Question, filters: Filters, terms: list[str], docs: list[Document],
                    lines: list[str], cited: list[Passage]) -> None:
        """The agenda item asked about — by its number when the question gives one ("item 3 on the agenda for
        22 October"), else by its words — with its title and pages, and what the meeting resolved on it when
        its minutes are held."""
        ids = {d.doc_id for d in docs}
        items = [r for r in self.registry.items(filters) if r.doc_id in ids]
        if question.item:
            wanted = [r for r in items if r.item.lower() == question.item]
            amended = re.search(r"\bamended\b", question.text, re.I)
            wanted.sort(key=lambda r: (not amended) == ("amended" in r.source.lower()))
            row = wanted[0] if wanted else None
        else:
            # the date picked the meeting; the other words pick its item ("the October 2019 agenda", "Library
            # Services" - not the item "Agenda Plan - October 2019")
            terms = [t for t in terms if not DATE_WORD.fullmatch(t)] or terms
            scored = sorted(((self.retriever.coverage(terms, f"{r.title} item {r.item}"), r) for r in items),
                            key=lambda t: -t[0])
            row = scored[0][1] if scored and scored[0][0] >= T.ITEM_WORDS_MATCH else None
            if row is not None and re.search(r"\bitems\b", question.text, re.I):  # "which items are about X"
                others = [r for score, r in scored[1:T.ITEMS_LISTED]
                          if score >= scored[0][0] * T.ITEM_RUNNER_UP and r.doc_id == row.doc_id]
                for other in sorted([row] + others, key=items.index):
                    self._item_line(question, other, docs, filters, lines, cited)
                return
        if row is not None:
            self._item_line(question, row, docs, filters, lines, cited)

    def _item_line(self, question: Question, row: ItemEntry, docs: list[Document], filters: Filters,
                   lines: list[str], cited: list[Passage]) -> None:
        """One agenda item's title and pages, its report's recommendation when asked, and the decision on it."""
        doc = next(d for d in docs if d.doc_id == row.doc_id)
        p = self._passage_for(filters, row.doc_id, row.pages[0], row.pages[1], row.title[:30]) or \
            self._passage_for(filters, row.doc_id, row.pages[0], row.pages[0], "")
        if p is None:
            return
        n = _cite(cited, p)
        lines.append(f"Item {row.item} of the {doc.committee} {spoken(doc.meeting_date)} {doc.doc_type}: "
                     f"{_shortened(row.title)} ({'page' if row.pages[0] == row.pages[1] else 'pages'} "
                     f"{row.pages[0]}{'' if row.pages[0] == row.pages[1] else '–' + str(row.pages[1])}) [{n}]")
        listing = row.pages[0] > 1 and self._passage_for(filters, row.doc_id, 1, row.pages[0] - 1, row.title[:30])
        if listing and row.title[:30].lower() in re.sub(r"\s+", " ", listing.text).lower():
            _cite(cited, listing)  # the front sheet that lists it, where a reader checks its pages
        if question.asks_recommendation:  # "what does item 4 ask us to decide?": its report's recommendation
            rec = next((r for r in self.registry.recommendations(filters, [row.doc_id]) if r.item == row.item), None)
            q = rec and self._passage_for(filters, rec.doc_id, rec.pages[0], rec.pages[1], rec.recommendation[:40])
            if q is not None:
                lines.append(f"It asks: {parts_about(rec.recommendation, question.text)} [{_cite(cited, q)}]")
        taken = self._decision_on(row, doc, filters)
        if taken is not None:
            q = self._passage_for(filters, taken.doc_id, taken.pages[0], taken.pages[1], taken.resolution,
                                  taken.minute)
            if q is not None:
                lines.append(f"Decided at that meeting, minute {taken.minute}{_vote_said(taken)}: "
                             f"{operative_first(taken.resolution)} [{_cite(cited, q)}]")

    def _decision_on(self, item: ItemEntry, doc: Document, filters: Filters) -> Decision | None:
        """The resolution the meeting took on an agenda item: the minute of that meeting and body sharing the
        most of the item's words, when it shares a good part of them and clearly more than any other minute."""
        terms = content_terms(item.title)
        same = [d for d in self.registry.decisions(filters) if d.meeting_date == doc.meeting_date
                and d.committee == doc.committee and d.resolution]
        if not terms or not same:
            return None
        scored = sorted(((registers.overlap(terms, f"{d.title} {d.resolution}"), d) for d in same),
                        key=lambda t: -t[0])
        best, runner_up = scored[0][0], (scored[1][0] if len(scored) > 1 else 0.0)
        return scored[0][1] if best >= T.ITEM_DECISION_OVERLAP and best >= 2 * runner_up else None

    def _completed(self, passage: Passage, filters: Filters) -> Passage:
        """A passage whose first sentence began in the chunk before, or whose last runs on into the next
        chunk, with those sentences whole."""
        passage = self._begun(passage, filters)
        if re.search(r"[.!?:;)]\s*$", passage.text):
            return passage
        nxt, lines = self._beside(passage, filters, 1)
        tail = []
        for line in lines[:8]:
            tail.append(line)
            if re.search(r"[.!?]\s*$", line):
                break
        if not tail:
            return passage
        return replace(passage, text=passage.text + "\n" + "\n".join(tail), last_page=max(
            passage.last_page, nxt.first_page if len(tail) < len(lines) else nxt.last_page))

    def _begun(self, passage: Passage, filters: Filters) -> Passage:
        """A passage that opens mid-sentence ("per month (aged 18+) – YTD In February ...") with the start of
        that sentence from the chunk before it."""
        if not re.match(r"[\s\-•o…]*[a-z]", passage.text):
            return passage
        prev, lines = self._beside(passage, filters, -1)
        head: list[str] = []
        for line in reversed(lines[-8:]):
            if re.search(r"[.!?:;]\s*$", line):
                break  # the line before ended a sentence: the one cut began on the line after it
            head.insert(0, line)
            if re.match(r"[\s\-•o…]*[A-Z0-9(“\"]", line):
                break
        if not head:
            return passage
        return replace(passage, text="\n".join(head) + "\n" + passage.text, first_page=min(
            passage.first_page, prev.last_page if len(head) < len(lines) else prev.first_page))

    def _beside(self, passage: Passage, filters: Filters, step: int) -> tuple[Passage | None, list[str]]:
        """The chunk after (1) or before (-1) a passage and its lines, less the one line of overlap the chunker
        repeats; no lines when there is none."""
        found = self.registry.chunk_beside(passage.chunk_id, filters, step)
        if found is None:
            return None, []
        chunk = self.registry.chunks_by_id([found])[found]
        lines, own = chunk.text.splitlines(), passage.text.splitlines()
        if lines and own and (lines[0] == own[-1] if step > 0 else lines[-1] == own[0]):
            lines = lines[1:] if step > 0 else lines[:-1]
        return chunk, lines

    def _minutes_opening(self, filters: Filters, doc_id: str, page: int) -> Passage | None:
        """The first passage of the minutes that start on ``page`` (date, time, who was present)."""
        ids = self.registry.chunk_ids_in_pages(doc_id, page, page, filters)[:1]
        found = self.registry.chunks_by_id(ids)
        return replace(found[ids[0]], score=1.0) if found else None


def _sentence(text: str) -> str:
    """A comment as a sentence, ending in a full stop."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def parts_about(recommendation: str, question: str) -> str:
    """A recommendation of lettered parts cut to those naming what the question names ("f) Delegate award of the
    contract at Elm Court ..." for a question about Elm Court), with how many others there are; the whole of
    it when every part, or none, names it."""
    cuts = [m.start() for m in LETTERED.finditer(recommendation)]
    if len(cuts) < 3:
        return recommendation
    intro = recommendation[:cuts[0]].strip()
    parts = [recommendation[a:b].strip() for a, b in zip(cuts, cuts[1:] + [len(recommendation)])]
    asked = names_in(question)
    about = [p for p in parts if asked & names_in(p)]
    if not about or len(about) == len(parts):
        return recommendation
    others = len(parts) - len(about)
    return f"{intro} {' '.join(about)} (and {others} other recommendation{'s' if others > 1 else ''})".strip()
