"""Procedure and treatment-area pages: the indexes and one page per tag."""

import pytest
from django.urls import reverse

from questions.models import Procedure, TreatmentArea
from tests.browse_factories import age_threads, doctor, make_answers, make_thread

pytestmark = pytest.mark.django_db


def test_it_lists_procedures_with_counts_of_published_threads(admin_client):
    make_thread(procedures=["botox"])
    make_thread(procedures=["botox"])
    make_thread(procedures=["botox"], is_published=False)

    response = admin_client.get(reverse("questions:procedure_list"))

    assert response.status_code == 200
    counts = {tag.slug: tag.thread_count for tag in response.context["tags"]}
    assert counts["botox"] == 2
    assert counts["rhinoplasty"] == 0
    assert '<a href="/procedures/botox/">Botox</a> <span class="muted">2 questions</span>' in (
        response.content.decode()
    )
    assert '<a href="/procedures/" aria-current="page">Procedures</a>' in response.content.decode()


def test_it_lists_areas_with_counts(admin_client):
    make_thread(areas=["cheeks", "lips"])

    response = admin_client.get(reverse("questions:area_list"))

    counts = {tag.slug: tag.thread_count for tag in response.context["tags"]}
    assert counts["cheeks"] == counts["lips"] == 1
    assert counts["neck"] == 0


def test_it_shows_a_procedure_with_its_description_and_threads(client):
    Procedure.objects.filter(slug="botox").update(
        description="Botulinum toxin relaxes muscles.\n\n<script>alert(1)</script>"
    )
    first = make_thread("First Botox thread", procedures=["botox"])
    second = make_thread("Second Botox thread", procedures=["botox"])
    make_thread("Filler thread", procedures=["dermal-filler"])
    make_thread("Draft Botox thread", procedures=["botox"], is_published=False)
    age_threads(first, second)

    response = client.get(reverse("questions:procedure_detail", args=["botox"]))

    assert response.status_code == 200
    assert [q.title for q in response.context["questions"]] == [
        "Second Botox thread",
        "First Botox thread",
    ]
    html = response.content.decode()
    assert "<p>Botulinum toxin relaxes muscles.</p>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "2 questions" in html
    assert 'href="/?procedure=botox">Search and filter these questions</a>' in html
    assert 'href="/procedures/botox/feed/"' in html
    assert (
        "<title>Botox: patients&#x27; questions answered by doctors"
        " · Doctor Answers Archive</title>" in html
    )


def test_it_shows_an_area_with_its_threads(client):
    TreatmentArea.objects.filter(slug="cheeks").update(description="The cheeks.")
    make_thread("Cheek thread", areas=["cheeks"])
    make_thread("Lip thread", areas=["lips"])

    response = client.get(reverse("questions:area_detail", args=["cheeks"]))

    assert [q.title for q in response.context["questions"]] == ["Cheek thread"]
    assert "<p>The cheeks.</p>" in response.content.decode()
    assert 'href="/?area=cheeks">' in response.content.decode()


def test_it_paginates_a_tag_page_and_404s_past_the_end(client):
    for n in range(25):
        make_thread(f"Lip thread {n}", areas=["lips"])
    url = reverse("questions:area_detail", args=["lips"])

    first = client.get(url)
    second = client.get(url, {"page": 2})

    assert len(first.context["questions"]) == 20
    assert len(second.context["questions"]) == 5
    assert 'href="/areas/lips/?page=2"' in first.content.decode()
    assert 'rel="prev" href="/areas/lips/"' in second.content.decode()
    assert client.get(url, {"page": 3}).status_code == 404


def test_it_answers_404_for_an_unknown_tag(client):
    assert client.get(reverse("questions:procedure_detail", args=["nope"])).status_code == 404
    assert client.get(reverse("questions:area_detail", args=["nope"])).status_code == 404


@pytest.mark.parametrize("name", ["questions:procedure_list", "questions:area_list"])
def test_it_runs_one_query_for_an_index(client, name, django_assert_num_queries):
    make_thread(procedures=["botox"], areas=["cheeks"])
    # The facet index 2 (its change log, catching up with the new thread), the tags 1.
    with django_assert_num_queries(3):
        client.get(reverse(name))


@pytest.mark.parametrize("rows", [1, 20])
def test_it_runs_the_same_queries_for_one_thread_as_for_a_full_page(
    client, rows, django_assert_num_queries
):
    surgeon = doctor()
    for _ in range(rows):
        make_thread(
            procedures=["botox", "dysport"],
            areas=["cheeks", "lips"],
            answers=make_answers(2, doctor=surgeon),
        )

    # Tag, the facet index 2 (its change log, catching up), the names of the other
    # vocabulary's most common tags (for the description), rows, procedures, areas,
    # doctors; the second page finds the index up to date.
    with django_assert_num_queries(8):
        client.get(reverse("questions:procedure_detail", args=["botox"]))
    with django_assert_num_queries(7):
        client.get(reverse("questions:area_detail", args=["cheeks"]))


@pytest.mark.parametrize(
    ("name", "facet", "used", "unused"),
    [
        ("questions:procedure_list", "procedures", "botox", "rhinoplasty"),
        ("questions:area_list", "areas", "cheeks", "neck"),
    ],
)
def test_an_index_shows_visitors_only_the_entries_with_threads(
    client, name, facet, used, unused, django_assert_num_queries
):
    make_thread(procedures=["botox"], areas=["cheeks"])
    make_thread(procedures=["rhinoplasty"], areas=["neck"], is_published=False)

    # The facet index 2, the tags 1: hiding the empty ones costs no query.
    with django_assert_num_queries(3):
        response = client.get(reverse(name))

    html = response.content.decode()
    assert [tag.slug for tag in response.context["tags"]] == [used]
    assert f'href="/{facet}/{used}/"' in html
    assert f'href="/{facet}/{unused}/"' not in html
    assert "0 questions" not in html


@pytest.mark.parametrize(
    ("name", "facet", "unused"),
    [
        ("questions:procedure_list", "procedures", "rhinoplasty"),
        ("questions:area_list", "areas", "neck"),
    ],
)
def test_an_index_shows_staff_every_entry(admin_client, name, facet, unused):
    make_thread(procedures=["botox"], areas=["cheeks"])

    response = admin_client.get(reverse(name))

    html = response.content.decode()
    assert f'href="/{facet}/{unused}/"' in html
    assert "0 questions" in html
    assert len(response.context["tags"]) == reverse_count(facet)


def reverse_count(facet):
    model = Procedure if facet == "procedures" else TreatmentArea
    return model.objects.count()
