"""The registry's tables, as numbered migrations: a library made by any earlier version is brought up to date
in place, each step in one transaction."""
from __future__ import annotations

import sqlite3

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


def migrate(db: sqlite3.Connection) -> None:
    with db:
        db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")
        done = {r[0] for r in db.execute("SELECT version FROM schema_migrations")}
        for version, sql in MIGRATIONS:
            if version not in done:
                db.executescript("BEGIN;" + sql + f"INSERT INTO schema_migrations VALUES ({version});COMMIT;")
