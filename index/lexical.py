"""BM25 over every chunk as memory-mapped arrays (bm25s): the lexical search of a question with no narrow filter.

FTS5 scores a query by walking each term's posting list inside SQLite, 25-35 ms a search at 90,000 chunks
and most of a question's time. bm25s keeps each term's BM25 contribution per chunk precomputed in sparse
arrays, so a search is a few array sums and a partial sort. The index is built from the registry's FTS
table (the same text and title columns, weighted as the FTS query weighs them) at the end of every ingest
that changed the registry, saved beside it under the registry's chunk generation, and loaded memory-mapped:
neither a query nor a process start rebuilds it. When the registry has moved past the saved generation (an
ingest running in another process, or one that stopped before rebuilding) the caller falls back to FTS5,
which is always current.

    lexical = LexicalIndex(Path("data/lexical"))
    lexical.build(registry)                               # after an ingest
    lexical.search("Hauxton tender", 40, registry.chunk_generation())   # [(chunk_id, score), ...] or None
"""
from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np

from index.registry import Registry
from index.saved import SavedByGeneration
from ingest.records import Hit
from ingest.words import fts_words, porter_stem

K1, B = 1.2, 0.75  # FTS5's bm25() constants
COLUMN_WEIGHTS = (1.0, 0.3)  # text, title: the weights the FTS query gives bm25(chunk_fts, 0.0, 1.0, 0.3)
BATCH = 4096  # chunks tokenized at a time while building (bounds the memory the token lists take)


class LexicalIndex:
    """The saved bm25s index of one data folder; safe to search from several threads."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._saved = SavedByGeneration(folder, lambda saved: bm25s.BM25.load(saved, mmap=True))

    def held(self, generation: int) -> bool:
        """Whether an index of this registry generation is saved."""
        return self._saved.held(generation)

    def build(self, registry: Registry) -> int:
        """Index every chunk the registry holds, save it under the registry's generation and drop older ones;
        returns the number of chunks. Saved to a scratch folder first and renamed, so a reader never sees half."""
        chunk_ids, model = self._scored(registry)
        self._saved.save(registry.chunk_generation(), chunk_ids, lambda scratch: model.save(scratch, show_progress=False))
        return len(chunk_ids)

    def _scored(self, registry: Registry) -> tuple[list[str], bm25s.BM25]:
        """Every chunk's BM25 weight for every term it holds, as FTS5's bm25() works it out for a row: a term's
        frequency is its column-weighted count over text and title, the length is the row's whole token count,
        and IDF is Robertson's (floored at 1e-6). bm25s then sums these per query term."""
        terms_of = _Vocabulary()
        chunk_ids: list[str] = []
        pair_terms, pair_docs, freqs, lengths = [], [], [], []  # per batch: its distinct (term, chunk) pairs
        cursor = registry.db.execute("SELECT chunk_id, text, title FROM chunk_fts ORDER BY rowid")
        while rows := cursor.fetchmany(BATCH):
            first = len(chunk_ids)
            chunk_ids.extend(r[0] for r in rows)
            length = np.zeros(len(rows), dtype=np.int64)
            docs, terms, weights = [], [], []
            for column, weight in zip((1, 2), COLUMN_WEIGHTS):
                flat, counts = [], []
                for row in rows:
                    ids = terms_of.ids(row[column] or "")
                    flat.extend(ids)
                    counts.append(len(ids))
                length += counts
                docs.append(np.repeat(np.arange(len(rows), dtype=np.int64), counts))
                terms.append(np.array(flat, dtype=np.int64))
                weights.append(np.full(len(flat), weight, dtype=np.float64))
            lengths.append(length)
            # a batch's word occurrences summed to one frequency per (term, chunk): the whole library's
            # occurrences (20M at 100x the samples) are never held at once, which kept the build at 1.4 GB
            key = np.concatenate(terms) * len(rows) + np.concatenate(docs)
            order = np.argsort(key, kind="stable")
            key = key[order]
            starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.empty(0, dtype=np.int64)
            freqs.append(np.add.reduceat(np.concatenate(weights)[order], starts) if len(key) else np.empty(0))
            pair_terms.append((key[starts] // len(rows)).astype(np.int32))
            pair_docs.append((key[starts] % len(rows) + first).astype(np.int32))
        vocab = terms_of.stems
        n_docs, n_terms = len(chunk_ids), max(len(vocab), 1)
        empty = np.empty(0, dtype=np.int32)  # an empty library: no batches
        pair_term, pair_doc = np.concatenate(pair_terms or [empty]), np.concatenate(pair_docs or [empty])
        freq = np.concatenate(freqs or [np.empty(0)])
        # by term, each term's chunks in order (stable: batches come in chunk order and each is sorted)
        order = np.argsort(pair_term, kind="stable")
        pair_term, pair_doc, freq = pair_term[order].astype(np.int64), pair_doc[order], freq[order]
        length = np.concatenate(lengths or [[]]).astype(np.float64)
        holding = np.bincount(pair_term, minlength=n_terms)
        idf = np.log((n_docs - holding + 0.5) / (holding + 0.5))
        idf[idf <= 0] = 1e-6
        norm = K1 * (1 - B + B * length / max(length.mean() if n_docs else 1.0, 1e-9))
        score = idf[pair_term] * freq * (K1 + 1) / (freq + norm[pair_doc])
        model = bm25s.BM25(k1=K1, b=B, method="robertson")
        model.vocab_dict, model.nonoccurrence_array = vocab, None
        model.scores = {"data": score.astype(np.float32), "indices": pair_doc.astype(np.int32, copy=False),
                        "indptr": np.r_[0, np.cumsum(holding)].astype(np.int64), "num_docs": n_docs}
        return chunk_ids, model

    def search(self, text: str, limit: int, generation: int, every_word: bool = False
               ) -> list[Hit] | None:
        """(chunk_id, BM25 score) best first, of chunks holding any of the words (all of them with
        ``every_word``); None when no index of this registry ``generation`` is saved."""
        loaded = self._saved.current(generation)
        if loaded is None:
            return None
        model = loaded.value
        words = list(dict.fromkeys(porter_stem(w) for w in fts_words(text)))
        ids = [model.vocab_dict[w] for w in words if w in model.vocab_dict]
        if not ids or (every_word and len(ids) < len(words)):
            return []
        scores = model.get_scores_from_ids(ids)
        if every_word:
            indptr, indices = model.scores["indptr"], model.scores["indices"]
            candidates = np.asarray(indices[indptr[ids[0]]:indptr[ids[0] + 1]])
            for token in ids[1:]:
                candidates = np.intersect1d(candidates, indices[indptr[token]:indptr[token + 1]], assume_unique=True)
        else:
            candidates = np.flatnonzero(scores > 0)
        if len(candidates) > limit:
            candidates = candidates[np.argpartition(-scores[candidates], limit - 1)[:limit]]
        best = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [Hit(loaded.chunk_ids[i], score) for i, score in zip(best.tolist(), scores[best].tolist())]


class _Vocabulary:
    """Term ids of texts, each distinct word stemmed once (a library has some 20 million words to read)."""

    def __init__(self):
        self.stems: dict[str, int] = {}
        self._known: dict[str, int] = {}

    def ids(self, text: str) -> list[int]:
        known = self._known
        return [known[w] if w in known else self._add(w) for w in fts_words(text)]

    def _add(self, word: str) -> int:
        term = self._known[word] = self.stems.setdefault(porter_stem(word), len(self.stems))
        return term
