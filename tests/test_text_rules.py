"""Fast unit tests of shared text rules on small snippets: agenda titles that wrap, sentences around initials,
bodies named in a question, the run of a long quote that answers."""
from __future__ import annotations

from assistant.extractive import focus
from assistant.query import parse_question
from ingest.agenda import parse_numbered_agenda
from ingest.lines import document_lines
from ingest.models import PageText
from ingest.units import sentences, split_units

US_AGENDA = """CITY COUNCIL AGENDA
1. Res. that the preliminary plat entitled MAPLE RIDGE ESTATES
ADDITION, located northeast of 78th and Dodge Streets, is hereby accepted;
and, the preparation of the final plat is hereby authorized – see attached.

(a) Planning Board recommends approval of the plat.

2. Ord. to amend Chapter 49 of the Municipal Code
3. Ord. to approve a lease of the fire station garage
"""
ONE_PAGE = """AGENDA
1. Call to order

2. Disclosure of pecuniary interest.

3. Resolution: Authorize the Mayor to sign a funding agreement with the Office of the
Fire Marshal.

4. Adjournment.
"""


def _items(text: str):
    return [(i.number, i.title) for i in parse_numbered_agenda(document_lines([PageText(1, text)]))]


def test_an_item_title_runs_over_its_wrapped_lines_to_the_end_of_its_paragraph():
    items = dict(_items(US_AGENDA))
    assert items["1"] == ("Res. that the preliminary plat entitled MAPLE RIDGE ESTATES ADDITION, located northeast of 78th and "
                          "Dodge Streets, is hereby accepted; and, the preparation of the final plat is hereby "
                          "authorized – see attached")
    assert items["2"] == "Ord. to amend Chapter 49 of the Municipal Code"  # the next item's line ends it


def test_a_short_title_does_not_take_the_next_paragraph():
    assert _items(ONE_PAGE) == [
        ("1", "Call to order"), ("2", "Disclosure of pecuniary interest"),
        ("3", "Resolution: Authorize the Mayor to sign a funding agreement with the Office of the Fire Marshal"),
        ("4", "Adjournment")]


def test_initials_and_abbreviations_do_not_end_a_sentence():
    assert sentences("A Bond Purchase Agreement with D.A. Davidson Co. as Underwriter. Mr. Sole asked.") == [
        "A Bond Purchase Agreement with D.A. Davidson Co. as Underwriter.", "Mr. Sole asked."]
    assert split_units("between the Corporation and D.A.\nDavidson Co., as Underwriter.\nNext line.") == [
        "between the Corporation and D.A. Davidson Co., as Underwriter.", "Next line."]


def test_a_body_is_matched_by_its_words_and_the_longest_name_wins():
    q = parse_question("What is on the council agenda for 16 October 2012?", ["Council", "City Council"])
    assert q.committee == "Council" and q.of_body("City Council") and not q.of_body("Commission")
    assert parse_question("What did the city council decide?", ["Council", "City Council"]).committee == "City Council"
    # "commissioner" is not the Commission
    assert parse_question("Who is the new integrity commissioner?", ["Commission"]).committee is None


def test_a_long_quote_is_led_by_the_run_that_answers():
    filler = "the Corporation shall provide the documents described in the attached exhibits; " * 8
    text = f"Ord. authorizing a lease purchase program; {filler}and a Bond Purchase Agreement with Acme Bank, as Underwriter."
    q = parse_question("Who is underwriting the bonds in the lease purchase agreement?")

    def cover(terms, run):
        return sum(t in run.lower() for t in terms) / len(terms)

    run = focus(text, q, cover)
    assert run.startswith("…") and "Acme Bank, as Underwriter" in run
    assert focus("A short resolution.", q, cover) == ""
    # a run begun inside brackets starts at the bracket: the names in it are the answer
    sites = (f"Mr Thomas said that {filler}three sites (Tovil, Dartford, and Sittingbourne) were unable to accept "
             f"POPs and the works at both Tovil and Sittingbourne were temporary.")
    run = focus(sites, parse_question("Which sites are unable to accept POPs?"), cover, width=14)
    assert "(Tovil, Dartford, and Sittingbourne)" in run
    # a question of two parts: the run that answers both, not the one that answers the first twice over
    award = (f"Res. that the Council concurs with the bid award to Acme Paving for {filler}safety improvements in "
             f"the amount of $373,071.80, with the City's local share of $37,307.17 being paid from the bond fund.")
    both = parse_question("What is the Acme Paving contract for, and how much of it does the city pay?")
    assert "$37,307.17 being paid" in focus(award, both, cover, width=18)


def test_a_title_ending_in_a_date_and_a_full_stop_is_not_a_table_row():
    text = ("1. Disclosure of pecuniary interest.\n\n2. Committee Reports.\n\n"
            "3. Resolution: Adopt the minutes of the meetings held January 2 and 10, 2024.\n\n4. Adjournment.\n")
    assert [n for n, _ in _items(text)] == ["1", "2", "3", "4"]


def test_a_sum_of_money_in_any_currency_either_side_of_the_amount():
    from ingest.figures import MONEY, MONEY_OR_SHARE

    for said in ("£6.51m", "$3,200,000", "€40k", "12,000.00$", "12 000 €", "2.5 million", "Hall hire 60.00 0.00 60.00"):
        assert MONEY.search(said), said
    for said in ("item 12", "page 4", "2025", "section 4.12", "3.25%"):
        assert not MONEY.search(said), said
    assert MONEY_OR_SHARE.search("a levy of $1,200").group() == "$1,200"


def test_a_sentence_printed_twice_behind_different_cells_is_quoted_once():
    from assistant.extractive import Unit, repeats

    said = Unit("53.0 40 52.2 Jun Off Target 44.9 62 In June the number of Looked After Children fell to 701 "
                "from 712. This figure includes 57 UASC, 8% of the current LAC population.", 0, 0)
    again = ("• The number of Looked After Children per 10,000 children In June the number of Looked After "
             "Children fell to 701 from 712. This figure includes 57 UASC, 8% of the current LAC population.")
    titled = ("Cabinet Reconsideration of Decision 24/00093 - Future of Commissioned Services at Seashells and "
              "Millmead Family Hubs (Pages 101 - 104)")
    called = Unit("At the Scrutiny Committee held on 29th January 2025, Members considered the call-in of Decision "
                  "- 24/00093 - Future of Commissioned Services at Seashells and Millmead Family Hubs.", 0, 1)
    assert repeats(again, [said])
    assert not repeats(titled, [called])  # the same title words after a new lead-in: what was done next
    assert not repeats("2026 Municipal Election -$ 12,000.00$", [Unit("Municipal Election $5,000 $3,500", 0, 2)])


def test_a_number_written_as_a_word_is_the_figure():
    from assistant.terms import content_terms, stems_of

    assert "10" in content_terms("the ten-year capital forecast") and "10" in stems_of("the 10-year programme")
    assert "one" in tokens_of("one of the reports")  # "one" is as often a pronoun


def tokens_of(text):
    from ingest.words import tokens

    return tokens(text)


def test_a_figure_question_is_led_by_a_run_holding_a_figure():
    text = ("RESOLVED that the Council, having given due regard to the report of the Section 151 officer on the "
            "robustness of the estimates and the adequacy of the reserves, published for consideration as item 5 "
            "of this meeting, and to the equality impact assessments of the proposals set out in the final draft "
            "budget report, agrees the following: the 10-year "
            "capital programme and investment proposals of £1,419m over the years to 2034-35 together with the "
            "necessary funding and subject to approval to spend arrangements; the directorate capital programmes "
            "as set out in appendices A and B of the final draft budget report published in February; the "
            "revenue budget proposals and the medium term financial plan set out in the appendices of that report.")
    q = parse_question("How big is the ten-year capital programme approved at the February budget meeting, "
                       "and how did the final vote go?")

    def cover(terms, run):
        return sum(t in run.lower() for t in terms) / len(terms)

    assert "£1,419m" in focus(text, q, cover, width=20)


def test_a_paper_naming_no_body_or_date_is_not_of_another_one():
    from assistant.abstention import gather
    from ingest.records import Passage

    def passage(committee, day):
        return Passage("c", "d", "The budget slides.", "slides.pdf", "slides.pdf", committee, day, "presentation",
                       None, "", None, 1, 1)

    q = parse_question("What did the Adults Committee hear in September 2018 about the budget?", ["Adults Committee"])
    unknown = gather(q, [passage("", None)], [passage("", None)], 0.8, False, (True, True), [])
    assert not unknown.body_missing and not unknown.date_missing
    other = gather(q, [passage("Cabinet", "2019-01-10")], [passage("Cabinet", "2019-01-10")], 0.8, False,
                   (True, True), [])
    assert other.body_missing and other.date_missing


def test_one_paper_does_not_crowd_out_the_others():
    from assistant.retrieve import spread
    from ingest.records import Passage

    ranked = [Passage(f"c{n}", doc, "", "", "", "", None, "", None, "", None, 1, 1)
              for n, doc in enumerate(["old", "old", "old", "old", "old", "new"])]
    assert [p.chunk_id for p in spread(ranked, 3)] == ["c0", "c1", "c2", "c5", "c3", "c4"]


def test_the_current_decision_leads_unless_another_is_asked_for():
    from assistant.service import current_first

    lines = ["R2025-192: THAT the 2026 schedule be February 10 and 24. [1]",
             "On the same matter, later: minute R2025-238 (16 December 2025): THAT we amend the 2026 schedule: "
             "February 3 and 17. [2] This is the current decision."]
    asked = parse_question("Is the second February council meeting still on February 24?")
    assert current_first(lines, asked, "2025-10-21") == lines[::-1]
    then = parse_question("Which dates did the council set in October 2025 for its 2026 meetings?")
    assert current_first(lines, then, "2025-10-21") == lines
    draft = parse_question("What did the original schedule say?")
    assert current_first(lines, draft, "2025-10-21") == lines
    # a later decision sharing the words but not saying it changes the earlier one stays where it is
    other = [lines[0], "On the same matter, later: minute 25/015 (10 February 2025): RESOLVED to approve the "
                       "payments and to note the schedule. [2] This is the current decision."]
    assert current_first(other, asked, "2025-10-21") == other


def test_a_year_alone_is_not_beyond_a_library_that_ends_the_year_before():
    from assistant.abstention import gather
    from ingest.records import Document, Passage

    held = [Document("d", "m.pdf", "m.pdf", "h", "minutes", "", "Council", "2025-12-09", "", 1, False, 0.0)]
    p = Passage("c", "d", "THAT we adopt the 2026 schedule.", "m.pdf", "m.pdf", "Council", "2025-12-09", "minutes",
                None, "", "R1", 1, 1)
    plan = gather(parse_question("What is the 2026 meeting schedule?"), [p], [p], 0.8, True, (True, True), held)
    assert not plan.beyond_library
    later = gather(parse_question("Who was elected mayor in June 2026?"), [p], [p], 0.8, True, (True, True), held)
    assert later.beyond_library
    assert not gather(parse_question("What is the meeting schedule?"), [p], [p], 0.8, True, (True, True),
                      held).beyond_library


def test_a_plan_by_year_is_read_a_row_a_year():
    text = ("2033 Chipseal the last 1.5 of Ski Hill $200,000 Grant\n2035 Replace Public Works\nGarage/Office\n"
            "If funding available**\n$4,000,000 Financing/Grant/Reserves\n2036\nFor Future Considerations:")
    assert split_units(text) == ["2033 Chipseal the last 1.5 of Ski Hill $200,000 Grant",
                                 "2035 Replace Public Works Garage/Office If funding available** $4,000,000 "
                                 "Financing/Grant/Reserves", "2036 For Future Considerations:"]
    assert split_units("The budget was set in\n2024 Council agreed to review it.") == [
        "The budget was set in 2024 Council agreed to review it."]


def test_a_running_footer_is_page_furniture_and_column_heads_are_not():
    from ingest.lines import running_furniture

    legal = "© 2025 Audit LLP, a limited liability partnership and a member firm of an audit network. All rights reserved."
    pages = [PageText(n, f"YEAR PROJECT DESCRIPTION ESTIMATE METHOD\n{n + 2020} Item {n} $5,000\n"
                         f"Minutes – March 18, 2025 – Page {n}\n{legal}") for n in range(1, 5)]
    found = running_furniture(pages)
    assert "minutes – march #, # – page #" in found and any("all rights reserved" in f for f in found)
    assert not any("estimate method" in f for f in found)


def test_a_row_for_another_year_than_the_asked_one_is_not_the_answer():
    from assistant.extractive import Unit, _unit_score

    q = parse_question("How much does the 2026 budget set aside for the municipal election?")
    other = _unit_score(q, Unit("2028 Municipal Election $4,000", 0, 0), 0.5, 0.5)
    asked = _unit_score(q, Unit("2026 Municipal Election $12,000", 0, 1), 0.5, 0.5)
    assert asked > other
    adopted = parse_question("In the forecast adopted in March 2026, when is the garage pencilled in?")
    assert _unit_score(adopted, Unit("2035 Replace Garage $4,000,000", 0, 0), 0.5, 0.5) == \
        _unit_score(adopted, Unit("2026 Replace Garage $4,000,000", 0, 0), 0.5, 0.5)


def test_a_question_naming_a_forecast_asks_for_the_budget_papers():
    assert parse_question("Was Hummel Bridge in the 2024 capital forecast?").doc_kind == "budget"
    assert parse_question("What did council decide about Hummel Bridge?").doc_kind is None


PARISH_AGENDA = """ASHBY PARVA PARISH COUNCIL
NOTICE IS HEREBY GIVEN that a meeting of the Parish Council will be held on Monday 13th January 2025 at 7.30pm.
AGENDA
25/001 Apologies for absence
25/002 Declarations of interest
25/003 To approve the minutes of the meeting held on 9th December 2024
25/004 Planning applications:
a) 24/01234/FUL Land at Mill Lane, erection of a dwelling
25/005 Precept 2025/26: to consider and agree the precept

Clerk to the Council 6th January 2025"""

PARISH_MINUTES = """ASHBY PARVA PARISH COUNCIL
Minutes of the Meeting of the Parish Council held on Monday 13th January 2025 at 7.30pm in the Village Hall
Present: Cllr A Smith (Chairman), Cllr B Jones, Cllr C Patel
123/24 Apologies for absence
Apologies were received from Cllr D Brown.
124/24 Declarations of interest
None.
126/24 Precept 2025/26
It was proposed by Cllr Jones, seconded by Cllr Patel and RESOLVED to set the precept at £42,500 for 2025/26,
an increase of 3.2%. (6 in favour, 1 against)
127/24 Date of next meeting
Monday 10th February 2025."""


def test_a_parish_agenda_and_minutes_numbered_by_running_references():
    from ingest.minutes import parse_minutes

    items = parse_numbered_agenda(document_lines([PageText(1, PARISH_AGENDA)]))
    assert [(it.number, it.title) for it in items] == [
        ("25/001", "Apologies for absence"), ("25/002", "Declarations of interest"),
        ("25/003", "To approve the minutes of the meeting held on 9th December 2024"),
        ("25/004", "Planning applications:"), ("25/005", "Precept 2025/26: to consider and agree the precept")]
    minutes = parse_minutes(document_lines([PageText(1, PARISH_MINUTES)]))
    assert [m.number for m in minutes] == ["123/24", "124/24", "126/24", "127/24"]
    precept = minutes[2]
    assert precept.title == "Precept 2025/26" and precept.resolution.startswith("It was proposed by Cllr Jones")
    assert precept.vote == "recorded vote: 6 for, 1 against" and precept.meeting_date == "2025-01-13"
    from ingest.classify import find_meeting_date

    # the minutes' own title dates them, not the next meeting's date printed at their end
    assert find_meeting_date([PageText(1, PARISH_MINUTES)], "Draft Minutes Jan 2025.pdf") == ("2025-01-13", "text")
    assert parse_question("What is item 25/005 on the agenda?").item == "25/005"
    assert parse_question("What did minute 126/24 resolve?").minute == "126/24"
    assert parse_question("What is item 5 on the agenda?").item == "5"


def test_a_letter_to_a_council_is_a_paper_of_that_council():
    from ingest.bodies import find_body

    letter = ("Leicestershire County Council\nCounty Hall, Glenfield, Leicester LE3 8RA\nMrs J Clerk\n"
              "Clerk to Ashby Parva Parish Council\n12 December 2024\nDear Mrs Clerk,\nB4010 road surface\n"
              "The County Council will repair the potholes on the B4010 by the end of March 2025.\nYours sincerely")
    found = find_body([PageText(1, letter)], "county-letter.pdf")
    assert (found.authority, found.body) == ("Ashby Parva Parish Council", "Council")
    notice = "Leicestershire County Council\nCabinet\nAgenda for the meeting on 12 December 2024\n1. Apologies"
    assert find_body([PageText(1, notice)], "cabinet.pdf").authority == "Leicestershire County Council"


def test_a_letters_salutation_closes_its_address_block():
    text = "County Hall, Glenfield\nClerk to the Parish Council\nDear Mrs Clerk,\nThank you for your letter.\nYours sincerely"
    assert split_units(text) == ["County Hall, Glenfield Clerk to the Parish Council", "Dear Mrs Clerk,",
                                 "Thank you for your letter.", "Yours sincerely"]


def test_minutes_in_a_table_have_the_reference_alone_and_the_title_below():
    from ingest.minutes import parse_minutes, vote_of

    text = ("MINUTES of the meeting of the Parish Council held on Monday 13th January 2025\n25/001\n"
            "Apologies for absence\nApologies were received from Cllr E Green.\n25/002\nPlanning applications\n"
            "24/01234/FUL Land at Mill Lane. RESOLVED: No objection (5 in favour, 1 abstention)\n25/003\n"
            "Date of next meeting\nMonday 10th February 2025.")
    minutes = parse_minutes(document_lines([PageText(1, text)]))
    assert [(m.number, m.title) for m in minutes] == [("25/001", "Apologies for absence"),
                                                       ("25/002", "Planning applications"),
                                                       ("25/003", "Date of next meeting")]
    assert minutes[1].vote == "recorded vote: 5 for, 1 abstention"
    assert vote_of("It was resolved for 2 years.") == "not stated"


def test_the_clause_that_asks_is_told_from_the_one_that_sets_the_scene():
    from assistant.query import main_clause

    q = parse_question("When Cabinet looked at the draft budget in January, what council tax rise was planned?")
    assert main_clause(q.text) == "what council tax rise was planned?"
    assert q.asked_terms.count("tax") > q.terms.count("tax") and q.asked_terms.count("cabinet") == 1
    assert main_clause("The hubs decision was called in. What did Scrutiny do with it in January?") == \
        "What did Scrutiny do with it in January?"
    assert main_clause("The hubs decision was called in. What came of it?").startswith("The hubs")  # too little
    assert main_clause("In the forecast adopted in March 2026, when is the garage pencilled in?") == \
        "when is the garage pencilled in?"
    assert main_clause("How much will the cut in management save, per the budget slides?") == \
        "How much will the cut in management save?"
    assert parse_question("What is item 4 about?").asked_terms == parse_question("What is item 4 about?").terms


def test_a_quote_completed_by_its_next_sentence_is_not_quoted_when_that_repeats_an_earlier_one():
    from assistant.extractive import Unit, choose_units

    q = parse_question("How did the number of looked after children change in June?")
    units = [Unit("53.0 40 Jun In June the number of Looked After Children fell to 701 from 712.", 0, 0, 0.9),
             Unit("This figure includes 57 UASC, 8% of the current LAC population.", 0, 1, 0.5),
             Unit("• The number of Looked After Children In June the number of Looked After Children fell to "
                  "701 from 712.", 1, 0, 0.85),
             Unit("This figure includes 57 UASC, 8% of the current LAC population.", 1, 1, 0.5)]
    chosen = choose_units(units, q)
    assert len(chosen) == 1 and chosen[0].text.startswith("53.0")


def test_an_acronym_the_papers_use_but_never_define_is_read_as_the_name_they_spell_out():
    from assistant.acronyms import expand, find_acronyms

    class Papers:
        def chunk_texts(self, limit):
            return ["Councillor Kirkey: FONOM Conference, Police Services Board.",
                    "THAT we authorize attendance at the Federation of Northern Ontario Municipalities – May 11-13.",
                    "Care Quality Commission (CQC) inspections. THAT the report be received.",
                    "The Shared Services Agreement with the county. The Shared Services Agreement ends.",
                    "Minutes of the Lincoln Square Special Service Area #21 Commission. SSA #21 logo."]

    found = find_acronyms(Papers())
    assert found["FONOM"] == "Federation of Northern Ontario Municipalities"
    assert found["CQC"] == "Care Quality Commission" and "THAT" not in found
    assert "Federation of Northern" in expand("Who goes to the FONOM conference?", found)
    assert found["SSA"] == "Special Service Area"  # the name held beside the short form, though printed less


def test_a_who_question_is_not_answered_by_a_sentence_naming_only_whom_it_names():
    from ingest.words import names_in

    assert names_in("THAT we accept the resignation of Harold Elston in May. Dave Yemm, Shelly Foote.") == \
        {"harold", "elston", "yemm", "shelly", "foote"}  # a sentence's first word, a month: not names
    p = Passage_of("THAT we accept resignation of Harold Elston as Integrity Commissioner.")
    new = parse_question("Who is the new integrity commissioner, appointed after Harold Elston resigned?")
    assert evidence(new, p, register=True, lead=p.text).name_missing
    who = parse_question("Who resigned as integrity commissioner?")
    assert not evidence(who, p, register=True, lead=p.text).name_missing
    what = parse_question("What did council do about the integrity commissioner?")
    assert not evidence(what, p, register=True, lead=p.text).name_missing


def Passage_of(text):
    from ingest.records import Passage

    return Passage("c", "d", text, "m.pdf", "m.pdf", "Council", "2025-12-02", "minutes", None, "", "R1", 1, 1)


def test_a_vote_is_counted_in_councillors():
    from ingest.minutes import counts_votes

    assert counts_votes("For (9) Mr Baldock, Mr Campkin Against (41)")
    assert counts_votes("RESOLVED that the precept be set (6 in favour, 1 against).")
    assert not counts_votes("The amendment was lost.") and not counts_votes("Item 9 for decision (pages 4-9)")
    assert parse_question("How many councillors backed the amendment?").asks_vote
    assert not parse_question("How many councillors sit on the board?").asks_vote


def test_a_recommendation_of_lettered_parts_is_cut_to_those_naming_what_is_asked_about():
    from assistant.register_answers import parts_about

    rec = ("The Committee is recommended to: a) Agree to tender the contract at Willow Court. b) Delegate award of "
           "the contract for Willow Court to the Director. c) Delegate award of the contract at Ditchburn Place. "
           "d) Delegate award of the contract at Hauxton to the Director.")
    assert parts_about(rec, "What is the committee asked to do about Hauxton?") == (
        "The Committee is recommended to: d) Delegate award of the contract at Hauxton to the Director. "
        "(and 3 other recommendations)")
    assert parts_about(rec, "What does item 4 ask us to decide?") == rec  # no part named: all of it
    assert parts_about("The Committee is asked to note the report.", "What about Hauxton?") == \
        "The Committee is asked to note the report."


def test_a_passage_opening_mid_sentence_is_begun_from_the_chunk_before():
    from assistant.register_answers import RegisterAnswers
    from index.filters import Filters
    from ingest.records import Passage

    def chunk(cid, text, page):
        return Passage(cid, "d", text, "r.pdf", "r.pdf", "", None, "report", None, "", None, page, page)

    before = chunk("c1", "Delays are reported monthly.\n• Average number of bed-day delays per 100,000\npopulation",
                   4)
    cut = chunk("c2", "per month – In May 2018, there were 406 bed-day delays.", 5)

    class Chunks:
        def chunk_beside(self, chunk_id, filters, step):
            return "c1" if chunk_id == "c2" and step == -1 else None

        def chunks_by_id(self, ids):
            return {"c1": before}

    reader = RegisterAnswers.__new__(RegisterAnswers)
    reader.registry = Chunks()
    whole = reader._begun(cut, Filters())
    assert whole.text.startswith("• Average number of bed-day delays per 100,000\npopulation\nper month")
    assert whole.first_page == 4
    assert reader._begun(before, Filters()) is before  # it opens with a capital: nothing to begin


def test_a_table_read_a_cell_per_line_is_put_back_a_row_per_line():
    from ingest.units import split_units

    cells = "\n".join(["Budget heading", "Clerk salary", "9,200", "9,150", "9,600", "Total expenditure", "42,030",
                       "39,655", "43,400", "The precept is £42,500.", "Item 5", "12"])
    units = split_units(cells)
    assert "Clerk salary 9,200 9,150 9,600" in units and "Total expenditure 42,030 39,655 43,400" in units
    assert "The precept is £42,500." in units
    plan = "Municipal Election $5,000 $3,500\n2031\nComputer server $4,000 $3,000"
    assert split_units(plan)[0] == "Municipal Election $5,000 $3,500"  # a year alone opens the next row
    by_year = "2024 Computer server/replacements\nMunicipal Election\n$3,000\n$3,000\n2025 Computer server"
    assert split_units(by_year)[0] == "2024 Computer server/replacements Municipal Election $3,000 $3,000"


def test_a_year_asked_is_a_year_the_answer_names():
    from ingest.dates import periods_named
    from ingest.records import Passage

    named = periods_named("2019/20 and 2017-18, £2,019, 2024-04-16, By-Law 2026-10")
    assert {y for span in named for y in span} == {2017, 2018, 2019, 2020, 2024, 2026}
    closedown = Passage("c", "d", "The 2017/18 outturn for Older People is a £584k pressure.", "r.pdf", "r.pdf",
                        "Adults Committee", "2018-04-19", "report", None, "", None, 1, 1)
    later = parse_question("What was the final outturn for Older People's Services in 2019/20?")
    assert evidence(later, closedown).year_missing
    then = parse_question("What was the outturn for Older People's Services in 2017/18?")
    assert not evidence(then, closedown).year_missing
    pack = Passage("c", "d", "In October 2018 Adults Committee approved the strategy for carers' services.", "a.pdf",
                   "a.pdf", "Adults Committee", "2019-10-10", "agenda pack", "5", "", None, 1, 1)
    decided = parse_question("What did the committee decide about carers' services in October 2019?")
    assert evidence(decided, pack, lead=pack.text).decision_missing
    earlier = parse_question("What did the committee decide about carers' services in October 2018?")
    assert not evidence(earlier, pack, lead=pack.text).decision_missing


def test_a_weak_sentence_moved_up_from_the_second_passage_does_not_end_the_choice():
    from assistant.extractive import Unit, choose_units

    q = parse_question("By how much did the Revenue support grant fall compared to two years ago?")
    units = [Unit("The Council was in a very different financial situation than two years ago.", 0, 0, 0.66),
             Unit("Previous year's fees, charges and ring-fenced grants -160,694 -179,885", 1, 0, 0.45),
             Unit("The Revenue support grant decreased by £38m compared to two years ago.", 3, 0, 0.86)]
    assert any("£38m" in u.text for u in choose_units(units, q))


def test_a_final_figure_is_not_answered_by_a_forecast():

    p = Passage_of("The forecast revenue outturn position is an overspend of +£23.3m (excluding schools).")
    final = parse_question("How much was the final outturn overspend for 2024-25?")
    assert evidence(final, p, lead=p.text).final_missing
    forecast = parse_question("What overspend is forecast for 2024-25?")
    assert not evidence(forecast, p, lead=p.text).final_missing


def test_a_balance_date_is_not_a_meeting_and_is_known_only_after_it():
    from ingest.records import Document
    from ingest.words import names_in

    projected = parse_question("What is the general fund reserve projected to be at 31 March 2025?")
    assert projected.as_at == ("2025-03-31",) and not projected.exact_dates and not projected.months
    held = [Document("d", "m.pdf", "m.pdf", "h", "report", "", "Cabinet", "2025-01-30", "", 1, False, 0.0)]
    p = Passage_of("The general fund reserve is forecast to be £35.9m at year end.")
    assert not evidence(projected, p, held=held, lead=p.text).beyond_library
    was = parse_question("What was the total external debt at 31 March 2025?")
    assert evidence(was, p, held=held, lead=p.text).beyond_library
    assert names_in("Section 25: Mr John Betts attended.") == {"john", "betts"}  # a title is no name
    row = "Adult Social Care & Health 586.1 621.6 +35.4 +6.0%"  # a signed variance is a cell
    table = Passage_of(f"Directorate Revenue Budget Forecast Variance\n{row}")
    final = parse_question("What was the final 2024-25 revenue outturn for Adult Social Care & Health?")
    assert evidence(final, table, held=held, lead=row).final_missing


def test_a_tables_head_row_is_not_quoted_ahead_of_its_rows():
    from assistant.extractive import is_column_heads

    assert is_column_heads("Original Budget 2017/18 Budget 2017/18 Actual Outturn Variance £000 £000 £000 %")
    assert not is_column_heads("8,262 Children & Safeguarding 103,587 105,723 116,358 10,635 10.1%")
    assert not is_column_heads("The budget for 2019/20 is £3m.")


def evidence(question, passage, register=False, held=(), lead=""):
    """What ``gather`` makes of one passage, found and quoted, for a question (coverage 0.8, figures found)."""
    from assistant.abstention import gather

    return gather(question, [passage], [passage], 0.8, register, (True, True), list(held), lead)


def test_a_question_asking_which_people_prefers_the_sentence_that_names_them():
    from assistant.extractive import WHO_Q, WHO_WORDS, Unit, choose_units

    assert WHO_Q.search("Which Riverside Park commissioners still have to send in applications?")
    assert WHO_Q.search("what officers attended?") and not WHO_Q.search("Which items are about parking?")
    assert WHO_WORDS.search("o A. Lee, B. Ray and C. Moss need to submit updated forms")
    assert WHO_WORDS.search("Miss Carey declared an interest") and WHO_WORDS.search("(J. Scott, S. Kirk)")
    assert not WHO_WORDS.search("the message evoked by Logo B. Updates will be sent to the board")
    assert not WHO_WORDS.search("Members who were district councillors declared an interest")
    # two supporting entries of one passage scoring alike keep the passage's order; the best still leads
    q = parse_question("Which members declared interests?")
    units = [Unit("Later Mr Ray declared an interest in item 9.", 1, 4, 0.9),
             Unit("(3) Miss Carey declared an interest as a trustee.", 0, 4, 0.88),
             Unit("(2) Ms Lee declared an interest as a carer.", 0, 3, 0.875)]
    assert [u.text[:9] for u in choose_units(units, q)] == ["Later Mr ", "(2) Ms Le", "(3) Miss "]


def test_what_a_figure_question_counts_is_read_from_each_part_that_asks_one():
    assert "flat" in parse_question("How many flats will the scheme have?").measure
    # "What's" asks too; the owner ("the council's") is not what is counted; the phrase's head is
    total = parse_question("What's the council's total unringfenced covid grant across the three tranches, and "
                           "how much was the third one?").measure
    assert {"total", "grant"} <= total and "council" not in total
    assert parse_question("What was the year-end variance on nursing placements?").measure >= {"varianc"}
    # a part that asks no figure adds nothing
    assert parse_question("How many people responded to the consultation, and what did the January report "
                          "conclude?").measure == {"peopl", "respond"}


def test_a_body_named_as_peoples_role_or_inside_another_bodys_name_is_not_the_meeting_asked_about():
    authorities = ["Kent County Council", "Lincoln Square Special Service Area #21"]
    body = lambda text, names: parse_question(text, names, authorities=authorities).committee  # noqa: E731
    assert body("Which cabinet members were asked to write to the minister?", ["Cabinet"]) is None
    assert body("Who is reappointed to the Public Art Commission?", ["Commission"]) is None
    assert body("What did the Kent County Council meeting decide?", ["Cabinet", "County Council"]) == "County Council"
    assert body("What did the SSA commission decide?", ["Commission"]) == "Commission"  # the authority's initials
    assert body("What did Cabinet decide on 4 March?", ["Cabinet"]) == "Cabinet"


def test_a_financial_year_asked_is_not_held_by_the_next_one_that_shares_a_year():
    from ingest.dates import other_periods, periods_named

    assert periods_named("2019/20, 2019-2020, the 2025-2035 forecast, £2,019") == {(2019, 2020), (2025, 2035)}
    asked = periods_named("the Quarter 3 overspend for 2023-24")
    assert other_periods(asked, periods_named("as at Quarter 3 2024-25, reported in January 2025"))
    assert not other_periods(asked, periods_named("the 2023-24 outturn"))
    assert not other_periods(asked, periods_named("in January 2024"))  # no financial year named: a year within
    assert not other_periods(periods_named("in 2025"), periods_named("the 2024-25 budget"))
    assert not other_periods(periods_named("2030"), periods_named("the 2026-2036 capital forecast"))
    # a year in a statement before the question sets the scene; the question asks of this year
    q = parse_question("APC was to save £3.8m in 2019/20. What did it deliver, and what is expected this year?")
    from assistant.query import asking
    assert asking(q.text) == "What did it deliver, and what is expected this year?"


def test_a_decision_of_a_body_the_library_holds_no_papers_of_is_answered_only_where_the_papers_report_it():
    bodies, authorities = ["Cabinet", "County Council"], ["Kent County Council"]
    ask = lambda text: parse_question(text, bodies, authorities=authorities)  # noqa: E731
    assert ask("How did Medway Council vote on joining the programme?").outside_body == "Medway Council"
    assert ask("Did Township of Hill council agree to the split?").outside_body == "Township of Hill council"
    assert ask("Has Kent County Council agreed the budget?").outside_body is None
    assert ask("What did Cabinet decide?").outside_body is None
    medway = ask("How did Medway Council vote on joining the programme?")
    joint = Passage_of("Endorses the request to Government, jointly with Medway Council, to join the programme.")
    assert evidence(medway, joint, lead=joint.text).body_missing
    gpc = ask("What business case did General Purposes Committee approve in December?")
    reported = Passage_of("A business case for in-house fostering was approved by General Purposes Committee in "
                          "December.")
    assert not evidence(gpc, reported, lead=reported.text).body_missing


def test_a_decision_at_a_meeting_whose_minutes_are_not_held_is_missing_though_the_pack_holds_earlier_minutes():
    from assistant.abstention import gather

    q = parse_question("Did the committee agree the Willow Court tender at the 6 September 2018 meeting?")
    earlier = Passage_of("98. HAUXTON - It was resolved unanimously to agree to tender the care contract.")
    got = gather(q, [earlier], [earlier], 0.8, True, (True, True), [], "Minute 98: It was resolved unanimously ...",
                 frozenset({"2018-07-19"}))
    assert got.decision_missing
    told = gather(q, [earlier], [earlier], 0.8, True, (True, True), [], "At its meeting on 6th September the "
                  "committee agreed the tender.", frozenset({"2018-07-19"}))
    assert not told.decision_missing  # the lead reports a decision of that day


def test_which_provider_asks_who_but_what_scores_the_bidders_got_does_not():
    assert parse_question("Which independent provider got the Ditchburn Place contract?").asks_who
    assert parse_question("Which councillors voted against?").asks_who
    assert not parse_question("What scores did the five bidders get?").asks_who
    p = Passage_of("It was resolved to directly award the care contract at Ditchburn Place to an independent "
                   "provider for ten years.")
    q = parse_question("Which independent provider got the Ditchburn Place contract?")
    assert evidence(q, p, lead=p.text).name_missing


def test_a_meeting_whose_minutes_sit_in_a_later_pack_is_held():
    from assistant.abstention import gather, nearby

    q = parse_question("Which minute covers the charging review at the 12 Sept 2019 meeting?")
    p = Passage_of("203. ADULT SOCIAL CARE CHARGING POLICY REVIEW It was resolved by majority to consult.")
    assert not gather(q, [p], [p], 0.8, True, (True, True), [], p.text, frozenset({"2019-09-12"})).meeting_missing
    assert gather(q, [p], [p], 0.8, True, (True, True), [], p.text, frozenset()).meeting_missing
    assert nearby(q, [], frozenset({"2019-09-12"})) == ("The library has the minutes of the meeting of 12 September "
                                                        "2019, printed in a later paper.")


def test_a_row_label_is_completed_by_its_values_on_the_next_line():
    from assistant.extractive import Unit, choose_units
    from ingest.figures import figures

    assert figures("Opening Balance 01/04/24 Projected Balance 31/03/25") == set()  # dates, not figures
    q = parse_question("What is the general fund reserve's projected balance?")
    units = [Unit("Reserve Opening Balance 01/04/24 Projected Balance 31/03/25 General Fund", 0, 0, 0.9),
             Unit("-43.0 7.1 -35.9", 0, 1, 0.2)]
    assert choose_units(units, q)[0].text.endswith("General Fund -43.0 7.1 -35.9")


def test_a_plans_span_or_a_financial_year_does_not_pin_the_meeting_asked_about():
    assert parse_question("When is it in the 2026-2036 forecast, compared with the 2025-2035 one?").years == ()
    assert parse_question("What was the 2019/20 forecast?").years == ()
    assert parse_question("In 2025, how much was spent on the £2,019 item?").years == (2025,)


def test_one_sentence_printed_in_two_papers_is_quoted_once_not_dropped_and_spent_matches_spend():
    from assistant.extractive import Unit, choose_units
    from assistant.terms import content_terms, stems_of

    q = parse_question("How much did the SSA spend in 2017 compared with its budget?")
    assert "spend" in content_terms(q.text) and "spend" in stems_of("the SSA spent $210,783")
    same = "o In 2017, the SSA spent $210,783 of its $246,394 budget"
    chosen = choose_units([Unit(same, 0, 8, 0.8), Unit(same, 1, 11, 0.75), Unit("o In 2018 it spent $6,927", 0, 11, 0.7)], q)
    assert [u.text for u in chosen].count(same) == 1 and chosen[0].passage == 0


def test_a_clerk_chasing_what_was_asked_for_asks_for_an_action():
    for text in ("Any update on easy read versions of the letters?",
                 "Who was meant to get us the penalty clause details, and has it happened?"):
        assert parse_question(text).intent == "action", text
