"""Pages that are not for publication (exempt under Schedule 12A, "Part 2", "confidential").

Only a marking that heads a page counts: a short line near the top such as
"NOT FOR PUBLICATION", "EXEMPT APPENDIX", "Part 2 – confidential", or a line
citing a paragraph of Schedule 12A. Running text that merely mentions the words
(minutes recording that the press were excluded, "Part 2, Article 12" of a
constitution) is public as published. A marked paper stays restricted until a
page opens a new item or appendix that is not marked.
"""
from __future__ import annotations

import re

from ingest.models import PageText

MARK = re.compile(r"not\s+for\s+publication|^\W*exempt\b|exempt\s+(?:information|appendix|report)\b|"
                  r"paragraphs?\s+\d+\s+of\s+(?:part\s+1\s+of\s+)?schedule\s+12a|^\W*part\s+(?:2|ii)\W*$|"
                  r"^\W*part\s+(?:2|ii)\s*[-–:]|^\W*(?:strictly\s+)?confidential\W*$|^\W*restricted\W*$", re.I)
NEW_PAPER = re.compile(r"^\s*(?:agenda\s+item|appendix|annex)\b", re.I)


RECORDS_EXCLUSION = re.compile(r"\bresolved\b|\bexclu(?:de|ded|sion)\b|\bpress and public\b", re.I)


def page_is_marked(page: PageText) -> bool:
    """A marking near the top of the page; a resolution to exclude the press (in published minutes) is not one."""
    return any(len(line) <= 120 and MARK.search(line.strip()) and not RECORDS_EXCLUSION.search(line)
               for line in page.text.splitlines()[:8])


def restricted_pages(pages: list[PageText]) -> set[int]:
    secret: set[int] = set()
    inside = False
    for page in pages:
        head = "\n".join(page.text.splitlines()[:8])
        if page_is_marked(page):
            inside = True
        elif NEW_PAPER.search(head):
            inside = False
        if inside:
            secret.add(page.number)
    return secret
