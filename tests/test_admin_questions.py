"""Threads in the admin: the change page, its inlines and tags, filters and actions."""

import pytest
from django import forms
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from answers.models import Answer
from questions.models import (
    ImportRecord,
    ImportRun,
    Procedure,
    Question,
    TaggedArea,
    TaggedProcedure,
    TreatmentArea,
)
from tests.factories import make_doctor, make_question
from tests.test_admin_pages import curators_group, fast_admin_pages  # noqa: F401

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:questions_question_changelist")

# The whole POST of "publish"/"unpublish" on every thread, whatever their number: session,
# user, the recent import runs' filter choices (built twice by Django's action handling)
# and counts, then the service's select, update, log, two derived-field updates, the
# threads' change log and the word list (their text, the counts). The procedure and area
# filters read their choices only when the sidebar is drawn, which a POST never does.
BULK_ACTION_QUERIES = 16


def change_url(question):
    return reverse("admin:questions_question_change", args=[question.pk])


def form_data(response, **changes):
    """What the browser would post back from this change page, with `changes` applied."""
    all_forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        all_forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in all_forms:
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            if isinstance(field, forms.BooleanField):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [getattr(v, "pk", v) for v in value]
            elif value is not None:
                data[bound.html_name] = value
    return data | changes


def botox_thread():
    question = make_question(title="Botox in my cheeks", answers=3)
    question.tagged_procedures.create(tag=Procedure.objects.get(slug="botox"), auto=True)
    question.tagged_areas.create(tag=TreatmentArea.objects.get(slug="cheeks"), auto=True)
    return question


def test_it_shows_answers_in_page_order_and_every_import_record_read_only(admin_client):
    question = botox_thread()
    other = make_question(title="Another thread")
    runs = [ImportRun.objects.create(arguments=["threads/"]) for _ in range(2)]
    for run in runs:
        ImportRecord.objects.create(
            run=run, path="threads/000_abc.txt", outcome="updated", question=question
        )
    ImportRecord.objects.create(
        run=runs[0], path="threads/other.txt", outcome="created", question=other
    )
    question.answers.filter(position=1).update(sort_order=5)  # page order, not display order
    response = admin_client.get(change_url(question))
    html = response.content.decode()
    answers_formset, records_formset = (
        i.formset for i in response.context["inline_admin_formsets"]
    )
    assert [f.instance.position for f in answers_formset.forms] == [1, 2, 3]
    assert html.count(">Change</a>") >= 3  # show_change_link on every answer
    assert [r.run_id for r in records_formset.queryset] == [runs[1].pk, runs[0].pk]
    assert "threads/other.txt" not in html
    assert 'name="import_records-0-path"' not in html  # read-only: no inputs


def test_it_marks_answers_edited_in_the_inline_as_staff_work(admin_client):
    question = botox_thread()
    page = admin_client.get(change_url(question))
    data = form_data(
        page, **{"answers-1-body": "Staff rewrote this.", "answers-2-status": "hidden"}
    )
    response = admin_client.post(change_url(question), data)
    assert response.status_code == 302, response.context["errors"]
    assert list(
        question.answers.order_by("position").values_list("edited_by_staff", flat=True)
    ) == [False, True, True]
    question.refresh_from_db()
    assert question.answer_count == 2
    assert not question.edited_by_staff  # its own text did not change
    entry = LogEntry.objects.get(object_id=str(question.pk), action_flag=CHANGE)
    assert "answer" in entry.get_change_message()


def test_it_edits_tags_from_the_vocabularies_keeping_auto_flags(admin_client):
    question = botox_thread()
    botox, filler = Procedure.objects.get(slug="botox"), Procedure.objects.get(slug="dermal-filler")
    lips = TreatmentArea.objects.get(slug="lips")
    page = admin_client.get(change_url(question))
    data = form_data(page, procedures=[botox.pk, filler.pk], areas=[lips.pk])
    assert admin_client.post(change_url(question), data).status_code == 302
    assert dict(
        TaggedProcedure.objects.filter(content_object=question).values_list("tag__slug", "auto")
    ) == {"botox": True, "dermal-filler": False}
    assert list(
        TaggedArea.objects.filter(content_object=question).values_list("tag__slug", "auto")
    ) == [("lips", False)]
    assert Question.objects.search("lips").get() == question  # the vector follows at once


def test_it_marks_a_thread_whose_text_staff_changed(admin_client):
    question = botox_thread()
    page = admin_client.get(change_url(question))
    admin_client.post(change_url(question), form_data(page, title="Botox in swollen cheeks"))
    question.refresh_from_db()
    assert (question.title, question.edited_by_staff) == ("Botox in swollen cheeks", True)
    assert Question.objects.search("swollen").get() == question


def test_it_publishes_and_unpublishes_selected_threads_and_logs_each(admin_client, admin_user):
    questions = [make_question(title=f"Thread {i}") for i in range(3)]
    ids = [q.pk for q in questions[:2]]
    response = admin_client.post(
        CHANGELIST, {"action": "unpublish", "_selected_action": ids}, follow=True
    )
    assert "2 thread(s) unpublished." in response.content.decode()
    assert set(Question.objects.filter(is_published=False).values_list("pk", flat=True)) == set(ids)
    assert admin_client.get(questions[0].get_absolute_url()).status_code == 404
    assert sorted(
        int(e.object_id) for e in LogEntry.objects.filter(change_message="Unpublished.")
    ) == sorted(ids)
    admin_client.post(CHANGELIST, {"action": "publish", "_selected_action": ids})
    assert not Question.objects.filter(is_published=False).exists()


def test_it_unpublishes_1000_threads_in_a_handful_of_queries(admin_client):
    ContentType.objects.get_for_model(Question)
    for n in (10, 1000):
        Question.objects.all().delete()
        Question.objects.bulk_create(
            Question(source_key=f"k{n}-{i}", title=f"T {i}", slug="t", body="b") for i in range(n)
        )
        first = Question.objects.values_list("pk", flat=True).first()
        data = {"action": "unpublish", "select_across": "1", "index": "0"}
        with CaptureQueriesContext(connection) as queries:
            admin_client.post(CHANGELIST, data | {"_selected_action": [first]})
        assert len(queries) == BULK_ACTION_QUERIES, [q["sql"][:80] for q in queries]
        assert Question.objects.filter(is_published=True).count() == 0
    assert LogEntry.objects.count() == 1010


def test_it_re_runs_auto_tagging_on_selected_threads(admin_client):
    question = make_question(title="Botox for my masseter", body="Jaw clenching.")
    untouched = make_question(title="Botox for my masseter too", body="Same.")
    response = admin_client.post(
        CHANGELIST, {"action": "retag", "_selected_action": [question.pk]}, follow=True
    )
    assert "Auto-tagging re-run: 1 threads changed" in response.content.decode()
    assert "botox" in question.procedures.values_list("slug", flat=True)
    assert TaggedProcedure.objects.filter(content_object=question, auto=True).exists()
    assert not untouched.procedures.exists()
    assert LogEntry.objects.filter(object_id=str(question.pk)).exists()


def test_it_filters_threads_by_tag_publication_completeness_hidden_answers_and_run(
    admin_client,
):
    tagged = botox_thread()
    plain = make_question(title="Plain", answers=1, is_published=False, is_complete=False)
    plain.answers.update(status=Answer.Status.HIDDEN)
    run = ImportRun.objects.create()
    ImportRecord.objects.create(run=run, path="a.txt", outcome="created", question=plain)
    for params, expected in (
        ({"procedure": "botox"}, [tagged]),
        ({"area": "cheeks"}, [tagged]),
        ({"is_published__exact": "0"}, [plain]),
        ({"is_complete__exact": "0"}, [plain]),
        ({"hidden_answers": "yes"}, [plain]),
        ({"hidden_answers": "no"}, [tagged]),
        ({"run": str(run.pk)}, [plain]),
    ):
        response = admin_client.get(CHANGELIST, params)
        assert list(response.context["cl"].result_list) == expected, params


def test_it_finds_threads_by_title_question_text_and_doctor_name(admin_client):
    question = make_question(title="Droopy brow", body="After injections my brow fell.", answers=1)
    question.answers.update(doctor=make_doctor(name="Ivy Lanterman"))
    make_question(title="Unrelated")
    for term in ("droopy", "injections", "lanterman"):
        response = admin_client.get(CHANGELIST, {"q": term})
        assert list(response.context["cl"].result_list) == [question], term
