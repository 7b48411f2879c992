"""The word list of "Did you mean": every word of the published threads, counted exactly,
kept by the one "threads changed" point whatever the write."""

from collections import Counter

import pytest
from django.core.management import call_command

from answers.models import Answer
from answers.services import answers_set_status
from questions.curation import questions_set_published
from questions.models import Question, SearchWord, ThreadWords
from questions.searchwords import corrected_query, corrections, edit_distance, words_of
from questions.services import question_staff_save, questions_delete, threads_changed
from tests.browse_factories import make_thread

pytestmark = pytest.mark.django_db


def listed():
    """The words in use: one no thread uses any more stays at 0, never suggested."""
    return dict(SearchWord.objects.filter(threads__gt=0).values_list("word", "threads"))


def recount():
    """The counts from scratch, from every published thread's text."""
    counts = Counter()
    for question in Question.objects.filter(is_published=True).prefetch_related(
        "procedures", "areas", "answers"
    ):
        text = " ".join(
            [question.title, question.body]
            + [t.name for t in [*question.procedures.all(), *question.areas.all()]]
            + [
                f"{a.headline} {a.body}"
                for a in question.answers.all()
                if a.status == Answer.Status.PUBLISHED
            ]
        )
        counts.update(words_of(text))
    return dict(counts)


def test_words_are_runs_of_three_to_thirty_letters_lower_cased():
    text = "Botox (50u) in my cheeks: can't smile!! Über-swollen x" + "a" * 31
    assert words_of(text) == {"botox", "cheeks", "can", "smile", "über", "swollen"}


def test_an_import_counts_every_word_of_the_threads_it_stores(seed_dir):
    call_command("import_threads", str(seed_dir), verbosity=0)

    counts = listed()
    assert counts == recount()
    assert counts["masseter"] >= 1
    assert counts["botox"] == Question.objects.filter(search_vector="botox").count()
    assert ThreadWords.objects.count() == Question.objects.count() == 5


def test_every_kind_of_write_keeps_the_counts_exact(admin_user):
    first = make_thread("Botox in the masseter", body="Jaw slimming question.")
    second = make_thread(
        "Masseter botox again",
        body="Is jawline slimming permanent?",
        answers=[{"body": "Zygomaticus weakness wears off."}],
    )
    assert listed()["masseter"] == 2
    assert listed()["zygomaticus"] == 1

    # A staff edit of the text.
    second.body = "Is the asymmetry permanent?"
    question_staff_save(question=second, changed_fields=["body"], created=False)
    threads_changed(question_ids=[second.pk])
    assert "jawline" not in listed()
    assert listed()["asymmetry"] == 1

    # An answer hidden, then shown again.
    answers_set_status(
        answer_ids=Answer.objects.filter(question=second), status=Answer.Status.HIDDEN
    )
    assert "zygomaticus" not in listed()
    answers_set_status(
        answer_ids=Answer.objects.filter(question=second), status=Answer.Status.PUBLISHED
    )
    assert listed()["zygomaticus"] == 1

    # Unpublished, published again, deleted.
    questions_set_published(question_ids=[first.pk], published=False)
    assert listed()["masseter"] == 1
    assert "jaw" not in listed()
    questions_set_published(question_ids=[first.pk], published=True)
    assert listed()["masseter"] == 2
    questions_delete(queryset=Question.objects.filter(pk=second.pk))
    assert listed()["masseter"] == 1
    assert "asymmetry" not in listed()

    assert listed() == recount()
    assert set(ThreadWords.objects.values_list("question_id", flat=True)) == {first.pk}


def test_a_reimport_of_a_changed_file_moves_the_counts_by_the_difference(seed_dir, tmp_path):
    source = sorted(seed_dir.iterdir())[0]
    copy = tmp_path / source.name
    copy.write_bytes(source.read_bytes())
    call_command("import_threads", str(copy), verbosity=0)
    before = listed()

    text = source.read_text(encoding="utf-8")
    assert "is affecting my smile" in text  # an answer's headline
    changed = text.replace("is affecting my smile", "is quixotically affecting my smile", 1)
    copy.write_text(changed, encoding="utf-8")
    call_command("import_threads", str(copy), verbosity=0)

    after = listed()
    assert after["quixotically"] == 1
    assert {w: n for w, n in after.items() if w != "quixotically"} == before
    assert after == recount()


def test_the_edit_distance_counts_a_swap_as_one_edit():
    assert edit_distance("botx", "botox") == 1
    assert edit_distance("masester", "masseter") == 1
    assert edit_distance("fillr", "filler") == 1
    assert edit_distance("cheek", "cheek") == 0
    assert edit_distance("lips", "hips") == 1
    assert edit_distance("abc", "xyz") == 3


def test_it_corrects_unknown_words_to_the_closest_most_used_listed_word():
    make_thread("Botox in the masseter", body="Swelling after filler.")
    make_thread("Botox for frown lines", body="Swelling again.")
    make_thread("Bot question", body="A bot asked this.")

    assert corrections("botx") == {"botx": "botox"}  # botox: used twice, "bot" once
    assert corrections("masester swellign") == {"masester": "masseter", "swellign": "swelling"}
    assert corrections("botox swelling") == {}  # known words
    assert corrections("qwertyuiop") == {}  # nothing close
    assert corrected_query('"masester" -botx', {"masester": "masseter", "botx": "botox"}) == (
        '"masseter" -botox'
    )
