"""What an answer is made of: numbered citations a person can check, and the answer text that cites them."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ingest.dates import spoken
from ingest.records import Passage  # noqa: F401  (answers are made of passages)


@dataclass
class Citation:
    """One numbered source under an answer: where it is, and the passage itself."""

    number: int
    source: str
    pages: list[int]
    committee: str
    meeting_date: str | None
    item: str | None
    item_title: str
    minute: str | None
    doc_type: str
    text: str
    score: float
    printed_pages: list[str] | None = None
    path: str = ""
    doc_id: str = ""
    ocr: bool = False  # some cited page was read from a scan by OCR: its text may hold misread words

    def label(self) -> str:
        """"Adults Committee · 6 Sep 2018 pack · item 2 · minute 98 · pp. 6–7", and "(scanned page, OCR)" after the
        pages when the text was read from a scan, so a reader knows to check the words against the page."""

        parts = []
        if self.committee:
            parts.append(self.committee)
        if self.meeting_date:
            kind = {"agenda pack": "pack", "minutes": "minutes", "agenda": "agenda"}.get(self.doc_type, "")
            parts.append(f"{spoken(self.meeting_date, 'short')}{' ' + kind if kind else ''}")
        if self.item:
            parts.append(f"item {self.item}")
        if self.minute:
            parts.append(f"minute {self.minute}")
        pages = f"p. {self.pages[0]}" if len(self.pages) == 1 else f"pp. {self.pages[0]}–{self.pages[-1]}"
        if self.printed_pages and any(p and p != str(n) for p, n in zip(self.printed_pages, self.pages)):
            printed = [p for p in self.printed_pages if p]
            if printed:
                pages += f" (printed {printed[0]}{'–' + printed[-1] if len(printed) > 1 else ''})"
        if self.ocr:
            pages += " (scanned page, OCR)"
        parts.append(pages)
        return " · ".join(parts)

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("number")
        data.pop("path")
        data.pop("doc_id")
        if not data["ocr"]:
            data.pop("ocr")
        if not data["printed_pages"] or all(p == str(n) for p, n in zip(data["printed_pages"], self.pages)):
            data.pop("printed_pages")
        return data


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    searched: str = ""  # what was searched, in words
    nearest: list[Citation] = field(default_factory=list)  # shown when abstaining
    flagged: list[str] = field(default_factory=list)  # LLM sentences dropped by the checks
    evidence: object = None  # assistant.abstention.Evidence: what the decision to answer or abstain weighed

    def to_json(self) -> dict:
        return {"question": self.question, "answer": self.answer, "abstained": self.abstained,
                "citations": [c.to_json() for c in self.citations]}
