"""Text for the page: escaping paper text for Markdown, highlighting the question's words, dates and pages."""
from __future__ import annotations

import html
import re

from assistant.terms import content_terms
from ingest.words import WORD, stem

EMPTY_LIBRARY = ("There are no papers in the library yet. Add agenda packs, minutes, reports or action logs "
                 "on the **Papers** tab, or from a terminal run `committee ingest PATH` (a file or a folder), "
                 "then reload this page.")
CSS = """<style>
.passage {font-size: 0.9rem; line-height: 1.55; color: inherit; opacity: 0.92; margin: 0.2rem 0 0.4rem 0;}
.passage mark {background: #ffe58a; color: #1f1f1f; padding: 0 0.15em; border-radius: 0.2em;}
.cite-no {font-weight: 600; color: #1c5fa8;}
</style>"""

_MD_SPECIAL = set("\\`*_{}[]()#+-.!|~$:")
_HTML = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#x27;"}


# ---- text ---------------------------------------------------------------------------------------
def esc(text: str) -> str:
    """Text from the papers made safe for st.markdown(unsafe_allow_html=True): no HTML, no Markdown, no LaTeX."""
    return "".join(_HTML.get(ch) or ("\\" + ch if ch in _MD_SPECIAL else ch) for ch in text)


def flat(text: str) -> str:
    """Text on one line: PDF line breaks read as spaces."""
    return " ".join(text.split())


def _matches(word: str, terms: set[str]) -> bool:
    w = word.lower().replace("’", "'")
    w = w.removesuffix("'s")
    if w[:1].isdigit():
        return w.replace(",", "") in terms
    return any(part and len(part) > 1 and stem(part) in terms for part in re.split(r"[-']", w))


def highlight(text: str, question: str) -> str:
    """The passage as HTML (for a raw HTML block, where Markdown is not read) with the words that match the
    question's content words in <mark>."""
    terms = set(content_terms(question))
    text = flat(text)
    out, pos = [], 0
    for m in WORD.finditer(text):
        out.append(html.escape(text[pos:m.start()]))
        word = m.group(0)
        out.append(f"<mark>{html.escape(word)}</mark>" if terms and _matches(word, terms) else html.escape(word))
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def answer_markdown(text: str) -> str:
    """An answer's lines as paragraphs, escaped, with its [n] citation markers set off."""
    paragraphs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        pieces = re.split(r"(\[\d+\])", line.strip())
        paragraphs.append("".join(f"<span class='cite-no'>{esc(p)}</span>" if re.fullmatch(r"\[\d+\]", p)
                                  else esc(p) for p in pieces))
    return "\n\n".join(paragraphs)


def pages_text(pages: list[int]) -> str:
    return f"page {pages[0]}" if len(pages) == 1 or pages[0] == pages[-1] else f"pages {pages[0]}–{pages[-1]}"


def page_span(p: list) -> str:
    """"6" or "6–7" for a register row's page range."""
    if not p or p[0] is None:
        return ""
    return str(p[0]) if p[0] == p[-1] else f"{p[0]}–{p[-1]}"
