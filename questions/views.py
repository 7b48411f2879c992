from django.shortcuts import get_object_or_404, redirect, render

from questions.models import Procedure, Question, TreatmentArea


def question_list(request):
    questions = Question.objects.published().only("pk", "slug", "title", "answer_count")
    return render(request, "questions/question_list.html", {"questions": questions[:50]})


def question_detail(request, pk, slug):
    question = get_object_or_404(Question.objects.published(), pk=pk)
    if slug != question.slug:
        return redirect(question, permanent=True)
    return render(request, "questions/question_detail.html", {"question": question})


def area_detail(request, slug):
    area = get_object_or_404(TreatmentArea, slug=slug)
    return render(request, "questions/area_detail.html", {"area": area})


def procedure_detail(request, slug):
    procedure = get_object_or_404(Procedure, slug=slug)
    return render(request, "questions/procedure_detail.html", {"procedure": procedure})
