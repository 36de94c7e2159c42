"""Decisions register, action tracker, declarations and the meeting briefing on the sample papers."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import PACK_2018, SHARED

VOTES_19_JULY_2018 = {"98": "unanimously", "99": "unanimously", "100": "unanimously", "101": "unanimously",
                      "102": "unanimously", "103": "not stated", "104": "not stated"}


def test_every_resolution_of_19_july_2018_with_its_vote(library):
    rows = {r.minute: r for r in library.registry.decisions() if r.meeting_date == "2018-07-19"}
    assert {m: rows[m].vote for m in VOTES_19_JULY_2018} == VOTES_19_JULY_2018
    assert rows["99"].resolution.startswith("It was resolved unanimously to: Approve the award of the contract")
    assert rows["95"].resolution == ""  # "There were no declarations of interest."


def test_action_log_rows_carry_officer_and_normalised_status(library):
    from assistant.registers import actions_where

    rows = {(r.minute, r.owner): r for r in actions_where(library.registry)}
    assert {("100", "Lisa Sparks"), ("101", "Stephen Howarth"), ("102", "Emma Middleton")} <= set(rows)
    assert rows[("201", "Tina Hornsby")].status == "Complete"
    assert rows[("201", "Tina Hornsby")].state == "complete"
    assert rows[("203", "Charlotte Black")].state == "open"
    open_owners = {r.owner for r in actions_where(library.registry, status="open")}
    assert "Tina Hornsby" not in open_owners and "Lisa Sparks" in open_owners


def test_recommendations_are_linked_to_items(library):
    recs = {r.item: r for r in library.registry.recommendations() if r.source == PACK_2018}
    assert recs["4"].recommendation.startswith("The Committee is recommended to: a) Agree to tender the care")
    assert "f) Delegate award of the contract Hauxton Extra Care scheme" in recs["4"].recommendation
    assert recs["4"].pages[0] == 13
    assert recs["5"].recommendation == "The Committee is asked to review and comment on the report"


def test_briefing_for_6_september_2018(library):
    from assistant.registers import briefing

    text = briefing(library.registry, "2018-09-06")
    for number, pages in [("4", "13–24"), ("5", "25–70"), ("6", "71–102"), ("7", "103–110"), ("8", "111–126"),
                          ("9", "127–130")]:
        assert f"## Item {number}:" in text
        assert f"Pages {pages} of {PACK_2018}" in text
    assert "Recommendation: The Committee is recommended to: a) Agree to tender" in text
    assert f"({PACK_2018}, p. 13)" in text
    assert "Minute 100 (Multi-Disciplinary Floating Support Service" in text  # an open action


def test_list_questions_are_answered_from_the_registers(library):
    from assistant.service import Assistant

    assistant = Assistant(library.settings, library=library)
    answer = assistant.ask("What actions does Stephen Howarth have?")
    assert answer.answer.startswith("1 actions for Stephen Howarth")
    assert "Work is underway to adopt a clear convention" in answer.answer
    answer = assistant.ask("Which actions are still open?")
    assert "Lisa Sparks" in answer.answer and "Tina Hornsby" not in answer.answer
    numbers = {int(n) for n in __import__("re").findall(r"\[(\d+)\]", answer.answer)}
    assert numbers <= {c.number for c in answer.citations}
    answer = assistant.ask("Was the easy read action completed?")
    assert "Emma Middleton" in answer.answer and "Status: not stated in the log" in answer.answer


def test_cli_registers_export(library):
    runner = CliRunner()
    data = str(library.settings.data_dir)
    result = runner.invoke(main_cli(), ["--data", data, "decisions", "Hauxton", "--json"])
    rows = json.loads(result.output)
    assert [r["minute"] for r in rows] == ["98"]
    result = runner.invoke(main_cli(), ["--data", data, "actions", "--status", "open", "--format", "csv"])
    assert result.output.splitlines()[0].startswith("committee,meeting_date,minute")
    assert "Lisa Sparks" in result.output
    result = runner.invoke(main_cli(), ["--data", data, "brief", "--meeting", "2018-09-06"])
    assert "## Item 4: Willow Court" in result.output


def main_cli():
    from committee.cli import main

    return main


@pytest.mark.skipif(not (SHARED / "realdocs").exists(), reason="shared/realdocs not present")
def test_declarations_from_other_publishers(fresh_library):
    report = fresh_library.ingest([SHARED / "realdocs" / "kent-council-2025-02-13-printed-minutes.pdf"])
    assert report.ok
    rows = fresh_library.registry.declarations()
    assert {(r.councillor, r.nature) for r in rows} >= {("Carey", "pecuniary interest")}


def test_recommendation_is_linked_to_the_decision_and_lineage_shows_the_current_one(fresh_library, tmp_path):
    from assistant.registers import briefing, decision_for, lineage

    pack = tmp_path / "planning-2021-03-04-pack.txt"
    pack.write_text("PLANNING COMMITTEE\nDate: Thursday, 04 March 2021\nAGENDA\n4 Riverside Car Park Charges 2 - 2\n"
                    "5 Library Opening Hours 3 - 3\n\fAgenda Item No: 4\nRIVERSIDE CAR PARK CHARGES\n"
                    "Recommendation: The Committee is recommended to approve a charge of £2 an hour.\n"
                    "Officer contact: Jo Bloggs\n\fAgenda Item No: 5\nLIBRARY OPENING HOURS\n"
                    "Recommendation: The Committee is asked to note the report.\n")
    minutes = tmp_path / "planning-2021-04-08-pack.txt"
    minutes.write_text("PLANNING COMMITTEE\nDate: Thursday, 08 April 2021\nAGENDA\n2 Minutes 2 - 2\n"
                       "3 Riverside Car Park Charges Review 3 - 3\n\f"
                       "Agenda Item No: 2\nPLANNING COMMITTEE: MINUTES\nDate: Thursday 4th March 2021\n"
                       "12. RIVERSIDE CAR PARK CHARGES\nIt was resolved by a majority to defer the decision to April.\n"
                       "13. LIBRARY OPENING HOURS\nIt was resolved unanimously to note the report.\n\f"
                       "Agenda Item No: 3\nRIVERSIDE CAR PARK CHARGES REVIEW\nRecommendation: The Committee is "
                       "recommended to approve a charge of £1.50 an hour.\nOfficer contact: Jo Bloggs\n")
    assert fresh_library.ingest([pack, minutes]).ok
    registry = fresh_library.registry
    rec = next(r for r in registry.recommendations() if r.item == "4" and r.meeting_date == "2021-03-04")
    taken = decision_for(registry, rec)
    assert taken.minute == "12" and taken.vote == "by majority"
    assert "Decided (minute 12): It was resolved by a majority to defer the decision to April." in \
        briefing(registry, "2021-03-04")
    events = lineage(registry, "Riverside car park charges")
    assert [(e.kind, e.date) for e in events] == [
        ("recommendation", "2021-03-04"), ("resolution", "2021-03-04"), ("recommendation", "2021-04-08")]
    assert [e.current for e in events] == [False, True, False]


def test_meetings_hold_their_papers_and_the_minutes_a_later_pack_carries(library):
    from assistant.registers import meetings

    found = {(m.body, m.date): m for m in meetings(library.registry, include_restricted=False)}
    july = found[("Adults Committee", "2018-07-19")]
    assert july.minutes_in == ["adults-committee-2018-09-06-agenda-pack.pdf"] and july.papers == []
    september = found[("Adults Committee", "2018-09-06")]
    assert september.papers == ["agenda pack: adults-committee-2018-09-06-agenda-pack.pdf"]
    assert "Shire Hall" in september.venue
