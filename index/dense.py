"""Exact dense search: every chunk's vector in one memory-mapped matrix, scanned by one matrix-vector product.

Chroma's HNSW graph is approximate, and committee papers repeat themselves (standing items, the same report
sections every year), which is where such graphs do worst; a graph rebuilt when a process opens it can also
differ between processes, changing answers. So up to ``EXACT_MAX_CHUNKS`` the unfiltered dense search reads
an exact copy of Chroma's vectors, saved beside the registry under its chunk generation at the end of every
ingest that changed it (as the BM25 index is) and loaded memory-mapped. Larger libraries, filtered searches,
and searches while the copy is older than the registry use Chroma. Measurements: bench/results/dense-notes.md.

    exact = ExactVectors(Path("data/dense"))
    exact.build(vector_store, registry.chunk_generation())          # after an ingest
    exact.search(query_vector, 40, registry.chunk_generation())    # [(chunk_id, cosine), ...] or None
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from index.saved import SavedByGeneration
from ingest.records import Hit

EXACT_MAX_CHUNKS = 100_000  # 154 MB of float32 vectors (~40,000 pages); beyond, Chroma's HNSW graph


class ExactVectors:
    """The saved vector matrix of one data folder; safe to search from several threads."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._saved = SavedByGeneration(folder, lambda saved: np.load(saved / "vectors.npy", mmap_mode="r"))

    def held(self, generation: int) -> bool:
        """Whether a copy of this registry generation is saved."""
        return self._saved.held(generation)

    def build(self, store, generation: int) -> int:
        """Copy every vector of the store (``VectorStore.all_vectors``), as unit float32 rows, save it under
        ``generation`` and drop older copies; returns the number of chunks (0, and no copy, above
        ``EXACT_MAX_CHUNKS``)."""
        if store.count() > EXACT_MAX_CHUNKS:
            self._saved.drop()  # a copy of an older, smaller library must not answer
            return 0
        chunk_ids, vectors = store.all_vectors()
        norms = np.linalg.norm(vectors, axis=1, keepdims=True) if len(vectors) else np.ones((0, 1))
        vectors = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
        self._saved.save(generation, chunk_ids, lambda scratch: np.save(scratch / "vectors.npy", vectors))
        return len(chunk_ids)

    def search(self, query: list[float] | np.ndarray, limit: int, generation: int) -> list[Hit] | None:
        """(chunk_id, cosine similarity) of the ``limit`` nearest chunks, best first (ties in chunk order); None
        when no copy of this registry ``generation`` is saved."""
        loaded = self._saved.current(generation)
        if loaded is None:
            return None
        if not loaded.chunk_ids or limit <= 0:
            return []
        q = np.asarray(query, dtype=np.float32)
        scores = loaded.value @ (q / max(float(np.linalg.norm(q)), 1e-12))
        best = np.argpartition(-scores, limit - 1)[:limit] if len(scores) > limit else np.arange(len(scores))
        best = best[np.lexsort((best, -scores[best]))]
        return [Hit(loaded.chunk_ids[i], score) for i, score in zip(best.tolist(), scores[best].tolist())]
