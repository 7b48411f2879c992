"""The site in a real browser: search, filter, paginate, read a thread, on desktop and phone.

Drives Debian's Chromium (`apt-get install chromium`; `make test` installs it) through
Playwright, against pytest-django's live server. Screenshots go to test-artifacts/ and every
page visited is checked with axe-core for serious or critical accessibility violations.
"""

import importlib
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.browse_factories import age_threads, make_answers, make_thread

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}

pytestmark = [
    pytest.mark.browser,
    # The live server reads from another thread, so the data must be committed. With
    # serialized_rollback the flush at the end keeps the content types' ids, which the
    # next test that restores the serialized database relies on.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def site(live_server, seed_dir):
    """The five sample threads plus enough Botox threads for two pages of results."""
    # A transactional test before this one may have flushed the seeded vocabularies.
    seed = importlib.import_module("questions.migrations.0002_seed_vocabularies").seed
    from django.apps import apps

    seed(apps, None)
    call_command("import_threads", str(seed_dir), verbosity=0)
    extra = [
        make_thread(
            f"Botox for frown lines, question {n}",
            body="How many units of Botox do frown lines need, and how long does it last?",
            procedures=["botox"],
            areas=["frown-lines"],
            answers=make_answers(2),
        )
        for n in range(1, 26)
    ]
    age_threads(*extra, start_days_ago=30)
    return live_server


@pytest.fixture
def browser(site):
    """Chromium, started after the test data is in and stopped before the database resets.

    Playwright's sync API runs an event loop in this thread while it is started, and
    Django then sees another (context-local) database connection: one without the test
    database's serialized state, whose flush would recreate the content types under new
    ids. So no database work may happen while the browser runs.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def serve_collected_static(context, base_url):
    """Answer /static/ requests by the storage's names, as whitenoise does in production.

    The test settings use plain names found in static/; the live server's own handler
    would do too, but routing them here keeps one path for both storages.
    """
    from django.contrib.staticfiles import finders

    def handle(route):
        name = urlsplit(route.request.url).path.removeprefix("/" + settings.STATIC_URL.strip("/"))
        found = finders.find(name.lstrip("/"))
        path = Path(found) if found else None
        if path is None or not path.is_file():
            route.fulfill(status=404, body="not collected")
            return
        route.fulfill(
            status=200,
            body=path.read_bytes(),
            content_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
        )

    context.route(f"{base_url}/{settings.STATIC_URL.strip('/')}/**", handle)


def check_accessibility(page, label):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{label}: {serious}"


def shoot(page, name):
    """The whole page, and the first screen as a visitor sees it on arrival."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-first-screen.png"))


def assert_fits_the_viewport(page, width):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"page is {scroll_width}px wide in a {width}px viewport"


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_it_lets_a_visitor_search_filter_paginate_and_read_a_thread(browser, site, device):
    viewport = VIEWPORTS[device]
    context = browser.new_context(viewport=viewport)
    serve_collected_static(context, site.url)
    page = context.new_page()
    try:
        # The list, styled by the hashed stylesheet.
        page.goto(site.url + "/")
        assert page.locator("h1").inner_text() == "Patients' questions, answered by doctors"
        assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none"
        assert_fits_the_viewport(page, viewport["width"])
        shoot(page, f"{device}-list")
        check_accessibility(page, "list")

        # The skip link is the first thing a keyboard reaches, and it is visible then.
        page.keyboard.press("Tab")
        skip = page.locator(".skip-link")
        assert skip.evaluate("el => el === document.activeElement")
        assert skip.bounding_box()["x"] >= 0

        # Paginate.
        page.locator(".pagination").get_by_role("link", name="Next page").click()
        page.wait_for_url("**/?page=2")
        current = page.locator('.pagination a[aria-current="page"]')
        assert current.inner_text().strip().endswith("2")

        # Search, then filter the results by a procedure facet.
        page.goto(site.url + "/")
        page.get_by_label("Search questions and answers").fill("masseter smile")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url("**/?q=masseter+smile**")
        first_title = page.locator(".thread-title").first
        assert "masseter" in first_title.inner_text().lower()
        assert page.locator(".thread-list mark").count() > 0
        shoot(page, f"{device}-search")
        check_accessibility(page, "search")

        if device == "phone":  # the filters wait in a collapsed panel above the results
            page.locator(".filter-panel > summary").click()
        page.locator(".facets").get_by_role("link", name="Cheeks").click()
        page.wait_for_url("**area=cheeks**")
        assert (
            # text_content: on a phone the panel is closed again on the new page.
            page.locator('.facets a[aria-current="true"]').first.text_content().startswith("Cheeks")
        )
        assert page.locator(".active-filters").is_visible()
        check_accessibility(page, "filtered search")

        # Open a thread and read the disclaimer.
        page.locator(".thread-title a").first.click()
        page.wait_for_url("**/questions/**")
        shoot(page, f"{device}-thread")
        disclaimer = page.locator(".disclaimer")
        disclaimer.scroll_into_view_if_needed()
        assert disclaimer.is_visible()
        assert "Not medical advice" in disclaimer.inner_text()
        assert "educational purposes" in disclaimer.inner_text()
        assert page.locator(".answer").count() >= 1
        assert_fits_the_viewport(page, viewport["width"])
        page.locator(".doctor-card").first.scroll_into_view_if_needed()
        shoot(page, f"{device}-thread-answers")
        check_accessibility(page, "thread")

        # A doctor's page, from the card.
        page.locator(".doctor-card .doctor-name a").first.click()
        page.wait_for_url("**/doctors/**")
        assert page.locator(".thread-list li").count() >= 1
        check_accessibility(page, "doctor")

        # Procedures index and a 404.
        page.goto(site.url + "/procedures/")
        check_accessibility(page, "procedures")
        response = page.goto(site.url + "/no-such-page/")
        assert response.status == 404
        shoot(page, f"{device}-404")
        check_accessibility(page, "404")
    finally:
        context.close()


PHONE = {"width": 390, "height": 844}


def test_a_phone_reaches_the_filters_above_the_results(browser, site):
    """The procedure and area filters sit in a collapsed panel above the first result,
    and open without JavaScript."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    serve_collected_static(context, site.url)
    page = context.new_page()
    try:
        page.goto(site.url + "/")
        summary = page.locator(".filter-panel > summary")
        first_result = page.locator(".thread-row").first
        assert summary.is_visible()
        assert summary.bounding_box()["y"] < first_result.bounding_box()["y"]
        assert summary.bounding_box()["y"] + summary.bounding_box()["height"] < PHONE["height"]
        procedure = page.locator('.facets a[href="/?procedure=botox"]')
        area = page.locator('.facets a[href="/?area=frown-lines"]')
        assert not procedure.is_visible()

        summary.click()
        assert procedure.is_visible()
        assert area.is_visible()
        assert area.bounding_box()["y"] < first_result.bounding_box()["y"]
        assert_fits_the_viewport(page, PHONE["width"])
        shoot(page, "phone-filters-open")

        area.click()
        page.wait_for_url("**area=frown-lines**")
        assert page.locator(".active-filters").is_visible()
    finally:
        context.close()


def test_a_wide_screen_shows_the_filters_beside_the_results_without_a_click(browser, site):
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    serve_collected_static(context, site.url)
    page = context.new_page()
    try:
        page.goto(site.url + "/")
        procedure = page.locator('.facets a[href="/?procedure=botox"]')
        first_result = page.locator(".thread-row").first
        assert procedure.is_visible()
        assert not page.locator(".filter-panel > summary").is_visible()
        assert procedure.bounding_box()["x"] > first_result.bounding_box()["x"] + 400
        check_accessibility(page, "list with filter panel")
    finally:
        context.close()


def test_it_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORTS["phone"])
    serve_collected_static(context, site.url)
    page = context.new_page()
    try:
        page.goto(site.url + "/")
        page.locator(".sort").get_by_role("link", name="Most answered").click()
        page.wait_for_url("**sort=answered**")
        # The chosen sort survives a new search from the form.
        page.get_by_label("Search questions and answers").fill("frown lines")
        page.get_by_label("Only threads with named doctors").uncheck()
        page.get_by_role("button", name="Search").click()
        page.wait_for_url("**q=frown+lines**")
        assert "sort=answered" in page.url
        assert page.locator(".thread-row").count() == 20
        assert page.locator('.sort a[aria-current="true"]').inner_text() == "Most answered"
    finally:
        context.close()


def page_recording_csp_violations(browser, site):
    """(context, page, violations): a desktop page whose console reports of a Content
    Security Policy violation land in `violations`, as (url, message)."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    serve_collected_static(context, site.url)
    page = context.new_page()
    violations = []

    def record(message):
        if "Content Security Policy" in message.text:
            violations.append((page.url, message.text))

    page.on("console", record)
    return context, page, violations


def test_the_content_security_policy_blocks_nothing_the_site_uses(browser, site):
    """Chromium enforces the policy: no page of ours, the admin's login included, trips it.

    The thread page's JSON-LD block is data (`application/ld+json`), which browsers never
    execute: script-src does not block it, and it must stay readable to crawlers.
    """
    context, page, violations = page_recording_csp_violations(browser, site)
    try:
        page.goto(site.url + "/?q=mesobotox")  # a sample thread with rated doctors
        page.locator(".thread-title a").first.click()
        page.wait_for_url("**/questions/**")
        response = page.goto(page.url)
        assert "default-src 'none'" in response.headers["content-security-policy"]
        ld = page.locator('script[type="application/ld+json"]').inner_text()
        assert '"@type": "MedicalWebPage"' in ld or '"@type":"MedicalWebPage"' in ld
        stars = page.locator(".stars").first
        assert stars.evaluate("el => getComputedStyle(el).getPropertyValue('--fill')").strip()
        for url in ["/procedures/", "/areas/", "/no-such-page/", "/admin/login/"]:
            page.goto(site.url + url)
        assert page.locator("#id_username").is_visible()
    finally:
        context.close()
    assert violations == []


@pytest.fixture
def staff_login(site):
    """A superuser, made before the browser starts (no database work while it runs)."""
    from django.contrib.auth.models import User

    from questions.models import Question

    User.objects.create_superuser("admin", "admin@example.com", "a long test password")
    return Question.objects.order_by("pk").values_list("pk", flat=True).first()


def test_the_admin_works_under_the_content_security_policy(staff_login, browser, site):
    context, page, violations = page_recording_csp_violations(browser, site)
    try:
        page.goto(site.url + "/admin/login/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", "a long test password")
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/")
        page.goto(site.url + f"/admin/questions/question/{staff_login}/change/")
        # The tag pickers are built by the admin's own scripts: they ran.
        assert page.locator(".selector-chooseall").first.is_visible()
        for path in ["questions/question/", "questions/importrun/", "answers/doctor/"]:
            page.goto(site.url + "/admin/" + path)
            assert page.locator("#changelist").is_visible()
    finally:
        context.close()
    assert violations == []
