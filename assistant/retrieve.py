"""Hybrid retrieval: dense (exact over the saved vectors, or Chroma) and lexical (BM25: bm25s, or FTS5) fused by
reciprocal rank; a llama-index retriever over it for LLM pipelines.

Exact names, minute numbers and figures ("minute 101", "£2.4m", "Willow Court")
are found by the lexical side, paraphrases by the dense side; references the
question makes (item 5, minute 98, "the July 2018 meeting", a committee) boost
the passages they point at. Filters are applied to widened unfiltered lists (see ``admitted``).
"""
from __future__ import annotations

from dataclasses import replace

from assistant import tuning as T
from assistant.query import Question
from assistant.terms import Rarity, stems_of
from index.dense import ExactVectors
from index.filters import Filters
from index.lexical import LexicalIndex
from index.registry import Registry
from index.vectors import VectorStore
from ingest.records import Document, Hit, Passage
from ingest.versions import Version, link
from ingest.words import stem

UNFILTERED_MAX = 1280  # widest unfiltered dense list read before a narrow filter goes to Chroma's ``where``


def reciprocal_rank_fusion(rankings: list[list[str]], weights: list[float]) -> dict[str, float]:
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, key in enumerate(ranking):
            fused[key] = fused.get(key, 0.0) + weight / (T.RRF_K + rank + 1)
    return fused


class HybridRetriever:
    """Passages for a question, best first."""

    def __init__(self, registry: Registry, vectors: VectorStore, lexical: LexicalIndex | None = None,
                 exact: ExactVectors | None = None):
        self.registry = registry
        self.vectors = vectors
        self.lexical = lexical
        self.exact = exact
        self._rarity: Rarity | None = None
        self._weights_of: tuple = ((), ([], 0.0))  # the last terms' weights (see _weights)
        self._held: tuple[int, list, dict] = (-1, [], {})  # generation, documents, their versions

    @property
    def rarity(self) -> Rarity:
        if self._rarity is None:
            self._rarity = Rarity(self.registry)
        return self._rarity

    def _library(self) -> tuple[int, list[Document], dict[str, Version]]:
        """Every paper held (restricted ones too: this decides, it shows nothing) and its versions
        (ingest/versions.py), read once per state of the registry rather than once per question."""
        held = self._held  # read once: app sessions share this retriever across threads
        generation = self.registry.chunk_generation()
        if held[0] != generation:
            docs = self.registry.documents(True)
            held = self._held = (generation, docs, link(docs))
        return held

    def documents(self) -> list[Document]:
        return self._library()[1]

    def versions(self) -> dict[str, Version]:
        return self._library()[2]

    def superseded(self, question: Question) -> set[str]:
        """Papers a later version replaces, but for those of a year the question names ("the 2024 forecast")."""
        _, docs, versions = self._library()
        return {d.doc_id for d in docs if not versions[d.doc_id].current
                and int((d.meeting_date or "0")[:4]) not in question.years}

    def refresh(self) -> None:
        """Forget cached term statistics after an ingest."""
        self._rarity = None
        self._weights_of = ((), ([], 0.0))

    def coverage(self, terms: list[str], text: str) -> float:
        """IDF-weighted share of the question's content terms present in ``text``."""
        if not terms:
            return 0.0
        present = stems_of(text)
        weights, total = self._weights(tuple(terms))
        return sum(w for t, w in zip(terms, weights) if t in present) / total

    def _weights(self, terms: tuple[str, ...]) -> tuple[list[float], float]:
        """The terms' IDF weights and their sum, worked out once per question (coverage runs per passage and
        per sentence: hundreds of times)."""
        cached = self._weights_of  # read once: app sessions share this retriever across threads
        if cached[0] != terms:
            weights = [self.rarity.idf(t) for t in terms]
            cached = self._weights_of = (terms, (weights, sum(weights)))
        return cached[1]

    def lexical_terms(self, text: str) -> list[str]:
        """The question's words for the FTS query, less those that most chunks hold. BM25 gives such a word
        almost no weight, yet matching it makes FTS score a large share of the library, which at scale is
        most of a query's time; the rarest words are always kept."""
        words = content_terms_raw(text)
        df = {w: self.rarity.df(stem(w)) for w in words}
        kept = [w for w in words if df[w] <= T.COMMON_SHARE * self.rarity.n]
        if len(kept) < T.MIN_LEXICAL_TERMS:
            fallback = [w for w in dict.fromkeys(words) if df[w] <= T.NEVER_SHARE * self.rarity.n]
            rarest = set(sorted(fallback, key=df.get)[:T.MIN_LEXICAL_TERMS])
            kept = [w for w in words if w in rarest]
        return kept

    def lexical_search(self, words: str, limit: int, filters: Filters | None, every_word: bool = False
                       ) -> list[Hit]:
        """BM25 hits for ``words``: from the memory-mapped index when it is current and no filter goes into the
        query, else from FTS5 (filtered in SQL, and always current)."""
        if filters is None and self.lexical is not None:
            found = self.lexical.search(words, limit, self.registry.chunk_generation(), every_word)
            if found is not None:
                return found
        return self.registry.lexical_search(words, limit, filters, every_word)

    def dense_search(self, text: str, limit: int, filters: Filters | None) -> list[Hit]:
        """Nearest chunks to ``text``: exact, from the saved vector matrix, when it is current and no filter goes
        into the query; else Chroma's approximate search (filtered by its ``where``)."""
        if filters is None and self.exact is not None:
            found = self.exact.search(self.vectors.embedder.get_query_embedding(text), limit,
                                      self.registry.chunk_generation())
            if found is not None:
                return found
        return self.vectors.search(text, limit, filters and filters.chroma_where())

    def admitted(self, search, filters: Filters, pool: int) -> list[Hit]:
        """The first ``pool`` hits of ``search(limit, filters_or_None)`` among the chunks the filters admit.

        Filtering inside a store's query costs a scan of its metadata per query (Chroma's ``where``: ~0.1 s at
        10,000 chunks, growing with the library), so the store is asked unfiltered for a wider list that the
        registry then filters: the first ``pool`` admitted hits of the unfiltered ranking are exactly the
        filtered ranking's first ``pool``. The list widens while too few pass; a filter so narrow that even a
        wide list has too few goes to the store's own filtered query."""
        if filters.admits_all:
            return search(pool, None)
        wanted = pool * 2
        while wanted <= UNFILTERED_MAX:
            found = search(wanted, None)
            passing = self.registry.passing([h.chunk_id for h in found], filters)
            hits = [h for h in found if h.chunk_id in passing]
            if len(hits) >= pool or len(found) < wanted:
                return hits[:pool]
            wanted *= 4
        return search(pool, filters)

    def retrieve(self, question: Question, filters: Filters, limit: int = 20, pool: int = 40) -> list[Passage]:
        """Best passages for the whole question; for a two-part question, the best of each part interleaved."""
        parts = list(question.parts)
        self.vectors.embedder.embed_sentences(parts)  # all parts in one model call; searches reuse them
        whole = self._retrieve(question, question.search_text, filters, limit, pool)
        if len(parts) == 1:
            return whole
        lists = [whole] + [self._retrieve(replace(question, search_text=p), p, filters, limit, pool, True)
                           for p in parts[1:]]
        merged, seen = [], set()
        for rank in range(limit):
            for ranked in lists:
                if rank < len(ranked) and ranked[rank].chunk_id not in seen:
                    seen.add(ranked[rank].chunk_id)
                    merged.append(ranked[rank])
        return merged[:limit]

    def _retrieve(self, question: Question, text: str, filters: Filters, limit: int, pool: int,
                  part_of: bool = False) -> list[Passage]:
        dense = self.admitted(lambda n, f: self.dense_search(text, n, f), filters, pool)
        words = " ".join(self.lexical_terms(text))
        lexical = []
        if part_of:  # a part's few words, all required: precise, and it scores far fewer chunks than OR
            lexical = self.admitted(lambda n, f: self.lexical_search(words, n, f, True), filters, pool)
        if len(lexical) < pool // 4:
            lexical = self.admitted(lambda n, f: self.lexical_search(words, n, f), filters, pool)
        rankings, weights = [[h.chunk_id for h in dense], [h.chunk_id for h in lexical]], [1.0, 1.0]
        cosine = {h.chunk_id: h.score for h in dense}
        fused = reciprocal_rank_fusion(rankings, weights)
        rows = self.registry.chunks_by_id(list(fused))  # also drops chunks the registry does not hold
        terms = question.terms
        window = question.date_window()
        # a superseded version (a draft, last year's forecast) answers only when the question asks for one
        old = set() if question.asks_version else self.superseded(question)
        passages = []
        for chunk_id, score in fused.items():
            p = rows.get(chunk_id)
            if p is None:
                continue
            boost = 1.0
            if question.item and (p.item or "").lower() == question.item:
                boost += T.ITEM_MATCH
            if question.minute and p.minute == question.minute:
                boost += T.MINUTE_MATCH
            if window and p.meeting_date and window[0] <= p.meeting_date <= window[1]:
                boost += T.DATE_MATCH
            if p.doc_id in old:
                boost -= T.SUPERSEDED
            if question.of_body(p.committee):
                boost += T.BODY_MATCH
            cov = self.coverage(terms, f"{p.about} {p.text}")
            if question.doc_kind and question.doc_kind == p.doc_type:
                boost += T.KIND_MATCH
            p.score = score * boost * T.FUSED_SCALE + T.COVERAGE_WEIGHT * cov + T.COSINE_WEIGHT * cosine.get(chunk_id, 0.0)
            passages.append(p)
        passages.sort(key=lambda p: -p.score)
        return passages[:limit]


def content_terms_raw(text: str) -> list[str]:
    """Unstemmed content words for the FTS query (FTS5 stems them itself; BM25 weighs common ones down)."""
    from ingest.words import tokens

    return tokens(text)


def spread(passages: list[Passage], per_paper: int = T.PER_PAPER) -> list[Passage]:
    """The ranking with at most ``per_paper`` passages of one paper ahead of the others' next best: five
    chunks of last year's audit report do not crowd out this year's."""
    held: dict[str, int] = {}
    first, rest = [], []
    for p in passages:
        held[p.doc_id] = held.get(p.doc_id, 0) + 1
        (first if held[p.doc_id] <= per_paper else rest).append(p)
    return first + rest
