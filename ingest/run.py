"""Ingest files into the registry and the vector store: incremental, atomic per file, one bad file never stops the rest.

Order of work for each file, so a crash at any point leaves the previous index usable:
parse and embed (no writes) → add the new chunks to Chroma → one SQLite transaction
swaps the paper's rows → old chunks are removed from Chroma. Chunks in Chroma that
the registry does not know are never shown (results are joined to the registry)
and are swept at the start of the next ingest.

One ingest writes at a time per data folder (a lock; a second waits). Parsing and
embedding, the costly part, can run in several worker processes (``workers``); the
writes stay in this process, one paper at a time, so the store never sees two writers.
"""
from __future__ import annotations

import fcntl
import logging
import multiprocessing
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from committee.settings import Settings
from index.dense import ExactVectors
from index.lexical import LexicalIndex
from index.registry import Registry
from index.vectors import VectorStore
from ingest.bodies import settle
from ingest.chunker import TokenCounter
from ingest.models import Chunk, Override, Paper, PaperError, ParsedPaper
from ingest.pipeline import _ranges, file_hash
from ingest.prepare import Prepared, Preparer, _prepare_in_worker, _start_worker
from ingest.readers import SUPPORTED
from ingest.restricted import apply as apply_restriction
from ingest.restricted import effective

if TYPE_CHECKING:
    from ingest.sources.models import SourceFacts

log = logging.getLogger("committee.ingest")


@dataclass
class IngestReport:
    files: int = 0
    ingested: int = 0
    unchanged: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, same as)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, one-line reason)
    warnings: list[str] = field(default_factory=list)  # ingested, but something needs attention
    notes: list[str] = field(default_factory=list)  # one line each, e.g. a paper kept restricted
    skipped: list[str] = field(default_factory=list)  # files in a folder that are not papers (README, MANIFEST)
    pages: int = 0
    items: int = 0
    minutes: int = 0
    actions: int = 0
    chunks: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


# Files beside the papers in a folder that describe the folder, not a meeting: never ingested from a folder
NOT_PAPERS = re.compile(r"^(?:readme|manifest|license|licence|changelog|contributing)(?:[-_.].*)?$",
                        re.I)


def find_files(paths: Iterable[Path], skipped: list[Path] | None = None) -> list[Path]:
    """Supported files under each path (folders recursively), in a stable order. From a folder, hidden files and
    README/MANIFEST-like files are left out (and added to ``skipped``); a file named on its own is always taken."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for p in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED):
                if p.name.startswith(".") or NOT_PAPERS.match(p.stem):
                    if skipped is not None:
                        skipped.append(p)
                else:
                    found.append(p)
        else:
            found.append(path)
    return found


@contextmanager
def ingest_lock(data_dir: Path):
    """One ingest at a time per data folder; a second waits rather than interleaving writes."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "ingest.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _metadata(paper: Paper, chunk: Chunk) -> dict:
    day = int((paper.meeting_date or "0").replace("-", "")) if paper.meeting_date else 0
    return {"paper_id": paper.doc_id, "source": paper.source, "committee": paper.committee or "",
            "meeting_day": day, "doc_type": paper.doc_type, "item": chunk.item or "",
            "minute": chunk.minute or "", "restricted": bool(chunk.restricted or paper.restricted),
            "first_page": chunk.first_page, "last_page": chunk.last_page}


class Library:
    """The index as a whole: what ingest writes and what the assistant reads."""

    def __init__(self, settings: Settings, registry: Registry | None = None, vectors: VectorStore | None = None,
                 on_step: Callable[[str, str], None] | None = None):
        """``on_step(step, source)`` is called as each paper's write passes a point of its order ("vectors added",
        "registry written", "old vectors removed"): where a test pauses an ingest, or kills it, at a known step."""
        self.settings = settings
        self.on_step = on_step or (lambda step, source: None)
        self.registry = registry or Registry(settings.registry_path)
        self.vectors = vectors or VectorStore(settings)
        self.lexical = LexicalIndex(settings.lexical_path)
        self.exact = ExactVectors(settings.dense_path)
        self.count_tokens = TokenCounter(settings.embedding_model)
        self._writer: Registry | None = None

    @property
    def writer(self) -> Registry:
        """The registry connection ingest writes through: its own, so a query running in another thread on
        ``registry`` never shares a connection (or a transaction) with a write."""
        if self._writer is None:
            self._writer = Registry(self.registry.path)
        return self._writer

    def sweep_orphans(self) -> int:
        """Remove chunks from Chroma whose paper the registry does not hold (left by a crash)."""
        known = self.writer.doc_ids()
        orphans = [cid for doc, ids in self.vectors.all_ids_by_doc().items() if doc not in known for cid in ids]
        self.vectors.delete(orphans)
        return len(orphans)

    def ingest(self, paths: Iterable[Path], restricted: bool = False,
               progress: Callable[[str], None] | None = None, workers: int | None = None,
               check: bool = False, by: str = "", known: dict[Path, SourceFacts] | None = None) -> IngestReport:
        """Ingest files and folders; ``workers`` (default ``Settings.ingest_workers``) processes parse and embed.

        ``restricted`` marks the files' content exempt for good (until ``publish``); ``check`` reads every file's
        content even when its size, time, inode and ctime are unchanged. ``known`` gives, for files fetched from a
        publishing system, what it states (body, meeting date, title): it wins over the parser's reading, and
        each disagreement is a note."""
        workers = workers or self.settings.ingest_workers
        known = {str(Path(p).resolve()): facts for p, facts in (known or {}).items()}
        start = time.perf_counter()
        report = IngestReport()
        skipped: list[Path] = []
        files = find_files(paths, skipped)
        report.files = len(files)
        report.skipped = [str(p) for p in skipped]
        with ingest_lock(self.settings.data_dir):
            self.sweep_orphans()
            todo: list[tuple[Path, str, os.stat_result, str]] = []  # (path, resolved key, stat, content hash)
            for path in files:
                try:
                    work = self._needs_work(path, restricted, report, check, by)
                except PaperError as exc:
                    report.failed.append((str(path), str(exc)))
                    work = None
                if work is not None:
                    todo.append((path, *work))
                elif progress:
                    progress(path.name)
            for (path, key, stat, content_hash), result in zip(todo, self._prepared(todo, workers)):
                if progress:
                    progress(path.name)
                try:
                    if isinstance(result, BaseException):
                        raise result
                    if not self._held(path, report, key, stat, content_hash):
                        if key in known:
                            report.notes.extend(known[key].apply(result.parsed.paper))
                        self._write(key, stat, result, report)  # unless a copy earlier in this run was written
                except PaperError as exc:
                    report.failed.append((str(path), str(exc)))
                except Exception as exc:  # a bug must not stop the other files either
                    report.failed.append((str(path), f"{path.name}: could not be ingested ({type(exc).__name__}: "
                                                     f"{exc}); please report this file."))
            if report.ingested:
                self._settle_bodies()
            if report.ingested or not self.writer.term_counts_held():
                self.writer.count_terms()
            generation = self.writer.chunk_generation()
            if not self.lexical.held(generation):
                self.lexical.build(self.writer)
            if not self.exact.held(generation):
                self.exact.build(self.vectors, generation)
        report.seconds = time.perf_counter() - start
        return report

    def _needs_work(self, path: Path, restricted: bool, report: IngestReport, check: bool = False, by: str = ""
                    ) -> tuple[str, os.stat_result, str] | None:
        """(resolved key, stat, content hash) of a file to parse, or None when it is unchanged or a copy of a
        paper held."""
        if not path.exists():
            raise PaperError(f"{path}: no such file; check the path.")
        stat = path.stat()
        if stat.st_size > self.settings.max_upload_mb * 1024 * 1024:
            raise PaperError(f"{path.name}: larger than {self.settings.max_upload_mb} MB; split it or raise "
                             "COMMITTEE_MAX_UPLOAD_MB.")
        key = str(path.resolve())
        state = self.writer.file_state(key)
        if not check and not restricted and _same_file(state, stat) and self.writer.document(state.doc_id):
            report.unchanged += 1
            self._note_kept(path, state.doc_id, report)
            return None
        content_hash = file_hash(path)
        doc_id = content_hash[:32]
        if restricted and not self._whole_restricted(doc_id):
            self.writer.add_override(Override(doc_id, True, by=by or _who(), at=time.time(),
                                              note="ingest --restricted"))
            if self.writer.document(doc_id) is not None:
                self.apply_overrides(doc_id)  # held already: restricted where it stands, no need to parse again
        if self._held(path, report, key, stat, content_hash):
            return None
        return key, stat, content_hash

    def _whole_restricted(self, doc_id: str) -> bool:
        return effective(set(), 0, self.writer.overrides(doc_id))[0]

    def _note_kept(self, path: Path, doc_id: str, report: IngestReport, copy_of: str = "") -> None:
        """Say in one line that a paper stays restricted though this ingest did not ask for it."""
        marked = [o for o in self.writer.overrides(doc_id) if o.first_page is None]
        if not marked or not marked[-1].restricted:
            return
        o = marked[-1]
        when = time.strftime("%Y-%m-%d", time.localtime(o.at))
        what = f" is a copy of {copy_of}, which" if copy_of else ""
        report.notes.append(f"{path.name}{what} stays restricted (marked by {o.by or 'someone'} on {when} with "
                            f"{o.note}); lift it with: committee publish {path}")

    def _prepared(self, todo: list, workers: int) -> Iterator[Prepared | BaseException]:
        """Each file parsed and embedded, in order; here, or in ``workers`` processes when there are several."""
        jobs = [(path, content_hash) for path, _, _, content_hash in todo]  # restriction is applied in _write
        if workers <= 1 or len(jobs) <= 1:
            yield from Preparer(self.settings, self.count_tokens, self.vectors.embedder).pipelined(jobs)
            return
        workers = min(workers, len(jobs))
        threads = max(1, (os.cpu_count() or 1) // workers)
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker,
                                 initargs=(self.settings, threads)) as pool:
            futures = [pool.submit(_prepare_in_worker, *job) for job in jobs]
            here: Preparer | None = None
            for job, future in zip(jobs, futures):
                try:
                    yield future.result()
                except BrokenProcessPool as exc:  # a worker died (killed, out of memory): the rest are done here
                    if here is None:
                        log.warning("an ingest worker stopped (%s); preparing the remaining papers in this process",
                                    exc)
                        here = Preparer(self.settings, self.count_tokens, self.vectors.embedder)
                    try:
                        yield here(*job)
                    except Exception as again:
                        yield again
                except Exception as exc:
                    yield exc

    def _held(self, path: Path, report: IngestReport, key: str, stat: os.stat_result, content_hash: str) -> bool:
        """True when a paper with this content is held already: the same file moved or touched, or a copy (which
        is skipped, so a copy of a restricted paper never becomes a public one)."""
        doc_id = content_hash[:32]
        existing = self.writer.document(doc_id)
        if existing is None:
            return False
        if existing.path != key and Path(existing.path).exists():
            report.duplicates.append((str(path), existing.source))
            self._note_kept(path, doc_id, report, copy_of=existing.source)
        else:
            report.unchanged += 1
            self._note_kept(path, doc_id, report)
        self.writer.record_file(key, doc_id, stat)
        return True

    def _write(self, key: str, stat: os.stat_result, prepared: Prepared, report: IngestReport) -> None:
        """Chroma first, then the registry in one transaction, then the old chunks go: never half a paper."""
        parsed, embeddings = prepared.parsed, prepared.embeddings
        apply_restriction(parsed, self.writer.overrides(parsed.paper.doc_id))
        state = self.writer.file_state(key)
        previous = state.doc_id if state else None
        old_ids = self.writer.chunk_ids_of(previous) if previous and previous != parsed.paper.doc_id else set()
        source = parsed.paper.source
        self.vectors.add([c.chunk_id for c in parsed.chunks], embeddings, [_metadata(parsed.paper, c) for c in parsed.chunks])
        self.on_step("vectors added", source)
        self.writer.write_paper(parsed, key, stat, replaces=previous, unit_vectors=prepared.unit_vectors)
        self.on_step("registry written", source)
        self.vectors.delete(sorted(old_ids - {c.chunk_id for c in parsed.chunks}))
        self.on_step("old vectors removed", source)
        self._note_kept(Path(key), parsed.paper.doc_id, report)
        report.ingested += 1
        report.notes.extend(_ocr_note(parsed))
        report.warnings.extend(parsed.warnings)
        report.pages += len(parsed.pages)
        report.items += len(parsed.items)
        report.minutes += len(parsed.minutes)
        report.actions += len(parsed.actions)
        report.chunks += len(parsed.chunks)

    def _settle_bodies(self) -> None:
        """Papers that name no authority join the library's authority holding their body (ingest.bodies.settle),
        in the registry and in Chroma's filter metadata."""
        for doc_id, (authority, body) in settle(self.writer.paper_bodies()).items():
            self.writer.set_body(doc_id, authority, body)
            self.vectors.set_metadata(sorted(self.writer.chunk_ids_of(doc_id)), {"committee": body})

    # ---- a clerk's overrides ---------------------------------------------------------------------
    def doc_id_for(self, path: Path) -> str:
        """The paper a file holds: as last ingested from that path, else by its content."""
        state = self.writer.file_state(str(path.resolve()))
        if state is not None and self.writer.document(state.doc_id) is not None:
            return state.doc_id
        if not path.exists():
            raise PaperError(f"{path}: no such file or paper in the library; check the path.")
        doc_id = file_hash(path)[:32]
        if self.writer.document(doc_id) is None:
            raise PaperError(f"{path.name}: not in the library; ingest it first.")
        return doc_id

    def override(self, path: Path, restricted: bool, pages: tuple[int, int] | None = None, by: str = "",
                 note: str = "") -> tuple[str, list[int]]:
        """Restrict or publish a paper held (or some of its pages): recorded, and applied at once.
        Returns (doc_id, the paper's restricted pages now)."""
        with ingest_lock(self.settings.data_dir):
            doc_id = self.doc_id_for(path)
            first, last = pages if pages else (None, None)
            doc = self.writer.document(doc_id)
            if pages and not (1 <= first <= last <= doc.page_count):
                raise PaperError(f"{path.name}: has pages 1–{doc.page_count}; give --pages within them, "
                                 "like 2-4.")
            self.writer.add_override(Override(doc_id, restricted, first, last, by or _who(), time.time(),
                                              note or ("committee restrict" if restricted else "committee publish")))
            self.apply_overrides(doc_id)
            return doc_id, self.writer.restricted_page_numbers(doc_id)

    def apply_overrides(self, doc_id: str) -> None:
        """Re-derive a held paper's restriction from its markings and overrides, in the registry and in Chroma.
        Tightening goes to Chroma first and loosening to the registry first, so a crash between the two never
        shows more than either says."""
        doc = self.writer.document(doc_id)
        detected = {page for page, restricted, _ in self.writer.marks(doc_id) if restricted}
        whole, pages = effective(detected, doc.page_count, self.writer.overrides(doc_id))
        before = set(self.writer.restricted_page_numbers(doc_id))
        tighter = whole or not pages <= before
        chunks = self.writer.chunk_ids_of(doc_id)
        if tighter:
            self.vectors.set_restricted(sorted(chunks), True)
        now = self.writer.set_restriction(doc_id, whole, pages)
        self.vectors.set_restricted(sorted(now), True)
        self.vectors.set_restricted(sorted(chunks - now), False)


def _same_file(state, stat: os.stat_result) -> bool:
    """The file is as it was ingested: same size, time, inode and change time (``cp -p`` and ``rsync -t`` keep
    size and time, but not the inode or ctime)."""
    if state is None:
        return False
    return (state.size == stat.st_size and state.mtime == stat.st_mtime
            and state.inode == stat.st_ino and state.ctime == stat.st_ctime)


def _ocr_note(parsed: ParsedPaper) -> list[str]:
    """One line naming the pages of a paper read by OCR, so a clerk knows which answers come from a scan."""
    scanned = [p for p in parsed.pages if p.ocr]
    if not scanned:
        return []
    confidences = [p.ocr_confidence for p in scanned if p.ocr_confidence is not None]
    mean = f", mean confidence {sum(confidences) / len(confidences):.0f}%" if confidences else ""
    s = "s" if len(scanned) > 1 else ""
    return [f"{parsed.paper.source}: {len(scanned)} scanned page{s} read by OCR "
            f"(page{s} {_ranges([p.number for p in scanned])}{mean})."]


def _who() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        return "unknown"
