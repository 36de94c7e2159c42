"""Words that carry a question's meaning, stemmed the way the FTS5 index stems them, with their rarity (IDF)."""
from __future__ import annotations

import functools
import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from index.lexical import porter_stem

if TYPE_CHECKING:
    from index.registry import Registry

STOPWORDS = set("""
a about above after again against all also am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers how
i if in into is it its itself just me more most my no nor not now of off on once only or other our out over own
same she should so some such than that the their them then there these they this those through to too under until
up very was we were what when where which while who whom why will with would you your yours did does done get got
tell say said says much many per please give show list
""".split())
# words that appear in nearly every question about committee papers and say little about which passage answers it
GENERIC = {"committee", "council", "meeting", "papers", "paper", "report", "pack", "agenda", "item", "minute",
           "minutes"}
WORD = re.compile(r"[a-z][a-z'’\-]*[a-z]|\d[\d,.]*\d|\d", re.I)


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return porter_stem(word.lower()) if not word[0].isdigit() else word


def tokens(text: str) -> list[str]:
    out = []
    for w in WORD.findall(text):
        w = w.lower().replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        for part in re.split(r"[-']", w) if not w[0].isdigit() else [w]:
            if part and part not in STOPWORDS:
                out.append(part)
    return out


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
