"""What an answer is made of: numbered citations a person can check, and the answer text that cites them."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Passage:
    """A retrieved chunk with everything a citation needs."""

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

    @classmethod
    def from_row(cls, row: dict, score: float = 0.0) -> "Passage":
        return cls(chunk_id=row["chunk_id"], doc_id=row["doc_id"], text=row["text"], source=row["source"],
                   path=row.get("path", ""), committee=row.get("committee") or "",
                   meeting_date=row.get("meeting_date"), doc_type=row.get("doc_type") or "",
                   item=row.get("item") or None, item_title=row.get("item_title") or "",
                   minute=row.get("minute") or None, first_page=row["first_page"], last_page=row["last_page"],
                   section=row.get("section") or "", score=score, doc_title=row.get("doc_title") or "")

    @property
    def about(self) -> str:
        """Words naming where the passage sits: paper title and kind, file name, meeting date, item, section."""
        from datetime import date

        from index.registry import DOC_TYPE_WORDS

        when = ""
        if self.meeting_date:
            d = date.fromisoformat(self.meeting_date)
            when = f"{d.day} {d.strftime('%B %Y')}"
        return (f"{self.doc_title} {DOC_TYPE_WORDS.get(self.doc_type, '')} "
                f"{self.source.rsplit('.', 1)[0].replace('-', ' ')} {when} {self.item_title} {self.section}")

    @property
    def pages(self) -> list[int]:
        return list(range(self.first_page, self.last_page + 1))


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
        from datetime import date

        parts = []
        if self.committee:
            parts.append(self.committee)
        if self.meeting_date:
            d = date.fromisoformat(self.meeting_date)
            kind = {"agenda pack": "pack", "minutes": "minutes", "agenda": "agenda"}.get(self.doc_type, "")
            parts.append(f"{d.day} {d.strftime('%b %Y')}{' ' + kind if kind else ''}")
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

    def to_json(self) -> dict:
        return {"question": self.question, "answer": self.answer, "abstained": self.abstained,
                "citations": [c.to_json() for c in self.citations]}
