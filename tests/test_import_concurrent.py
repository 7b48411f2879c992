"""Imports running at the same time, and `--shard K/N`.

Two real `import_threads` processes load overlapping slices of a generated corpus, one of
them in the opposite order (the worst case for row locks), against the test database;
the result must be the database one run over all the files gives.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from answers.models import Answer, Doctor
from questions.importing import Shard
from questions.importing.session import RUN_LOCK_CLASS
from questions.models import (
    ImportRecord,
    ImportRun,
    Question,
    TaggedArea,
    TaggedProcedure,
    ThreadChange,
)

ROOT = Path(__file__).resolve().parent.parent
THREADS = ROOT / "fixtures" / "threads"
sys.path.insert(0, str(ROOT))

from bench.generate_corpus import file_name, generate_thread  # noqa: E402

FILES = int(os.environ.get("CONCURRENT_IMPORT_FILES", "1600"))
# Run as `python -c`: the import command, pointed at the test database, on the files
# listed in a file (one path a line, in the order given).
IMPORT_IN_A_CHILD = """
import sys, django
from django.conf import settings
settings.DATABASES["default"]["NAME"] = sys.argv[1]
django.setup()
from django.core.management import execute_from_command_line
paths = open(sys.argv[2]).read().split()
execute_from_command_line(["manage.py", "import_threads", *paths, "-v0"])
"""


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> list[Path]:
    """The five seed threads, 300 times over under distinct page ids: the same doctors
    in every copy, so two runs race to create each of them."""
    folder = tmp_path_factory.mktemp("samples")
    for n in range(300):
        for index, sample in enumerate(sorted(THREADS.glob("*.txt"))):
            shutil.copyfile(sample, folder / f"{n:04d}_{n * 8 + index:016x}.txt")
    return sorted(folder.iterdir())


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[Path]:
    """FILES generated threads: thousands of doctors shared across threads, banner
    pages. No rescrapes: two files of one page import to the later one's thread, and
    with runs going opposite ways "later" is a matter of order, not of concurrency."""
    folder = tmp_path_factory.mktemp("generated")
    for index in range(FILES):
        (folder / file_name(index, seed=7)).write_text(generate_thread(index, seed=7))
    return sorted(folder.iterdir())


def database_checksum(*, bylines_by_name: bool = False) -> dict[str, str]:
    """Every stored fact an import writes, table by table, in a stable order, hashed.

    `bylines_by_name`: compare answers' doctors by normalised name, and of the doctors
    with a place line only who they are. A byline without a place line joins the one
    doctor of that name known *so far* (answers.identity), so which doctor it lands on,
    and which doctor its rating and credentials are folded into, depends on the order the
    files are read in; so does a doctor's display name and slug, from the first of its
    spellings read ("Anil J. Jenkins", "Anil J Jenkins"). In one run as in several: a
    single run over the files in reverse order differs the same way.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT source_key, search_vector::text FROM questions_question ORDER BY 1")
        vectors = cursor.fetchall()
    doctors = Doctor.objects.exclude(place="") if bylines_by_name else Doctor.objects.all()
    question_fields = ["source_key", "title", "body", "answer_count", "is_complete"]
    question_fields += ["is_published", "content_hash"]
    doctor_fields = ["identity_key", "place"]
    if not bylines_by_name:
        question_fields += ["has_named_doctor", "doctor_specialties"]
        doctor_fields += ["name", "slug", "credentials", "specialty", "rating", "review_count"]
    answers = Answer.objects.order_by("question__source_key", "position").values_list(
        "question__source_key",
        "position",
        "headline",
        "body",
        "status",
        "doctor__identity_key",
        "byline_place",
        "byline_specialty",
        "byline_rating",
    )
    if bylines_by_name:  # the identity key's name part
        answers = [(*a[:5], (a[5] or "").split("|")[0], *a[6:]) for a in answers]
    tables = {
        "questions": Question.objects.order_by("source_key").values_list(*question_fields),
        "answers": answers,
        "doctors": doctors.order_by("identity_key").values_list(*doctor_fields),
        "areas": TaggedArea.objects.order_by("content_object__source_key", "tag__slug").values_list(
            "content_object__source_key", "tag__slug", "auto"
        ),
        "procedures": TaggedProcedure.objects.order_by(
            "content_object__source_key", "tag__slug"
        ).values_list("content_object__source_key", "tag__slug", "auto"),
    }
    if not bylines_by_name:  # the vectors hold the answering doctors' specialties
        tables["vectors"] = vectors
    return {
        name: f"{len(rows)} rows {hashlib.sha256(repr(list(rows)).encode()).hexdigest()[:16]}"
        for name, rows in tables.items()
    }


def import_all(*args, **options) -> None:
    """call_command, where the generated banner pages failing (exit status 1) is right."""
    try:
        call_command("import_threads", *args, stdout=StringIO(), stderr=StringIO(), **options)
    except CommandError as exc:
        if exc.returncode != 1:
            raise


def wipe() -> None:
    for model in (Answer, Question, Doctor, ImportRecord, ImportRun, ThreadChange):
        model.objects.all().delete()


def start_import(paths: list[Path], listing: Path) -> subprocess.Popen:
    listing.write_text("\n".join(map(str, paths)))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kbsite.settings_test"}
    return subprocess.Popen(
        [sys.executable, "-c", IMPORT_IN_A_CHILD, connection.settings_dict["NAME"], listing],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def import_concurrently(corpus: list[Path], folder: Path) -> None:
    """Two runs over two thirds of `corpus` each, overlapping in the middle third; the
    second walks its files backwards, so they meet head-on, taking row locks in opposite
    orders. Both must finish, overlapping in time, and record every file."""
    third = len(corpus) // 3
    first, second = corpus[: 2 * third], corpus[third:][::-1]
    runs = [start_import(first, folder / "a"), start_import(second, folder / "b")]
    errors = []
    for child in runs:
        _, err = child.communicate(timeout=300)
        # 1: some files failed (the generated banner pages), each said on a line.
        assert child.returncode in (0, 1) and "Traceback" not in err, err[-3000:]
        errors += err.splitlines()
    assert not [line for line in errors if "database refused" in line]

    a, b = ImportRun.objects.order_by("started_at")
    assert a.finished_at and b.finished_at and not (a.interrupted or b.interrupted)
    assert b.started_at < a.finished_at, "the runs did not overlap: one waited for the other"
    sizes = sorted([len(first), len(second)])
    assert sorted([a.files_total, b.files_total]) == sizes
    assert sorted([a.records.count(), b.records.count()]) == sizes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_runs_on_overlapping_files_give_the_database_of_one_run(samples, tmp_path):
    import_concurrently(samples, tmp_path)
    concurrent = database_checksum()

    wipe()
    import_all(*map(str, samples))
    assert database_checksum() == concurrent


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_runs_on_a_generated_corpus_give_the_threads_of_one_run(generated, tmp_path):
    import_concurrently(generated, tmp_path)
    concurrent = database_checksum(bylines_by_name=True)
    assert Doctor.objects.exclude(place="").count() > 1000  # many doctors, raced for

    wipe()
    import_all(*map(str, generated))
    assert database_checksum(bylines_by_name=True) == concurrent


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_shards_of_a_corpus_together_import_it_exactly_once(generated):
    corpus = generated
    folder = str(corpus[0].parent)
    taken = []
    for number in (1, 2, 3):
        import_all(folder, shard=f"{number}/3")
        run = ImportRun.objects.order_by("-id").first()
        taken.append(set(run.records.values_list("path", flat=True)))
    assert all(taken), "a shard was empty"
    assert sum(map(len, taken)) == len(corpus)  # disjoint
    assert set().union(*taken) == {str(path) for path in corpus}  # and complete
    # Shard by shard is another order of the files: bylines without a place line may land
    # on other doctors (see database_checksum), nothing else may differ.
    sharded = database_checksum(bylines_by_name=True)

    wipe()
    import_all(folder)
    assert database_checksum(bylines_by_name=True) == sharded


def test_a_shard_is_a_stable_hash_of_the_file_name():
    shard = Shard.parse("2/4")
    names = [f"thread_{n:06x}.txt" for n in range(4000)]
    mine = [name for name in names if shard.takes(name)]
    assert 800 < len(mine) < 1200
    # The folder does not matter: another machine mounts the corpus elsewhere.
    assert [n for n in names if shard.takes(f"/mnt/other/{n}")] == mine
    # Fixed across processes and versions: not Python's salted hash().
    assert [n for n in names[:40] if shard.takes(n)][:3] == [
        "thread_000000.txt",
        "thread_000008.txt",
        "thread_000011.txt",
    ]


@pytest.mark.parametrize(
    ("value", "reason"),
    [("2", "a shard is K/N"), ("0/4", "K must be from 1 to N"), ("5/4", "K must be from 1 to N")],
)
def test_a_bad_shard_is_a_usage_error(seed_dir, value, reason):
    with pytest.raises(CommandError, match=reason) as raised:
        call_command("import_threads", str(seed_dir), shard=value)
    assert raised.value.returncode == 2


@pytest.mark.django_db
def test_the_next_run_marks_only_dead_runs_interrupted(seed_dir):
    dead = ImportRun.objects.create(arguments=["dead/"])
    alive = ImportRun.objects.create(arguments=["alive/"])
    other = connection.copy()  # the live run's own session holds its lock
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [RUN_LOCK_CLASS, alive.pk])
        started = time.monotonic()
        call_command("import_threads", str(seed_dir), stdout=StringIO())
        assert time.monotonic() - started < 30  # it did not wait for the live run
    finally:
        other.close()

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.interrupted
    assert not alive.interrupted and alive.finished_at is None
