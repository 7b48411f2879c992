"""Export threads as JSON Lines: our backup and interchange format.

One thread per line, ordered by source key, with sorted keys and lists, so that the
same database always gives the same bytes and `import_threads` restores it exactly.
"""

import json
from collections.abc import Iterator

from django.db.models import Prefetch

from answers.models import Answer
from questions.models import Question

EXPORT_CHUNK = 500


def _doctor(answer: Answer) -> dict | None:
    """The doctor block: a named doctor's own row (their newest facts), or what an
    unnamed byline said."""
    if answer.doctor is not None:
        d = answer.doctor
        return {
            **_facts(d.place, d.specialty, d.rating, d.review_count),
            "name": d.name,
            "credentials": d.credentials or None,
            "facts_captured_at": _moment(d.facts_captured_at),
        }
    if answer.byline_place or answer.byline_specialty or answer.byline_rating is not None:
        return {**_shown(answer), "name": None, "credentials": None}
    return None


def _shown(answer: Answer) -> dict:
    """What the answer's byline showed on its page, on the day the page was captured."""
    return _facts(
        answer.byline_place,
        answer.byline_specialty,
        answer.byline_rating,
        answer.byline_review_count,
    )


def _facts(place, specialty, rating, review_count) -> dict:
    return {
        "place": place or None,
        "specialty": specialty or None,
        "rating": float(rating) if rating is not None else None,
        "review_count": review_count,
    }


def _moment(value) -> str | None:
    return value.isoformat() if value is not None else None


def thread_as_dict(question: Question) -> dict:
    return {
        "source_key": question.source_key,
        "source_file": question.source_file,
        "captured_at": _moment(question.captured_at),
        "title": question.title,
        "body": question.body,
        "details": {
            "age": question.patient_age,
            "sex": question.patient_sex or None,
            "treatment": question.patient_treatment or None,
        },
        "declared_answer_count": question.declared_answer_count,
        "complete": question.is_complete,
        "disclaimer": question.disclaimer,
        "published": question.is_published,
        "areas": sorted(t.tag.slug for t in question.tagged_areas.all()),
        "procedures": sorted(t.tag.slug for t in question.tagged_procedures.all()),
        "answers": [
            {
                "position": a.position,
                "headline": a.headline or None,
                "body": a.body,
                "status": a.status,
                "featured": a.is_featured,
                "sort_order": a.sort_order,
                "edited_by_staff": a.edited_by_staff,
                "doctor": _doctor(a),
                # A named doctor's block holds their newest facts; this, the page's own.
                "shown": _shown(a) if a.doctor_id else None,
                "captured_at": _moment(a.captured_at),
            }
            for a in question.answers.all()
        ],
    }


def threads_export(*, area: str | None = None) -> Iterator[str]:
    """Yield one JSON line per thread (published or not: this is a backup)."""
    queryset = Question.objects.order_by("source_key").prefetch_related(
        Prefetch(
            "answers",
            queryset=Answer.objects.select_related("doctor").order_by("position"),
        ),
        Prefetch("tagged_areas", queryset=_tag_rows("tagged_areas")),
        Prefetch("tagged_procedures", queryset=_tag_rows("tagged_procedures")),
    )
    if area:
        queryset = queryset.filter(tagged_areas__tag__slug=area)
    for question in queryset.iterator(chunk_size=EXPORT_CHUNK):
        yield json.dumps(thread_as_dict(question), ensure_ascii=False, sort_keys=True)


def _tag_rows(relation: str):
    model = Question._meta.get_field(relation).related_model
    return model.objects.select_related("tag")
