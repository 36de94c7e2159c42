"""Every weight and threshold of retrieval and answering, in one place, each with how it was chosen.

"LOPO" means checked leave-one-publisher-out on the three dev sets (../shared/eval: Cambridgeshire, Kent,
Nipissing/Omaha/Chicago): the value was fitted on two sets and the third did not drop. "Samples" means it was
set on the Cambridgeshire samples alone and has not yet been checked that way; those are the first to revisit
when a new publisher's papers answer badly. "Swept" means bench/sweep_tuning.py tried half and one and a half
times the value on all three sets and none raised a set by more than one question without lowering
another (bench/results/tuning-sweep.md). The abstention model's coefficients are data, in
abstention_model.json, fitted by bench/fit_abstention.py (LOPO).
"""

# ---- retrieval (assistant/retrieve.py) -------------------------------------------------------------------
RRF_K = 60  # reciprocal-rank fusion constant, the usual value from Cormack et al.; samples
FUSED_SCALE = 60  # fused rank score times this is on the scale of coverage (0-1); samples
COVERAGE_WEIGHT = 0.6  # a passage's share of the question's words, added to its fused score; samples, swept
COSINE_WEIGHT = 0.4  # its cosine to the question, added too; samples, swept
ITEM_MATCH = 0.5  # boost for a passage of the agenda item the question names; samples, swept
MINUTE_MATCH = 1.0  # ... of the minute it names; samples
DATE_MATCH = 0.3  # ... of a meeting in the month or year it names; samples, swept
BODY_MATCH = 0.2  # ... of the body it names; samples, swept
KIND_MATCH = 1.0  # ... of the kind of paper it names ("the slides"); one value for every kind, LOPO (2026-12-03)
SUPERSEDED = 0.3  # taken off the boost of a paper a later version replaces, unless a version or its year is asked; 0.5 cost dev_real2 a question
PER_PAPER = 3  # passages of one paper ranked ahead of other papers' next best; LOPO: 2 cost Kent evidence, 3 no set
COMMON_SHARE = 0.1  # a word in more than this share of chunks is left out of the FTS query ...
MIN_LEXICAL_TERMS = 3  # ... unless fewer words than this would be left
NEVER_SHARE = 0.25  # ... but a word in more than this share is never searched for (dense search covers it)

# ---- choosing sentences to quote (assistant/extractive.py) ---------------------------------------------------
ASKED_EXTRA = 2  # a sentence's words are also matched this many more times against the clause that asks; LOPO 2026-12-03 (0/1/2/3: each pair chose 2 or tied at 1, the third never lower)
SIMILARITY_WEIGHT = 0.4  # a sentence's cosine to the question; samples, swept
LEXICAL_WEIGHT = 0.45  # its share of the question's words; samples, swept
CONTEXT_WEIGHT = 0.15  # its passage's share; samples, swept
KIND_BONUS = 0.08  # a sentence of the asked kind: a new figure, a resolution, a date; samples, swept
PLACE_TIME_BONUS = 0.1  # a venue for "where", a time for "what time"; samples, swept
WHO_BONUS = 0.45  # a name or contact line for "who"; 0.3 and 0.45 alike on the three dev sets, 0.15 cost two; 0.45 on a probe of unseen Kent questions (2026-12-04)
OTHER_YEAR_ROW = 0.1  # taken off a plan's row for another year than the asked one; 0.1 and 0.2 alike on all three
HEADING_PENALTY = 0.12  # a heading alone; samples, swept
SHORT_PENALTY = 0.1  # a sentence under 25 characters; samples, swept
RANK_AGREEMENT = 0.1  # divided by 1 + the passage's rank: agree with retrieval; samples, swept
SAME_SCORE = 0.02  # two quotes of one passage closer than this in score keep the passage's order; trial
RUNNER_UP = 0.75  # quote a sentence scoring at least this share of the best; samples, swept
SECOND_PASSAGE = 0.6  # the best sentence of each of the two best passages is quoted above this share; samples, swept
SEMANTIC_UNITS = 32  # sentences without ingest vectors the model embeds per question, at most (speed)
SHORTLIST = 4  # best sentences the model then reads on their own (speed)
LONG_QUOTE = 300  # a first line longer than this (characters) is preceded by the run of it that answers; not LOPO
FOCUS_WORDS = 36  # ... a run of this many words
FOCUS_SNAP = 8  # ... begun up to this many words earlier where a clause starts there
REPEATED_SHARE = 0.6  # a quote whose end, this share of it, is already quoted is not quoted again; not LOPO
REPEATED_RUN = 15  # ... when that run is this many words at least (a sentence, not a shared name)
QUOTES = 4  # sentences an answer quotes, at most (QUOTES + 1 for a two-part question); samples

# ---- answers from the registers (assistant/register_answers.py, assistant/registers.py) ---------------------
REGISTER_MATCH = 0.45  # share of the question's words a register row must hold to answer it; samples, swept
TITLE_SAID = 0.8  # share of a minute's title words its resolution holds for the title to be left out; 0.6-1.0 alike on all three
ACTION_RUNNER_UP = 0.9  # a second action is given when it scores this share of the first; samples
WHOLE_RESOLUTION = 900  # a quoted sentence of a resolution gives way to the whole resolution up to this length (characters); trial
LINEAGE_LINES = 3  # other resolutions on the same matter an answer cites, at most
ROUTINE_MATTER = 6  # a matter resolved more often than this is routine business: no lineage; not LOPO
LINEAGE_MATCH = 0.75  # share of a minute's title words an earlier or later resolution must hold; samples
ITEM_WORDS_MATCH = 0.3  # share of the question's words an agenda item must hold when no number is given; samples
ITEMS_LISTED = 6  # items a "which items are about X" answer lists, at most
ITEM_RUNNER_UP = 0.8  # ... each holding at least this share of the best item's match; not yet checked LOPO
ITEM_DECISION_OVERLAP = 0.3  # share of an item's words the minute resolving it holds (and twice any other's); LOPO
TOPIC_MATCH = 0.6  # share of a topic's words (rare ones weigh more) a register row must hold; samples
ACTION_MATCH = 0.5  # share of an action's words the same action in a later log holds; samples

# ---- whether a figure answers (assistant/service.py) ----------------------------------------------------------
FIGURE_COVERAGE = 0.45  # share of the question's words beside a figure of the asked measure; samples, swept
