"""The word list behind "Did you mean": every word of the published threads, counted.

Kept current by questions.services.threads_changed, the point every write ends in
(imports, admin saves, actions, merges, deletions): for the changed threads it reads
their text once, splits it into words here in Python (a tenth of what PostgreSQL's
parsers cost: 0.05 ms a thread instead of 0.9-1.3 ms), and moves the counts by the
difference between these words and those the thread gave last time (ThreadWords). So
a count is the number of published threads using the word, exactly; a word no thread
uses any more stays at 0 and is never suggested.

A search that finds nothing (or almost nothing) asks `corrections` for the nearest
listed word of each word it does not know. Candidates are found by deletion variants
(as SymSpell does): a word is stored with each spelling that drops one of its letters,
under a GIN index, so a typo one edit away (a letter missing, extra, wrong, or two
swapped) shares a variant with the word it meant: "botx" is "botox" less its second
"o". The index hands over only such near neighbours, a few rows, where trigrams (what
pg_trgm matches) hand over every word sharing a common syllable ("ent": thousands in
a large vocabulary, 100-450 ms a lookup when tried). The fewest edits win, the more
used first.
"""

import re

from django.db import connection

from answers.models import Answer
from questions.models import SearchWord, ThreadWords

# Words as the list keeps them: runs of letters, lower-cased, of 3 to 30 letters (the
# search's English parser drops shorter ones as stop words or noise anyway).
_LETTERS = re.compile(r"[^\W\d_]+")
MIN_LETTERS, MAX_LETTERS = 3, 30

_WORDS = SearchWord._meta.db_table
_THREAD_WORDS = ThreadWords._meta.db_table

# The text a thread is found by (questions.services.search_vector_sql): title, tag
# names, question, published answers. Unpublished threads have none.
_TEXT_SQL = """
SELECT q.id, concat_ws(' ', q.title, q.body,
    (SELECT string_agg(t.name, ' ') FROM questions_taggedarea ta
        JOIN questions_treatmentarea t ON t.id = ta.tag_id WHERE ta.content_object_id = q.id),
    (SELECT string_agg(p.name, ' ') FROM questions_taggedprocedure tp
        JOIN questions_procedure p ON p.id = tp.tag_id WHERE tp.content_object_id = q.id),
    (SELECT string_agg(a.headline || ' ' || a.body, ' ') FROM answers_answer a
        WHERE a.question_id = q.id AND a.status = %(published)s))
FROM questions_question q
WHERE q.id = ANY(%(ids)s) AND q.is_published
"""

# A word's deletion variants: itself and each spelling with one letter dropped.
_VARIANTS_SQL = (
    "ARRAY(SELECT DISTINCT overlay({word} placing '' from i for 1)"
    " FROM generate_series(1, length({word})) i) || {word}::varchar"
)

# One statement: swap the threads' word sets and move each word's count by the
# difference. Writers are serialised by the change log's lock (services._log_changes,
# which runs first), so no two of these ever update the same counts at once.
_UPDATE_SQL = f"""
WITH fresh AS (
    SELECT id, string_to_array(words, ' ') AS words
    FROM unnest(%(ids)s::bigint[], %(words)s::text[]) AS f(id, words)
), old AS (
    DELETE FROM {_THREAD_WORDS} WHERE question_id = ANY(%(changed)s)
    RETURNING question_id, words
), saved AS (
    INSERT INTO {_THREAD_WORDS} (question_id, words) SELECT id, words FROM fresh
), delta AS (
    SELECT word, sum(d)::int AS d FROM (
        SELECT unnest(words) AS word, 1 AS d FROM fresh
        UNION ALL SELECT unnest(words), -1 FROM old
    ) AS moves GROUP BY word HAVING sum(d) <> 0
)
INSERT INTO {_WORDS} (word, threads, variants)
SELECT word, d, {_VARIANTS_SQL.format(word="word")} FROM delta ORDER BY word
ON CONFLICT (word) DO UPDATE SET threads = {_WORDS}.threads + excluded.threads
"""


def words_of(text: str) -> set[str]:
    """The distinct words of `text` that the list keeps."""
    return {
        word for word in _LETTERS.findall(text.lower()) if MIN_LETTERS <= len(word) <= MAX_LETTERS
    }


def search_words_update(*, question_ids: list[int]) -> None:
    """Bring the word counts up to date with these threads' current text (or their
    absence: deleted and unpublished threads give no words). Two queries.

    A word no thread uses any more stays, at 0, and is never suggested: deleting it here
    would cost every write a third query, and a word that comes and goes (an answer
    hidden and shown) keeps its row.
    """
    if not question_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(_TEXT_SQL, {"ids": question_ids, "published": Answer.Status.PUBLISHED})
        texts = cursor.fetchall()
        cursor.execute(
            _UPDATE_SQL,
            {
                "ids": [question_id for question_id, _ in texts],
                "words": [" ".join(sorted(words_of(text))) for _, text in texts],
                "changed": question_ids,
            },
        )


_CANDIDATES_SQL = f"""
SELECT word, threads FROM {_WORDS} WHERE variants && %s::varchar[] AND threads > 0
"""

# Corrected at most this many words of a query (a pasted sentence is not a typo).
MAX_QUERY_WORDS = 6


def corrections(text: str) -> dict[str, str]:
    """{word of `text`: the listed word it most likely meant}, for each word that is not
    in the list and has a close one; {} when every word is known or none is close.
    One query."""
    words = [w.lower() for w in _LETTERS.findall(text)]
    words = [w for w in dict.fromkeys(words) if MIN_LETTERS <= len(w) <= MAX_LETTERS]
    if not words or len(words) > MAX_QUERY_WORDS:
        return {}
    keys = sorted({key for word in words for key in query_variants(word)})
    with connection.cursor() as cursor:
        cursor.execute(_CANDIDATES_SQL, [keys])
        found = cursor.fetchall()
    known = {candidate for candidate, _ in found}
    fixed = {}
    for word in words:
        if word not in known and (best := _closest(word, found)):
            fixed[word] = best
    return fixed


def query_variants(word: str) -> set[str]:
    """What a word looked up is matched by against the stored variants: itself and its
    one-letter deletions. A shared variant means one edit (a letter missing, extra,
    wrong, or two swapped), or two in a few cases; words further off are not offered.
    (Its two-letter deletions would meet more words two edits away, at the cost of
    some 30 index lookups a word instead of 9.)"""
    return {word} | _deletions(word)


def _deletions(word):
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _closest(word, found):
    """Of `found` (word, threads), the word fewest edits away (at most one per three
    letters, at least one), the most used of those."""
    allowed = max(1, len(word) // 3)
    scored = [
        (distance, -threads, candidate)
        for candidate, threads in found
        if (distance := edit_distance(word, candidate)) <= allowed
    ]
    return min(scored)[2] if scored else None


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, a swap of two neighbouring letters counting as one edit."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (char_a != char_b),
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def corrected_query(text: str, fixed: dict[str, str]) -> str:
    """`text` with each word in `fixed` replaced, the rest (quotes, "or", "-") kept."""
    return _LETTERS.sub(lambda m: fixed.get(m.group().lower(), m.group()), text)
