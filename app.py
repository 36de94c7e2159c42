"""The Streamlit app: ask the committee papers questions, browse the library, and read the registers.

    committee serve                                  # or: COMMITTEE_DATA=./data streamlit run app.py

Tabs: Chat (answers with citations to meeting, item, minute and page), Papers (upload and
ingest, agenda items with page ranges), Decisions and Actions (searchable registers, CSV).
The sidebar's filters apply to every question until they are changed. What is drawn lives in
ui/ (chat, pages, papers, registers, signin, text); this file wires settings, the cached assistant and the chat loop together.

Who sees what: the sidebar signs users in (COMMITTEE_AUTH=open|password|oidc, see ui/access.py)
and every read below (questions, registers, the papers list, page images, downloads, the export) runs
with that session's role through ``Filters(include_restricted=who.member)``. The assistant is shared by
every session and is never changed per user; Settings.role (COMMITTEE_ROLE) is not used by the app.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date

import streamlit as st

from committee.settings import Settings
from index.filters import Filters
from ui import access, chat, pages, papers, registers, signin, text
from ui.chat import Turn
from ui.text import esc

log = logging.getLogger("committee.app")
ALL_COMMITTEES, ALL_TYPES = "All committees", "All types of paper"
FILTER_DEFAULTS = {"f-committee": ALL_COMMITTEES, "f-from": None, "f-to": None, "f-type": ALL_TYPES}

st.set_page_config(page_title="Committee papers", page_icon=":material/account_balance:", layout="wide")
st.set_option("client.toolbarMode", "viewer")  # no developer menu for councillors and clerks
st.set_option("client.showErrorDetails", "type")  # should anything slip through: its name, never a traceback
# no toolbar CSV or clipboard copy on tables: its cells are not made safe for spreadsheets (the registers' own
# "Download … (CSV)" buttons are, assistant/exports.py)
st.set_option("client.disableDataExport", True)


@st.cache_resource(show_spinner="Opening the library of papers…")
def load_assistant(key: str, _settings: Settings):
    """One Assistant (embedding model, Chroma, SQLite) per server and settings; ``key`` names the data folder."""
    from assistant.service import Assistant

    if _settings.role != "public":
        log.warning("COMMITTEE_ROLE=%s is not applied to the app: each session's role comes from its sign-in "
                    "(COMMITTEE_AUTH)", _settings.role)
    return Assistant(_settings)


def clear_filters() -> None:
    st.session_state.update(FILTER_DEFAULTS)


def new_conversation() -> None:
    st.session_state["turns"] = []


settings = Settings.from_env()
try:
    auth = access.auth_mode(settings.auth)
except ValueError as exc:  # a typo must not change who sees what: say so and stop
    st.error(esc(str(exc)))
    st.stop()
settings = replace(settings, data_dir=settings.data_dir.resolve())
try:
    assistant = load_assistant(repr(settings), settings)
except Exception as exc:  # a locked store, a missing model, an unreachable Chroma server
    log.exception("could not open the library")
    st.error(esc(f"The library at {settings.data_dir} could not be opened ({type(exc).__name__}: "
                 f"{(str(exc).splitlines() or [''])[0][:200]}); check COMMITTEE_DATA and the Chroma settings, "
                 "then reload the page."))
    st.stop()

registry = assistant.registry
st.html(text.CSS)

# ---- sidebar: who is asking, and what every question searches ------------------------------------------
with st.sidebar:
    st.header("Committee papers")
    library_slot = st.container()
    who = signin.account_panel(auth, access.open_upload(settings.open_upload))
member = who.member  # every read of the registry, the stores and the pages below uses this, per session
if st.session_state.get("turns-owner") != who.owner:  # someone else, or other rights: start afresh
    signin.forget_session()
    clear_filters()  # a committee or type only exempt papers have is not offered any more
    st.session_state["turns-owner"] = who.owner
docs = registry.documents(member)
turns: list[Turn] = st.session_state.setdefault("turns", [])

with st.sidebar:
    with library_slot:
        page_total = sum(d.page_count or 0 for d in docs)
        st.caption(f"{len(docs)} paper{'s' if len(docs) != 1 else ''} · {page_total} pages in the library")
        if not settings.llm:
            st.info("No LLM configured: answers are quoted from the papers.", icon=":material/format_quote:")
        else:
            st.caption(f"Answers are written by {esc(settings.llm)} "
                       f"({esc(settings.llm_model or 'its default model')}) and every sentence is checked against "
                       "the papers it cites.")

    st.subheader("Filters")
    committees = sorted({d.committee for d in docs if d.committee})
    kinds = sorted({d.doc_type for d in docs if d.doc_type})
    committee = st.selectbox("Committee", [ALL_COMMITTEES, *committees], key="f-committee")
    low, high = date(1990, 1, 1), date(date.today().year + 10, 12, 31)
    date_from = st.date_input("Meetings from", value=None, min_value=low, max_value=high, key="f-from",
                              format="DD/MM/YYYY")
    date_to = st.date_input("Meetings up to", value=None, min_value=low, max_value=high, key="f-to",
                            format="DD/MM/YYYY")
    doc_type = st.selectbox("Type of paper", [ALL_TYPES, *kinds], key="f-type")
    filters = Filters(committee=None if committee == ALL_COMMITTEES else committee,
                      date_from=date_from.isoformat() if date_from else None,
                      date_to=date_to.isoformat() if date_to else None,
                      doc_type=None if doc_type == ALL_TYPES else doc_type, include_restricted=member)
    if date_from and date_to and date_from > date_to:
        st.warning("The first date is after the second, so no meeting can match.")
    st.caption(f"Every question searches: **{esc(filters.describe())}**, until you change the filters.")
    if filters != Filters(include_restricted=member):
        st.button("Clear filters", on_click=clear_filters, icon=":material/filter_alt_off:")

    st.subheader("Conversation")
    conversation_slot = st.container()

# ---- main ---------------------------------------------------------------------------------------------
st.title("Committee papers")
st.caption("Ask about agenda packs, minutes, reports and action logs. Every answer cites the meeting, agenda item, "
           "minute and page, so it can be checked in seconds.")
chat_tab, papers_tab, decisions_tab, actions_tab = st.tabs(["Chat", "Papers", "Decisions", "Actions"], key="page",
                                           on_change="rerun")


def answer_question(question: str) -> None:
    """Ask, show the answer as it comes (streamed when an LLM writes it), and keep it in the conversation."""
    turn = Turn(question=question, filters=filters.describe())
    index = len(turns)
    chat.show_question(question)
    with st.chat_message("assistant"):
        slot = st.empty()
        history = [t.question for t in turns if not t.error]
        try:
            with slot.container():
                with st.spinner("Searching the papers…"):
                    if settings.llm:
                        answer, chunks = assistant.ask_stream(question, history=history, filters=filters)
                    else:
                        answer = assistant.ask(question, history=history, filters=filters)
                if settings.llm:
                    st.write_stream(esc(chunk) for chunk in chunks)
            turn.answer = answer
        except Exception as exc:
            log.exception("question failed: %s", question)
            turn.error = chat.readable_error(exc, settings.llm, settings.llm_base_url)
        with slot.container():
            chat.show_answer(index, turn, registry, member)
    turns.append(turn)


if chat_tab.open:
    with chat_tab:
        if not docs:
            st.info(text.EMPTY_LIBRARY, icon=":material/upload_file:")
        intro = st.empty()
        if docs and not turns:
            intro.markdown("Ask about a decision, a figure, an action, or where something sits in a pack. Answers "
                           "quote the papers and cite where each sentence comes from; follow-up questions can build "
                           "on earlier ones. The filters on the left apply to every question.")
        for i, turn in enumerate(turns):
            chat.show_question(turn.question)
            with st.chat_message("assistant"):
                chat.show_answer(i, turn, registry, member)
        live = st.container()
    prompt = st.chat_input("Ask a question about the papers" if docs else "Add papers on the Papers tab first",
                           disabled=not docs, key="question", max_chars=2000)
    if prompt and prompt.strip():
        intro.empty()
        with live:
            answer_question(prompt.strip())

if papers_tab.open:
    with papers_tab:
        papers.papers_tab(assistant, settings, who)

if decisions_tab.open:
    with decisions_tab:
        registers.decisions_tab(registry, member, Filters)

if actions_tab.open:
    with actions_tab:
        registers.actions_tab(registry, member, Filters)

with conversation_slot:
    if turns:
        pages.offer_download("Export conversation (Markdown)", lambda: chat.conversation_markdown(turns, who.role),
                             f"committee-conversation-{date.today().isoformat()}.md", "text/markdown", "export",
                             private=who.member)  # a member's answers may quote exempt papers: never by URL
        st.button("New conversation", on_click=new_conversation, icon=":material/restart_alt:")
    else:
        st.caption("Questions and answers will be kept here while this page is open, ready to export with "
                   "their citations.")
