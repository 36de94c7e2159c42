"""The publishing systems a library syncs from, and what each sync learnt of every remote document.

Its own SQLite file (``DATA/sources.sqlite``), apart from the registry: a sync writes here per document, as
each is fetched, so a sync killed at any point resumes from the last document it finished, while the
registry is only written by ingest.
"""
from __future__ import annotations

import sqlite3
import time
from dataclasses import asdict
from pathlib import Path

from ingest.sources.models import DocumentState, Source, SourceFacts

SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
    location TEXT NOT NULL, committee TEXT NOT NULL DEFAULT '', since TEXT, added_at REAL,
    last_sync REAL, last_error TEXT NOT NULL DEFAULT '', UNIQUE (kind, location, committee));
CREATE TABLE IF NOT EXISTS documents (source_id INTEGER NOT NULL, key TEXT NOT NULL, url TEXT NOT NULL,
    authority TEXT, committee TEXT, meeting_date TEXT, item_number TEXT, item_title TEXT, title TEXT,
    restricted INTEGER NOT NULL DEFAULT 0, etag TEXT NOT NULL DEFAULT '', last_modified TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL DEFAULT '', ingested_hash TEXT NOT NULL DEFAULT '',
    local_path TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '', fetched_at REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (source_id, key));
"""
FACT_COLUMNS = ("authority", "committee", "meeting_date", "item_number", "item_title", "title", "restricted")
STATE_COLUMNS = ("etag", "last_modified", "content_hash", "ingested_hash", "local_path", "error", "fetched_at")


class SourceStore:
    """Sources and document states; every write is its own transaction (committed per document)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(str(path), timeout=60)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA busy_timeout=60000")
        with self.db:
            self.db.executescript(SCHEMA)

    # ---- sources ---------------------------------------------------------------------------------
    def add(self, kind: str, location: str, committee: str = "", since: str | None = None) -> Source:
        """Add a source, or update the start date of the one already there (same kind, place and committee)."""
        with self.db:
            self.db.execute("INSERT INTO sources (kind, location, committee, since, added_at) VALUES (?,?,?,?,?) "
                            "ON CONFLICT (kind, location, committee) DO UPDATE SET since = excluded.since",
                            (kind, location, committee, since, time.time()))
        row = self.db.execute("SELECT * FROM sources WHERE kind = ? AND location = ? AND committee = ?",
                              (kind, location, committee)).fetchone()
        return _source(row)

    def sources(self) -> list[Source]:
        return [_source(r) for r in self.db.execute("SELECT * FROM sources ORDER BY id")]

    def synced(self, source_id: int, error: str = "", at: float | None = None) -> None:
        with self.db:
            self.db.execute("UPDATE sources SET last_sync = ?, last_error = ? WHERE id = ?",
                            (at or time.time(), error, source_id))

    def listing_failed(self, source_id: int, error: str) -> None:
        """Record why a source could not be listed, keeping its last (complete) sync time."""
        with self.db:
            self.db.execute("UPDATE sources SET last_error = ? WHERE id = ?", (error, source_id))

    def counts(self, source_id: int) -> dict[str, int]:
        """Documents of a source by status: new, pending, ingested, failed."""
        counts = {"new": 0, "pending": 0, "ingested": 0, "failed": 0}
        for state in self.documents(source_id):
            counts[state.status] += 1
        return counts

    # ---- documents -------------------------------------------------------------------------------
    def document(self, source_id: int, key: str) -> DocumentState | None:
        row = self.db.execute("SELECT * FROM documents WHERE source_id = ? AND key = ?", (source_id, key)).fetchone()
        return _state(row) if row else None

    def documents(self, source_id: int) -> list[DocumentState]:
        return [_state(r) for r in self.db.execute("SELECT * FROM documents WHERE source_id = ? ORDER BY key",
                                                   (source_id,))]

    def save(self, state: DocumentState) -> None:
        """Write one document's state (facts and fetch state) in its own transaction."""
        facts = asdict(state.facts)
        values = [state.source_id, state.key, state.url, *(facts[c] for c in FACT_COLUMNS),
                  *(getattr(state, c) for c in STATE_COLUMNS)]
        columns = ("source_id", "key", "url", *FACT_COLUMNS, *STATE_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns[2:])
        with self.db:
            self.db.execute(f"INSERT INTO documents ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
                            f"ON CONFLICT (source_id, key) DO UPDATE SET {updates}", values)


def _source(row: sqlite3.Row) -> Source:
    return Source(row["id"], row["kind"], row["location"], row["committee"], row["since"], row["last_sync"],
                  row["last_error"])


def _state(row: sqlite3.Row) -> DocumentState:
    text = {c: row[c] or "" for c in FACT_COLUMNS if c not in ("meeting_date", "restricted")}
    facts = SourceFacts(**text, meeting_date=row["meeting_date"] or None, restricted=bool(row["restricted"]))
    return DocumentState(row["source_id"], row["key"], row["url"], facts,
                         **{c: row[c] for c in STATE_COLUMNS})
