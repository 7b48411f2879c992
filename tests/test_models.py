"""The database itself refuses what would corrupt the knowledge base."""

import pytest
from django.db import IntegrityError, transaction

from answers.models import Answer, Doctor
from questions.models import Question

pytestmark = pytest.mark.django_db


def make_question(source_key="abc", **kwargs):
    defaults = {"title": "Is it permanent?", "slug": "is-it-permanent", "body": "Text"}
    return Question.objects.create(source_key=source_key, **(defaults | kwargs))


def test_it_refuses_a_duplicate_source_key():
    make_question("bd6cf83177b9ec6f")
    with pytest.raises(IntegrityError, match="question_unique_source_key"), transaction.atomic():
        make_question("bd6cf83177b9ec6f", title="Another title")
    assert Question.objects.count() == 1


def test_it_refuses_a_second_answer_at_the_same_position():
    question = make_question()
    Answer.objects.create(question=question, position=1, body="First")
    with (
        pytest.raises(IntegrityError, match="answer_unique_question_position"),
        transaction.atomic(),
    ):
        Answer.objects.create(question=question, position=1, body="Again")
    Answer.objects.create(question=question, position=2, body="Second")
    assert list(question.answers.values_list("position", flat=True)) == [1, 2]


def test_it_allows_the_same_position_on_different_questions():
    Answer.objects.create(question=make_question("a"), position=1, body="x")
    Answer.objects.create(question=make_question("b"), position=1, body="y")
    assert Answer.objects.count() == 2


def test_it_refuses_two_doctors_with_the_same_identity():
    Doctor.objects.create(identity_key="steven f weiner|panama city", name="A", slug="a")
    with pytest.raises(IntegrityError, match="doctor_unique_identity"), transaction.atomic():
        Doctor.objects.create(identity_key="steven f weiner|panama city", name="B", slug="b")


def test_it_orders_featured_answers_first_then_staff_order_then_page_order():
    question = make_question()
    a1 = Answer.objects.create(question=question, position=1, body="1")
    a2 = Answer.objects.create(question=question, position=2, body="2", sort_order=-1)
    a3 = Answer.objects.create(question=question, position=3, body="3", is_featured=True)
    assert list(question.answers.in_display_order()) == [a3, a2, a1]


def test_it_builds_the_canonical_thread_url():
    question = make_question(slug="cheek-droop")
    assert question.get_absolute_url() == f"/questions/{question.pk}/cheek-droop/"
