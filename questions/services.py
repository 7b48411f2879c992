"""Write-side services for questions that several callers share (import, admin, commands).

Each takes keyword-only arguments and works in a fixed number of queries, whatever the
number of questions, so bulk admin actions and imports stay cheap.
"""

from collections.abc import Iterable

from django.db import connection

from answers.models import Answer


# Weights: title A, treatment areas and procedures B, question text C, published answers D.
# Hidden answers and unpublished threads must never be findable, so only published answers
# feed the vector. One expression for both writers: the refresh below, and the importer,
# which builds the vector inside its INSERT so that a new thread is written only once.
def search_vector_sql(*, title: str, tags: str, body: str, answers: str) -> str:
    """The SQL expression of a thread's weighted search vector, from four text expressions:
    title, tag names, question text, and published answers (headline and body)."""
    return (
        f"(setweight(to_tsvector('english', {title}), 'A')"
        f" || setweight(to_tsvector('english', {tags}), 'B')"
        f" || setweight(to_tsvector('english', {body}), 'C')"
        f" || setweight(to_tsvector('english', {answers}), 'D'))"
    )


_TAG_NAMES_SQL = """coalesce((
    SELECT string_agg(t.name, ' ' ORDER BY t.id) FROM questions_taggedarea ta
    JOIN questions_treatmentarea t ON t.id = ta.tag_id WHERE ta.content_object_id = q.id
), '') || ' ' || coalesce((
    SELECT string_agg(p.name, ' ' ORDER BY p.id) FROM questions_taggedprocedure tp
    JOIN questions_procedure p ON p.id = tp.tag_id WHERE tp.content_object_id = q.id
), '')"""
_ANSWER_TEXT_SQL = """coalesce((
    SELECT string_agg(a.headline || ' ' || a.body, ' ' ORDER BY a.position)
    FROM answers_answer a WHERE a.question_id = q.id AND a.status = %(published)s
), '')"""
_SEARCH_VECTOR_SQL = (
    "UPDATE questions_question AS q SET search_vector = "
    + search_vector_sql(
        title="q.title", tags=_TAG_NAMES_SQL, body="q.body", answers=_ANSWER_TEXT_SQL
    )
    + " WHERE q.id = ANY(%(ids)s)"
)

_ANSWER_FACTS_SQL = """
UPDATE questions_question AS q SET
    answer_count = facts.answers,
    has_named_doctor = facts.named,
    doctor_specialties = facts.specialties
FROM (
    SELECT q2.id,
        count(a.id) AS answers,
        coalesce(bool_or(a.doctor_id IS NOT NULL), false) AS named,
        coalesce(array_agg(DISTINCT coalesce(nullif(d.specialty, ''), a.byline_specialty))
            FILTER (WHERE coalesce(nullif(d.specialty, ''), a.byline_specialty) <> ''),
            '{}') AS specialties
    FROM questions_question q2
    LEFT JOIN answers_answer a ON a.question_id = q2.id AND a.status = %(published)s
    LEFT JOIN answers_doctor d ON d.id = a.doctor_id
    WHERE q2.id = ANY(%(ids)s)
    GROUP BY q2.id
) AS facts
WHERE q.id = facts.id
"""


def question_refresh_derived(*, question_ids: Iterable[int]) -> None:
    """Recompute what a question derives from its published answers and tags: the answer
    count, whether a named doctor answered, the answering specialties, the search vector.

    Call after anything that changes a thread's text, tags or visible answers, or the
    specialty of a doctor who answered it.
    """
    ids = list(question_ids)
    if not ids:
        return
    params = {"ids": ids, "published": Answer.Status.PUBLISHED}
    with connection.cursor() as cursor:
        cursor.execute(_ANSWER_FACTS_SQL, params)
        cursor.execute(_SEARCH_VECTOR_SQL, params)
