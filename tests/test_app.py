"""The Streamlit app, run by streamlit.testing on the real sample papers: chat with citations, filters that
hold across questions, the registers, uploads with a progress report, the empty library, and an LLM that streams."""
from __future__ import annotations

import html
import json
import os
import re
import threading
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from conftest import PACK_2018, ROOT

QUESTION = "When did the committee agree to tender the Hauxton extra care contract?"
APP = str(ROOT / "app.py")


@contextmanager
def committee_env(**values):
    """COMMITTEE_* variables for the app while a test runs; the caller's environment comes back afterwards."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("COMMITTEE_")}
    for k in saved:
        del os.environ[k]
    os.environ.update({k: str(v) for k, v in values.items()})
    try:
        yield
    finally:
        for k in [k for k in os.environ if k.startswith("COMMITTEE_")]:
            del os.environ[k]
        os.environ.update(saved)


def plain(text: str) -> str:
    """What a reader sees of a Markdown source: no tags, no bold marks, no backslash escapes."""
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"(?<!\\)\*\*", "", text)
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


def shown(at) -> str:
    """All the text on the page, as a reader would see it."""
    parts = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success"):
        parts += [plain(e.value) for e in getattr(at, kind)]
    parts += [e.label for e in at.expander]
    return "\n".join(parts)


def start():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture()
def app(library, settings):
    with committee_env(COMMITTEE_DATA=settings.data_dir):
        yield start()


def ask(at, question: str):
    at.chat_input(key="question").set_value(question).run()
    assert not at.exception, at.exception
    return at.session_state["turns"][-1]


# ---- chat ---------------------------------------------------------------------------------------------
def test_answer_cites_minute_98_pages_6_7_of_the_2018_pack(app):
    assert "No LLM configured: answers are quoted from the papers" in shown(app)
    turn = ask(app, QUESTION)
    assert not turn.answer.abstained
    text = shown(app)
    assert "It was resolved unanimously to agree to tender the care contract at Hauxton extra care scheme" in text
    assert "19 July 2018" in text
    assert "[1] Adults Committee · 6 Sep 2018 pack · item 2 · minute 98 · pp. 6–7" in text
    assert f"{PACK_2018} · pages 6–7" in text
    assert "Filters in force: all papers" in text
    # the question's words are highlighted in the passages, and the passage's own text is escaped
    passages = [m.value for m in app.markdown if "class='passage'" in m.value]
    assert len(passages) == len(turn.answer.citations)
    assert any("<mark>Hauxton</mark>" in p for p in passages)
    assert [len(app.chat_message), app.chat_message[0].name, app.chat_message[1].name] == [2, "user", "assistant"]
    assert [b.label for b in app.sidebar.get("download_button")] == ["Export conversation (Markdown)"]


def test_opening_a_citation_shows_the_page_and_keeps_the_conversation(app):
    ask(app, QUESTION)
    assert not app.get("image")
    app.session_state["t0-c1-open"] = True  # the user opens "See pages 6–7 of the paper" under source [1]
    app.run()
    assert not app.exception
    images = app.get("image")
    assert len(images) == 1
    assert [b.options for b in app.get("button_group")] == [["p. 6", "p. 7"]]
    assert len(app.session_state["turns"]) == 1 and len(app.chat_message) == 2
    assert "[1] Adults Committee · 6 Sep 2018 pack · item 2 · minute 98 · pp. 6–7" in shown(app)


def test_follow_up_uses_the_earlier_question(app):
    ask(app, QUESTION)
    turn = ask(app, "Was that decision unanimous?")
    assert len(app.session_state["turns"]) == 2 and len(app.chat_message) == 4
    assert turn.answer is not None and not turn.error


def test_a_date_filter_changes_the_answer_and_is_stated_and_the_conversation_stays(app):
    first = ask(app, QUESTION)
    app.sidebar.date_input(key="f-from").set_value(date(2019, 1, 1)).run()
    assert "Every question searches: meetings 2019-01-01 to …" in shown(app)
    assert len(app.chat_message) == 2  # changing a filter does not reset the conversation
    second = ask(app, QUESTION)
    assert len(app.session_state["turns"]) == 2 and len(app.chat_message) == 4
    assert second.filters == "meetings 2019-01-01 to …"
    assert "Filters in force: meetings 2019-01-01 to …" in shown(app)
    cited = [(c.source, c.minute) for c in second.answer.citations]
    assert (PACK_2018, "98") not in cited and all(c.meeting_date >= "2019-01-01" for c in second.answer.citations)
    assert second.answer.answer != first.answer.answer
    if second.answer.abstained:
        assert "filters: meetings 2019-01-01 to …" in second.answer.answer
    # the first answer is still there, as it was
    assert "[1] Adults Committee · 6 Sep 2018 pack · item 2 · minute 98 · pp. 6–7" in shown(app)
    # clearing the filters brings back all papers
    next(b for b in app.sidebar.button if b.label == "Clear filters").click().run()
    assert "Every question searches: all papers" in shown(app)


def test_a_committee_filter_is_applied(app):
    app.sidebar.selectbox(key="f-committee").set_value("Adults Committee").run()
    turn = ask(app, QUESTION)
    assert turn.filters == "committee Adults Committee"
    assert turn.answer.citations and all(c.committee == "Adults Committee" for c in turn.answer.citations)
    assert "Filters in force: committee Adults Committee" in shown(app)


def test_a_document_type_filter_is_applied(app):
    app.sidebar.selectbox(key="f-type").set_value("presentation").run()
    turn = ask(app, QUESTION)
    assert turn.filters == "presentation papers"
    assert "Filters in force: presentation papers" in shown(app)
    assert all(c.doc_type == "presentation" for c in turn.answer.citations)


# ---- registers ------------------------------------------------------------------------------------------
def test_decisions_tab_holds_minute_98_and_searches(app):
    app.session_state["page"] = "Decisions"
    app.run()
    assert not app.exception
    table = app.dataframe[0].value
    row = table[table["Minute"] == "98"].iloc[0]
    assert "agree to tender the care contract at Hauxton" in row["Resolution"]
    assert (row["Paper"], row["Pages"], row["Meeting"]) == (PACK_2018, "6–7", "2018-07-19")
    app.text_input(key="decisions-search").set_value("hauxton").run()
    assert list(app.dataframe[0].value["Minute"]) == ["98"]
    app.session_state["decisions-table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()  # selecting the row shows its page
    assert not app.exception and len(app.get("image")) == 1
    assert f"{PACK_2018}, page 6" in shown(app)
    assert any(b.label == "Download these minutes (CSV)" for b in app.get("download_button"))


def test_actions_tab_holds_lisa_sparks_and_filters_by_officer(app):
    app.session_state["page"] = "Actions"
    app.run()
    assert not app.exception
    table = app.dataframe[0].value
    assert "Lisa Sparks" in set(table["Officer"])
    lisa = table[table["Officer"] == "Lisa Sparks"].iloc[0]
    assert lisa["Minute"] == "100" and "penalty clauses" in lisa["Action"]
    app.multiselect(key="actions-owner").set_value(["Lisa Sparks"]).run()
    assert set(app.dataframe[0].value["Officer"]) == {"Lisa Sparks"}
    app.multiselect(key="actions-owner").set_value([]).run()
    app.multiselect(key="actions-status").set_value(["complete"]).run()
    assert set(app.dataframe[0].value["State"]) == {"complete"}
    assert any(b.label == "Download these actions (CSV)" for b in app.get("download_button"))


def test_papers_tab_lists_meetings_with_items_and_opens_one(app):
    app.session_state["page"] = "Papers"
    app.run()
    labels = [e.label for e in app.expander]
    pack = next(label for label in labels if PACK_2018 in label)
    assert pack.startswith("Adults Committee · 6 Sep 2018 · agenda pack")
    doc_id = next(d.doc_id for d in _documents() if d.source == PACK_2018)
    app.session_state[f"paper-{doc_id}"] = True
    app.run()
    items = app.dataframe[0].value
    assert {"Item", "Title", "Pages"} <= set(items.columns) and "4" in set(items["Item"])
    app.selectbox(key=f"item-{doc_id}").set_value(1).run()  # item 4, Willow Court: its first page
    assert not app.exception and len(app.get("image")) == 1
    buttons = [b.proto.label for b in app.get("download_button")]
    assert "Download the meeting briefing (Markdown)" in buttons


def test_meeting_briefing_offered_in_the_app_is_the_cli_briefing(library):
    from ui import papers

    registry = library.registry
    doc = next(d for d in registry.documents() if d.source == PACK_2018)
    text = papers.meeting_briefing(registry, doc)
    assert text.startswith("# Adults Committee — 6 Sep 2018")
    assert "## Item 4:" in text and "## Item 9:" in text


def _documents():
    from committee.settings import Settings
    from index.registry import Registry

    return Registry(Settings.from_env().registry_path).documents()


# ---- an empty library, then uploads ------------------------------------------------------------------------
MINUTES = b"""# Highways and Transport Committee

Minutes of the meeting held on 5 March 2020 at Shire Hall, Cambridge.

1. APOLOGIES FOR ABSENCE
Apologies were received from Councillor Smith.

2. POTHOLE REPAIR PROGRAMME
The Committee considered the pothole repair programme for 2020-21. It was resolved unanimously to approve
the pothole repair programme and the budget of 1.2 million pounds.
"""


def test_empty_library_says_how_to_add_papers_then_an_upload_is_ingested(tmp_path, library):
    data = tmp_path / "empty-data"
    with committee_env(COMMITTEE_DATA=data, COMMITTEE_OPEN_UPLOAD=1):  # open mode: uploads only when allowed
        at = start()
        text = shown(at)
        assert "There are no papers in the library yet" in text
        assert "Papers tab" in text and "committee ingest PATH" in text
        assert at.chat_input(key="question").proto.disabled
        at.session_state["page"] = "Papers"
        at.run()
        at.file_uploader(key="upload-files").set_value([
            ("highways-minutes-2020-03-05.md", MINUTES, "text/markdown"),
            ("broken.pdf", b"this is not a pdf", "application/pdf"),
            ("../../escape.txt", b"", "text/plain"),
        ])
        next(b for b in at.button if b.label == "Add to the library").click().run()
        assert not at.exception, at.exception
        successes = [plain(s.value) for s in at.success]
        errors = [plain(e.value) for e in at.error]
        assert len(successes) == 1 and successes[0].startswith("Added 1 paper:")
        assert any(e.startswith("broken.pdf: not a PDF") for e in errors), errors
        assert any(e.startswith("../../escape.txt was not added: the file is empty") for e in errors), errors
        assert all("\n" not in e and "Traceback" not in e for e in errors)
        assert sorted(p.name for p in (data / "uploads").iterdir()) == ["highways-minutes-2020-03-05.md"]
        assert any("highways-minutes-2020-03-05.md" in e.label for e in at.expander)
        assert "1 paper · " in shown(at)  # the sidebar counts the new paper
        # and the chat now answers from it
        at.session_state["page"] = "Chat"
        at.run()
        assert not at.chat_input(key="question").proto.disabled
        turn = ask(at, "What was resolved about the pothole repair programme?")
        assert any(c.source == "highways-minutes-2020-03-05.md" for c in turn.answer.citations)


# ---- with an LLM: streamed, checked, and a failing LLM is one sentence -----------------------------------------
class _FakeOpenAI(BaseHTTPRequestHandler):
    reply = "It was resolved unanimously to agree to tender the care contract at Hauxton [1]. It cost £9,999k [1]."

    def do_POST(self):  # noqa: N802 - http.server naming
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        assert body.get("stream"), "the app streams"
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for word in self.reply.split(" "):
            chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m",
                     "choices": [{"index": 0, "delta": {"role": "assistant", "content": word + " "},
                                  "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args):
        pass


def test_llm_answer_is_streamed_and_checked(library, settings):
    server = HTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with committee_env(COMMITTEE_DATA=settings.data_dir, COMMITTEE_LLM="openai", COMMITTEE_LLM_MODEL="test",
                           COMMITTEE_LLM_BASE_URL=f"http://127.0.0.1:{server.server_address[1]}/v1"):
            at = start()
            text = shown(at)
            assert "No LLM configured" not in text and "Answers are written by openai (test)" in text
            turn = ask(at, QUESTION)
    finally:
        server.shutdown()
    assert not turn.error and not turn.answer.abstained
    assert turn.answer.answer.startswith("It was resolved unanimously to agree to tender the care contract")
    assert "£9,999k" not in turn.answer.answer and turn.answer.flagged
    text = shown(at)
    assert "sentence of the model's draft left out because the sources did not support them" in text
    assert "[1] Adults Committee · 6 Sep 2018 pack · item 2 · minute 98 · pp. 6–7" in text


def test_an_unreachable_llm_is_one_readable_sentence(library, settings):
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with committee_env(COMMITTEE_DATA=settings.data_dir, COMMITTEE_LLM="openai", COMMITTEE_LLM_MODEL="down",
                       COMMITTEE_LLM_BASE_URL=f"http://127.0.0.1:{port}/v1"):
        at = start()
        turn = ask(at, QUESTION)
    assert turn.error.startswith("The language model (openai at http://127.0.0.1:")
    assert [plain(e.value) for e in at.error] == [turn.error]
    assert "Traceback" not in shown(at)


# ---- the pure helpers ----------------------------------------------------------------------------------------
def test_highlight_escapes_html_and_marks_question_words():
    from ui.text import highlight

    out = highlight("<script>alert(1)</script> The Committee agreed to tender\n the contracts & more.",
                    "When did they agree to tender the contract?")
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp; more" in out
    assert "<mark>agreed</mark>" in out and "<mark>tender</mark>" in out and "<mark>contracts</mark>" in out
    assert "<mark>Committee</mark>" not in out  # generic words are not highlighted


def test_markdown_escape_leaves_no_markup():
    from ui.text import answer_markdown, esc

    assert esc("**bold** $5 <b> :red[x]") == "\\*\\*bold\\*\\* \\$5 &lt;b&gt; \\:red\\[x\\]"
    assert answer_markdown("Cost £5m [1]\nNext [2]").count("<span class='cite-no'>") == 2


def test_conversation_export_has_questions_answers_and_citations(library):
    from assistant.service import Assistant
    from ui.chat import Turn, conversation_markdown

    answer = Assistant(library.settings, library=library).ask(QUESTION)
    md = conversation_markdown([Turn(QUESTION, "all papers", answer), Turn("Broken?", "all papers", error="Oops.")])
    assert md.startswith("# Questions to the committee papers")
    assert f"## 1. {QUESTION}" in md and "filters: all papers" in md
    assert "[1] Adults Committee · 6 Sep 2018 pack · item 2 · minute 98 · pp. 6–7 — " + PACK_2018 in md
    assert "#page=6" in md and "> Oops." in md


def test_uploads_cannot_leave_the_uploads_folder_and_names_do_not_clash(tmp_path):
    from ui.papers import save_uploads

    class Upload:
        def __init__(self, name, data):
            self.name, self.data = name, data

        def getvalue(self):
            return self.data

    uploads = tmp_path / "uploads"
    keep, written, problems = save_uploads([Upload("../../etc/minutes.md", b"one"), Upload("minutes.md", b"two"),
                                            Upload("minutes.md", b"one"), Upload("notes.docx", b"x")], uploads, 1)
    assert [p.name for p in keep] == ["minutes.md", "minutes-2.md", "minutes.md"]
    assert all(p.parent == uploads for p in keep) and len(written) == 2
    assert problems[0] == "A different file called minutes.md is already in the library, so this one was saved " \
                          "as minutes-2.md."
    assert problems[1].startswith("notes.docx was not added: only PDF, text (.txt) and Markdown (.md)")
    assert not (tmp_path / "etc").exists() and Path(uploads / "minutes.md").read_bytes() == b"one"
