"""The thread page: question, answers, doctor cards, disclaimer, related threads, JSON-LD."""

import json
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from answers.models import Answer
from questions.models import Question
from tests.browse_factories import age_threads, doctor, make_answers, make_thread

pytestmark = pytest.mark.django_db


def page(client, question):
    response = client.get(question.get_absolute_url())
    assert response.status_code == 200
    return response


def json_ld(response):
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_it_shows_the_question_details_and_chips(client):
    question = make_thread(
        "Can't smile after Mesobotox",
        body="First paragraph.\n\nSecond paragraph.",
        procedures=["mesobotox"],
        areas=["cheeks"],
        age=30,
        patient_sex="female",
        patient_treatment="meso botox for open pores on cheeks",
    )

    response = page(client, question)

    assert response.context["question"] == question
    content = response.content.decode()
    assert '<h1 id="thread-title">Can&#x27;t smile after Mesobotox</h1>' in content
    assert "<p>First paragraph.</p>\n<p>Second paragraph.</p>" in content
    assert "<dt>Age</dt><dd>30</dd>" in content
    assert "<dt>Sex</dt><dd>female</dd>" in content
    assert "<dt>Treatment</dt><dd>meso botox for open pores on cheeks</dd>" in content
    assert 'href="/procedures/mesobotox/">Mesobotox</a>' in content
    assert 'href="/areas/cheeks/">Cheeks</a>' in content


def test_it_redirects_a_wrong_slug_to_the_canonical_url(client):
    question = make_thread()
    wrong = reverse("questions:detail", args=[question.pk, "some-old-slug"])

    response = client.get(wrong)

    assert response.status_code == 301
    assert response["Location"] == question.get_absolute_url()
    canonical = f'<link rel="canonical" href="http://testserver{question.get_absolute_url()}">'
    assert canonical in page(client, question).content.decode()


def test_it_hides_unpublished_threads_behind_a_404(client):
    question = make_thread(is_published=False)
    assert client.get(question.get_absolute_url()).status_code == 404
    wrong_slug = reverse("questions:detail", args=[question.pk, "x"])
    assert client.get(wrong_slug).status_code == 404


def test_it_shows_answers_in_display_order_without_hidden_ones(client):
    question = make_thread(
        answers=[
            {"headline": "First on the page", "body": "One."},
            {"headline": "Hidden by staff", "body": "Two.", "status": Answer.Status.HIDDEN},
            {"headline": "Third on the page", "body": "Three."},
            {"headline": "Featured by staff", "body": "Four.", "is_featured": True},
            {"headline": "Moved up by staff", "body": "Five.", "sort_order": -1},
        ]
    )

    response = page(client, question)

    headlines = [a.headline for a in response.context["answers"]]
    assert headlines == [
        "Featured by staff",
        "Moved up by staff",
        "First on the page",
        "Third on the page",
    ]
    content = response.content.decode()
    assert "Hidden by staff" not in content
    assert "4 doctor answers" in content
    assert "Featured answer" in content


def test_it_says_when_the_source_page_declared_more_than_it_held(client):
    partial = make_thread(answers=make_answers(3), declared_answer_count=7)
    whole = make_thread(answers=make_answers(2), declared_answer_count=2)

    partial_content = page(client, partial).content.decode()
    assert "3 doctor answers" in partial_content
    assert "The source page said it had 7 answers; the copy we hold includes 3." in (
        partial_content
    )
    whole_content = page(client, whole).content.decode()
    assert "2 doctor answers" in whole_content
    assert "source page said" not in whole_content


def test_it_renders_answer_bodies_as_paragraphs_and_lists(client):
    body = (
        "Dear ABCox,\nThanks for asking.\n\n"
        "  • Rest\n  • Ice\n\n"
        "1) Wait\n2) Review\n\n"
        "1. Again\n2. Done\n"
        "- dash item\n\n"
        "Best, Dr. Emer."
    )
    question = make_thread(answers=[{"body": body}])

    content = page(client, question).content.decode()

    assert "<p>Dear ABCox,</p>\n<p>Thanks for asking.</p>" in content
    assert "<ul>\n<li>Rest</li>\n<li>Ice</li>\n</ul>" in content
    assert "<ol>\n<li>Wait</li>\n<li>Review</li>\n</ol>" in content
    assert "<ol>\n<li>Again</li>\n<li>Done</li>\n</ol>\n<ul>\n<li>dash item</li>\n</ul>" in content
    assert "<p>Best, Dr. Emer.</p>" in content


def test_it_shows_a_doctor_card_with_rating_and_source_note(client):
    surgeon = doctor(
        "Steven F. Weiner",
        credentials="MD, FACS",
        specialty="Facial Plastic Surgeon",
        place="Panama City",
        rating=Decimal("4.9"),
        review_count=2000,
    )
    # The card shows what the answer's own page showed, not the doctor's newest facts.
    shown = {
        "byline_specialty": "Facial Plastic Surgeon",
        "byline_place": "Panama City",
        "byline_rating": Decimal("4.5"),
        "byline_review_count": 1503,
        "captured_at": datetime(2026, 3, 12, tzinfo=UTC),
    }
    question = make_thread(answers=[{"body": "Yes.", "doctor": surgeon, **shown}])

    response = page(client, question)

    html = response.content.decode()
    assert f'<a href="{surgeon.get_absolute_url()}">Steven F. Weiner</a>' in html
    assert '<span class="credentials">, MD, FACS</span>' in html
    assert "Facial Plastic Surgeon · Panama City" in html
    assert '<span class="stars fill-90" aria-hidden="true">★★★★★</span>' in html
    assert "4.5 out of 5 · 1,503 reviews" in html
    assert '(as shown on the source page on <time datetime="2026-03-12">12 March 2026</time>)' in (
        html
    )


def test_it_shows_what_an_unnamed_byline_said(client):
    question = make_thread(
        answers=[
            {
                "body": "Yes.",
                "byline_specialty": "Dermatologist",
                "byline_place": "Toronto",
                "byline_rating": Decimal("5.0"),
                "byline_review_count": 1,
            },
            {"body": "No byline at all."},
        ]
    )

    html = page(client, question).content.decode()

    assert (
        '<p class="doctor-name">A dermatologist in Toronto, not named on the source page</p>'
        in html
    )
    assert "5.0 out of 5 · 1 review" in html
    assert html.count('class="doctor-card') == 1


def test_it_always_shows_a_disclaimer(client):
    own = make_thread(disclaimer="These answers are for educational purposes only.")
    none = make_thread(disclaimer=None)
    empty = make_thread(disclaimer="")

    assert "These answers are for educational purposes only." in page(client, own).content.decode()
    for question in (none, empty):
        assert page(client, question).context["disclaimer"] == settings.SITE_DISCLAIMER
        assert "Not medical advice" in page(client, question).content.decode()


def test_it_escapes_hostile_imported_text(client):
    surgeon = doctor("<script>alert('doctor')</script>", credentials="<b>MD</b>")
    question = make_thread(
        "<script>alert('title')</script>",
        body="<img src=x onerror=alert(1)>\n\n• <script>alert('list')</script>",
        answers=[
            {
                "headline": "</script><script>alert('headline')</script>",
                "body": "<iframe src=//evil></iframe>",
                "doctor": surgeon,
            }
        ],
        disclaimer="<a href=javascript:alert(1)>click</a>",
        patient_treatment="<svg onload=alert(1)>",
    )

    response = page(client, question)

    html = response.content.decode()
    for hostile in ["<script>alert", "<img src", "<iframe", "<b>MD", "<a href=javascript", "<svg"]:
        assert hostile not in html, hostile
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html
    # The JSON-LD holds the same text, unable to close its <script> element.
    data = json_ld(response)
    assert data["mainEntity"]["name"] == "<script>alert('title')</script>"
    assert "</script><script>" not in html.split("application/ld+json")[1].split("</script>")[0]


def test_it_describes_the_thread_as_a_medical_web_page_about_its_question(client):
    surgeon = doctor("Donald B. Yoo")
    question = make_thread(
        "Botox cheek droop",
        body="Is it permanent?",
        answers=[
            {"headline": "It wears off", "body": "In 3 months.", "doctor": surgeon},
            {"body": "Anonymous advice.", "byline_specialty": "Dermatologist"},
            {"body": "Hidden.", "status": Answer.Status.HIDDEN},
        ],
        declared_answer_count=5,
    )

    data = json_ld(page(client, question))

    assert data["@context"] == "https://schema.org"
    # Not a QAPage: nobody can post an answer here (questions.views._page_data).
    assert data["@type"] == "MedicalWebPage"
    entity = data["mainEntity"]
    assert entity["@type"] == "Question"
    assert entity["name"] == "Botox cheek droop"
    assert entity["text"] == "Is it permanent?"
    # What the page shows: the hidden answer and the ones the source left out are not.
    assert entity["answerCount"] == 2
    answers = entity["suggestedAnswer"]
    assert [a["text"] for a in answers] == ["It wears off\n\nIn 3 months.", "Anonymous advice."]
    assert answers[0]["author"] == {
        "@type": "Person",
        "name": "Donald B. Yoo",
        "url": f"http://testserver{surgeon.get_absolute_url()}",
    }
    assert "name" not in answers[1]["author"]
    assert answers[0]["url"].startswith(f"http://testserver{question.get_absolute_url()}#answer-")


def test_it_has_title_description_and_open_graph_tags(client):
    question = make_thread("Botox cheek droop", body="Is it permanent? " * 30)

    html = page(client, question).content.decode()

    assert "<title>Botox cheek droop · Doctor Answers Archive</title>" in html
    description = re.search(r'<meta name="description" content="([^"]*)">', html).group(1)
    assert description.startswith("Is it permanent?") and len(description) <= 155
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Botox cheek droop">' in html
    assert f'<meta property="og:url" content="http://testserver{question.get_absolute_url()}">' in (
        html
    )


def test_it_links_related_threads_sharing_tags_closest_by_text_first(client):
    question = make_thread(
        "Botox masseter smile uneven", procedures=["botox"], areas=["jaw-and-masseter"]
    )
    closest = make_thread(
        "Uneven smile after masseter Botox", procedures=["botox"], areas=["jaw-and-masseter"]
    )
    same_tags_weaker_text = make_thread(
        "Masseter dose question", procedures=["botox"], areas=["jaw-and-masseter"]
    )
    other_tags = make_thread("Botox masseter smile uneven too", procedures=["rhinoplasty"])
    unpublished = make_thread(
        "Botox masseter smile uneven draft", procedures=["botox"], is_published=False
    )
    age_threads(closest, same_tags_weaker_text, other_tags, unpublished, question)

    related = page(client, question).context["related"]

    assert related == [closest, same_tags_weaker_text]


def test_it_shows_the_five_sample_threads(client, seed_dir):
    call_command("import_threads", str(seed_dir), verbosity=0)

    for question in Question.objects.all():
        response = page(client, question)
        html = response.content.decode()
        assert "Not medical advice" in html
        assert "{{ voteCount" not in html
        assert json_ld(response)["mainEntity"]["name"] == question.title
    masseter = Question.objects.get(title__contains="masseter")
    html = page(client, masseter).content.decode()
    assert "(as shown on the source page on <time" in html


@pytest.mark.parametrize("count", [1, 20])
def test_it_runs_five_queries_whatever_the_number_of_answers(
    client, count, django_assert_num_queries
):
    surgeon = doctor()
    question = make_thread(
        procedures=["botox", "dysport"],
        areas=["cheeks", "lips", "forehead"],
        answers=make_answers(count, doctor=surgeon),
    )
    for _ in range(6):
        make_thread(procedures=["botox"], areas=["cheeks"])

    # Question, procedures, areas, answers with doctors, the facet index 2 (its change log,
    # catching up with the new threads), related threads.
    with django_assert_num_queries(7):
        page(client, question)


def test_a_long_thread_is_not_repeated_whole_in_its_structured_data(client):
    body = "Swelling after filler. " * 20_000  # 460 KB
    question = make_thread("Long story", body=body, answers=make_answers(1))

    response = page(client, question)

    data = json_ld(response)["mainEntity"]
    assert len(data["text"]) <= 5_000 and data["text"].startswith("Swelling after filler.")
    assert len(response.content) < len(body) + 50_000  # the page holds the text once
