"""Search that helps: snippets of whole sentences, and "Did you mean" for a typo."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.browse_factories import make_thread

pytestmark = pytest.mark.django_db

LIST = reverse("questions:list")
MASSETER_THREAD = "001_37f6e2dab305ec35.txt"  # "Awful smile following Botox in masseter."


def snippets(response):
    return {row.title: row.snippet for row in response.context["questions"]}


def snippet_of(response, title_start):
    (snippet,) = [s for title, s in snippets(response).items() if title.startswith(title_start)]
    return snippet


def test_a_snippet_is_the_whole_sentences_around_the_matches(client, seed_dir):
    call_command("import_threads", str(seed_dir), verbosity=0)

    response = client.get(LIST, {"q": "weeks"})

    snippet = snippet_of(response, "Awful smile following Botox in masseter.")
    # The question's two sentences that say "weeks", whole, in text order.
    assert snippet == (
        "2 \x02weeks\x03 ago I had botox in my massteter muscles (25u/side). … At 2 \x02weeks\x03 "
        "I also notice that my right cheek is more full/puffy & therefore looks fatter than my "
        "left."
    )
    html = response.content.decode()
    assert (
        "2 <mark>weeks</mark> ago I had botox in my massteter muscles (25u/side). … At 2 "
        "<mark>weeks</mark> I also notice" in html
    )


def test_an_answers_headline_is_a_sentence_of_its_own(client, seed_dir):
    call_command("import_threads", str(seed_dir), verbosity=0)

    snippet = snippet_of(client.get(LIST, {"q": "mesobotox"}), "Took Mesobotox on Cheeks")

    assert snippet.startswith("\x02Mesobotox\x03 is affecting my smile … ")


def test_a_snippet_never_repeats_a_sentence(client, seed_dir, tmp_path):
    # A doctor quoting the patient: the same sentence twice in one thread's text.
    text = (seed_dir / MASSETER_THREAD).read_text(encoding="utf-8")
    quoted = "After 6 days I noticed my smile had completely shrunk & disappeared."
    assert text.count(quoted) == 1
    text = text.replace(
        "Sorry to hear about your experience.", f"You wrote: {quoted} Sorry to hear about it."
    )
    (tmp_path / MASSETER_THREAD).write_text(text, encoding="utf-8")
    call_command("import_threads", str(tmp_path), verbosity=0)

    snippet = snippet_of(client.get(LIST, {"q": "shrunk disappeared"}), "Awful smile following")

    assert snippet.count("completely \x02shrunk\x03") == 1
    assert " … " not in snippet


def test_a_very_long_sentence_is_cut_around_its_match(client):
    words = [f"word{n}" for n in range(100)]
    words[70] = "zygomaticus"
    make_thread("Long", body=" ".join(words) + ".")

    snippet = snippets(client.get(LIST, {"q": "zygomaticus"}))["Long"]

    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(snippet.split()) == 42
    assert "\x02zygomaticus\x03" in snippet


def test_it_offers_the_corrected_search_when_a_typo_finds_nothing(client):
    make_thread("Botox in the masseter", body="Swelling after Botox.", procedures=["botox"])
    make_thread("Botox for frown lines", body="Swelling again.", areas=["frown-lines"])

    response = client.get(LIST, {"q": "botx", "area": "frown-lines", "sort": "answered"})

    assert response.context["suggestion"] == "botox"
    html = response.content.decode()
    assert (
        '<p class="did-you-mean">Did you mean '
        '<a href="/?q=botox&amp;area=frown-lines&amp;sort=answered">botox</a>?</p>'
    ) in html
    # The link runs the corrected search with the same filters.
    followed = client.get(LIST, {"q": "botox", "area": "frown-lines", "sort": "answered"})
    assert [row.title for row in followed.context["questions"]] == ["Botox for frown lines"]


def test_it_corrects_each_unknown_word_and_keeps_the_rest(client):
    make_thread("Masseter swelling after Botox", body="Jaw slimming.")

    response = client.get(LIST, {"q": "masester swelling"})

    assert response.context["suggestion"] == "masseter swelling"


@pytest.mark.parametrize(
    "query",
    [
        "botox",  # it finds enough
        "qwertyuiop",  # nothing close in the corpus
        "jaw",  # known, though it finds nothing with this filter...
    ],
)
def test_it_suggests_nothing_when_there_is_nothing_better(client, query):
    for n in range(3):
        make_thread(f"Botox question {n}", body="Frown lines.", procedures=["botox"])
    make_thread("Jaw question", body="Jaw slimming.", procedures=["dysport"])

    response = client.get(LIST, {"q": query, "procedure": "botox"})

    assert response.context["suggestion"] == ""
    assert "Did you mean" not in response.content.decode()


def test_it_suggests_nothing_the_filters_would_leave_empty(client):
    make_thread("Botox in the masseter", body="Swelling.", procedures=["botox"])

    # "botox" is listed, but no thread of this area has it: the link would find nothing.
    response = client.get(LIST, {"q": "botx", "area": "lips"})

    assert response.context["suggestion"] == ""


def test_a_word_gone_from_the_corpus_is_never_suggested(client):
    from questions.models import Question
    from questions.services import questions_delete

    thread = make_thread("Zygomaticus weakness", body="After Botox.")
    questions_delete(queryset=Question.objects.filter(pk=thread.pk))
    make_thread("Other", body="Something else.")

    assert client.get(LIST, {"q": "zygomaticos"}).context["suggestion"] == ""


def test_a_search_finding_nothing_costs_one_query_more_and_a_typo_two(
    client, django_assert_num_queries
):
    make_thread("Botox in the masseter", body="Swelling after Botox.")
    client.get(LIST)  # the facet index is built
    # Vocabularies 2, specialties 1, the facet index 1, the candidates 1 (no rows to
    # show: no more); then the word list 1.
    with django_assert_num_queries(6):
        response = client.get(LIST, {"q": "qwertyuiop"})
    assert response.context["suggestion"] == ""
    # And the corrected search's candidates 1 (the newest threads hold its match).
    with django_assert_num_queries(7):
        response = client.get(LIST, {"q": "botx"})
    assert response.context["suggestion"] == "botox"
