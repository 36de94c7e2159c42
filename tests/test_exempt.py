"""Exempt information never reaches the public: markings in many wordings and layouts, restrictions that stick
to the content, the clerk's review list and overrides, safe exports, and one-line errors."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.models import PageText
from ingest.restricted import assess_pages

LONG = ("NOT FOR PUBLICATION by virtue of paragraph 3 of Part 1 of Schedule 12A of the Local Government Act 1972 "
        "(information relating to financial or business affairs)")
LETTERHEAD = ["Borsetshire District Council", "Council Offices", "High Street", "Felpersham", "FE1 2AB",
              "Tel: 01234 567890", "www.borsetshire.gov.uk", "Democratic Services", "Our ref: DS/2021/44",
              "Date: 4 March 2021"]
SECRET = "The Nightingale House site will be sold to Harbour Developments for £3.2m, completing in June 2021."

# (name, opening lines of a report page) — each must restrict the page
MARKED_REPORTS = [
    ("long line", [LONG, "PROPERTY SUB-COMMITTEE"]),
    ("marking with exclusion", ["NOT FOR PUBLICATION – the press and public are likely to be excluded during "
                                "consideration of this item", "Report of the Director of Resources"]),
    ("under a letterhead", LETTERHEAD + ["NOT FOR PUBLICATION", "Sale of Nightingale House"]),
    ("header table", ["Report to: Cabinet", "Date: 4 March 2021", "Subject: Nightingale House",
                      "Decision no: 21/00031", "Key decision: Yes", "Wards: All", "Author: J. Smith",
                      "Past pathway: none", "Classification:    Exempt – paragraph 3"]),
    ("wrapped across lines", ["Agenda Item 7", "NOT FOR", "PUBLICATION", "Sale of Nightingale House"]),
    ("exempt appendix heading", ["EXEMPT APPENDIX B", "Valuation of the site"]),
    ("part 2 heading", ["PART 2 – CONFIDENTIAL", "Item 12: Sale of Nightingale House"]),
    ("private and confidential", LETTERHEAD[:4] + ["Private and Confidential", "Dear Councillor,"]),
    ("moderngov by virtue", ["Document is Restricted"]),
    ("moderngov paragraph", ["By virtue of paragraph(s) 3 of Part 1 of Schedule 12A", "of the Local Government "
                             "Act 1972.", "Sale of Nightingale House"]),
    ("us closed session", ["CITY OF RIVERTON", "CONFIDENTIAL – CLOSED SESSION REPORT", "To: Mayor and Council"]),
    ("canadian in camera", ["Township of Lakeview", "In Camera Report to Council", "Re: potential litigation"]),
    ("official-sensitive", ["OFFICIAL-SENSITIVE", "Briefing note"]),
    ("security classification", LETTERHEAD + ["Security classification: Restricted", "Briefing for members"]),
    ("exempt information sentence", ["Exempt information under paragraph 1 of Schedule 12A",
                                     "Staffing review"]),
    ("confidential alone", ["CONFIDENTIAL", "Tender evaluation"]),
]

# (name, lines, the page is a record: minutes or an agenda) — each must stay public
PUBLIC_PAGES = [
    ("minutes record the exclusion", ["It was resolved unanimously:", "that the press and public be excluded "
     "from the meeting under paragraph 3 of Part 1 of Schedule 12A of the Local Government Act.",
                                      "208. CARE HOME DEVELOPMENT"], True),
    ("minutes wrap onto Exempt", ["RESOLVED that the press and public be excluded on the grounds that it involves "
                                  "the likely disclosure of", "Exempt Information as defined in paragraph 3."], True),
    ("agenda lists exempt items", ["1. Introduction", "2. Apologies", "3. Minutes", "EXEMPT ITEMS",
                                   "(At the time of preparing the agenda there were no exempt items.)"], True),
    ("agenda closed session", ["10. Accounts to pay.", "11. Closed Session: That this part of our meeting will be "
                               "closed to the public as authorized by Section 239(2)."], True),
    ("unrestricted classification", ["Report to: Cabinet", "Classification: Unrestricted", "Subject: Libraries"],
     False),
    ("constitution part 2", ["The definition of a key decision is set out in the Council's Constitution in Part 2, "
                             "Article 12."], False),
    ("exemption in a report", ["Exemptions from the charge apply to carers.", "Report on parking"], False),
]


@pytest.mark.parametrize("name,lines", MARKED_REPORTS, ids=[m[0] for m in MARKED_REPORTS])
def test_markings_in_any_wording_and_layout_restrict_a_report(name, lines):
    pages = [PageText(1, "\n".join(lines + [SECRET])), PageText(2, "More detail of the sale.")]
    marks = assess_pages(pages)
    assert [m.page for m in marks if m.restricted] == [1, 2], name  # the paper stays restricted after its mark
    assert marks[0].reason.startswith("marked")


@pytest.mark.parametrize("name,lines,record", PUBLIC_PAGES, ids=[p[0] for p in PUBLIC_PAGES])
def test_records_and_mentions_stay_public(name, lines, record):
    page = PageText(1, "\n".join(lines + ["The library roof will be repaired."]))
    assert not [m for m in assess_pages([page], {1} if record else set()) if m.restricted], name


def test_a_marked_report_ends_where_the_next_item_starts():
    pages = [PageText(1, "NOT FOR PUBLICATION\n" + SECRET), PageText(2, "Appendix A\nValuation"),
             PageText(3, "Agenda Item 8\nLibrary repairs"), PageText(4, "Roof works")]
    assert {m.page for m in assess_pages(pages) if m.restricted} == {1, 2}
    pages = [PageText(1, "Front sheet"), PageText(2, "EXEMPT\n" + SECRET), PageText(3, "Library repairs")]
    assert {m.page for m in assess_pages(pages, item_starts={1, 3}) if m.restricted} == {2}


def test_a_minute_headed_by_a_marking_is_restricted_wherever_it_starts():
    page = PageText(2, "1. POTHOLES\nApproved.\n" + "Discussion continued.\n" * 45 +
                    "2. POTHOLE REPAIR CONTRACT\nNOT FOR PUBLICATION\nThe Zanthorpe tender was accepted.")
    assert [m.page for m in assess_pages([page], {2}) if m.restricted] == [2]
    agenda = PageText(1, "8. Home to School Transport\nEXEMPT ITEMS\n(none at the time of preparing the agenda)")
    assert not [m for m in assess_pages([agenda], {1}) if m.restricted]  # a section heading over a list


def test_borderline_pages_are_reported_with_the_word_seen():
    page = PageText(1, "1. Introduction\n2. Minutes\nEXEMPT ITEMS\n(none)")
    (mark,) = assess_pages([page], {1})
    assert not mark.restricted and "EXEMPT ITEMS" in mark.reason


# ---- papers built as PDFs ------------------------------------------------------------------------------

def _pdf(path: Path, pages: list[list[str]], size: float = 7, leading: float = 12) -> Path:
    """A text PDF of ``pages`` (lists of lines) in Helvetica ``size``; " | " sets a header table's cells side by
    side on one row."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        y = 800
        for line in lines:
            for k, cell in enumerate(line.split(" | ")):
                c.setFont("Helvetica", size)
                c.drawString(40 + k * 200, y, cell)
            y -= leading
        c.showPage()
    c.save()
    return path


def _assistant(library, role):
    from assistant.service import Assistant

    return Assistant(replace(library.settings, role=role), library=library)


def _cli(library, *args, role="public"):
    from committee.cli import main

    return CliRunner().invoke(main, ["--data", str(library.settings.data_dir), "--role", role, *args],
                              catch_exceptions=False)


QUESTION = "Who will the Nightingale House site be sold to, and for how much?"


def _secret_pack(tmp_path: Path) -> Path:
    """A pack whose item 7 is an exempt report (marked in a long first line under a header table) with minutes
    and an action, between public items."""
    return _pdf(tmp_path / "property-pack.pdf", [
        ["PROPERTY SUB-COMMITTEE", "Meeting Date: 4 March 2021", "Agenda Item No: 6", "LIBRARY REPAIRS",
         "The roof of the central library will be repaired for £40,000."],
        ["Agenda Item No: 7", "Report to: | Property Sub-Committee", "Date: | 4 March 2021",
         "Classification: | Exempt - paragraph 3", LONG[:120], LONG[120:], "NIGHTINGALE HOUSE SALE", SECRET,
         "The sale of Nightingale House was negotiated by the estates team over six months."],
        ["Agenda Item No: 8", "MINUTES", "12. EXCLUSION OF THE PRESS AND PUBLIC",
         "It was resolved that the press and public be excluded under paragraph 3 of Schedule 12A.",
         "13. COMMUNITY HALL", "It was resolved to approve the lease of the community hall."],
    ])


def test_public_gets_nothing_of_an_exempt_page_and_a_member_gets_it_all(fresh_library, tmp_path):
    from assistant import registers
    from index.filters import Filters

    pack = _secret_pack(tmp_path)
    assert fresh_library.ingest([pack]).ok
    reg = fresh_library.registry
    doc_id = reg.documents()[0].doc_id
    assert reg.restricted_page_numbers(doc_id) == [2]
    public = _assistant(fresh_library, "public").ask(QUESTION)
    blob = json.dumps(public.to_json())
    assert "Harbour" not in blob and "3.2m" not in blob
    assert all(2 not in range(c.pages[0], c.pages[-1] + 1) for c in public.citations)
    for rows in (reg.decisions(), reg.actions(), reg.declarations(), reg.recommendations(), reg.items(),
                 registers.lineage(reg, "Nightingale House sale"), registers.decisions_about(reg, "Nightingale")):
        assert "Harbour" not in json.dumps(rows, default=str)
    brief = registers.briefing(reg, "2021-03-04")
    assert "Harbour" not in brief and "Item 7" not in brief and "Item 8" in brief
    for out in (_cli(fresh_library, "ask", QUESTION, "--json").output,
                _cli(fresh_library, "decisions", "--format", "csv").output):
        assert "Harbour" not in out
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "q1", "question": QUESTION}) + "\n")
    _cli(fresh_library, "eval", str(questions), "--out", str(tmp_path / "r.jsonl"))
    assert "Harbour" not in (tmp_path / "r.jsonl").read_text()
    member = _assistant(fresh_library, "member").ask(QUESTION, filters=Filters(include_restricted=True))
    assert not member.abstained and "£3.2m" in member.answer
    assert "Item 7" in registers.briefing(reg, "2021-03-04", filters=Filters(include_restricted=True))
    assert any(c.pages[0] == 2 for c in member.citations)


def test_restriction_sticks_through_reingest_copies_and_folders(fresh_library, tmp_path):
    papers = tmp_path / "papers"
    papers.mkdir()
    secret = papers / "sale.txt"
    secret.write_text("PROPERTY SUB-COMMITTEE\nMeeting Date: 4 March 2021\n" + SECRET + "\n")
    assert fresh_library.ingest([secret], restricted=True, by="clerk").ok
    again = fresh_library.ingest([secret])  # a routine re-ingest without the flag
    assert again.unchanged == 1 and any("stays restricted" in n and "clerk" in n for n in again.notes)
    os.utime(secret, None)  # touched: read again, still restricted
    shutil.copy(secret, papers / "copy-of-sale.txt")  # a copy under another name
    report = fresh_library.ingest([papers])
    assert report.ok and [Path(d[0]).name for d in report.duplicates] == ["copy-of-sale.txt"]
    assert any("copy-of-sale.txt is a copy of sale.txt, which stays restricted" in n for n in report.notes)
    assert fresh_library.registry.documents() == []  # nothing of it is public
    assert _assistant(fresh_library, "public").ask(QUESTION).abstained
    # only an explicit publish lifts it, recorded with who and when
    _, pages = fresh_library.override(secret, False, by="monitoring officer")
    assert pages == [] and len(fresh_library.registry.documents()) == 1
    review = fresh_library.registry.restriction_review()
    assert [str(o).split(" by ")[0] for o in review[0].overrides] == ["restricted whole paper", "published whole paper"]


def test_clerk_review_list_and_page_overrides_survive_reingest(fresh_library, tmp_path):
    pack = _secret_pack(tmp_path)
    agenda = tmp_path / "agenda.txt"
    agenda.write_text("AGENDA\nCabinet\n1. Introduction\n2. Apologies\nEXEMPT ITEMS\n(none at the time of "
                      "preparing the agenda)\n")
    assert fresh_library.ingest([pack, agenda]).ok
    out = json.loads(_cli(fresh_library, "restricted", "--json").output)
    by_source = {r["source"]: r for r in out}
    assert by_source["property-pack.pdf"]["restricted_pages"] == [2]
    assert "Exempt" in by_source["property-pack.pdf"]["reasons"][0]["reason"]
    assert by_source["agenda.txt"]["restricted_pages"] == []
    assert "EXEMPT ITEMS" in by_source["agenda.txt"]["borderline"][0]["reason"]
    result = _cli(fresh_library, "restrict", str(pack), "--pages", "3")
    assert result.exit_code == 0 and "restricted pages now: 2–3" in result.output
    assert "13" not in [d.minute for d in fresh_library.registry.decisions()]
    os.utime(pack, None)
    assert fresh_library.ingest([pack], check=True).ok  # read again: the clerk's pages stay restricted
    doc_id = fresh_library.doc_id_for(pack)
    assert fresh_library.registry.restricted_page_numbers(doc_id) == [2, 3]
    _cli(fresh_library, "publish", str(pack), "--pages", "2-3")
    assert fresh_library.registry.restricted_page_numbers(doc_id) == []
    ids = fresh_library.registry.chunk_ids_of(doc_id)
    flags = fresh_library.vectors.collection.get(ids=sorted(ids), include=["metadatas"])["metadatas"]
    assert not any(m["restricted"] for m in flags)  # the store's own filter follows the override too
    bad = _cli(fresh_library, "restrict", str(pack), "--pages", "9-2")
    assert bad.exit_code == 2 and len(bad.output.strip().splitlines()) == 1


def test_repeated_paragraphs_ingest(fresh_library, tmp_path):
    paper = tmp_path / "repeats.txt"
    paragraph = "The committee noted the report and thanked the officers for their work on it."
    paper.write_text("LIBRARIES COMMITTEE\nMeeting Date: 1 May 2024\n" + "\n\n".join([paragraph] * 40) + "\n")
    report = fresh_library.ingest([paper])
    assert report.ok, report.failed
    assert report.chunks >= 2


def test_a_change_with_the_same_size_and_time_is_seen(fresh_library, tmp_path):
    paper = tmp_path / "notice.txt"
    paper.write_text("PLANNING COMMITTEE\nMeeting Date: 1 May 2024\nThe hall opens at 9am.\n")
    assert fresh_library.ingest([paper]).ingested == 1
    stat = paper.stat()
    paper.write_text("PLANNING COMMITTEE\nMeeting Date: 1 May 2024\nThe hall opens at 8am.\n")  # same size
    os.utime(paper, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as cp -p / rsync -t / unzip leave it
    assert fresh_library.ingest([paper]).ingested == 1
    text = " ".join(r.text for r in fresh_library.registry.chunks_by_id(
        sorted(fresh_library.registry.chunk_ids_of(fresh_library.doc_id_for(paper)))).values())
    assert "8am" in text and "9am" not in text
    assert fresh_library.ingest([paper]).unchanged == 1
    assert fresh_library.ingest([paper], check=True).unchanged == 1


def test_bad_dates_give_one_line_and_status_2(tmp_path):
    from committee.cli import main

    for args in (["ask", "anything", "--from", "notadate"], ["decisions", "--to", "31/12/2024"]):
        result = CliRunner().invoke(main, ["--data", str(tmp_path / "d"), *args])
        assert result.exit_code == 2
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "ISO date like 2025-03-13" in lines[0] and "Traceback" not in result.output


def test_an_empty_page_of_a_text_file_is_not_called_a_scan(fresh_library, tmp_path):
    paper = tmp_path / "notes.md"
    paper.write_text("# Parish Council\nMeeting Date: 1 May 2024\nThe bench was repaired.\n\f\n\fMore notes.\n")
    report = fresh_library.ingest([paper])
    assert report.ok and not report.warnings


# ---- exports ------------------------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\tx", "\r=1"]


def test_no_csv_cell_starts_with_a_live_formula():
    from assistant.exports import csv_text

    rows = [{"minute": str(k), "resolution": f, "pages": [1, 2]} for k, f in enumerate(FORMULAS)]
    cells = [c for row in csv.reader(io.StringIO(csv_text(rows))) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in cells


def test_cli_csv_export_of_a_resolution_that_is_a_formula(fresh_library, tmp_path):
    paper = tmp_path / "minutes.txt"
    paper.write_text("MINUTES of the meeting of the Parks Committee held on 1 May 2024\n"
                     "12. PLAYGROUND\nRESOLVED:\n=HYPERLINK(\"http://evil.example\",\"click\")\n"
                     "13. BENCHES\nRESOLVED:\n@SUM(1) new benches be bought.\n")
    assert fresh_library.ingest([paper]).ok
    out = _cli(fresh_library, "decisions", "--format", "csv").output
    cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
    assert any("HYPERLINK" in c for c in cells)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_markdown_exports_carry_no_live_html():
    from assistant.exports import md_table, md_text

    text = md_text('<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))')
    assert "<script" not in text and "<img" not in text and "javascript:" not in text
    assert "<" not in md_table([{"t": "<b onclick=x>bold</b>"}], ["t"])

