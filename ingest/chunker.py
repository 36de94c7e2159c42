"""Cut a paper into passages the embedding model reads whole, never across an item or minute.

all-MiniLM-L6-v2 reads at most 256 word pieces and silently drops the rest, so
passages are measured with the model's own tokenizer, packed line by line up to
``max_tokens``, and the last short line of a passage is repeated at the start of
the next so a sentence cut by the boundary is still found whole in one of them.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ingest.lines import Line
from ingest.models import Chunk

HEADING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?[A-Z][A-Z0-9 ,&'’:()/\-–]{3,80}$|^\s*\d+(?:\.0)?\s+[A-Z][\w ,&'’()\-–]{2,70}$")


@dataclass
class Segment:
    """A run of lines that belongs to one item (and, in minutes, one minute)."""

    lines: list[Line]
    item: str | None = None
    item_title: str = ""
    minute: str | None = None
    section: str = ""


class TokenCounter:
    """Counts word pieces with the embedding model's tokenizer (falls back to a words×1.3 estimate)."""

    def __init__(self, model_path: str):
        self._tokenizer = None
        self._cache: dict[str, int] = {}
        tokenizer_file = Path(model_path) / "tokenizer.json"
        if tokenizer_file.exists():
            from tokenizers import Tokenizer

            self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
            self._tokenizer.no_truncation()
            self._tokenizer.no_padding()

    def __call__(self, text: str) -> int:
        n = self._cache.get(text)
        if n is None:
            if self._tokenizer is None:
                n = int(len(text.split()) * 1.3) + 1
            else:
                n = len(self._tokenizer.encode(text, add_special_tokens=False).ids)
            if len(self._cache) < 500_000:
                self._cache[text] = n
        return n


def _split_long(line: Line, count: Callable[[str], int], max_tokens: int) -> list[Line]:
    words, parts, current = line.text.split(), [], []
    for word in words:
        current.append(word)
        if count(" ".join(current)) > max_tokens:
            current.pop()
            parts.append(Line(line.page, " ".join(current)))
            current = [word]
    if current:
        parts.append(Line(line.page, " ".join(current)))
    return parts


def chunk_segments(doc_id: str, segments: list[Segment], count: Callable[[str], int],
                   max_tokens: int = 200, overlap_tokens: int = 40) -> list[Chunk]:
    chunks: list[Chunk] = []
    for seg in segments:
        lines: list[Line] = []
        for line in seg.lines:
            lines.extend(_split_long(line, count, max_tokens) if count(line.text) > max_tokens else [line])
        section = seg.section
        current: list[Line] = []
        current_section = section
        used = 0

        for line in lines:
            n = count(line.text) + 1
            if current and used + n > max_tokens:
                chunks.extend(_chunk(doc_id, seg, current, current_section))
                tail = current[-1]
                keep = count(tail.text) <= overlap_tokens and not HEADING.match(tail.text)
                current = [tail] if keep else []
                used = count(tail.text) + 1 if keep else 0
                current_section = section
            if HEADING.match(line.text) and len(line.text.strip()) > 3:
                section = line.text.strip()
                if not current:
                    current_section = section
            current.append(line)
            used += n
        chunks.extend(_chunk(doc_id, seg, current, current_section))
    # a paper may print the same paragraph twice on one page: its place in the paper keeps the ids apart
    for ordinal, chunk in enumerate(chunks):
        chunk.chunk_id = hashlib.sha256(f"{ordinal}|{chunk.chunk_id}".encode()).hexdigest()[:24]
    return chunks


def _chunk(doc_id: str, seg: Segment, lines: list[Line], section: str) -> list[Chunk]:
    """The chunk made of ``lines`` (none if they hold no text); its id is a hash of paper, place and text
    (``chunk_segments`` adds its position in the paper)."""
    text = "\n".join(c.text for c in lines).strip()
    if not text:
        return []
    digest = hashlib.sha256(f"{doc_id}|{seg.item}|{seg.minute}|{text}".encode()).hexdigest()[:24]
    return [Chunk(chunk_id=digest, text=text, first_page=lines[0].page, last_page=lines[-1].page, item=seg.item,
                  item_title=seg.item_title, minute=seg.minute, section=section)]
