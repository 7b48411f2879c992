"""The list's counts and pages come from each process's facet index (questions.facets).

The index must follow every write at the next request, whichever process made it: these
tests request a page (building the index), write through a real path, and read again.
"""

import pytest
from django.urls import reverse

from questions import facets, listing, querysets
from questions.models import Question, ThreadChange
from tests.browse_factories import make_thread

LIST = reverse("questions:list")

pytestmark = pytest.mark.django_db


def total(response):
    return response.context["result_total"]


def area_counts(response):
    return {f["tag"].slug: f["count"] for f in response.context["area_facets"]["shown"]}


def test_counts_follow_an_admin_action_at_the_next_request(client, admin_client):
    one = make_thread("One", procedures=["botox"], areas=["cheeks"])
    make_thread("Two", procedures=["botox"], areas=["lips"])
    assert total(client.get(LIST, {"procedure": "botox"})) == 2

    changelist = reverse("admin:questions_question_changelist")
    admin_client.post(changelist, {"action": "unpublish", "_selected_action": [one.pk]})

    response = client.get(LIST, {"procedure": "botox"})
    assert total(response) == 1
    assert area_counts(response) == {"lips": 1}
    assert facets.facet_index().seq == ThreadChange.objects.latest("id").id


def test_a_deleted_thread_leaves_every_count(client, admin_client):
    doomed = make_thread("Doomed", procedures=["botox"], areas=["cheeks"])
    make_thread("Kept", procedures=["botox"], areas=["cheeks"])
    assert area_counts(client.get(LIST)) == {"cheeks": 2}

    delete = reverse("admin:questions_question_delete", args=[doomed.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302

    response = client.get(LIST)
    assert total(response) == 1
    assert area_counts(response) == {"cheeks": 1}
    area_page = client.get(reverse("questions:area_detail", args=["cheeks"]))
    assert [q.title for q in area_page.context["questions"]] == ["Kept"]


def test_a_process_too_far_behind_rebuilds_and_agrees(client, monkeypatch):
    make_thread("One", areas=["cheeks"])
    client.get(LIST)
    monkeypatch.setattr(facets, "CATCH_UP_LIMIT", 0)
    make_thread("Two", areas=["cheeks"])
    make_thread("Three", areas=["lips"])

    response = client.get(LIST)
    assert total(response) == 3
    assert area_counts(response) == {"cheeks": 2, "lips": 1}


def test_an_index_ahead_of_the_log_rebuilds(client):
    make_thread("One", areas=["cheeks"])
    client.get(LIST)
    # What a rolled-back transaction or a restored backup looks like to a process.
    ThreadChange.objects.all().delete()
    Question.objects.all().delete()
    make_thread("Fresh", areas=["lips"])
    ThreadChange.objects.all().delete()

    response = client.get(LIST)
    assert total(response) == 1
    assert area_counts(response) == {"lips": 1}


def test_deep_pages_come_from_the_index_in_newest_first_order(client):
    titles = [f"Thread {n:02}" for n in range(45)]
    for title in titles:
        make_thread(title, procedures=["botox"])

    page_three = client.get(LIST, {"procedure": "botox", "page": 3})
    shown = [q.title for q in page_three.context["questions"]]
    # 45 threads newest first, 20 a page: the third holds the oldest five.
    assert shown == list(reversed(titles))[40:]
    assert page_three.context["page_obj"].paginator.num_pages == 3


def test_a_search_matching_more_than_it_ranks_says_so(client, monkeypatch):
    monkeypatch.setattr(listing, "SEARCH_CANDIDATES", 3)
    make_thread("Botox in the forehead", areas=["forehead"])  # the oldest: not a candidate
    for n in range(3):
        make_thread(f"Swelling {n}", body="I had botox last week.", areas=["cheeks"])
    make_thread("Botox and my smile", body="Botox botox.", areas=["lips"])

    response = client.get(LIST, {"q": "botox"})
    content = response.content.decode()
    assert "More than 3 questions" in content
    assert "add a word or a filter" in content
    # The best match of the newest three candidates leads; counts are not claimed.
    assert [q.title for q in response.context["questions"]][0] == "Botox and my smile"
    assert all(f["count"] is None for f in response.context["area_facets"]["shown"])
    assert "Botox in the forehead" not in content


def test_a_search_within_its_limit_counts_exactly(client, monkeypatch):
    monkeypatch.setattr(listing, "SEARCH_CANDIDATES", 3)
    make_thread("Botox in the forehead", areas=["forehead"])
    make_thread("Swelling", body="I had botox last week.", areas=["cheeks"])
    make_thread("Unrelated", body="Filler in lips.", areas=["lips"])

    response = client.get(LIST, {"q": "botox"})
    assert total(response) == 2
    assert area_counts(response) == {"forehead": 1, "cheeks": 1}
    assert [q.title for q in response.context["questions"]][0] == "Botox in the forehead"


def test_a_filter_on_every_area_costs_one_subquery(client):
    make_thread("Everywhere", areas=["cheeks", "lips"])
    slugs = ["cheeks", "lips", "forehead", "chin", "jawline", "neck"]

    def joins(areas):
        sql, _ = Question.objects.published().in_areas(*areas).query.sql_with_params()
        return sql.count("JOIN")

    assert joins(slugs) == joins(slugs[:1])
    response = client.get(LIST, {"area": slugs[:2]})
    assert [q.title for q in response.context["questions"]] == ["Everywhere"]


def test_a_sparse_search_finds_its_newest_matches_beyond_the_newest_threads(client, monkeypatch):
    # The newest 4 threads are read one by one; older matches come from the GIN index in
    # windows of ids.
    monkeypatch.setattr(querysets, "SEARCH_WALK", 4)
    monkeypatch.setattr(listing, "SEARCH_CANDIDATES", 3)
    matching = {2, 5, 9, 14, 17}  # 17 is met in the walk, the others in windows
    for n in range(20):
        body = "A zygomaticus question." if n in matching else "Something else."
        make_thread(f"Thread {n}", body=body)

    response = client.get(LIST, {"q": "zygomaticus", "sort": "newest"})
    assert response.context["result_capped"]
    assert [q.title for q in response.context["questions"]] == [
        "Thread 17",
        "Thread 14",
        "Thread 9",
    ]
    monkeypatch.setattr(listing, "SEARCH_CANDIDATES", 10)
    response = client.get(LIST, {"q": "zygomaticus", "sort": "newest"})
    assert total(response) == 5
    assert [q.title for q in response.context["questions"]][-1] == "Thread 2"
