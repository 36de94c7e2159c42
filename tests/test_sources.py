"""Papers fetched from a council's publishing system: the parsers of ModernGov XML, Legistar JSON and feeds (fast),
the careful fetcher against a loopback server with every fault (fast), and sync end to end (slow): the source's
facts win, a second sync asks conditionally and re-ingests only what changed, and a sync killed mid-way resumes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from sources_server import FIXTURES, LG, MG, Fixture, council_papers, make_pdf, report_1002, serve

from ingest.sources import feed, legistar, moderngov
from ingest.sources.http import Fetcher, FetchError
from ingest.sources.models import SourceFacts

ROOT = Path(__file__).resolve().parents[1]
BASE = "http://council.test"


def _fixture(name: str) -> str:
    return (FIXTURES / name).read_text().replace("{base}", BASE)


def _quick(settings):
    return replace(settings, source_delay=0.0, source_timeout=1.0, source_retries=1, source_backoff=0.05,
                   source_recheck_days=0)


@pytest.fixture()
def server():
    fixture = Fixture(documents=council_papers())
    httpd = serve(fixture)
    yield fixture
    for _, release in fixture.block.values():
        release.set()
    httpd.shutdown()


# ---- parsers (fast) ------------------------------------------------------------------------------
def test_moderngov_committees_and_meetings_are_read_with_iso_dates():
    committees = moderngov.parse_committees(_fixture("moderngov_committees.xml"))
    assert [(c.id, c.title) for c in committees] == [("12", "Planning Committee"),
                                                      ("30", "Licensing & Appeals Committee")]
    meetings = moderngov.parse_meetings(_fixture("moderngov_meetings.xml"))
    assert [(m.id, m.date) for m in meetings] == [("101", "2026-03-04"), ("90", "2019-01-14")]  # bad date left out


def test_moderngov_meeting_gives_each_linked_document_its_item_and_the_exempt_one_restricted():
    docs = moderngov.parse_meeting(_fixture("moderngov_meeting_101.xml"), "Planning Committee")
    assert [d.url.rsplit("=", 1)[1] for d in docs] == ["1001", "1002", "1003", "1004"]  # the repeat is dropped
    by_id = {d.url.rsplit("=", 1)[1]: d for d in docs}
    assert by_id["1002"].facts == SourceFacts(committee="Planning Committee", meeting_date="2026-03-04",
                                              item_number="5", item_title="Land at Mill Lane & Station Road",
                                              title="Report of the Head of Planning")
    assert by_id["1001"].doc_type == "minutes"
    assert [d.facts.restricted for d in docs] == [False, False, False, True]
    assert len({d.key for d in docs}) == 4 and len({d.filename() for d in docs}) == 4


def test_moderngov_soap_envelope_reads_the_same():
    (doc,) = moderngov.parse_meeting(_fixture("moderngov_meeting_soap.xml"), "")
    assert (doc.facts.committee, doc.facts.meeting_date, doc.facts.item_number) == ("Planning Committee",
                                                                                    "2019-01-14", "3")


def test_legistar_events_items_and_confidential_attachments():
    (event,) = legistar.parse_events(_fixture("legistar_events.json"))
    assert (event.id, event.body, event.date) == (501, "City Council", "2026-02-10")
    files = legistar.event_documents(event)
    assert [(d.doc_type, d.url) for d in files] == [("agenda", f"{BASE}/legistar/files/agenda-501.pdf"),
                                                    ("minutes", f"{BASE}/legistar/files/minutes-501.pdf")]
    items = legistar.parse_event_items(_fixture("legistar_eventitems_501.json"), event)
    assert [(d.facts.item_number, d.facts.title, d.facts.restricted) for d in items] == [
        ("5.", "Staff report - harbour wall", False), ("5.", "Confidential legal advice", True),
        ("5.", "Consultant's survey", False)]
    assert items[0].facts.item_title == "Budget amendment for the harbour wall repairs"
    assert all(d.facts.meeting_date == "2026-02-10" and d.facts.committee == "City Council" for d in items)


def test_feed_entries_give_their_pdf_links_only():
    entries = feed.parse_feed(_fixture("feed.atom"))
    assert [(e.title, e.category, e.links) for e in entries] == [
        ("Parks Committee agenda, 18 February 2026", "Parks Committee",
         (f"{BASE}/feed/parks-agenda-2026-02-18.pdf",)),
        ("Notice of a meeting", "", (f"{BASE}/feed/notice.pdf",)),
        ("News: the library reopens", "", ())]


def test_rss_enclosures_and_pdf_links_are_read_too():
    entries = feed.parse_feed(_fixture("feed.rss"))
    assert [(e.title, e.category, e.links) for e in entries] == [
        ("Licensing Sub-Committee report pack", "Licensing Sub-Committee", (f"{BASE}/papers/4411/pack.pdf",)),
        ("Cabinet decisions", "", (f"{BASE}/papers/4412/decisions.pdf",))]


def test_source_facts_win_over_the_parser_and_each_disagreement_is_one_line():
    from ingest.models import Paper

    paper = Paper("d", "report.pdf", "/x/report.pdf", "report", "Report", "Cabinet", "2025-01-01", "", 1)
    lines = SourceFacts(committee="Planning Committee", meeting_date="2026-03-04", title="Report of the Head").apply(
        paper)
    assert (paper.committee, paper.meeting_date, paper.title) == ("Planning Committee", "2026-03-04",
                                                                  "Report of the Head")
    assert (paper.committee_from, paper.date_from) == ("source", "source")
    assert len(lines) == 2 and all(line.startswith("report.pdf: the source gives") for line in lines)
    assert SourceFacts().apply(paper) == [] and paper.committee == "Planning Committee"  # unstated: kept


# ---- the fetcher against the loopback server (fast) ----------------------------------------------------
def test_download_conditional_requests_retry_and_every_fault_is_one_line(server, settings, tmp_path):
    fetcher = Fetcher(_quick(settings))
    url = server.base + MG + "1001"
    got = fetcher.download(url, tmp_path / "a.pdf")
    assert got.changed and got.etag and (tmp_path / "a.pdf").read_bytes() == server.documents[MG + "1001"]
    again = fetcher.download(url, tmp_path / "a.pdf", got.etag, got.last_modified, got.content_hash)
    assert not again.changed and server.hits[-1] == (MG + "1001", 304)

    server.no_etag.add("/feed/parks-agenda-2026-02-18.pdf")
    feed_url = server.base + "/feed/parks-agenda-2026-02-18.pdf"
    got = fetcher.download(feed_url, tmp_path / "p.pdf")
    assert not fetcher.download(feed_url, tmp_path / "p.pdf", "", got.last_modified, got.content_hash).changed
    assert server.hits[-1][1] == 304  # If-Modified-Since

    server.plain.add(MG + "1004")  # no validators: the same content is recognised by its hash
    got = fetcher.download(server.base + MG + "1004", tmp_path / "d.pdf")
    before = (tmp_path / "d.pdf").stat().st_mtime_ns
    again = fetcher.download(server.base + MG + "1004", tmp_path / "d.pdf", "", "", got.content_hash)
    assert not again.changed and server.hits[-1][1] == 200 and (tmp_path / "d.pdf").stat().st_mtime_ns == before

    server.fail_once.add(MG + "1003")
    assert fetcher.download(server.base + MG + "1003", tmp_path / "c.pdf").changed  # 500, then success
    assert [s for p, s in server.hits if p == MG + "1003"] == [500, 200]

    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4 the copy held\n%%EOF")
    server.truncated.add(MG + "1002")
    server.slow.add(LG + "staff-report-7701.pdf")
    server.html.add("/feed/notice.pdf")
    cases = [(MG + "1002", "b.pdf", "cut short"), (LG + "staff-report-7701.pdf", "s.pdf", "COMMITTEE_SOURCE_TIMEOUT"),
             ("/feed/notice.pdf", "n.pdf", "is not a PDF")]
    for path, name, words in cases:
        with pytest.raises(FetchError) as caught:
            fetcher.download(server.base + path, tmp_path / name)
        line = str(caught.value)
        assert "\n" not in line and line.startswith(server.base + path) and words in line, line
    assert (tmp_path / "b.pdf").read_bytes() == b"%PDF-1.4 the copy held\n%%EOF"  # left as it was
    assert not (tmp_path / "s.pdf").exists() and not (tmp_path / "n.pdf").exists()
    assert not list(tmp_path.glob(".part-*"))


def test_requests_are_spaced_by_the_delay(server, settings):
    fetcher = Fetcher(replace(_quick(settings), source_delay=0.3))
    start = time.monotonic()
    for _ in range(3):
        fetcher.text(server.base + "/feed.atom")
    assert time.monotonic() - start >= 0.6


def test_source_add_list_and_dry_run_fetch_nothing(server, tmp_path):
    from committee.cli import main

    run = CliRunner().invoke
    data = ["--data", str(tmp_path / "data")]
    env = {"COMMITTEE_LEGISTAR_API": server.base + "/legistar/v1", "COMMITTEE_SOURCE_DELAY": "0"}
    assert run(main, [*data, "source", "add", "moderngov", server.base + "/mg", "--committee",
                      "Planning Committee", "--from", "2025-01-01"], env=env).exit_code == 0
    assert run(main, [*data, "source", "add", "legistar", "lakeview"], env=env).exit_code == 0
    bad = run(main, [*data, "source", "add", "feed", "papers.atom"], env=env)
    assert bad.exit_code == 2 and "not a web address" in bad.output
    result = run(main, [*data, "sync", "--dry-run"], env=env)
    assert result.exit_code == 0, result.output
    assert f"would fetch {server.base}{MG}1004" in result.output
    assert not any(p.endswith(".pdf") or "ID=" in p for p, _ in server.hits)  # listings only
    listing = run(main, [*data, "sources"], env=env).output
    assert "moderngov" in listing and "last sync never" in listing


def test_a_source_that_cannot_be_listed_is_one_line_and_keeps_its_last_sync(server, settings, tmp_path):
    from index.sources import SourceStore
    from ingest.sources.sync import sync

    quick = replace(_quick(settings), data_dir=tmp_path / "data", legistar_api=server.base + "/nowhere")
    store = SourceStore(quick.sources_path)
    store.add("moderngov", server.base + "/mg", "Scrutiny Board")
    store.add("legistar", "lakeview")
    reports = sync(quick)  # nothing fetched, so no library (and no model) is needed
    lines = [r.failed for r in reports]
    assert lines == [[f"{server.base}/mg/mgWebService.asmx: lists no committee called 'Scrutiny Board'; check the "
                      "name as the site spells it."],
                     [f"{server.base}/nowhere/lakeview/events: the server answered 404; check the address."]]
    assert [(s.last_sync, s.last_error) for s in store.sources()] == [(None, lines[0][0]), (None, lines[1][0])]


# ---- sync end to end (slow: the real model) ------------------------------------------------------------
def _sources(library, server):
    from index.sources import SourceStore

    settings = replace(_quick(library.settings), legistar_api=server.base + "/legistar/v1")
    store = SourceStore(settings.sources_path)
    store.add("moderngov", server.base + "/mg", "Planning Committee", "2025-01-01")
    return settings, store


def _by_file(library) -> dict[str, dict]:
    return {Path(d.path).name: d for d in library.registry.documents(include_restricted=True)}


@pytest.mark.slow
def test_sync_ingests_with_the_sources_facts_and_a_second_sync_takes_only_what_changed(fresh_library, server):
    from ingest.sources.sync import sync

    settings, store = _sources(fresh_library, server)
    store.add("legistar", "lakeview")
    store.add("feed", server.base + "/feed.atom")
    server.fail_once.add(MG + "1003")
    server.truncated.add(LG + "minutes-501.pdf")
    server.slow.add(LG + "staff-report-7701.pdf")
    server.html.add("/feed/notice.pdf")
    server.no_etag.add("/feed/parks-agenda-2026-02-18.pdf")

    first = sync(settings, library=fresh_library)
    failed = [line for r in first for line in r.failed]
    assert len(failed) == 3, failed  # one line each, naming the URL; the others are all ingested
    for path in (LG + "minutes-501.pdf", LG + "staff-report-7701.pdf", "/feed/notice.pdf"):
        assert sum(line.startswith(server.base + path) for line in failed) == 1
    assert [r.ingested for r in first] == [4, 3, 1]
    docs = _by_file(fresh_library)
    assert len(docs) == 8
    report = next(d for name, d in docs.items() if "report-of-the-head-of-planning" in name)
    assert (report.committee, report.meeting_date) == ("Planning Committee", "2026-03-04")  # not Cabinet 2025
    assert any("the paper reads 'Cabinet'" in n for n in first[0].notes)
    restricted = sorted(name for name, d in docs.items() if d.restricted)
    assert len(restricted) == 2 and "exempt-appendix" in restricted[0] + restricted[1]
    assert any("confidential-legal-advice" in name for name in restricted)
    assert {d.meeting_date for n, d in docs.items() if "city-council" in n} == {"2026-02-10"}

    server.documents[MG + "1002"] = report_1002(changed=True)
    server.truncated.clear()
    server.slow.clear()
    server.hits.clear()
    second = sync(settings, library=fresh_library)
    assert [line for r in second for line in r.failed] == [f"{server.base}/feed/notice.pdf: is not a PDF (it starts "
                                                           f"b'<!DOC'); open it in a browser to see what the server "
                                                           "sends."]
    assert [r.ingested for r in second] == [1, 2, 0]  # the changed report, the two that failed before
    statuses = dict(server.hits)
    assert statuses[MG + "1001"] == 304 and statuses["/feed/parks-agenda-2026-02-18.pdf"] == 304
    assert statuses[MG + "1002"] == 200
    docs = _by_file(fresh_library)
    assert len(docs) == 10  # the changed report replaced its old version: no duplicate
    report = next(d for name, d in docs.items() if "report-of-the-head-of-planning" in name)
    assert "36 homes" in fresh_library.registry.page_text(report.doc_id, 1)
    counts = {s.kind: store.counts(s.id) for s in store.sources()}
    assert counts["feed"] == {"new": 0, "pending": 0, "ingested": 1, "failed": 1}


@pytest.mark.slow
def test_a_sync_killed_mid_way_resumes_and_completes(fresh_library, server):
    from ingest.sources.sync import sync

    settings, store = _sources(fresh_library, server)
    reached, release = threading.Event(), threading.Event()
    server.block[MG + "1003"] = (reached, release)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COMMITTEE_SOURCE_DELAY": "0", "COMMITTEE_SOURCE_RETRIES": "0"}
    child = subprocess.Popen([sys.executable, "-m", "committee.cli", "--data", str(settings.data_dir), "sync"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert reached.wait(60), child.communicate(timeout=5)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(30) == -signal.SIGKILL
    finally:
        release.set()
    held = {s.url.rsplit("=", 1)[1]: s for s in store.documents(1)}
    assert set(held) == {"1001", "1002"} and all(s.content_hash and not s.ingested_hash for s in held.values())

    server.hits.clear()
    (report,) = sync(settings, library=fresh_library)
    assert report.ok and report.ingested == 4, report
    assert dict(server.hits)[MG + "1001"] == 304  # what was fetched before the kill is not fetched again
    assert len(_by_file(fresh_library)) == 4
    assert store.counts(1) == {"new": 0, "pending": 0, "ingested": 4, "failed": 0}
    assert not list(settings.sources_dir.glob("*/.part-*"))
    (again,) = sync(settings, library=fresh_library)
    assert again.ingested == 0 and again.unchanged == 4 and len(_by_file(fresh_library)) == 4

    # the site now marks the site plan exempt: restricted at once, though its content did not change
    plan = "<url>{base}/mg/mgConvert2PDF.aspx?ID=1003</url>\n          <isrestricted>"
    server.edits.append((plan + "False", plan + "True"))
    (exempt,) = sync(settings, library=fresh_library)
    assert exempt.ok and exempt.ingested == 1
    restricted = sorted(name for name, d in _by_file(fresh_library).items() if d.restricted)
    assert len(restricted) == 2 and "appendix-a-site-plan" in restricted[0] and "exempt-appendix" in restricted[1]


def test_make_pdf_is_stable():
    assert make_pdf(["a"]) == make_pdf(["a"])
