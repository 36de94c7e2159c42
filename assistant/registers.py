"""Exact registers over the registry: decisions, actions with their history across logs, declarations,
and the meeting briefing. Lists here are complete (SQL), not the top hits of a search.

    decisions_about(registry, "extra care contracts")   # every matching resolution, oldest first
    action_history(registry, action_row)                # the same action in successive logs
    briefing(registry, "2018-09-06")                    # Markdown, every line cited
"""
from __future__ import annotations

import functools
import re

from assistant import tuning as T
from assistant.exports import md_text
from assistant.terms import content_terms, stems_of
from index.filters import Filters
from index.registry import Registry
from ingest.dates import spoken
from ingest.figures import MONEY_OR_SHARE
from ingest.records import ActionEntry, ActionOrigin, Decision, LineageEvent, Meeting, PaperEntry, RecommendationEntry
from ingest.units import sentences


@functools.lru_cache(maxsize=50_000)
def _register_stems(text: str) -> frozenset[str]:
    """Stems of a register row's text, remembered apart from passages' (a committee's resolutions are read
    whole for every lineage, and passages would push them out of a shared cache)."""
    return stems_of.__wrapped__(text)


def overlap(query_terms: list[str], text: str, rarity=None) -> float:
    """Share of the query's terms in ``text``, weighted by rarity when known."""
    if not query_terms:
        return 1.0
    present = _register_stems(text)
    weight = rarity.idf if rarity is not None else (lambda t: 1.0)
    total = sum(weight(t) for t in query_terms)
    return sum(weight(t) for t in query_terms if t in present) / total


def nice_date(iso: str | None) -> str:
    return spoken(iso, "short", "undated")


def decisions_about(registry: Registry, query: str, filters: Filters = Filters(),
                    threshold: float = T.TOPIC_MATCH) -> list[Decision]:
    """Every resolution whose minute title or text matches the query (rare words weigh more), oldest first."""
    from assistant.terms import Rarity

    rarity = Rarity(registry)
    terms = content_terms(query)
    rows = [r for r in registry.decisions(filters) if r.resolution]
    return [r for r in rows if overlap(terms, f"{r.title} {r.resolution}", rarity) >= threshold]


def actions(registry: Registry, filters: Filters = Filters(), doc_ids=None) -> list[ActionEntry]:
    """Every action, once: an action minutes raised is dropped where an action log of the same committee
    carries that minute (the log row holds its status and comments)."""
    rows = registry.actions(filters, doc_ids)
    logged = {(r.committee, r.minute) for r in rows if r.origin is ActionOrigin.LOG}
    return [r for r in rows if r.origin is ActionOrigin.LOG or (r.committee, r.minute) not in logged]


def actions_where(registry: Registry, filters: Filters = Filters(), status: str = "all", owner: str | None = None,
                  query: str | None = None) -> list[ActionEntry]:
    rows = actions(registry, filters)
    if status != "all":
        rows = [r for r in rows if r.state == status]
    if owner:
        rows = [r for r in rows if owner.lower() in (r.owner or "").lower()]
    if query:
        terms = content_terms(query)
        rows = [r for r in rows if overlap(terms, f"{r.report_title} {r.action} {r.comments}") >= T.ACTION_MATCH]
    return rows


def action_history(registry: Registry, row: ActionEntry) -> list[ActionEntry]:
    """The same action (committee, minute and wording) in every log that carries it, oldest first."""
    terms = content_terms(row.action)[:12]
    same = [r for r in actions(registry, Filters(include_restricted=True, committee=row.committee))
            if r.minute == row.minute
            and overlap(terms, r.action) >= T.ACTION_MATCH]
    return sorted(same, key=lambda r: r.log_date or "")


def decision_for(registry: Registry, recommendation: RecommendationEntry, filters: Filters = Filters()) -> Decision | None:
    """The resolution the meeting actually took on a report's recommendation, once its minutes are ingested
    (they usually arrive in the next meeting's pack): same committee and meeting date, matching title."""
    terms = content_terms(recommendation.item_title)
    same_meeting = [d for d in registry.decisions(filters)
                    if d.meeting_date == recommendation.meeting_date and d.resolution
                    and d.committee == recommendation.committee]
    scored = sorted(((overlap(terms, d.title), d) for d in same_meeting), key=lambda t: -t[0])
    return scored[0][1] if scored and scored[0][0] >= 0.5 else None


def lineage(registry: Registry, topic: str, filters: Filters = Filters(), threshold: float = T.TOPIC_MATCH
            ) -> list[LineageEvent]:
    """The same matter across meetings, oldest first: what reports recommended and what was resolved.
    The last resolution is the current one; earlier ones are what came before (deferred, varied, rescinded)."""
    from assistant.terms import Rarity

    rarity = Rarity(registry)
    terms = content_terms(topic)
    events = []
    for d in registry.decisions(filters):
        if d.resolution and overlap(terms, f"{d.title} {d.resolution}", rarity) >= threshold:
            events.append(LineageEvent("resolution", d.meeting_date, d.minute, d.title, d.resolution, d.source,
                                       d.pages, d.doc_id))
    for r in registry.recommendations(filters):
        if overlap(terms, f"{r.item_title} {r.recommendation}", rarity) >= threshold:
            events.append(LineageEvent("recommendation", r.meeting_date, None, f"item {r.item}: {r.item_title}",
                                       r.recommendation, r.source, r.pages, r.doc_id))
    events.sort(key=lambda e: (e.date or "", e.kind == "resolution"))
    resolutions = [e for e in events if e.kind == "resolution"]
    for e in events:
        e.current = bool(resolutions) and e is resolutions[-1]
    return events


def owners(registry: Registry, filters: Filters = Filters()) -> list[str]:
    return sorted({r.owner for r in actions(registry, filters) if r.owner})


def briefing(registry: Registry, meeting: str, committee: str | None = None,
             filters: Filters = Filters()) -> str:
    """A Markdown briefing for one meeting: each item with pages, its recommendation, key figures,
    related earlier decisions and the open actions, every line cited to file and page."""
    docs = [d for d in registry.documents(filters.include_restricted)
            if d.meeting_date == meeting and (not committee or d.committee == committee)]
    if not docs:
        return f"# No papers found for a meeting on {meeting}\n"
    out = []
    for doc in docs:
        out.append(f"# {doc.committee or doc.title} — {nice_date(doc.meeting_date)}\n")
        if doc.venue:
            out.append(f"Venue: {doc.venue} ({doc.source}, p. 1)\n")
        items = [i for i in registry.items(filters) if i.doc_id == doc.doc_id]
        recs = {r.item: r for r in registry.recommendations(filters) if r.doc_id == doc.doc_id}
        earlier = [d for d in registry.decisions(filters)
                   if (d.meeting_date or "") < meeting and d.resolution]
        for item in items:
            first, last = item.pages
            out.append(f"## Item {item.item}: {item.title}\n")
            out.append(f"- Pages {first}–{last} of {doc.source}")
            rec = recs.get(item.item)
            if rec:
                out.append(f"- Recommendation: {rec.recommendation} ({doc.source}, p. {rec.pages[0]})")
                taken = decision_for(registry, rec, filters)
                if taken:
                    out.append(f"- Decided (minute {taken.minute}): {taken.resolution} "
                               f"({taken.source}, pp. {taken.pages[0]}–{taken.pages[1]})")
            for fig in key_figures(registry, doc.doc_id, first, min(last, first + 3)):
                out.append(f"- Figure: {fig}")
            terms = content_terms(item.title)
            minutes_item = bool(re.search(r"\bminutes\b", item.title, re.I))
            related = [] if minutes_item else [d for d in earlier if overlap(terms, d.title) >= 0.6][:3]
            for d in related:
                out.append(f"- Earlier decision, minute {d.minute} ({nice_date(d.meeting_date)}): "
                           f"{d.resolution[:300]} ({d.source}, pp. {d.pages[0]}–{d.pages[1]})")
            out.append("")
        open_actions = [a for a in actions(registry, filters)
                        if a.state == "open" and (a.log_date or "") <= meeting]
        if open_actions:
            out.append("## Open actions\n")
            for a in open_actions:
                out.append(f"- Minute {a.minute} ({a.report_title}): {a.action} — officer "
                           f"{a.owner or 'not named'}; latest comment: {a.comments or 'none'} "
                           f"({a.source}, p. {a.pages[0]})")
            out.append("")
    return md_text("\n".join(out))  # paper text is never live HTML in the file


def key_figures(registry: Registry, doc_id: str, first: int, last: int, limit: int = 3) -> list[str]:
    """The first sentences with money or percentages in a report's opening pages, each with its page."""
    found = []
    for number in range(first, last + 1):
        text = re.sub(r"\s+", " ", registry.page_text(doc_id, number))
        for sentence in sentences(text):
            numbers = re.findall(r"\d[\d,.]*", sentence)
            if MONEY_OR_SHARE.search(sentence) and 40 <= len(sentence) <= 300 and len(numbers) <= 4:
                found.append(f"{sentence.strip()} (p. {number})")
            if len(found) >= limit:
                return found
    return found


def papers(registry: Registry, include_restricted: bool, min_confidence: float) -> list[PaperEntry]:
    """Every paper held, with its body, meeting, kind, version (ingest/versions.py), restriction and scanned pages:
    what `committee papers` lists."""
    from ingest.pipeline import _ranges
    from ingest.versions import link

    docs = registry.documents(include_restricted)
    versions = link(registry.documents(True))
    out = []
    for d in docs:
        v = versions[d.doc_id]
        secret = registry.restricted_page_numbers(d.doc_id)
        restricted = "whole paper" if d.restricted else (f"pages {_ranges(secret)}" if secret else "no")
        scanned = registry.ocr_pages(d.doc_id)
        out.append(PaperEntry(d.source, d.authority, d.committee, d.meeting_date, d.meeting_kind, d.doc_type, d.title,
                              d.page_count, "current" if v.current else "superseded", list(v.replaces),
                              v.replaced_by, restricted, [n for n, _ in scanned],
                              [n for n, c in scanned if (c or 0) < min_confidence], d.doc_id))
    return out


def meetings(registry: Registry, include_restricted: bool) -> list[Meeting]:
    """Every meeting the papers are of, oldest first, with its papers; minutes that a later pack carries (a
    meeting's minutes usually arrive with the next meeting's papers) are listed under the meeting they record,
    which is listed even when no paper of its own is held. The venue is the agenda's, where there is one."""
    docs = registry.documents(include_restricted)
    found: dict[tuple, Meeting] = {}
    for d in sorted(docs, key=lambda d: d.doc_type not in ("agenda", "agenda pack")):
        if not d.meeting_date:
            continue
        key = (d.authority, d.committee, d.meeting_date, d.meeting_kind)
        m = found.setdefault(key, Meeting(d.authority, d.committee, d.meeting_date, d.meeting_kind, d.venue, [], []))
        m.papers.append(f"{d.doc_type}: {d.source}")
    for key, m in list(found.items()):  # a paper that states no kind belongs to the one meeting of that day
        stated = [o for k, o in found.items() if k[:3] == key[:3] and k[3] != "ordinary"]
        if key[3] == "ordinary" and len(stated) == 1 and not any(p.startswith("agenda") for p in m.papers):
            stated[0].papers.extend(m.papers)
            stated[0].venue = stated[0].venue or m.venue
            del found[key]
    held = {(m.authority, m.body, m.date): m for m in found.values()}
    sources = {d.source: d for d in docs}
    for r in registry.decisions(Filters(include_restricted=include_restricted)):
        paper = sources.get(r.source)
        if paper is None or not r.meeting_date or r.meeting_date == paper.meeting_date:
            continue
        key = (paper.authority, r.committee, r.meeting_date)
        if key not in held:
            held[key] = found[(*key, "ordinary")] = Meeting(*key, "ordinary", "", [], [])
        if r.source not in held[key].minutes_in:
            held[key].minutes_in.append(r.source)
    return sorted(found.values(), key=lambda m: (m.date, m.authority, m.body))
