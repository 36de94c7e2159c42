"""The Decisions and Actions tabs: register records as filterable tables, each row opening its page."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import pandas as pd
import streamlit as st

from assistant import registers
from assistant.exports import csv_bytes
from ingest.records import Document
from ui.pages import download_paper, offer_download, show_page
from ui.text import EMPTY_LIBRARY, esc, page_span


# ---- registers ----------------------------------------------------------------------------------------
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
                          "Pages": page_span(r.pages or [])} for r in rows], columns=columns)


def actions_frame(rows: list) -> pd.DataFrame:
    columns = ["Meeting", "Minute", "Officer", "Action", "State", "Status", "Latest comment", "Review", "Log of",
               "Report", "Committee", "Paper", "Pages"]
    return pd.DataFrame([{"Meeting": r.meeting_date or "", "Minute": r.minute or "",
                          "Officer": r.owner or "", "Action": r.action or "",
                          "State": status_of(r), "Status": r.status_text,
                          "Latest comment": r.comments or "", "Review": r.review_date or "",
                          "Log of": r.log_date or "", "Report": r.report_title or "",
                          "Committee": r.committee or "", "Paper": r.source or "",
                          "Pages": page_span(r.pages or [])} for r in rows], columns=columns)


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def _register_controls(kind: str, rows: list, extra: Callable[[list], dict] | None = None,
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


def _register_table(kind: str, frame: pd.DataFrame, rows: list, total: int, registry, docs: dict[str, Document],
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


def _heading(title: str, caption: str, rows: list, what: str) -> bool:
    """A register tab's heading; False (with a note on how to add papers) when the register is empty."""
    st.subheader(title)
    st.caption(caption)
    if not rows:
        st.info(f"No {what} have been found in the papers yet. " + EMPTY_LIBRARY.split(". ", 1)[1])
    return bool(rows)


def decisions_tab(registry, include_restricted: bool, filters_cls) -> None:
    rows = registry.decisions(filters_cls(include_restricted=include_restricted))
    if not _heading("Decisions", "Every numbered minute the papers hold, with what was resolved and how the vote "
                    "went.", rows, "minutes"):
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
    if not _heading("Actions", "Rows of the action logs: the minute, the officer, the action, the latest comment "
                    "and its status.", rows, "action logs"):
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


