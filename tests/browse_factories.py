"""Builders for the browse-page tests: threads with tags, doctors and bylines."""

import itertools
from datetime import timedelta

from django.utils import timezone

from answers.models import Answer
from questions.models import Procedure, Question, TaggedArea, TaggedProcedure, TreatmentArea
from questions.services import threads_changed
from tests.factories import make_doctor, make_question

_seq = itertools.count(1)


def make_thread(
    title="Can't smile after Botox in my cheeks",
    *,
    body="I had Botox in my cheeks two weeks ago and now my smile is uneven.",
    procedures=(),
    areas=(),
    answers=(),
    age=None,
    **kwargs,
) -> Question:
    """A published thread with tags and answers; derived fields refreshed.

    `answers` holds dicts of Answer fields (body, headline, doctor, status, ...); position
    follows the order given unless one is passed.
    """
    question = make_question(title=title, body=body, patient_age=age, **kwargs)
    for slug in procedures:
        TaggedProcedure.objects.create(
            content_object=question, tag=Procedure.objects.get(slug=slug)
        )
    for slug in areas:
        TaggedArea.objects.create(content_object=question, tag=TreatmentArea.objects.get(slug=slug))
    for position, fields in enumerate(answers, start=1):
        Answer.objects.create(question=question, **({"position": position} | fields))
    threads_changed(question_ids=[question.pk])
    question.refresh_from_db()
    return question


def make_answers(count, *, doctor=None, **fields):
    """`count` answer dicts, each with its own body, for make_thread(answers=...)."""
    return [
        {"body": f"Answer {n} about healing and swelling.", "doctor": doctor, **fields}
        for n in range(1, count + 1)
    ]


def age_threads(*questions, start_days_ago=1):
    """Make creation times distinct and in the given order, oldest first."""
    now = timezone.now()
    total = len(questions)
    for index, question in enumerate(questions):
        when = now - timedelta(days=start_days_ago + total - index)
        Question.objects.filter(pk=question.pk).update(created_at=when)


def doctor(name="Steven F. Weiner", **kwargs):
    return make_doctor(name=name, **kwargs)
