"""Answers on other publishers' papers (tests/fixtures/papers: Nipissing, Omaha, Kent, Chicago) and on a parish
council's budget in two versions: item questions from the agenda register, abstentions that say what the library
holds, resolutions led by their id and vote, the current version's figure, follow-ups in a conversation."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import assistant_over

PAPERS = Path(__file__).parent / "fixtures" / "papers"
DRAFT = """LAKESIDE PARISH COUNCIL
Budget 2025 - Draft
For the meeting of the Council on 14 January 2025

1. Budget summary
The library service budget for 2025 is £100,000, to be reviewed before the final budget.
The grounds maintenance budget for 2025 is £40,000.
"""
FINAL = DRAFT.replace("Draft", "Final").replace("14 January", "11 February").replace(
    "£100,000, to be reviewed before the final budget.", "£120,000 after the review of opening hours.")


QUESTIONS = """LAKESIDE PARISH COUNCIL
Questions to the Chairman, meeting of the Council on 11 February 2025

Question 1

Question by Ann Green to the Chairman

Residents near the ford report that the footbridge railing has been loose since the autumn
storms. When will the railing on the ford footbridge be repaired?

Answer

Thank you for the question.
The contractor has ordered a new railing and will fit it in the week of 24 March.
The bridge stays open meanwhile.

Question 2

Question by Tom Reed to the Chairman

Will the council publish the hall booking charges online?

Answer

Yes. The charges go on the website once the Council approves them in April.
"""


SCHEDULE = """MINUTES
LAKESIDE PARISH COUNCIL
A regular meeting of the Lakeside Parish Council was held on Tuesday, {date}.

R{rid1} A. Moss, B. Lane:
THAT the minutes of the previous meeting be adopted as published. Carried.

R{rid2} B. Lane, C. Hart:
{text}
Carried.
"""
FIRST = SCHEDULE.format(date="October 14, 2025", rid1="2025-101", rid2="2025-102", text=(
    "THAT the 2026 Hall Committee Meeting Schedule will be as follows: January 13, 2026 February 24, 2026 "
    "March 10, 2026."))
AMENDED = SCHEDULE.format(date="December 9, 2025", rid1="2025-140", rid2="2025-141", text=(
    "THAT we amend the 2026 Hall Committee Meeting Schedule, as follows: January 13, 2026 February 17, 2026 "
    "March 10, 2026."))


WASTE_2024 = SCHEDULE.format(date="January 16, 2024", rid1="2024-019", rid2="2024-020", text=(
    "THAT we authorize participation in the Valley Household Hazardous Waste Program for 2024. Total cost "
    "$4,048.00."))
WASTE_2025 = SCHEDULE.format(date="January 21, 2025", rid1="2025-014", rid2="2025-015", text=(
    "That we participate in the Valley Household Hazardous Waste Program for 2025 at the total cost of $4,100.00."))


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, embedder):
    return assistant_over(tmp_path_factory, embedder, {
        "lakeside-parish-council-2025-01-14-budget-2025-draft.txt": DRAFT,
        "lakeside-parish-council-2025-02-11-budget-2025-final.txt": FINAL,
        "lakeside-parish-council-2025-02-11-questions.txt": QUESTIONS,
        "lakeside-parish-council-2025-10-14-minutes.txt": FIRST,
        "lakeside-parish-council-2025-12-09-minutes.txt": AMENDED,
        "lakeside-parish-council-2024-01-16-minutes.txt": WASTE_2024,
        "lakeside-parish-council-2025-01-21-minutes.txt": WASTE_2025}, pdfs=PAPERS.glob("*.pdf"))


def test_item_n_on_a_one_page_agenda_comes_from_the_agenda_register(assistant):
    answer = assistant.ask("What is item 8 on the agenda for 6 February 2024?")
    assert answer.answer.startswith("Item 8 of the Council 6 February 2024 agenda: Resolution: Support the "
                                    "Association of Ontario Road Superintendents")
    assert answer.citations[0].source == "nipissing-council-2024-02-06-agenda.pdf"


def test_the_date_picks_the_agenda_and_the_other_words_its_item(assistant):
    answer = assistant.ask("Which page of the 6 February 2024 agenda has the road superintendents item?")
    assert answer.answer.startswith("Item 8 of the Council 6 February 2024 agenda")


def test_an_agenda_without_its_minutes_is_an_abstention_that_says_so(assistant):
    answer = assistant.ask("Did Omaha's City Council pass the rezoning of 1130 South 30th Avenue on 16 October 2012?")
    assert answer.abstained
    assert "The library has the agenda of City Council on 16 October 2012, but not the minutes of that meeting." \
        in answer.answer


def test_which_items_are_about_a_matter_lists_each_with_its_page(assistant):
    answer = assistant.ask("Which items on the 16 October 2012 council agenda are about the Bucky's Crossroads Plaza "
                           "Addition?")
    assert not answer.abstained
    lines = answer.answer.splitlines()
    assert [line.split(" of the ")[0] for line in lines[:3]] == ["Item 8", "Item 9", "Item 10"]
    assert lines[0].startswith("Item 8 of the City Council 16 October 2012 agenda: Res. that the preliminary plat "
                               "entitled BUCKY’S CROSSROADS PLAZA ADDITION, located northeast of 78th and Dodge")


def test_where_on_the_agenda_is_answered_with_the_item_not_the_venue(assistant):
    answer = assistant.ask("Where on the 16 October 2012 Omaha agenda is the police cruiser lease-purchase program, "
                           "and who is underwriting the bonds?")
    assert answer.answer.startswith("Item 71 of the City Council 16 October 2012 agenda: Ord. authorizing and approving "
                                    "the establishment of a Master Lease Purchase Program for police cruiser")
    assert "LEGISLATIVE CHAMBERS" not in answer.answer and "D.A. Davidson Co., as Underwriter" in answer.answer


def test_a_printed_question_is_answered_with_the_reply_printed_after_it(assistant):
    answer = assistant.ask("When will the loose railing on the ford footbridge be repaired?")
    assert not answer.abstained
    assert answer.answer.startswith("The contractor has ordered a new railing and will fit it in the week of 24 March.")
    assert "Thank you for the question" not in answer.answer and "hall booking" not in answer.answer


def test_a_quoted_resolution_is_followed_by_the_later_one_that_amended_it(assistant):
    answer = assistant.ask("Which dates did the council set in October 2025 for the 2026 Hall Committee meetings?")
    assert not answer.abstained
    assert "On the same matter, later: minute R2025-141 (9 December 2025): THAT we amend the 2026 Hall Committee " \
           "Meeting Schedule" in answer.answer
    assert "R2025-140" not in answer.answer  # adopting the minutes is no matter to trace


def test_a_question_about_a_meeting_after_the_library_ends_is_an_abstention(assistant):
    answer = assistant.ask("Who did the township council elect as mayor in June 2027?")
    assert answer.abstained and "The library's papers end with the meeting of 9 December 2025." in answer.answer


def test_the_current_version_answers_and_says_which_it_is(assistant):
    answer = assistant.ask("What is the library service budget for 2025?")
    assert not answer.abstained and "£120,000" in answer.answer[:120] and "£100,000" not in answer.answer
    assert "(the current version, of 11 February 2025; it replaces " in answer.answer
    draft = assistant.ask("What did the draft budget set for the library service?")
    assert "£100,000" in draft.answer[:120] and "(a superseded version, of 14 January 2025" in draft.answer


def test_a_table_row_figure_and_a_resolution_led_by_its_id(assistant):
    answer = assistant.ask("When did the township pass the by-law confirming the proceedings of the special meeting "
                           "of 10 January 2024?")
    assert answer.answer.startswith("Minute R2024-015, meeting of 10 January 2024 (carried): That we pass By-Law No. "
                                    "2024-04")


def test_a_three_turn_conversation_follows_the_meeting(assistant):
    history: list[str] = []
    turns = ["What was discussed at the special council meeting on 10 January 2024?",
             "What did they resolve about the staff report?", "And which by-law did they pass?"]
    answers = []
    for question in turns:
        answers.append(assistant.ask(question, history=history))
        history.append(question)
    assert all(a.citations[0].meeting_date == "2024-01-10" for a in answers)
    assert "By-Law No. 2024-04" in answers[2].answer[:200]


def test_committee_papers_lists_bodies_versions_and_kinds(assistant):
    import json

    from click.testing import CliRunner

    from committee.cli import main

    result = CliRunner().invoke(main, ["--data", str(assistant.settings.data_dir), "papers", "--json"])
    assert result.exit_code == 0, result.output
    papers = {p["source"]: p for p in json.loads(result.output)}
    draft = papers["lakeside-parish-council-2025-01-14-budget-2025-draft.txt"]
    assert (draft["version"], draft["replaced_by"]) == ("superseded", "lakeside-parish-council-2025-02-11-budget-2025-final.txt")
    minutes = papers["nipissing-special-council-2024-01-10-minutes.pdf"]
    assert (minutes["authority"], minutes["body"], minutes["meeting_kind"], minutes["doc_type"]) == (
        "Township of Nipissing", "Council", "special", "minutes")
    assert papers["omaha-city-council-2012-10-16-agenda.pdf"]["restricted"] == "no"


def test_a_meeting_is_one_record_with_its_agenda_minutes_kind_and_venue(assistant):
    from assistant.registers import meetings

    held = [m for m in meetings(assistant.registry, False) if m.date == "2025-01-09"]
    assert len(held) == 1, held  # the agenda says "extraordinary"; the minutes state no kind
    m = held[0]
    assert (m.authority, m.body, m.kind) == ("Kent County Council", "County Council", "extraordinary")
    assert m.venue == "Council Chamber, Sessions House, County Hall, Maidstone"
    assert sorted(m.papers) == ["agenda: kent-council-2025-01-09-agenda-frontsheet.pdf",
                                "minutes: kent-council-2025-01-09-printed-minutes.pdf"]
    special = [m for m in meetings(assistant.registry, False) if m.date == "2024-01-10"]
    assert [(m.body, m.kind) for m in special] == [("Council", "special")]


def test_a_quoted_resolution_is_given_whole_with_its_id_meeting_and_vote_and_of_the_asked_year(assistant):
    answer = assistant.ask("Did the parish sign up for the Valley hazardous waste scheme in January 2024, and at "
                           "what cost?")
    assert not answer.abstained
    assert answer.answer.startswith("Minute R2024-020, meeting of 16 January 2024 (carried): THAT we authorize "
                                    "participation in the Valley Household Hazardous Waste Program for 2024. Total "
                                    "cost $4,048.00.")
