"""Atom feeds and the sitemap: canonical URLs of public content only, text escaped."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from answers.models import Answer
from questions.models import Question
from questions.services import threads_changed
from tests.browse_factories import age_threads, doctor, make_thread

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def atom_entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return root, root.findall(f"{ATOM}entry")


def sitemap_locations(client, url):
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.iter(f"{SITEMAP}loc")]


def test_it_publishes_an_atom_feed_of_new_threads(client):
    older = make_thread("Older thread", procedures=["botox"])
    newer = make_thread("Newer thread", procedures=["dysport"])
    make_thread("Draft thread", is_published=False)
    age_threads(older, newer)

    root, entries = atom_entries(client, reverse("questions:feed"))

    assert (
        root.find(f"{ATOM}title").text
        == "New questions answered by doctors · Doctor Answers Archive"
    )
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Newer thread", "Older thread"]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == f"http://testserver{newer.get_absolute_url()}"
    assert entries[0].find(f"{ATOM}category").get("term") == "Dysport"


def test_it_publishes_a_feed_per_procedure(client):
    make_thread("Botox thread", procedures=["botox"])
    make_thread("Filler thread", procedures=["dermal-filler"])

    root, entries = atom_entries(client, reverse("questions:procedure_feed", args=["botox"]))

    assert root.find(f"{ATOM}title").text == "New questions about Botox"
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Botox thread"]
    assert client.get(reverse("questions:procedure_feed", args=["nope"])).status_code == 404


def test_it_publishes_a_feed_per_area(client):
    older = make_thread("Older cheek thread", areas=["cheeks"], procedures=["botox"])
    newer = make_thread("Newer cheek thread", areas=["cheeks", "lips"])
    make_thread("Lip thread", areas=["lips"])
    make_thread("Draft cheek thread", areas=["cheeks"], is_published=False)
    age_threads(older, newer)

    root, entries = atom_entries(client, reverse("questions:area_feed", args=["cheeks"]))

    assert root.find(f"{ATOM}title").text == "New questions about Cheeks"
    assert root.find(f"{ATOM}id").text == "http://testserver/areas/cheeks/"
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Newer cheek thread",
        "Older cheek thread",
    ]
    assert entries[1].find(f"{ATOM}category").get("term") == "Botox"
    assert client.get(reverse("questions:area_feed", args=["nope"])).status_code == 404


def test_an_area_page_links_its_feed(client):
    make_thread("Cheek thread", areas=["cheeks"])

    html = client.get(reverse("questions:area_detail", args=["cheeks"])).content.decode()

    assert (
        '<link rel="alternate" type="application/atom+xml" title="New questions about Cheeks"'
        ' href="/areas/cheeks/feed/">' in html
    )
    assert '<a href="/areas/cheeks/feed/">Feed of new Cheeks questions</a>' in html


def test_it_escapes_imported_html_in_feed_summaries(client):
    make_thread("Hostile", body="<script>alert(1)</script> question")

    _, entries = atom_entries(client, reverse("questions:feed"))

    summary = entries[0].find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # Once the reader decodes the XML, it still sees escaped text, not a script element.
    assert summary.text == "&lt;script&gt;alert(1)&lt;/script&gt; question (0 doctor answers.)"


@pytest.mark.parametrize("threads", [1, 8])
def test_it_runs_a_fixed_number_of_queries_for_a_feed(client, threads, django_assert_num_queries):
    for _ in range(threads):
        make_thread(procedures=["botox", "dysport"])
    # Threads, their procedures; the procedure feed first loads its procedure and asks
    # the facet index whether it has threads (2: its change log, then catching up).
    with django_assert_num_queries(2):
        client.get(reverse("questions:feed"))
    with django_assert_num_queries(5):
        client.get(reverse("questions:procedure_feed", args=["botox"]))
    for _ in range(threads):
        make_thread(areas=["cheeks"], procedures=["botox"])
    # The area, the facet index 2 (its change log, catching up), threads, procedures.
    with django_assert_num_queries(5):
        client.get(reverse("questions:area_feed", args=["cheeks"]))


def test_it_serves_a_sitemap_index_of_its_sections(client):
    make_thread(procedures=["botox"], answers=[{"body": "Yes.", "doctor": doctor()}])

    locations = sitemap_locations(client, "/sitemap.xml")

    assert sorted(locations) == sorted(
        f"http://testserver/sitemap-{section}.xml"
        for section in ["pages", "questions", "procedures", "areas", "doctors"]
    )


def test_it_lists_only_canonical_urls_of_public_content(client):
    named = doctor("Public Doctor")
    hidden_only = doctor("Hidden Doctor")
    draft_only = doctor("Draft Doctor")
    public = make_thread(
        procedures=["botox"],
        areas=["cheeks"],
        answers=[
            {"body": "Yes.", "doctor": named},
            {"body": "No.", "doctor": hidden_only, "status": Answer.Status.HIDDEN},
        ],
    )
    draft = make_thread(
        procedures=["rhinoplasty"],
        areas=["nose"],
        answers=[{"body": "Draft.", "doctor": draft_only}],
        is_published=False,
    )

    questions = sitemap_locations(client, "/sitemap-questions.xml")
    procedures = sitemap_locations(client, "/sitemap-procedures.xml")
    areas = sitemap_locations(client, "/sitemap-areas.xml")
    doctors = sitemap_locations(client, "/sitemap-doctors.xml")
    pages = sitemap_locations(client, "/sitemap-pages.xml")

    assert questions == [f"http://testserver{public.get_absolute_url()}"]
    assert draft.get_absolute_url() not in "".join(questions)
    assert procedures == ["http://testserver/procedures/botox/"]
    assert areas == ["http://testserver/areas/cheeks/"]
    assert doctors == [f"http://testserver{named.get_absolute_url()}"]
    assert pages == [
        "http://testserver/",
        "http://testserver/procedures/",
        "http://testserver/areas/",
    ]


def test_it_gives_each_thread_its_last_change_date(client):
    question = make_thread()

    response = client.get("/sitemap-questions.xml")

    root = ET.fromstring(response.content)
    lastmod = root.find(f"{SITEMAP}url/{SITEMAP}lastmod").text
    assert lastmod == question.updated_at.date().isoformat()


def test_it_keeps_sitemap_queries_constant(client, django_assert_num_queries):
    for _ in range(30):
        make_thread()
    # The facet index (its change log, catching up) counts; then one range of rows.
    with django_assert_num_queries(3):
        client.get("/sitemap-questions.xml")


def test_it_splits_threads_into_sections_by_id_leaving_out_unpublished(client, monkeypatch):
    from questions.sitemaps import QuestionSitemap

    monkeypatch.setattr(QuestionSitemap, "limit", 2)
    threads = [make_thread(f"Thread {n}") for n in range(5)]
    Question.objects.filter(pk=threads[1].pk).update(is_published=False)
    threads_changed(question_ids=[threads[1].pk])

    def locs(url):
        root = ET.fromstring(client.get(url).content)
        return [loc.text for loc in root.iter(f"{SITEMAP}loc")]

    sections = [locs(f"/sitemap-questions.xml?p={p}") for p in (1, 2)]
    expected = [t.get_absolute_url() for t in threads if t != threads[1]]
    assert [[u.split("testserver")[1] for u in s] for s in sections] == [
        expected[:2],
        expected[2:],
    ]
    assert client.get("/sitemap-questions.xml?p=3").status_code == 404
    assert len(locs("/sitemap.xml")) == 2 + 4  # two question sections, four others
