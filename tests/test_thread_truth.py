"""What a thread says must be true: its counts, its dates, and each doctor's facts as the
source page showed them on the day it was captured (issue: trust and daily use)."""

import io
import json
import os
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from answers.models import Answer, Doctor
from questions.models import Question
from questions.services import threads_changed
from tests.browse_factories import make_answers, make_thread

pytestmark = pytest.mark.django_db

VOTE = "{{ voteCount >= 0 ? '+' + (voteCount + 1) : (voteCount + 1) }}"


def write_thread(folder, page_id, title, answers, *, declared=None, captured=None):
    """A scraped file: `answers` holds (body, byline lines); `captured` sets its mtime."""
    blocks = [title, "", "Is this permanent?", "", f"Doctor Answers {declared or len(answers)}", ""]
    for number, (body, byline) in enumerate(answers, start=1):
        blocks += [f"Answer {number} headline", "", VOTE, "", body, "", *byline, ""]
    path = folder / f"{len(list(folder.iterdir())):03d}_{page_id}.txt"
    path.write_text("\n".join(blocks), encoding="utf-8")
    if captured is not None:
        stamp = captured.timestamp()
        os.utime(path, (stamp, stamp))
    return path


WEINER = ["Steven F. Weiner, MD", "Panama City Facial Plastic Surgeon"]
MARCH = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
JUNE = datetime(2026, 6, 2, 15, 0, tzinfo=UTC)


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def text_of(html):
    """The words a reader sees: tags are gaps, except inline <time> and <span>."""
    html = re.sub(r"</?(time|span)\b[^>]*>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- Counts -----------------------------------------------------------------------------


def test_a_hidden_answer_is_counted_as_ours_not_blamed_on_the_source(client):
    question = make_thread(answers=make_answers(7), declared_answer_count=7)
    answer = question.answers.get(position=3)
    answer.status = Answer.Status.HIDDEN
    answer.save()
    threads_changed(question_ids=[question.pk])

    html = client.get(question.get_absolute_url()).content.decode()
    text = text_of(html)

    assert "6 doctor answers" in text
    assert "7 doctor answers" not in text
    assert "did not include" not in text
    assert "1 answer from the source page is hidden by our editors" in text
    assert json_ld(html)["mainEntity"]["answerCount"] == 6
    listed = text_of(client.get("/").content.decode())
    assert "6 doctor answers" in listed
    feed = client.get("/feed/").content.decode()
    assert "6 doctor answers" in feed


def test_a_source_that_declared_more_than_it_held_is_said_plainly_everywhere(client):
    question = make_thread(answers=make_answers(10), declared_answer_count=16)

    html = client.get(question.get_absolute_url()).content.decode()
    text = text_of(html)

    assert "10 doctor answers" in text
    assert "16 doctor answers" not in text
    assert "The source page said it had 16 answers; the copy we hold includes 10." in text
    assert json_ld(html)["mainEntity"]["answerCount"] == 10
    listed = text_of(client.get("/").content.decode())
    assert "10 doctor answers · 16 on the source page" in listed


def test_a_thread_whose_counts_agree_says_nothing_more(client):
    question = make_thread(answers=make_answers(2), declared_answer_count=2)

    text = text_of(client.get(question.get_absolute_url()).content.decode())

    assert "2 doctor answers" in text
    assert "source page said" not in text
    assert "hidden by our editors" not in text


# --- Capture dates and doctor snapshots ------------------------------------------------------


def weiner_thread(folder, page_id, title, rating, reviews, captured):
    byline = [*WEINER, f"{rating} out of 5 stars {reviews} reviews"]
    return write_thread(folder, page_id, title, [("Botox wears off.", byline)], captured=captured)


@pytest.mark.parametrize("newer_first", [False, True])
def test_each_answer_keeps_the_doctor_facts_its_page_showed_on_its_date(
    client, tmp_path, newer_first
):
    older = weiner_thread(tmp_path, "a" * 16, "Older question", "4.7", 41, MARCH)
    newer = weiner_thread(tmp_path, "b" * 16, "Newer question", "4.8", 60, JUNE)
    for path in [newer, older] if newer_first else [older, newer]:
        call_command("import_threads", str(path), verbosity=0)

    march_page = text_of(
        client.get(Question.objects.get(title="Older question").get_absolute_url()).content.decode()
    )
    june_page = text_of(
        client.get(Question.objects.get(title="Newer question").get_absolute_url()).content.decode()
    )

    assert "4.7 out of 5 · 41 reviews (as shown on the source page on 12 March 2026)" in march_page
    assert "4.8" not in march_page
    assert "4.8 out of 5 · 60 reviews (as shown on the source page on 2 June 2026)" in june_page
    doctor = Doctor.objects.get()
    assert (doctor.rating, doctor.review_count) == (Decimal("4.8"), 60)
    doctor_page = text_of(client.get(doctor.get_absolute_url()).content.decode())
    assert "4.8 out of 5 · 60 reviews (as shown on the source page on 2 June 2026)" in doctor_page


def test_a_thread_shows_and_sorts_by_when_its_page_was_captured(client, tmp_path):
    byline = [*WEINER, "4.9 out of 5 stars 75 reviews"]
    write_thread(tmp_path, "c" * 16, "Captured in June", [("Yes.", byline)], captured=JUNE)
    write_thread(tmp_path, "d" * 16, "Captured in March", [("No.", byline)], captured=MARCH)
    call_command("import_threads", str(tmp_path), verbosity=0)
    june = Question.objects.get(title="Captured in June")

    html = client.get(june.get_absolute_url()).content.decode()

    assert "Captured from the source page on 2 June 2026" in text_of(html)
    entity = json_ld(html)
    assert "dateCreated" not in entity["mainEntity"]
    assert all("dateCreated" not in a for a in entity["mainEntity"]["suggestedAnswer"])
    assert entity["datePublished"] == june.first_imported_at.isoformat()
    # Added March last, so "recently added" puts it first; "recently captured" does not.
    added = client.get("/").context["questions"]
    captured = client.get("/", {"sort": "captured"}).context["questions"]
    assert [q.title for q in added] == ["Captured in March", "Captured in June"]
    assert [q.title for q in captured] == ["Captured in June", "Captured in March"]
    assert "Captured 12 Mar 2026" in text_of(client.get("/").content.decode())


def test_a_file_imported_without_a_capture_date_is_dated_by_its_import(tmp_path, seed_dir):
    export = tmp_path / "threads.jsonl"
    line = {
        "source_key": "undated",
        "title": "Undated thread",
        "body": "Is it permanent?",
        "answers": [{"position": 1, "body": "No."}],
    }
    export.write_text(json.dumps(line) + "\n", encoding="utf-8")

    call_command("import_threads", str(export), verbosity=0)

    question = Question.objects.get(source_key="undated")
    assert question.captured_at == question.first_imported_at


# --- Unnamed bylines --------------------------------------------------------------------------


def test_an_unnamed_byline_is_described_as_an_unnamed_doctor(client):
    question = make_thread(
        answers=[
            {
                "body": "Yes.",
                "byline_specialty": "Vascular Surgeon",
                "byline_place": "Grand Rapids",
            },
            {"body": "No byline at all."},
        ]
    )

    html = client.get(question.get_absolute_url()).content.decode()

    assert "A vascular surgeon in Grand Rapids, not named on the source page" in text_of(html)
    authors = [a.get("author") for a in json_ld(html)["mainEntity"]["suggestedAnswer"]]
    assert authors[0] == {
        "@type": "Person",
        "description": "A vascular surgeon in Grand Rapids, not named on the source page",
        "jobTitle": "Vascular Surgeon",
    }
    assert authors[1] is None
    assert "Doctor" not in json.dumps(authors)


# --- Export ---------------------------------------------------------------------------------


def test_the_export_carries_each_answers_snapshot_and_the_capture_date(tmp_path):
    older = weiner_thread(tmp_path, "a" * 16, "Older question", "4.7", 41, MARCH)
    newer = weiner_thread(tmp_path, "b" * 16, "Newer question", "4.8", 60, JUNE)
    call_command("import_threads", str(older), str(newer), verbosity=0)
    out = tmp_path / "out.jsonl"

    call_command("export_threads", output=str(out), verbosity=0)

    lines = {t["title"]: t for t in map(json.loads, out.read_text().splitlines())}
    march = lines["Older question"]
    assert march["captured_at"] == MARCH.isoformat()
    answer = march["answers"][0]
    assert answer["captured_at"] == MARCH.isoformat()
    assert answer["shown"] == {
        "place": "Panama City",
        "specialty": "Facial Plastic Surgeon",
        "rating": 4.7,
        "review_count": 41,
    }
    assert answer["doctor"]["rating"] == 4.8
    assert answer["doctor"]["facts_captured_at"] == JUNE.isoformat()


def test_a_merge_keeps_the_newest_dated_facts_with_their_date():
    from answers.services import doctor_merge
    from tests.factories import make_doctor

    keep = make_doctor(rating=Decimal("4.9"), review_count=90, facts_captured_at=MARCH)
    newer = make_doctor(rating=Decimal("4.6"), review_count=80, facts_captured_at=JUNE)

    doctor_merge(keep=keep, others=[newer])

    keep.refresh_from_db()
    assert (keep.rating, keep.review_count, keep.facts_captured_at) == (Decimal("4.6"), 80, JUNE)


@pytest.mark.parametrize("modified", [0, 4_102_444_800])  # 1970, and 2100
def test_a_file_time_no_page_can_have_is_not_believed(tmp_path, modified):
    path = weiner_thread(tmp_path, "e" * 16, "Copied without times", "4.7", 41, MARCH)
    os.utime(path, (modified, modified))

    call_command("import_threads", str(path), verbosity=0)

    question = Question.objects.get()
    assert question.captured_at == question.first_imported_at
    assert question.answers.get().captured_at == question.first_imported_at


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1970-01-01T00:00:00+00:00", "is not a possible capture date"),
        ("2026-03-12T09:30:00", "has no UTC offset"),
        ("12 March 2026", "is not an ISO 8601 date and time"),
        (20260312, "must be a date and time as text, not a number"),
    ],
)
def test_an_export_line_with_an_impossible_date_fails_alone_naming_the_field(
    tmp_path, value, problem
):
    good = {"source_key": "good", "title": "Good", "body": "Q?", "answers": []}
    bad = {**good, "source_key": "bad", "answers": [{"position": 1, "body": "A."}]}
    bad["answers"][0]["captured_at"] = value
    export = tmp_path / "threads.jsonl"
    export.write_text(f"{json.dumps(bad)}\n{json.dumps(good)}\n", encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_threads", str(export), verbosity=1, stderr=err, stdout=io.StringIO())

    assert "threads.jsonl:1: answers[0].captured_at: " in err.getvalue()
    assert problem in err.getvalue()
    assert list(Question.objects.values_list("source_key", flat=True)) == ["good"]
