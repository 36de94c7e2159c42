"""Words that carry a question's meaning, stemmed the way the FTS5 index stems them, with their rarity (IDF)."""
from __future__ import annotations

import functools
import math
from functools import lru_cache
from typing import TYPE_CHECKING

from ingest.words import WORD, stem, tokens

if TYPE_CHECKING:
    from index.registry import Registry

# words that appear in nearly every question about committee papers and say little about which passage answers it
GENERIC = {"committee", "council", "meeting", "papers", "paper", "report", "pack", "agenda", "item", "minute",
           "minutes"}
def content_terms(text: str) -> list[str]:
    """Stemmed content words of a question, generic committee words removed, in order, unique."""
    seen = []
    for t in tokens(text):
        if t in GENERIC or (len(t) < 2 and not t.isdigit()):
            continue
        s = stem(t) if not t[0].isdigit() else t.replace(",", "")
        if s not in seen:
            seen.append(s)
    return seen


@functools.lru_cache(maxsize=8192)
def stems_of(text: str) -> frozenset[str]:
    """Stemmed words of a text (as ``tokens`` then ``stem`` make them); remembered, since the same passages
    are scored again and again, and worked out once per distinct word."""
    return frozenset(s for word in set(WORD.findall(text)) for s in _word_stems(word))


@lru_cache(maxsize=200_000)
def _word_stems(word: str) -> tuple[str, ...]:
    return tuple(stem(t) if not t[0].isdigit() else t.replace(",", "") for t in tokens(word))


class Rarity:
    """IDF of stemmed terms: each term's chunk count read (and remembered) from the registry's term counts, which
    every ingest refreshes, so nothing is scanned or rebuilt when a process starts, however large the library. A
    registry written before term counts existed is read from the FTS5 vocabulary instead (slower per term)."""

    def __init__(self, registry: Registry):
        self._count = registry.term_counter()
        self.n = max(1, registry.chunk_count())
        self._df: dict[str, int] = {}

    def df(self, term: str) -> int:
        """How many chunks hold the term."""
        term = term.replace(",", "")
        if term not in self._df:
            self._df[term] = self._count(term)
        return self._df[term]

    def idf(self, term: str) -> float:
        df = self.df(term)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def known(self, term: str) -> bool:
        return self.df(term) > 0
