"""The thread list at `/`: pagination, filters, facets, search, highlights and escaping."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from answers.models import Answer
from questions import listing
from questions.models import Question
from questions.services import question_refresh_derived
from tests.browse_factories import age_threads, doctor, make_answers, make_thread
from tests.factories import make_question

pytestmark = pytest.mark.django_db

LIST = reverse("questions:list")


def titles(response):
    return [q.title for q in response.context["questions"]]


def test_it_lists_published_threads_newest_first_with_their_row_details(client):
    surgeon = doctor("Donald B. Yoo")
    older = make_thread("Older question", procedures=["botox"], areas=["cheeks"])
    newer = make_thread(
        "Newer question",
        body="My forehead feels heavy since the injections last month.",
        procedures=["dysport"],
        areas=["forehead"],
        answers=make_answers(2, doctor=surgeon),
    )
    age_threads(older, newer)

    response = client.get(LIST)

    assert response.status_code == 200
    assert titles(response) == ["Newer question", "Older question"]
    content = response.content.decode()
    assert "My forehead feels heavy since the injections last month." in content
    assert "2 doctor answers" in content
    assert "Answered by Donald B. Yoo" in content
    assert '<a class="chip chip-procedure" href="/procedures/dysport/">Dysport</a>' in content
    assert '<a class="chip chip-area" href="/areas/forehead/">Forehead</a>' in content


def test_it_paginates_twenty_per_page_and_keeps_the_filters(client):
    threads = [make_thread(f"Botox thread {n:02d}", procedures=["botox"]) for n in range(43)]
    make_thread("Filler thread", procedures=["dermal-filler"])
    age_threads(*threads)

    first = client.get(LIST, {"procedure": "botox"})
    last = client.get(LIST, {"procedure": "botox", "page": 2})

    assert len(first.context["questions"]) == 20
    # 43 rows: the last page takes the three orphans, so two pages of 20 and 23.
    assert first.context["page_obj"].paginator.num_pages == 2
    assert len(last.context["questions"]) == 23
    assert titles(first)[0] == "Botox thread 42"
    assert "Filler thread" not in titles(first) + titles(last)
    content = first.content.decode()
    assert 'href="/?procedure=botox&amp;page=2"' in content
    assert 'rel="next"' in content
    assert re.search(r'href="/\?procedure=botox"[^>]*aria-current="page"', content)
    assert 'rel="prev" href="/?procedure=botox"' in last.content.decode()


@pytest.mark.parametrize("page", ["3", "0", "abc", "-1"])
def test_it_answers_404_for_a_page_that_does_not_exist(client, page):
    make_thread()
    assert client.get(LIST, {"page": page}).status_code == 404


def test_it_filters_by_procedure(client):
    make_thread("About Botox", procedures=["botox"])
    make_thread("About filler", procedures=["dermal-filler"])

    response = client.get(LIST, {"procedure": "botox"})

    assert titles(response) == ["About Botox"]
    assert response.context["active_procedure"].slug == "botox"


def test_it_filters_by_several_areas_at_once(client):
    make_thread("Cheeks and lips", areas=["cheeks", "lips"])
    make_thread("Cheeks only", areas=["cheeks"])
    make_thread("Lips only", areas=["lips"])

    response = client.get(LIST + "?area=cheeks&area=lips")

    assert titles(response) == ["Cheeks and lips"]
    content = response.content.decode()
    # Each active area can be removed on its own, keeping the other.
    assert 'href="/?area=lips" aria-current="true"' in content
    assert 'href="/?area=cheeks" aria-current="true"' in content


def test_it_filters_by_doctor_specialty_including_unnamed_bylines(client):
    derm = doctor("Kaleroy Papantoniou", specialty="Dermatologist")
    make_thread("Named dermatologist", answers=[{"body": "Yes.", "doctor": derm}])
    make_thread(
        "Byline dermatologist", answers=[{"body": "Yes.", "byline_specialty": "Dermatologist"}]
    )
    surgeon = doctor(specialty="Plastic Surgeon")
    make_thread("Surgeon only", answers=make_answers(1, doctor=surgeon))
    make_thread(
        "Hidden dermatologist",
        answers=[{"body": "No.", "doctor": derm, "status": Answer.Status.HIDDEN}],
    )

    response = client.get(LIST, {"specialty": "Dermatologist"})

    assert sorted(titles(response)) == ["Byline dermatologist", "Named dermatologist"]


def test_it_filters_threads_with_named_doctors(client):
    make_thread("Named", answers=make_answers(1, doctor=doctor()))
    make_thread("Anonymous", answers=make_answers(2))
    make_thread(
        "Named but hidden",
        answers=make_answers(1, doctor=doctor(), status=Answer.Status.HIDDEN),
    )

    response = client.get(LIST, {"named": "1"})

    assert titles(response) == ["Named"]


@pytest.mark.parametrize("by_ids", [20_000, 0], ids=["threads-named-by-id", "filters-in-sql"])
def test_it_sorts_by_most_answered(client, monkeypatch, by_ids):
    monkeypatch.setattr(listing, "SORTED_BY_IDS", by_ids)
    # Newest first by default: the thread stored last.
    make_thread("Many answers", answers=make_answers(5))
    make_thread("Few answers", answers=make_answers(1))

    assert titles(client.get(LIST)) == ["Few answers", "Many answers"]
    assert titles(client.get(LIST, {"sort": "answered"})) == ["Many answers", "Few answers"]
    make_thread("Unpublished, most answered", answers=make_answers(9), is_published=False)
    assert titles(client.get(LIST, {"sort": "answered"})) == ["Many answers", "Few answers"]


def test_it_counts_facets_in_the_current_results(client):
    make_thread("One", procedures=["botox"], areas=["cheeks", "lips"])
    make_thread("Two", procedures=["botox"], areas=["cheeks"])
    make_thread("Three", procedures=["dysport"], areas=["forehead"])

    response = client.get(LIST, {"procedure": "botox"})

    areas = {f["tag"].slug: f["count"] for f in response.context["area_facets"]["shown"]}
    assert areas == {"cheeks": 2, "lips": 1}
    procedures = response.context["procedure_facets"]["shown"]
    assert [(f["tag"].slug, f["count"], f["active"]) for f in procedures] == [("botox", 2, True)]
    content = response.content.decode()
    assert 'href="/?" aria-current="true"' in content  # follow the active one to remove it
    assert 'href="/?procedure=botox&amp;area=cheeks"' in content


def test_it_never_counts_or_lists_unpublished_threads(client):
    make_thread("Public", procedures=["botox"], areas=["cheeks"])
    make_thread("Secret draft", procedures=["botox"], areas=["lips"], is_published=False)

    for params in [{}, {"q": "secret draft"}, {"procedure": "botox"}, {"area": "lips"}]:
        response = client.get(LIST, params)
        assert "Secret draft" not in response.content.decode(), params
    response = client.get(LIST)
    assert response.context["page_obj"].paginator.count == 1
    areas = {f["tag"].slug: f["count"] for f in response.context["area_facets"]["shown"]}
    assert areas == {"cheeks": 1}


def test_it_ranks_search_results_and_highlights_the_matches(client):
    in_answer = make_thread(
        "Question about cheeks",
        body="Nothing to see.",
        answers=[{"body": "Masseter injections weaken the chewing muscle."}],
    )
    in_title = make_thread("Masseter Botox made my smile odd", body="Help please.")
    age_threads(in_title, in_answer)  # the answer match is newer, yet ranks lower

    response = client.get(LIST, {"q": "masseter"})

    assert titles(response) == ["Masseter Botox made my smile odd", "Question about cheeks"]
    content = response.content.decode()
    assert "<mark>Masseter</mark> Botox made my smile odd" in content
    # The snippet shows why a thread found through an answer matched.
    assert "<mark>Masseter</mark> injections weaken the chewing muscle" in content


def test_it_uses_websearch_syntax_and_english_stemming(client):
    make_thread("Swelling after filler injections", body="Please help.")
    make_thread("Swelling after Botox", body="Please help.")

    assert len(titles(client.get(LIST, {"q": "swollen injection"}))) == 0
    assert titles(client.get(LIST, {"q": "injected swelling"})) == [
        "Swelling after filler injections"
    ]
    assert titles(client.get(LIST, {"q": "swelling -filler"})) == ["Swelling after Botox"]
    assert titles(client.get(LIST, {"q": '"swelling after botox"'})) == ["Swelling after Botox"]


def test_it_offers_sort_links_with_best_match_only_when_searching(client):
    make_thread("Botox smile", procedures=["botox"])

    browsing = client.get(LIST, {"procedure": "botox", "sort": "answered"}).content.decode()
    searching = client.get(LIST, {"q": "smile"}).content.decode()

    assert "Best match" not in browsing
    assert '<a href="/?procedure=botox">Recently added</a>' in browsing
    assert '<a href="/?procedure=botox&amp;sort=captured">Recently captured</a>' in browsing
    assert '<a href="/?procedure=botox&amp;sort=answered" aria-current="true">' in browsing
    # The search form keeps the chosen sort for the next search.
    assert '<input type="hidden" name="sort" value="answered">' in browsing
    assert '<a href="/?q=smile" aria-current="true">Best match</a>' in searching
    assert '<a href="/?q=smile&amp;sort=newest">Recently added</a>' in searching


def test_it_can_sort_a_search_by_newest(client):
    strong = make_thread("Ptosis ptosis ptosis", body="Ptosis after Botox.")
    weak = make_thread("Eyelid question", body="Is this ptosis?")
    age_threads(strong, weak)

    assert titles(client.get(LIST, {"q": "ptosis"}))[0] == "Ptosis ptosis ptosis"
    assert titles(client.get(LIST, {"q": "ptosis", "sort": "newest"}))[0] == "Eyelid question"


@pytest.mark.parametrize(
    "query",
    [
        "x" * 5000,
        '"unclosed quote',
        "!!! ((( ))) :* & | <-> ''",
        "OR AND -",
        "\x00nul byte",
        "the of and",
        "<script>alert(1)</script>",
        "ünïcödé 漢字",
    ],
)
def test_it_never_errors_on_an_odd_query(client, query):
    make_thread("Botox smile")
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()


def test_it_ignores_unknown_filter_values_instead_of_failing(client):
    make_thread("Botox smile", procedures=["botox"])

    response = client.get(
        LIST + "?procedure=nope&area=nowhere&area=cheeks&specialty=Wizard&sort=sideways"
    )

    assert response.status_code == 200
    assert response.context["filters"]["procedure"] == ""
    assert response.context["filters"]["areas"] == ["cheeks"]
    assert response.context["filters"]["specialty"] == ""
    assert response.context["filters"]["sort"] == "newest"


def test_it_says_when_nothing_matches_and_offers_to_drop_the_filters(client):
    make_thread("Botox smile", procedures=["botox"])

    response = client.get(LIST, {"q": "smile", "procedure": "dysport"})

    content = response.content.decode()
    assert "No questions match “smile” with these filters." in content
    assert '<a href="/?q=smile">search all questions for “smile”</a>' in content


def test_it_escapes_hostile_imported_text_in_rows_and_snippets(client):
    make_thread(
        "<script>alert('title')</script> botox",
        body="<img src=x onerror=alert(1)> botox question <b>bold</b>",
        answers=[{"body": "botox <script>alert('answer')</script>"}],
    )

    for params in [{}, {"q": "botox"}, {"q": "alert"}]:
        content = client.get(LIST, params).content.decode()
        assert "<script>alert" not in content, params
        assert "<img src=x" not in content, params
        assert "<b>bold" not in content, params
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; <mark>botox</mark>" in (
        client.get(LIST, {"q": "botox"}).content.decode()
    )


def test_it_puts_the_filters_in_a_labelled_search_landmark(client):
    make_thread()
    content = client.get(LIST).content.decode()
    assert '<search class="filters" aria-label="Search and filter questions">' in content
    for field in ["id_q", "id_specialty", "id_named"]:
        assert f'<label for="{field}">' in content


def test_it_is_the_home_page_of_the_five_sample_threads(client, seed_dir):
    call_command("import_threads", str(seed_dir), verbosity=0)

    response = client.get(LIST)
    searched = client.get(LIST, {"q": "masseter"})

    assert response.context["page_obj"].paginator.count == 5
    assert "Awful smile following Botox in masseter" in titles(searched)[0]
    assert "<mark>masseter</mark>" in searched.content.decode()


def _list_queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "botox"},
        {"procedure": "botox", "area": ["cheeks", "lips"], "named": "1"},
        {"specialty": "Facial Plastic Surgeon", "sort": "answered"},
    ],
)
def test_it_runs_the_same_queries_for_one_row_as_for_a_full_page(
    client, params, django_assert_num_queries
):
    surgeon = doctor()

    def thread():
        return make_thread(
            "Botox in cheeks and lips",
            procedures=["botox", "dysport"],
            areas=["cheeks", "lips"],
            answers=make_answers(3, doctor=surgeon) + make_answers(1),
        )

    thread()
    one = _list_queries(client, params)
    for _ in range(24):
        thread()
    # Vocabularies 2, specialties 1, the facet index 2 (its change log, and catching up
    # with the new threads), rows 1, chips 2, doctors 1; when searching, the candidates 1
    # (the newest threads hold every match here: no window of older ones is asked for).
    expected = 10 if "q" in params else 9
    with django_assert_num_queries(expected):
        client.get(LIST, params)
    # A search finding fewer than listing.SUGGEST_BELOW threads also asks the word list
    # whether a word of it was mistyped ("Did you mean").
    assert one == expected + ("q" in params)


def test_it_leaves_out_answers_hidden_after_the_search_vector_was_built(client):
    question = make_question("Question", answers=1)
    Answer.objects.filter(question=question).update(body="zygomaticus", status=Answer.Status.HIDDEN)
    question_refresh_derived(question_ids=[question.pk])

    assert titles(client.get(LIST, {"q": "zygomaticus"})) == []
    assert Question.objects.count() == 1


def test_it_names_each_answering_doctor_once(client):
    surgeon = doctor("Steven F. Weiner", rating=Decimal("4.9"), review_count=75)
    make_thread("Twice answered", answers=make_answers(2, doctor=surgeon))

    content = client.get(LIST).content.decode()

    assert content.count("Steven F. Weiner") == 1


def test_a_snippet_is_cut_from_the_first_20000_characters_of_a_thread(client):
    # ts_headline reads all of its text; a bounded text keeps a huge thread cheap to show.
    make_thread("Early", body="Zygomaticus is the muscle. " + "Filler. " * 100)
    make_thread("Late", body="Filler. " * 3_000 + "Zygomaticus is the muscle.")

    response = client.get(LIST, {"q": "zygomaticus"})

    assert sorted(titles(response)) == ["Early", "Late"]  # both found: the vector is whole
    rows = {q.title: q.snippet for q in response.context["questions"]}
    assert "\x02Zygomaticus\x03" in rows["Early"]
    assert "\x02" not in rows["Late"]  # its match lies beyond what the snippet reads
