"""Every admin page of every registered model renders, in a fixed number of queries."""

import importlib
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from answers.models import Answer, Doctor
from questions.models import (
    ImportRecord,
    ImportRun,
    Procedure,
    Question,
    TreatmentArea,
)
from questions.services import question_refresh_derived
from tests.factories import make_doctor, make_question

pytestmark = pytest.mark.django_db

# Every model the admin shows, django.contrib.auth's included.
MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)

# Queries per changelist page, whatever the number of rows on it (1 or 20 below):
# session, user, counts, rows, prefetched tags, filter choices, date hierarchy.
CHANGELIST_QUERIES = {
    "answers.Answer": 6,
    "answers.Doctor": 7,
    "questions.ImportRecord": 6,
    "questions.ImportRun": 7,
    "questions.Procedure": 5,
    "questions.Question": 12,
    "questions.TreatmentArea": 5,
}

# Every action each changelist must offer, by its name in the action menu.
ACTIONS = {
    "answers.Answer": {"publish", "hide", "feature", "unfeature"},
    "answers.Doctor": {"merge"},
    "questions.Question": {"publish", "unpublish", "retag"},
    "questions.TreatmentArea": {"retag_every_thread", "merge"},
    "questions.Procedure": {"retag_every_thread", "merge"},
    "questions.ImportRun": set(),
    "questions.ImportRecord": set(),
}

READ_ONLY = {"questions.ImportRun", "questions.ImportRecord"}


@pytest.fixture(autouse=True)
def fast_admin_pages(settings):
    # A cheap hasher: the admin_client's superuser is made and logged in for every test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The admin's CSS without collectstatic's manifest (make test collects; a bare run not).
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }


@pytest.fixture(autouse=True)
def curators_group():
    # Transactional tests elsewhere flush data migrations' rows; make the group again.
    from django.apps import apps

    if not Group.objects.filter(name="Curators").exists():
        importlib.import_module("answers.migrations.0002_curators_group").create_curators(
            apps, None
        )


def populate(n):
    """n rows of every model (and only n), each with everything its list shows filled in."""
    for model in (TreatmentArea, Procedure, ImportRun, Question, Doctor):
        model.objects.all().delete()
    areas = [TreatmentArea.objects.create(name=f"Area {i}", slug=f"area-{i}") for i in range(n)]
    procedures = [Procedure.objects.create(name=f"Proc {i}", slug=f"proc-{i}") for i in range(n)]
    for i in range(n):
        run = ImportRun.objects.create(arguments=["threads/", f"--batch={i}"], files_total=1)
        doctor = make_doctor(name=f"Doctor {i}", rating="4.5", review_count=10 + i)
        question = make_question(
            title=f"Thread {i}",
            answers=2,
            declared_answer_count=3,
            source_file=f"threads/{i:03d}.txt",
            last_imported_at=timezone.now(),
        )
        question.tagged_areas.create(tag=areas[i], auto=True)
        question.tagged_procedures.create(tag=procedures[i])
        question.answers.update(doctor=doctor)
        question.answers.filter(position=2).update(status=Answer.Status.HIDDEN)
        question_refresh_derived(question_ids=[question.pk])
        ImportRecord.objects.create(
            run=run,
            path=f"threads/{i:03d}.txt",
            content_hash="ab" * 32,
            outcome=ImportRecord.Outcome.CREATED,
            question=question,
        )


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


OURS = [m for m in MODELS if m._meta.label in CHANGELIST_QUERIES]


def test_it_registers_every_model_staff_work_with_and_nothing_else():
    # taggit's own Tag model is unused here and unregistered.
    assert {m._meta.label for m in MODELS} == {*CHANGELIST_QUERIES, "auth.User", "auth.Group"}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_it_renders_every_changelist_search_add_and_change_page(admin_client, model):
    populate(2)
    url = changelist_url(model)
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "thread"}).status_code == 200
    add = admin_client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add"))
    assert add.status_code == (403 if model._meta.label in READ_ONLY else 200)
    obj = model.objects.first()
    change_url = reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
    )
    response = admin_client.get(change_url)
    assert response.status_code == 200
    if model._meta.label in READ_ONLY:
        assert b'name="_save"' not in response.content  # a view page, not a form


@pytest.mark.parametrize("model", OURS, ids=lambda m: m._meta.label)
def test_it_lists_in_the_same_number_of_queries_for_1_or_20_rows(admin_client, model):
    counts = []
    for n in (1, 20):
        populate(n)
        admin_client.get(changelist_url(model))  # warm caches (content types, session)
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(changelist_url(model))
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == (2 * n if model is Answer else n)
        counts.append(len(queries))
    assert counts == [CHANGELIST_QUERIES[model._meta.label]] * 2, counts


@pytest.mark.parametrize("model", OURS, ids=lambda m: m._meta.label)
def test_it_offers_every_action_in_the_action_menu(admin_client, model):
    populate(1)
    html = admin_client.get(changelist_url(model)).content.decode()
    offered = set(re.findall(r'<option value="([a-z_]+)">', html)) - {"delete_selected"}
    assert offered == ACTIONS[model._meta.label]


def test_it_shows_tags_counts_and_provenance_columns(admin_client):
    populate(1)
    html = admin_client.get(changelist_url(Question)).content.decode()
    for text in ("Proc 0", "Area 0", "1 / 3"):
        assert text in html
    html = admin_client.get(changelist_url(Doctor)).content.decode()
    assert f'?doctor__id__exact={Doctor.objects.get().pk}">2</a>' in html
    html = admin_client.get(changelist_url(TreatmentArea)).content.decode()
    assert '?area=area-0">1</a>' in html


def test_it_sends_an_anonymous_visitor_to_the_login_page(client):
    for model in MODELS:
        response = client.get(changelist_url(model))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
