"""A new thread's weighted search vector, built from its parsed text.

The same SQL expression as `question_refresh_derived` (`search_vector_sql`), over texts
gathered the same way, so that a thread's vector does not depend on whether the import
or a later refresh wrote it. The parsing processes evaluate VECTOR_SQL over their own
connections; the INSERT falls back to NEW_QUESTION_VECTOR for any thread they did not.
"""

from answers.models import Answer
from questions.services import search_vector_sql

from .threads import ThreadData

VECTOR_SQL = (
    "SELECT "
    + search_vector_sql(title="v.title", tags="v.tags", body="v.body", answers="v.answers")
    + "::text FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[])"
    + " WITH ORDINALITY AS v(title, tags, body, answers, n) ORDER BY v.n"
)

# The vector a parsing process built, else the same expression evaluated by the INSERT.
NEW_QUESTION_VECTOR = (
    "CASE WHEN v.vector_text IS NULL THEN "
    + search_vector_sql(title="v.title", tags="v.tag_text", body="v.body", answers="v.answer_text")
    + " ELSE v.vector_text::tsvector END"
)


def search_texts(thread: ThreadData, tags, tag_names) -> tuple[str, str]:
    """The texts of a new thread's search vector beyond title and question: its tag names
    and its published answers, as question_refresh_derived gathers them."""
    areas, procedures = tags
    tag_text = (
        " ".join(tag_names["areas"][i] for i in sorted(areas))
        + " "
        + " ".join(tag_names["procedures"][i] for i in sorted(procedures))
    )
    answer_text = " ".join(
        f"{a.headline} {a.body}" for a in thread.answers if a.status == Answer.Status.PUBLISHED
    )
    return tag_text, answer_text
