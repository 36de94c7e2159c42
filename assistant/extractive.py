"""Grounded answers without an LLM: the sentences of the cited passages that answer the question.

Every sentence is copied from a passage, never written, and carries the number of
the citation it came from. Sentences are scored by meaning (the embedding model),
by the question's rare words they contain, and by the kind of answer asked for (a
figure for "how many", a resolution for "what was decided").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.models import Passage
from assistant.query import Question
from assistant.terms import content_terms, stems_of

NUMBER = re.compile(r"£\s?\d|\d+(?:[.,]\d+)*\s?(?:%|k\b|m\b|bn\b)|\b\d{1,3}(?:,\d{3})+\b|\b\d+\b")
TABULAR = re.compile(r"(?:-?[\d,.]+%?\s+){2,}-?[\d,.]+%?\s*$")
BULLET = re.compile(r"^\s*(?:[-•*o\uf0b7]|\(?[a-z]\)|\(?[ivx]{1,4}\)|\d+(?:\.\d+)*\.?\s)\s*")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z£(\"'\d])")
RESOLUTION_WORDS = re.compile(r"\bresolved\b|\bagreed\b|\bapprove|\brecommend|\bdelegate|\bdecision\b|\bdecided\b",
                              re.I)


@dataclass
class Unit:
    """A sentence, list entry or table row of a passage."""

    text: str
    passage: int  # index into the passages
    position: int
    score: float = 0.0


def split_units(text: str) -> list[str]:
    """Sentences of wrapped PDF text; table rows and list entries stay whole on their own."""
    units, buffer = [], []

    def flush():
        if buffer:
            para = re.sub(r"\s+", " ", " ".join(buffer)).strip()
            units.extend(s.strip() for s in SENTENCE_END.split(para) if len(s.strip()) > 2)
            buffer.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if TABULAR.search(stripped) and len(stripped) < 160 and not stripped.endswith("."):
            flush()
            units.append(re.sub(r"\s+", " ", stripped))
            continue
        if BULLET.match(stripped) or (buffer and buffer[-1].rstrip().endswith((".", ":", "?")) and stripped[:1].isupper()):
            flush()
        buffer.append(stripped)
    flush()
    return units


def score_units(question: Question, passages: list[Passage], embed, coverage) -> list[Unit]:
    units = [Unit(u, i, k) for i, p in enumerate(passages) for k, u in enumerate(split_units(p.text))]
    if not units:
        return []
    vectors = np.asarray(embed([question.search_text] + [u.text for u in units]))
    sims = vectors[1:] @ vectors[0]
    terms = content_terms(question.search_text)
    for unit, sim in zip(units, sims):
        lexical = coverage(terms, unit.text)
        score = 0.45 * float(sim) + 0.55 * lexical
        if question.intent == "figure" and NUMBER.search(unit.text):
            score += 0.08
        if question.intent == "resolution" and RESOLUTION_WORDS.search(unit.text):
            score += 0.08
        if len(unit.text) < 25:
            score -= 0.1
        score += 0.04 / (1 + unit.passage)  # agree a little with the passage ranking
        unit.score = score
    return units


def choose_units(units: list[Unit], max_units: int = 3, relative: float = 0.75) -> list[Unit]:
    """The best units, plus the next best while they score close to the best; in reading order."""
    if not units:
        return []
    ranked = sorted(units, key=lambda u: -u.score)
    best = ranked[0].score
    chosen, seen = [], set()
    for u in ranked:
        key = u.text.lower()
        if key in seen:
            continue
        if chosen and (len(chosen) >= max_units or u.score < best * relative):
            break
        chosen.append(u)
        seen.add(key)
    return sorted(chosen, key=lambda u: (u.passage, u.position))


def has_figure(text: str) -> bool:
    return bool(NUMBER.search(text))


def stems_overlap(a: str, b: str) -> float:
    sa, sb = stems_of(a), stems_of(b)
    return len(sa & sb) / max(1, len(sa))
