"""Benchmark: the curators' admin pages over many threads and doctors.

    .venv/bin/python bench/bench_admin.py --fill                   # 100,000 threads, 20,000 doctors
    .venv/bin/python bench/bench_admin.py --fill --doctors 100000  # more doctors
    .venv/bin/python bench/bench_admin.py                          # time again, no refill

--fill drops and re-creates a scratch database (`kbsite_bench_admin`, on the project's
server), migrates it and fills it in bulk: threads tagged with procedures and areas (a
few tags on most threads, as imports make), one answer per thread by a random doctor, and
doctors with names drawn from the corpus generator's lists plus made-up surnames, some
of them the same doctor again (another place, a middle initial dropped, a surname
misspelt), as scraping makes. Then each admin page is requested in-process as a
superuser (Django's test client, DEBUG off), and the queries that the sidebars and the
possible-duplicates page run are shown with EXPLAIN (ANALYZE, BUFFERS) timings.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbsite.settings")
os.environ["DEBUG"] = "0"
os.environ.setdefault("STATIC_PLAIN", "1")

BENCH_DB = "kbsite_bench_admin"
BATCH = 5000


def made_up_surnames(r, n):
    syllables = [
        "ka",
        "ro",
        "mi",
        "ten",
        "bar",
        "lo",
        "vic",
        "son",
        "der",
        "ha",
        "mor",
        "li",
        "an",
        "sel",
        "gu",
        "to",
        "ber",
        "nes",
        "pa",
        "wick",
    ]
    names = set()  # 20 syllables, 2 to 4 of them: some 168,000 names to draw from
    while len(names) < n:
        names.add("".join(r.choice(syllables) for _ in range(r.randint(2, 4))).capitalize())
    return sorted(names)


def doctor_names(r, count):
    """(name, place) pairs: common surnames often, made-up ones for the long tail, and
    about 3% the same doctor again in another spelling or place."""
    from bench.generate_corpus import CA_PLACES, FIRST, LAST, US_PLACES, WORLD_PLACES

    places = [*US_PLACES, *CA_PLACES, *WORLD_PLACES]
    surnames = LAST + made_up_surnames(r, max(1000, count // 4))
    # Zipf-like: the first surnames (the generator's common ones) are drawn far more often.
    weights = [1 / (i + 1) ** 0.8 for i in range(len(surnames))]
    seen, rows = set(), []
    while len(rows) < count:
        if rows and r.random() < 0.03:
            name, place = r.choice(rows)
            variant = r.random()
            if variant < 0.4:
                place = r.choice(places)
            elif variant < 0.7:
                *given, last = name.split()
                name = " ".join([*given[:1], last])
            else:
                first, *rest = name.split()
                last = rest[-1]
                i = r.randrange(1, max(2, len(last) - 1))
                rest[-1] = last[:i] + last[i + 1 : i + 2] + last[i] + last[i + 2 :]
                name = " ".join([first, *rest])
        else:
            first = r.choice(FIRST)
            middle = f" {chr(65 + r.randrange(26))}." if r.random() < 0.3 else ""
            name = f"{first}{middle} {r.choices(surnames, weights)[0]}"
            place = r.choice(places)
        if (name, place) not in seen:
            seen.add((name, place))
            rows.append((name, place))
    return rows


def fill(threads, doctors, seed):
    from django.core.management import call_command
    from django.utils.text import slugify

    from answers.identity import identity_key
    from answers.models import Answer, Doctor
    from questions.models import Procedure, Question, TaggedArea, TaggedProcedure, TreatmentArea

    r = random.Random(seed)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    specialties = [f"Specialty {i}" for i in range(40)]
    keys = set()
    rows = []
    for i, (name, place) in enumerate(doctor_names(r, doctors)):
        key = identity_key(name, place)
        if key in keys:
            continue
        keys.add(key)
        rows.append(
            Doctor(
                name=name,
                place=place,
                specialty=r.choice(specialties),
                identity_key=key,
                slug=f"{slugify(name)[:180]}-{i}",
            )
        )
    Doctor.objects.bulk_create(rows, batch_size=BATCH)
    doctor_ids = list(Doctor.objects.values_list("id", flat=True))
    procedures = list(Procedure.objects.values_list("id", flat=True))
    areas = list(TreatmentArea.objects.values_list("id", flat=True))
    for start in range(0, threads, BATCH):
        batch = Question.objects.bulk_create(
            Question(
                source_key=f"k{n:07d}",
                title=f"Question {n} about a treatment and what it did to my face",
                slug=f"question-{n}",
                body="What happened and is it permanent?",
                answer_count=1,
            )
            for n in range(start, min(threads, start + BATCH))
        )
        TaggedProcedure.objects.bulk_create(
            TaggedProcedure(content_object=q, tag_id=tag, auto=True)
            for q in batch
            for tag in {r.choices(procedures, [1 / (i + 1) for i in range(len(procedures))])[0]}
        )
        TaggedArea.objects.bulk_create(
            TaggedArea(content_object=q, tag_id=tag, auto=True)
            for q in batch
            for tag in set(r.sample(areas, r.randint(1, 2)))
        )
        Answer.objects.bulk_create(
            Answer(question=q, position=1, body="An answer.", doctor_id=r.choice(doctor_ids))
            for q in batch
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"filled in {time.perf_counter() - started:.0f} s")


def time_pages(client, pages, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    print(f"{'page':<44} {'median ms':>9} {'p95 ms':>8} {'queries':>7}")
    for label, url in pages:
        client.get(url)
        timings = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        print(f"{label:<44} {statistics.median(timings):>9.1f} {p95:>8.1f} {len(queries):>7}")


def explain(label, queryset_or_sql):
    from django.db import connection

    sql, params = (
        (queryset_or_sql, [])
        if isinstance(queryset_or_sql, str)
        else queryset_or_sql.query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    total = next(line for line in plan if line.startswith("Execution Time"))
    buffers = next((line.strip() for line in plan if "Buffers" in line), "")
    print(f"  {label:<52} {total.split(':')[1].strip():>12}  {buffers}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fill", action="store_true", help="Re-create and fill the database.")
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--doctors", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database", default=BENCH_DB)
    args = parser.parse_args()

    if args.fill:
        from bench.bench_import import scratch_database_url

        scratch_database_url(args.database)  # drops and creates it
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    settings.DATABASES["default"]["NAME"] = args.database
    if args.fill:
        fill(args.threads, args.doctors, args.seed)

    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from answers.duplicates import possible_duplicates
    from answers.models import Answer, Doctor
    from kbsite.admin_utils import FILTER_LIMIT
    from questions.models import Procedure, Question

    User = get_user_model()
    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    host = (settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".")
    client = Client(HTTP_HOST=host)
    client.force_login(admin)
    doctors = Doctor.objects.count()
    print(f"{Question.objects.count():,} threads, {doctors:,} doctors in {args.database}\n")

    rows = list(Doctor.objects.values_list("id", "identity_key"))
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        groups = possible_duplicates(rows)
        timings.append((time.perf_counter() - started) * 1000)
    grouped = sum(len(g.doctor_ids) for g in groups)
    print(
        f"possible_duplicates over {len(rows):,} doctors: median "
        f"{statistics.median(timings):.0f} ms; {len(groups):,} groups of {grouped:,} doctors\n"
    )

    rare = Procedure.objects.annotate(n=Count("tagged_items")).order_by("n", "name").first()
    place = Doctor.objects.order_by("id").values_list("place", flat=True).first()
    pages = [
        ("thread list", reverse("admin:questions_question_changelist")),
        (
            "thread list, rarest procedure",
            f"{reverse('admin:questions_question_changelist')}?procedure={rare.slug}",
        ),
        ("doctor list", reverse("admin:answers_doctor_changelist")),
        ("doctor list, one place", f"{reverse('admin:answers_doctor_changelist')}?place={place}"),
        ("answer list", reverse("admin:answers_answer_changelist")),
        ("possible duplicates", reverse("admin:answers_doctor_duplicates")),
        ("possible duplicates, page 3", reverse("admin:answers_doctor_duplicates") + "?p=3"),
    ]
    time_pages(client, pages, args.repeat)

    print("\nEXPLAIN (ANALYZE, BUFFERS): the sidebars' queries, now and before")
    explain(
        "procedures, most used (now)",
        Procedure.objects.annotate(n=Count("tagged_items"))
        .order_by("-n", "name")
        .values_list("slug", "name")[: FILTER_LIMIT + 1],
    )
    explain(
        "places, most doctors (now)",
        Doctor.objects.exclude(place="")
        .values_list("place")
        .annotate(n=Count("pk"))
        .order_by("-n", "place")[: FILTER_LIMIT + 1],
    )
    explain(
        "places, every one (before)",
        Doctor.objects.distinct().order_by("place").values_list("place"),
    )
    explain(
        "answers' doctor specialties, every one (before)",
        Answer.objects.distinct().order_by("doctor__specialty").values_list("doctor__specialty"),
    )
    explain(
        "every doctor's identity (duplicates)", Doctor.objects.values_list("id", "identity_key")
    )


if __name__ == "__main__":
    main()
