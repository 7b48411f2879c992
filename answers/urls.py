from django.urls import path

from answers import views

app_name = "answers"

urlpatterns = [
    path("doctors/<slug:slug>/", views.doctor_detail, name="doctor_detail"),
]
