"""Filter sidebars stay short however many values there are: the most used few, the rest
by URL or the search box, and a value given in the URL always filters."""

import re

import pytest
from django.urls import reverse

from answers.models import Answer, Doctor
from kbsite.admin_utils import FILTER_LIMIT
from questions.models import Procedure, TreatmentArea
from tests.factories import make_doctor, make_question
from tests.test_admin_pages import CHANGELIST_QUERIES, curators_group, fast_admin_pages  # noqa: F401

pytestmark = pytest.mark.django_db

DOCTORS = reverse("admin:answers_doctor_changelist")
ANSWERS = reverse("admin:answers_answer_changelist")
QUESTIONS = reverse("admin:questions_question_changelist")


def filter_links(html, title):
    """The link texts of one filter's sidebar section, "All" left out."""
    match = re.search(rf'<details data-filter-title="{title}"[^>]*>(.*?)</details>', html, re.S)
    assert match, f"no {title!r} filter"
    links = re.findall(r"<li[^>]*>\s*<a [^>]*>(.*?)</a></li>", match.group(1), re.S)
    return [text.strip() for text in links if text.strip() != "All"], match.group(1)


def doctors_in_places(counts):
    """Doctors in bulk: counts[place] doctors in each place."""
    rows = [
        Doctor(
            name=f"Doctor {place} {i}",
            place=place,
            specialty=f"Specialty {n % 300}",
            identity_key=f"doctor {place} {i}|{place}",
            slug=f"doctor-{n}-{i}",
        )
        for n, (place, count) in enumerate(counts.items())
        for i in range(count)
    ]
    return Doctor.objects.bulk_create(rows)


@pytest.fixture
def three_hundred_places():
    counts = {f"Place {n:03d}": 1 for n in range(300)}
    counts |= {"Miami, FL": 5, "Austin, TX": 3}
    return doctors_in_places(counts)


def test_the_place_filter_lists_the_most_common_places_only(
    admin_client, three_hundred_places, django_assert_num_queries
):
    admin_client.get(DOCTORS)  # warm the session and content types
    with django_assert_num_queries(CHANGELIST_QUERIES["answers.Doctor"]):
        html = admin_client.get(DOCTORS).content.decode()
    places, section = filter_links(html, "place")
    assert len(places) == FILTER_LIMIT
    assert places[:2] == ["Miami, FL", "Austin, TX"]
    assert "search" in section  # says where the others are
    specialties, _ = filter_links(html, "specialty")
    assert len(specialties) == FILTER_LIMIT


def test_a_place_outside_the_list_still_filters_from_the_url(
    admin_client, three_hundred_places, django_assert_num_queries
):
    admin_client.get(DOCTORS)
    with django_assert_num_queries(CHANGELIST_QUERIES["answers.Doctor"]):
        response = admin_client.get(DOCTORS, {"place": "Place 250"})
    assert [d.place for d in response.context["cl"].result_list] == ["Place 250"]
    places, section = filter_links(response.content.decode(), "place")
    assert "Place 250" in places
    assert re.search(r'<li class="selected">\s*<a [^>]*>Place 250</a>', section)
    response = admin_client.get(DOCTORS, {"specialty": "Specialty 299"})
    assert [d.specialty for d in response.context["cl"].result_list] == ["Specialty 299"]


def test_the_answers_specialty_filter_lists_the_most_common_and_filters_any(
    admin_client, three_hundred_places, django_assert_num_queries
):
    question = make_question(answers=2)
    first, second = question.answers.order_by("position")
    Answer.objects.filter(pk=first.pk).update(doctor=three_hundred_places[0])
    Answer.objects.filter(pk=second.pk).update(doctor=three_hundred_places[-1])
    admin_client.get(ANSWERS)
    with django_assert_num_queries(CHANGELIST_QUERIES["answers.Answer"]):
        html = admin_client.get(ANSWERS).content.decode()
    specialties, _ = filter_links(html, "doctor&#x27;s specialty")
    assert len(specialties) <= FILTER_LIMIT
    rare = three_hundred_places[-1].specialty
    response = admin_client.get(ANSWERS, {"doctor__specialty": rare})
    assert [a.pk for a in response.context["cl"].result_list] == [second.pk]


def test_the_procedure_and_area_filters_list_the_most_used_and_filter_any(
    admin_client, django_assert_num_queries
):
    procedures = list(Procedure.objects.order_by("name"))
    areas = list(TreatmentArea.objects.order_by("name"))
    assert len(procedures) > FILTER_LIMIT and len(areas) > FILTER_LIMIT
    # The top: the last FILTER_LIMIT procedures by name, on two threads each.
    top = procedures[-FILTER_LIMIT:]
    for procedure in top:
        for _ in range(2):
            make_question().tagged_procedures.create(tag=procedure)
    most = top[-1]
    make_question().tagged_procedures.create(tag=most)
    rare = procedures[0]
    tagged_rare = make_question(title="The rare one")
    tagged_rare.tagged_procedures.create(tag=rare)
    tagged_rare.tagged_areas.create(tag=areas[-1])

    admin_client.get(QUESTIONS)
    with django_assert_num_queries(CHANGELIST_QUERIES["questions.Question"]):
        html = admin_client.get(QUESTIONS).content.decode()
    shown, section = filter_links(html, "procedure")
    assert len(shown) == FILTER_LIMIT
    assert shown[0] == most.name
    assert reverse("admin:questions_procedure_changelist") in section  # the rest are there
    shown_areas, _ = filter_links(html, "treatment area")
    assert len(shown_areas) == FILTER_LIMIT and shown_areas[0] == areas[-1].name

    assert rare.name not in shown
    outside = procedures[1]  # on one thread: outside the top
    outside_thread = make_question(title="Outside the top")
    outside_thread.tagged_procedures.create(tag=outside)
    # One more query: the chosen procedure's name, to show it selected.
    with django_assert_num_queries(CHANGELIST_QUERIES["questions.Question"] + 1):
        response = admin_client.get(QUESTIONS, {"procedure": outside.slug})
    assert list(response.context["cl"].result_list) == [outside_thread]
    shown, section = filter_links(response.content.decode(), "procedure")
    assert re.search(rf'<li class="selected">\s*<a [^>]*>{outside.name}</a>', section)
    response = admin_client.get(QUESTIONS, {"procedure": rare.slug})
    assert list(response.context["cl"].result_list) == [tagged_rare]


def test_an_unknown_value_shows_no_thread_and_no_error(admin_client):
    make_question()
    make_doctor()
    response = admin_client.get(QUESTIONS, {"procedure": "no-such-procedure"})
    assert response.status_code == 200 and list(response.context["cl"].result_list) == []
    response = admin_client.get(DOCTORS, {"place": "Nowhere"})
    assert response.status_code == 200 and list(response.context["cl"].result_list) == []
