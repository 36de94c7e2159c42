"""The small vocabulary every publishing system is read into, so sync, storage and ingest share one shape.

A system (ModernGov, Legistar, a feed) is read into ``RemoteDocument`` records, each carrying the
``SourceFacts`` the system states about it; those facts win over what the parser guesses from the text.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.models import Paper

log = logging.getLogger("committee.sources")

KINDS = ("moderngov", "legistar", "feed")


@dataclass(frozen=True)
class Source:
    """A publishing system a clerk added: ``location`` is a site URL, a Legistar client name or a feed URL."""

    id: int
    kind: str
    location: str
    committee: str = ""  # only this body's meetings (ModernGov); "" for all
    since: str | None = None  # ISO date: no meetings before it
    last_sync: float | None = None
    last_error: str = ""

    def label(self) -> str:
        return f"{self.kind} {self.location}" + (f" ({self.committee})" if self.committee else "")


@dataclass(frozen=True)
class SourceFacts:
    """What a publishing system states about one document: empty fields are ones it does not state."""

    authority: str = ""
    committee: str = ""
    meeting_date: str | None = None  # ISO date
    item_number: str = ""
    item_title: str = ""
    title: str = ""
    restricted: bool = False  # an exempt item or a confidential attachment

    def apply(self, paper: Paper) -> list[str]:
        """Set the stated facts on a parsed ``ingest.models.Paper``; one line for each the parser read otherwise."""
        differ = []
        for name, value in (("authority", self.authority), ("committee", self.committee),
                            ("meeting_date", self.meeting_date)):
            found = getattr(paper, name)
            if not value:
                continue
            if found and found.lower() != value.lower():
                differ.append(f"{paper.source}: the source gives {name.replace('_', ' ')} {value!r}, the paper "
                              f"reads {found!r}; the source's is kept.")
            setattr(paper, name, value)
        if self.committee:
            paper.committee_from = "source"
        if self.meeting_date:
            paper.date_from = "source"
        if self.title:
            paper.title = self.title
        for line in differ:
            log.info(line)  # the caller shows them (IngestReport.notes); the log keeps them for library users
        return differ


@dataclass(frozen=True)
class RemoteDocument:
    """One file a publishing system links to, with what it says about it. ``key`` is stable across syncs."""

    key: str
    url: str
    facts: SourceFacts
    doc_type: str = ""  # agenda | minutes | report | "" (the parser decides)

    def filename(self) -> str:
        """A readable, stable local name: date, body, item and title, then the key that makes it unique."""
        f = self.facts
        parts = [f.meeting_date or "undated", f.committee, f"item-{f.item_number}" if f.item_number else "",
                 f.title or self.doc_type]
        stem = "-".join(_slug(p) for p in parts if _slug(p))[:120]
        return f"{stem}-{_slug(self.key)[-24:]}.pdf"


@dataclass
class DocumentState:
    """What sync knows of one remote document: how to ask for it again and whether its file was ingested."""

    source_id: int
    key: str
    url: str
    facts: SourceFacts
    etag: str = ""
    last_modified: str = ""
    content_hash: str = ""  # of the file on disk
    ingested_hash: str = ""  # of the file last ingested
    local_path: str = ""
    error: str = ""  # the last attempt's one line, "" when it went well
    fetched_at: float = 0.0

    @property
    def status(self) -> str:
        if self.error:
            return "failed"
        if self.content_hash and self.content_hash == self.ingested_hash:
            return "ingested"
        return "pending" if self.content_hash else "new"


@dataclass
class SyncReport:
    """One source's sync: counts and one line for each document that failed (and what to do)."""

    source: Source
    since: str | None = None  # the first meeting date listed (the source's --from, or the recheck window)
    listed: int = 0
    fetched: int = 0
    unchanged: int = 0
    ingested: int = 0
    failed: list[str] = field(default_factory=list)
    would_fetch: list[str] = field(default_factory=list)  # --dry-run: URLs a sync would request
    notes: list[str] = field(default_factory=list)  # the source and the paper disagree; kept restricted

    @property
    def ok(self) -> bool:
        return not self.failed


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")
