"""Preparing a paper for the index without touching it: parse, then embed its chunks and their sentences. The
work an ingest spreads over worker processes (ingest/run.py writes the results, one paper at a time)."""
from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from committee.settings import Settings
from index.vectors import SentenceEmbedding
from ingest.chunker import TokenCounter
from ingest.models import Chunk, Paper, PaperError, ParsedPaper
from ingest.pipeline import parse_paper
from ingest.units import unit_spans


def embedding_text(paper: Paper, chunk: Chunk, count: Callable[[str], int]) -> str:
    """What the model embeds: a short header naming the paper and item, then the passage."""
    header = " · ".join(x for x in (chunk.item_title or paper.title, chunk.section) if x)
    words = header.split()
    while words and count(" ".join(words)) > 40:
        words = words[:-1]
    return f"{' '.join(words)}\n{chunk.text}"


@dataclass
class Prepared:
    """A paper parsed and its chunks embedded: everything a write needs, computed without touching the index."""

    parsed: ParsedPaper
    embeddings: np.ndarray  # float32, one row per chunk
    unit_vectors: list[bytes]  # per chunk: float16 vectors of its units (ingest.units), from the same pass


@dataclass
class Preparer:
    """Parses a file and embeds its chunks: the work an ingest can spread over processes."""

    settings: Settings
    count_tokens: TokenCounter
    embedder: SentenceEmbedding

    def __call__(self, path: Path, content_hash: str) -> Prepared:
        return self.embed(self.parse(path, content_hash))

    def pipelined(self, jobs: list[tuple[Path, str]], ahead: int = 2) -> Iterator[Prepared | BaseException]:
        """Each job's result in order, with the next papers parsed and embedded while the caller writes this one.

        Parsing is Python (it holds the GIL), embedding runs in the model's own threads and writing waits on
        SQLite and Chroma, so one thread for each keeps both cores busy; ``ahead`` papers at most are held."""
        with ThreadPoolExecutor(1, "parse") as parser, ThreadPoolExecutor(1, "embed") as embedder:
            def submit(job):
                parsed = parser.submit(self.parse, *job)
                return embedder.submit(lambda: self.embed(parsed.result()))

            queued = deque(submit(job) for job in jobs[:ahead])
            for k in range(len(jobs)):
                if k + ahead < len(jobs):
                    queued.append(submit(jobs[k + ahead]))
                try:
                    yield queued.popleft().result()
                except Exception as exc:
                    yield exc

    def parse(self, path: Path, content_hash: str) -> ParsedPaper:
        parsed = parse_paper(path, self.count_tokens, self.settings.chunk_tokens, content_hash=content_hash,
                             ocr=self.settings.ocr, ocr_min_confidence=self.settings.ocr_min_confidence)
        if parsed.paper.page_count > self.settings.max_pages:
            raise PaperError(f"{path.name}: {parsed.paper.page_count} pages is more than the limit of "
                             f"{self.settings.max_pages}; split the file or raise COMMITTEE_MAX_PAGES.")
        return parsed

    def embed(self, parsed: ParsedPaper) -> Prepared:
        texts = [embedding_text(parsed.paper, c, self.count_tokens) for c in parsed.chunks]
        if not texts:
            return Prepared(parsed, np.zeros((0, 0), dtype=np.float32), [])
        # each chunk's text ends its embedding text; its units are placed after the header
        spans = [[(a, b) for _, a, b in unit_spans(c.text, offset=len(t) - len(c.text))]
                 for c, t in zip(parsed.chunks, texts)]
        embeddings, per_unit = self.embedder.embed_passages(texts, spans)
        return Prepared(parsed, embeddings, [v.astype(np.float16).tobytes() for v in per_unit])


_preparer: Preparer | None = None  # one per worker process, set by its initializer


def _start_worker(settings: Settings, threads: int) -> None:
    global _preparer
    _preparer = Preparer(settings, TokenCounter(settings.embedding_model),
                         SentenceEmbedding.for_settings(settings, threads=threads, preload=("passages",)))


def _prepare_in_worker(path: Path, content_hash: str) -> Prepared:
    return _preparer(path, content_hash)
