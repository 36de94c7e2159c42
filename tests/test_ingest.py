"""Ingest on the real sample papers: structure, registers, incremental and atomic behaviour."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PACK_2018, PACK_2019, SHARED


def _items(library, source):
    return {r.item: tuple(r.pages) for r in library.registry.items() if r.source == source}


def test_2019_pack_items_have_front_sheet_page_ranges(library):
    assert _items(library, PACK_2019) == {
        "2": (5, 14), "2a": (15, 16), "4": (17, 24), "5": (25, 32), "6": (33, 62), "7": (63, 92),
        "8": (93, 124), "9": (125, 136), "10": (137, 144)}


def test_2018_pack_items_have_front_sheet_page_ranges(library):
    assert _items(library, PACK_2018) == {
        "2": (5, 12), "4": (13, 24), "5": (25, 70), "6": (71, 102), "7": (103, 110), "8": (111, 126),
        "9": (127, 130)}
    titles = {r.item: r.title for r in library.registry.items() if r.source == PACK_2018}
    assert titles["4"] == "Willow Court, Bassenhally, Whittlesey - Tender for Contract"


def test_documents_have_type_committee_and_date(library):
    docs = {d.source: d for d in library.registry.documents()}
    assert docs[PACK_2018].doc_type == "agenda pack"
    assert docs[PACK_2018].committee == "Adults Committee"
    assert docs[PACK_2018].meeting_date == "2018-09-06"
    assert "Kreis Viersen Room" in docs[PACK_2018].venue
    assert docs[PACK_2019].meeting_date == "2019-10-10"
    assert docs["people-and-communities-budget-briefing.pdf"].doc_type == "presentation"
    assert docs[PACK_2018].page_count == 130


def test_minute_98_hauxton_resolved_unanimously_on_pages_6_7(library):
    minutes = {d.minute: d for d in library.registry.decisions() if d.source == PACK_2018}
    m98 = minutes["98"]
    assert m98.title == "HAUXTON EXTRA CARE – TENDER FOR CONTRACT"
    assert m98.meeting_date == "2018-07-19"
    assert m98.pages == [6, 7]
    assert m98.vote == "unanimously"
    assert "to agree to tender the care contract at Hauxton extra care scheme" in m98.resolution
    assert m98.item == "2"


def test_all_minutes_of_19_july_2018_with_votes(library):
    minutes = {d.minute: d for d in library.registry.decisions() if d.meeting_date == "2018-07-19"}
    assert sorted(minutes, key=int) == [str(n) for n in range(95, 105)]
    assert minutes["103"].vote == "not stated"
    assert minutes["103"].resolution.startswith("It was resolved To note and comment on the report")
    assert "Learning Disability Employment Opportunities, moved to October" in minutes["104"].resolution


def test_19_july_2018_action_log_rows(library):
    rows = {a.minute: a for a in library.registry.actions() if a.meeting_date == "2018-07-19"}
    assert set(rows) == {"100", "101", "102"}
    assert rows["100"].owner == "Lisa Sparks"
    assert "penalty clauses" in rows["100"].action
    assert rows["100"].comments == "Information is being sought and will be sent to Members shortly"
    assert rows["101"].owner == "Stephen Howarth"
    assert "adopt a clear convention" in rows["101"].comments
    assert rows["102"].owner == "Emma Middleton"
    assert "easy read" in rows["102"].action
    assert all(r.pages == [12, 12] for r in rows.values())


def test_2019_action_log_statuses(library):
    rows = [a for a in library.registry.actions() if a.source == PACK_2019]
    assert {(a.minute, a.owner, a.status) for a in rows} >= {
        ("201", "Tina Hornsby", "Complete"), ("203", "Charlotte Black", "Ongoing")}


def test_chunks_stay_inside_items_and_fit_the_model(library):
    from ingest.chunker import TokenCounter

    count = TokenCounter(library.settings.embedding_model)
    rows = library.registry.db.execute(
        "SELECT c.*, d.source FROM chunks c JOIN documents d USING (doc_id) WHERE d.source = ?", (PACK_2018,))
    items = _items(library, PACK_2018)
    for row in rows:
        assert count(row["text"]) <= 256
        if row["item"]:
            first, last = items[row["item"]]
            assert first <= row["first_page"] <= row["last_page"] <= last
    m98 = library.registry.db.execute("SELECT * FROM chunks WHERE minute = '98'").fetchall()
    assert m98 and all("Hauxton" in r["text"] or "resolved" in r["text"] for r in m98)


def test_reingest_unchanged_does_no_work(library):
    before = library.vectors.count()
    report = library.ingest([library.settings.data_dir.parent / "nowhere"] if False else [
        __import__("conftest").SAMPLES])
    assert (report.ingested, report.unchanged, report.chunks) == (0, 5, 0)
    assert library.vectors.count() == before


def test_the_orphan_sweep_reads_the_store_a_page_at_a_time(library):
    whole, paged = library.vectors.all_ids_by_doc(), library.vectors.all_ids_by_doc(page=100)
    assert {d: sorted(ids) for d, ids in paged.items()} == {d: sorted(ids) for d, ids in whole.items()}
    assert sum(map(len, paged.values())) == library.registry.counts()["chunks"] > 100


def test_changed_file_replaces_its_rows(fresh_library, tmp_path):
    paper = tmp_path / "minutes.txt"
    paper.write_text("PLANNING COMMITTEE\nMinutes of the meeting held on 3 March 2021\n"
                     "1. APOLOGIES\nNone.\n2. BUS SHELTER\nIt was resolved unanimously to approve the shelter.\n")
    first = fresh_library.ingest([paper])
    assert first.ingested == 1
    old = fresh_library.vectors.count()
    # read (and remembered) before the change: the ingest writes through another connection, which must show
    assert [d.resolution for d in fresh_library.registry.decisions() if d.minute == "2"] == [
        "It was resolved unanimously to approve the shelter."]
    paper.write_text(paper.read_text().replace("approve the shelter", "refuse the shelter"))
    second = fresh_library.ingest([paper])
    assert second.ingested == 1
    decisions = fresh_library.registry.decisions()
    assert [d.resolution for d in decisions if d.minute == "2"] == [
        "It was resolved unanimously to refuse the shelter."]
    assert fresh_library.registry.counts()["documents"] == 1
    assert fresh_library.vectors.count() == old
    # the saved BM25 index follows: one folder, of the registry's present generation, finding the new words only
    generation = fresh_library.registry.chunk_generation()
    assert [p.name for p in fresh_library.settings.lexical_path.iterdir()] == [str(generation)]
    assert fresh_library.lexical.search("refuse shelter", 5, generation, every_word=True)
    assert fresh_library.lexical.search("approve shelter", 5, generation, every_word=True) == []


def test_worker_processes_build_the_same_index(fresh_library, sample_copy, tmp_path):
    """Parsing and embedding in two processes writes what one process writes; bad files and copies still count."""
    from committee.settings import Settings
    from index.vectors import VectorStore
    from ingest.run import Library

    good = sample_copy("people-and-communities-budget-briefing.pdf")
    sample_copy("adult-social-care-update-2020.pdf")
    (good.parent / "copy of briefing.pdf").write_bytes(good.read_bytes())
    (good.parent / "broken.pdf").write_bytes(good.read_bytes()[:3000])
    serial = fresh_library.ingest([good.parent])
    settings = Settings.from_env(env={}, data_dir=tmp_path / "parallel")
    parallel_library = Library(settings, vectors=VectorStore(settings, embedder=fresh_library.vectors.embedder))
    parallel = parallel_library.ingest([good.parent], workers=2)
    for report in (serial, parallel):
        assert (report.files, report.ingested, len(report.duplicates), len(report.failed)) == (4, 2, 1, 1)
    assert parallel.chunks == serial.chunks == parallel_library.vectors.count() == fresh_library.vectors.count()
    chunk_rows = "SELECT chunk_id, first_page, last_page, item FROM chunks ORDER BY chunk_id"
    assert parallel_library.registry.db.execute(chunk_rows).fetchall() == \
        fresh_library.registry.db.execute(chunk_rows).fetchall()


def test_corrupt_and_encrypted_pdfs_fail_alone(fresh_library, sample_copy, tmp_path):
    from pypdf import PdfReader, PdfWriter

    good = sample_copy("people-and-communities-budget-briefing.pdf")
    corrupt = good.parent / "corrupt.pdf"
    corrupt.write_bytes(good.read_bytes()[:4000])
    writer = PdfWriter()
    for page in PdfReader(good).pages:
        writer.add_page(page)
    writer.encrypt("secret")
    encrypted = good.parent / "encrypted.pdf"
    with open(encrypted, "wb") as fh:
        writer.write(fh)
    report = fresh_library.ingest([good.parent])
    assert report.ingested == 1 and not report.ok
    reasons = dict(report.failed)
    assert "corrupt.pdf: the PDF is damaged or truncated" in reasons[str(corrupt)]
    assert "encrypted.pdf: the PDF is encrypted" in reasons[str(encrypted)]
    assert [d.source for d in fresh_library.registry.documents()] == [good.name]


@pytest.mark.slow
def test_cli_ingest_exit_status_and_json(tmp_path, sample_copy):
    from committee.cli import main

    good = sample_copy("people-and-communities-budget-briefing.pdf")
    (good.parent / "empty.pdf").write_bytes(b"")
    runner = CliRunner()
    result = runner.invoke(main, ["--data", str(tmp_path / "d"), "ingest", str(good.parent)])
    assert result.exit_code == 1
    assert "empty.pdf: the file is empty" in result.output
    assert "1 ingested" in result.output
    result = runner.invoke(main, ["--data", str(tmp_path / "d"), "items", "--json"])
    assert result.exit_code == 0 and json.loads(result.output) == []


@pytest.mark.skipif(not (SHARED / "realdocs").exists(), reason="shared/realdocs not present")
def test_real_papers_of_other_publishers_ingest(fresh_library):
    report = fresh_library.ingest(sorted((SHARED / "realdocs").glob("*.pdf")))
    assert report.ok, report.failed
    assert report.ingested == len(list((SHARED / "realdocs").glob("*.pdf")))
    decisions = fresh_library.registry.decisions()
    kent = {d.minute: d for d in decisions if d.source == "kent-cabinet-2025-01-30-printed-minutes.pdf"}
    assert {"84", "88", "92"} <= set(kent)
    assert kent["84"].item == "1"
    assert kent["92"].resolution.startswith("4. RESOLVED that Cabinet agree the Commissioning Plan")


@pytest.mark.skipif(not (SHARED / "realdocs2").exists(), reason="shared/realdocs2 not present")
def test_agendas_and_resolutions_of_other_layouts(fresh_library):
    names = ["nipissing-council-2024-01-02-agenda.pdf", "nipissing-council-2024-01-02-minutes.pdf",
             "omaha-city-council-2012-10-16-agenda.pdf", "chicago-ssa21-commission-2018-01-29-minutes.pdf"]
    report = fresh_library.ingest([SHARED / "realdocs2" / n for n in names])
    assert report.ok and report.ingested == 4
    items = fresh_library.registry.items()
    nipissing = [r for r in items if r.source == names[0]]
    assert [r.item for r in nipissing] == [str(n) for n in range(1, 14)]
    assert nipissing[0].title == "Disclosure of pecuniary interest" and nipissing[0].pages == [1, 1]
    assert len([r for r in items if r.source == names[2]]) == 72
    resolutions = {r.minute: r for r in fresh_library.registry.decisions() if r.source == names[1]}
    assert sorted(resolutions) == [f"R2024-{n:03d}" for n in range(1, 12)]
    assert resolutions["R2024-003"].vote == "carried"
    assert resolutions["R2024-003"].meeting_date == "2024-01-02"
    assert "appoint James Scott to the Township of Nipissing Cemetery Committee" in resolutions["R2024-003"].resolution


def test_readme_and_manifest_files_in_a_folder_are_not_papers(tmp_path):
    from ingest.run import find_files

    for name in ("MANIFEST.md", "README.txt", "readme-first.md", ".hidden.pdf", "minutes.txt", "notes-of-meeting.md"):
        (tmp_path / name).write_text("x")
    skipped = []
    assert [p.name for p in find_files([tmp_path], skipped)] == ["minutes.txt", "notes-of-meeting.md"]
    assert sorted(p.name for p in skipped) == [".hidden.pdf", "MANIFEST.md", "README.txt", "readme-first.md"]
    assert find_files([tmp_path / "MANIFEST.md"]) == [tmp_path / "MANIFEST.md"]  # named on its own: taken


def test_a_resolution_numbered_with_a_letter_is_its_own_minute(fresh_library):
    paper = Path(__file__).parent / "fixtures" / "papers" / "nipissing-council-2024-01-16-minutes.pdf"
    assert fresh_library.ingest([paper]).ok
    resolutions = {r.minute: r for r in fresh_library.registry.decisions()}
    assert resolutions["R2024-019B"].resolution.startswith("That we resume to an open public meeting.")
    assert "resume" not in resolutions["R2024-19"].resolution
