from django.urls import path

from answers import views
from kbsite.http import public

app_name = "answers"

urlpatterns = [
    path("doctors/<slug:slug>/", public(views.doctor_detail), name="doctor_detail"),
]
