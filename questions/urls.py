from django.urls import path

from kbsite.pagecache import cached_page
from questions import feeds, views

app_name = "questions"

urlpatterns = [
    path("", cached_page(views.question_list), name="list"),
    path("questions/<int:pk>/<slug:slug>/", cached_page(views.question_detail), name="detail"),
    path(
        "procedures/", cached_page(views.tag_index), {"facet": "procedures"}, name="procedure_list"
    ),
    path(
        "procedures/<slug:slug>/",
        cached_page(views.tag_detail),
        {"facet": "procedures"},
        name="procedure_detail",
    ),
    path(
        "procedures/<slug:slug>/feed/",
        cached_page(feeds.ProcedureQuestionsFeed()),
        name="procedure_feed",
    ),
    path("areas/", cached_page(views.tag_index), {"facet": "areas"}, name="area_list"),
    path(
        "areas/<slug:slug>/", cached_page(views.tag_detail), {"facet": "areas"}, name="area_detail"
    ),
    path("feed/", cached_page(feeds.LatestQuestionsFeed()), name="feed"),
]
