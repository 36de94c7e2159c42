"""What the Streamlit app shows: answers with their citations, page images, the library and the registers.

app.py is the shell (settings, sidebar, tabs, the chat loop); this module holds the pieces it
draws and the pure helpers behind them (highlighting, Markdown and CSV export, table filters),
which the tests call directly.

Access: every piece that shows a paper's pages or offers it for download takes ``member`` (may the
session see exempt papers, from ui/access.py) and defaults to the public's view, so a caller
that forgets it shows less, never more. The sign-in panel (``account_panel``) is drawn here too.
"""
from __future__ import annotations

import base64
import html
import io
import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from assistant import registers
from assistant.exports import csv_bytes, md_text
from assistant.models import Answer, Citation
from assistant.terms import content_terms
from ingest.dates import spoken
from ingest.words import WORD, stem
from ui import access
from ui.access import Access

log = logging.getLogger("committee.app")

UPLOAD_TYPES = ("pdf", "txt", "md")
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


def nice_date(iso: str | None) -> str:
    return spoken(iso, "short", "undated")


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


# ---- media that may be exempt ---------------------------------------------------------------------
# Streamlit serves st.image and st.download_button bytes at /media/<id> to anyone holding the URL, with ids
# that repeat across sessions and outlive sign-out. Whatever may hold exempt information is therefore
# embedded in the session's own page (a data: URI), so there is no URL to fetch and nothing left behind
# on the server; published media keeps Streamlit's cacheable URLs. A private download is put in the page
# only on the run its button was clicked in (a whole agenda pack under every citation would make each run
# carry megabytes), and the next run takes it out again.

def show_png(png: bytes, caption: str, width: int, private: bool) -> None:
    """A page image: embedded in the page when ``private``, else through Streamlit's media files."""
    if not private:
        st.image(png, caption=caption, width=width)
        return
    data = base64.b64encode(png).decode("ascii")
    st.markdown(f"<figure style='margin:0'><img src='data:image/png;base64,{data}' alt='{html.escape(caption)}' "
                f"style='max-width:{int(width)}px;width:100%'/><figcaption style='font-size:0.8em'>"
                f"{html.escape(caption)}</figcaption></figure>", unsafe_allow_html=True)


def embedded_download(raw: bytes, file_name: str, mime: str) -> str:
    """An HTML page (for st.iframe, whose sandbox allows downloads) that saves ``raw`` as ``file_name`` at once,
    from a data: URI, with a link to save it again should the browser not start the download."""
    name = html.escape(file_name, quote=True)
    href = f"data:{html.escape(mime, quote=True)};base64,{base64.b64encode(raw).decode('ascii')}"
    return (f"<a id='save' class='private-download' download='{name}' href='{href}' "
            "style='font-family:sans-serif;font-size:14px;color:#1c5fa8'>"
            f"&#11015; {name}: if the download has not started, save it from here</a>"
            "<script>document.getElementById('save').click()</script>")


def offer_download(label: str, data: bytes | str | Callable[[], bytes | str], file_name: str, mime: str, key: str,
                   private: bool, help: str | None = None) -> None:
    """A download. Public: Streamlit's download button (a callable ``data`` is read only when clicked).
    ``private``: a button whose click makes the bytes (only then) and saves them from inside the page
    (``embedded_download``), never through a /media URL."""
    if not private:
        st.download_button(label, data=data, file_name=file_name, mime=mime, key=key, on_click="ignore",
                           icon=":material/download:", help=help)
        return
    if not st.button(label, key=key, icon=":material/download:", help=help):
        return
    try:
        raw = data() if callable(data) else data
    except Exception as exc:  # noqa: BLE001 - e.g. the paper was moved since the page was drawn
        log.warning("could not make %s: %s", file_name, exc)
        st.warning(esc(f"{file_name} could not be made ({type(exc).__name__}); please try again."))
        return
    raw = raw.encode("utf-8") if isinstance(raw, str) else raw
    st.iframe(embedded_download(raw, file_name, mime), height=40)


# ---- pages ----------------------------------------------------------------------------------------
_pdfium_lock = threading.Lock()  # pdfium is not thread-safe; browser sessions run on threads


@st.cache_data(max_entries=64, show_spinner=False)
def page_png(path: str, page: int, mtime: float, scale: float = 1.5) -> bytes:
    """PDF page ``page`` (1-based) as PNG; ``mtime`` keys the cache to the file's version."""
    import pypdfium2

    with _pdfium_lock:
        pdf = pypdfium2.PdfDocument(path)
        try:
            image = pdf[page - 1].render(scale=scale).to_pil()
        finally:
            pdf.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _mime(path: str) -> str:
    return {".pdf": "application/pdf", ".md": "text/markdown"}.get(Path(path).suffix.lower(), "text/plain")


def exempt_pages(registry, doc_id: str) -> set[int]:
    """The pages of a paper the registry marks restricted (every page of a paper ingested as exempt)."""
    return {r[0] for r in registry.db.execute("SELECT number FROM pages WHERE doc_id = ? AND restricted = 1",
                                              (doc_id,))}


def may_see_page(registry, doc_id: str, page: int, member: bool = False) -> bool:
    """Whether the session may see page ``page`` of a paper: members see every page; others only the pages
    of a published paper that are not marked restricted (and nothing of a paper the registry does not know)."""
    if member:
        return True
    doc = registry.document(doc_id) if doc_id else None
    if doc is None or doc.restricted:
        return False
    row = registry.db.execute("SELECT restricted FROM pages WHERE doc_id = ? AND number = ?",
                              (doc_id, page)).fetchone()
    return row is not None and not row[0]


def may_download(registry, doc_id: str, member: bool = False) -> bool:
    """Whether the session may download the whole paper: members always; others only a published paper
    with no restricted page (a download cannot leave pages out)."""
    if member:
        return True
    doc = registry.document(doc_id) if doc_id else None
    return doc is not None and not doc.restricted and not exempt_pages(registry, doc_id)


def show_page(path: str, page: int, doc_id: str, registry, source: str = "", page_count: int | None = None,
              width: int = 720, member: bool = False) -> None:
    """One page of a paper: rendered from the PDF, or the text the index holds when it cannot be rendered.

    A page the session may not see (see ``may_see_page``) is replaced by one sentence saying so."""
    file = Path(path)
    name = source or file.name
    if not may_see_page(registry, doc_id, page, member):
        st.info(esc(f"Page {page} of {name} is exempt from publication, so only members can see it."),
                icon=":material/lock:")
        return
    if file.suffix.lower() == ".pdf" and file.exists():
        try:
            png = page_png(str(file), page, file.stat().st_mtime)
            of = f" of {page_count}" if page_count else ""
            exempt = not may_see_page(registry, doc_id, page, member=False)  # never by URL
            show_png(png, f"{name}, PDF page {page}{of}", width, private=exempt)
            return
        except Exception as exc:  # noqa: BLE001 - a damaged page still shows its text
            log.warning("could not render %s page %s: %s", path, page, exc)
            st.warning(esc(f"Page {page} of {name} could not be drawn, so the text the index holds is shown "
                           "instead."))
    elif not file.exists():
        st.warning(esc(f"{name} is no longer at {path}, so the text the index holds for page {page} is shown "
                       "instead."))
    text = registry.page_text(doc_id, page)
    st.text(text or "(no text on this page)")


def download_paper(path: str, source: str, page: int, key: str, doc_id: str = "", registry=None,
                   member: bool = False) -> None:
    """A download of the paper (read only when clicked), saying which page to open; offered only when the
    session may have the whole paper (``may_download``)."""
    file = Path(path)
    if not file.exists():
        return
    if registry is None or not may_download(registry, doc_id, member):
        st.caption(esc(f"{source} has pages that are exempt from publication, so only members can download "
                       "it."))
        return
    offer_download("Download the paper", lambda p=str(file): Path(p).read_bytes(), source, _mime(source), key,
                   private=not may_download(registry, doc_id, member=False),
                   help=f"The whole paper; the passage is on page {page} (PDF viewers open it at #page={page}).")
    st.caption(f"{esc(source)}, open at page {page} (#page={page})")


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


# ---- registers ----------------------------------------------------------------------------------------
def _pages(p: list) -> str:
    if not p or p[0] is None:
        return ""
    return str(p[0]) if p[0] == p[-1] else f"{p[0]}–{p[-1]}"


def filter_rows(rows: list, search: str = "", committee: str | None = None, date_from: str | None = None,
                date_to: str | None = None, owners: Iterable[str] = (), states: Iterable[str] = (),
                date_key: str = "meeting_date", fields: tuple[str, ...] = ()) -> list:
    """Register rows that hold every word searched for and match the chosen committee, dates, owners, states."""
    words = search.lower().split()
    owners, states = set(owners), set(states)
    out = []
    for r in rows:
        day = getattr(r, date_key) or ""
        if committee and r.committee != committee:
            continue
        if date_from and (not day or day < date_from):
            continue
        if date_to and (not day or day > date_to):
            continue
        if owners and (getattr(r, "owner", "") or "") not in owners:
            continue
        if states and status_of(r) not in states:
            continue
        if words:
            hay = " ".join(str(getattr(r, f) or "") for f in (fields or r.columns())).lower()
            if not all(w in hay for w in words):
                continue
        out.append(r)
    return out


def status_of(row) -> str:
    """open, complete or other: the registry's reading of the log's own status words."""
    return row.state.value


DECISION_FIELDS = ("committee", "meeting_date", "minute", "title", "resolution", "vote", "item", "source")
ACTION_FIELDS = ("committee", "meeting_date", "minute", "report_title", "owner", "action", "comments", "status",
                 "source")


def decisions_frame(rows: list) -> pd.DataFrame:
    columns = ["Meeting", "Minute", "Title", "Resolution", "Vote", "Committee", "Item", "Paper", "Pages"]
    return pd.DataFrame([{"Meeting": r.meeting_date or "", "Minute": r.minute or "",
                          "Title": r.title or "", "Resolution": r.resolution or "",
                          "Vote": r.vote or "", "Committee": r.committee or "",
                          "Item": r.item or "", "Paper": r.source or "",
                          "Pages": _pages(r.pages or [])} for r in rows], columns=columns)


def actions_frame(rows: list) -> pd.DataFrame:
    columns = ["Meeting", "Minute", "Officer", "Action", "State", "Status", "Latest comment", "Review", "Log of",
               "Report", "Committee", "Paper", "Pages"]
    return pd.DataFrame([{"Meeting": r.meeting_date or "", "Minute": r.minute or "",
                          "Officer": r.owner or "", "Action": r.action or "",
                          "State": status_of(r), "Status": r.status or "",
                          "Latest comment": r.comments or "", "Review": r.review_date or "",
                          "Log of": r.log_date or "", "Report": r.report_title or "",
                          "Committee": r.committee or "", "Paper": r.source or "",
                          "Pages": _pages(r.pages or [])} for r in rows], columns=columns)


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def _register_controls(kind: str, rows: list[dict], extra: Callable[[list[dict]], dict] | None = None,
                       hint: str = "") -> dict:
    cols = st.columns([3, 2, 1.3, 1.3])
    search = cols[0].text_input("Search", key=f"{kind}-search", placeholder=hint)
    committees = sorted({r.committee for r in rows if r.committee})
    committee = cols[1].selectbox("Committee", ["All committees", *committees], key=f"{kind}-committee")
    low, high = date(1990, 1, 1), date(date.today().year + 10, 12, 31)
    date_from = cols[2].date_input("From", value=None, min_value=low, max_value=high, key=f"{kind}-from",
                                   format="DD/MM/YYYY")
    date_to = cols[3].date_input("To", value=None, min_value=low, max_value=high, key=f"{kind}-to",
                                 format="DD/MM/YYYY")
    chosen = {"search": search, "committee": None if committee == "All committees" else committee,
                  "date_from": _iso(date_from), "date_to": _iso(date_to)}
    if extra:
        chosen.update(extra(rows))
    return chosen


def _selected_row(event) -> int | None:
    try:
        rows = event.selection.rows
    except AttributeError:
        return None
    return rows[0] if rows else None


def _register_table(kind: str, frame: pd.DataFrame, rows: list[dict], total: int, registry, docs: dict,
                    noun: str, member: bool = False) -> None:
    st.caption(f"{len(rows)} of {total} {noun}. Select a row to see its page.")
    config = {"Resolution": st.column_config.TextColumn(width="large"),
              "Action": st.column_config.TextColumn(width="large"),
              "Latest comment": st.column_config.TextColumn(width="large"),
              "Title": st.column_config.TextColumn(width="medium"),
              "Report": st.column_config.TextColumn(width="medium"),
              "Status": st.column_config.TextColumn(help="The log's own words"),
              "State": st.column_config.TextColumn(help="open, complete or other, read from the log's status")}
    event = st.dataframe(frame, hide_index=True, width="stretch", key=f"{kind}-table", on_select="rerun",
                         selection_mode="single-row", column_config=config)
    offer_download(f"Download these {noun} (CSV)", csv_bytes(rows), f"{kind}.csv", "text/csv", f"{kind}-csv",
                   private=member)
    picked = _selected_row(event)
    if picked is not None and picked < len(rows):
        r = rows[picked]
        doc = docs.get(r.doc_id)
        path = doc.path if doc else ""
        page = (r.pages or [1])[0] or 1
        st.markdown(f"**{esc(r.source or '')}**, page {page}")
        show_page(path, page, r.doc_id, registry, r.source or "", doc.page_count if doc else None,
                  member=member)
        download_paper(path, r.source or "", page, key=f"{kind}-row-dl", doc_id=r.doc_id,
                       registry=registry, member=member)


def decisions_tab(registry, include_restricted: bool, filters_cls) -> None:
    rows = registry.decisions(filters_cls(include_restricted=include_restricted))
    st.subheader("Decisions")
    st.caption("Every numbered minute the papers hold, with what was resolved and how the vote went.")
    if not rows:
        st.info("No minutes have been found in the papers yet. " + EMPTY_LIBRARY.split(". ", 1)[1])
        return

    def extra(_rows):
        return {"resolved_only": st.toggle("Only minutes with a resolution", key="decisions-resolved")}

    chosen = _register_controls("decisions", rows, extra, hint="Words in the minute's title or resolution")
    resolved_only = chosen.pop("resolved_only")
    shown = filter_rows(rows, fields=DECISION_FIELDS, **chosen)
    if resolved_only:
        shown = [r for r in shown if r.resolution]
    docs = {d.doc_id: d for d in registry.documents(include_restricted)}
    _register_table("decisions", decisions_frame(shown), shown, len(rows), registry, docs, "minutes",
                    include_restricted)


def actions_tab(registry, include_restricted: bool, filters_cls) -> None:
    rows = registers.actions(registry, filters_cls(include_restricted=include_restricted))
    st.subheader("Actions")
    st.caption("Rows of the action logs: the minute, the officer, the action, the latest comment and its status.")
    if not rows:
        st.info("No action logs have been found in the papers yet. " + EMPTY_LIBRARY.split(". ", 1)[1])
        return

    def extra(rows):
        cols = st.columns(2)
        owners = sorted({r.owner for r in rows if r.owner})
        return {"owners": cols[0].multiselect("Officer", owners, key="actions-owner", placeholder="Any officer"),
                "states": cols[1].multiselect("Status", ["open", "complete", "other"], key="actions-status",
                                              placeholder="Any status")}

    chosen = _register_controls("actions", rows, extra, hint="Words in the action, report or comment")
    shown = filter_rows(rows, fields=ACTION_FIELDS, **chosen)
    docs = {d.doc_id: d for d in registry.documents(include_restricted)}
    _register_table("actions", actions_frame(shown), shown, len(rows), registry, docs, "actions",
                    include_restricted)


# ---- papers -----------------------------------------------------------------------------------------
def safe_name(name: str) -> str:
    """A file name that cannot climb out of the uploads folder."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^\w.\- ()&,]+", "_", base).strip(" .") or "paper"
    return base[:180]


def save_uploads(files, uploads: Path, max_mb: int) -> tuple[list[Path], list[Path], list[str]]:
    """(files to ingest, of which newly written, one sentence per refused file)."""
    uploads.mkdir(parents=True, exist_ok=True)
    keep, written, problems = [], [], []
    for f in files:
        name = safe_name(f.name)
        data = f.getvalue()
        suffix = Path(name).suffix.lower().lstrip(".")
        if suffix not in UPLOAD_TYPES:
            problems.append(f"{f.name} was not added: only PDF, text (.txt) and Markdown (.md) papers can be read.")
            continue
        if not data:
            problems.append(f"{f.name} was not added: the file is empty (0 bytes); export the paper again.")
            continue
        if len(data) > max_mb * 1024 * 1024:
            problems.append(f"{f.name} was not added: it is larger than {max_mb} MB; split it, or ask the "
                            "administrator to raise COMMITTEE_MAX_UPLOAD_MB.")
            continue
        target = uploads / name
        n = 2
        while target.exists() and target.read_bytes() != data:
            target = uploads / f"{Path(name).stem}-{n}{Path(name).suffix}"
            n += 1
        if target.name != name:
            problems.append(f"A different file called {name} is already in the library, so this one was saved "
                            f"as {target.name}.")
        if not target.exists():
            target.write_bytes(data)
            written.append(target)
        keep.append(target)
    return keep, written, problems


def report_messages(report, visible: set[str] | None = None) -> list[tuple[str, str]]:
    """(level, sentence) for an IngestReport: what was added, what was skipped, each failure.

    ``visible`` holds the names of the papers the session may see (None: all); a duplicate of any other
    paper is reported without that paper's name."""
    out = []
    if report.ingested:
        out.append(("success", (f"Added {report.ingested} paper{'s' if report.ingested != 1 else ''}: "
                               f"{report.pages} pages, {report.items} agenda items, {report.minutes} minutes, "
                               f"{report.actions} action-log rows and {report.chunks} passages indexed in "
                               f"{report.seconds:.1f} s.")))
    if report.unchanged:
        out.append(("info", (f"{report.unchanged} paper{'s were' if report.unchanged != 1 else ' was'} already in "
                            "the library and unchanged.")))
    for name, same in report.duplicates:
        if visible is not None and same not in visible:
            out.append(("warning", f"{Path(name).name} is already in the library, so it was skipped."))
            continue
        out.append(("warning", (f"{Path(name).name} is the same file as {same}, which is already in the library, "
                               "so it was skipped.")))
    for _, reason in report.failed:
        out.append(("error", " ".join(str(reason).split())))
    return out


def say(messages: list[tuple[str, str]]) -> None:
    for level, text in messages:
        getattr(st, level)(esc(text))


def papers_tab(assistant, settings, who: Access) -> None:
    """Add papers (only for sessions that may upload) and the papers the session may see, item by item."""
    include_restricted = who.member
    registry = assistant.registry
    st.subheader("Add papers")
    if who.uploader:
        upload_form(assistant, settings, include_restricted)
    else:
        st.caption(esc(access.who_can_add(who.mode)))
    say(st.session_state.get("ingest-messages", []))

    docs = registry.documents(include_restricted)
    st.subheader("Papers in the library")
    if not docs:
        st.info(EMPTY_LIBRARY if who.uploader else "There are no papers in the library yet.")
        return
    items: dict[str, list[dict]] = {}
    for row in registry.items(filters_for(include_restricted)):
        items.setdefault(row.doc_id, []).append(row)
    find = st.text_input("Find a paper", key="papers-search", placeholder="Committee, date, file name or title")
    words = find.lower().split()
    docs = sorted(docs, key=lambda d: (d.meeting_date or "", d.source), reverse=True)
    shown = 0
    for doc in docs:
        hay = f"{doc.committee} {doc.meeting_date} {nice_date(doc.meeting_date)} " \
              f"{doc.source} {doc.title} {doc.doc_type} " + \
              " ".join(i.title or "" for i in items.get(doc.doc_id, []))
        if words and not all(w in hay.lower() for w in words):
            continue
        shown += 1
        paper_expander(doc, items.get(doc.doc_id, []), registry, include_restricted)
    st.caption(f"{shown} of {len(docs)} papers shown, newest meetings first.")


def upload_form(assistant, settings, include_restricted: bool) -> None:
    """The uploader: files, the exempt box (members only), and the ingest with its report."""
    with st.form("upload", clear_on_submit=True, border=True):
        files = st.file_uploader(
            "Agenda packs, minutes, reports or action logs", type=list(UPLOAD_TYPES), accept_multiple_files=True,
            max_upload_size=settings.max_upload_mb, key="upload-files",
            help=f"PDF, text or Markdown, up to {settings.max_upload_mb} MB each. Unchanged papers are skipped.")
        restricted = False
        if include_restricted:
            restricted = st.checkbox("These papers are exempt (not for publication)", key="upload-restricted")
        submitted = st.form_submit_button("Add to the library", type="primary", icon=":material/upload:")
    if submitted:
        if not files:
            st.session_state["ingest-messages"] = [("warning", "Choose one or more files to add first.")]
        else:
            st.session_state["ingest-messages"] = ingest_uploads(assistant, settings, files, restricted,
                                                                 include_restricted)
            st.rerun()  # the sidebar's committees and counts now include the new papers


def filters_for(include_restricted: bool):
    from index.filters import Filters

    return Filters(include_restricted=include_restricted)


def paper_expander(doc: dict, items: list[dict], registry, member: bool = False) -> None:
    kind = doc.doc_type or "paper"
    title = (f"{doc.committee or 'Committee not named'} · {nice_date(doc.meeting_date)} · {kind} — "
             f"{doc.source} ({doc.page_count or '?'} pages){' · exempt' if doc.restricted else ''}")
    box = st.expander(title, key=f"paper-{doc.doc_id}", on_change="rerun", icon=":material/folder_open:")
    with box:
        if not box.open:
            return
        facts = [f"Title: {doc.title or '—'}"]
        if doc.venue:
            facts.append(f"Venue: {doc.venue}")
        st.caption(esc(" · ".join(facts)))
        if items and doc.meeting_date:
            offer_download("Download the meeting briefing (Markdown)",
                           lambda d=doc: meeting_briefing(registry, d, member),
                           f"briefing-{safe_name(doc.committee or 'meeting')}-{doc.meeting_date}.md",
                           "text/markdown", f"brief-{doc.doc_id}", private=member,
                           help="Each item with its pages, the recommendation, key figures, earlier decisions "
                                "and open actions, every line cited.")
        if items:
            frame = pd.DataFrame([{"Item": i.item, "Title": i.title, "Pages": _pages(i.pages)}
                                  for i in items])
            st.dataframe(frame, hide_index=True, width="stretch")
            choice = st.selectbox("Open an item", range(len(items)), index=None, key=f"item-{doc.doc_id}",
                                  format_func=lambda n: f"Item {items[n].item}: {items[n].title} "
                                                        f"(pp. {_pages(items[n].pages)})",
                                  placeholder="Choose an item to see its first page")
            page = items[choice].pages[0] if choice is not None else None
        else:
            st.caption("No agenda items were found in this paper; choose a page to see it.")
            page = st.number_input("Page", min_value=1, max_value=max(1, doc.page_count or 1), value=None,
                                   step=1, key=f"page-{doc.doc_id}", placeholder="Page number")
        if page:
            show_page(doc.path, int(page), doc.doc_id, registry, doc.source, doc.page_count,
                      member=member)
            download_paper(doc.path, doc.source, int(page), key=f"dl-{doc.doc_id}", doc_id=doc.doc_id,
                           registry=registry, member=member)


def meeting_briefing(registry, doc: dict, member: bool = False) -> str:
    """The briefing ``committee brief`` writes, for the meeting of this paper, built with the session's role."""
    from assistant.registers import briefing

    return briefing(registry, doc.meeting_date, doc.committee, filters_for(member))


def merge_reports(a, b):
    """Two IngestReports as one (counts added, lists joined)."""
    from dataclasses import fields

    out = type(a)()
    for f in fields(a):
        setattr(out, f.name, getattr(a, f.name) + getattr(b, f.name))
    return out


def ingest_uploads(assistant, settings, files, restricted: bool, member: bool = False) -> list[tuple[str, str]]:
    """Save the uploaded files under data/uploads and ingest them with a progress bar.

    Only a member may publish or restrict: for anyone else ``restricted`` is False, and a file whose content
    is already in the library as an exempt paper stays exempt (it is ingested with restricted=True), so an
    upload can never publish an exempt paper."""
    from ingest.pipeline import file_hash

    restricted = restricted and member
    keep, written, messages = save_uploads(files, settings.data_dir / "uploads", settings.max_upload_mb)
    messages = [("warning" if m.startswith("A different file") else "error", m) for m in messages]
    if not keep:
        return messages
    stays_exempt: list[Path] = []
    if not member:
        exempt = {d.doc_id for d in assistant.registry.documents(True) if d.restricted}
        stays_exempt = [p for p in keep if file_hash(p)[:32] in exempt]
        keep = [p for p in keep if p not in stays_exempt]
    total = len(keep) + len(stays_exempt)
    bar = st.progress(0.0, text=f"Reading {total} file{'s' if total != 1 else ''}…")
    done = [0]

    def step(name: str) -> None:
        bar.progress(min(done[0] / total, 0.99), text=f"Reading {name} ({done[0] + 1} of {total})")
        done[0] += 1

    try:
        report = assistant.library.ingest(keep, restricted=restricted, progress=step)
        if stays_exempt:
            report = merge_reports(report, assistant.library.ingest(stays_exempt, restricted=True, progress=step))
    except Exception as exc:  # e.g. the store is locked or the disk is full
        log.exception("ingest failed")
        return messages + [("error", (f"The papers could not be added ({type(exc).__name__}: "
                                     f"{(str(exc).splitlines() or [''])[0][:200]}); please try again."))]
    finally:
        bar.progress(1.0, text="Done")
    dropped = {Path(f).resolve() for f, _ in report.failed} | {Path(f).resolve() for f, _ in report.duplicates}
    for path in written:  # a file that could not be read, or is already there, is not kept in uploads
        if path.resolve() in dropped:
            path.unlink(missing_ok=True)
    assistant.refresh()
    visible = {d.source for d in assistant.registry.documents(member)}
    return messages + report_messages(report, visible)


# ---- who is signing in ------------------------------------------------------------------------------------
@st.cache_resource
def sign_in_throttle() -> access.SignInThrottle:
    """One throttle for every browser session of this app process."""
    return access.SignInThrottle()


def _client_address() -> str | None:
    """The client's address for the sign-in throttle; None (one shared key) where Streamlit gives none: on
    localhost, in a test run, or behind a proxy it is the proxy's."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no address on this Streamlit
        return None
    return address.strip() or None if isinstance(address, str) else None  # a test run's stand-in is no address


def _secret(name: str) -> Mapping:
    """A section of the Streamlit secrets, or {} when there is none (or no secrets file at all)."""
    try:
        value = st.secrets.get(name)
    except Exception:  # noqa: BLE001 - no secrets.toml, or one that does not parse
        log.warning("could not read st.secrets[%r]", name, exc_info=True)
        return {}
    return value if isinstance(value, Mapping) else {}


def _has_secret(name: str) -> bool:
    try:
        return name in st.secrets
    except Exception:  # noqa: BLE001
        return False


def forget_session() -> None:
    """Drop what the last user saw or did: the conversation and upload messages (on sign-in and sign-out)."""
    st.session_state["turns"] = []
    st.session_state.pop("ingest-messages", None)


def _sign_out() -> None:
    st.session_state.pop("auth-user", None)
    forget_session()


def _viewing(who: Access) -> None:
    if who.user:
        st.markdown(f"Signed in as **{esc(who.user)}** · {esc(who.describe())}")
    st.caption("Viewing as a **member**: exempt papers are included." if who.member
               else "Viewing as the **public**: published papers only.")


def account_panel(mode: str, uploads_open: bool = False) -> Access:
    """The sidebar's sign-in (or who is signed in, and a sign-out button) for ``mode``; returns the session's
    access. Nobody signed in (or sign-in not set up) is the public."""
    if mode == access.PASSWORD:
        who = _password_panel()
    elif mode == access.OIDC:
        who = _oidc_panel()
    else:
        who = Access(mode=access.OPEN, uploads_open=uploads_open)
        _viewing(who)
    return who


def _password_panel() -> Access:
    users = _secret("committee_users")
    user = st.session_state.get("auth-user", "")
    roles = access.roles_of_user(users, user) if user else None
    if user and roles is None:  # taken out of the user list since signing in
        _sign_out()
        user = ""
    if user:
        who = Access(mode=access.PASSWORD, user=user, roles=frozenset(roles))
        _viewing(who)
        st.button("Sign out", on_click=_sign_out, key="auth-sign-out", icon=":material/logout:")
        return who
    who = Access(mode=access.PASSWORD)
    if not users:
        st.warning("Sign-in is not set up (no committee_users in the app's secrets), so everyone sees the "
                   "published papers only.")
    with st.form("sign-in", clear_on_submit=True, border=False):
        name = st.text_input("User name", key="auth-name", autocomplete="username")
        password = st.text_input("Password", type="password", key="auth-password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", icon=":material/login:")
    if submitted:
        address, throttle = _client_address(), sign_in_throttle()
        wait = throttle.begin(name, address)
        if wait > 0:  # not even checked, and the same words for every user name
            st.error(esc(throttle.refusal(wait)))
        elif access.roles_for_password(users, name, password) is not None:
            throttle.succeeded(name, address)
            forget_session()
            st.session_state["auth-user"] = name.strip()
            log.info("signed in: %s", name.strip())
            st.rerun()
        else:
            throttle.failed(name, address)  # logs the name and address, never the password
            st.error("That user name and password do not match; please try again.")
    _viewing(who)
    return who


def _oidc_panel() -> Access:
    try:
        info = dict(st.user.to_dict())
    except Exception:  # noqa: BLE001 - no user information on this host
        info = {}
    if info.get("is_logged_in") is True:
        roles = access.roles_for_oidc_user(_secret("committee_roles"), info)
        email = str(info.get("email") or "")
        who = Access(mode=access.OIDC, user=str(info.get("name") or email or "signed-in user"),
                     roles=frozenset(roles))
        _viewing(who)
        if email and email != who.user:
            st.caption(esc(email))
        if info.get("email_verified") is False:
            st.caption("Your sign-in provider has not verified your e-mail address, so you see the published "
                       "papers only.")
        if st.button("Sign out", key="auth-sign-out", icon=":material/logout:"):
            forget_session()
            st.logout()
        return who
    who = Access(mode=access.OIDC)
    import importlib.util

    if not _has_secret("auth"):
        st.warning("Sign-in is not set up (no [auth] section in the app's secrets), so everyone sees the "
                   "published papers only.")
    elif importlib.util.find_spec("authlib") is None:
        st.warning("Sign-in needs the Authlib package (pip install 'Authlib>=1.3.2'); until it is installed "
                   "everyone sees the published papers only.")
    elif st.button("Sign in", key="auth-sign-in", type="primary", icon=":material/login:"):
        try:
            st.login()
        except Exception as exc:  # noqa: BLE001 - a misconfigured provider is one sentence, not a traceback
            log.exception("sign-in could not start")
            st.error(esc(f"Sign-in could not start ({type(exc).__name__}); please tell the administrator."))
    _viewing(who)
    return who
