"""Merging doctors and tags from the admin: pick the one to keep, lose nothing, log it."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse

from answers.models import Answer, Doctor
from answers.services import doctor_merge
from questions.curation import tag_merge
from questions.models import Procedure, Question, TaggedArea, TreatmentArea
from questions.services import question_refresh_derived
from tests.factories import make_doctor, make_question
from tests.test_admin_pages import curators_group, fast_admin_pages  # noqa: F401

pytestmark = pytest.mark.django_db

DOCTORS = reverse("admin:answers_doctor_changelist")
AREAS = reverse("admin:questions_treatmentarea_changelist")
PROCEDURES = reverse("admin:questions_procedure_changelist")


def duplicate_doctors():
    """The same doctor imported twice, each row knowing something the other does not."""
    kept = make_doctor(name="Amir Karam", place="", rating=Decimal("4.8"), review_count=12)
    other = make_doctor(
        name="Amir Karam",
        credentials="",
        place="San Diego, CA",
        rating=Decimal("5.0"),
        review_count=240,
    )
    question = make_question(answers=3)
    question.answers.filter(position=1).update(doctor=kept)
    question.answers.filter(position__gt=1).update(doctor=other)
    return kept, other


def test_it_asks_which_doctor_to_keep_before_merging(admin_client):
    kept, other = duplicate_doctors()
    response = admin_client.post(
        DOCTORS, {"action": "merge", "_selected_action": [kept.pk, other.pk]}
    )
    assert response.status_code == 200
    assert response.templates[0].name == "admin/merge_selected.html"
    html = response.content.decode()
    # The one with more answers is offered first and pre-selected.
    assert f'name="keep" value="{other.pk}" id="keep-{other.pk}" checked' in html
    assert f'name="keep" value="{kept.pk}"' in html
    assert Doctor.objects.count() == 2  # nothing merged yet


def test_it_merges_doctors_into_the_one_chosen_keeping_the_best_data(admin_client, admin_user):
    kept, other = duplicate_doctors()
    other_identity = other.identity_key
    response = admin_client.post(
        DOCTORS,
        {
            "action": "merge",
            "_selected_action": [kept.pk, other.pk],
            "post": "yes",
            "keep": kept.pk,
        },
        follow=True,
    )
    assert "Merged 1 doctor(s) into Amir Karam, MD: 2 answer(s) moved." in response.content.decode()
    assert list(Doctor.objects.all()) == [kept]
    kept.refresh_from_db()
    assert (kept.credentials, kept.place) == ("MD", "San Diego, CA")  # blanks filled
    assert (kept.review_count, kept.rating) == (240, Decimal("5.0"))  # larger count + rating
    assert Answer.objects.filter(doctor=kept).count() == 3
    # Imports that still meet the merged doctor's identity will find the kept one.
    assert list(kept.aliases.values_list("identity_key", flat=True)) == [other_identity]
    change = LogEntry.objects.get(object_id=str(kept.pk), action_flag=CHANGE, user=admin_user)
    assert f"#{other.pk}, 2 answers" in change.change_message
    assert "place" in change.change_message
    assert LogEntry.objects.filter(object_id=str(other.pk), action_flag=DELETION).exists()


def test_it_refuses_to_merge_without_a_choice_or_with_one_doctor(admin_client):
    kept, other = duplicate_doctors()
    response = admin_client.post(
        DOCTORS, {"action": "merge", "_selected_action": [kept.pk, other.pk], "post": "yes"}
    )
    assert b"Choose the doctor to keep." in response.content
    response = admin_client.post(
        DOCTORS, {"action": "merge", "_selected_action": [kept.pk]}, follow=True
    )
    assert b"Select two or more doctors to merge." in response.content
    assert Doctor.objects.count() == 2


def test_it_keeps_its_own_review_count_when_it_is_the_larger():
    kept = make_doctor(review_count=500, rating=Decimal("4.1"))
    other = make_doctor(review_count=3, rating=Decimal("5.0"))
    report = doctor_merge(keep=kept, others=[other])
    kept.refresh_from_db()
    assert (kept.review_count, kept.rating, report.merged) == (500, Decimal("4.1"), 1)


def tagged(question, area, *, auto):
    return TaggedArea.objects.create(content_object=question, tag=area, auto=auto)


def test_it_merges_areas_without_duplicate_tags_and_keeps_hand_set_ones(admin_client):
    cheeks = TreatmentArea.objects.get(slug="cheeks")
    apple = TreatmentArea.objects.create(
        name="Apple area", slug="apple-area", keywords="zygoma\ncheeks", description="Dup."
    )
    both, only_other, only_kept = (make_question(title=f"T{i}") for i in range(3))
    tagged(both, cheeks, auto=True)
    tagged(both, apple, auto=False)  # staff set this one: it must stay hand-set
    tagged(only_other, apple, auto=True)
    tagged(only_kept, cheeks, auto=True)
    question_refresh_derived(question_ids=[both.pk, only_other.pk, only_kept.pk])
    assert Question.objects.search("apple").count() == 2

    response = admin_client.post(
        AREAS, {"action": "merge", "_selected_action": [cheeks.pk, apple.pk]}
    )
    assert response.templates[0].name == "admin/merge_selected.html"
    response = admin_client.post(
        AREAS,
        {
            "action": "merge",
            "_selected_action": [cheeks.pk, apple.pk],
            "post": "yes",
            "keep": cheeks.pk,
        },
        follow=True,
    )
    assert "2 thread(s) re-tagged" in response.content.decode()
    assert not TreatmentArea.objects.filter(slug="apple-area").exists()
    rows = dict(TaggedArea.objects.filter(tag=cheeks).values_list("content_object_id", "auto"))
    assert rows == {both.pk: False, only_other.pk: True, only_kept.pk: True}
    cheeks.refresh_from_db()
    keywords = cheeks.keyword_list()
    assert "Apple area" in keywords and "zygoma" in keywords
    assert keywords.count("cheeks") == 1
    assert Question.objects.search("apple").count() == 0  # vectors refreshed
    assert Question.objects.search("cheeks").count() == 3
    assert LogEntry.objects.filter(object_id=str(cheeks.pk), action_flag=CHANGE).exists()
    assert LogEntry.objects.filter(object_id=str(apple.pk), action_flag=DELETION).exists()


def test_it_merges_procedures_too():
    botox = Procedure.objects.get(slug="botox")
    typo = Procedure.objects.create(name="Botx", slug="botx")
    question = make_question()
    question.tagged_procedures.create(tag=typo, auto=False)
    report = tag_merge(keep=botox, others=Procedure.objects.filter(pk=typo.pk))
    assert (report.merged, report.threads) == (1, 1)
    assert list(question.procedures.all()) == [botox]


def test_it_re_tags_every_thread_from_the_area_list_and_reports_it(admin_client, admin_user):
    question = make_question(title="Lip flip with Botox", body="My upper lip.")
    response = admin_client.post(
        AREAS,
        {"action": "retag_every_thread", "_selected_action": [TreatmentArea.objects.first().pk]},
        follow=True,
    )
    assert "Re-tagged every thread: 1 threads changed" in response.content.decode()
    assert "lips" in question.areas.values_list("slug", flat=True)
    response = admin_client.post(
        PROCEDURES,
        {"action": "retag_every_thread", "_selected_action": [Procedure.objects.first().pk]},
        follow=True,
    )
    assert "Re-tagged every thread: 0 threads changed" in response.content.decode()
    assert LogEntry.objects.filter(user=admin_user, action_flag=CHANGE).count() == 2


def test_it_refreshes_search_when_a_tag_is_renamed(admin_client):
    lips = TreatmentArea.objects.get(slug="lips")
    question = make_question(title="Something")
    question.tagged_areas.create(tag=lips)
    url = reverse("admin:questions_treatmentarea_change", args=[lips.pk])
    data = {"name": "Lipsticks", "slug": "lips", "description": "", "keywords": lips.keywords}
    response = admin_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert Question.objects.search("lipsticks").get() == question


def test_it_refreshes_search_when_a_superuser_deletes_a_tag(admin_client):
    lips, nose = TreatmentArea.objects.get(slug="lips"), TreatmentArea.objects.get(slug="nose")
    question = make_question(title="Something")
    question.tagged_areas.create(tag=lips)
    question.tagged_areas.create(tag=nose)
    question_refresh_derived(question_ids=[question.pk])
    delete = reverse("admin:questions_treatmentarea_delete", args=[lips.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Question.objects.search("lips").exists()
    admin_client.post(
        AREAS, {"action": "delete_selected", "_selected_action": [nose.pk], "post": "yes"}
    )
    assert not Question.objects.search("nose").exists()


@pytest.mark.parametrize("n", [2, 50])
def test_it_merges_any_number_of_doctors_in_the_same_few_queries(
    n, admin_user, django_assert_num_queries
):
    doctors = [make_doctor(name="Same Doctor", place="") for _ in range(n)]
    question = make_question(answers=n)
    for doctor, answer in zip(doctors, question.answers.order_by("position"), strict=True):
        Answer.objects.filter(pk=answer.pk).update(doctor=doctor)
    ContentType.objects.get_for_model(Doctor)
    # Savepoint, lock the kept and the others, count their answers, move the answers, log
    # the deletions, Django's delete (collect, SET_NULL, DELETE), log the change, the
    # threads' change log, the word list (their text, the counts), release.
    with django_assert_num_queries(20):
        doctor_merge(keep=doctors[0], others=doctors[1:], user=admin_user)
    assert Answer.objects.filter(doctor=doctors[0]).count() == n


@pytest.mark.parametrize("n", [2, 50])
def test_it_merges_any_number_of_tags_in_the_same_few_queries(
    n, admin_user, django_assert_num_queries
):
    tags = [TreatmentArea.objects.create(name=f"Dup {i}", slug=f"dup-{i}") for i in range(n)]
    for tag in tags:
        tagged(make_question(), tag, auto=True)
    ContentType.objects.get_for_model(TreatmentArea)
    # Savepoint, lock both, read both tags' rows, insert the missing ones, log, Django's
    # delete (collect, cascade, DELETE), save keywords, log, count and vector, the threads'
    # change log, the word list (their text, the counts), release.
    with django_assert_num_queries(18):
        tag_merge(keep=tags[0], others=tags[1:], user=admin_user)
    assert TaggedArea.objects.filter(tag=tags[0]).count() == n


def test_a_doctor_specialty_edited_in_the_admin_moves_their_threads_between_filters(
    admin_client, seed_dir
):
    call_command("import_threads", str(seed_dir), verbosity=0)
    weiner = Doctor.objects.get(name="Steven F. Weiner")
    threads = set(weiner.answers.values_list("question_id", flat=True))
    form = {
        "name": weiner.name,
        "credentials": weiner.credentials,
        "specialty": "Oculoplastic Surgeon",
        "place": weiner.place,
        "rating": weiner.rating,
        "review_count": weiner.review_count,
        "slug": weiner.slug,
    }
    response = admin_client.post(reverse("admin:answers_doctor_change", args=[weiner.pk]), form)
    assert response.status_code == 302
    found = set(
        Question.objects.answered_by_specialty("Oculoplastic Surgeon").values_list("pk", flat=True)
    )
    assert threads <= found
