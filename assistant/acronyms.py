"""Acronyms the papers define ("Cambridgeshire and Peterborough NHS Foundation Trust (CPFT)"), so a question
that uses the short form also finds passages and agenda titles that only spell it out."""
from __future__ import annotations

import re

DEFINITION = re.compile(r"((?:[A-Z][\w'’-]*[ \t]+(?:(?:and|&|of|for|the|in|on)[ \t]+)*){1,9}?)\(([A-Z][A-Za-z&]{1,7})\)")


def find_acronyms(registry, limit_chunks: int = 200_000) -> dict[str, str]:
    """Acronym -> long form, from the first ``limit_chunks`` chunks of the registry."""
    found: dict[str, str] = {}
    for text in registry.chunk_texts(limit_chunks):
        for m in DEFINITION.finditer(text.replace("\n", " ")):
            acronym = m.group(2)
            if acronym in found or not acronym.isupper() and not re.fullmatch(r"[A-Z][A-Za-z&]+", acronym):
                continue
            words = m.group(1).split()
            caps = [w for w in words if w[0].isupper() or w == "&"]
            n = len(acronym.replace("&", ""))
            # the long form is the last capitalised words whose initials spell the acronym
            tail = caps[-n:] if len(caps) >= n else caps
            if "".join(w[0] for w in tail).upper() == acronym.upper().replace("&", ""):
                start = words.index(tail[0]) if tail else 0
                found[acronym] = " ".join(words[start:])
            elif acronym.upper().startswith("".join(w[0] for w in caps[-n:]).upper()[:2]) and len(caps) >= n - 1:
                found[acronym] = " ".join(words[-(n + 2):])
    return found


def expand(text: str, acronyms: dict[str, str]) -> str:
    """The question with the long form of each defined acronym it uses appended."""
    extra = [acronyms[t] for t in re.findall(r"\b[A-Z][A-Za-z&]{1,7}\b", text)
             if t in acronyms and acronyms[t].lower() not in text.lower()]
    return f"{text} ({'; '.join(extra)})" if extra else text
