"""The dense side: a sentence-transformers embedder (a llama-index embedding) and the Chroma collection.

Chroma is embedded (``PersistentClient`` under the data folder) unless a host is
set, in which case the same collection lives on a ``chroma run`` server.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach a model hub at run time
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from llama_index.core.base.embeddings.base import BaseEmbedding  # noqa: E402
from pydantic import PrivateAttr  # noqa: E402

from committee.settings import Settings  # noqa: E402
from ingest.records import Hit

SENTENCE_TOKENS = 96  # word pieces read of a question or answer sentence at query time


class SentenceEmbedding(BaseEmbedding):
    """llama-index embedding over a local sentence-transformers model (normalised vectors), run by torch or
    onnxruntime (index/encoders.py)."""

    _encoders: dict = PrivateAttr(default_factory=dict)
    _cache: dict = PrivateAttr(default_factory=dict)
    _setup: tuple = PrivateAttr()
    _backends: dict = PrivateAttr(default_factory=dict)

    def __init__(self, model_path: str, backend: str = "torch", cache_dir: Path | None = None,
                 threads: int | None = None, preload: tuple[str, ...] = ("passages", "queries"), **kwargs: Any):
        super().__init__(model_name=model_path, embed_batch_size=32, **kwargs)
        from index.encoders import query_backend, resolved_backend

        self._setup = (model_path, cache_dir or Path(tempfile.gettempdir()) / "committee-models", threads)
        self._backends = {"passages": resolved_backend(backend), "queries": query_backend(backend)}
        for use in preload:  # load now: a model that cannot load is reported before any work starts
            self.encoder(use)

    def encoder(self, use: str):
        """The encoder for ``passages`` (ingest: large batches) or ``queries`` (one to a few short texts);
        loaded at start for the uses in ``preload``, else on first use; one object where both take one backend."""
        backend = self._backends[use]
        if backend not in self._encoders:
            from index.encoders import load_encoder

            model_path, cache_dir, threads = self._setup
            self._encoders[backend] = load_encoder(model_path, backend, cache_dir, threads)
        return self._encoders[backend]

    @classmethod
    def for_settings(cls, settings: Settings, threads: int | None = None,
                     preload: tuple[str, ...] = ("passages", "queries")) -> "SentenceEmbedding":
        """The embedder settings ask for; ``threads`` caps its CPU threads (ingest workers share the cores)."""
        return cls(settings.embedding_model, settings.embedding_backend, settings.data_dir / "models", threads,
                   preload)

    @property
    def backend(self) -> str:
        return type(self.encoder("passages")).__name__

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Embeddings of whole texts (chunks are cut to fit the model, so nothing is truncated)."""
        return self.encoder("passages").encode(texts).tolist()

    def embed_passages(self, texts: list[str], spans: list[list[tuple[int, int]]]
                       ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Embeddings of whole texts (one float32 row each) and, from the same model pass, one vector per span of
        each text (its sentences, pooled in context); an encoder that cannot pool spans gives empty arrays."""
        return self.encoder("passages").encode_with_spans(texts, spans)

    def embed_sentences(self, texts: list[str]) -> list[list[float]]:
        """Embeddings of short texts at query time: remembered, and read up to SENTENCE_TOKENS word pieces (a
        sentence's meaning is in its opening words; 96 and 128 give the same dev-set scores), which keeps
        answering fast."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            vectors = self.encoder("queries").encode(missing, max_tokens=SENTENCE_TOKENS).tolist()
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache.update(zip(missing, vectors))
        return [self._cache[t] for t in texts]

    def _get_query_embedding(self, query: str) -> list[float]:
        """A question is embedded as a sentence (up to SENTENCE_TOKENS word pieces), from the same cache: retrieval and
        the extractive answer then embed it once, and several parts of a question in one batch."""
        return self.embed_sentences([query])[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.embed([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.embed(texts)


def open_chroma(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


class VectorStore:
    """The chunk collection; ids are chunk ids, metadata carries what filters need."""

    def __init__(self, settings: Settings, embedder: SentenceEmbedding | None = None):
        self.client = open_chroma(settings)
        self.collection = self.client.get_or_create_collection(
            settings.collection, metadata={"hnsw:space": "cosine"})
        self._embedder = embedder
        self._settings = settings

    @property
    def embedder(self) -> SentenceEmbedding:
        if self._embedder is None:
            self._embedder = SentenceEmbedding.for_settings(self._settings)
        return self._embedder

    def add(self, ids: list[str], embeddings: np.ndarray, metadatas: list[dict]) -> None:
        """Vectors and filter metadata only: chunk text lives in the registry, where answers read it. A document
        stored here too would never be read, and Chroma indexes every document's trigrams: adding the samples'
        896 chunks took 0.99 s and 12.3 MB through llama-index's ChromaVectorStore, 0.24 s and 3.0 MB so."""
        for start in range(0, len(ids), 2000):
            self.collection.add(ids=ids[start:start + 2000], embeddings=embeddings[start:start + 2000],
                                metadatas=metadatas[start:start + 2000])

    def set_restricted(self, ids: list[str], restricted: bool) -> None:
        """Set the ``restricted`` filter flag of these chunks (a clerk restricted or published their pages)."""
        self.set_metadata(ids, {"restricted": restricted})

    def set_metadata(self, ids: list[str], values: dict) -> None:
        """Set filter metadata of these chunks (restriction, or the body their paper belongs to)."""
        for start in range(0, len(ids), 2000):
            got = self.collection.get(ids=ids[start:start + 2000], include=["metadatas"])
            changed = [(i, {**m, **values}) for i, m in zip(got["ids"], got["metadatas"])
                       if any(m.get(k) != v for k, v in values.items())]
            if changed:
                self.collection.update(ids=[i for i, _ in changed], metadatas=[m for _, m in changed])

    def delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), 5000):
            if ids[start:start + 5000]:
                self.collection.delete(ids=ids[start:start + 5000])

    def _pages(self, include: list[str], page: int = 5000):
        """The whole collection a page at a time: one ``get`` of a large collection fails in Chroma ("too many
        SQL variables" at 90,000 chunks)."""
        for offset in range(0, self.collection.count(), page):
            yield self.collection.get(include=include, limit=page, offset=offset)

    def all_ids_by_doc(self, page: int = 5000) -> dict[str, list[str]]:
        """Every chunk id by paper, read a page at a time."""
        out: dict[str, list[str]] = {}
        for got in self._pages(["metadatas"], page):
            for cid, meta in zip(got["ids"], got["metadatas"]):
                out.setdefault((meta or {}).get("paper_id", ""), []).append(cid)
        return out

    def all_vectors(self, page: int = 5000) -> tuple[list[str], np.ndarray]:
        """Every chunk id and its vector (float32 rows), read a page at a time."""
        ids, rows = [], []
        for got in self._pages(["embeddings"], page):
            ids.extend(got["ids"])
            rows.append(np.asarray(got["embeddings"], dtype=np.float32).reshape(len(got["ids"]), -1))
        return ids, np.concatenate(rows) if rows else np.zeros((0, 0), dtype=np.float32)

    def search(self, text: str, limit: int = 30, where: dict | None = None) -> list[Hit]:
        """(chunk_id, cosine similarity) best first, over the whole collection or the chunks Chroma's ``where``
        admits (a ``where`` makes Chroma scan its metadata on every query: ~0.1 s at 10,000 chunks, growing
        with the library, so the retriever uses it only for narrow filters)."""
        embedding = self.embedder.get_query_embedding(text)
        kwargs = {"where": where} if where else {}
        try:  # the collection directly: llama-index's query also reads every hit's text and metadata, unused here
            result = self.collection.query(query_embeddings=[embedding], n_results=limit, include=["distances"],
                                           **kwargs)
        except Exception:  # an empty collection, or a filter no chunk satisfies
            return []
        return [Hit(i, 1.0 - d) for i, d in zip(result["ids"][0], result["distances"][0])]  # cosine distance

    def count(self) -> int:
        return self.collection.count()
