"""The pages `make bench` loads, chosen from the database in DATABASE_URL.

    python bench/bench_urls.py            # prints label<TAB>path, one page type a line
    python bench/bench_urls.py --time 50  # times 50 searches and 50 filter combinations

Run by bench/bench_serve.py with DATABASE_URL set to the benchmark's database.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbsite.settings")
os.environ.update(DEBUG="0", STATIC_PLAIN="1", PAGE_CACHE_SECONDS="0")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")

# Words of the generated corpus, from everywhere to nowhere, for the varied searches.
SEARCH_WORDS = [
    "botox", "filler", "swelling", "smile", "cheeks", "lips", "bruising", "pain", "weeks",
    "forehead", "droopy", "eyelid", "asymmetry", "dissolve", "hyaluronidase", "lump",
    "nose", "jawline", "masseter", "migraine", "crow", "frown", "permanent", "xylophonist",
]  # fmt: skip


def pick_pages():
    from django.db.models import Count

    from answers.models import Doctor
    from questions.models import Procedure, Question, TreatmentArea

    published = Question.objects.published()
    total = published.count()
    procedure = Procedure.objects.annotate(n=Count("tagged_items")).order_by("-n").first()
    area = TreatmentArea.objects.annotate(n=Count("tagged_items")).order_by("-n").first()
    specialty = (
        Doctor.objects.exclude(specialty="").values("specialty").annotate(n=Count("answers"))
    ).order_by("-n")[0]["specialty"]
    doctor = Doctor.objects.annotate(n=Count("answers")).order_by("-n")[10]
    one = published.filter(answer_count=1).order_by("-id").first()
    most = published.filter(answer_count__gte=20).order_by("-id").first() or (
        published.order_by("-answer_count").first()
    )
    return [
        ("/healthz", "/healthz"),
        ("list: home", "/"),
        ("list: deep page", f"/?page={max(1, total // 20 - 5)}"),
        ("list: procedure + area", f"/?procedure={procedure.slug}&area={area.slug}"),
        ("list: specialty", "/?" + urlencode({"specialty": specialty})),
        ("search: word in most threads", "/?q=botox"),
        ("search: word in a few", "/?q=hyaluronidase+lump"),
        ("search: word in none", "/?q=xylophonist"),
        ("thread: 1 answer", one.get_absolute_url()),
        (f"thread: {most.answer_count} answers", most.get_absolute_url()),
        ("area page", area.get_absolute_url()),
        ("procedure page", procedure.get_absolute_url()),
        ("doctor page", doctor.get_absolute_url()),
        ("sitemap index", "/sitemap.xml"),
        ("sitemap section", "/sitemap-questions.xml?p=2"),
        ("feed", "/feed/"),
    ]  # fmt: skip


def varied_queries(count):
    """`count` searches and `count` filter combinations, the same on every run."""
    from answers.models import Doctor
    from questions.models import Procedure, TreatmentArea

    rng = random.Random(1)
    procedures = list(Procedure.objects.values_list("slug", flat=True))
    areas = list(TreatmentArea.objects.values_list("slug", flat=True))
    specialties = list(
        Doctor.objects.exclude(specialty="").values_list("specialty", flat=True).distinct()
    )
    searches = [
        {"q": " ".join(rng.sample(SEARCH_WORDS, rng.choice([1, 1, 2, 3])))} for _ in range(count)
    ]
    filters = []
    for _ in range(count):
        params = {"procedure": rng.choice(procedures)}
        params["area"] = rng.sample(areas, rng.choice([0, 1, 1, 2]))
        if rng.random() < 0.3:
            params["specialty"] = rng.choice(specialties)
        if rng.random() < 0.3:
            params["named"] = "1"
        if rng.random() < 0.2:
            params["sort"] = "answered"
        filters.append(params)
    return searches, filters


def time_queries(count):
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/")  # the facet index is built once per process, not per request
    searches, filters = varied_queries(count)
    for label, params_list in (("searches", searches), ("filter combinations", filters)):
        times = []
        for params in params_list:
            started = time.perf_counter()
            response = client.get("/", params)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (params, response.status_code)
        q = statistics.quantiles(times, n=100)
        print(
            f"In one process, {count} {label}, cold: "
            f"p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, p99 {q[98]:.1f} ms"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time", type=int, default=0, help="Time N searches and N filters.")
    args = parser.parse_args()
    import django

    django.setup()
    if args.time:
        time_queries(args.time)
    else:
        for label, path in pick_pages():
            print(f"{label}\t{path}")


if __name__ == "__main__":
    main()
