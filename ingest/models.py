"""Typed records that cross from ingest to the index, named in the council's own vocabulary."""
from __future__ import annotations

from dataclasses import dataclass, field

DOC_TYPES = ("agenda pack", "agenda", "minutes", "report", "action log", "presentation", "budget",
             "financial statements", "other")


class PaperError(Exception):
    """A file that cannot be ingested; the message is one sentence saying why and what to do."""


@dataclass
class PageText:
    """One page as read: ``number`` is the 1-based PDF page, ``printed`` the number the page prints, if any.
    ``ocr`` when the text was read from a scan by Tesseract, with the mean confidence of its words (0–100)."""

    number: int
    text: str
    printed: str | None = None
    ocr: bool = False
    ocr_confidence: float | None = None


@dataclass
class Paper:
    """One ingested file. ``doc_id`` is the content hash, so a renamed copy is the same paper."""

    doc_id: str
    source: str
    path: str
    doc_type: str
    title: str
    committee: str  # the body that met, one name for all its papers ("Cabinet", "Council"): ingest.bodies
    meeting_date: str | None  # ISO date of the meeting the paper is for
    venue: str
    page_count: int
    restricted: bool = False
    authority: str = ""  # who publishes: "Borsetshire County Council", "Township of Lakeview"
    meeting_kind: str = "ordinary"  # ordinary | special | extraordinary | annual | emergency
    committee_from: str = "none"  # where the body was found: text | file name | none
    committee_printed: str = ""  # the body's name as this paper prints it (an alias)
    date_from: str = "none"  # where the meeting date was found: text | file name | none


@dataclass
class AgendaItem:
    """An item on a front sheet: number as printed ("2a"), title, and the pack pages it spans."""

    number: str
    title: str
    first_page: int
    last_page: int
    first_line: int = field(default=-1, repr=False)  # where it starts in the paper's lines, when printed in them


@dataclass
class Minute:
    """A numbered minute ("98. HAUXTON EXTRA CARE – TENDER FOR CONTRACT") and what was resolved."""

    number: str
    title: str
    first_page: int
    last_page: int
    meeting_date: str | None  # the meeting the minutes record (not the pack's)
    resolution: str = ""
    vote: str = ""  # unanimously | by majority | carried | recorded vote | not stated
    item: str | None = None  # agenda item of the pack that holds these minutes
    text: str = ""
    start_line: int = field(default=-1, repr=False)  # index into the lines it was parsed from


@dataclass
class Action:
    """One row of an action log, as printed, with the pages it sits on."""

    minute: str
    report_title: str
    owner: str
    action: str
    comments: str
    status: str
    review_date: str
    log_date: str | None
    meeting_date: str | None  # meeting at which the action was raised
    first_page: int
    last_page: int
    item: str | None = None


@dataclass
class Chunk:
    """A passage small enough for the embedding model; never crosses an item or minute boundary."""

    chunk_id: str
    text: str
    first_page: int
    last_page: int
    item: str | None = None
    item_title: str = ""
    minute: str | None = None
    section: str = ""
    restricted: bool = False


@dataclass(frozen=True)
class Override:
    """A clerk's decision on what of a paper is restricted: kept by content (``doc_id`` is the content hash),
    so it holds for every re-ingest and every copy until another override lifts it."""

    doc_id: str
    restricted: bool
    first_page: int | None = None  # None: the whole paper
    last_page: int | None = None
    by: str = ""
    at: float = 0.0
    note: str = ""  # "ingest --restricted", "committee restrict", ...

    def __str__(self) -> str:
        what = "whole paper" if self.first_page is None else (
            f"page {self.first_page}" if self.last_page in (None, self.first_page)
            else f"pages {self.first_page}–{self.last_page}")
        return (f"{'restricted' if self.restricted else 'published'} {what} by {self.by or 'someone'} on "
                f"{_iso_time(self.at)[:10]} ({self.note})")


@dataclass
class Body:
    """A body that meets ("Borsetshire County Council · Cabinet"), the names its papers give it and how many there are."""

    authority: str
    name: str
    papers: int = 0
    aliases: list[str] = field(default_factory=list)
    meeting_kinds: list[str] = field(default_factory=list)  # ordinary, special, extraordinary, annual
    found_in: list[str] = field(default_factory=list)  # text | file name | none

    def label(self) -> str:
        return " · ".join(x for x in (self.authority, self.name or "body not named") if x)


@dataclass
class RestrictionReview:
    """One paper on the clerk's review list: what is restricted and why, and what is borderline."""

    doc_id: str
    source: str
    path: str
    whole: bool
    restricted_pages: list[int]
    reasons: list[tuple[int, str]]  # (page, why it is restricted)
    borderline: list[tuple[int, str]]  # (page, the marking word seen where the rule chose public)
    overrides: list[Override]

    def to_json(self) -> dict:
        from dataclasses import asdict

        return {**asdict(self), "reasons": [{"page": p, "reason": r} for p, r in self.reasons],
                "borderline": [{"page": p, "reason": r} for p, r in self.borderline],
                "overrides": [{**asdict(o), "at": _iso_time(o.at)} for o in self.overrides]}


def _iso_time(seconds: float) -> str:
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(seconds))


@dataclass
class ParsedPaper:
    """Everything ingest found in one file, ready to be written in one transaction."""

    paper: Paper
    pages: list[PageText]
    items: list[AgendaItem] = field(default_factory=list)
    minutes: list[Minute] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    recommendations: list = field(default_factory=list)  # ingest.registers.Recommendation
    declarations: list = field(default_factory=list)  # ingest.registers.Declaration
    warnings: list[str] = field(default_factory=list)  # one sentence each, e.g. pages that need OCR
    marks: list = field(default_factory=list)  # ingest.restricted.PageMark: restricted and borderline pages
    restricted_pages: set[int] = field(default_factory=set)  # every restricted page, markings and overrides
