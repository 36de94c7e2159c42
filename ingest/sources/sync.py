"""One sync: ask each source what it publishes, fetch what is new or changed, ingest it with the source's facts.

Every document's state is committed as soon as it is fetched (``index.sources``), and a file is ingested only
once it is whole on disk, so a sync stopped at any point (even ``kill -9``) resumes where it stopped: what was
fetched is not asked for again (a conditional request answers 304) and what was not ingested is ingested
next time. A document that fails is one line naming its URL, and never stops the others.
"""
from __future__ import annotations

import fcntl
import time
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from committee.settings import Settings
from index.sources import SourceStore
from ingest.sources import feed, legistar, moderngov
from ingest.sources.http import Fetcher, FetchError
from ingest.sources.models import DocumentState, RemoteDocument, Source, SyncReport


def list_remote(source: Source, fetcher: Fetcher, settings: Settings) -> list[RemoteDocument]:
    if source.kind == "moderngov":
        return moderngov.list_documents(source, fetcher)
    if source.kind == "legistar":
        return legistar.list_documents(source, fetcher, settings.legistar_api)
    return feed.list_documents(source, fetcher)


class SyncBusy(Exception):
    """Another sync of the same data folder is running."""


@contextmanager
def sync_lock(settings: Settings):
    """One sync per data folder; the lock dies with its process, so a killed sync never blocks the next. Partial
    downloads (``.part-*``) left by a sync that was killed are removed once the lock is held."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / "sync.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncBusy(f"{settings.data_dir}: another committee sync is running; wait for it to finish.") from None
        for left in settings.sources_dir.glob("*/.part-*"):
            left.unlink(missing_ok=True)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def sync(settings: Settings, library=None, dry_run: bool = False, store: SourceStore | None = None,
         fetcher: Fetcher | None = None) -> list[SyncReport]:
    """Sync every source; ``library`` (an ``ingest.run.Library``) is made only when there is something to ingest."""
    with sync_lock(settings):
        return _sync(settings, library, dry_run, store, fetcher)


def _sync(settings: Settings, library, dry_run: bool, store: SourceStore | None,
          fetcher: Fetcher | None) -> list[SyncReport]:
    store = store or SourceStore(settings.sources_path)
    own = fetcher is None
    fetcher = fetcher or Fetcher(settings)
    try:
        reports = [_fetch_source(source, store, fetcher, settings, dry_run) for source in store.sources()]
    finally:
        if own:
            fetcher.close()
    if not dry_run:
        _ingest_pending(settings, store, reports, library)
        for report in reports:
            if report.listed or not report.failed:  # one that could not be listed keeps its last sync time
                store.synced(report.source.id, f"{len(report.failed)} documents failed" if report.failed else "")
    return reports


def _listing_start(source: Source, store: SourceStore, settings: Settings) -> str | None:
    """The first meeting date worth listing: the source's --from, or, once synced, the recheck window before
    the last sync (reaching back to any document still failed or pending)."""
    start = source.since
    if source.last_sync and settings.source_recheck_days > 0:
        window = (date.fromtimestamp(source.last_sync) - timedelta(days=settings.source_recheck_days)).isoformat()
        open_ = [s.facts.meeting_date for s in store.documents(source.id)
                 if s.status != "ingested" and s.facts.meeting_date]
        window = min([window, *open_])
        start = max(start or window, window)
    return start


def _settled(state: DocumentState | None, settings: Settings) -> bool:
    """Ingested, for a meeting older than the recheck window, and still on disk: not asked for again."""
    if state is None or state.status != "ingested" or settings.source_recheck_days <= 0:
        return False
    cutoff = (date.today() - timedelta(days=settings.source_recheck_days)).isoformat()
    return bool(state.facts.meeting_date and state.facts.meeting_date < cutoff and Path(state.local_path).exists())


def _fetch_source(source: Source, store: SourceStore, fetcher: Fetcher, settings: Settings,
                  dry_run: bool) -> SyncReport:
    report = SyncReport(source, _listing_start(source, store, settings))
    try:
        remote = list_remote(replace(source, since=report.since), fetcher, settings)
    except FetchError as exc:
        report.failed.append(str(exc))
    except (ET.ParseError, ValueError, KeyError, TypeError) as exc:
        report.failed.append(f"{source.location}: its answer could not be read as {source.kind} "
                             f"({type(exc).__name__}: {exc}); check that the address is a {source.kind} source.")
    if report.failed:
        if not dry_run:
            store.listing_failed(source.id, report.failed[0])
        return report
    report.listed = len(remote)
    folder = settings.sources_dir.resolve() / str(source.id)  # absolute: a later sync may run elsewhere
    for doc in remote:
        state = store.document(source.id, doc.key)
        if _settled(state, settings):
            report.unchanged += 1
        elif dry_run:
            report.would_fetch.append(doc.url)
        else:
            state = _restated(state, doc, report) if state else DocumentState(source.id, doc.key, doc.url, doc.facts)
            _fetch_one(state, folder / doc.filename(), fetcher, store, report)
    return report


def _restated(state: DocumentState, doc: RemoteDocument, report: SyncReport) -> DocumentState:
    """The state with the source's facts as they are now. A document the source now marks exempt is ingested
    again (restricted); one it now shows publicly stays restricted until a clerk publishes it."""
    if doc.facts.restricted and not state.facts.restricted:
        return replace(state, url=doc.url, facts=doc.facts, ingested_hash="")
    if state.facts.restricted and not doc.facts.restricted and state.local_path:
        report.notes.append(f"{doc.url}: the source now shows it publicly; it stays restricted until: committee "
                            f"publish {state.local_path}")
        return replace(state, url=doc.url, facts=replace(doc.facts, restricted=True))
    return replace(state, url=doc.url, facts=doc.facts)


def _fetch_one(state: DocumentState, target: Path, fetcher: Fetcher, store: SourceStore,
               report: SyncReport) -> None:
    """Fetch one document (conditionally when its file is held) and commit its state, whatever happens."""
    if state.local_path:
        target = Path(state.local_path)
    held = bool(state.content_hash) and target.exists()
    try:
        got = fetcher.download(state.url, target, state.etag if held else "", state.last_modified if held else "",
                               state.content_hash if held else "")
    except FetchError as exc:
        state.error = str(exc)
        store.save(state)
        report.failed.append(str(exc))
        return
    state.local_path, state.content_hash, state.error = str(target), got.content_hash, ""
    state.etag, state.last_modified, state.fetched_at = got.etag, got.last_modified, time.time()
    store.save(state)
    if got.changed:
        report.fetched += 1
    else:
        report.unchanged += 1


def _ingest_pending(settings: Settings, store: SourceStore, reports: list[SyncReport], library) -> None:
    """Ingest every fetched file not yet ingested (from this sync or one that stopped), public and exempt apart."""
    by_source = {r.source.id: r for r in reports}
    pending = [s for r in reports for s in store.documents(r.source.id)
               if s.content_hash and s.content_hash != s.ingested_hash and Path(s.local_path).exists()]
    if not pending:
        return
    if library is None:
        from ingest.run import Library

        library = Library(settings)
    for restricted in (False, True):
        group = [s for s in pending if s.facts.restricted == restricted]
        if not group:
            continue
        known = {Path(s.local_path): s.facts for s in group}
        result = library.ingest(list(known), restricted=restricted, by="committee sync", known=known)
        failed = {str(Path(p).resolve()): reason for p, reason in result.failed}
        for state in group:
            report = by_source[state.source_id]
            reason = failed.get(str(Path(state.local_path).resolve()))
            if reason:
                state.error = f"{state.url}: fetched but not ingested ({reason})"
                report.failed.append(state.error)
            else:
                state.ingested_hash, state.error = state.content_hash, ""
                report.ingested += 1
            store.save(state)
            name = Path(state.local_path).name
            report.notes.extend(n for n in result.notes if name in n)
