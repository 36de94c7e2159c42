"""Recorded votes as minutes print them, read into the decisions register with their counts."""
from ingest.minutes import recorded_vote, vote_of


def test_a_recorded_vote_keeps_its_counts_and_the_names_of_small_sides():
    text = ("2) The Chairman put the motion to the vote and the voting was as follows:\n\nFor (32)\n\n"
            "Mr Baker, Mr Brady, Mrs Bell, Mrs Binks\n\nAgainst (1)\n\nMr Booth\n\nAbstain (2)\n\n"
            "Mr Lehmann, Mr Sole\n\nMotion carried.\n\n3) RESOLVED that Council endorses the statement.")
    assert recorded_vote(text) == "32 for, 1 against (Mr Booth), 2 abstentions (Mr Lehmann, Mr Sole)"
    assert vote_of("RESOLVED that Council endorses the statement.", text).startswith("recorded vote: 32 for")


def test_the_last_of_several_votes_in_a_minute_is_the_one_kept():
    text = "Amendment:\nFor (9)\nAgainst (41)\nAbstain (8)\nLost.\nSubstantive motion:\nFor (50)\nAgainst (3)\n"
    assert recorded_vote(text) == "50 for, 3 against"


def test_us_and_canadian_styles_and_no_vote_at_all():
    assert recorded_vote("Yeas: 7\nNays: 0\n") == "7 for, 0 against"
    assert recorded_vote("Ayes - 5\nNoes - 2\n") == "5 for, 2 against"
    assert recorded_vote("The plan runs for 2 years.\nCarried.") == ""
    assert vote_of("THAT the minutes be adopted. Carried.") == "carried"


def test_a_resolution_with_recitals_reads_decision_first():
    from ingest.minutes import operative_first

    text = ("WHEREAS an application has been received to purchase municipal land; NOW THEREFORE BE IT RESOLVED "
            "THAT Council declares the said lands surplus; AND FURTHER THAT the land be appraised.")
    assert operative_first(text) == ("Council declares the said lands surplus; AND FURTHER THAT the land be "
                                     "appraised. (Recitals: WHEREAS an application has been received to purchase "
                                     "municipal land)")
    assert operative_first("THAT the minutes be adopted. Carried.") == "THAT the minutes be adopted. Carried."


def test_bulleted_minutes_that_number_nothing_give_each_motion_in_order():
    from ingest.lines import Line
    from ingest.minutes import parse_minutes

    text = ["Minutes from Monday, January 29, 2018 – 9:00am", "• Perfunctory Business",
            "• Minutes from 11/30/17 meeting approved – Z. Maiorca (motion), T. Feinberg (second)",
            "o In 2017, the SSA received $239,503", "o APPROVED – Revised 2018 budget – B. Munro (motion), Z. Maiorca (second)",
            "o DENIED – Lighting retrofits"]
    found = parse_minutes([Line(1, t) for t in text])
    assert [(m.number, m.title, m.vote) for m in found] == [
        ("1", "Minutes from 11/30/17 meeting", "carried"), ("2", "Revised 2018 budget", "carried"),
        ("3", "Lighting retrofits", "defeated")]
    assert found[1].meeting_date == "2018-01-29" and "B. Munro (motion)" in found[1].resolution
