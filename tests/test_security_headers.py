"""Security headers: a strict Content-Security-Policy, HSTS and friends from the
environment, and the Observatory's rules giving the production site an A+.

The production settings are read the way production reads them: a fresh process with
the environment the README documents (see PRODUCTION_ENV), not values set by hand here.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.observatory import parse_csp, score
from tests.public_site import make_site

ROOT = Path(__file__).resolve().parent.parent
HOST = "kb.example.com"
# What the README's "Production" section sets; this test checks that it does.
PRODUCTION_ENV = {
    "ALLOWED_HOSTS": HOST,
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_PRELOAD": "1",
}
SETTINGS_READ = [
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REFERRER_POLICY",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "X_FRAME_OPTIONS",
]
PRINT_SETTINGS = f"""
import json, django
from django.conf import settings
django.setup()
print(json.dumps({{name: getattr(settings, name, None) for name in {SETTINGS_READ!r}}}))
"""


def environment(**extra) -> dict:
    """The machine's environment without development values, plus `extra`."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "SECURE_COOKIES"}
        and not k.startswith("SECURE_")
    }
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "kbsite.settings",
        # A key as production must have one; a database that is never reached.
        "SECRET_KEY": "q7!vZ2#kP9@wL4$xN8%cR3^tY6&bM1*hJ5(gF0)dS" + "-production-like",
        "DATABASE_URL": "postgres://kbsite@127.0.0.1:1/kbsite",
        **extra,
    }


def run_python(code: str, env: dict, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *(["-c", code] if code else []), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_from(env: dict) -> dict:
    done = run_python(PRINT_SETTINGS, env)
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout)
    if values["SECURE_PROXY_SSL_HEADER"]:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture(scope="module")
def production_settings() -> dict:
    return settings_from(environment(**PRODUCTION_ENV))


def test_the_readme_documents_the_production_environment():
    readme = (ROOT / "README.md").read_text()
    production = readme[readme.index("## Production") :]
    for name, value in PRODUCTION_ENV.items():
        if name != "ALLOWED_HOSTS":
            assert f"{name}={value}" in production, name


def test_the_deployment_checks_pass_with_the_production_environment():
    done = run_python(
        "",
        environment(**PRODUCTION_ENV),
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert done.returncode == 0, done.stderr + done.stdout


def test_cookies_are_secure_unless_debug_is_on():
    assert settings_from(environment())["SESSION_COOKIE_SECURE"] is True
    assert settings_from(environment())["CSRF_COOKIE_SECURE"] is True
    assert settings_from(environment(DEBUG="1"))["SESSION_COOKIE_SECURE"] is False
    assert settings_from(environment(SECURE_COOKIES="0"))["SESSION_COOKIE_SECURE"] is False


def test_hsts_and_the_proxy_header_come_from_the_environment(production_settings):
    assert production_settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert production_settings["SECURE_HSTS_SECONDS"] == 31_536_000
    assert production_settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production_settings["SECURE_HSTS_PRELOAD"] is True
    assert settings_from(environment())["SECURE_HSTS_SECONDS"] == 0


def production_client(production_settings) -> tuple[Client, dict]:
    overrides = {k: v for k, v in production_settings.items() if k != "DEBUG"}
    return Client(HTTP_HOST=HOST), overrides


@pytest.mark.django_db
def test_behind_a_tls_proxy_pages_are_served_and_plain_http_is_redirected_once(
    production_settings,
):
    client, overrides = production_client(production_settings)
    with override_settings(**overrides):
        url = make_site()[0]
        secure = client.get(url, HTTP_X_FORWARDED_PROTO="https")
        plain = client.get(url)
        probe = client.get(reverse("healthz"))

    assert secure.status_code == 200  # not redirected again and again
    assert (plain.status_code, plain["Location"]) == (301, f"https://{HOST}{url}")
    # A load balancer probes over plain HTTP inside the network.
    assert probe.status_code == 200


@pytest.mark.django_db
def test_every_page_sends_a_strict_content_security_policy(client):
    for url in [*make_site(), "/no/such/page/", reverse("admin:login")]:
        csp = parse_csp(client.get(url)["Content-Security-Policy"])

        assert csp["default-src"] == ["'none'"], url
        for directive in ("script-src", "style-src"):
            assert csp[directive] == ["'self'"], (url, directive)
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["base-uri"] == ["'none'"] and csp["form-action"] == ["'self'"]
        assert csp["object-src"] == ["'none'"]


@pytest.mark.django_db
def test_every_page_sends_permissions_and_referrer_policies(client):
    for url in make_site():
        response = client.get(url)
        assert "camera=()" in response["Permissions-Policy"], url
        assert "geolocation=()" in response["Permissions-Policy"], url
        assert response["Referrer-Policy"] == "same-origin", url


INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def assert_no_inline_code(html: str, where: str):
    assert not INLINE_STYLE.search(html), where
    for attributes in SCRIPT_TAG.findall(html):
        # JSON-LD is data: browsers never run it, and CSP's script-src does not apply.
        assert 'src="' in attributes or 'type="application/ld+json"' in attributes, where
    assert not re.search(r"\son[a-z]+\s*=", html), where


@pytest.mark.django_db
def test_no_public_page_holds_inline_style_or_script(client):
    for url in make_site():
        assert_no_inline_code(client.get(url).content.decode(), url)


def test_the_error_pages_hold_no_inline_style_or_script():
    from django.template import loader

    for name in ("404.html", "500.html", "503.html"):
        assert_no_inline_code(loader.render_to_string(name), name)


@pytest.mark.django_db
def test_the_production_site_scores_a_plus_on_the_observatory_rules(production_settings):
    client, overrides = production_client(production_settings)
    with override_settings(**overrides):
        urls = [*make_site()[:-2], reverse("admin:login")]  # the probes are not pages
        for url in urls:
            secure = client.get(url, HTTP_X_FORWARDED_PROTO="https")
            plain = client.get(url)
            redirected = plain.status_code == 301 and plain["Location"] == f"https://{HOST}{url}"
            total, grade, points = score(secure, redirects_to_https=redirected, host=HOST)

            assert grade == "A+", (url, total, points)


def test_the_scorer_gives_a_site_without_csp_and_hsts_a_c():
    from django.http import HttpResponse

    response = HttpResponse("<html></html>")
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "DENY"
    response["Referrer-Policy"] = "same-origin"

    assert score(response, redirects_to_https=True, host=HOST)[:2] == (55, "C")
