"""A small published site and every public URL on it: what the method, header and hostile
parameter tests walk."""

from decimal import Decimal

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.browse_factories import make_thread
from tests.factories import make_doctor


def make_site() -> list[str]:
    """One thread with a named doctor, a procedure and an area; its public URLs."""
    doctor = make_doctor(rating=Decimal("4.5"), review_count=12)
    thread = make_thread(
        procedures=["botox"],
        areas=["cheeks"],
        answers=[{"body": "It wears off in three months.", "doctor": doctor}],
    )
    return [
        reverse("questions:list"),
        thread.get_absolute_url(),
        reverse("questions:procedure_list"),
        reverse("questions:procedure_detail", args=["botox"]),
        reverse("questions:procedure_feed", args=["botox"]),
        reverse("questions:area_list"),
        reverse("questions:area_detail", args=["cheeks"]),
        reverse("questions:area_feed", args=["cheeks"]),
        reverse("questions:feed"),
        doctor.get_absolute_url(),
        reverse("sitemap"),
        reverse("sitemap_section", args=["questions"]),
        reverse("robots_txt"),
        reverse("healthz"),
        reverse("readyz"),
    ]


def public_patterns():
    """Every URL pattern outside the admin, with its full route."""

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if getattr(pattern, "app_name", None) != "admin":
                    yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route, pattern

    return list(walk(get_resolver().url_patterns, ""))
