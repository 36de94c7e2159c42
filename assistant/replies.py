"""A question put at a meeting and the answer given to it: members' written questions, public questions.

A paper of questions prints each as "Question 6 … Question by A to B, Cabinet Member for … <the question> …
Answer … <the reply>". A search for what was asked finds the question, whose words are the asker's and so
ours; what answers is the reply printed after it. ``reply_to`` finds that reply, as a passage to quote.
"""
from __future__ import annotations

import re
from dataclasses import replace

from index.filters import Filters
from index.registry import Registry
from ingest.records import Passage
from ingest.units import split_units

QUESTION_BY = re.compile(r"\bquestion\s+(?:by|from)\s+[^\n]{3,80}?\s+to\s+", re.I)
NUMBERED_QUESTION = re.compile(r"^[ \t]*question\s+\d+[ \t]*$", re.I | re.M)
COURTESY = re.compile(r"^\s*(?:thank you|thanks|i am grateful|i'm grateful)\b[^.]*\.\s*$", re.I)
REPLY_MATCH = 0.3  # share of our words the printed question must hold for its reply to answer
REPLY_HEADING = re.compile(r"^[ \t]*(?:answer|reply|response)[ \t]*:?[ \t]*$", re.I | re.M)


def opening(reply: Passage, limit: int = 450) -> str:
    """The reply's first sentences, courtesies ("Thank you for ...") left out, up to ``limit`` characters: a
    reply says what it has to say first."""
    chosen: list[str] = []
    for sentence in split_units(reply.text):
        if COURTESY.match(sentence):
            continue
        if chosen and sum(map(len, chosen)) + len(sentence) > limit:
            break
        chosen.append(sentence)
    return " ".join(chosen)


def _page_text(registry: Registry, passage: Passage, filters: Filters) -> tuple[str, list[tuple[int, Passage]]]:
    """The text of the passage's pages and the page after, with where each chunk starts in it."""
    ids = registry.chunk_ids_in_pages(passage.doc_id, passage.first_page, passage.last_page + 1, filters)
    found = registry.chunks_by_id(ids)
    text, starts = "", []
    for chunk_id in ids:
        chunk = found[chunk_id]
        lines = chunk.text.splitlines()
        if text and lines and text.rstrip("\n").rsplit("\n", 1)[-1] == lines[0]:
            lines = lines[1:]  # the chunker repeats one line of overlap
        starts.append((len(text), chunk))
        text += "\n".join(lines) + "\n"
    return text, starts


def reply_to(registry: Registry, passage: Passage, filters: Filters, terms: list[str], coverage) -> Passage | None:
    """The reply printed after the question ``passage`` quotes (of those it touches, the one holding most of
    ``terms``), as a passage of the chunk the reply starts in; None when ``passage`` is not part of a printed
    question or no reply follows it."""
    if not QUESTION_BY.search(passage.text) and not re.search(r"\?\s*$", passage.text.strip(), re.M):
        return None
    text, starts = _page_text(registry, passage, filters)
    probe = re.sub(r"\s+", " ", passage.text[:120]).strip()
    flat = re.sub(r"\s+", " ", text)
    at = flat.find(probe[:80])
    if at < 0 or not starts:
        return None
    # the printed questions the passage touches; the one sharing most of our words is the one it quotes
    opening = [m.start() for m in QUESTION_BY.finditer(text)]
    start = _unflatten(text, at)
    touched = [o for n, o in enumerate(opening) if o <= start + len(passage.text)
               and (n + 1 == len(opening) or opening[n + 1] > start)]
    blocks = [(o, REPLY_HEADING.search(text, o)) for o in touched]
    blocks = [(o, h) for o, h in blocks if h is not None]
    if not blocks:
        return None
    share, _, heading = max((coverage(terms, text[o:h.start()]), o, h) for o, h in blocks)
    if share < REPLY_MATCH or start >= heading.start():
        return None  # the passage is the reply itself
    following = [o for o in opening if o > heading.end()]
    end = following[0] if following else len(text)
    numbered = list(NUMBERED_QUESTION.finditer(text, heading.end(), end))
    end = numbered[-1].start() if numbered else end  # the reply ends where "Question 7" begins
    reply = text[heading.end():end].strip()
    if len(reply) < 20:
        return None
    chunk = [c for s, c in starts if s <= heading.end()][-1]
    return replace(chunk, text=reply, score=passage.score, section="answer given")


def _unflatten(text: str, flat_at: int) -> int:
    """The position in ``text`` of character ``flat_at`` of its whitespace-collapsed form."""
    count, last_space = 0, False
    for i, ch in enumerate(text):
        if count >= flat_at:
            return i
        space = ch.isspace()
        if not (space and last_space):
            count += 1
        last_space = space
    return len(text)
