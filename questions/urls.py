from django.urls import path

from questions import feeds, views

app_name = "questions"

urlpatterns = [
    path("", views.question_list, name="list"),
    path("questions/<int:pk>/<slug:slug>/", views.question_detail, name="detail"),
    path("procedures/", views.tag_index, {"facet": "procedures"}, name="procedure_list"),
    path(
        "procedures/<slug:slug>/",
        views.tag_detail,
        {"facet": "procedures"},
        name="procedure_detail",
    ),
    path("procedures/<slug:slug>/feed/", feeds.ProcedureQuestionsFeed(), name="procedure_feed"),
    path("areas/", views.tag_index, {"facet": "areas"}, name="area_list"),
    path("areas/<slug:slug>/", views.tag_detail, {"facet": "areas"}, name="area_detail"),
    path("feed/", feeds.LatestQuestionsFeed(), name="feed"),
]
