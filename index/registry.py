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
from collections.abc import Callable, Collection
from pathlib import Path

import numpy as np

from index.filters import Filters
from ingest.models import Body, Override, ParsedPaper, RestrictionReview
from ingest.units import unit_spans

MIGRATIONS: list[tuple[int, str]] = [
    (1, """
    CREATE TABLE documents (
        doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, path TEXT NOT NULL, content_hash TEXT NOT NULL,
        doc_type TEXT, title TEXT, committee TEXT, meeting_date TEXT, venue TEXT,
        page_count INTEGER, restricted INTEGER NOT NULL DEFAULT 0, ingested_at REAL);
    CREATE TABLE files (path TEXT PRIMARY KEY, doc_id TEXT NOT NULL, size INTEGER, mtime REAL);
    CREATE TABLE pages (doc_id TEXT NOT NULL, number INTEGER NOT NULL, printed TEXT, text TEXT,
        restricted INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (doc_id, number));
    CREATE TABLE items (doc_id TEXT NOT NULL, number TEXT NOT NULL, title TEXT, first_page INTEGER,
        last_page INTEGER, restricted INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE minutes (doc_id TEXT NOT NULL, number TEXT NOT NULL, title TEXT, first_page INTEGER,
        last_page INTEGER, meeting_date TEXT, resolution TEXT, vote TEXT, item TEXT, text TEXT,
        restricted INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE actions (doc_id TEXT NOT NULL, minute TEXT, report_title TEXT, owner TEXT, action TEXT,
        comments TEXT, status TEXT, review_date TEXT, log_date TEXT, meeting_date TEXT,
        first_page INTEGER, last_page INTEGER, item TEXT, restricted INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE chunks (chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, ordinal INTEGER, text TEXT,
        first_page INTEGER, last_page INTEGER, item TEXT, item_title TEXT, minute TEXT, section TEXT,
        restricted INTEGER NOT NULL DEFAULT 0);
    CREATE INDEX chunks_doc ON chunks(doc_id);
    CREATE VIRTUAL TABLE chunk_fts USING fts5(chunk_id UNINDEXED, text, title, tokenize='porter unicode61');
    """),
    (2, """
    CREATE TABLE recommendations (doc_id TEXT NOT NULL, item TEXT, text TEXT, first_page INTEGER,
        last_page INTEGER, restricted INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE declarations (doc_id TEXT NOT NULL, minute TEXT, councillor TEXT, item_ref TEXT, nature TEXT,
        text TEXT, meeting_date TEXT, page INTEGER, restricted INTEGER NOT NULL DEFAULT 0);
    """),
    (3, """
    CREATE TABLE unit_vectors (chunk_id TEXT PRIMARY KEY, vectors BLOB NOT NULL);
    """),
    (4, """
    CREATE TABLE term_counts (term TEXT PRIMARY KEY, chunks INTEGER NOT NULL) WITHOUT ROWID;
    """),
    (5, """
    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    """),
    (6, """
    CREATE TABLE page_marks (doc_id TEXT NOT NULL, page INTEGER NOT NULL, restricted INTEGER NOT NULL, reason TEXT);
    CREATE TABLE overrides (doc_id TEXT NOT NULL, restricted INTEGER NOT NULL, first_page INTEGER, last_page INTEGER,
        by TEXT, at REAL, note TEXT);
    CREATE INDEX overrides_doc ON overrides(doc_id);
    ALTER TABLE files ADD COLUMN inode INTEGER;
    ALTER TABLE files ADD COLUMN ctime REAL;
    """),
    (7, """
    ALTER TABLE documents ADD COLUMN authority TEXT NOT NULL DEFAULT '';
    ALTER TABLE documents ADD COLUMN meeting_kind TEXT NOT NULL DEFAULT 'ordinary';
    ALTER TABLE documents ADD COLUMN committee_from TEXT NOT NULL DEFAULT 'none';
    ALTER TABLE documents ADD COLUMN committee_printed TEXT NOT NULL DEFAULT '';
    ALTER TABLE documents ADD COLUMN date_from TEXT NOT NULL DEFAULT 'none';
    """),
    (8, """
    ALTER TABLE pages ADD COLUMN ocr INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE pages ADD COLUMN ocr_confidence REAL;
    """),
]

# every register table whose rows carry a page range and a restricted flag: (table, first page, last page)
PAGED = (("pages", "number", "number"), ("items", "first_page", "first_page"), ("minutes", "first_page", "last_page"),
         ("actions", "first_page", "last_page"), ("chunks", "first_page", "last_page"),
         ("recommendations", "first_page", "last_page"), ("declarations", "page", "page"))

OPEN_WORDS = ("ongoing", "on-going", "in progress", "open", "outstanding", "pending", "not started", "overdue", "")
COMPLETE_WORDS = ("complete", "completed", "closed", "done", "superseded")


def normalise_status(status: str) -> str:
    """open | complete | other, from the log's own words (kept alongside)."""
    s = status.strip().lower().rstrip(".")
    if s in COMPLETE_WORDS:
        return "complete"
    if s in OPEN_WORDS or s.startswith("raised in minutes"):
        return "open"
    return "other"


def _fts_query(text: str, joiner: str = " OR ") -> str:
    """An FTS5 query of every word or figure: OR'd by default, a forgiving query whose overlap BM25 ranks;
    joined by AND for a short part of a question, whose words should all be there."""
    terms = re.findall(r"[£$]?\d[\d,.]*%?|[A-Za-z][A-Za-z'’\-]+", text)
    cleaned = []
    for t in terms:
        t = t.strip(".,").replace("’", "'")
        t = re.sub(r"[£$%]", "", t)
        if len(t) < 2 and not t.isdigit():
            continue
        cleaned.append('"' + t.replace('"', "") + '"')
    return joiner.join(dict.fromkeys(cleaned))


class Registry:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(str(path), timeout=60, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA busy_timeout=60000")
        self._migrate()
        self._lists: dict[tuple, list[dict]] = {}  # whole register lists, until the database changes
        self._lists_version: tuple[int, int] | None = None

    def _migrate(self) -> None:
        with self.db:
            self.db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")
            done = {r[0] for r in self.db.execute("SELECT version FROM schema_migrations")}
            for version, sql in MIGRATIONS:
                if version not in done:
                    self.db.executescript("BEGIN;" + sql + f"INSERT INTO schema_migrations VALUES ({version});COMMIT;")

    # ---- writing -------------------------------------------------------------------------------
    def file_state(self, path: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM files WHERE path = ?", (path,)).fetchone()

    def document(self, doc_id: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()

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
        for blob, text in rows:
            units = unit_spans(text)
            vectors = np.frombuffer(blob, dtype=np.float16)
            if not units or vectors.size % len(units):
                continue
            for (unit, _, _), vector in zip(units, vectors.reshape(len(units), -1).astype(np.float32)):
                known.setdefault(unit, vector)
        return known

    def chunk_ids_in_pages(self, doc_id: str, first: int, last: int, filters: Filters) -> list[str]:
        """The chunks of a paper that touch pages ``first``–``last`` and ``filters`` admit, in reading order."""
        return [r[0] for r in self.db.execute(
            "SELECT chunk_id FROM chunks WHERE doc_id = ? AND last_page >= ? AND first_page <= ? "
            f"AND {filters.role_sql('chunks')} ORDER BY ordinal", (doc_id, first, last))]

    def next_chunk_id(self, chunk_id: str, filters: Filters) -> str | None:
        """The chunk after this one in its paper, in the same item and minute, if ``filters`` admit it."""
        row = self.db.execute(
            "SELECT c.chunk_id FROM chunks c JOIN chunks p ON p.doc_id = c.doc_id AND c.ordinal = p.ordinal + 1 "
            "WHERE p.chunk_id = ? AND coalesce(c.item, '') = coalesce(p.item, '') "
            "AND coalesce(c.minute, '') = coalesce(p.minute, '') "
            f"AND {filters.role_sql('c')}", (chunk_id,)).fetchone()
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

    def documents(self, include_restricted: bool = False) -> list[dict]:
        sql = "SELECT * FROM documents" + ("" if include_restricted else " WHERE restricted = 0")
        return [dict(r) for r in self.db.execute(sql + " ORDER BY meeting_date, source")]

    def committees(self) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT committee FROM documents WHERE committee != '' ORDER BY committee")]

    def chunks_by_id(self, ids: list[str]) -> dict[str, dict]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"SELECT c.*, d.source, d.committee, d.meeting_date, d.doc_type, d.title AS doc_title, d.path "
            f"FROM chunks c JOIN documents d USING (doc_id) WHERE c.chunk_id IN ({marks})", ids)
        return {r["chunk_id"]: dict(r) for r in rows}

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
                       every_word: bool = False) -> list[tuple[str, float]]:
        """(chunk_id, bm25 score) best first over every chunk, or over those ``filters`` admit (joining each
        match to its chunk and paper, which costs more than the BM25 scoring itself); ``every_word`` matches only
        chunks holding all the words."""
        query = _fts_query(text, " AND " if every_word else " OR ")
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
            return [(r[0], -r[1]) for r in self.db.execute(sql, args)]
        except sqlite3.OperationalError:
            return []

    def page_text(self, doc_id: str, number: int) -> str:
        row = self.db.execute("SELECT text FROM pages WHERE doc_id=? AND number=?", (doc_id, number)).fetchone()
        return row[0] if row else ""

    def printed_pages(self, doc_id: str, first: int, last: int) -> list[str | None]:
        return [r[0] for r in self.db.execute(
            "SELECT printed FROM pages WHERE doc_id=? AND number BETWEEN ? AND ? ORDER BY number",
            (doc_id, first, last))]

    def scanned(self, doc_id: str, first: int, last: int) -> bool:
        """Whether any of pages ``first``–``last`` of a paper was read from a scan by OCR (a citation says so)."""
        return self.db.execute("SELECT 1 FROM pages WHERE doc_id=? AND number BETWEEN ? AND ? AND ocr = 1 LIMIT 1",
                               (doc_id, first, last)).fetchone() is not None

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

    def items(self, filters: Filters = Filters()) -> list[dict]:
        where, args = self._doc_filter(filters, "i")
        rows = self.db.execute(
            f"SELECT d.source, d.committee, d.meeting_date, i.number AS item, i.title, i.first_page, i.last_page, "
            f"d.doc_id FROM items i JOIN documents d USING (doc_id) WHERE {where} "
            f"ORDER BY d.meeting_date, d.source, i.first_page", args)
        return [{"source": r["source"], "committee": r["committee"], "meeting_date": r["meeting_date"],
                 "item": r["item"], "title": r["title"], "pages": [r["first_page"], r["last_page"]],
                 "doc_id": r["doc_id"]} for r in rows]

    def _remembered(self, key: tuple, read: Callable[[], list[dict]]) -> list[dict]:
        """A register list read whole (lineage reads a committee's every resolution for one answer), kept until
        this or any other connection writes to the database."""
        version = (self.db.execute("PRAGMA data_version").fetchone()[0], self.db.total_changes)
        if version != self._lists_version:
            self._lists, self._lists_version = {}, version
        if key not in self._lists:
            self._lists[key] = read()
        return list(self._lists[key])

    def decisions(self, filters: Filters = Filters(), doc_ids: Collection[str] | None = None) -> list[dict]:
        if doc_ids is None:
            return self._remembered(("decisions", filters), lambda: self._decisions(filters, None))
        return self._decisions(filters, doc_ids)

    def _decisions(self, filters: Filters, doc_ids: Collection[str] | None) -> list[dict]:
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
        return [{"committee": r["committee"], "meeting_date": r["meeting_date"] or r["pack_date"],
                 "minute": r["number"], "title": r["title"], "resolution": r["resolution"], "vote": r["vote"],
                 "item": r["item"], "source": r["source"], "pages": [r["first_page"], r["last_page"]],
                 "doc_id": r["doc_id"]} for r in rows]

    def actions(self, filters: Filters = Filters(), doc_ids: Collection[str] | None = None) -> list[dict]:
        where, args = self._doc_filter(filters, "a", doc_ids=doc_ids)
        rows = self.db.execute(
            f"SELECT a.*, d.source, d.committee FROM actions a JOIN documents d USING (doc_id) WHERE {where} "
            f"ORDER BY a.log_date, a.first_page", args)
        keys = ("committee", "meeting_date", "minute", "report_title", "owner", "action", "comments", "status",
                "review_date", "log_date", "source")
        rows = list(rows)
        logged = {(r["committee"], r["minute"]) for r in rows if not (r["status"] or "").startswith("raised in")}
        rows = [r for r in rows if not ((r["status"] or "").startswith("raised in")
                                        and (r["committee"], r["minute"]) in logged)]
        return [{**{k: r[k] for k in keys}, "status_normalised": normalise_status(r["status"] or ""),
                 "pages": [r["first_page"], r["last_page"]], "doc_id": r["doc_id"]} for r in rows]

    def recommendations(self, filters: Filters = Filters(), doc_ids: Collection[str] | None = None) -> list[dict]:
        if doc_ids is None:
            return self._remembered(("recommendations", filters), lambda: self._recommendations(filters, None))
        return self._recommendations(filters, doc_ids)

    def _recommendations(self, filters: Filters, doc_ids: Collection[str] | None) -> list[dict]:
        where, args = self._doc_filter(filters, "r", doc_ids=doc_ids)
        rows = self.db.execute(
            f"SELECT r.*, d.source, d.committee, d.meeting_date, i.title AS item_title FROM recommendations r "
            f"JOIN documents d USING (doc_id) LEFT JOIN items i ON i.doc_id = r.doc_id AND i.number = r.item "
            f"WHERE {where} ORDER BY d.meeting_date, r.first_page", args)
        return [{"committee": r["committee"], "meeting_date": r["meeting_date"], "item": r["item"],
                 "item_title": r["item_title"] or "", "recommendation": r["text"], "source": r["source"],
                 "pages": [r["first_page"], r["last_page"]], "doc_id": r["doc_id"]} for r in rows]

    def declarations(self, filters: Filters = Filters()) -> list[dict]:
        where, args = self._doc_filter(filters, "x")
        rows = self.db.execute(
            f"SELECT x.*, d.source, d.committee FROM declarations x JOIN documents d USING (doc_id) WHERE {where} "
            f"ORDER BY x.meeting_date, x.page", args)
        return [{"committee": r["committee"], "meeting_date": r["meeting_date"], "minute": r["minute"],
                 "councillor": r["councillor"], "item": r["item_ref"], "nature": r["nature"], "text": r["text"],
                 "source": r["source"], "pages": [r["page"], r["page"]], "doc_id": r["doc_id"]} for r in rows]


DOC_TYPE_WORDS = {"presentation": "slides presentation deck", "agenda pack": "agenda pack papers",
                  "minutes": "minutes", "report": "report paper", "action log": "action log",
                  "agenda": "agenda"}


def paper_words(parsed: ParsedPaper) -> str:
    """Words that name the paper itself (title, file name, kind), searchable with every one of its chunks."""
    p = parsed.paper
    stem = re.sub(r"[-_.]+", " ", Path(p.source).stem)
    return f"{p.title} {stem} {DOC_TYPE_WORDS.get(p.doc_type, '')}"
