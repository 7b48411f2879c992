"""Small builders for test data that does not need to go through the importer."""

import itertools

from answers.models import Answer, Doctor
from questions.models import Question
from questions.services import threads_changed

_seq = itertools.count(1)


def make_doctor(name="Steven F. Weiner", **kwargs) -> Doctor:
    n = next(_seq)
    defaults = {
        "identity_key": f"{name.lower()}|{n}",
        "slug": f"doctor-{n}",
        "credentials": "MD",
        "place": "Panama City",
        "specialty": "Facial Plastic Surgeon",
    }
    return Doctor.objects.create(name=name, **(defaults | kwargs))


def make_question(title="Can't smile after Botox in my cheeks", answers=0, **kwargs) -> Question:
    """A published question with `answers` published answers; derived fields refreshed."""
    n = next(_seq)
    defaults = {
        "source_key": f"key{n:06d}",
        "slug": f"question-{n}",
        "body": "I had Botox in my cheeks two weeks ago and now my smile is uneven.",
    }
    question = Question.objects.create(title=title, **(defaults | kwargs))
    for position in range(1, answers + 1):
        Answer.objects.create(
            question=question, position=position, body=f"Answer {position} body text."
        )
    threads_changed(question_ids=[question.pk])
    question.refresh_from_db()
    return question
