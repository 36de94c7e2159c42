"""Which papers are versions of one another, and which is current (ingest/versions.py), on small records."""
from ingest.records import Document
from ingest.versions import link


def _doc(source, date, kind="agenda", title="", body="Council"):
    return Document(doc_id=source, source=source, path=source, content_hash=source, doc_type=kind, title=title,
                    committee=body, meeting_date=date, venue="", page_count=1, restricted=False, ingested_at=0.0,
                    authority="Lakeview Township")


def test_an_amended_agenda_replaces_the_agenda_of_its_meeting_only():
    docs = [_doc("council-2025-10-28-agenda.pdf", "2025-10-28"), _doc("council-2025-10-28-agenda-amended.pdf",
            "2025-10-28"), _doc("council-2025-11-11-agenda.pdf", "2025-11-11")]
    v = link(docs)
    assert v["council-2025-10-28-agenda.pdf"].replaced_by == "council-2025-10-28-agenda-amended.pdf"
    assert v["council-2025-10-28-agenda-amended.pdf"].replaces == ("council-2025-10-28-agenda.pdf",)
    assert v["council-2025-11-11-agenda.pdf"].current and not v["council-2025-11-11-agenda.pdf"].replaces


def test_a_final_budget_replaces_its_draft_but_not_another_years():
    docs = [_doc("budget-2025-draft.pdf", "2025-03-04", "budget", "2025 Budget Draft"),
            _doc("budget-2025-final.pdf", "2025-04-08", "budget", "2025 Budget Final"),
            _doc("budget-2026-draft.pdf", "2026-03-03", "budget", "2026 Budget Draft")]
    v = link(docs)
    assert v["budget-2025-draft.pdf"].replaced_by == "budget-2025-final.pdf"
    assert v["budget-2026-draft.pdf"].current and not v["budget-2026-draft.pdf"].replaces


def test_successive_forecasts_of_one_plan_and_a_supplement_that_replaces_nothing():
    docs = [_doc("capital-forecast-2024-2034.pdf", "2024-04-16", "report", "Capital Budget 2024"),
            _doc("capital-forecast-2025-2035.pdf", "2025-03-18", "report", "Capital Budget"),
            _doc("report-supplementary.pdf", "2025-03-18", "report", "Capital Budget supplementary")]
    v = link(docs)
    assert v["capital-forecast-2025-2035.pdf"].replaces == ("capital-forecast-2024-2034.pdf",)
    assert v["report-supplementary.pdf"].current and not v["report-supplementary.pdf"].replaces
