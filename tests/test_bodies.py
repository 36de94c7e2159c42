"""Fast unit tests: the authority and the body that met, read from varied title blocks (no model)."""
from __future__ import annotations

import pytest

from ingest.bodies import canonical, find_body, settle
from ingest.models import PageText

CASES = [
    ("KENT COUNTY COUNCIL\nCABINET\nMINUTES of a meeting of the Cabinet held in the Council Chamber on 30 January "
     "2025.", "Kent County Council", "Cabinet", "ordinary"),
    ("KENT COUNTY COUNCIL\nCOUNTY COUNCIL\nMINUTES of a meeting of the County Council held in the Council Chamber",
     "Kent County Council", "County Council", "ordinary"),
    ("MINUTES\nTOWNSHIP OF NIPISSING\nTuesday, January 2, 2024\nA regular meeting of the Township of Nipissing "
     "Council was held on Tuesday, January 2, 2024", "Township of Nipissing", "Council", "ordinary"),
    ("MINUTES\nTOWNSHIP OF NIPISSING\nA special meeting of the Township of Nipissing Council was held on Wednesday",
     "Township of Nipissing", "Council", "special"),
    ("The Corporation of the Township of Nipissing\n45 Beatty Street\n*** AGENDA ***\nSpecial Council Meeting\n"
     "Wednesday, January 10, 2024", "Township of Nipissing", "Council", "special"),
    ("Township of\nNipissing\nYear-end Audit Report\nPresentation to Township Council", "Township of Nipissing",
     "Council", "ordinary"),
    ("Lincoln Square Special Service Area #21\nCommission Meeting Minutes\nMinutes from Monday, January 29, 2018",
     "Lincoln Square Special Service Area #21", "Commission", "ordinary"),
    ("From: Sue Chandler, Cabinet Member\nTo: Cabinet - 30 January 2025\nSubject: Transfer", "", "Cabinet",
     "ordinary"),
    ("ASHBY PARVA PARISH COUNCIL\nNotice is hereby given that a meeting of the Parish Council will be held on "
     "Monday 6 January 2025", "Ashby Parva Parish Council", "Council", "ordinary"),
    ("PUBLIC NOTICE: A meeting of the Planning Committee of Borsetshire District Council will be held on 3 May",
     "Borsetshire District Council", "Planning Committee", "ordinary"),
    ("ADULTS COMMITTEE\nDate: Thursday, 06 September 2018\nAGENDA", "", "Adults Committee", "ordinary"),
]


@pytest.mark.parametrize("text,authority,body,kind", CASES, ids=[c[2] + "-" + c[3] + str(i) for i, c in
                                                               enumerate(CASES)])
def test_body_and_authority_from_the_title_block(text, authority, body, kind):
    found = find_body([PageText(1, text)], "x.pdf")
    assert (found.authority, found.body, found.kind, found.found_in) == (authority, body, kind, "text")


def test_the_file_name_is_a_last_resort_and_says_so():
    found = find_body([PageText(1, "Capital budget forecast\nReserves planning")], "nipissing-council-2025-03-18-x.pdf")
    assert found.found_in == "file name" and found.body == "Nipissing Council"
    assert find_body([PageText(1, "Overall financial position")], "update.pdf").found_in == "none"


def test_full_council_aliases_are_one_body():
    for alias in ("Council", "Full Council", "County Council", "Kent County Council", "the County Council"):
        assert canonical(alias, "Kent County Council")[0] == "County Council", alias
    assert canonical("Township Council", "Township of Nipissing")[0] == "Council"
    assert canonical("Extraordinary Meeting of the County Council", "Kent County Council") == ("County Council",
                                                                                                "extraordinary")


def test_papers_without_an_authority_join_the_one_that_holds_their_body():
    papers = [("a", "Kent County Council", "Cabinet"), ("b", "Kent County Council", "County Council"),
              ("c", "", "Cabinet"), ("d", "", "Kent Council"), ("e", "", "Planning Committee")]
    assert settle(papers) == {"c": ("Kent County Council", "Cabinet"), "d": ("Kent County Council", "County Council")}


def test_a_county_council_joins_the_county_not_a_township_in_the_same_library():
    papers = [("a", "Kent County Council", "County Council"), ("b", "Township of Lakeview", "Council"),
              ("c", "", "County Council"), ("d", "", "Township Council")]
    assert settle(papers) == {"c": ("Kent County Council", "County Council"), "d": ("Township of Lakeview", "Council")}


def test_a_report_without_a_title_block_belongs_to_the_committee_its_text_keeps_naming():
    text = ("1. BACKGROUND\n1.1 This paper updates the Housing Committee on repairs.\nAs the July Housing Committee "
            "asked, and as reported to the Housing Committee in March, the Finance Board was told once.\n")
    assert find_body([PageText(1, text)], "update.pdf").body == "Housing Committee"
    once = "1. BACKGROUND\nThe Finance Board and the Housing Committee were told.\n"
    assert find_body([PageText(1, once)], "update.pdf").body == ""  # named once: not enough to say
