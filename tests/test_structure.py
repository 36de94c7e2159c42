"""Golden structure of real papers from other publishers (tests/fixtures/papers, copied from public sources):
body, meeting date and kind, kind of paper, agenda items and resolutions, as the papers print them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "structure.json").read_text())


@pytest.fixture(scope="module")
def count():
    from committee.settings import Settings
    from ingest.chunker import TokenCounter

    return TokenCounter(Settings().embedding_model)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_structure_as_printed(name, count):
    from ingest.pipeline import parse_paper

    want = EXPECTED[name]
    parsed = parse_paper(FIXTURES / "papers" / name, count)
    p = parsed.paper
    assert (p.authority, p.committee, p.meeting_kind, p.meeting_date, p.doc_type) == (
        want["authority"], want["body"], want["meeting_kind"], want["meeting_date"], want["doc_type"])
    assert [[i.number, i.title] for i in parsed.items] == want["items"]
    assert [[m.number, m.title, m.vote, m.resolution[:40]] for m in parsed.minutes] == want["resolutions"]


def _assert_chunks_carry_their_items(parsed) -> None:
    current = None
    for chunk in parsed.chunks:
        text = " ".join(chunk.text.split())
        printed = [i.number for i in parsed.items if f"{i.number}. {i.title[:30]}" in text
                   or f"{i.number} {i.title[:30]}" in text]  # "9 Resolution: ..." prints no full stop
        expected = printed[0] if printed else current
        if expected is not None:
            assert chunk.item == expected, (chunk.item, text[:80])
        current = printed[-1] if printed else current


@pytest.mark.parametrize("name", [n for n in sorted(EXPECTED) if EXPECTED[n]["doc_type"] == "agenda"])
def test_every_agenda_chunk_carries_the_item_printed_in_it_or_the_one_it_continues(name, count):
    from ingest.pipeline import parse_paper

    _assert_chunks_carry_their_items(parse_paper(FIXTURES / "papers" / name, count))


SHARED_AGENDAS = sorted((Path(__file__).resolve().parents[2] / "shared" / "realdocs2").glob("*agenda*.pdf"))


@pytest.mark.skipif(not SHARED_AGENDAS, reason="shared/realdocs2 not present")
@pytest.mark.parametrize("path", SHARED_AGENDAS, ids=lambda p: p.name)
def test_every_shared_agenda_numbers_its_items_in_order_and_chunks_carry_them(path, count):
    from ingest.pipeline import parse_paper

    parsed = parse_paper(path, count)
    numbers = [int(i.number) for i in parsed.items if i.number.isdigit()]
    assert numbers and numbers == list(range(1, len(numbers) + 1)), numbers
    assert all(i.title and not i.title[0].islower() for i in parsed.items), [i.title[:40] for i in parsed.items]
    _assert_chunks_carry_their_items(parsed)


def test_specific_facts():
    assert EXPECTED["kent-cabinet-2025-01-30-printed-minutes.pdf"]["resolutions"][2][0] == "86"
    special = EXPECTED["nipissing-special-council-2024-01-10-minutes.pdf"]
    assert (special["body"], special["meeting_kind"]) == ("Council", "special")
    assert special["resolutions"][0][:3] == ["R2024-012", "S. Kirkey, S. Foote", "carried"]
    assert EXPECTED["omaha-city-council-2012-10-16-agenda.pdf"]["items"][0] == ["1", "City Clerk calls the roll"]
