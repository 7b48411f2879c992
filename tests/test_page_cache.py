"""Public pages cached for anonymous visitors, and never stale after a write.

Each write path ends in threads_changed (tests/test_threads_changed.py proves that for every
one); here the cached page is shown to follow such writes at the next request.
"""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from answers.models import Answer
from tests.factories import make_question
from tests.test_admin_pages import curators_group, fast_admin_pages  # noqa: F401
from tests.test_admin_questions import botox_thread, form_data
from tests.test_import_threads import run_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(action): run action as if its transaction committed (signals and all)."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def test_a_repeat_visit_is_served_without_a_query(client, django_assert_num_queries):
    question = make_question(title="Lumpy lip after filler", answers=2)
    url = question.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 200 and again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert "public" in again["Cache-Control"] and "max-age=0" in again["Cache-Control"]
    assert "Cookie" in again["Vary"]


def test_a_browser_revalidates_with_its_etag_and_gets_a_304(client):
    url = make_question().get_absolute_url()
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_compressed_page_revalidates_with_its_weak_etag(client):
    # Compression marks the ETag weak (W/"..."): the browser sends that form back.
    url = make_question().get_absolute_url()
    etag = client.get(url, HTTP_ACCEPT_ENCODING="gzip")["ETag"]
    assert etag.startswith('W/"')
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


def test_an_admin_edit_shows_at_the_next_request(client, admin_client, committed):
    question = botox_thread()
    url = question.get_absolute_url()
    assert b"Botox in my cheeks" in client.get(url).content
    change = reverse("admin:questions_question_change", args=[question.pk])
    data = form_data(admin_client.get(change), title="Botox in swollen cheeks")
    old_etag = client.get(url)["ETag"]
    committed(lambda: admin_client.post(change, data))
    # The slug did not change with the title: the same URL now shows the new text.
    fresh = client.get(url)
    assert b"Botox in swollen cheeks" in fresh.content
    assert fresh["ETag"] != old_etag
    assert b"Botox in swollen cheeks" in client.get(reverse("questions:list")).content


def test_a_hidden_answer_leaves_the_cached_page(client, admin_client, committed):
    question = make_question(answers=2)
    answer = question.answers.first()
    Answer.objects.filter(pk=answer.pk).update(body="Quokkas are not a treatment.")
    url = question.get_absolute_url()
    assert b"Quokkas" in client.get(url).content
    data = {"action": "hide", "_selected_action": [answer.pk]}
    committed(lambda: admin_client.post(reverse("admin:answers_answer_changelist"), data))
    assert b"Quokkas" not in client.get(url).content


def test_an_import_shows_at_the_next_request(client, committed, seed_dir, tmp_path):
    assert b"Mesobotox" not in client.get(reverse("questions:list")).content
    committed(lambda: run_import(seed_dir))
    assert b"Mesobotox" in client.get(reverse("questions:list")).content


def test_staff_pages_are_never_cached(admin_client, client):
    url = make_question(title="Before").get_absolute_url()
    staff = admin_client.get(url)
    assert "ETag" not in staff and "public" not in staff.get("Cache-Control", "")
    assert client.get(url).status_code == 200


def test_a_lost_version_never_brings_back_old_pages(client):
    question = make_question(title="Swollen eyelid")
    url = question.get_absolute_url()
    client.get(url)
    cache.delete("data-version")  # evicted, say
    type(question).objects.filter(pk=question.pk).update(title="Swollen eyelid, day 3")
    assert b"day 3" in client.get(url).content


def test_pages_and_writes_carry_on_uncached_while_the_cache_is_down(
    client, admin_client, committed
):
    question = botox_thread()
    changelist = reverse("admin:questions_question_changelist")
    data = {"action": "unpublish", "_selected_action": [question.pk]}
    # A Redis that is not there: nothing listens on port 1.
    redis_down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=redis_down):
        assert client.get(question.get_absolute_url()).status_code == 200
        assert client.get(reverse("questions:list")).status_code == 200
        assert committed(lambda: admin_client.post(changelist, data)).status_code == 302
        assert client.get(question.get_absolute_url()).status_code == 404
