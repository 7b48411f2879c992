from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from questions.sitemaps import SITEMAPS
from questions.views import robots_txt

from . import views
from .http import get_or_head_only, public
from .site import on_site

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", get_or_head_only(views.healthz), name="healthz"),
    path("readyz", get_or_head_only(views.readyz), name="readyz"),
    path("robots.txt", public(robots_txt), name="robots_txt"),
    # An index, because 100,000 threads is more than one sitemap file may list.
    path(
        "sitemap.xml",
        public(on_site(sitemap_views.index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        public(on_site(sitemap_views.sitemap)),
        {"sitemaps": SITEMAPS, "template_name": "sitemaps/urlset.xml"},
        name="sitemap_section",
    ),
    path("", include("questions.urls")),
    path("", include("answers.urls")),
]
