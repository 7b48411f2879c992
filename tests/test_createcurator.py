"""`manage.py createcurator EMAIL`: a staff, non-superuser account in the Curators group."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.test_admin_pages import curators_group, fast_admin_pages  # noqa: F401

pytestmark = pytest.mark.django_db

User = get_user_model()


def run(*args, **options):
    out = StringIO()
    call_command("createcurator", *args, stdout=out, **options)
    return out.getvalue()


class Terminal(StringIO):
    """Standard input as a person at a terminal gives it."""

    def isatty(self):
        return True


@pytest.fixture
def typed(monkeypatch):
    """What the curator types at each password prompt, in order; the prompts seen."""
    answers, prompts = [], []

    def getpass(prompt="Password: "):
        prompts.append(prompt)
        return answers.pop(0)

    monkeypatch.setattr("questions.management.commands.createcurator.getpass", getpass)
    return answers, prompts


def can_log_in_to_the_admin(email, password):
    client = Client()
    assert client.login(username=email, password=password)
    return client.get(reverse("admin:index")).status_code == 200


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
    out = run("nurse@example.com", stdin=StringIO())
    assert "changepassword nurse@example.com" in out
    assert "--password-stdin" in out
    assert not User.objects.get(username="nurse@example.com").has_usable_password()


def test_it_asks_for_the_password_twice_at_a_terminal_and_the_curator_can_log_in(typed):
    answers, prompts = typed
    answers += ["Tidy-the-knowledge-base-42", "Tidy-the-knowledge-base-42"]
    out = run("nurse@example.com", stdin=Terminal())
    assert prompts == ["Password: ", "Password (again): "]
    assert "Created curator nurse@example.com." in out
    assert "changepassword" not in out
    assert can_log_in_to_the_admin("nurse@example.com", "Tidy-the-knowledge-base-42")


def test_it_asks_again_when_the_two_differ_or_a_validator_refuses(typed):
    answers, prompts = typed
    answers += ["Tidy-the-knowledge-base-42", "Tidy-the-knowledge-base-43"]  # differ
    answers += ["123", "123"]  # too short, all digits
    answers += ["Tidy-the-knowledge-base-44", "Tidy-the-knowledge-base-44"]
    err = StringIO()
    run("nurse@example.com", stdin=Terminal(), stderr=err)
    assert len(prompts) == 6
    assert "did not match" in err.getvalue()
    assert "too short" in err.getvalue()
    assert can_log_in_to_the_admin("nurse@example.com", "Tidy-the-knowledge-base-44")


def test_it_gives_up_after_three_tries_and_creates_nobody(typed):
    answers, _ = typed
    answers += ["short", "short"] * 3
    with pytest.raises(CommandError, match="No password set"):
        run("nurse@example.com", stdin=Terminal(), stderr=StringIO())
    assert not User.objects.exists()


def test_a_script_gives_the_password_on_standard_input(typed):
    out = run(
        "nurse@example.com",
        "--password-stdin",
        stdin=StringIO("Tidy-the-knowledge-base-42\n"),
    )
    assert "Created curator nurse@example.com." in out
    assert typed[1] == []  # nothing asked
    assert can_log_in_to_the_admin("nurse@example.com", "Tidy-the-knowledge-base-42")


@pytest.mark.parametrize(
    ("given", "error"), [("123\n", "too short"), ("", "No password on standard input")]
)
def test_a_bad_password_on_standard_input_is_refused(given, error):
    with pytest.raises(CommandError, match=error):
        run("nurse@example.com", "--password-stdin", stdin=StringIO(given))
    assert not User.objects.exists()


def test_no_input_makes_an_account_without_a_password_even_at_a_terminal(typed):
    out = run("nurse@example.com", "--no-input", stdin=Terminal())
    assert typed[1] == []
    assert "changepassword nurse@example.com" in out
    assert not User.objects.get().has_usable_password()


def test_it_does_not_ask_when_an_existing_curator_already_has_a_password(typed):
    User.objects.create_user("nurse@example.com", "nurse@example.com", "x")
    run("nurse@example.com", stdin=Terminal())
    assert typed[1] == []
    assert User.objects.get().check_password("x")


def test_it_makes_an_existing_account_a_curator_when_run_again():
    User.objects.create_user("nurse@example.com", "nurse@example.com", "x")
    out = run("nurse@example.com", stdin=StringIO())
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
