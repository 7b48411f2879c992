"""Curators: staff who can do every curation task and nothing else."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from answers.models import Answer, Doctor
from questions.models import ImportRecord, ImportRun
from tests.factories import make_doctor, make_question
from tests.test_admin_pages import curators_group, fast_admin_pages  # noqa: F401
from tests.test_admin_questions import form_data

pytestmark = pytest.mark.django_db

EMAIL, PASSWORD = "curator@example.com", "Tidy-the-knowledge-base-42"

CURATION = {
    "questions.view_question",
    "questions.change_question",
    "questions.view_treatmentarea",
    "questions.add_treatmentarea",
    "questions.change_treatmentarea",
    "questions.delete_treatmentarea",
    "questions.view_procedure",
    "questions.add_procedure",
    "questions.change_procedure",
    "questions.delete_procedure",
    "questions.view_importrun",
    "questions.view_importrecord",
    "answers.view_answer",
    "answers.change_answer",
    "answers.view_doctor",
    "answers.change_doctor",
    "answers.delete_doctor",
}


@pytest.fixture
def curator_client(client):
    call_command("createcurator", EMAIL, "--password", PASSWORD, stdout=None)
    assert client.login(username=EMAIL, password=PASSWORD)
    return client


def test_it_gives_the_group_exactly_the_permissions_curation_needs():
    group = Group.objects.get(name="Curators")
    assert {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()} == CURATION


def test_it_lets_a_curator_hide_answers_edit_threads_and_merge_doctors(curator_client):
    question = make_question(answers=2)
    answer = question.answers.get(position=1)
    response = curator_client.post(
        reverse("admin:answers_answer_changelist"),
        {"action": "hide", "_selected_action": [answer.pk]},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.status == Answer.Status.HIDDEN

    change = reverse("admin:questions_question_change", args=[question.pk])
    page = curator_client.get(change)
    response = curator_client.post(change, form_data(page, title="Retitled by a curator"))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.title == "Retitled by a curator"

    doctors = [make_doctor(name="Same Doctor") for _ in range(2)]
    curator_client.post(
        reverse("admin:answers_doctor_changelist"),
        {
            "action": "merge",
            "_selected_action": [d.pk for d in doctors],
            "post": "yes",
            "keep": doctors[0].pk,
        },
    )
    assert list(Doctor.objects.all()) == [doctors[0]]


def test_it_lets_a_curator_read_the_import_history_but_not_delete_it(curator_client):
    run = ImportRun.objects.create()
    record = ImportRecord.objects.create(run=run, path="a.txt", outcome="created")
    for name, obj in (("importrun", run), ("importrecord", record)):
        assert curator_client.get(reverse(f"admin:questions_{name}_changelist")).status_code == 200
        assert (
            curator_client.get(reverse(f"admin:questions_{name}_change", args=[obj.pk])).status_code
            == 200
        )
        delete = reverse(f"admin:questions_{name}_delete", args=[obj.pk])
        assert curator_client.post(delete, {"post": "yes"}).status_code == 403
    assert ImportRecord.objects.count() == 1


def test_it_forbids_a_curator_user_management_and_deleting_threads_or_answers(curator_client):
    question = make_question(answers=1)
    for url in (
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
        reverse("admin:auth_group_changelist"),
        reverse("admin:questions_question_add"),
        reverse("admin:questions_question_delete", args=[question.pk]),
        reverse("admin:answers_answer_delete", args=[question.answers.get().pk]),
    ):
        assert curator_client.get(url).status_code == 403, url
    index = curator_client.get(reverse("admin:index")).content.decode()
    assert "Authentication and Authorization" not in index
    assert "Questions" in index


def test_it_offers_no_action_to_staff_who_may_only_view(curator_client):
    """Actions declare the permissions they need: viewing is not enough for any of them."""
    user = get_user_model().objects.get(username=EMAIL)
    user.groups.clear()
    viewers = Group.objects.create(name="Viewers")
    viewers.permissions.set(
        Group.objects.get(name="Curators").permissions.filter(codename__startswith="view_")
    )
    user.groups.add(viewers)
    make_doctor()
    make_question(answers=1)
    for name in ("answers_doctor", "answers_answer", "questions_question", "questions_procedure"):
        response = curator_client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200
        assert b'name="action"' not in response.content, name
