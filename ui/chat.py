"""The conversation: each turn's question, answer and citations, their Markdown export, readable errors."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import streamlit as st

from assistant.exports import md_text
from assistant.models import Answer, Citation
from ui.pages import download_paper, show_page
from ui.text import answer_markdown, esc, flat, highlight, pages_text


# ---- the conversation -----------------------------------------------------------------------------
@dataclass
class Turn:
    """One question and what came back, kept in the browser session."""

    question: str
    filters: str  # Filters.describe() at the time of asking
    answer: Answer | None = None
    error: str = ""
    asked_at: str = field(default_factory=lambda: datetime.now().strftime("%d %b %Y %H:%M"))


def conversation_markdown(turns: list[Turn], role: str = "public") -> str:
    """The conversation with every answer's citations, as a Markdown document."""
    lines = ["# Questions to the committee papers", "",
             (f"Exported {datetime.now().strftime('%d %B %Y %H:%M')} · {len(turns)} question"
             f"{'s' if len(turns) != 1 else ''} · viewing as {role}"), ""]
    for n, turn in enumerate(turns, start=1):  # questions and paper text with their HTML made inert
        lines += [f"## {n}. {md_text(turn.question)}", "", f"*Asked {turn.asked_at} · filters: {md_text(turn.filters)}*",
                  ""]
        if turn.error or turn.answer is None:
            lines += [f"> {md_text(turn.error or 'No answer.')}", ""]
            continue
        a = turn.answer
        lines += [md_text(line) for line in a.answer.splitlines() if line.strip()]
        lines.append("")
        if a.citations:
            lines += ["**Nearest passages (none answers the question)**" if a.abstained else "**Sources**", ""]
            for c in a.citations:
                snippet = flat(c.text)
                snippet = snippet[:400] + ("…" if len(snippet) > 400 else "")
                lines += [(f"[{c.number}] {md_text(c.label())} — {md_text(c.source)}, {pages_text(c.pages)} "
                          f"(open the PDF at #page={c.pages[0]})"), "", f"> {md_text(snippet)}", ""]
    return "\n".join(lines).rstrip() + "\n"


def readable_error(exc: BaseException, llm: str = "", base_url: str = "") -> str:
    """One sentence a councillor can act on, never a traceback."""
    name = type(exc).__name__
    msg = (str(exc).strip().splitlines() or [""])[0][:200]
    if llm and re.search(r"connect|timeout|refused|unreachable", f"{name} {msg}", re.IGNORECASE):
        return (f"The language model ({llm} at {base_url or 'its default address'}) did not respond, so no "
                "answer was written; check that it is running, or unset COMMITTEE_LLM to quote answers "
                "straight from the papers.")
    return (f"Sorry, that question could not be answered because of an internal error ({name}"
            f"{': ' + msg if msg else ''}); please try again or rephrase it.")


# ---- answers ----------------------------------------------------------------------------------------
def show_citation(key: str, c: Citation, question: str, registry, member: bool = False) -> None:
    with st.container(border=True):
        st.markdown(f"<span class='cite-no'>\\[{c.number}\\]</span> **{esc(c.label())}**", unsafe_allow_html=True)
        about = [c.source, pages_text(c.pages)]
        if c.item_title:
            about.append(c.item_title)
        st.caption(esc(" · ".join(about)))
        st.markdown(f"<div class='passage'>{highlight(c.text, question)}</div>", unsafe_allow_html=True)
        view, download = st.columns([3, 2])
        with view:
            label = f"See {pages_text(c.pages)} of the paper"
            box = st.expander(label, key=f"{key}-open", on_change="rerun", icon=":material/description:")
            with box:
                if box.open:
                    page = c.pages[0]
                    if len(c.pages) > 1:
                        page = st.segmented_control("Page", c.pages, default=c.pages[0], key=f"{key}-page",
                                                    format_func=lambda n: f"p. {n}") or c.pages[0]
                    show_page(c.path, page, c.doc_id, registry, c.source, member=member)
        with download:
            download_paper(c.path, c.source, c.pages[0], key=f"{key}-dl", doc_id=c.doc_id, registry=registry,
                           member=member)


def show_answer(index: int, turn: Turn, registry, member: bool = False) -> None:
    """An answer under its question: the text, the filters it ran under, and every citation."""
    if turn.error or turn.answer is None:
        st.error(esc(turn.error or "No answer came back; please ask again."))
        return
    a = turn.answer
    if a.abstained:
        st.warning(esc(a.answer), icon=":material/search_off:")
    else:
        st.markdown(answer_markdown(a.answer), unsafe_allow_html=True)
    st.caption(f"Filters in force: {esc(turn.filters)}")
    if a.flagged:
        with st.expander(f"{len(a.flagged)} sentence{'s' if len(a.flagged) > 1 else ''} of the model's draft "
                         "left out because the sources did not support them"):
            for f in a.flagged:
                st.markdown(f"- {esc(f)}")
    if a.citations:
        st.markdown("**Nearest passages** (none of them answers the question)" if a.abstained else "**Sources**")
        for c in a.citations:
            show_citation(f"t{index}-c{c.number}", c, a.question, registry, member)


def show_question(text: str) -> None:
    with st.chat_message("user"):
        st.markdown(esc(text))


