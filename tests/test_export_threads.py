"""`manage.py export_threads`: JSON Lines that `import_threads` restores exactly."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from answers.models import Answer, Doctor
from questions.models import Question, TreatmentArea

pytestmark = pytest.mark.django_db

REQUIRED_KEYS = {
    "source_key",
    "source_file",
    "title",
    "body",
    "details",
    "declared_answer_count",
    "complete",
    "disclaimer",
    "areas",
    "procedures",
    "answers",
}
ANSWER_KEYS = {"position", "headline", "body", "status", "featured", "doctor"}
DOCTOR_KEYS = {"name", "credentials", "place", "specialty", "rating", "review_count"}


def export(**options) -> list[str]:
    out = StringIO()
    call_command("export_threads", stdout=out, **options)
    return out.getvalue().splitlines()


@pytest.fixture
def imported(seed_dir):
    call_command("import_threads", str(seed_dir), verbosity=0)


def test_it_writes_one_thread_per_line_ordered_by_source_key(imported):
    lines = [json.loads(line) for line in export()]
    assert [t["source_key"] for t in lines] == sorted(q.source_key for q in Question.objects.all())
    for thread in lines:
        assert thread.keys() >= REQUIRED_KEYS
        assert set(thread["details"]) == {"age", "sex", "treatment"}
        for answer in thread["answers"]:
            assert answer.keys() >= ANSWER_KEYS
            assert answer["doctor"] is None or answer["doctor"].keys() >= DOCTOR_KEYS


def test_it_exports_headlines_doctors_and_bylines_faithfully(imported):
    threads = {t["source_key"]: t for t in map(json.loads, export())}
    masseter = threads["37f6e2dab305ec35"]
    assert masseter["source_file"] == "001_37f6e2dab305ec35.txt"
    assert masseter["declared_answer_count"] == 7 and masseter["complete"] is True
    first, second = masseter["answers"][:2]
    assert first["headline"] is None
    assert first["doctor"] == {
        "name": None,
        "credentials": None,
        "place": "Los Angeles",
        "specialty": "Facial Plastic Surgeon",
        "rating": 5.0,
        "review_count": 7,
    }
    assert second["headline"] == "Masseter injection affected my smile"
    assert second["doctor"]["name"] == "Steven F. Weiner"
    assert second["doctor"]["credentials"] == "MD"
    no_doctor = threads["a639283c5416c15f"]["answers"][0]
    assert no_doctor["doctor"] is None
    assert threads["5666cba28e9fd4d0"]["disclaimer"] is None
    assert threads["bd6cf83177b9ec6f"]["details"]["age"] == 30


def test_it_filters_by_area(imported):
    lines = [json.loads(line) for line in export(area="jaw-and-masseter")]
    assert lines and all("jaw-and-masseter" in t["areas"] for t in lines)
    assert len(lines) < Question.objects.count()


def test_it_refuses_an_unknown_area(imported):
    with pytest.raises(CommandError, match="No treatment area"):
        export(area="elbows")


def test_the_round_trip_export_import_export_gives_the_same_lines(imported, tmp_path):
    # Curation must survive too: a hidden, a featured, a staff-edited answer, a staff tag.
    question = Question.objects.get(source_key="3982621ed726bc94")
    question.answers.filter(position=2).update(status=Answer.Status.HIDDEN)
    question.answers.filter(position=3).update(is_featured=True, edited_by_staff=True)
    question.areas.add(TreatmentArea.objects.get(slug="neck"))
    Question.objects.filter(source_key="5666cba28e9fd4d0").update(is_published=False)
    backup = tmp_path / "backup.jsonl"
    call_command("export_threads", output=str(backup), verbosity=0)
    first = backup.read_text().splitlines()

    Answer.objects.all().delete()
    Question.objects.all().delete()
    Doctor.objects.all().delete()
    out = StringIO()
    call_command("import_threads", str(backup), stdout=out)
    assert "5 threads: 5 created" in out.getvalue()

    assert export() == first
    again = StringIO()
    call_command("import_threads", str(backup), stdout=again)
    assert "5 unchanged" in again.getvalue()


def test_it_reports_a_bad_json_line_and_imports_the_rest(imported, tmp_path):
    lines = export()
    Question.objects.all().delete()
    backup = tmp_path / "backup.jsonl"
    broken = json.loads(lines[1])
    del broken["title"]
    backup.write_text("\n".join([lines[0], json.dumps(broken), "{not json"]) + "\n")
    err = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_threads", str(backup), stdout=StringIO(), stderr=err)
    assert excinfo.value.returncode == 1
    assert f"{backup}:2: title: missing" in err.getvalue()
    assert f"{backup}:3: not a JSON object" in err.getvalue()
    assert Question.objects.count() == 1


def test_a_line_with_a_nul_character_fails_alone(imported, tmp_path):
    # PostgreSQL text cannot hold NUL; JSON can. Only that thread may fail.
    lines = export()
    Question.objects.all().delete()
    refused = json.loads(lines[2])
    refused["answers"][0]["body"] = "before\u0000after"
    backup = tmp_path / "backup.jsonl"
    backup.write_text("\n".join([lines[0], lines[1], json.dumps(refused), lines[3]]) + "\n")
    err = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_threads", str(backup), stdout=StringIO(), stderr=err)
    assert excinfo.value.returncode == 1
    assert f"{backup}:3: answers[0].body: holds a NUL character" in err.getvalue()
    assert Question.objects.count() == 3
    assert not Question.objects.filter(source_key=refused["source_key"]).exists()
