"""Filters a question runs under; every ranking is of admitted passages only (see HybridRetriever.admitted)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Filters:
    """What a search may see. ``include_restricted`` is True only for users entitled to exempt papers."""

    committee: str | None = None
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive
    doc_type: str | None = None
    item: str | None = None
    minute: str | None = None
    include_restricted: bool = False

    @property
    def admits_all(self) -> bool:
        """True when nothing is filtered out (a user entitled to exempt papers, no other filter)."""
        return self.chroma_where() is None

    def describe(self) -> str:
        parts = []
        if self.committee:
            parts.append(f"committee {self.committee}")
        if self.date_from or self.date_to:
            parts.append(f"meetings {self.date_from or '…'} to {self.date_to or '…'}")
        if self.doc_type:
            parts.append(f"{self.doc_type} papers")
        if self.item:
            parts.append(f"item {self.item}")
        if self.minute:
            parts.append(f"minute {self.minute}")
        return ", ".join(parts) if parts else "all papers"

    def chroma_where(self) -> dict | None:
        """The same filter as a Chroma ``where`` clause."""
        clauses: list[dict] = []
        if not self.include_restricted:
            clauses.append({"restricted": {"$eq": False}})
        if self.committee:
            clauses.append({"committee": {"$eq": self.committee}})
        if self.date_from:
            clauses.append({"meeting_day": {"$gte": _day(self.date_from)}})
        if self.date_to:
            clauses.append({"meeting_day": {"$lte": _day(self.date_to)}})
        if self.doc_type:
            clauses.append({"doc_type": {"$eq": self.doc_type}})
        if self.item:
            clauses.append({"item": {"$eq": self.item}})
        if self.minute:
            clauses.append({"minute": {"$eq": self.minute}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def role_sql(self, alias: str) -> str:
        """The SQL condition a row ``alias`` (chunk or register row) must meet for this user: published rows only,
        unless the user is entitled to exempt papers."""
        return "1=1" if self.include_restricted else f"{alias}.restricted = 0"

    def sql_where(self, alias: str = "c") -> tuple[str, list]:
        """The same filter as SQL over a chunk row ``alias`` joined to documents ``d``."""
        sql, args = [self.role_sql(alias)], []
        if self.committee:
            sql.append("d.committee = ?")
            args.append(self.committee)
        if self.date_from:
            sql.append("d.meeting_date >= ?")
            args.append(self.date_from)
        if self.date_to:
            sql.append("d.meeting_date <= ?")
            args.append(self.date_to)
        if self.doc_type:
            sql.append("d.doc_type = ?")
            args.append(self.doc_type)
        if self.item:
            sql.append(f"{alias}.item = ?")
            args.append(self.item)
        if self.minute:
            sql.append(f"{alias}.minute = ?")
            args.append(self.minute)
        return " AND ".join(sql), args


def _day(iso: str) -> int:
    return int(iso.replace("-", "")[:8].ljust(8, "0"))
