from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from questions.sitemaps import SITEMAPS
from questions.views import robots_txt

from . import views
from .pagecache import cached_page

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("robots.txt", cached_page(robots_txt), name="robots_txt"),
    # An index, because 100,000 threads is more than one sitemap file may list.
    path(
        "sitemap.xml",
        cached_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cached_page(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS, "template_name": "sitemaps/urlset.xml"},
        name="sitemap_section",
    ),
    path("", include("questions.urls")),
    path("", include("answers.urls")),
]
