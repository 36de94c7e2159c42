"""Papers that are versions of one another, and which of them is current.

An amended agenda replaces the agenda of the same meeting; a final budget replaces the draft of the same year; a
capital forecast replaces the previous year's forecast of the same plan; a revised report replaces the report.
Two papers are versions when they come from the same authority, body and kind of meeting and paper, are of the
same years, and their names (title and file name) share nearly all their words once dates, year ranges, version
words and the body's own name are taken out. Agendas and minutes are only versions of
papers of the same meeting. The current version is the latest meeting's, and on one meeting the final or
amended one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ingest.records import Document

VERSION_WORDS = {"draft": 0, "provisional": 0, "final": 2, "amended": 2, "revised": 2, "updated": 2,
                 "supplementary": -1, "addendum": -1}
MEETING_PAPERS = {"agenda", "agenda pack", "minutes"}  # versions only of papers of the same meeting
ISO_DATE = re.compile(r"\b\d{4}[-_ ]\d{2}[-_ ]\d{2}\b")
FILLER = {"of", "the", "and", "a", "an", "for", "to", "on", "in", "report", "paper", "papers", "presentation"}


@dataclass(frozen=True)
class Version:
    """Where a paper stands among its versions (``replaces`` and ``replaced_by`` are file names)."""

    doc_id: str
    current: bool = True
    replaces: tuple[str, ...] = ()
    replaced_by: str = ""


SAME_NAME = 0.8  # share of the shorter name's words the longer one must hold for two papers to be versions
YEAR_RANGE = re.compile(r"\b(?:19|20)\d{2}\s*[-–/_ ]\s*(?:19|20)?\d{2}\b")


def _name(doc: Document) -> tuple[frozenset[str], frozenset[str], int]:
    """(the words of the paper's title and file name without dates, years and version words; the years it is of,
    none for a plan over a range of years; its version rank)."""
    raw = ISO_DATE.sub(" ", f"{doc.title} {Path(doc.source).stem}".lower())
    spans_years = bool(YEAR_RANGE.search(raw))
    words = re.findall(r"[a-z]+|\d+", YEAR_RANGE.sub(" ", raw))
    common = set(re.findall(r"[a-z]+", f"{doc.authority} {doc.committee}".lower())) | FILLER
    rank = max((VERSION_WORDS[w] for w in words if w in VERSION_WORDS), default=1)
    years = frozenset() if spans_years else frozenset(w for w in words if re.fullmatch(r"(?:19|20)\d{2}", w))
    kept = frozenset(w for w in words if w not in VERSION_WORDS and w not in common and not w.isdigit())
    return kept, years, rank


def _same(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return a == b  # both named only by their body and kind: "Council agenda", "Council agenda (amended)"
    return len(a & b) / min(len(a), len(b)) >= SAME_NAME


def link(documents: list[Document]) -> dict[str, Version]:
    """A Version for every paper; papers with no other version are current and replace nothing."""
    out = {d.doc_id: Version(d.doc_id) for d in documents}
    groups: dict[tuple, list[list[tuple[frozenset[str], int, Document]]]] = {}
    for d in documents:
        words, years, rank = _name(d)
        if rank < 0:  # a supplement adds to a paper, it does not replace it
            continue
        meeting = d.meeting_date if d.doc_type in MEETING_PAPERS else ""
        clusters = groups.setdefault((d.authority, d.committee, d.meeting_kind, d.doc_type, meeting, years), [])
        home = next((c for c in clusters if any(_same(words, w) for w, _, _ in c)), None)
        if home is None:
            clusters.append([(words, rank, d)])
        else:
            home.append((words, rank, d))
    for members in (c for clusters in groups.values() for c in clusters if len(c) > 1):
        ordered = sorted(members, key=lambda m: (m[2].meeting_date or "", m[1], m[2].source))
        latest = ordered[-1][2]
        out[latest.doc_id] = Version(latest.doc_id, True, tuple(m[2].source for m in ordered[:-1]), "")
        for _, _, d in ordered[:-1]:
            out[d.doc_id] = Version(d.doc_id, False, (), latest.source)
    return out
