"""Every write that can change a public page tells the site through one point.

questions.services.threads_changed sends questions.signals.threads_changed after the
transaction commits, and appends the threads to the change log that each process's facet
index catches up from; page caches hang their invalidation on it. Each test drives one real
write path (the admin, an action, a merge, a command) and checks the ids it announced.
"""

import shutil

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.urls import reverse

from answers.models import Answer, Doctor
from questions import signals
from questions.models import Question, ThreadChange, TreatmentArea
from tests.factories import make_doctor, make_question
from tests.test_admin_answers import answer_form
from tests.test_admin_pages import curators_group, fast_admin_pages  # noqa: F401
from tests.test_admin_questions import botox_thread, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced(django_capture_on_commit_callbacks):
    """announced(action) runs action() and returns the set of thread ids announced."""

    def run(action) -> set[int]:
        got: set[int] = set()

        def receive(sender, question_ids, **kwargs):
            got.update(question_ids)

        before = ThreadChange.objects.aggregate(newest=Max("id"))["newest"] or 0
        signals.threads_changed.connect(receive)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                action()
        finally:
            signals.threads_changed.disconnect(receive)
        # What the facet index of every process catches up from: the same threads.
        logged = ThreadChange.objects.filter(id__gt=before).values_list("question_id", flat=True)
        assert set(logged) == got
        return got

    return run


def test_a_thread_saved_in_the_admin_with_its_inline_answers(admin_client, announced):
    question = botox_thread()
    page = admin_client.get(reverse("admin:questions_question_change", args=[question.pk]))
    data = form_data(page, title="Botox in swollen cheeks", **{"answers-1-body": "Rewritten."})
    url = reverse("admin:questions_question_change", args=[question.pk])
    assert announced(lambda: admin_client.post(url, data)) == {question.pk}


def test_an_answer_saved_moved_and_deleted_in_the_admin(admin_client, announced):
    left, joined = make_question(answers=2), make_question()
    first, second = left.answers.order_by("position")
    url = reverse("admin:answers_answer_change", args=[first.pk])
    form = answer_form(first, question=joined.pk)
    assert announced(lambda: admin_client.post(url, form)) == {left.pk, joined.pk}
    delete = reverse("admin:answers_answer_delete", args=[second.pk])
    assert announced(lambda: admin_client.post(delete, {"post": "yes"})) == {left.pk}


@pytest.mark.parametrize("action", ["hide", "publish", "feature", "unfeature"])
def test_each_answer_action(admin_client, announced, action):
    question = make_question(answers=2)
    answer = question.answers.first()
    if action in ("publish", "unfeature"):
        Answer.objects.filter(pk=answer.pk).update(status="hidden", is_featured=True)
    data = {"action": action, "_selected_action": [answer.pk]}
    changelist = reverse("admin:answers_answer_changelist")
    assert announced(lambda: admin_client.post(changelist, data)) == {question.pk}


def test_a_thread_deleted_in_the_admin(admin_client, announced):
    one, two, kept = make_question(), make_question(), make_question()
    delete = reverse("admin:questions_question_delete", args=[one.pk])
    assert announced(lambda: admin_client.post(delete, {"post": "yes"})) == {one.pk}
    changelist = reverse("admin:questions_question_changelist")
    data = {"action": "delete_selected", "_selected_action": [two.pk], "post": "yes"}
    assert announced(lambda: admin_client.post(changelist, data)) == {two.pk}
    assert list(Question.objects.all()) == [kept]


@pytest.mark.parametrize("action", ["unpublish", "publish"])
def test_each_thread_action(admin_client, announced, action):
    question = make_question(is_published=action == "unpublish")
    data = {"action": action, "_selected_action": [question.pk]}
    changelist = reverse("admin:questions_question_changelist")
    assert announced(lambda: admin_client.post(changelist, data)) == {question.pk}


def test_a_doctor_merge_and_a_specialty_edit(admin_client, announced):
    kept, other = make_doctor(name="Amir Karam"), make_doctor(name="Amir Karam")
    question = make_question(answers=1)
    question.answers.update(doctor=other)
    changelist = reverse("admin:answers_doctor_changelist")
    data = {"action": "merge", "_selected_action": [kept.pk, other.pk], "post": "yes"}
    assert announced(lambda: admin_client.post(changelist, data | {"keep": kept.pk})) == {
        question.pk
    }
    kept = Doctor.objects.get(pk=kept.pk)
    form = {
        "name": kept.name,
        "credentials": kept.credentials,
        "specialty": "Oculoplastic Surgeon",
        "place": kept.place,
        "rating": "",
        "review_count": "",
        "slug": kept.slug,
    }
    url = reverse("admin:answers_doctor_change", args=[kept.pk])
    assert announced(lambda: admin_client.post(url, form)) == {question.pk}


def test_a_tag_merge_rename_and_delete(admin_client, announced):
    cheeks, lips = TreatmentArea.objects.get(slug="cheeks"), TreatmentArea.objects.get(slug="lips")
    one, two = make_question(title="One"), make_question(title="Two")
    one.tagged_areas.create(tag=cheeks)
    two.tagged_areas.create(tag=lips)
    changelist = reverse("admin:questions_treatmentarea_changelist")
    data = {"action": "merge", "_selected_action": [cheeks.pk, lips.pk], "post": "yes"}
    # Only the threads whose tags moved changed.
    assert announced(lambda: admin_client.post(changelist, data | {"keep": cheeks.pk})) == {two.pk}
    url = reverse("admin:questions_treatmentarea_change", args=[cheeks.pk])
    rename = {"name": "Apples", "slug": "cheeks", "description": "", "keywords": ""}
    assert announced(lambda: admin_client.post(url, rename)) == {one.pk, two.pk}
    delete = reverse("admin:questions_treatmentarea_delete", args=[cheeks.pk])
    assert announced(lambda: admin_client.post(delete, {"post": "yes"})) == {one.pk, two.pk}


def test_the_retag_command(announced):
    question = make_question(title="Lip flip with Botox")
    assert announced(lambda: call_command("retag_threads", verbosity=0)) == {question.pk}


def test_an_import_of_new_then_changed_files(announced, seed_dir, tmp_path):
    for path in seed_dir.glob("*.txt"):
        shutil.copy(path, tmp_path / path.name)
    first = announced(lambda: call_command("import_threads", str(tmp_path), verbosity=0))
    assert first == set(Question.objects.values_list("pk", flat=True))
    assert len(first) == 5
    changed = sorted(tmp_path.glob("*.txt"))[0]
    changed.write_text(changed.read_text().replace("Botox", "Dysport", 1))
    again = announced(lambda: call_command("import_threads", str(tmp_path), verbosity=0))
    assert len(again) == 1 and again < first
