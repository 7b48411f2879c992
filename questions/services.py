"""Write-side services for questions that several callers share (import, admin, commands).

Each takes keyword-only arguments and works in a fixed number of queries, whatever the
number of questions, so bulk admin actions and imports stay cheap.
"""

from collections.abc import Iterable

from django.db import connection, transaction

from answers.models import Answer
from questions import signals
from questions.searchwords import search_words_update

# Editing any of these marks the thread staff-edited: later imports keep them.
STAFF_TEXT_FIELDS = frozenset(
    {"title", "slug", "body", "patient_age", "patient_sex", "patient_treatment", "disclaimer"}
)


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

    Writers call threads_changed, which calls this; the importer's new threads are
    written with these values already.
    """
    ids = list(question_ids)
    if not ids:
        return
    params = {"ids": ids, "published": Answer.Status.PUBLISHED}
    with connection.cursor() as cursor:
        cursor.execute(_ANSWER_FACTS_SQL, params)
        cursor.execute(_SEARCH_VECTOR_SQL, params)


def threads_changed(*, question_ids: Iterable[int], refresh: bool = True) -> None:
    """The one place that tells the site "these threads changed". Every write that can
    change a public page ends here: it refreshes the threads' derived facts (unless the
    writer stored them already, as the importer does for new threads) and sends
    signals.threads_changed once the transaction commits, so that no reader is told of a
    change it cannot see yet. It also keeps the word list of "Did you mean" current
    (questions.searchwords)."""
    ids = sorted(set(question_ids))
    if not ids:
        return
    if refresh:
        question_refresh_derived(question_ids=ids)
    # One transaction (the writer's, if it has one): the change log's lock, held to its
    # end, then serialises the writers of the word counts too.
    with transaction.atomic(savepoint=False):
        _log_changes(ids)
        search_words_update(question_ids=ids)
    transaction.on_commit(
        lambda: signals.threads_changed.send(sender=threads_changed, question_ids=ids)
    )


# Serialises commits to the change log (any 64-bit number unused by other advisory locks).
CHANGE_LOG_LOCK = 0x6B62_6C6F67
# Entries kept: more than a reader catches up through (questions.facets.CATCH_UP_LIMIT).
CHANGE_LOG_KEEP = 100_000


def _log_changes(ids: list[int]) -> None:
    """Append the threads to the change log, in the writer's transaction.

    The lock, held until that transaction ends, makes entries commit in id order: a reader
    that has seen entry N will never later find an entry below N appear.
    """
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "WITH locked AS (SELECT pg_advisory_xact_lock(%s))"
            " INSERT INTO questions_threadchange (question_id)"
            " SELECT unnest(%s::bigint[]) FROM locked",
            [CHANGE_LOG_LOCK, ids],
        )


def change_log_prune() -> None:
    """Drop all but the newest CHANGE_LOG_KEEP entries (each import run ends with it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM questions_threadchange"
            " WHERE id <= (SELECT max(id) FROM questions_threadchange) - %s",
            [CHANGE_LOG_KEEP],
        )


def question_staff_save(*, question, changed_fields: Iterable[str], created: bool) -> None:
    """Save a thread that staff edited; text staff wrote survives later imports.

    The caller sends threads_changed once the thread's answers and tags are saved too.
    """
    if created or STAFF_TEXT_FIELDS.intersection(changed_fields):
        question.edited_by_staff = True
    question.save()


def tag_staff_save(*, tag, changed_fields: Iterable[str], created: bool) -> None:
    """Save a procedure or area; a new name is part of its threads' search vectors."""
    tag.save()
    if not created and "name" in changed_fields:
        threads_changed(question_ids=tag.tagged_items.values_list("content_object_id", flat=True))


def questions_delete(*, queryset) -> None:
    """Delete threads (their answers and tag rows go with them) and say so."""
    question_ids = list(queryset.values_list("pk", flat=True))
    queryset.delete()
    threads_changed(question_ids=question_ids, refresh=False)


def tags_delete(*, queryset) -> None:
    """Delete procedures or areas; their names leave their threads' search vectors."""
    through = queryset.model.tagged_items.rel.related_model
    question_ids = set(
        through.objects.filter(tag__in=queryset).values_list("content_object_id", flat=True)
    )
    queryset.delete()
    threads_changed(question_ids=question_ids)
