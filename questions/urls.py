from django.urls import path

from questions import feeds, views

app_name = "questions"

urlpatterns = [
    path("", views.question_list, name="list"),
    path("questions/<int:pk>/<slug:slug>/", views.question_detail, name="detail"),
    path("procedures/", views.procedure_list, name="procedure_list"),
    path("procedures/<slug:slug>/", views.procedure_detail, name="procedure_detail"),
    path("procedures/<slug:slug>/feed/", feeds.ProcedureQuestionsFeed(), name="procedure_feed"),
    path("areas/", views.area_list, name="area_list"),
    path("areas/<slug:slug>/", views.area_detail, name="area_detail"),
    path("feed/", feeds.LatestQuestionsFeed(), name="feed"),
]
