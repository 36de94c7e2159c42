"""The assistant on the real sample papers: grounded answers, citations, abstention, follow-ups, LLM checks."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pytest
from conftest import PACK_2018

from ingest.words import stem


@pytest.fixture(scope="module")
def assistant(library):
    from assistant.service import Assistant

    return Assistant(library.settings, library=library)


def test_resolution_question_cites_minute_98_pages_6_7(assistant):
    answer = assistant.ask("When did the committee agree to tender the Hauxton extra care contract?")
    assert not answer.abstained
    assert "It was resolved unanimously to agree to tender the care contract at Hauxton extra care scheme" in answer.answer
    assert "19 July 2018" in answer.answer
    first = answer.citations[0]
    assert (first.source, first.minute, first.pages, first.item) == (PACK_2018, "98", [6, 7], "2")
    assert first.label() == "Adults Committee · 6 Sep 2018 pack · item 2 · minute 98 · pp. 6–7"


def test_figure_question_quotes_the_figure(assistant):
    answer = assistant.ask("How many flats will the Willow Court extra care scheme in Whittlesey have, "
                           "and who is developing it?")
    assert not answer.abstained
    assert "60 flats" in answer.answer and "Longhurst" in answer.answer
    assert any(c.item == "4" and c.source == PACK_2018 for c in answer.citations)


def test_action_question_gives_owner_status_and_latest_comment(assistant):
    answer = assistant.ask("Where is the action on penalty clauses in the floating support contract?")
    assert not answer.abstained
    assert "Lisa Sparks" in answer.answer
    assert "Information is being sought and will be sent to Members shortly" in answer.answer
    assert answer.citations[0].pages == [12]


def test_unanswerable_question_abstains_and_names_what_was_searched(assistant):
    answer = assistant.ask("What weekly rent will tenants pay at Willow Court?")
    assert answer.abstained
    assert answer.answer.startswith("I could not find that in the papers")
    assert "Adults Committee" in answer.answer and "10 October 2019" in answer.answer
    assert answer.citations  # the nearest passages are shown


def test_every_citation_number_in_an_answer_exists(assistant):
    import re

    for q in ["What non-pay inflation rate is assumed for 2020-21 in the business planning paper?",
              "Who should I contact about the Think Communities report on the October 2019 agenda?"]:
        answer = assistant.ask(q)
        numbers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
        assert numbers and numbers <= {c.number for c in answer.citations}


def test_follow_up_is_understood_from_the_previous_question(assistant):
    first = "What does the Willow Court report recommend about the Hauxton contract?"
    answer = assistant.ask("and when did they agree to tender it?", history=[first])
    assert not answer.abstained
    assert "July 2018" in answer.answer
    assert any(c.minute == "98" or "Hauxton" in c.text for c in answer.citations)


def test_filters_are_applied_in_the_store_query(assistant):
    answer = assistant.ask("When did the committee agree to tender the Hauxton extra care contract?",
                           filters=assistant.base_filters(date_from="2019-01-01"))
    assert all(c.meeting_date >= "2019-01-01" for c in answer.citations if c.meeting_date)
    assert "meetings 2019-01-01" in answer.searched


def test_cli_ask_json_has_the_documented_fields(library):
    from click.testing import CliRunner

    from committee.cli import main

    result = CliRunner().invoke(main, ["--data", str(library.settings.data_dir), "ask", "--json",
                                       "When did the committee agree to tender the Hauxton extra care contract?"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{"):])
    assert set(data) == {"question", "answer", "abstained", "citations"}
    assert {"source", "pages", "committee", "meeting_date", "item", "item_title", "minute", "doc_type", "text",
            "score"} <= set(data["citations"][0])


# ---- the LLM path, against a real OpenAI-compatible HTTP endpoint on loopback ------------------------------

class _FakeOpenAI(BaseHTTPRequestHandler):
    reply = ""

    def do_POST(self):  # noqa: N802 - http.server naming
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        type(self).last_request = body
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for word in self.reply.split(" "):
                chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m",
                         "choices": [{"index": 0, "delta": {"role": "assistant", "content": word + " "},
                                      "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            return
        payload = {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                   "choices": [{"index": 0, "message": {"role": "assistant", "content": self.reply},
                                "finish_reason": "stop"}],
                   "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture()
def llm_assistant(library):
    from dataclasses import replace

    from assistant.service import Assistant

    server = HTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings = replace(library.settings, llm="openai", llm_model="test",
                       llm_base_url=f"http://127.0.0.1:{server.server_address[1]}/v1")
    yield Assistant(settings, library=library)
    server.shutdown()


def test_llm_answer_keeps_checked_sentences_and_drops_an_invented_figure(llm_assistant):
    _FakeOpenAI.reply = ("The committee agreed unanimously to tender the care contract at Hauxton extra care "
                         "scheme in July 2018 [1]. The contract is worth £9,999k a year [1]. "
                         "It was also discussed at length [7].")
    answer = llm_assistant.ask("When did the committee agree to tender the Hauxton extra care contract?")
    assert not answer.abstained
    assert "agreed unanimously to tender" in answer.answer
    assert "£9,999k" not in answer.answer and "[7]" not in answer.answer
    assert any("9,999" in f for f in answer.flagged) and any("[7]" in f for f in answer.flagged)
    prompt = _FakeOpenAI.last_request["messages"][-1]["content"]
    assert "[1] Adults Committee · 6 Sep 2018 pack · item 2 · minute 98" in prompt


def test_llm_answer_streams(llm_assistant):
    _FakeOpenAI.reply = "It was resolved unanimously to agree to tender the care contract [1]."
    answer, tokens = llm_assistant.ask_stream("When did the committee agree to tender the Hauxton contract?")
    text = "".join(tokens)
    assert "resolved unanimously" in text
    assert answer.answer == "It was resolved unanimously to agree to tender the care contract [1]."


def test_llm_saying_not_found_abstains(llm_assistant):
    _FakeOpenAI.reply = "I could not find that in the papers."
    answer = llm_assistant.ask("When did the committee agree to tender the Hauxton extra care contract?")
    assert answer.abstained


def test_sentences_are_compared_with_vectors_made_at_ingest(assistant, monkeypatch):
    """Answers read sentence vectors the ingest pooled from each chunk's model pass, so the model embeds the
    question and a short list of sentences at query time, not every sentence of every passage."""
    from assistant import extractive, tuning

    registry = assistant.registry
    stored = registry.db.execute("SELECT count(*) FROM unit_vectors").fetchone()[0]
    chunks = registry.db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    assert stored == chunks
    chunk_id, text = registry.db.execute(
        "SELECT chunk_id, text FROM chunks WHERE text LIKE '%60 flats%' LIMIT 1").fetchone()
    known = registry.unit_vectors([chunk_id])
    assert any("60 flats" in unit for unit in known) and all(v.shape == (384,) for v in known.values())
    embedded: list[int] = []
    encoder = assistant.library.vectors.embedder.encoder("queries")
    encode = encoder.encode
    monkeypatch.setattr(encoder, "encode", lambda texts, **kw: embedded.append(len(texts)) or encode(texts, **kw))
    answer = assistant.ask("How many flats will the Willow Court extra care scheme have?")
    assert "60 flats" in answer.answer
    units = sum(len(extractive.split_units(c.text)) for c in answer.citations)
    # the question, the shortlist, and at most one sentence per passage that runs on into the next chunk
    assert sum(embedded) <= 1 + tuning.SHORTLIST + len(answer.citations) < units


def test_ingest_keeps_term_counts_the_fts_vocabulary_agrees_with(assistant):
    registry = assistant.registry
    assert registry.term_counts_held()
    registry.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING fts5vocab(main, 'chunk_fts', 'row')")
    for word in ("hauxton", "willow", "council"):
        counted = registry.db.execute("SELECT chunks FROM term_counts WHERE term = ?", (stem(word),)).fetchone()[0]
        assert counted == registry.db.execute("SELECT doc FROM temp.v WHERE term = ?", (stem(word),)).fetchone()[0]
        assert assistant.retriever.rarity.df(stem(word)) == counted > 0


def test_the_saved_bm25_index_scores_as_fts5_does_and_is_never_read_once_stale(assistant):
    registry, lexical = assistant.registry, assistant.library.lexical
    generation = registry.chunk_generation()
    assert lexical.held(generation)
    for words in ("hauxton tender", "willow court flats", "delayed transfers care", "outturn variance"):
        fts, held = registry.lexical_search(words, 10), lexical.search(words, 10, generation)
        assert [h.score for h in held] == pytest.approx([h.score for h in fts], rel=1e-5)
        assert held[0].chunk_id == fts[0].chunk_id
        every = registry.lexical_search(words, 200, None, every_word=True)
        assert {h.chunk_id for h in lexical.search(words, 200, generation, every_word=True)} == {h.chunk_id for h in every}
    assert lexical.search("hauxton", 5, generation + 1) is None  # a registry that moved on: FTS5 answers


def test_dense_search_is_exact_over_the_saved_vectors_and_the_same_in_every_process(assistant, tmp_path, monkeypatch):
    """The saved matrix holds exactly Chroma's vectors; its top 40 is the brute-force top 40 (Chroma's graph is
    approximate, and rebuilt per process), a stale copy is never read, and above the size limit none is kept."""
    import index.dense as dense

    registry, vectors, exact = assistant.registry, assistant.library.vectors, assistant.library.exact
    generation = registry.chunk_generation()
    assert exact.held(generation)
    ids, matrix = vectors.all_vectors()
    assert len(ids) == vectors.count() == registry.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    matrix = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    question = "How large was the long-term care team's backlog in July 2018?"
    query = np.asarray(vectors.embedder.get_query_embedding(question), dtype=np.float32)
    scores = matrix @ query
    truth = [ids[i] for i in np.argsort(-scores, kind="stable")[:40]]
    found = assistant.retriever.dense_search(question, 40, None)
    assert [h.chunk_id for h in found] == truth
    assert [h.score for h in found] == pytest.approx(sorted(scores, reverse=True)[:40], abs=1e-5)
    assert exact.search(query, 5, generation + 1) is None  # a registry that moved on: Chroma answers
    monkeypatch.setattr(dense, "EXACT_MAX_CHUNKS", 10)  # a library too large for a scan keeps no copy
    small = dense.ExactVectors(tmp_path / "dense")
    assert small.build(vectors, generation) == 0 and not small.held(generation)


def test_words_most_chunks_hold_are_left_out_of_the_lexical_query(assistant):
    from assistant.tuning import COMMON_SHARE, NEVER_SHARE
    from ingest.words import tokens

    retriever = assistant.retriever
    question = "What did the council decide about the tender for extra care housing at Hauxton and Willow Court?"
    words = retriever.lexical_terms(question)
    assert {"hauxton", "willow"} <= set(words)
    assert "council" not in words  # in most chunks of the sample papers
    assert all(retriever.rarity.df(stem(w)) <= COMMON_SHARE * retriever.rarity.n for w in words)
    # a question made only of common words keeps its rarest ones, but never a word a quarter of chunks hold
    common = "care services for adults in the county council"
    kept = retriever.lexical_terms(common)
    assert kept and all(retriever.rarity.df(stem(w)) <= NEVER_SHARE * retriever.rarity.n for w in kept)
    assert any(retriever.rarity.df(stem(w)) > COMMON_SHARE * retriever.rarity.n for w in kept)
    assert [w for w in tokens(common) if retriever.rarity.df(stem(w)) > NEVER_SHARE * retriever.rarity.n]
