"""Doctor pages: who they are and every published answer they gave, linked to its thread."""

from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import pluralize
from django.utils.text import Truncator
from django.views.decorators.http import require_GET

from answers.models import Answer, Doctor
from kbsite.pagination import paginate


@require_GET
def doctor_detail(request, slug):
    doctor = get_object_or_404(Doctor, slug=slug)
    # Hidden answers and answers on unpublished threads are not this doctor's public record.
    answers = (
        Answer.objects.published()
        .filter(doctor=doctor, question__is_published=True)
        .select_related("question")
        .only(
            "pk",
            "headline",
            "body",
            "question__id",
            "question__slug",
            "question__title",
            "question__created_at",
        )
        .order_by("-question_id", "position")
    )
    # Counted from the doctor's index alone, less the few answers on unpublished threads
    # (found from those threads): a join over every answer of a prolific doctor costs
    # 160 ms at a million threads.
    theirs = Answer.objects.published().filter(doctor=doctor)
    count = theirs.count() - theirs.filter(question__is_published=False).count()
    if not count and not request.user.is_staff:
        # No public answer: an empty page, not worth a visit or an index entry.
        raise Http404(f"No published answers by {doctor}.")
    page = paginate(request, answers, count=count)
    role = " · ".join(filter(None, [doctor.specialty, doctor.place]))
    title = str(doctor)
    context = {
        "doctor": doctor,
        "page_obj": page,
        "page_query": QueryDict(),
        "answers": page.object_list,
        "page_title": f"{title} (page {page.number})" if page.number > 1 else title,
        "page_description": Truncator(
            f"{count:,} answer{pluralize(count)} by {title}{f', {role}' if role else ''}, "
            "to patients' questions about cosmetic treatments, each with its thread."
        ).chars(155),
    }
    return render(request, "answers/doctor_detail.html", context)
