"""Answers in the admin: edits are staff work, actions are bulk and logged."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from answers.models import Answer
from answers.services import answers_set_featured, answers_set_status
from questions.models import Question
from tests.factories import make_doctor, make_question
from tests.test_admin_pages import curators_group, fast_admin_pages  # noqa: F401

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:answers_answer_changelist")

# The whole POST of a bulk action, whatever the number of rows selected: session, user,
# the changelist's count, a savepoint, then the service (select, update, log, count,
# vector, change log, the word list's text and counts), the savepoint's release and the
# session's messages.
BULK_ACTION_QUERIES = 14


def change_url(answer):
    return reverse("admin:answers_answer_change", args=[answer.pk])


def answer_form(answer, **changes):
    data = {
        "question": answer.question_id,
        "doctor": answer.doctor_id or "",
        "headline": answer.headline,
        "body": answer.body,
        "status": answer.status,
        "sort_order": answer.sort_order,
        "byline_place": "",
        "byline_specialty": "",
        "byline_rating": "",
        "byline_review_count": "",
    }
    if answer.is_featured:
        data["is_featured"] = "on"
    return data | changes


def many_answers(threads, per_thread):
    questions = [make_question(title=f"Thread {i}") for i in range(threads)]
    Answer.objects.bulk_create(
        Answer(question=q, position=p, body=f"Answer {p} on {q.pk}")
        for q in questions
        for p in range(1, per_thread + 1)
    )
    return list(Answer.objects.values_list("pk", flat=True))


def test_it_marks_an_answer_saved_in_the_admin_as_staff_edited_and_logs_who(
    admin_client, admin_user
):
    question = make_question(answers=2)
    answer = question.answers.get(position=1)
    response = admin_client.post(change_url(answer), answer_form(answer, body="Corrected text."))
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.body == "Corrected text."
    assert answer.edited_by_staff
    entry = LogEntry.objects.get(object_id=str(answer.pk), action_flag=CHANGE)
    assert entry.user == admin_user
    assert "Body" in entry.get_change_message()
    history = admin_client.get(reverse("admin:answers_answer_history", args=[answer.pk]))
    assert b"Changed Body." in history.content


def test_it_shows_an_admin_edit_on_the_public_thread_page_at_once(admin_client):
    question = make_question(answers=2)
    first, second = question.answers.order_by("position")
    admin_client.post(change_url(first), answer_form(first, body="Freshly corrected advice."))
    admin_client.post(change_url(second), answer_form(second, status=Answer.Status.HIDDEN))
    page = admin_client.get(question.get_absolute_url()).content.decode()
    assert "Freshly corrected advice." in page
    assert second.body not in page
    question.refresh_from_db()
    assert question.answer_count == 1
    assert Question.objects.search("freshly").get() == question


def test_it_refreshes_both_threads_when_an_answer_moves(admin_client):
    left, joined = make_question(answers=1), make_question(answers=0)
    answer = left.answers.get()
    admin_client.post(change_url(answer), answer_form(answer, question=joined.pk))
    left.refresh_from_db()
    joined.refresh_from_db()
    assert (left.answer_count, joined.answer_count) == (0, 1)


def test_it_hides_and_publishes_selected_answers_and_logs_each(admin_client, admin_user):
    question = make_question(answers=3)
    ids = list(question.answers.values_list("pk", flat=True))[:2]
    response = admin_client.post(
        CHANGELIST, {"action": "hide", "_selected_action": ids}, follow=True
    )
    assert "2 answer(s) hidden." in response.content.decode()
    assert set(
        Answer.objects.filter(status=Answer.Status.HIDDEN).values_list("pk", flat=True)
    ) == set(ids)
    assert Answer.objects.filter(pk__in=ids, edited_by_staff=True).count() == 2
    question.refresh_from_db()
    assert question.answer_count == 1
    ct = ContentType.objects.get_for_model(Answer)
    logged = LogEntry.objects.filter(content_type=ct, user=admin_user)
    assert sorted(int(e.object_id) for e in logged) == sorted(ids)
    assert {e.change_message for e in logged} == {"Status set to hidden."}

    admin_client.post(CHANGELIST, {"action": "publish", "_selected_action": ids})
    question.refresh_from_db()
    assert question.answer_count == 3


def test_it_features_and_unfeatures_selected_answers(admin_client):
    question = make_question(answers=2)
    ids = list(question.answers.values_list("pk", flat=True))
    admin_client.post(CHANGELIST, {"action": "feature", "_selected_action": ids[:1]})
    assert list(Answer.objects.filter(is_featured=True).values_list("pk", flat=True)) == ids[:1]
    admin_client.post(CHANGELIST, {"action": "unfeature", "_selected_action": ids})
    assert not Answer.objects.filter(is_featured=True).exists()
    assert LogEntry.objects.count() == 2  # only rows that changed are logged


def test_it_leaves_unchanged_rows_alone():
    question = make_question(answers=2)
    ids = list(question.answers.values_list("pk", flat=True))
    assert answers_set_status(answer_ids=ids, status=Answer.Status.PUBLISHED) == 0
    assert not Answer.objects.filter(edited_by_staff=True).exists()
    assert answers_set_featured(answer_ids=ids, featured=True) == 2


@pytest.mark.parametrize("action", ["hide", "feature"])
def test_it_acts_on_1000_answers_in_a_handful_of_queries(admin_client, action):
    ContentType.objects.get_for_model(Answer)  # cached for the process, as in production
    for threads, per_thread in ((2, 5), (50, 20)):
        Question.objects.all().delete()
        ids = many_answers(threads, per_thread)
        # "Select all N answers" on the changelist: the page's ids plus select_across.
        data = {"action": action, "select_across": "1", "index": "0", "_selected_action": ids[:1]}
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.post(CHANGELIST, data)
        assert response.status_code == 302
        assert len(queries) == BULK_ACTION_QUERIES, [q["sql"][:80] for q in queries]
    assert LogEntry.objects.filter(action_flag=CHANGE).count() == 10 + 1000
    if action == "hide":
        assert set(Question.objects.values_list("answer_count", flat=True)) == {0}


def test_it_finds_answers_by_thread_title_and_doctor_name(admin_client):
    doctor = make_doctor(name="Ava Quill")
    question = make_question(title="Masseter reduction", answers=2)
    question.answers.filter(position=1).update(doctor=doctor)
    for term, found in (("masseter", 2), ("quill", 1), ("nothing-like-it", 0)):
        response = admin_client.get(CHANGELIST, {"q": term})
        assert response.context["cl"].result_count == found, term


def test_it_filters_answers_by_status_featured_staff_edited_and_specialty(admin_client):
    doctor = make_doctor(specialty="Dermatologist")
    question = make_question(answers=3)
    question.answers.filter(position=1).update(
        status=Answer.Status.HIDDEN, is_featured=True, edited_by_staff=True, doctor=doctor
    )
    for params in (
        {"status__exact": "hidden"},
        {"is_featured__exact": "1"},
        {"edited_by_staff__exact": "1"},
        {"doctor__specialty": "Dermatologist"},
    ):
        response = admin_client.get(CHANGELIST, params)
        assert response.context["cl"].result_count == 1, params


def test_it_offers_autocomplete_for_thread_and_doctor(admin_client):
    question = make_question(answers=1)
    html = admin_client.get(change_url(question.answers.get())).content.decode()
    assert 'data-field-name="question"' in html
    assert 'data-field-name="doctor"' in html
    make_doctor(name="Zed Doctor")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "answers", "model_name": "answer", "field_name": "doctor", "term": "zed"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Zed Doctor, MD"]


def test_it_recounts_a_thread_when_a_superuser_deletes_its_answers(admin_client):
    question = make_question(answers=3)
    first, second, third = question.answers.order_by("position")
    delete = reverse("admin:answers_answer_delete", args=[first.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    question.refresh_from_db()
    assert question.answer_count == 2
    admin_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [second.pk], "post": "yes"},
    )
    question.refresh_from_db()
    assert question.answer_count == 1
