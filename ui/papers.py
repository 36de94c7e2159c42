"""The Papers tab: the library by meeting with items and briefings, and uploads that add papers to it."""
from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from assistant.registers import nice_date
from ingest.records import Document, ItemEntry
from ui import access
from ui.access import Access
from ui.pages import download_paper, offer_download, show_page
from ui.text import EMPTY_LIBRARY, esc, page_span

log = logging.getLogger("committee.app")
UPLOAD_TYPES = ("pdf", "txt", "md")



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
    items: dict[str, list[ItemEntry]] = {}
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


def paper_expander(doc: Document, items: list[ItemEntry], registry, member: bool = False) -> None:
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
            frame = pd.DataFrame([{"Item": i.item, "Title": i.title, "Pages": page_span(i.pages)}
                                  for i in items])
            st.dataframe(frame, hide_index=True, width="stretch")
            choice = st.selectbox("Open an item", range(len(items)), index=None, key=f"item-{doc.doc_id}",
                                  format_func=lambda n: f"Item {items[n].item}: {items[n].title} "
                                                        f"(pp. {page_span(items[n].pages)})",
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


