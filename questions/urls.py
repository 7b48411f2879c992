from django.urls import path

from kbsite.http import get_or_head_only, public
from questions import feeds, views

app_name = "questions"

urlpatterns = [
    path("", public(views.question_list), name="list"),
    path("questions/<int:pk>/<slug:slug>/", public(views.question_detail), name="detail"),
    path("procedures/", public(views.tag_index), {"facet": "procedures"}, name="procedure_list"),
    path(
        "procedures/<slug:slug>/",
        public(views.tag_detail),
        {"facet": "procedures"},
        name="procedure_detail",
    ),
    path(
        "procedures/<slug:slug>/feed/",
        public(feeds.ProcedureQuestionsFeed()),
        name="procedure_feed",
    ),
    path("areas/", public(views.tag_index), {"facet": "areas"}, name="area_list"),
    path("areas/<slug:slug>/", public(views.tag_detail), {"facet": "areas"}, name="area_detail"),
    path("areas/<slug:slug>/feed/", public(feeds.AreaQuestionsFeed()), name="area_feed"),
    path("feed/", public(feeds.LatestQuestionsFeed()), name="feed"),
    # Browsers and crawlers ask for /favicon.ico whatever the page links: never a 404.
    path("favicon.ico", get_or_head_only(views.favicon_ico), name="favicon"),
]
