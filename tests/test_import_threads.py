"""`manage.py import_threads`: faithful, idempotent, all-or-nothing per file."""

import os
import re
import shutil
import threading
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from answers.models import Answer, Doctor
from questions.importing.sources import MAX_FILE_BYTES
from questions.models import ImportRecord, ImportRun, Question, TreatmentArea
from questions.services import question_refresh_derived

pytestmark = pytest.mark.django_db

SAMPLE_000 = "000_bd6cf83177b9ec6f.txt"


def run_import(*paths, **options):
    """Run the command; return (exit status, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_threads", *map(str, paths), stdout=out, stderr=err, **options)
        status = 0
    except CommandError as exc:
        status = exc.returncode
        err.write(str(exc))
    return status, out.getvalue(), err.getvalue()


def write(folder: Path, name: str, content, binary=False) -> Path:
    path = folder / name
    path.write_bytes(content) if binary else path.write_text(content, encoding="utf-8")
    return path


# --- The five samples ---------------------------------------------------------------


def test_it_imports_the_five_samples(seed_dir):
    status, out, _ = run_import(seed_dir)
    assert status == 0
    assert re.search(r"5 files: 5 created, 0 updated, 0 unchanged, 0 failed in [\d.]+ s", out)
    counts = {
        q.source_key: (q.answers.count(), q.declared_answer_count) for q in Question.objects.all()
    }
    assert counts == {
        "bd6cf83177b9ec6f": (4, 4),
        "37f6e2dab305ec35": (7, 7),
        "a639283c5416c15f": (10, 10),
        "3982621ed726bc94": (10, 16),
        "5666cba28e9fd4d0": (5, None),
    }


def test_it_stores_question_details_answers_and_disclaimer(seed_dir):
    run_import(seed_dir / SAMPLE_000)
    question = Question.objects.get(source_key="bd6cf83177b9ec6f")
    assert question.title.startswith("Took Mesobotox on Cheeks for Open Pores.")
    assert (question.patient_age, question.patient_sex) == (30, "female")
    assert question.patient_treatment == "meso botox for open pores on cheeks"
    assert "age :" not in question.body
    assert question.disclaimer.startswith("These answers are for educational purposes")
    assert question.is_complete and question.answer_count == 4
    assert question.source_file == SAMPLE_000 and len(question.content_hash) == 64
    first, second = question.answers.order_by("position")[:2]
    assert first.headline == "Mesobotox is affecting my smile" and first.doctor is None
    assert "voteCount" not in first.body
    assert second.doctor.name == "Steven F. Weiner"
    assert (second.doctor.place, second.doctor.specialty) == (
        "Panama City",
        "Facial Plastic Surgeon",
    )


@pytest.mark.parametrize("newer", ["000", "001"])
def test_it_matches_doctors_across_files_and_keeps_the_newest_snapshot(seed_dir, tmp_path, newer):
    # 000 shows 75 reviews at 4.9, 001 shows 41 at 4.7. The page captured later wins.
    copies = shutil.copytree(seed_dir, tmp_path / "threads")
    for path in copies.iterdir():
        stamp = 1_770_000_000 + (86_400 if path.name.startswith(newer) else 0)
        os.utime(path, (stamp, stamp))
    run_import(copies)
    weiner = Doctor.objects.get(name="Steven F. Weiner")
    expected = {"000": (75, Decimal("4.9")), "001": (41, Decimal("4.7"))}[newer]
    assert (weiner.review_count, weiner.rating) == expected
    assert weiner.answers.count() == 2


def test_pages_copied_in_the_same_second_count_reviews_to_tell_the_newer(seed_dir, tmp_path):
    copies = shutil.copytree(seed_dir, tmp_path / "threads")
    for number, path in enumerate(sorted(copies.iterdir(), reverse=True)):
        # One copy: the times differ by microseconds and say nothing of the pages' age.
        stamp = 1_770_000_000 + number / 1000
        os.utime(path, (stamp, stamp))
    run_import(copies)
    # Review counts only grow: 75 reviews is the newer page.
    weiner = Doctor.objects.get(name="Steven F. Weiner")
    assert (weiner.review_count, weiner.rating) == (75, Decimal("4.9"))


def test_it_keeps_an_unnamed_byline_on_the_answer_without_inventing_a_doctor(seed_dir):
    run_import(seed_dir)
    answer = Answer.objects.get(question__source_key="37f6e2dab305ec35", position=1)
    assert answer.doctor is None
    assert (answer.byline_place, answer.byline_specialty) == (
        "Los Angeles",
        "Facial Plastic Surgeon",
    )
    assert (answer.byline_rating, answer.byline_review_count) == (Decimal("5.0"), 7)
    assert not Doctor.objects.filter(name="").exists()


def test_it_tags_areas_and_procedures_from_keywords(seed_dir):
    run_import(seed_dir)
    mesobotox = Question.objects.get(source_key="bd6cf83177b9ec6f")
    assert "cheeks" in set(mesobotox.areas.slugs())
    assert "mesobotox" in set(mesobotox.procedures.slugs())
    masseter = Question.objects.get(source_key="37f6e2dab305ec35")
    assert "jaw-and-masseter" in set(masseter.areas.slugs())
    assert "botox" in set(masseter.procedures.slugs())


def test_it_makes_threads_searchable_at_once(seed_dir):
    run_import(seed_dir)
    assert [q.source_key for q in Question.objects.search("masseter")][0] == "37f6e2dab305ec35"
    assert Question.objects.search("zygomaticus").filter(source_key="3982621ed726bc94").exists()


def test_it_records_every_run_and_every_file(seed_dir):
    run_import(seed_dir)
    run = ImportRun.objects.get()
    assert (run.files_total, run.created, run.failed) == (5, 5, 0)
    assert run.finished_at and run.duration is not None
    assert run.records.filter(outcome=ImportRecord.Outcome.CREATED).count() == 5
    record = run.records.get(path__endswith="003_3982621ed726bc94.txt")
    assert record.question.source_key == "3982621ed726bc94"
    assert "16" in record.message  # declared 16, found 10


# --- Idempotence and updates ----------------------------------------------------------


def test_it_writes_nothing_when_the_same_files_come_again(seed_dir, django_assert_max_num_queries):
    run_import(seed_dir)
    before = (Question.objects.count(), Answer.objects.count(), Doctor.objects.count())
    with django_assert_max_num_queries(12):
        status, out, _ = run_import(seed_dir)
    assert status == 0
    assert "5 files: 0 created, 0 updated, 5 unchanged, 0 failed" in out
    assert (Question.objects.count(), Answer.objects.count(), Doctor.objects.count()) == before


def test_it_updates_a_changed_file_in_place_and_leaves_staff_work_alone(workdir):
    run_import(workdir)
    question = Question.objects.get(source_key="bd6cf83177b9ec6f")
    edited = question.answers.get(position=1)
    edited.body, edited.edited_by_staff = "Fixed by staff.", True
    edited.save()
    hidden = question.answers.get(position=2)
    hidden.status = Answer.Status.HIDDEN
    hidden.save()
    featured_id = question.answers.get(position=3).pk
    Answer.objects.filter(pk=featured_id).update(is_featured=True)
    staff_area = TreatmentArea.objects.get(slug="neck")
    question.areas.add(staff_area)  # by hand: auto=False

    # The same page scraped again later, with a new running number and one more answer.
    text = (workdir / SAMPLE_000).read_text()
    text = text.replace(
        "These answers are for educational", NEW_ANSWER + "These answers are for educational"
    )
    text = text.replace("Steven F. Weiner, MD", "Steven F. Weiner, MD")
    text = text.replace("Mesobotox is a very dilute Botox", "Mesobotox is very dilute Botox")
    (workdir / SAMPLE_000).unlink()
    write(workdir, "107_bd6cf83177b9ec6f.txt", text)

    status, out, err = run_import(workdir)
    assert status == 0, err
    assert "0 created, 1 updated, 4 unchanged" in out
    question.refresh_from_db()
    assert Question.objects.filter(source_key="bd6cf83177b9ec6f").count() == 1
    assert question.source_file == "107_bd6cf83177b9ec6f.txt"
    assert question.answers.count() == 5
    assert question.answers.get(position=1).body == "Fixed by staff."
    assert question.answers.get(position=2).status == Answer.Status.HIDDEN
    assert question.answers.get(position=2).body.startswith("Mesobotox is a very dilute")
    assert Answer.objects.get(pk=featured_id).is_featured
    assert question.answers.get(position=5).headline == "Botox wears off"
    assert "neck" in set(question.areas.slugs())
    assert question.answer_count == 4  # 5 stored, one hidden
    record = ImportRecord.objects.filter(outcome="updated").get()
    assert "kept 2 answer(s) as staff left them" in record.message


NEW_ANSWER = """Botox wears off

{{ voteCount >= 0 ? '+' + (voteCount + 1) : (voteCount + 1) }}

It will wear off within three months. Be patient.

Jane Q. Doe, MD
Austin Dermatologist
5.0 out of 5 stars 3 reviews

"""


def test_it_keeps_the_thread_text_that_staff_fixed(workdir):
    run_import(workdir)
    Question.objects.filter(source_key="bd6cf83177b9ec6f").update(
        title="Staff title", edited_by_staff=True
    )
    path = workdir / SAMPLE_000
    path.write_text(path.read_text().replace("Doctor Answers 4", "Doctor Answers 5"))
    run_import(workdir)
    question = Question.objects.get(source_key="bd6cf83177b9ec6f")
    assert question.title == "Staff title"
    assert question.declared_answer_count == 5


def test_it_keys_files_without_a_page_id_by_their_normalised_title(workdir):
    shutil.copy(workdir / SAMPLE_000, workdir / "mesobotox.txt")
    (workdir / SAMPLE_000).unlink()
    run_import(workdir)
    question = Question.objects.get(source_file="mesobotox.txt")
    assert question.source_key.startswith("took-mesobotox-on-cheeks-for-open-pores")
    status, out, _ = run_import(workdir)
    assert "5 unchanged" in out


def test_it_does_not_write_anything_on_a_dry_run(seed_dir):
    status, out, _ = run_import(seed_dir, dry_run=True)
    assert status == 0
    assert "Dry run, nothing written. 5 files: 5 created" in out
    assert not Question.objects.exists() and not ImportRun.objects.exists()


def test_it_imports_only_into_an_empty_database_with_if_empty(seed_dir):
    run_import(seed_dir / SAMPLE_000)
    status, out, _ = run_import(seed_dir, if_empty=True)
    assert status == 0 and "nothing imported" in out
    assert Question.objects.count() == 1


# --- Bad input ------------------------------------------------------------------------


BANNER = (
    "Get the real deal on beauty treatments—real doctors, real reviews, and real photos "
    "with real results.Botox wears off.\nThis is a loose answer.\nAnother loose answer.\n"
)


@pytest.mark.parametrize(
    ("name", "content", "binary", "message"),
    [
        ("empty.txt", "", False, "empty"),
        ("blank.txt", "  \n\n \t \n", False, "whitespace"),
        ("latin1.txt", "Caf\xe9 question\n\nBody".encode("latin-1"), True, "UTF-8"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", True, "binary"),
        ("banner.txt", BANNER, False, "banner"),
    ],
)
def test_it_rejects_a_bad_file_with_its_path_and_carries_on(
    workdir, name, content, binary, message
):
    bad = write(workdir, name, content, binary)
    status, out, err = run_import(workdir)
    assert status == 1
    assert "5 created" in out and "1 failed" in out
    failure = [line for line in err.splitlines() if line.startswith(str(bad))]
    assert len(failure) == 1 and message.lower() in failure[0].lower()
    assert Question.objects.count() == 5
    record = ImportRecord.objects.get(outcome="failed")
    assert record.path == str(bad) and record.question is None


def test_it_rejects_a_file_over_the_limit_before_reading_it(workdir):
    big = write(workdir, "big.txt", "Title\n\n" + "word " * 80_000)
    status, _, err = run_import(workdir)
    assert status == 1
    assert f"{big}: file is 400,007 bytes; the limit is 393,216" in err


def test_a_file_at_the_limit_always_fits_the_search_vector(workdir, seed_dir):
    # The worst text for a search vector: distinct short words, each its own lexeme.
    # At 2.3 bytes of vector a byte of text, the limit must still fit PostgreSQL's 1 MB.
    sample = (seed_dir / SAMPLE_000).read_text()
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = (a + b + c + d for a in letters for b in letters for c in letters for d in letters)
    title, rest = sample.split("\n", 1)
    filler = ""
    room = MAX_FILE_BYTES - len(sample.encode()) - 2
    while len(filler) + 5 < room:
        filler += next(words) + " "
    path = write(workdir, "worst.txt", f"{title}\n{filler}\n{rest}")
    assert path.stat().st_size <= MAX_FILE_BYTES
    for other in workdir.glob("*.txt"):
        if other != path:
            other.unlink()

    status, out, err = run_import(workdir)

    assert status == 0, err
    assert Question.objects.get().search_vector is not None


def test_it_names_the_line_of_a_question_with_no_text(workdir):
    bad = write(workdir, "title-only.txt", "\n\nJust a title?\n\n")
    status, _, err = run_import(workdir)
    assert status == 1
    assert re.search(rf"{re.escape(str(bad))}:\d+: ", err)


def test_it_imports_a_question_without_answers_and_warns(workdir):
    write(
        workdir, "lonely.txt", "Is filler safe for my lips?\n\nI am 40 and worried about lumps.\n"
    )
    status, out, err = run_import(workdir, verbosity=2)
    assert status == 0, err
    question = Question.objects.get(source_file="lonely.txt")
    assert question.answers.count() == 0
    assert "lonely.txt: created:" in out
    assert ImportRecord.objects.get(question=question).message


def test_it_imports_a_truncated_file_and_marks_it_incomplete(workdir):
    text = (workdir / SAMPLE_000).read_text()
    cut = text[: text.index("Michael I. Echavez") - 120]
    write(workdir, "009_00000000000000aa.txt", cut)
    status, out, err = run_import(workdir)
    assert status == 0, err
    question = Question.objects.get(source_key="00000000000000aa")
    assert not question.is_complete
    assert question.answers.count() >= 2
    assert "1 incomplete" in out
    assert ImportRecord.objects.get(question=question).message


def test_it_leaves_no_trace_of_a_thread_the_database_refuses(workdir):
    # A review count that parses but does not fit its column: only the database refuses it.
    text = (workdir / SAMPLE_000).read_text().replace("75 reviews", "3,000,000,000 reviews")
    write(workdir, "010_00000000000000bb.txt", text)
    status, out, err = run_import(workdir)
    assert status == 1
    assert "010_00000000000000bb.txt: database refused it" in err
    assert "5 created" in out
    assert not Question.objects.filter(source_key="00000000000000bb").exists()
    assert Answer.objects.count() == 4 + 7 + 10 + 10 + 5


def test_it_reports_a_file_that_cannot_be_read(workdir):
    (workdir / "gone.txt").symlink_to(workdir / "missing-target.txt")
    status, _, err = run_import(workdir)
    assert status == 1
    assert f"{workdir / 'gone.txt'}: cannot read: No such file or directory" in err


def test_it_refuses_a_path_that_does_not_exist(tmp_path):
    status, _, err = run_import(tmp_path / "nope")
    assert status == 2 and "no such file or directory" in err


def test_it_refuses_a_directory_without_txt_files(tmp_path):
    (tmp_path / "notes.md").write_text("nothing here")
    status, _, err = run_import(tmp_path)
    assert status == 2 and "no .txt files" in err


def test_it_accepts_globs(seed_dir):
    status, out, _ = run_import(f"{seed_dir}/00[01]_*.txt")
    assert status == 0 and "2 files: 2 created" in out


def test_it_imports_the_same_file_once_when_named_twice(seed_dir):
    status, out, _ = run_import(seed_dir / SAMPLE_000, seed_dir / SAMPLE_000, seed_dir)
    assert status == 0
    assert "5 files: 5 created" in out and "2 duplicate paths ignored" in out
    assert Question.objects.count() == 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_once_make_no_duplicates_and_no_crash(seed_dir):
    statuses = []

    def worker():
        try:
            statuses.append(run_import(seed_dir)[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [0, 0]
    assert Question.objects.count() == 5
    assert Doctor.objects.filter(name="Steven F. Weiner").count() == 1
    assert sorted(ImportRun.objects.values_list("created", "unchanged")) == [(0, 5), (5, 0)]


def test_it_files_answers_of_a_merged_doctor_under_the_doctor_staff_kept(workdir):
    from answers.services import doctor_merge

    run_import(workdir)
    weiner = Doctor.objects.get(name="Steven F. Weiner")
    yoo = Doctor.objects.get(name="Donald B. Yoo")
    doctor_merge(keep=yoo, others=[weiner])
    path = workdir / SAMPLE_000
    path.write_text(path.read_text().replace("Mesobotox is a very dilute", "Mesobotox is dilute"))
    status, out, err = run_import(workdir)
    assert status == 0, err
    assert "1 updated" in out
    assert not Doctor.objects.filter(name="Steven F. Weiner").exists()
    answer = Answer.objects.get(question__source_key="bd6cf83177b9ec6f", position=2)
    assert answer.doctor == yoo and answer.body.startswith("Mesobotox is dilute")


def test_it_gives_the_same_result_when_parsing_in_worker_processes(workdir):
    from questions.importing import threads_import

    write(workdir, "bad.txt", "")
    summary = threads_import(paths=[str(workdir)], batch_size=2, workers=2)
    assert (summary.counts["created"], summary.counts["failed"]) == (5, 1)
    assert summary.failures[0].line == 1  # errors keep their line across processes
    assert Answer.objects.count() == 4 + 7 + 10 + 10 + 5
    mesobotox = Question.objects.get(source_key="bd6cf83177b9ec6f")
    assert "mesobotox" in set(mesobotox.procedures.slugs())


# --- What a new thread derives, written by the INSERT itself --------------------------


def derived_columns() -> dict[int, dict]:
    rows = Question.objects.values(
        "id", "answer_count", "has_named_doctor", "doctor_specialties", "search_vector"
    )
    # The order of the specialties carries no meaning; the filter tests membership.
    return {
        row["id"]: {**row, "doctor_specialties": sorted(row["doctor_specialties"])} for row in rows
    }


def assert_derived_as_a_refresh_would_store_them():
    stored = derived_columns()
    question_refresh_derived(question_ids=list(stored))
    assert stored == derived_columns()


# One batch is stored by this process alone; with smaller batches, parsing processes
# parse the files and have PostgreSQL build the search vectors over their own connections.
@pytest.mark.parametrize("batch_size", [500, 50])
def test_new_threads_get_the_facts_and_search_vector_a_refresh_would_give(
    seed_dir, tmp_path, batch_size
):
    from bench.generate_corpus import write_corpus

    write_corpus(tmp_path / "corpus", 300, seed=3, jobs=1)
    status, _, _ = run_import(seed_dir, tmp_path / "corpus", batch_size=batch_size)
    assert status in (0, 1)
    assert Question.objects.count() > 290
    # The comparison means something only if the threads vary in what they derive.
    assert Question.objects.filter(has_named_doctor=True).exists()
    assert Question.objects.filter(has_named_doctor=False, answer_count__gt=0).exists()
    assert Question.objects.exclude(doctor_specialties=[]).exists()
    assert_derived_as_a_refresh_would_store_them()


def test_a_restored_backup_derives_from_published_answers_and_its_own_tags(seed_dir, tmp_path):
    run_import(seed_dir)
    question = Question.objects.get(source_key="3982621ed726bc94")
    hidden = question.answers.get(position=2)
    hidden.status = Answer.Status.HIDDEN
    hidden.body = "Zanzibarian quokkas"
    hidden.save()
    question.areas.add(TreatmentArea.objects.get(slug="neck"))
    backup = tmp_path / "backup.jsonl"
    call_command("export_threads", output=str(backup), verbosity=0)
    Question.objects.all().delete()
    Doctor.objects.all().delete()

    assert run_import(backup)[0] == 0
    restored = Question.objects.get(source_key="3982621ed726bc94")
    assert restored.answer_count == 9
    assert not Question.objects.search("quokkas").exists()
    assert Question.objects.search("neck").filter(pk=restored.pk).exists()
    assert_derived_as_a_refresh_would_store_them()


def test_a_large_import_refreshes_the_planner_statistics(seed_dir, monkeypatch):
    from django.test.utils import CaptureQueriesContext

    from questions import importing

    def analyzed(**options) -> list[str]:
        # Read from the statements sent: reltuples could be rewritten at any moment by
        # autovacuum analysing the same table.
        with CaptureQueriesContext(connection) as queries:
            run_import(seed_dir, **options)
        return [q["sql"] for q in queries if q["sql"].startswith("ANALYZE")]

    monkeypatch.setattr(importing, "ANALYZE_AT_END", 5)  # "large": five threads, here
    assert analyzed(dry_run=True) == []  # a dry run writes nothing and analyses nothing
    [statement] = analyzed()
    assert "questions_question" in statement and "answers_answer" in statement
    assert analyzed() == []  # five unchanged files: nothing written, nothing to refresh
