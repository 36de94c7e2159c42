"""Acronyms the papers define ("County Health Foundation Trust (CHFT)"), or use while spelling out elsewhere
a name whose initials they are ("NARC" beside "Northern Association of Rural Councils"), so a question that
uses the short form also finds passages that only spell it out."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

# a run of capitalised words, joined by the small words a name holds ("Northern Association of Rural ...")
NAME = re.compile(r"\b[A-Z][a-z]+(?:[ \t]+(?:(?:of|and|for|the|on|in|&)[ \t]+)*[A-Z][a-z]+){2,8}")
CAPS = re.compile(r"\b[A-Z]{3,7}\b")
SMALL = {"of", "and", "for", "the", "on", "in", "&"}
NEAR = 10  # a name in a chunk that uses the short form counts this many times more (a rule of thumb)
DEFINITION = re.compile(r"((?:[A-Z][\w'’-]*[ \t]+(?:(?:and|&|of|for|the|in|on)[ \t]+)*){1,9}?)\(([A-Z][A-Za-z&]{1,7})\)")


def find_acronyms(registry, limit_chunks: int = 200_000) -> dict[str, str]:
    """Acronym -> long form, from the first ``limit_chunks`` chunks of the registry."""
    found: dict[str, str] = {}
    used: set[str] = set()
    names: dict[str, Counter] = {}
    for text in registry.chunk_texts(limit_chunks):
        text = text.replace("\n", " ")
        here = set(CAPS.findall(text))
        used |= here
        for m in NAME.finditer(text):
            for key, name in _spans(m.group(0)):  # a name beside its short form counts for more than one alone
                names.setdefault(key, Counter())[name] += 1 + NEAR * (key in here)
        for m in DEFINITION.finditer(text):
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
    for acronym in used - set(found):  # used, never defined: the name the papers spell out most often beside it
        if acronym in names:
            found[acronym] = names[acronym].most_common(1)[0][0]
    return found


@lru_cache(maxsize=65536)
def _spans(run: str) -> tuple[tuple[str, str], ...]:
    """(acronym, name) for every name a run of capitalised words holds ("Market Square Special Service Area"
    holds "Special Service Area", SSA): its initials with and without its small words ("NARC", "NAORC").
    Remembered: the same runs (a council's, a committee's name) recur in every paper."""
    words = run.split()
    out: list[tuple[str, str]] = []
    for a in range(len(words)):
        for b in range(a + 2, len(words) + 1):
            span = words[a:b]
            if span[-1] in SMALL or span[0] in SMALL:
                continue
            name = " ".join(span)
            big = "".join(w[0] for w in span if w not in SMALL)
            every = "".join(w[0].upper() for w in span if w != "&")
            out += [(k, name) for k in {big, every} if 3 <= len(k) <= 7]
    return tuple(out)


def expand(text: str, acronyms: dict[str, str]) -> str:
    """The question with the long form of each defined acronym it uses appended."""
    extra = [acronyms[t] for t in re.findall(r"\b[A-Z][A-Za-z&]{1,7}\b", text)
             if t in acronyms and acronyms[t].lower() not in text.lower()]
    return f"{text} ({'; '.join(extra)})" if extra else text
