"""Exact dense search: every chunk's vector in one memory-mapped matrix, scanned by one matrix-vector product.

Chroma's HNSW graph is approximate, and committee papers repeat themselves (standing items, the same report
sections every year), which is where such graphs do worst. At 100x the samples (89,795 chunks, each paper in
100 year-shifted copies) Chroma's top 40 for the dev questions held 66% of the true top 40 (81% at ef_search
400, 91% at 2,000; a fresh graph of 64 neighbours, 90%), and for some questions the best chunk (cosine 0.67)
was missing while the best returned was 0.37. A graph rebuilt from Chroma's log when a process opens it can
also differ between processes: at 1x one dev question's 40th hit, and with it the answer, changed in about
one run in three. So up to ``EXACT_MAX_CHUNKS`` the unfiltered dense search reads an exact copy of Chroma's
vectors, saved beside the registry under its chunk generation at the end of every ingest that changed it (as
the BM25 index is) and loaded memory-mapped: at 100x a 134 MB file, and question p50/p95 45-49/114 ms
against 40-44/90-100 ms on the graph. Larger libraries, filtered searches, and searches while the copy is
older than the registry use Chroma.

    exact = ExactVectors(Path("data/dense"))
    exact.build(vector_store, registry.chunk_generation())          # after an ingest
    exact.search(query_vector, 40, registry.chunk_generation())    # [(chunk_id, cosine), ...] or None
"""
from __future__ import annotations

import json
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

EXACT_MAX_CHUNKS = 100_000  # 154 MB of float32 vectors (~40,000 pages); beyond, Chroma's HNSW graph


@dataclass
class _Loaded:
    generation: int
    chunk_ids: list[str]
    vectors: np.ndarray  # (chunks, dim) float32, unit rows, memory-mapped


class ExactVectors:
    """The saved vector matrix of one data folder; safe to search from several threads."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._loaded: _Loaded | None = None
        self._lock = threading.Lock()

    def held(self, generation: int) -> bool:
        """Whether a copy of this registry generation is saved."""
        return (self.folder / str(generation) / "chunk_ids.json").exists()

    def build(self, store, generation: int) -> int:
        """Copy every vector of the store (``VectorStore.all_vectors``), save it under ``generation`` and drop
        older copies; returns the number of chunks (0, and no copy, above ``EXACT_MAX_CHUNKS``). Written to a scratch folder first and renamed, so a reader
        never sees half."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if store.count() > EXACT_MAX_CHUNKS:
            for old in self.folder.iterdir():  # a copy of an older, smaller library must not answer
                shutil.rmtree(old, ignore_errors=True)
            return 0
        chunk_ids, vectors = store.all_vectors()
        norms = np.linalg.norm(vectors, axis=1, keepdims=True) if len(vectors) else np.ones((0, 1))
        vectors = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
        target, scratch = self.folder / str(generation), self.folder / f"{generation}.partial"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
        np.save(scratch / "vectors.npy", vectors)
        (scratch / "chunk_ids.json").write_text(json.dumps(chunk_ids))
        shutil.rmtree(target, ignore_errors=True)
        scratch.rename(target)
        for old in self.folder.iterdir():
            if old.name != target.name:
                shutil.rmtree(old, ignore_errors=True)
        return len(chunk_ids)

    def _current(self, generation: int) -> _Loaded | None:
        loaded = self._loaded
        if loaded is not None and loaded.generation == generation:
            return loaded
        with self._lock:
            if self._loaded is None or self._loaded.generation != generation:
                self._loaded = None
                if self.held(generation):
                    folder = self.folder / str(generation)
                    try:
                        self._loaded = _Loaded(generation, json.loads((folder / "chunk_ids.json").read_text()),
                                               np.load(folder / "vectors.npy", mmap_mode="r"))
                    except (OSError, ValueError):  # removed by a newer ingest while loading: Chroma answers
                        self._loaded = None
            return self._loaded

    def search(self, query: list[float] | np.ndarray, limit: int, generation: int) -> list[tuple[str, float]] | None:
        """(chunk_id, cosine similarity) of the ``limit`` nearest chunks, best first (ties in chunk order); None
        when no copy of this registry ``generation`` is saved."""
        loaded = self._current(generation)
        if loaded is None:
            return None
        if not loaded.chunk_ids or limit <= 0:
            return []
        q = np.asarray(query, dtype=np.float32)
        scores = loaded.vectors @ (q / max(float(np.linalg.norm(q)), 1e-12))
        best = np.argpartition(-scores, limit - 1)[:limit] if len(scores) > limit else np.arange(len(scores))
        best = best[np.lexsort((best, -scores[best]))]
        return [(loaded.chunk_ids[i], score) for i, score in zip(best.tolist(), scores[best].tolist())]
