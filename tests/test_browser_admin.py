"""The admin on a laptop, in Chromium: no sideways scrolling, every column in view, titles
on two lines at most. Screenshots go to test-artifacts/admin-*.png."""

from pathlib import Path

import pytest

from tests.browse_factories import make_thread
from tests.factories import make_doctor
from tests.test_browser import ARTIFACTS, CHROMIUM, browser, serve_collected_static, site  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]

LAPTOPS = [(1440, 900), (1280, 800)]
PASSWORD = "a long test password"
LONG_TITLE = (
    "Can't smile properly three weeks after Botox and filler in my cheeks, smile lines "
    "and crow's feet: is the uneven smile permanent, and what can I do to fix it now?"
)
LONG_ANSWER = (
    "Thank you for your question and the photos. What you describe is most likely the "
    "Botox spreading to the muscles that lift the corner of the mouth. It is temporary: "
    "as the toxin wears off over the next six to twelve weeks the smile comes back. "
) * 6


@pytest.fixture
def admin_data(site):  # noqa: F811
    """A superuser and a thread with several long answers by named doctors, made before
    the browser starts (no database work while it runs)."""
    from django.contrib.auth.models import User

    User.objects.create_superuser("admin", "admin@example.com", PASSWORD)
    doctors = [
        make_doctor(
            name=f"Alexandra Montgomery-Fitzgerald {n}",
            place="Rancho Santa Margarita, California",
            identity_key=f"alexandra montgomery fitzgerald {n}|rsm",
        )
        for n in range(3)
    ]
    thread = make_thread(
        LONG_TITLE,
        procedures=["botox"],
        areas=["cheeks"],
        answers=[
            {
                "headline": f"Answer {n}: Botox affecting the smile muscles, temporary",
                "body": LONG_ANSWER,
                "doctor": doctors[n % 3],
            }
            for n in range(1, 6)
        ],
    )
    return thread.pk


def log_in(page, base_url):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def sideways_scroll(page, label):
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return [f"{label}: page is {width}px wide in a {inner}px window"] if width > inner else []


# Each header: its text, width, right edge, and the right edge of what shows it (the
# window, or a scrolling box around it, such as the list's own, that would clip it).
HEADER_BOXES = """els => els.map(el => {
    const box = el.getBoundingClientRect();
    let shown = window.innerWidth;
    for (let box_ = el.parentElement; box_; box_ = box_.parentElement) {
        if (getComputedStyle(box_).overflowX !== "visible") {
            shown = Math.min(shown, box_.getBoundingClientRect().right);
        }
    }
    return [el.innerText.trim(), box.width, box.right, shown];
})"""


def headers_out_of_view(page, selector, label):
    """Column headers that end outside the window or their scrolling box, or have no
    width; Django's hidden header over the inline rows' titles has no text, and is left out."""
    problems = []
    for text, width, right, shown in page.locator(selector).evaluate_all(HEADER_BOXES):
        if not text:
            continue
        if width == 0:
            problems.append(f"{label}: {text!r} has no width")
        elif right > shown + 0.5:
            problems.append(f"{label}: {text!r} ends at {right:.0f}px, shown up to {shown:.0f}")
    return problems


@pytest.mark.parametrize(("width", "height"), LAPTOPS, ids=lambda v: str(v))
def test_the_admin_fits_a_laptop_screen(admin_data, browser, site, width, height):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": height})
    serve_collected_static(context, site.url)
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    problems = []
    try:
        log_in(page, site.url)

        page.goto(site.url + f"/admin/questions/question/{admin_data}/change/")
        page.screenshot(path=str(ARTIFACTS / f"admin-question-change-{width}.png"), full_page=True)
        problems += sideways_scroll(page, "question change page")
        problems += headers_out_of_view(page, "#answers-group thead th", "answers inline")

        page.goto(site.url + "/admin/questions/question/")
        page.screenshot(path=str(ARTIFACTS / f"admin-question-list-{width}.png"), full_page=True)
        problems += sideways_scroll(page, "question list")
        problems += headers_out_of_view(page, "#result_list thead th", "question list")
        # An inline link has one client rect per line it spans.
        lines = page.locator("#result_list tbody th a").evaluate_all(
            "links => links.map(a => a.getClientRects().length)"
        )
        if not lines or max(lines) > 2:
            problems.append(f"question list: titles span up to {max(lines or [0])} lines")

        for path in ("answers/answer/", "answers/doctor/", "questions/importrun/"):
            page.goto(site.url + "/admin/" + path)
            problems += sideways_scroll(page, path)
            problems += headers_out_of_view(page, "#result_list thead th", path)
        page.screenshot(path=str(ARTIFACTS / f"admin-import-runs-{width}.png"), full_page=True)
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
