from django.shortcuts import get_object_or_404, render

from answers.models import Doctor


def doctor_detail(request, slug):
    doctor = get_object_or_404(Doctor, slug=slug)
    return render(request, "answers/doctor_detail.html", {"doctor": doctor})
