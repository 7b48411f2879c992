"""Possible duplicate doctors: found by name, shown in groups, each one click from the merge."""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from answers.duplicates import possible_duplicates
from answers.identity import identity_key
from answers.models import Doctor
from tests.factories import make_doctor
from tests.test_admin_pages import curators_group, fast_admin_pages  # noqa: F401

pytestmark = pytest.mark.django_db

DOCTORS = reverse("admin:answers_doctor_changelist")
DUPLICATES = reverse("admin:answers_doctor_duplicates")


def doctor(name, place):
    return make_doctor(name=name, place=place, identity_key=identity_key(name, place))


@pytest.fixture
def doctors():
    return {
        # One doctor, three spellings and places: same name twice, a similar one once.
        "weiner_pc": doctor("Steven F. Weiner, MD", "Panama City, FL"),
        "weiner_blank": doctor("Dr. Steven F Weiner", ""),
        "weiner_short": doctor("Steven Weiner", "Miami, FL"),
        # Same normalised name, two places.
        "karam_sd": doctor("Amir Karam", "San Diego, CA"),
        "karam_lj": doctor("Amir M. Karam, MD", "La Jolla, CA"),
        # A typo in the surname.
        "sieber": doctor("David Sieber", "San Francisco, CA"),
        "seiber": doctor("David Seiber", "San Francisco CA"),
        # Not duplicates: same surname, other given names; a unique name.
        "john": doctor("John Smith", "Boston, MA"),
        "jane": doctor("Jane Smith", "Boston, MA"),
        "alone": doctor("Anna Lee", "Denver, CO"),
    }


def groups_of(doctors, found):
    names = {d.pk: key for key, d in doctors.items()}
    return sorted(sorted(names[pk] for pk in group.doctor_ids) for group in found)


def test_it_groups_same_names_in_other_places_and_very_similar_names(doctors):
    found = possible_duplicates(Doctor.objects.values_list("id", "identity_key"))
    assert groups_of(doctors, found) == [
        ["karam_lj", "karam_sd"],
        ["seiber", "sieber"],
        ["weiner_blank", "weiner_pc", "weiner_short"],
    ]


def group_forms(html):
    """Each group's form on the page: (action URL, {name: [values]} it posts)."""
    forms = []
    pattern = r'<form method="post" action="([^"]*)">(.*?)</form>'
    for action, body in re.findall(pattern, html, re.S):
        data = {}
        for tag in re.findall(r"<input [^>]*>", body):
            attrs = dict(re.findall(r'(\w+)="([^"]*)"', tag))
            if attrs.get("type") == "checkbox" and "checked" not in tag:
                continue
            if "name" in attrs:
                data.setdefault(attrs["name"], []).append(unescape(attrs.get("value", "")))
        forms.append((unescape(action), data))
    return forms


def test_the_page_lists_each_group_with_its_doctors_and_not_the_others(
    admin_client, doctors, django_assert_num_queries
):
    admin_client.get(DUPLICATES)
    # Session, user, every doctor's identity, the shown doctors with their answer counts.
    with django_assert_num_queries(4):
        response = admin_client.get(DUPLICATES)
    html = response.content.decode()
    assert response.status_code == 200
    for key in ("weiner_pc", "weiner_blank", "weiner_short", "karam_sd", "karam_lj"):
        assert doctors[key].place in html or doctors[key].place == ""
        assert f'value="{doctors[key].pk}"' in html
    for key in ("john", "jane", "alone"):
        assert f'value="{doctors[key].pk}"' not in html
    assert "same name" in html and "similar names" in html
    assert len(group_forms(html)) == 3


def test_each_group_leads_to_the_merge_confirmation_with_its_doctors(admin_client, doctors):
    html = admin_client.get(DUPLICATES).content.decode()
    karam = {str(doctors["karam_sd"].pk), str(doctors["karam_lj"].pk)}
    action, data = next(
        (action, data)
        for action, data in group_forms(html)
        if set(data["_selected_action"]) == karam
    )
    assert action == DOCTORS and data["action"] == ["merge"]
    response = admin_client.post(action, data)
    assert response.status_code == 200
    assert response.templates[0].name == "admin/merge_selected.html"
    offered = re.findall(r'name="keep" value="(\d+)"', response.content.decode())
    assert set(offered) == karam
    assert Doctor.objects.count() == len(doctors)  # nothing merged before the choice


def test_the_doctor_list_links_to_it(admin_client, doctors):
    assert f'href="{DUPLICATES}"' in admin_client.get(DOCTORS).content.decode()


def test_it_says_so_when_there_are_none(admin_client):
    doctor("Anna Lee", "Denver, CO")
    html = admin_client.get(DUPLICATES).content.decode()
    assert "No possible duplicates" in html


def test_a_visitor_or_a_non_staff_user_is_sent_to_the_login_page(client, doctors):
    response = client.get(DUPLICATES)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    get_user_model().objects.create_user("patient", "p@example.com", "a long password 42")
    client.login(username="patient", password="a long password 42")
    response = client.get(DUPLICATES)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_staff_who_may_not_merge_doctors_are_refused(client, doctors):
    user = get_user_model().objects.create_user(
        "viewer", "v@example.com", "a long password 42", is_staff=True
    )
    client.force_login(user)
    assert client.get(DUPLICATES).status_code == 403


def test_a_curator_may_use_it(client, doctors):
    from django.core.management import call_command

    call_command("createcurator", "c@example.com", "--password", "Tidy-the-kb-42", stdout=None)
    client.login(username="c@example.com", password="Tidy-the-kb-42")
    assert client.get(DUPLICATES).status_code == 200
