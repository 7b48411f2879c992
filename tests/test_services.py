"""Derived fields: published-answer count and the weighted search vector."""

import pytest

from answers.models import Answer
from questions.models import Question, TreatmentArea
from questions.services import question_refresh_derived
from tests.factories import make_question

pytestmark = pytest.mark.django_db


def test_it_counts_only_published_answers():
    question = make_question(answers=3)
    assert question.answer_count == 3
    question.answers.filter(position=2).update(status=Answer.Status.HIDDEN)
    question_refresh_derived(question_ids=[question.pk])
    question.refresh_from_db()
    assert question.answer_count == 2


def test_it_makes_titles_areas_questions_and_published_answers_searchable():
    question = make_question(title="Masseter question", body="Smile changed")
    Answer.objects.create(question=question, position=1, body="Zygomaticus muscle weakness")
    Answer.objects.create(
        question=question, position=2, body="Risorius", status=Answer.Status.HIDDEN
    )
    question.tagged_areas.create(tag=TreatmentArea.objects.get(slug="lips"))
    question_refresh_derived(question_ids=[question.pk])
    for word, found in [("masseter", 1), ("lips", 1), ("smile", 1), ("zygomaticus", 1)]:
        assert Question.objects.search(word).count() == found, word
    assert Question.objects.search("risorius").count() == 0


def test_it_ranks_a_title_match_above_an_answer_match():
    in_answer = make_question(title="Cheek question", body="Nothing here")
    Answer.objects.create(question=in_answer, position=1, body="Masseter dosing")
    in_title = make_question(title="Masseter question", body="Nothing here")
    question_refresh_derived(question_ids=[in_answer.pk, in_title.pk])
    assert list(Question.objects.search("masseter")) == [in_title, in_answer]
