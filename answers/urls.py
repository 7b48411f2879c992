from django.urls import path

from answers import views
from kbsite.pagecache import cached_page

app_name = "answers"

urlpatterns = [
    path("doctors/<slug:slug>/", cached_page(views.doctor_detail), name="doctor_detail"),
]
