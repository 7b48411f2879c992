"""`manage.py createcurator EMAIL`: a staff, non-superuser account in the Curators group."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.test_admin_pages import curators_group, fast_admin_pages  # noqa: F401

pytestmark = pytest.mark.django_db

User = get_user_model()


def run(*args):
    out = StringIO()
    call_command("createcurator", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_staff_curator_who_is_not_a_superuser():
    out = run("Nurse@Example.com", "--password", "Tidy-the-knowledge-base-42")
    assert "Created curator nurse@example.com." in out
    user = User.objects.get(username="nurse@example.com")
    assert (user.is_staff, user.is_superuser, user.email) == (True, False, "nurse@example.com")
    assert list(user.groups.values_list("name", flat=True)) == ["Curators"]
    assert user.check_password("Tidy-the-knowledge-base-42")
    assert user.has_perm("answers.change_answer")
    assert not user.has_perm("auth.change_user")


def test_it_says_how_to_set_a_password_when_none_is_given():
    out = run("nurse@example.com")
    assert "changepassword nurse@example.com" in out
    assert not User.objects.get(username="nurse@example.com").has_usable_password()


def test_it_makes_an_existing_account_a_curator_when_run_again():
    User.objects.create_user("nurse@example.com", "nurse@example.com", "x")
    out = run("nurse@example.com")
    assert "Made existing account a curator: nurse@example.com." in out
    user = User.objects.get()
    assert user.is_staff and user.groups.filter(name="Curators").exists()
    assert user.check_password("x")  # no password given: the old one stays


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["not-an-email"], "is not an email address"),
        (["nurse@example.com", "--password", "123"], "too short"),
    ],
)
def test_it_refuses_bad_input(args, error):
    with pytest.raises(CommandError, match=error):
        run(*args)
    assert not User.objects.exists()


def test_it_refuses_to_demote_a_superuser():
    User.objects.create_superuser("boss@example.com", "boss@example.com", "x")
    with pytest.raises(CommandError, match="superuser"):
        run("boss@example.com")
    assert User.objects.get().is_superuser


def test_it_asks_for_migrate_when_the_group_is_missing():
    from django.contrib.auth.models import Group

    Group.objects.filter(name="Curators").delete()
    with pytest.raises(CommandError, match="migrate"):
        run("nurse@example.com")
