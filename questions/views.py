"""The public browse pages: thread list and search, thread, procedures and areas.

Every view loads a fixed number of queries whatever the rows shown (pinned in the
tests/test_views_* modules) and only ever reads published threads and published answers.
"""

import functools
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_GET

from answers.models import Answer, Doctor
from kbsite.pagination import paginate
from questions.facets import facet_index
from questions.forms import (
    SORT_CHOICES,
    SORT_NEWEST,
    SORT_RELEVANCE,
    ThreadFilterForm,
)
from questions.listing import NewestFirst, find_threads, related_threads
from questions.models import Procedure, Question, TreatmentArea

# Facet links shown before the "all of them" disclosure.
FACETS_SHOWN = 8


def _default_sort(filters):
    return SORT_RELEVANCE if filters["q"] else SORT_NEWEST


def _sort_links(filters):
    """The sorts that make sense here (best match only when searching), as links.

    The default sort has no parameter, so each ordering has one URL.
    """
    default = _default_sort(filters)
    return [
        {
            "label": label,
            "active": value == filters["sort"],
            "value": None if value == default else value,
        }
        for value, label in SORT_CHOICES
        if value != SORT_RELEVANCE or filters["q"]
    ]


def _filter_query(filters):
    """The canonical query string of the valid filters: what every link on the page keeps.

    Built from the cleaned values, so junk in the URL does not follow the visitor around.
    """
    query = QueryDict(mutable=True)
    if filters["q"]:
        query["q"] = filters["q"]
    if filters["procedure"]:
        query["procedure"] = filters["procedure"]
    if filters["areas"]:
        query.setlist("area", filters["areas"])
    if filters["specialty"]:
        query["specialty"] = filters["specialty"]
    if filters["named"]:
        query["named"] = "1"
    if filters["sort"] != _default_sort(filters):
        query["sort"] = filters["sort"]
    return query


def _facets(tags, counts, *, active, toggle, show_counts=True):
    """Facet entries for a vocabulary: counts in the current results, active ones kept.

    `toggle(slug)` returns the value the filter parameter takes when the link is followed.
    The most frequent come first; an active filter always shows, even at zero.
    """
    entries = [
        {
            "tag": tag,
            "count": counts.get(tag.pk, 0) if show_counts else None,
            "active": tag.slug in active,
            "value": toggle(tag.slug),
        }
        for tag in tags
        if counts.get(tag.pk) or tag.slug in active
    ]
    entries.sort(
        key=lambda e: (not e["active"], -counts.get(e["tag"].pk, 0), e["tag"].name.lower())
    )
    return {"shown": entries[:FACETS_SHOWN], "more": entries[FACETS_SHOWN:]}


def _specialties():
    return list(
        Doctor.objects.exclude(specialty="")
        .order_by("specialty")
        .values_list("specialty", flat=True)
        .distinct()
    )


@require_GET
def question_list(request):
    procedures = list(Procedure.objects.only("pk", "slug", "name"))
    areas = list(TreatmentArea.objects.only("pk", "slug", "name"))
    form = ThreadFilterForm(
        request.GET, procedures=procedures, areas=areas, specialties=_specialties()
    )
    filters = form.filters()
    by_slug = {t.slug: t for t in [*procedures, *areas]}
    found = find_threads(filters, by_slug)
    page = paginate(request, found.rows, count=found.pages_total)
    page.object_list = found.page_rows(page.object_list)
    add_doctor_names(page.object_list)

    active_areas = filters["areas"]
    procedure_facets = _facets(
        procedures,
        found.counts["procedures"],
        active={filters["procedure"]},
        toggle=lambda slug: None if slug == filters["procedure"] else slug,
        show_counts=not found.capped,
    )
    area_facets = _facets(
        areas,
        found.counts["areas"],
        active=set(active_areas),
        toggle=lambda slug: (
            [a for a in active_areas if a != slug]
            if slug in active_areas
            else [*active_areas, slug]
        ),
        show_counts=not found.capped,
    )
    is_filtered = any(
        [
            filters["procedure"],
            filters["areas"],
            filters["specialty"],
            filters["named"],
        ]
    )
    context = {
        "form": form,
        "filters": filters,
        "filter_query": _filter_query(filters),
        "sort_links": _sort_links(filters),
        "page_obj": page,
        "questions": page.object_list,
        "result_total": found.counts["total"],
        "result_capped": found.capped,
        "suggestion": found.suggestion,
        "search_limit": f"{found.limit:,}",
        "procedure_facets": procedure_facets,
        "area_facets": area_facets,
        "active_procedure": by_slug.get(filters["procedure"]),
        "active_areas": [
            {"tag": by_slug[slug], "value": [a for a in active_areas if a != slug]}
            for slug in active_areas
        ],
        "is_filtered": is_filtered,
        # Shown on the collapsed filter panel of a phone: what it holds is in use.
        "facets_selected": bool(filters["procedure"]) + len(active_areas),
        # The home page says what the site is; searches and filters lead with results.
        "is_home": not filters["q"] and not is_filtered and page.number == 1,
        "page_title": _list_title(filters, by_slug, page),
        "page_description": (
            "Patients' questions about cosmetic treatments, answered by doctors: search "
            "and filter by procedure, treatment area and doctor specialty."
        ),
    }
    return render(request, "questions/question_list.html", context)


def _list_title(filters, by_slug, page):
    if filters["q"]:
        title = f"Search: {filters['q']}"
    elif filters["procedure"]:
        title = f"{by_slug[filters['procedure']].name} questions"
    else:
        title = "Patients' questions, answered by doctors"
    return f"{title} (page {page.number})" if page.number > 1 else title


def add_doctor_names(questions):
    """Set `doctor_names` on each row: the named answering doctors, once each, page order.

    Reads the `named_answers` that QuestionQuerySet.for_list() prefetched.
    """
    for question in questions:
        names = []
        for answer in question.named_answers:
            if answer.doctor.name not in names:
                names.append(answer.doctor.name)
        question.doctor_names = names


def _shown_answers():
    """Published answers in display order, each with its doctor: one query per thread."""
    return Prefetch(
        "answers",
        queryset=Answer.objects.published().in_display_order().select_related("doctor"),
        to_attr="shown_answers",
    )


# Structured data repeats the page's text for search engines; a long thread's is cut, so
# that a page does not carry its text twice over (a 1.9 MB thread made a 4 MB page).
JSON_LD_TEXT_CHARS = 5_000


def _bounded(text):
    return Truncator(text).chars(JSON_LD_TEXT_CHARS)


def _qa_page_data(request, question, answers):
    """schema.org QAPage for search engines: the question and each answer with author."""
    url = request.build_absolute_uri(question.get_absolute_url())

    def author(answer):
        if answer.doctor_id:
            return {
                "@type": "Person",
                "name": answer.doctor.name,
                "url": request.build_absolute_uri(answer.doctor.get_absolute_url()),
            }
        # Unnamed bylines: schema.org wants an author, and "a doctor" is what we know.
        return {"@type": "Person", "name": answer.byline_specialty or "Doctor"}

    return {
        "@context": "https://schema.org",
        "@type": "QAPage",
        "mainEntity": {
            "@type": "Question",
            "name": question.title,
            "text": _bounded(question.body or question.title),
            "answerCount": max(len(answers), question.declared_answer_count or 0),
            "dateCreated": question.created_at.isoformat(),
            "url": url,
            "suggestedAnswer": [
                {
                    "@type": "Answer",
                    "text": _bounded("\n\n".join(filter(None, [answer.headline, answer.body]))),
                    "dateCreated": answer.created_at.isoformat(),
                    "url": f"{url}#answer-{answer.pk}",
                    "author": author(answer),
                }
                for answer in answers
            ],
        },
    }


@require_GET
def question_detail(request, pk, slug):
    question = get_object_or_404(Question.objects.published(), pk=pk)
    if slug != question.slug:
        # One URL per thread: search engines and shared links converge on it.
        return redirect(question, permanent=True)
    prefetch_related_objects([question], "procedures", "areas", _shown_answers())
    answers = question.shown_answers
    shown = len(answers)
    declared = question.declared_answer_count or 0
    related = related_threads(question)
    context = {
        "question": question,
        "procedures": list(question.procedures.all()),
        "areas": list(question.areas.all()),
        "answers": answers,
        "answer_total": max(shown, declared),
        "is_partial": declared > shown,
        "disclaimer": question.disclaimer or settings.SITE_DISCLAIMER,
        "related": related,
        "qa_page": _qa_page_data(request, question, answers),
        "canonical_url": request.build_absolute_uri(question.get_absolute_url()),
        "page_title": question.title,
        "page_description": _description(question.body or question.title),
    }
    return render(request, "questions/question_detail.html", context)


def _description(text, *, chars=155):
    """A meta description: one line of plain text; autoescaping does the rest."""
    return Truncator(" ".join(text.split())).chars(chars)


# The two tag vocabularies, each browsable as an index and as one page of threads per tag.
_FACETS = {
    "procedures": {
        "model": Procedure,
        "title": "Procedures",
        "intro": "Browse the doctors' answers by what was done.",
        "template": "questions/procedure_detail.html",
        "filter_param": "procedure",
    },
    "areas": {
        "model": TreatmentArea,
        "title": "Treatment areas",
        "intro": "Browse the doctors' answers by where on the body.",
        "template": "questions/area_detail.html",
        "filter_param": "area",
    },
}


@require_GET
def tag_index(request, facet):
    """The procedures (or areas) that tag published threads, with how many.

    Visitors see only those with threads: an entry reading "0 questions" leads to an
    empty page. Staff see every entry, the unused ones included, to curate them; their
    requests carry a session, so the page cache never serves their version to visitors.
    """
    config = _FACETS[facet]
    totals = facet_index().tag_totals(facet)
    tags = list(config["model"].objects.order_by("name"))
    if not request.user.is_staff:
        tags = [tag for tag in tags if totals.get(tag.pk)]
    for tag in tags:
        tag.thread_count = totals.get(tag.pk, 0)
    context = {
        "tags": tags,
        "title": config["title"],
        "intro": config["intro"],
        "page_title": config["title"],
        "page_description": config["intro"],
    }
    return render(request, "questions/tag_index.html", context)


@require_GET
def tag_detail(request, facet, slug):
    """One procedure (or area): its description and its published threads, newest first."""
    config = _FACETS[facet]
    tag = get_object_or_404(config["model"], slug=slug)
    page = paginate(request, NewestFirst(facet_index().tagged(facet, tag.pk)))
    page.object_list = list(
        Question.objects.filter(pk__in=page.object_list).for_list().order_by("-id")
    )
    add_doctor_names(page.object_list)
    title = f"{tag.name}: patients' questions answered by doctors"
    context = {
        "tag": tag,
        "page_obj": page,
        "page_query": QueryDict(),
        "questions": page.object_list,
        "filter_param": config["filter_param"],
        "page_title": f"{title} (page {page.number})" if page.number > 1 else title,
        "page_description": _description(
            tag.description or f"Patients' questions about {tag.name}, answered by doctors."
        ),
    }
    return render(request, config["template"], context)


# Read once: the icon is part of the code, not of the data.
_FAVICON = Path(settings.BASE_DIR, "static", "favicon.ico")


@require_GET
def favicon_ico(request):
    """The ICO that browsers ask for at the root (pages link the SVG and this too)."""
    response = HttpResponse(_favicon_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@functools.cache
def _favicon_bytes():
    return _FAVICON.read_bytes()


@require_GET
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        # Search results are endless permutations of the same threads.
        "Disallow: /*?q=",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
