"""Doctor pages: details and every public answer, each linked to its thread."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from answers.models import Answer, Doctor
from tests.browse_factories import age_threads, doctor, make_thread

pytestmark = pytest.mark.django_db


def test_it_shows_the_doctor_and_every_public_answer(client):
    surgeon = doctor(
        "Michael I. Echavez",
        credentials="MD",
        specialty="Facial Plastic Surgeon",
        place="San Francisco",
        rating=Decimal("4.5"),
        review_count=18,
    )
    older = make_thread(
        "Older thread", answers=[{"headline": "It resolves", "body": "Wait.", "doctor": surgeon}]
    )
    newer = make_thread("Newer thread", answers=[{"body": "Ice it.", "doctor": surgeon}])
    make_thread(
        "Hidden answer thread",
        answers=[{"body": "Hidden.", "doctor": surgeon, "status": Answer.Status.HIDDEN}],
    )
    make_thread(
        "Unpublished thread", answers=[{"body": "Draft.", "doctor": surgeon}], is_published=False
    )
    make_thread("Someone else's thread", answers=[{"body": "Other.", "doctor": doctor("Other")}])
    age_threads(older, newer)

    response = client.get(surgeon.get_absolute_url())

    assert response.status_code == 200
    answers = list(response.context["answers"])
    assert [a.question.title for a in answers] == ["Newer thread", "Older thread"]
    assert response.context["page_obj"].paginator.count == 2
    html = response.content.decode()
    assert "Michael I. Echavez" in html
    assert "Facial Plastic Surgeon · San Francisco" in html
    assert "4.5 out of 5 · 18 reviews" in html
    assert "2 answers" in html
    assert f'href="{older.get_absolute_url()}#answer-{answers[1].pk}">Older thread</a>' in html
    assert "It resolves" in html
    for hidden in ["Hidden answer thread", "Unpublished thread", "Someone else"]:
        assert hidden not in html


def test_it_answers_404_for_an_unknown_doctor(client):
    assert client.get("/doctors/nobody/").status_code == 404


def test_it_escapes_a_hostile_doctor_name(client):
    surgeon = doctor("<script>alert(1)</script>", place="<i>Nowhere</i>")
    make_thread(answers=[{"body": "<script>alert(2)</script>", "doctor": surgeon}])

    html = client.get(surgeon.get_absolute_url()).content.decode()

    assert "<script>alert" not in html
    assert "<i>Nowhere" not in html


def test_it_shows_doctors_of_the_sample_threads(client, seed_dir):
    call_command("import_threads", str(seed_dir), verbosity=0)

    weiner = Doctor.objects.get(name__contains="Weiner")
    response = client.get(weiner.get_absolute_url())

    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count >= 1


@pytest.mark.parametrize("count", [1, 25])
def test_it_runs_three_queries_whatever_the_number_of_answers(
    client, count, django_assert_num_queries
):
    surgeon = doctor()
    for _ in range(count):
        make_thread(answers=[{"body": "Yes.", "doctor": surgeon}])

    # Doctor, count 2 (published answers, less those on unpublished threads), the page of
    # answers with their threads.
    with django_assert_num_queries(4):
        client.get(surgeon.get_absolute_url())
