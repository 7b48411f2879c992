"""Every weight and threshold the parser judges lines by, in one table.

The heuristics are tuned on the real samples and on the variations ``docs/FORMAT.md`` lists
("Variations and what happens to them"). A bad file is diagnosed by reading one scoring
function against this table, and a weight is changed here, nowhere else. They are plain
module constants, not attributes of an object, because the per-line loops read them.
"""

from __future__ import annotations

# --------------------------------------------------------------------------------------
# Line shapes (lines._describe): what a line can be at all
# --------------------------------------------------------------------------------------

# Longer lines (most body text) get only the cheap features: they cannot be headlines,
# sign-offs, signatures or doctor-block lines.
_MAX_HEADLINE_CHARS = 160
_MAX_HEADLINE_SENTENCES = 2  # a headline is one short sentence, at most two
_MAX_SIGNOFF_CHARS = 80  # "All the best, and good luck with your recovery!"
_MAX_SIGNATURE_CHARS = 60  # "Dr. Olsen", "-Maria Olsen"
_MAX_GREETING_ONLY_WORDS = 12  # "Hi Kelly," alone on its line leads on to the answer
# A line this long, or of this many sentences, is body text: as the next line it tells
# that the line before opened a body.
_LONG_LINE_CHARS = 80
_LONG_LINE_SENTENCES = 2
_MAX_NOISE_CHARS = 40  # "You might also like..." and the other noise lines are short

# --------------------------------------------------------------------------------------
# Doctor blocks (block_lines, blocks)
# --------------------------------------------------------------------------------------

_MAX_NAME_LINE_CHARS = 80  # "Maria Olsen, MD, FAAD"
_MAX_PLACE_LINE_CHARS = 90  # "Palm Beach Gardens Facial Plastic Surgeon"
_MIN_NAME_WORDS = 2  # a first and a last name: "Anh Do, MD" is Dr. Do, not a DO
_MAX_NAME_WORDS = 6  # longer runs of capitalised words are titles, not names
_MAX_PLACE_WORDS = 6  # the place before the specialty: "Palm Beach Gardens"
_MAX_ABBREVIATION_CHARS = 4  # a name token ending in "." is an initial, "Dr.", "Jr."
_MAX_BLOCK_GAP = 2  # blank lines that may part two lines of one block

# --------------------------------------------------------------------------------------
# Framing (regions, lines._scan)
# --------------------------------------------------------------------------------------

# A line must hold at least this much of the disclaimer to count as a cut-off copy of it.
_MIN_PARTIAL_DISCLAIMER = 20
# The disclaimer glued to the last answer's last sentence is found by this many of its
# first characters ("These answers are for educational purpose").
_GLUED_DISCLAIMER_CHARS = 42
_MAX_DISCLAIMER_UNITS = 3  # the disclaimer starts on one of the last three lines
# Without a count line, the details line is looked for among the first lines only: later
# on, "age: ..." is part of an answer.
_DETAILS_SEARCH_UNITS = 6

# --------------------------------------------------------------------------------------
# Answer boundaries (starts, scoring, answers)
# --------------------------------------------------------------------------------------

_T_FIRST = 2.0  # first line after a hard start is its headline from this score
_T_VOTE = 0.0  # line before a vote-widget line is its headline from this score
_T_DECLARED = 2.0  # soft start, when the declared count caps how many are taken
_T_FREE = 3.0  # soft start, when nothing caps them
_VOTE_FILE_PENALTY = 2.0  # pages that print vote widgets print one per answer
_MIN_VOTE_WIDGETS = 2  # from this many widgets a file is one that prints them
# Once this many answers without a widget are certain, a missing widget says nothing.
_MIN_VOTELESS_ANSWERS = 2
# A short body sentence ending in a full stop reads much like a headline, so a *guessed*
# headline (soft start) with a full stop loses points (_Starts._soft_stop_penalty):
# - in files with doctor blocks, where such a guess splits an answer that a block already
#   closes, _SOFT_STOP_PENALTY;
# - in files without blocks, nothing: headlines are all they have to show where answers
#   start, and docs/FORMAT.md allows headlines ending with a full stop;
# - in files where no line reads as a headline without ending like a sentence (score from
#   _T_HEADLINE_EVIDENCE), _NO_HEADLINES_STOP_PENALTY: their answers have no headlines.
_SOFT_STOP_PENALTY = 1.0
_NO_HEADLINES_STOP_PENALTY = 3.0
_T_HEADLINE_EVIDENCE = 3.0
# A cut-off file's last line after a doctor block, this short, is a scrap of the next
# block (_Answers._judge_completeness), not an answer.
_MAX_BLOCK_SCRAP_CHARS = 60

# Evidence that an answer starts at a line, whether with a headline or without one.
# Used by the headline context score, the no-headline score and the bare-paragraph
# fallback alike, so that the three readings of one line weigh the same facts the same.
_W_GREETING = 3.0  # the line opens with a greeting ("Hi Dana,")
_W_AFTER_SIGNOFF = 2.0  # the line before closed an answer with a sign-off or signature
_W_EXTRA_GAP = 1.5  # more blank lines before it than the file usually has
_W_MID_PARAGRAPH = -1.0  # the line continues a paragraph
_W_PLAIN_BASE = -1.0  # an answer without headline, before any evidence
_W_PARAGRAPH_BASE = 1.0  # a paragraph of a file of bare paragraphs, before any evidence

# What a line says of itself as a headline (_Scoring._intrinsic_headline_score).
_SHORT_HEADLINE_WORDS, _MEDIUM_HEADLINE_WORDS = 12, 20  # the bands of the next weights
_W_WORDS_SHORT, _W_WORDS_MEDIUM, _W_WORDS_LONG = 1.5, 0.5, -1.0  # to 12, to 20, more
_LONG_HEADLINE_CHARS = 120  # a headline this long reads like a sentence of the body
_W_OVER_120_CHARS = -1.5
_W_TWO_SENTENCES = -1.0  # headlines are mostly one sentence
_W_PERSONAL_STOP = -1.5  # "I'm sorry you had...": prose, not a title
_W_LOWER_START = -3.0  # headlines start with a capital; a lowercase start continues
_W_TITLE_CASE = 1.0  # "Give It Two Weeks"
_MANY_TOPIC_WORDS = 2  # stems shared with the question title for the higher weight
_W_TOPIC_WORDS_2, _W_TOPIC_WORD_1 = 1.5, 1.0  # stems shared with the question title
_W_REPEATS_TITLE = 2.0  # the headline is the title again (letters and digits alike)
_W_HASHTAG = 0.5  # "#lipfiller": headlines carry hashtags, bodies rarely do
# How a line ends (text._ending): a headline seldom ends like a sentence.
_ENDING_SCORES = {"none": 2.0, "question": 1.5, "exclaim": 1.0, "ellipsis": 1.0, "stop": 0.0}

# What the neighbours say of a line as a headline (_Scoring._context_score).
_W_AFTER_BLOCK = 1.5  # after a doctor block, sign-off or signature
_W_AFTER_LEAD_IN = -3.0  # after a line ending in ":" or a lone greeting
_W_GAP_BEFORE = 1.5  # more blank lines before it than the file usually has
_W_GREETING_NEXT = 1.5  # the body opens with a greeting
_W_SIGNOFF_NEXT = -3.0  # the "answer" would be nothing but a sign-off
_W_LONG_NEXT = 0.5  # a body line follows
_W_GAP_AFTER = -1.5  # extra blank lines after a line close an answer
# Extra blank lines between a line and the vote widget after it part them: an answer's end.
# One blank line there is always normal, whatever the file's usual gap.
_W_GAP_BEFORE_VOTE = -1.5
_NORMAL_VOTE_GAP = 1
