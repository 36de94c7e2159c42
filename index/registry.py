"""The SQLite registry: documents, pages, agenda items, minutes, actions, chunks and an FTS5 lexical index.

Everything about one paper is written in one transaction, so a reader sees a
paper whole or not at all. The schema changes only through the numbered
migrations below.

    registry = Registry(Path("data/registry.sqlite"))
    registry.items()  # [{'source': 'pack.pdf', 'item': '4', 'pages': [13, 24], ...}]
"""
from __future__ import annotations

import re
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

from index.filters import Filters
from index.registers import RegisterReads
from index.schema import PAGED, migrate
from ingest.classify import DOC_TYPE_WORDS
from ingest.models import Body, Override, ParsedPaper, RestrictionReview
from ingest.records import Hit, Passage
from ingest.units import unit_spans
from ingest.words import fts_query


class Registry(RegisterReads):
    """The library's SQLite file: papers, pages, register rows, chunks and their full-text index, restriction
    marks and overrides. Writes are one transaction per paper; reads are in :class:`RegisterReads`."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(str(path), timeout=60, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA busy_timeout=60000")
        migrate(self.db)
        self._lists: dict[tuple, list] = {}  # whole register lists (typed records), until the database changes
        self._lists_version: tuple[int, int] | None = None

    # ---- writing -------------------------------------------------------------------------------
    def record_file(self, path: str, doc_id: str, stat) -> None:
        with self.db:
            self._record_file(path, doc_id, stat)

    def _record_file(self, path: str, doc_id: str, stat) -> None:
        self.db.execute("INSERT OR REPLACE INTO files (path, doc_id, size, mtime, inode, ctime) VALUES (?,?,?,?,?,?)",
                        (path, doc_id, stat.st_size, stat.st_mtime, stat.st_ino, stat.st_ctime))

    # ---- restriction -----------------------------------------------------------------------------
    def add_override(self, override: Override) -> None:
        """Record a restriction decision on content (kept when the paper is deleted, re-ingested or copied)."""
        with self.db:
            self.db.execute("INSERT INTO overrides VALUES (?,?,?,?,?,?,?)", (
                override.doc_id, int(override.restricted), override.first_page, override.last_page, override.by,
                override.at, override.note))

    def overrides(self, doc_id: str) -> list[Override]:
        rows = self.db.execute("SELECT * FROM overrides WHERE doc_id = ? ORDER BY at", (doc_id,))
        return [Override(r["doc_id"], bool(r["restricted"]), r["first_page"], r["last_page"], r["by"], r["at"],
                         r["note"]) for r in rows]

    def marks(self, doc_id: str) -> list[tuple[int, bool, str]]:
        """(page, restricted, reason) of what the markings decided for a paper: restricted and borderline pages."""
        return [(r[0], bool(r[1]), r[2]) for r in self.db.execute(
            "SELECT page, restricted, reason FROM page_marks WHERE doc_id = ? ORDER BY page", (doc_id,))]

    def set_restriction(self, doc_id: str, whole: bool, pages: set[int]) -> set[str]:
        """Restrict exactly ``pages`` of a paper held (all of it when ``whole``), every register row with them, in
        one transaction; returns the ids of the chunks now restricted."""
        with self.db:
            self.db.execute("UPDATE documents SET restricted = ? WHERE doc_id = ?", (int(whole), doc_id))
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS secret_pages (n INTEGER PRIMARY KEY)")
            self.db.execute("DELETE FROM secret_pages")
            self.db.executemany("INSERT INTO secret_pages VALUES (?)", [(n,) for n in sorted(pages)])
            for table, first, last in PAGED:
                self.db.execute(
                    f"UPDATE {table} SET restricted = (? OR EXISTS (SELECT 1 FROM secret_pages "
                    f"WHERE n BETWEEN {table}.{first} AND {table}.{last})) WHERE doc_id = ?", (int(whole), doc_id))
            self.db.execute("DELETE FROM secret_pages")
        return {r[0] for r in self.db.execute("SELECT chunk_id FROM chunks WHERE doc_id = ? AND restricted = 1",
                                              (doc_id,))}

    # ---- bodies ---------------------------------------------------------------------------------
    def paper_bodies(self) -> list[tuple[str, str, str]]:
        """(doc_id, authority, body) of every paper."""
        return [(r[0], r[1], r[2]) for r in self.db.execute("SELECT doc_id, authority, committee FROM documents")]

    def set_body(self, doc_id: str, authority: str, body: str) -> None:
        with self.db:
            self.db.execute("UPDATE documents SET authority = ?, committee = ? WHERE doc_id = ?",
                            (authority, body, doc_id))

    def bodies(self) -> list[Body]:
        """Every body the library holds papers of, with the names its papers print and how many there are."""
        rows = self.db.execute(
            "SELECT authority, committee, committee_printed, meeting_kind, committee_from, count(*) FROM documents "
            "GROUP BY authority, committee, committee_printed, meeting_kind, committee_from "
            "ORDER BY authority, committee").fetchall()
        found: dict[tuple[str, str], Body] = {}
        for authority, body, printed, kind, source, n in rows:
            b = found.setdefault((authority, body), Body(authority, body))
            b.papers += n
            if printed and printed != body and printed not in b.aliases:
                b.aliases.append(printed)
            if kind not in b.meeting_kinds:
                b.meeting_kinds.append(kind)
            if source not in b.found_in:
                b.found_in.append(source)
        return list(found.values())

    def restriction_review(self) -> list[RestrictionReview]:
        """Every paper with a restricted or borderline page or an override: what a clerk reviews."""
        rows = self.db.execute(
            "SELECT doc_id, source, path, restricted FROM documents WHERE restricted = 1 "
            "OR doc_id IN (SELECT doc_id FROM page_marks) OR doc_id IN (SELECT doc_id FROM overrides) "
            "OR doc_id IN (SELECT doc_id FROM pages WHERE restricted = 1) ORDER BY source").fetchall()
        out = []
        for r in rows:
            secret = self.restricted_page_numbers(r["doc_id"])
            marks = self.marks(r["doc_id"])
            overrides = self.overrides(r["doc_id"])
            why = {page: reason for page, restricted, reason in marks if restricted}
            for o in overrides:
                pages = secret if o.first_page is None else range(o.first_page, (o.last_page or o.first_page) + 1)
                for page in pages:
                    if o.restricted:
                        why[page] = str(o)
            out.append(RestrictionReview(
                r["doc_id"], r["source"], r["path"], bool(r["restricted"]), secret,
                [(page, why.get(page, "restricted")) for page in secret],
                [(page, reason) for page, restricted, reason in marks if not restricted and page not in secret],
                overrides))
        return out

    def restricted_page_numbers(self, doc_id: str) -> list[int]:
        return [r[0] for r in self.db.execute(
            "SELECT number FROM pages WHERE doc_id = ? AND restricted = 1 ORDER BY number", (doc_id,))]

    def write_paper(self, parsed: ParsedPaper, file_path: str, stat, replaces: str | None = None,
                    unit_vectors: list[bytes] | None = None) -> None:
        """Replace ``replaces`` (the file's previous version) by ``parsed``, in one transaction.

        ``unit_vectors``, one per chunk, are the float16 vectors of its units (ingest.units.unit_spans of
        the chunk text, in order), which answers compare with the question instead of embedding them."""
        p = parsed.paper
        secret_pages = parsed.restricted_pages
        restricted_all = 1 if p.restricted else 0

        def restricted(first: int, last: int) -> int:
            return restricted_all or int(any(n in secret_pages for n in range(first, last + 1)))

        with self.db:
            if replaces and replaces != p.doc_id:
                self._delete(replaces)
            self._delete(p.doc_id)
            self.db.execute(
                "INSERT INTO documents (doc_id, source, path, content_hash, doc_type, title, committee, meeting_date, "
                "venue, page_count, restricted, ingested_at, authority, meeting_kind, committee_from, "
                "committee_printed, date_from) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
                    p.doc_id, p.source, p.path, p.doc_id, p.doc_type, p.title, p.committee, p.meeting_date,
                    p.venue, p.page_count, restricted_all, time.time(), p.authority, p.meeting_kind,
                    p.committee_from, p.committee_printed, p.date_from))
            self.db.executemany("INSERT INTO pages (doc_id, number, printed, text, restricted, ocr, ocr_confidence) "
                                "VALUES (?,?,?,?,?,?,?)", [
                (p.doc_id, pg.number, pg.printed, pg.text, restricted(pg.number, pg.number), int(pg.ocr),
                 pg.ocr_confidence) for pg in parsed.pages])
            self.db.executemany("INSERT INTO items VALUES (?,?,?,?,?,?)", [
                (p.doc_id, it.number, it.title, it.first_page, it.last_page, restricted(it.first_page, it.first_page))
                for it in parsed.items])
            self.db.executemany("INSERT INTO minutes VALUES (?,?,?,?,?,?,?,?,?,?,?)", [
                (p.doc_id, m.number, m.title, m.first_page, m.last_page, m.meeting_date, m.resolution, m.vote,
                 m.item, m.text, restricted(m.first_page, m.last_page)) for m in parsed.minutes])
            self.db.executemany("INSERT INTO actions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
                (p.doc_id, a.minute, a.report_title, a.owner, a.action, a.comments, a.status, a.review_date,
                 a.log_date, a.meeting_date, a.first_page, a.last_page, a.item, restricted(a.first_page, a.last_page))
                for a in parsed.actions])
            self.db.executemany("INSERT OR REPLACE INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?)", [
                (c.chunk_id, p.doc_id, i, c.text, c.first_page, c.last_page, c.item, c.item_title, c.minute,
                 c.section, int(c.restricted)) for i, c in enumerate(parsed.chunks)])
            if unit_vectors:
                self.db.executemany("INSERT OR REPLACE INTO unit_vectors VALUES (?,?)", [
                    (c.chunk_id, blob) for c, blob in zip(parsed.chunks, unit_vectors) if blob])
            about = paper_words(parsed)
            self.db.executemany("INSERT INTO chunk_fts VALUES (?,?,?)", [
                (c.chunk_id, c.text, f"{c.item_title} {c.section} {about}") for c in parsed.chunks])
            self.db.executemany("INSERT INTO recommendations VALUES (?,?,?,?,?,?)", [
                (p.doc_id, r.item, r.text, r.first_page, r.last_page, restricted(r.first_page, r.last_page))
                for r in parsed.recommendations])
            self.db.executemany("INSERT INTO declarations VALUES (?,?,?,?,?,?,?,?,?)", [
                (p.doc_id, d.minute, d.councillor, d.item_ref, d.nature, d.text, d.meeting_date, d.page,
                 restricted(d.page, d.page)) for d in parsed.declarations])
            self.db.executemany("INSERT INTO page_marks VALUES (?,?,?,?)", [
                (p.doc_id, m.page, int(m.restricted), m.reason) for m in parsed.marks])
            self._record_file(file_path, p.doc_id, stat)
            self.db.execute("INSERT INTO counters VALUES ('chunks', 1) ON CONFLICT(name) DO UPDATE SET value = value + 1")

    def chunk_generation(self) -> int:
        """A number that changes whenever the chunks change (every paper written), which an index built from
        them (index.lexical) is saved under, so a stale one is never read."""
        row = self.db.execute("SELECT value FROM counters WHERE name = 'chunks'").fetchone()
        return row[0] if row else 0

    def _delete(self, doc_id: str) -> None:
        for table in ("chunk_fts", "unit_vectors"):
            self.db.execute(f"DELETE FROM {table} WHERE chunk_id IN (SELECT chunk_id FROM chunks WHERE doc_id = ?)",
                            (doc_id,))
        for table in ("chunks", "actions", "minutes", "items", "pages", "recommendations", "declarations",
                      "page_marks", "documents"):
            self.db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))

    def unit_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """Unit text → its vector (float32) for the units of these chunks and the chunks after them; chunks
        ingested without unit vectors, or whose units no longer match them, are left out (their units are
        embedded at query time)."""
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        # the chunk after each too: a passage that runs on is completed from it (Assistant._completed)
        rows = self.db.execute(
            f"SELECT u.vectors, c.text FROM unit_vectors u JOIN chunks c USING (chunk_id) WHERE c.chunk_id IN "
            f"(SELECT chunk_id FROM chunks WHERE chunk_id IN ({marks}) UNION SELECT n.chunk_id FROM chunks p "
            f"JOIN chunks n ON n.doc_id = p.doc_id AND n.ordinal = p.ordinal + 1 WHERE p.chunk_id IN ({marks}))",
            chunk_ids + chunk_ids).fetchall()
        known: dict[str, np.ndarray] = {}
        held = [(unit_spans(text), np.frombuffer(blob, dtype=np.float16)) for blob, text in rows]
        held = [(units, vectors) for units, vectors in held if units and not vectors.size % len(units)]
        # the model's width is what most chunks give: one whose units a later rule cuts differently (and whose
        # vectors happen to divide among them) is left to be embedded at query time
        widths = Counter(vectors.size // len(units) for units, vectors in held)
        width = widths.most_common(1)[0][0] if widths else 0
        for units, vectors in held:
            if vectors.size != width * len(units):
                continue
            for (unit, _, _), vector in zip(units, vectors.reshape(len(units), -1).astype(np.float32)):
                known.setdefault(unit, vector)
        return known

    def chunk_ids_in_pages(self, doc_id: str, first: int, last: int, filters: Filters) -> list[str]:
        """The chunks of a paper that touch pages ``first``–``last`` and ``filters`` admit, in reading order."""
        return [r[0] for r in self.db.execute(
            "SELECT chunk_id FROM chunks WHERE doc_id = ? AND last_page >= ? AND first_page <= ? "
            f"AND {filters.role_sql('chunks')} ORDER BY ordinal", (doc_id, first, last))]

    def chunk_beside(self, chunk_id: str, filters: Filters, step: int = 1) -> str | None:
        """The chunk after (``step`` 1) or before (-1) this one in its paper, in the same item and minute, if
        ``filters`` admit it."""
        row = self.db.execute(
            "SELECT c.chunk_id FROM chunks c JOIN chunks p ON p.doc_id = c.doc_id AND c.ordinal = p.ordinal + ? "
            "WHERE p.chunk_id = ? AND coalesce(c.item, '') = coalesce(p.item, '') "
            "AND coalesce(c.minute, '') = coalesce(p.minute, '') "
            f"AND {filters.role_sql('c')}", (step, chunk_id)).fetchone()
        return row[0] if row else None

    def chunk_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM chunks").fetchone()[0]

    def chunk_texts(self, limit: int) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT text FROM chunks LIMIT ?", (limit,))]

    def term_counter(self) -> Callable[[str], int]:
        """A function giving how many chunks hold an FTS term, its SQL chosen once (see ``term_count_sql``)."""
        sql = self.term_count_sql()

        def chunks(term: str) -> int:
            row = self.db.execute(sql, (term,)).fetchone()
            return row[0] if row else 0
        return chunks

    def chunk_ids_of(self, doc_id: str) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc_id,))}

    def doc_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT doc_id FROM documents")}

    # ---- reading -------------------------------------------------------------------------------
    def counts(self) -> dict:
        return {t: self.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("documents", "pages", "items", "minutes", "actions", "chunks", "recommendations",
                          "declarations")}

    def authorities(self) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT authority FROM documents WHERE authority != '' ORDER BY authority")]

    def committees(self) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT committee FROM documents WHERE committee != '' ORDER BY committee")]

    def chunks_by_id(self, ids: list[str]) -> dict[str, Passage]:
        """The passages of those chunks the registry holds, each with its paper's details (score 0)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"SELECT c.chunk_id, c.doc_id, c.text, d.source, d.path, d.committee, d.meeting_date, d.doc_type, "
            f"c.item, c.item_title, c.minute, c.first_page, c.last_page, c.section, d.title "
            f"FROM chunks c JOIN documents d USING (doc_id) WHERE c.chunk_id IN ({marks})", ids)
        return {r[0]: Passage(r[0], r[1], r[2], r[3], r[4] or "", r[5] or "", r[6], r[7] or "", r[8] or None,
                              r[9] or "", r[10] or None, r[11], r[12], r[13] or "", 0.0, r[14] or "")
                for r in rows}

    def count_terms(self) -> None:
        """How many chunks hold each FTS term, copied from the FTS5 vocabulary after an ingest. The vocabulary
        counts a term by reading its whole posting list (2 ms for a common word at 90,000 chunks) and a question
        asks about dozens of words; the copy takes under a second at that size, once per ingest."""
        with self.db:
            self.db.execute("DELETE FROM term_counts")
            self.db.execute(f"INSERT INTO term_counts SELECT term, doc FROM {self._vocabulary()}")

    def term_counts_held(self) -> bool:
        """Whether term counts have been made (a library ingested before they existed has none yet)."""
        return self.db.execute("SELECT 1 FROM term_counts LIMIT 1").fetchone() is not None

    def term_count_sql(self) -> str:
        """SQL giving the number of chunks that hold a term (``?``): the term counts, or for a library ingested
        before they existed, the FTS5 vocabulary."""
        if self.term_counts_held():
            return "SELECT chunks FROM term_counts WHERE term = ?"
        return f"SELECT doc FROM {self._vocabulary()} WHERE term = ?"

    def _vocabulary(self) -> str:
        self.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunk_vocab USING fts5vocab(main, 'chunk_fts', 'row')")
        return "temp.chunk_vocab"

    def passing(self, ids: list[str], filters: Filters) -> set[str]:
        """Those of ``ids`` that ``filters`` let this user see (and that the registry holds)."""
        if not ids:
            return set()
        where, args = filters.sql_where("c")
        rows = self.db.execute(
            f"SELECT c.chunk_id FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
            f"WHERE c.chunk_id IN ({','.join('?' * len(ids))}) AND {where}", [*ids, *args])
        return {r[0] for r in rows}

    def lexical_search(self, text: str, limit: int = 30, filters: Filters | None = None,
                       every_word: bool = False) -> list[Hit]:
        """(chunk_id, bm25 score) best first over every chunk, or over those ``filters`` admit (joining each
        match to its chunk and paper, which costs more than the BM25 scoring itself); ``every_word`` matches only
        chunks holding all the words."""
        query = fts_query(text, " AND " if every_word else " OR ")
        if not query:
            return []
        if filters is None:
            sql, args = ("SELECT chunk_id, bm25(chunk_fts, 0.0, 1.0, 0.3) AS score FROM chunk_fts "
                         "WHERE chunk_fts MATCH ? ORDER BY score LIMIT ?"), [query, limit]
        else:
            where, filter_args = filters.sql_where("c")
            sql = (f"SELECT f.chunk_id, bm25(chunk_fts, 0.0, 1.0, 0.3) AS score FROM chunk_fts f "
                   f"JOIN chunks c ON c.chunk_id = f.chunk_id JOIN documents d ON d.doc_id = c.doc_id "
                   f"WHERE chunk_fts MATCH ? AND {where} ORDER BY score LIMIT ?")
            args = [query, *filter_args, limit]
        try:
            return [Hit(r[0], -r[1]) for r in self.db.execute(sql, args)]
        except sqlite3.OperationalError:
            return []

    def page_text(self, doc_id: str, number: int) -> str:
        row = self.db.execute("SELECT text FROM pages WHERE doc_id=? AND number=?", (doc_id, number)).fetchone()
        return row[0] if row else ""

    def ocr_pages(self, doc_id: str) -> list[tuple[int, float | None]]:
        """(page, mean OCR confidence) of every page of a paper read from a scan."""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT number, ocr_confidence FROM pages WHERE doc_id = ? AND ocr = 1 ORDER BY number", (doc_id,))]

    def scanned(self, doc_id: str, first: int, last: int) -> bool:
        """Whether any of pages ``first``–``last`` of a paper was read from a scan by OCR (a citation says so)."""
        return self.db.execute("SELECT 1 FROM pages WHERE doc_id=? AND number BETWEEN ? AND ? AND ocr = 1 LIMIT 1",
                               (doc_id, first, last)).fetchone() is not None

    def printed_pages(self, doc_id: str, first: int, last: int) -> list[str | None]:
        return [r[0] for r in self.db.execute(
            "SELECT printed FROM pages WHERE doc_id=? AND number BETWEEN ? AND ? ORDER BY number",
            (doc_id, first, last))]

def paper_words(parsed: ParsedPaper) -> str:
    """Words that name the paper itself (title, file name, kind), searchable with every one of its chunks."""
    p = parsed.paper
    stem = re.sub(r"[-_.]+", " ", Path(p.source).stem)
    return f"{p.title} {stem} {DOC_TYPE_WORDS.get(p.doc_type, '')}"
