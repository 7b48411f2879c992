"""The import history in the admin: read-only, filterable, linked to its threads."""

import pytest
from django.urls import reverse

from questions.models import ImportRecord, ImportRun
from tests.factories import make_question
from tests.test_admin_pages import curators_group, fast_admin_pages  # noqa: F401

pytestmark = pytest.mark.django_db

RUNS = reverse("admin:questions_importrun_changelist")
RECORDS = reverse("admin:questions_importrecord_changelist")


@pytest.fixture
def history():
    question = make_question(title="Lip flip gone wrong")
    run = ImportRun.objects.create(
        arguments=["fixtures/threads", "--verbosity=2"],
        files_total=2,
        created=1,
        failed=1,
        duration=1.25,
    )
    created = ImportRecord.objects.create(
        run=run, path="fixtures/threads/000_abc.txt", outcome="created", question=question
    )
    failed = ImportRecord.objects.create(
        run=run,
        path="fixtures/threads/broken.txt",
        outcome="failed",
        line=7,
        message="line 7: an answer without a body",
    )
    return run, created, failed


def test_it_lists_runs_with_arguments_counts_and_duration(admin_client, history):
    run, _, _ = history
    html = admin_client.get(RUNS).content.decode()
    assert "fixtures/threads --verbosity=2" in html
    assert "1.25" in html
    assert f'href="{RECORDS}?run={run.pk}"' in html


def test_it_lists_records_with_outcome_message_and_a_link_to_the_thread(admin_client, history):
    _, created, failed = history
    html = admin_client.get(RECORDS).content.decode()
    thread_url = reverse("admin:questions_question_change", args=[created.question_id])
    assert f'<a href="{thread_url}">Lip flip gone wrong</a>' in html
    assert "line 7: an answer without a body" in html


def test_it_filters_records_by_outcome_and_run_and_searches_by_path(admin_client, history):
    run, created, failed = history
    other_run = ImportRun.objects.create()
    ImportRecord.objects.create(run=other_run, path="elsewhere.txt", outcome="unchanged")
    for params, expected in (
        ({"outcome__exact": "failed"}, [failed]),
        ({"run": str(run.pk)}, [created, failed]),
        ({"q": "broken"}, [failed]),
        ({"q": "000_abc"}, [created]),
    ):
        response = admin_client.get(RECORDS, params)
        assert sorted(response.context["cl"].result_list, key=lambda r: r.pk) == expected, params


def test_it_lets_nobody_add_change_or_delete_import_history(admin_client, history):
    run, created, _ = history
    for name, obj in (("importrun", run), ("importrecord", created)):
        assert admin_client.get(reverse(f"admin:questions_{name}_add")).status_code == 403
        delete = reverse(f"admin:questions_{name}_delete", args=[obj.pk])
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
        change = reverse(f"admin:questions_{name}_change", args=[obj.pk])
        response = admin_client.get(change)
        assert response.status_code == 200 and b'name="_save"' not in response.content
        assert admin_client.post(change, {"path": "x"}).status_code == 403
    assert ImportRecord.objects.count() == 2
    assert b'value="delete_selected"' not in admin_client.get(RECORDS).content


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0.08667252899999767, "0.09 s"),
        (1.25, "1.25 s"),
        (12.345, "12.3 s"),
        (192.4, "3 min 12 s"),
        (3725.0, "1 h 2 min"),
    ],
)
def test_it_shows_a_run_s_duration_as_a_person_reads_it(admin_client, seconds, shown):
    run = ImportRun.objects.create(arguments=["threads/"], duration=seconds)
    listed = admin_client.get(RUNS).content.decode()
    page = admin_client.get(reverse("admin:questions_importrun_change", args=[run.pk]))
    for html in (listed, page.content.decode()):
        assert f">{shown}<" in html
        assert f">{seconds}<" not in html


def test_it_shows_a_dash_for_a_run_without_a_duration(admin_client):
    ImportRun.objects.create(arguments=["threads/"])
    assert admin_client.get(RUNS).status_code == 200
