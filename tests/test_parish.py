"""A parish council's clerk-made papers, end to end: an agenda and minutes numbered by running references
("25/005", "126/24"), the next meeting's date printed at the end of the minutes, a payments table, and a
letter from the county council addressed to the clerk. One body, the right dates, answers from each."""
from __future__ import annotations

import pytest
from conftest import assistant_over

pytestmark = pytest.mark.slow

AGENDA = """ASHBY PARVA PARISH COUNCIL
NOTICE IS HEREBY GIVEN that a meeting of Ashby Parva Parish Council will be held on Monday 13th January 2025
at 7.30pm in the Village Hall. Members of the Council are hereby summoned to attend.

AGENDA
25/001 Apologies for absence
25/002 Declarations of interest
25/003 To approve the minutes of the meeting held on 9th December 2024
25/004 Public participation
25/005 Precept 2025/26: to consider and agree the precept
25/006 Finance: to approve the payments listed
25/007 Date of next meeting

Clerk to the Council, 6th January 2025
"""

MINUTES = """ASHBY PARVA PARISH COUNCIL
Minutes of the Meeting of Ashby Parva Parish Council held on Monday 13th January 2025 at 7.30pm in the Village Hall
Present: Cllr A Smith (Chairman), Cllr B Jones, Cllr C Patel, Cllr D Brown
In attendance: the Clerk and 2 members of the public

123/24 Apologies for absence
Apologies were received from Cllr E Green.

124/24 Declarations of interest
None.

125/24 Public participation
A resident reported potholes on the B4010 by the school. The Clerk will write to the County Council.

126/24 Precept 2025/26
It was proposed by Cllr Jones, seconded by Cllr Patel and RESOLVED to set the precept at £42,500 for 2025/26,
an increase of 3.2%. (6 in favour, 1 against)

127/24 Finance
RESOLVED to approve the payments listed.
Payee Description Net VAT Total
Green Spaces Ltd Grass cutting December 450.00 90.00 540.00
Village Hall Trust Hall hire 60.00 0.00 60.00

128/24 Date of next meeting
Monday 10th February 2025 at 7.30pm.
"""

LETTER = """Leicestershire County Council
County Hall, Glenfield, Leicester LE3 8RA

Mrs J Clerk
Clerk to Ashby Parva Parish Council

20 January 2025

Dear Mrs Clerk,

B4010 road surface

Thank you for your letter about the potholes on the B4010 by the school. Our highways team inspected the road
on 17 January and the repairs are programmed for completion by the end of March 2025.

Yours sincerely

Highways Manager
"""


# a budget sheet as pypdf reads a spreadsheet printed to PDF: a cell per line, the "£" only in the column heads
BUDGET = "\n".join(["Ashby Parva Parish Council", "Budget 2025/26 as approved at the meeting of 13th January 2025",
                    "Budget heading", "Budget", "2024/25 £", "Budget", "2025/26 £", "Clerk salary", "9,200", "9,600",
                    "Grass cutting", "5,300", "5,400", "Total expenditure", "41,930", "42,950"]) + "\n"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, embedder):
    return assistant_over(tmp_path_factory, embedder, {
        "Agenda 13 January 2025.txt": AGENDA, "Draft Minutes Jan 2025.txt": MINUTES,
        "Letter from County Council re B4010.txt": LETTER, "Budget 2025-26.txt": BUDGET})


def test_the_papers_are_of_one_council_and_their_own_meeting(assistant):
    docs = {d.source: d for d in assistant.registry.documents(True)}
    assert {(d.authority, d.committee) for d in docs.values()} == {("Ashby Parva Parish Council", "Council")}
    assert docs["Draft Minutes Jan 2025.txt"].meeting_date == "2025-01-13"  # not the next meeting's date
    assert docs["Agenda 13 January 2025.txt"].meeting_date == "2025-01-13"


def test_a_decision_numbered_by_running_reference_is_answered_with_it(assistant):
    answer = assistant.ask("What precept did the council set for 2025/26?")
    assert not answer.abstained and "£42,500" in answer.answer[:300] and "126/24" in answer.answer[:120]
    decided = assistant.ask("What did the council resolve about the precept in January 2025?")
    assert decided.answer.startswith("Minute 126/24, meeting of 13 January 2025 (recorded vote: 6 for, 1 against)")


def test_a_payments_table_row_and_how_a_vote_went(assistant):
    paid = assistant.ask("How much was paid to Green Spaces Ltd for grass cutting?")
    assert not paid.abstained and paid.answer.startswith("Green Spaces Ltd Grass cutting December 450.00 90.00 540.00")
    vote = assistant.ask("How did the vote on the precept go?")
    assert not vote.abstained and "126/24" in vote.answer[:100]
    counted = assistant.ask("How many councillors voted for the precept?")  # the counts are of councillors ("Cllr")
    assert not counted.abstained and "6 for, 1 against" in counted.answer[:300]
    many = assistant.ask("How many voted for the precept?")  # the counts printed after the resolution complete it
    assert not many.abstained and "(6 in favour, 1 against)" in many.answer[:300]


def test_a_budget_sheet_read_a_cell_per_line_answers_by_its_row(assistant):
    total = assistant.ask("What is the total expenditure budget for 2025/26?")
    assert not total.abstained and total.answer.startswith("Total expenditure 41,930 42,950")


def test_who_chaired_is_read_from_the_attendance(assistant):
    chaired = assistant.ask("Who chaired the January 2025 meeting?")  # "Cllr A Smith (Chairman)"
    assert not chaired.abstained and "Cllr A Smith (Chairman)" in chaired.answer[:300]


def test_an_item_by_running_reference(assistant):
    answer = assistant.ask("What is item 25/005 on the agenda for 13 January 2025?")
    assert not answer.abstained and "Precept 2025/26: to consider and agree the precept" in answer.answer[:200]


def test_the_letter_answers_what_the_county_council_is_doing(assistant):
    answer = assistant.ask("When will the B4010 potholes be repaired?")
    assert not answer.abstained and "end of March 2025" in answer.answer[:300]


def test_a_meeting_the_library_does_not_hold_is_an_abstention(assistant):
    answer = assistant.ask("What did the council decide about the playground at its March 2025 meeting?")
    assert answer.abstained
