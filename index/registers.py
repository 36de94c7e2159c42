"""Reading the registers: papers, agenda items, decisions, actions, recommendations and declarations, each
row as a typed record joined to its paper, filtered in SQL by role, committee, kind and meeting dates."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection

from index.filters import Filters
from ingest.records import (
    RAISED_IN_MINUTES,
    ActionEntry,
    ActionOrigin,
    ActionStatus,
    Decision,
    DeclarationEntry,
    Document,
    FileState,
    ItemEntry,
    RecommendationEntry,
)


def _document(row: sqlite3.Row) -> Document:
    values = {k: row[k] for k in row.keys() if k in Document.__dataclass_fields__}
    return Document(**{**values, "restricted": bool(values["restricted"]), "venue": values["venue"] or "",
                       "committee": values["committee"] or "", "title": values["title"] or ""})


class RegisterReads:
    """Read side of :class:`index.registry.Registry` (it owns ``self.db``)."""

    db: sqlite3.Connection

    def file_state(self, path: str) -> FileState | None:
        r = self.db.execute("SELECT path, doc_id, size, mtime, inode, ctime FROM files WHERE path = ?",
                            (path,)).fetchone()
        return FileState(*r) if r else None

    def document(self, doc_id: str) -> Document | None:
        row = self.db.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return _document(row) if row else None

    def documents(self, include_restricted: bool = False) -> list[Document]:
        sql = "SELECT * FROM documents" + ("" if include_restricted else " WHERE restricted = 0")
        return [_document(r) for r in self.db.execute(sql + " ORDER BY meeting_date, source")]

    def _doc_filter(self, filters: Filters, alias: str, dates: bool = True,
                    doc_ids: Collection[str] | None = None) -> tuple[str, list]:
        """SQL for a register row ``alias`` joined to its paper ``d``: role, committee, type, meeting dates, and
        (when given) the papers it may come from."""
        sql, args = [filters.role_sql(alias)], []
        if doc_ids is not None:
            sql.append(f"d.doc_id IN ({','.join('?' * len(doc_ids))})")
            args.extend(doc_ids)
        for column, value in (("committee", filters.committee), ("doc_type", filters.doc_type)):
            if value:
                sql.append(f"d.{column} = ?")
                args.append(value)
        if dates and filters.date_from:
            sql.append("d.meeting_date >= ?")
            args.append(filters.date_from)
        if dates and filters.date_to:
            sql.append("d.meeting_date <= ?")
            args.append(filters.date_to)
        return " AND ".join(sql), args

    def items(self, filters: Filters = Filters()) -> list[ItemEntry]:
        where, args = self._doc_filter(filters, "i")
        rows = self.db.execute(
            f"SELECT d.source, d.committee, d.meeting_date, i.number, i.title, i.first_page, i.last_page, "
            f"d.doc_id FROM items i JOIN documents d USING (doc_id) WHERE {where} "
            f"ORDER BY d.meeting_date, d.source, i.first_page", args)
        return [ItemEntry(source, committee, date, number, title, [first, last], doc_id)
                for source, committee, date, number, title, first, last, doc_id in rows]

    def _remembered(self, key: tuple, read: Callable[[], list]) -> list:
        """A register list read whole (lineage reads a committee's every resolution for one answer), kept until
        this or any other connection writes to the database."""
        version = (self.db.execute("PRAGMA data_version").fetchone()[0], self.db.total_changes)
        if version != self._lists_version:
            self._lists, self._lists_version = {}, version
        if key not in self._lists:
            self._lists[key] = read()
        return list(self._lists[key])

    def decisions(self, filters: Filters = Filters(), doc_ids: Collection[str] | None = None) -> list[Decision]:
        if doc_ids is None:
            return self._remembered(("decisions", filters), lambda: self._decisions(filters, None))
        return self._decisions(filters, doc_ids)

    def _decisions(self, filters: Filters, doc_ids: Collection[str] | None) -> list[Decision]:
        where, args = self._doc_filter(filters, "m", dates=False, doc_ids=doc_ids)
        if filters.date_from:
            where += " AND coalesce(m.meeting_date, d.meeting_date) >= ?"
            args.append(filters.date_from)
        if filters.date_to:
            where += " AND coalesce(m.meeting_date, d.meeting_date) <= ?"
            args.append(filters.date_to)
        rows = self.db.execute(
            f"SELECT m.*, d.source, d.committee, d.meeting_date AS pack_date FROM minutes m "
            f"JOIN documents d USING (doc_id) WHERE {where} ORDER BY coalesce(m.meeting_date, d.meeting_date), "
            f"m.first_page", args)
        return [Decision(r["committee"], r["meeting_date"] or r["pack_date"], r["number"], r["title"],
                         r["resolution"], r["vote"], r["item"], r["source"], [r["first_page"], r["last_page"]],
                         r["doc_id"]) for r in rows]

    def actions(self, filters: Filters = Filters(), doc_ids: Collection[str] | None = None) -> list[ActionEntry]:
        """Action-log rows and actions minutes raised, in log order; whether one duplicates another is the
        assistant's rule (``assistant.registers.actions``)."""
        where, args = self._doc_filter(filters, "a", doc_ids=doc_ids)
        rows = self.db.execute(
            f"SELECT a.*, d.source, d.committee FROM actions a JOIN documents d USING (doc_id) WHERE {where} "
            f"ORDER BY a.log_date, a.first_page", args)
        out = []
        for r in rows:
            raised = r["status"] == RAISED_IN_MINUTES
            status = "" if raised else (r["status"] or "")
            out.append(ActionEntry(
                r["committee"], r["meeting_date"], r["minute"], r["report_title"], r["owner"], r["action"],
                r["comments"], status, r["review_date"], r["log_date"], r["source"],
                ActionStatus.OPEN if raised else ActionStatus.normalise(status),
                ActionOrigin.MINUTES if raised else ActionOrigin.LOG, [r["first_page"], r["last_page"]],
                r["doc_id"]))
        return out

    def recommendations(self, filters: Filters = Filters(),
                        doc_ids: Collection[str] | None = None) -> list[RecommendationEntry]:
        if doc_ids is None:
            return self._remembered(("recommendations", filters), lambda: self._recommendations(filters, None))
        return self._recommendations(filters, doc_ids)

    def _recommendations(self, filters: Filters, doc_ids: Collection[str] | None) -> list[RecommendationEntry]:
        where, args = self._doc_filter(filters, "r", doc_ids=doc_ids)
        rows = self.db.execute(
            f"SELECT r.*, d.source, d.committee, d.meeting_date, i.title AS item_title FROM recommendations r "
            f"JOIN documents d USING (doc_id) LEFT JOIN items i ON i.doc_id = r.doc_id AND i.number = r.item "
            f"WHERE {where} ORDER BY d.meeting_date, r.first_page", args)
        return [RecommendationEntry(r["committee"], r["meeting_date"], r["item"], r["item_title"] or "", r["text"],
                                    r["source"], [r["first_page"], r["last_page"]], r["doc_id"]) for r in rows]

    def declarations(self, filters: Filters = Filters()) -> list[DeclarationEntry]:
        where, args = self._doc_filter(filters, "x")
        rows = self.db.execute(
            f"SELECT x.*, d.source, d.committee FROM declarations x JOIN documents d USING (doc_id) WHERE {where} "
            f"ORDER BY x.meeting_date, x.page", args)
        return [DeclarationEntry(r["committee"], r["meeting_date"], r["minute"], r["councillor"], r["item_ref"],
                                 r["nature"], r["text"], r["source"], [r["page"], r["page"]], r["doc_id"])
                for r in rows]
