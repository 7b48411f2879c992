"""Read-side query building for questions: filters and search as QuerySet methods."""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import models
from django.db.models import F

# Longer queries are cut, not refused: websearch syntax never raises on odd input, and
# a cap keeps a pasted essay from building a huge tsquery.
MAX_SEARCH_LENGTH = 200


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def in_areas(self, *slugs):
        """Threads tagged with every one of the given treatment areas."""
        qs = self
        for slug in slugs:
            qs = qs.filter(tagged_areas__tag__slug=slug)
        return qs

    def in_area(self, slug):
        return self.in_areas(slug)

    def with_procedure(self, slug):
        return self.filter(tagged_procedures__tag__slug=slug)

    def search(self, text):
        """Ranked full-text search over the stored weighted vector; none() when empty."""
        text = (text or "").strip()[:MAX_SEARCH_LENGTH]
        if not text:
            return self.none()
        query = SearchQuery(text, search_type="websearch", config="english")
        return (
            self.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-created_at", "-id")
        )
