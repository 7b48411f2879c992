"""JSON Lines imports: every line checked against a declared schema before it is stored.

A bad line fails alone with `PATH:LINE: field: what is wrong`; the file's other lines are
imported, the run is finished, and nothing reaches the database that a page cannot show.
"""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from answers.models import Doctor
from questions.models import ImportRun, Procedure, Question, TreatmentArea

pytestmark = pytest.mark.django_db


def good_thread(key: str, **changes) -> dict:
    thread = {
        "source_key": key,
        "source_file": f"{key}.txt",
        "title": f"Is my smile back after Botox ({key})?",
        "body": "I had Botox in my cheeks and cannot smile.",
        "details": {"age": 41, "sex": "Female", "treatment": "Botox"},
        "declared_answer_count": 1,
        "complete": True,
        "disclaimer": None,
        "published": True,
        "areas": ["cheeks"],
        "procedures": ["botox"],
        "answers": [
            {
                "position": 1,
                "headline": "It wears off",
                "body": "Give it three months.",
                "status": "published",
                "featured": False,
                "sort_order": 0,
                "edited_by_staff": False,
                "doctor": {
                    "name": f"Ann Example {key}",
                    "credentials": "MD",
                    "place": "Boston, MA",
                    "specialty": "Dermatologist",
                    "rating": 4.5,
                    "review_count": 12,
                },
            }
        ],
    }
    thread.update(changes)
    return thread


def set_path(thread: dict, path: tuple, value) -> dict:
    target = thread
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return thread


def import_lines(tmp_path, lines: list[str]):
    """Import a .jsonl file of these lines; return (status, stderr, file path)."""
    path = tmp_path / "threads.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = StringIO()
    try:
        call_command("import_threads", str(path), stdout=StringIO(), stderr=err)
        status = 0
    except CommandError as exc:
        status = exc.returncode
    return status, err.getvalue(), path


def with_bad_middle_line(tmp_path, bad_line: str):
    lines = [json.dumps(good_thread("aaa")), bad_line, json.dumps(good_thread("ccc"))]
    return import_lines(tmp_path, lines)


NESTED = "[" * 5000 + "]" * 5000

# (where in the thread, the hostile value, what the error line must say)
BAD_VALUES = [
    (("procedures",), ["Botox Cosmetic!"], "procedures[0]: "),
    (("areas",), ["cheeks", "Lips & Chin"], "areas[1]: "),
    (("areas",), "cheeks", "areas: must be a list"),
    (("procedures",), [["botox"]], "procedures[0]: "),
    (("answers", 0, "doctor", "rating"), "NaN", "answers[0].doctor.rating: "),
    (("answers", 0, "doctor", "rating"), "Infinity", "answers[0].doctor.rating: "),
    (("answers", 0, "doctor", "rating"), float("nan"), "answers[0].doctor.rating: "),
    (("answers", 0, "doctor", "rating"), float("inf"), "answers[0].doctor.rating: "),
    (("answers", 0, "doctor", "rating"), 55, "answers[0].doctor.rating: "),
    (("answers", 0, "doctor", "rating"), True, "answers[0].doctor.rating: "),
    (("answers", 0, "doctor", "review_count"), -3, "answers[0].doctor.review_count: "),
    (("answers", 0, "doctor", "review_count"), 3_000_000_000, "answers[0].doctor.review_count"),
    (("details",), [], "details: must be an object"),
    (("details", "age"), "forty", "details.age: "),
    (("details", "age"), 40.5, "details.age: "),
    (("details", "sex"), "x" * 41, "details.sex: "),
    (("answers", 0, "sort_order"), "abc", "answers[0].sort_order: "),
    (("answers", 0, "sort_order"), 10**6, "answers[0].sort_order: "),
    (("answers", 0, "position"), 0, "answers[0].position: "),
    (("source_key",), "k" * 300, "source_key: "),
    (("source_key",), "", "source_key: "),
    (("answers", 0, "doctor", "name"), "N" * 1000, "answers[0].doctor.name: "),
    (("answers", 0, "doctor", "name"), 12345, "answers[0].doctor.name: "),
    (("answers", 0, "doctor", "specialty"), "S" * 300, "answers[0].doctor.specialty: "),
    (("answers", 0, "doctor", "credentials"), "C" * 101, "answers[0].doctor.credentials: "),
    (("answers", 0, "doctor"), "Dr Who", "answers[0].doctor: must be an object"),
    (("answers", 0, "status"), "deleted", "answers[0].status: "),
    (("answers", 0, "featured"), "yes", "answers[0].featured: "),
    (("answers", 0, "headline"), "H" * 501, "answers[0].headline: "),
    (("answers", 0, "body"), None, "answers[0].body: "),
    (("answers",), {"position": 1}, "answers: must be a list"),
    (("answers",), [1], "answers[0]: must be an object"),
    (("published",), "false", "published: must be true or false"),
    (("complete",), 0, "complete: must be true or false"),
    (("declared_answer_count",), -1, "declared_answer_count: "),
    (("title",), "", "title: "),
    (("title",), "T" * 501, "title: "),
    (("title",), 7, "title: must be text"),
    (("disclaimer",), ["no"], "disclaimer: must be text"),
    (("body",), "before\u0000after", "body: holds a NUL character"),
    (("surprise",), 1, "surprise: unknown field"),
]


@pytest.mark.parametrize(("path", "value", "message"), BAD_VALUES)
def test_a_bad_value_fails_its_line_alone_and_names_the_field(tmp_path, path, value, message):
    bad = json.dumps(set_path(good_thread("bbb"), path, value))
    status, err, jsonl = with_bad_middle_line(tmp_path, bad)

    assert status == 1
    assert f"{jsonl}:2: {message}" in err, err
    assert sorted(Question.objects.values_list("source_key", flat=True)) == ["aaa", "ccc"]
    run = ImportRun.objects.get()
    assert run.finished_at is not None and (run.created, run.failed) == (2, 1)


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        # A lone surrogate: valid JSON, but no UTF-8 text can hold it.
        (json.dumps(good_thread("bbb", title="\ud800 smile")), "title: holds a lone surrogate"),
        (json.dumps(good_thread("bbb")).replace('["botox"]', NESTED), "nested deeper than"),
        (NESTED, "nested deeper than"),
        ('{"source_key": "bbb", "title": "t", "body": "b", "answers": [], "x": 1e999}', "x: "),
        ("[1, 2, 3]", "not a JSON object"),
        ('"just a string"', "not a JSON object"),
        ("{" + '"a": 1, ' * 3 + "}", "not a JSON object"),
    ],
)
def test_a_malformed_line_fails_alone_with_a_clear_message(tmp_path, bad_line, message):
    status, err, jsonl = with_bad_middle_line(tmp_path, bad_line)

    assert status == 1
    assert f"{jsonl}:2: " in err and message in err, err
    assert Question.objects.count() == 2
    assert ImportRun.objects.get().finished_at is not None


def test_a_repeated_answer_position_fails_its_line(tmp_path):
    thread = good_thread("bbb")
    thread["answers"].append({**thread["answers"][0], "doctor": None})
    status, err, jsonl = with_bad_middle_line(tmp_path, json.dumps(thread))

    assert status == 1
    assert f"{jsonl}:2: answers[1].position: 1 is used twice" in err


def test_it_still_imports_what_our_own_export_writes(tmp_path):
    thread = good_thread("bbb", details={"age": None, "sex": None, "treatment": None})
    thread["answers"][0].update(headline=None, doctor={**thread["answers"][0]["doctor"]})
    thread["answers"][0]["doctor"].update(name=None, credentials=None, rating=5, review_count=None)
    status, err, _ = with_bad_middle_line(tmp_path, json.dumps(thread))

    assert status == 0, err
    assert Question.objects.count() == 3


def test_after_a_hostile_file_every_page_still_answers(client, tmp_path):
    """The issue's own examples, imported together: the site must not 500 afterwards."""
    hostile = [
        good_thread("h1", procedures=["Botox Cosmetic!"]),
        set_path(good_thread("h2"), ("answers", 0, "doctor", "rating"), "NaN"),
        set_path(good_thread("h3"), ("answers", 0, "doctor", "rating"), "Infinity"),
        good_thread("h4", areas="cheeks"),
    ]
    lines = [json.dumps(good_thread("ok")), *map(json.dumps, hostile)]
    status, _, _ = import_lines(tmp_path, lines)

    assert status == 1
    assert not Procedure.objects.filter(slug__contains="!").exists()
    assert not TreatmentArea.objects.filter(slug__in=list("chek")).exists()
    urls = [
        reverse("questions:list"),
        reverse("questions:list") + "?q=botox",
        reverse("questions:procedure_list"),
        reverse("questions:area_list"),
        reverse("sitemap"),
        *(reverse("sitemap_section", args=[section]) for section in ["procedures", "areas"]),
        *(q.get_absolute_url() for q in Question.objects.all()),
        *(d.get_absolute_url() for d in Doctor.objects.all()),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_a_line_over_the_size_limit_fails_alone_without_being_held(tmp_path):
    huge = json.dumps(good_thread("bbb", body="word " * 100_000))
    status, err, jsonl = with_bad_middle_line(tmp_path, huge)
    assert status == 1
    assert f"{jsonl}:2: the line is over the limit of 393,216 bytes" in err, err
    assert sorted(Question.objects.values_list("source_key", flat=True)) == ["aaa", "ccc"]
    assert ImportRun.objects.get().finished_at is not None
