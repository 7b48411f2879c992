"""The public browse pages: thread list and search, thread, procedures and areas.

Every view loads a fixed number of queries whatever the rows shown (pinned in the
tests/test_views_* modules) and only ever reads published threads and published answers.
"""

import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_GET

from answers.models import Answer, Doctor
from kbsite.pagination import paginate
from kbsite.site import absolute
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


def _page_answers():
    """Every answer of the thread, hidden ones too (for the counts), in display order,
    each with its doctor: one query per thread."""
    return Prefetch(
        "answers",
        queryset=Answer.objects.in_display_order().select_related("doctor"),
        to_attr="page_answers",
    )


@dataclass(frozen=True)
class AnswerCounts:
    """A thread's answer counts, each said once and plainly on its page.

    shown: the published answers, which every page, feed and JSON-LD counts;
    held: the answers our copy of the source page holds, hidden ones included;
    declared: how many the source page said it had (None when it did not say).
    """

    shown: int
    held: int
    declared: int | None

    @property
    def hidden(self) -> int:
        """Hidden by our editors: our moderation, never the source's."""
        return self.held - self.shown

    @property
    def missing(self) -> bool:
        """The source page said it had answers that its copy did not include."""
        return self.declared is not None and self.declared > self.held


# Structured data repeats the page's text for search engines; a long thread's is cut, so
# that a page does not carry its text twice over (a 1.9 MB thread made a 4 MB page).
JSON_LD_TEXT_CHARS = 5_000


def _bounded(text):
    return Truncator(text).chars(JSON_LD_TEXT_CHARS)


def _page_data(question, answers):
    """schema.org data for search engines: the page, its question and each answer.

    A MedicalWebPage whose main entity is the Question, not a QAPage: Google's QAPage is
    for forums where visitors post answers, and a page marked up as one promises that.
    This is a curated archive of answers copied from elsewhere; nobody answers here.
    """
    url = absolute(question.get_absolute_url())

    def author(answer):
        if answer.doctor_id:
            return {
                "@type": "Person",
                "name": answer.doctor.name,
                "url": absolute(answer.doctor.get_absolute_url()),
            }
        if not answer.has_byline:
            return None
        # Described, never named: the page did not give a name.
        person = {"@type": "Person", "description": answer.unnamed_author}
        if answer.byline_specialty:
            person["jobTitle"] = answer.byline_specialty
        return person

    def suggested(answer):
        data = {
            "@type": "Answer",
            "text": _bounded("\n\n".join(filter(None, [answer.headline, answer.body]))),
            "url": f"{url}#answer-{answer.pk}",
        }
        if (person := author(answer)) is not None:
            data["author"] = person
        return data

    # No dateCreated: when the question was asked, or an answer given, is on no page we
    # hold. The one true date of ours is when this page was first published.
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "datePublished": (question.first_imported_at or question.created_at).isoformat(),
        "mainEntity": {
            "@type": "Question",
            "name": question.title,
            "text": _bounded(question.body or question.title),
            "answerCount": len(answers),
            "url": url,
            "suggestedAnswer": [suggested(answer) for answer in answers],
        },
    }


@require_GET
def question_detail(request, pk, slug):
    question = get_object_or_404(Question.objects.published(), pk=pk)
    if slug != question.slug:
        # One URL per thread: search engines and shared links converge on it.
        return redirect(question, permanent=True)
    prefetch_related_objects([question], "procedures", "areas", _page_answers())
    answers = [a for a in question.page_answers if a.status == Answer.Status.PUBLISHED]
    counts = AnswerCounts(len(answers), len(question.page_answers), question.declared_answer_count)
    related = related_threads(question)
    context = {
        "question": question,
        "procedures": list(question.procedures.all()),
        "areas": list(question.areas.all()),
        "answers": answers,
        "counts": counts,
        "disclaimer": question.disclaimer or settings.SITE_DISCLAIMER,
        "related": related,
        "page_data": _page_data(question, answers),
        "canonical_url": absolute(question.get_absolute_url()),
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
        "other": "areas",
    },
    "areas": {
        "model": TreatmentArea,
        "title": "Treatment areas",
        "intro": "Browse the doctors' answers by where on the body.",
        "template": "questions/area_detail.html",
        "filter_param": "area",
        "other": "procedures",
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
    """One procedure (or area): its description and its published threads, newest first.

    An entry with no published thread is not a page for visitors (404): it would be an
    empty page for search engines to index. Staff still see it, marked noindex.
    """
    config = _FACETS[facet]
    tag = get_object_or_404(config["model"], slug=slug)
    index = facet_index()
    tagged = index.tagged(facet, tag.pk)
    if not tagged and not request.user.is_staff:
        raise Http404(f"No published questions about {tag.name}.")
    page = paginate(request, NewestFirst(tagged))
    page.object_list = list(
        Question.objects.filter(pk__in=page.object_list).for_list().order_by("-id")
    )
    add_doctor_names(page.object_list)
    title = f"{tag.name}: patients' questions answered by doctors"
    often = _most_common(config["other"], index.counts(tagged)[config["other"]])
    context = {
        "tag": tag,
        "page_obj": page,
        "page_query": QueryDict(),
        "questions": page.object_list,
        "filter_param": config["filter_param"],
        "is_empty": not tagged,
        "page_title": f"{title} (page {page.number})" if page.number > 1 else title,
        "page_description": _tag_description(tag, len(tagged), often),
    }
    return render(request, config["template"], context)


def _most_common(facet, counts, *, limit=3) -> list[str]:
    """The names of the `limit` tags of `facet` most often found with a tag's threads."""
    top = sorted(counts, key=lambda tag_id: (-counts[tag_id], tag_id))[:limit]
    names = dict(_FACETS[facet]["model"].objects.filter(pk__in=top).values_list("pk", "name"))
    # "about forehead and cheeks", but "about Botox and Dysport": areas are common nouns.
    if facet == "areas":
        names = {pk: name.lower() for pk, name in names.items()}
    return [names[tag_id] for tag_id in top if tag_id in names]


def _tag_description(tag, total, often) -> str:
    """A tag page's meta description, 70 to 155 characters, from what it holds: how many
    questions, what they are most often about, then the tag's own description."""
    questions = "patient's question" if total == 1 else "patients' questions"
    text = f"{total:,} {questions} about {tag.name}, answered by doctors"
    if often:
        text += f", most often about {_listed(often)}"
    text += "."
    if tag.description:
        text += " " + tag.description
    if len(text) < 70:
        text += " Read each answer with its doctor's details."
    return _description(text)


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


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
    sitemap = absolute(reverse("sitemap"))
    lines = [
        "User-agent: *",
        # Only what must never be fetched. Search and filter pages may be: they say
        # "noindex, follow" themselves, which a crawler kept out could never read.
        "Disallow: /admin/",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
