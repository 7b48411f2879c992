"""Hostile content through the real import, then every page that shows it.

1. Two hundred JSON lines, each a good thread with one value replaced by a hostile one
   (seeded, so the same every run): the run finishes, each line is stored or refused
   alone, and every page of what was stored answers 200.
2. A scraped file and a JSON line whose every text holds markup, script-closing tags,
   event handlers, `javascript:` links, template syntax, entities and bidi controls:
   inert on every page that shows it, in the feed, the sitemap and the admin.
"""

import contextlib
import json
import random
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from answers.models import Doctor
from questions.models import (
    ImportRun,
    Procedure,
    Question,
    TaggedArea,
    TaggedProcedure,
    TreatmentArea,
)
from tests.test_fuzz_parsers import THREAD_PATHS
from tests.test_import_jsonl_validation import good_thread

pytestmark = pytest.mark.django_db

LINES = 200
HOSTILE_JSON = [
    None,
    True,
    False,
    0,
    -1,
    2**31,
    2**63,
    10**400,
    1.5,
    float("nan"),
    float("inf"),
    "",
    " ",
    "NaN",
    "Infinity",
    "false",
    "cheeks",
    "Botox Cosmetic!",
    "x" * 1000,
    "\ud800",
    "\u202eevil",
    "a\u0000b",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    [],
    [None],
    ["Botox Cosmetic!"],
    ["botox", "botox"],
    ["UPPER"],
    ["a" * 200],
    {},
    {"name": 1},
    [[[]]],
]


def hostile_lines(seed=20261203) -> list[str]:
    chooser = random.Random(seed)
    lines = []
    for n in range(LINES):
        thread = good_thread(f"h{n:03d}")
        path = chooser.choice(THREAD_PATHS)
        target = thread
        try:
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = chooser.choice(HOSTILE_JSON)
        except (KeyError, IndexError, TypeError):
            pass
        lines.append(json.dumps(thread, allow_nan=True).replace('"\\ud800"', '"\\ud800"'))
    return lines


def import_file(path):
    err = StringIO()
    with contextlib.suppress(CommandError):
        call_command("import_threads", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue()


def every_page() -> list[str]:
    """Every public page: tags and doctors with a published thread (others are 404s)."""
    published = {"content_object__is_published": True}
    procedures = Procedure.objects.filter(
        tagged_items__in=TaggedProcedure.objects.filter(**published)
    ).distinct()
    areas = TreatmentArea.objects.filter(
        tagged_items__in=TaggedArea.objects.filter(**published)
    ).distinct()
    public_doctors = Doctor.objects.filter(
        answers__status="published", answers__question__is_published=True
    ).distinct()
    return [
        reverse("questions:list"),
        reverse("questions:list") + "?q=botox",
        reverse("questions:procedure_list"),
        reverse("questions:area_list"),
        reverse("questions:feed"),
        reverse("sitemap"),
        *(reverse("sitemap_section", args=[s]) for s in ["questions", "procedures", "areas"]),
        reverse("sitemap_section", args=["doctors"]),
        *(q.get_absolute_url() for q in Question.objects.filter(is_published=True)),
        *(d.get_absolute_url() for d in public_doctors),
        *(t.get_absolute_url() for t in procedures),
        *(t.get_absolute_url() for t in areas),
        *(reverse("questions:procedure_feed", args=[t.slug]) for t in procedures),
        *(reverse("questions:area_feed", args=[t.slug]) for t in areas),
    ]


def test_two_hundred_hostile_lines_each_stored_or_refused_alone_and_every_page_answers(
    client, tmp_path
):
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(hostile_lines()) + "\n", encoding="utf-8", errors="surrogatepass")

    errors = import_file(path)

    run = ImportRun.objects.get()
    assert run.finished_at is not None
    assert run.created + run.failed == LINES and run.failed == errors.count(f"{path}:")
    assert run.created > LINES // 10 and run.failed > LINES // 10
    for url in every_page():
        assert client.get(url).status_code == 200, url


SCRIPT = "<script>alert('xss')</script>"
CLOSE = "</script><script>alert('ld')</script>"
IMG = '<img src=x onerror="alert(1)">'
LINK = '<a href="javascript:alert(1)">click</a>'
TEMPLATE = "{{ request.META }} {% debug %}"
ENTITY = "&lt;b&gt; &#60;script&#62;"
BIDI = "\u202etxt.exe"
HOSTILE_TEXT = " ".join([SCRIPT, CLOSE, IMG, LINK, TEMPLATE, ENTITY, BIDI])


class LiveMarkup(HTMLParser):
    """What a browser would act on in a page: scripts that run, event handlers,
    `javascript:` links; and text holding a bidi override."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        runs = not attributes.get("src") and attributes.get("type") != "application/ld+json"
        if tag == "script" and runs:
            self.found.append("inline script")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            link = (value or "").strip().lower()
            if name in ("href", "src", "action") and link.startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:>")

    def handle_data(self, data):
        if "\u202e" in data:
            self.found.append("bidi override")


def live_markup(html: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


def feed_summaries(xml: bytes) -> list[str]:
    """The HTML a feed reader renders: each entry's summary, unescaped once by XML."""
    ns = "{http://www.w3.org/2005/Atom}"
    return [s.text or "" for s in ET.fromstring(xml).iter(f"{ns}summary")]


def hostile_scraped(seed_dir, folder):
    shutil.copytree(seed_dir, folder)
    sample = folder / "000_bd6cf83177b9ec6f.txt"
    text = sample.read_text()
    title, rest = text.split("\n", 1)
    text = f"{title} {HOSTILE_TEXT}\n{rest}".replace(
        "I often say", f"{HOSTILE_TEXT} I often say", 1
    ).replace("Steven F. Weiner", f"Steven {TEMPLATE} Weiner", 1)
    sample.write_text(text)


def test_hostile_text_in_every_field_is_inert_on_every_page(
    client, admin_client, seed_dir, tmp_path
):
    hostile_scraped(seed_dir, tmp_path / "threads")
    import_file(tmp_path / "threads")
    thread = good_thread("hostile", title=f"Title {HOSTILE_TEXT}", body=HOSTILE_TEXT)
    thread["details"] = {"age": 30, "sex": SCRIPT[:40], "treatment": HOSTILE_TEXT}
    thread["disclaimer"] = HOSTILE_TEXT
    thread["answers"][0].update(headline=HOSTILE_TEXT[:500], body=HOSTILE_TEXT)
    thread["answers"][0]["doctor"].update(
        name=f"Dr {IMG}"[:200], place=LINK, specialty=CLOSE, credentials=TEMPLATE[:100]
    )
    (tmp_path / "hostile.jsonl").write_text(json.dumps(thread) + "\n")
    assert import_file(tmp_path / "hostile.jsonl") == ""

    question = Question.objects.get(source_key="hostile")
    assert SCRIPT in question.body  # stored as text, shown as text
    admin_pages = [
        reverse("admin:questions_question_changelist"),
        reverse("admin:questions_question_change", args=[question.pk]),
        reverse("admin:answers_answer_changelist"),
        reverse("admin:answers_doctor_changelist"),
        reverse("admin:questions_importrecord_changelist"),
    ]
    pages = [(url, client) for url in every_page()]
    pages += [(url, admin_client) for url in admin_pages]
    for url, page_client in pages:
        response = page_client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        if response["Content-Type"].startswith("application/atom+xml"):
            assert all(live_markup(s) == [] for s in feed_summaries(response.content)), url
        elif response["Content-Type"].startswith("text/html"):
            assert live_markup(body) == [], (url, live_markup(body))
        # Template syntax is shown as typed, never evaluated.
        assert "request.META" not in body or "{{ request.META }}" in body, url
    detail = client.get(question.get_absolute_url()).content.decode()
    # The JSON-LD block cannot be closed by the text it carries.
    ld = detail.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "alert('ld')" in ld and "<" not in ld
