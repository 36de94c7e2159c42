"""What the registry gives back: papers, register rows and passages, each with the paper it comes from.

``ingest/models.py`` holds what a parser makes of one file; these are the same things as stored, joined to
their paper (committee, meeting date, file), which is what the assistant, the CLI and the app read. Each
renders itself for export with ``to_json()`` (the internal ``doc_id`` left out), so every exporter writes
the same columns.
"""
from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, fields


class ActionStatus(str, enum.Enum):
    """An action's state, from the log's own words (which are kept beside it)."""

    OPEN = "open"
    COMPLETE = "complete"
    OTHER = "other"

    @classmethod
    def normalise(cls, words: str) -> "ActionStatus":
        s = words.strip().lower().rstrip(".")
        if s in COMPLETE_WORDS:
            return cls.COMPLETE
        if s in OPEN_WORDS:
            return cls.OPEN
        return cls.OTHER


OPEN_WORDS = ("ongoing", "on-going", "in progress", "open", "outstanding", "pending", "not started", "overdue", "")
COMPLETE_WORDS = ("complete", "completed", "closed", "done", "superseded")


class ActionOrigin(str, enum.Enum):
    """Where an action was found: a row of an action log, or a minute that asks for one with no log row."""

    LOG = "action log"
    MINUTES = "minutes"


# the status ingest stores for an action that minutes ask for and no action-log row holds
RAISED_IN_MINUTES = "raised in minutes (no action-log row)"


class _Row:
    def to_json(self) -> dict:
        """The record as export columns: enums as their words, without the internal paper id."""
        out = {k: (v.value if isinstance(v, enum.Enum) else v) for k, v in asdict(self).items()}
        out.pop("doc_id", None)
        return out

    @classmethod
    def columns(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name != "doc_id"]


@dataclass
class Document(_Row):
    """A paper held: its file, kind, meeting and body (with where each was found), and whether it is exempt."""

    doc_id: str
    source: str
    path: str
    content_hash: str
    doc_type: str
    title: str
    committee: str
    meeting_date: str | None
    venue: str
    page_count: int
    restricted: bool
    ingested_at: float
    authority: str = ""
    meeting_kind: str = "ordinary"
    committee_from: str = "none"
    committee_printed: str = ""
    date_from: str = "none"


@dataclass(frozen=True)
class FileState:
    """What the registry last saw of a file on disk, to tell an unchanged file without reading it."""

    path: str
    doc_id: str
    size: int
    mtime: float
    inode: int | None
    ctime: float | None


@dataclass
class ItemEntry(_Row):
    """An agenda item of a paper held."""

    source: str
    committee: str
    meeting_date: str | None
    item: str
    title: str
    pages: list[int]
    doc_id: str


@dataclass
class Decision(_Row):
    """A numbered minute: what was resolved and how the vote went, at the meeting the minutes record."""

    committee: str
    meeting_date: str | None
    minute: str
    title: str
    resolution: str
    vote: str
    item: str | None
    source: str
    pages: list[int]
    doc_id: str


@dataclass
class ActionEntry(_Row):
    """An action: from an action-log row, or from minutes that ask for one the log does not hold."""

    committee: str
    meeting_date: str | None
    minute: str
    report_title: str
    owner: str
    action: str
    comments: str
    status: str  # the log's own words ("" when minutes raised it)
    review_date: str
    log_date: str | None
    source: str
    state: ActionStatus
    origin: ActionOrigin
    pages: list[int]
    doc_id: str

    @property
    def status_text(self) -> str:
        return self.status or (RAISED_IN_MINUTES if self.origin is ActionOrigin.MINUTES else "not stated in the log")


@dataclass
class RecommendationEntry(_Row):
    """What an officer's report asks the meeting to decide, under its agenda item."""

    committee: str
    meeting_date: str | None
    item: str | None
    item_title: str
    recommendation: str
    source: str
    pages: list[int]
    doc_id: str


@dataclass
class DeclarationEntry(_Row):
    """A declaration of interest recorded in minutes."""

    committee: str
    meeting_date: str | None
    minute: str | None
    councillor: str
    item: str | None
    nature: str
    text: str
    source: str
    pages: list[int]
    doc_id: str


@dataclass(frozen=True)
class Hit:
    """A chunk a search found, with its score (higher is better)."""

    chunk_id: str
    score: float


@dataclass
class Passage:
    """A stored chunk with everything a citation needs; ``score`` is set by the search that found it."""

    chunk_id: str
    doc_id: str
    text: str
    source: str
    path: str
    committee: str
    meeting_date: str | None
    doc_type: str
    item: str | None
    item_title: str
    minute: str | None
    first_page: int
    last_page: int
    section: str = ""
    score: float = 0.0
    doc_title: str = ""

    @property
    def about(self) -> str:
        """Words naming where the passage sits: paper title and kind, file name, meeting date, item, section."""
        from ingest.classify import DOC_TYPE_WORDS
        from ingest.dates import spoken

        when = spoken(self.meeting_date, missing="")
        return (f"{self.doc_title} {DOC_TYPE_WORDS.get(self.doc_type, '')} "
                f"{self.source.rsplit('.', 1)[0].replace('-', ' ')} {when} {self.item_title} {self.section}")

    @property
    def pages(self) -> list[int]:
        return list(range(self.first_page, self.last_page + 1))


@dataclass
class LineageEvent(_Row):
    """One step of a matter across meetings: what a report recommended, or what a meeting resolved."""

    kind: str  # recommendation | resolution
    date: str | None
    minute: str | None
    title: str
    text: str
    source: str
    pages: list[int]
    doc_id: str
    current: bool = False  # the last resolution: the decision that stands


@dataclass
class PaperEntry(_Row):
    """A paper as the clerk's list shows it: who met and when, what it is, its version, what of it is exempt or
    scanned."""

    source: str
    authority: str
    body: str
    meeting_date: str | None
    meeting_kind: str
    doc_type: str
    title: str
    pages: int
    version: str  # current | superseded
    replaces: list[str]
    replaced_by: str
    restricted: str  # no | whole paper | pages 2–3
    scanned_pages: list[int]  # read by OCR
    doubtful_pages: list[int]  # read by OCR too poorly to answer from
    doc_id: str


@dataclass
class Meeting(_Row):
    """A meeting of a body: its date and kind, where it was held, and the papers that belong to it — including
    the minutes of it that arrived in a later meeting's pack."""

    authority: str
    body: str
    date: str
    kind: str  # ordinary | special | extraordinary | annual
    venue: str
    papers: list[str]  # "agenda: file.pdf"
    minutes_in: list[str]  # later papers holding this meeting's minutes
