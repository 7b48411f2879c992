"""The word list behind "Did you mean": every word of the published threads, counted.

Kept current by questions.services.threads_changed, the point every write ends in
(imports, admin saves, actions, merges, deletions): for the changed threads it reads
their text once, splits it into words here in Python (a tenth of what PostgreSQL's
parsers cost: 0.05 ms a thread instead of 0.9-1.3 ms), and moves the counts by the
difference between these words and those the thread gave last time (ThreadWords). So
a count is the number of published threads using the word, exactly; a word no thread
uses any more stays at 0 and is never suggested.

A search that finds nothing (or almost nothing) asks `corrections` for the nearest
listed word of each word it does not know: the candidates share trigrams with it (the
GIN index of SearchWord.trigrams), the closest by edit distance win, the more used
first.
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

# pg_trgm's trigrams of a word: padded with two spaces before and one after.
_TRIGRAMS_SQL = (
    "ARRAY(SELECT DISTINCT substr('  ' || {word} || ' ', i, 3)"
    " FROM generate_series(1, length({word}) + 1) i)::varchar[]"
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
INSERT INTO {_WORDS} (word, threads, trigrams)
SELECT word, d, {_TRIGRAMS_SQL.format(word="word")} FROM delta ORDER BY word
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


# Candidates per unknown word that share a trigram with it, the most similar first.
CANDIDATES = 12
# A candidate must share at least this fraction of trigrams (pg_trgm's default threshold).
MIN_SIMILARITY = 0.3

_CANDIDATES_SQL = f"""
SELECT t.word, s.word, s.threads
FROM unnest(%s::text[]) AS t(word)
CROSS JOIN LATERAL (SELECT {_TRIGRAMS_SQL.format(word="t.word")} AS trigrams) AS g
CROSS JOIN LATERAL (
    SELECT s.word, s.threads, (
        SELECT count(*) FROM unnest(s.trigrams) x WHERE x = ANY(g.trigrams)
    )::float / (cardinality(s.trigrams) + cardinality(g.trigrams) - (
        SELECT count(*) FROM unnest(s.trigrams) x WHERE x = ANY(g.trigrams)
    )) AS similarity
    FROM {_WORDS} s
    WHERE s.trigrams && g.trigrams AND s.threads > 0
    ORDER BY similarity DESC, s.threads DESC
    LIMIT {CANDIDATES}
) AS s
WHERE s.similarity >= {MIN_SIMILARITY}
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
    with connection.cursor() as cursor:
        cursor.execute(_CANDIDATES_SQL, [words])
        rows = cursor.fetchall()
    candidates = {}
    for word, candidate, threads in rows:
        candidates.setdefault(word, []).append((candidate, threads))
    fixed = {}
    for word in words:
        found = candidates.get(word, [])
        if any(candidate == word for candidate, _ in found):
            continue  # a known word: leave it as it is
        best = _closest(word, found)
        if best:
            fixed[word] = best
    return fixed


def _closest(word, found):
    """The candidate fewest edits away (at most one per three letters, at least one),
    the most used of those."""
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
