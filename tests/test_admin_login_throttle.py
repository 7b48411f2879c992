"""Admin login throttling: a few failures lock the account, or the address, for a while.

Through the real admin login form: wrong passwords are posted, the lockout answers 429
with Retry-After even to the right password, it is logged, and it ends after the cool-off.
"""

import logging

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from kbsite import throttle
from tests.test_security_headers import environment, run_python

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff():
    return User.objects.create_user("editor", "editor@example.com", PASSWORD, is_staff=True)


def attempt(username, password, address="203.0.113.7"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
    )
    return response


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("admin:index")


def test_the_right_password_still_works_after_a_few_mistakes(staff):
    for _ in range(throttle.ACCOUNT_LIMIT - 1):
        assert attempt("editor", "wrong").status_code == 200
    assert logged_in(attempt("editor", PASSWORD))
    # A success forgets the account's failures.
    for _ in range(throttle.ACCOUNT_LIMIT - 1):
        attempt("editor", "wrong")
    assert logged_in(attempt("editor", PASSWORD))


def test_an_account_is_locked_after_its_limit_from_any_address(staff, caplog):
    caplog.set_level(logging.WARNING, logger="kbsite.throttle")
    for n in range(throttle.ACCOUNT_LIMIT):
        attempt("editor", "wrong", address=f"198.51.100.{n}")

    locked = attempt("editor", PASSWORD, address="192.0.2.99")

    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert "Too many failed logins" in locked.content.decode()
    assert any("locked" in r.getMessage() and "editor" in r.getMessage() for r in caplog.records)
    # Another account is not affected.
    User.objects.create_user("other", password=PASSWORD, is_staff=True)
    assert logged_in(attempt("other", PASSWORD, address="192.0.2.99"))


def test_an_address_is_locked_after_its_limit_whatever_the_accounts(staff):
    for n in range(throttle.ADDRESS_LIMIT):
        attempt(f"guess{n}", "wrong", address="203.0.113.50")

    assert attempt("editor", PASSWORD, address="203.0.113.50").status_code == 429
    assert logged_in(attempt("editor", PASSWORD, address="203.0.113.51"))


def test_a_lockout_ends_after_the_cool_off(staff, monkeypatch):
    start = throttle.now()
    for _ in range(throttle.ACCOUNT_LIMIT):
        attempt("editor", "wrong")
    assert attempt("editor", PASSWORD).status_code == 429

    monkeypatch.setattr(throttle, "now", lambda: start + throttle.COOL_OFF_SECONDS + 1)

    assert logged_in(attempt("editor", PASSWORD))


def test_thirty_wrong_passwords_are_not_all_answered(staff):
    statuses = [attempt("editor", f"guess{n}").status_code for n in range(30)]

    assert statuses.count(429) >= 30 - throttle.ACCOUNT_LIMIT


def test_the_account_is_matched_whatever_the_case_and_spaces(staff):
    for name in ["editor", "EDITOR", " Editor ", "editor", "eDiToR"][: throttle.ACCOUNT_LIMIT]:
        attempt(name, "wrong", address="198.51.100.1")
    assert attempt("editor", PASSWORD, address="198.51.100.2").status_code == 429


def test_the_admin_can_be_moved_by_a_setting():
    code = (
        "import django; django.setup()\n"
        "from django.urls import reverse, resolve, Resolver404\n"
        "print(reverse('admin:login'))\n"
        "try:\n    resolve('/admin/')\nexcept Resolver404:\n    print('no /admin/')\n"
    )
    done = run_python(code, environment(ALLOWED_HOSTS="kb.example.com", ADMIN_URL="desk-7f3a/"))

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["/desk-7f3a/login/", "no", "/admin/"]
