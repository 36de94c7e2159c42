"""Words, the one home of how text is cut into them, for the three readers that must agree:

* ``fts_words`` cuts text as SQLite FTS5's unicode61 tokenizer does (runs of letters and digits, lower case,
  diacritics removed); with ``porter_stem`` it gives the terms of FTS5's porter index, so the saved bm25s copy
  (index/lexical.py) scores exactly as FTS5 does;
* ``fts_query`` turns a question into an FTS5 MATCH expression of its words and figures;
* ``tokens`` and ``stem`` give a question's content words (assistant/terms.py weighs and filters them).
"""
from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import Stemmer

FTS_WORD = re.compile(r"[^\W_]+")  # letters and digits, single ones too ("item 5", "2.4"), as FTS5's unicode61
DIACRITICS = re.compile("[\u0300-\u036f]")
_THREAD = threading.local()  # a PyStemmer stemmer may not be shared between threads

STOPWORDS = set("""
a about above after again against all also am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers how
i if in into is it its itself just me more most my no nor not now of off on once only or other our out over own
same she should so some such than that the their them then there these they this those through to too under until
up very was we were what when where which while who whom why will with would you your yours did does done get got
tell say said says much many per please give show list
""".split())


def fts_words(text: str) -> list[str]:
    """Words as FTS5's unicode61 tokenizer splits and folds them: runs of letters and digits, lower case,
    Latin diacritics removed."""
    text = text.lower()
    if not text.isascii():
        text = DIACRITICS.sub("", unicodedata.normalize("NFD", text))
    return FTS_WORD.findall(text)


def porter_stem(word: str) -> str:
    """Porter's stem of a lower-case word as SQLite's porter tokenizer gives it (C speed, ~1 µs): a word of one or two letters as it is, and its two
    departures from the original algorithm ("-logi" to "-log", "-bli" to "-bl")."""
    if len(word) <= 2:
        return word
    if not hasattr(_THREAD, "stemmer"):
        _THREAD.stemmer = Stemmer.Stemmer("porter")
    stem = _THREAD.stemmer.stemWord(word)
    return stem[:-1] if stem.endswith(("logi", "bli")) else stem


def fts_query(text: str, joiner: str = " OR ") -> str:
    """An FTS5 query of every word or figure: OR'd by default, a forgiving query whose overlap BM25 ranks;
    joined by AND for a short part of a question, whose words should all be there."""
    terms = re.findall(r"[£$]?\d[\d,.]*%?|[A-Za-z][A-Za-z'’\-]+", text)
    cleaned = []
    for t in terms:
        t = t.strip(".,").replace("’", "'")
        t = re.sub(r"[£$%]", "", t)
        if len(t) < 2 and not t.isdigit():
            continue
        cleaned.append('"' + t.replace('"', "") + '"')
    return joiner.join(dict.fromkeys(cleaned))


WORD = re.compile(r"[a-z][a-z'’\-]*[a-z]|\d[\d,.]*\d|\d", re.I)


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return porter_stem(word.lower()) if not word[0].isdigit() else word


# a number written as a word is the figure printed elsewhere ("ten-year" and "10-year", "two options" and "2
# options"); "one" is left as it is, for it is as often a pronoun ("one of the reports")
NUMBER_WORDS = {w: str(n) for n, w in enumerate("two three four five six seven eight nine ten eleven twelve".split(),
                                                start=2)} | {"twenty": "20", "fifty": "50", "hundred": "100"}
# the forms minutes print for the words a question uses ("Cllr Jones" is a councillor, the Chairman chairs)
SHORT_FORMS = {"cllr": "councillor", "cllrs": "councillors", "chairman": "chair", "chairwoman": "chair",
               "chairperson": "chair"}

# the past forms of money's verbs, which a stemmer leaves apart from the word a question uses ("how much did it
# spend" and "the district spent", "how much does the city pay" and "being paid", "who won" and "win")
IRREGULAR = {"paid": "pay", "spent": "spend", "overspent": "overspend", "underspent": "underspend", "sold": "sell",
             "bought": "buy", "won": "win"}


def tokens(text: str) -> list[str]:
    out = []
    for w in WORD.findall(text):
        w = w.lower().replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        for part in re.split(r"[-']", w) if not w[0].isdigit() else [w]:
            if part and part not in STOPWORDS:
                out.append(NUMBER_WORDS.get(part) or SHORT_FORMS.get(part) or IRREGULAR.get(part, part))
    return out


def normalised(text: str) -> str:
    """Words only, lower case, one space between: the form in which two quotes are compared ("…Carried." and
    "carried")."""
    return re.sub(r"\W+", " ", text).lower().strip()


CAPITALISED = re.compile(r"\b[A-Z][\w'’-]+")
CALENDAR = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*", re.I)


# the people a question asks for by their role ("which commissioners ...", "what officers ...")
PEOPLE = (r"(?:councillors?|cllrs?|members?|commissioners?|officers?|trustees?|directors?|governors?|aldermen|"
          r"alderman|representatives?|delegates?|nominees?|candidates?|speakers?|residents?|people|persons?|staff|"
          r"employees?|clerks?|mayors?|chairs?)")
# the organisations a question asks for by their role ("which provider got the contract?")
ORGANISATIONS = (r"(?:providers?|compan(?:y|ies)|contractors?|firms?|bidders?|suppliers?|organi[sz]ations?|"
                 r"consultants?|developers?|operators?|charit(?:y|ies)|tenderers?|vendors?)")
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "cllr", "councillor", "sir", "dame", "lord", "lady", "mayor"}


def names_in(text: str) -> set[str]:
    """Capitalised words that name someone or something ("Ann Lee", "KPMG", "Acme Housing Group"): not a
    sentence's or a line's first word, a month or a day, nor a title ("Mr", "Cllr"); lower-cased."""
    found = set()
    for m in CAPITALISED.finditer(text):
        before = text[:m.start()].rstrip()
        if not before or before[-1] in ".:;?!•-–(\"“" or CALENDAR.fullmatch(m.group(0)) or \
                m.group(0).lower().rstrip(".") in HONORIFICS:
            continue
        found.add(m.group(0).lower())
    return found
