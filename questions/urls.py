from django.urls import path

from questions import views

app_name = "questions"

urlpatterns = [
    path("", views.question_list, name="list"),
    path("questions/<int:pk>/<slug:slug>/", views.question_detail, name="detail"),
    path("areas/<slug:slug>/", views.area_detail, name="area_detail"),
    path("procedures/<slug:slug>/", views.procedure_detail, name="procedure_detail"),
]
