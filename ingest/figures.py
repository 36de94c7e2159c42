"""Figures as papers print them: amounts, percentages and counts, told apart from dates, years and paragraph
numbers ("3.2 The budget of £6.51m for 2019/20" holds one figure, £6.51m)."""
from __future__ import annotations

import re
from functools import lru_cache

from ingest.dates import MONTH_NAME
from ingest.words import NUMBER_WORDS

# anything that reads as a number in a sentence, money first
NUMBER = re.compile(r"£\s?\d|\d+(?:[.,]\d+)*\s?(?:%|k\b|m\b|bn\b)|\b\d{1,3}(?:,\d{3})+\b|\b\d+\b")
DATE_LIKE = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH_NAME}[a-z]*\.?"
                       r"(?:\s+\d{4})?|\b(?:19|20)\d{2}(?:/\d{2,4}|-\d{2,4})?\b|"
                       r"\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b", re.I)  # "01/04/24": a date, not three figures
FIGURE = re.compile(r"£\s?\d[\d,.]*\s?(?:k|m|bn|million|billion)?|\d[\d,.]*\s?(?:%|k\b|m\b)|\b\d{1,3}(?:,\d{3})+\b|"
                    r"\b\d+(?:\.\d+)?\b|\b\d+:\d+\b")
PARAGRAPH_NUMBER = re.compile(r"^[\s\-•*]*\d+(?:\.\d+)+\.?\s+|^[\s\-•*]*\(?[a-z0-9]{1,3}[.)]\s+", re.I)
# a sum of money: "£6.51m", "$3,200,000", "€40k", and the currency after the amount ("12,000.00$", "12 000 €")
# (and a row of pounds and pence in a payments table, whose column head carries the "£": "450.00 90.00 540.00";
# one such number alone is as often a paragraph, "4.12")
_PENCE = r"\d{1,3}(?:,\d{3})*\.\d{2}"
MONEY = re.compile(rf"[£$€]\s?\d|\d\s?(?:k|m|bn|million|billion)\b|\d[\d,.]*\s?[£$€]|"
                   rf"(?<![\d.]){_PENCE}\s+{_PENCE}(?![\d.%])", re.I)
MONEY_OR_SHARE = re.compile(r"[£$€]\s?\d[\d,.]*\s?(?:k|m|bn)?|\d+(?:\.\d+)?%")  # what a key figure of a report is


# a reference to a part of the papers, not a figure: "item 5", "pages 101 - 104", "minute 98", "Table 5.5"
REFERENCE = re.compile(r"\b(?:items?|pages?|pp?\.|paragraphs?|paras?\.?|minutes?|appendix|appendices|sections?|"
                       r"tables?|no\.)\s*\d+(?:\.\d+)*[a-z]?(?:\s*(?:-|–|to|and)\s*\d+(?:\.\d+)*[a-z]?)?\b", re.I)


def figures(text: str) -> set[str]:
    """Figures in a text (amounts, percentages, counts); dates, years, paragraph numbers and references to
    items, pages or minutes left out."""
    text = REFERENCE.sub(" ", DATE_LIKE.sub(" ", PARAGRAPH_NUMBER.sub(" ", text)))
    return {re.sub(r"[\s£,]", "", m.group(0)).lower().rstrip(".") for m in FIGURE.finditer(text)}


def new_figures(text: str, question: str) -> set[str]:
    """Figures in ``text`` that the question did not already state, in digits or words ("ten-year")."""
    return figures(text) - _stated(question)


@lru_cache(maxsize=256)
def _stated(question: str) -> frozenset[str]:
    """The figures a question states (worked out once: every sentence of every passage is checked against it)."""
    return frozenset(figures(question) | {NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", question.lower())
                                          if w in NUMBER_WORDS})
