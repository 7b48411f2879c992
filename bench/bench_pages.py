"""Benchmark: time the public pages over an existing database.

    make bench-pages                                  # the project's database
    make bench-pages BENCH_ARGS="--repeat 50"
    make bench-pages BENCH_ARGS="--database kbsite_bench"       # after make bench-import

Fill the database first (`manage.py import_threads DIR`, or `make bench-import`, which
leaves 100,000 threads in `kbsite_bench`). Each page is requested in-process with Django's
test client, which runs the whole stack (middleware, views, templates) minus the network,
a few times to warm the caches and then --repeat times; the script prints the median and
95th-percentile wall time, the number of SQL queries and the size of each page. Pages whose
URLs depend on the data (the busiest procedure, a prolific doctor, a thread with many
answers...) are chosen from the database before timing starts.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbsite.settings")
# Time what production runs: DEBUG off, so templates come from the cached loader and no
# query log grows. Static files are named plainly, so no collectstatic is needed first.
os.environ["DEBUG"] = "0"
os.environ.setdefault("STATIC_PLAIN", "1")


def pick_pages():
    """(label, url) for every page worth timing, chosen from what the database holds."""
    from django.db.models import Count, Q

    from answers.models import Answer, Doctor
    from questions.models import Procedure, Question, TreatmentArea

    published = Question.objects.published()
    total = published.count()
    if not total:
        sys.exit("The database holds no published threads: import some first.")
    procedure = Procedure.objects.annotate(n=Count("tagged_items")).order_by("-n").first()
    rare_procedure = (
        Procedure.objects.annotate(n=Count("tagged_items")).filter(n__gt=0).order_by("n").first()
    )
    area = TreatmentArea.objects.annotate(n=Count("tagged_items")).order_by("-n").first()
    second_area = (
        TreatmentArea.objects.annotate(n=Count("tagged_items")).order_by("-n")[1:2].first()
    )
    specialty = (
        Doctor.objects.exclude(specialty="")
        .values("specialty")
        .annotate(n=Count("answers"))
        .order_by("-n")
        .first()
    )
    doctor = Doctor.objects.annotate(n=Count("answers")).order_by("-n").first()
    newest = published.order_by("-created_at").first()
    most_answered = published.order_by("-answer_count").first()
    middle = published.order_by("pk")[total // 2]
    last_page = max(1, (total - 1) // 20)

    pages = [
        ("list: home", "/"),
        ("list: page 2", "/?page=2"),
        (f"list: page {last_page} (last)", f"/?page={last_page}"),
        ("list: most answered", "/?sort=answered"),
        ("list: recently captured", "/?sort=captured"),
        ("search: common word", "/?q=botox"),
        ("search: two words", "/?q=smile+swelling"),
        ("search: phrase", '/?q="dermal+filler"'),
        ("search: no match", "/?q=xylophonist"),
        ("search: long odd query", "/?q=" + "(((botox+OR+-filler+%22lips+" * 12),
    ]
    if procedure:
        pages += [
            ("filter: procedure", f"/?procedure={procedure.slug}"),
            ("filter: procedure, captured", f"/?procedure={procedure.slug}&sort=captured"),
            ("procedure page", procedure.get_absolute_url()),
            ("procedure feed", f"{procedure.get_absolute_url()}feed/"),
        ]
    if rare_procedure:
        pages.append(("filter: rare procedure", f"/?procedure={rare_procedure.slug}"))
    if area and second_area:
        pages += [
            ("filter: two areas", f"/?area={area.slug}&area={second_area.slug}"),
            ("area page", area.get_absolute_url()),
        ]
    if specialty:
        pages.append(
            ("filter: specialty", "/?specialty=" + specialty["specialty"].replace(" ", "+"))
        )
    pages.append(("filter: named doctors", "/?named=1"))
    if procedure and area:
        pages.append(
            (
                "search + filters",
                f"/?q=smile&procedure={procedure.slug}&area={area.slug}&named=1&sort=answered",
            )
        )
    pages += [
        ("thread: newest", newest.get_absolute_url()),
        (f"thread: most answers ({most_answered.answer_count})", most_answered.get_absolute_url()),
        ("thread: middle of the table", middle.get_absolute_url()),
        ("procedures index", "/procedures/"),
        ("areas index", "/areas/"),
    ]
    if doctor:
        answers = Answer.objects.filter(Q(doctor=doctor)).count()
        pages.append((f"doctor: most answers ({answers})", doctor.get_absolute_url()))
    pages += [
        ("feed", "/feed/"),
        ("sitemap index", "/sitemap.xml"),
        ("sitemap: questions p1", "/sitemap-questions.xml"),
        ("robots.txt", "/robots.txt"),
    ]
    return total, pages


def percentile(values, share):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="Timed requests per page.")
    parser.add_argument("--warmup", type=int, default=2, help="Untimed requests per page.")
    parser.add_argument("--only", default="", help="Time only pages whose label contains this.")
    parser.add_argument(
        "--queries", action="store_true", help="Also print each page's SQL with its time."
    )
    parser.add_argument(
        "--database",
        help="Another database on the same server, e.g. kbsite_bench after make bench-import.",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    if args.database:
        # Before the first connection is opened, so it is the one used.
        settings.DATABASES["default"]["NAME"] = args.database
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    host = (settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".")
    client = Client(HTTP_HOST=host)
    total, pages = pick_pages()
    db = connection.settings_dict["NAME"]
    print(f"{total:,} published threads in {db}; {args.repeat} timed requests per page\n")
    print(f"{'page':<40} {'median ms':>9} {'p95 ms':>8} {'queries':>7} {'KB':>7}")
    failures = []
    for label, url in pages:
        if args.only and args.only not in label:
            continue
        for _ in range(args.warmup):
            client.get(url)
        timings = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                failures.append(f"{label}: {url} answered {response.status_code}")
                break
        size = len(response.content) / 1024
        print(
            f"{label[:40]:<40} {statistics.median(timings):>9.1f} "
            f"{percentile(timings, 0.95):>8.1f} {len(queries):>7} {size:>7.1f}"
        )
        if args.queries:
            # Times of the last request: enough to see which query dominates.
            for query in queries.captured_queries:
                print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:110]}")
    if failures:
        print("\n" + "\n".join(failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
