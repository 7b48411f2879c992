"""sitemap.xml: the canonical URL of every public page, and nothing unpublished."""

from collections.abc import Sequence

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse

from answers.models import Answer, Doctor
from kbsite.site import site_scheme
from questions.facets import facet_index
from questions.models import Procedure, Question, TreatmentArea


class _PublishedById(Sequence):
    """Published threads in id order, counted and sliced through the facet index: a
    section is one range scan of the primary key, not a COUNT and an OFFSET."""

    def __init__(self):
        self.ids = facet_index().published

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(len(self.ids))
        if start >= stop:
            return []
        first, last = self.ids[start], self.ids[stop - 1]
        rows = Question.objects.published().filter(pk__gte=first, pk__lte=last)
        return list(rows.only("pk", "slug", "updated_at").order_by("pk"))


class _OnSite(Sitemap):
    """A sitemap whose URLs have the configured scheme (the host: kbsite.site.on_site)."""

    @property
    def protocol(self):
        return site_scheme()


class QuestionSitemap(_OnSite):
    # Far below the 50,000 the protocol allows: rendering costs about 0.1 ms per URL, so a
    # file stays near a tenth of a second; a million threads make 1,000 files.
    limit = 1000

    def items(self):
        # Ordered by id: stable pages while new threads arrive.
        return _PublishedById()

    def lastmod(self, question):
        return question.updated_at

    def get_latest_lastmod(self):
        # Django's default walks every item in Python for the index's <lastmod>.
        return Question.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class _TagSitemap(_OnSite):
    model = None
    facet = None

    def items(self):
        # A tag page with no public thread is thin content: leave it out.
        used = facet_index().tag_totals(self.facet)
        return self.model.objects.filter(pk__in=list(used)).only("slug").order_by("slug")


class ProcedureSitemap(_TagSitemap):
    model = Procedure
    facet = "procedures"


class AreaSitemap(_TagSitemap):
    model = TreatmentArea
    facet = "areas"


class DoctorSitemap(_OnSite):
    limit = 1000

    def items(self):
        public_answers = Answer.objects.published().filter(
            doctor=OuterRef("pk"), question__is_published=True
        )
        # A scalar subquery probes each doctor's answers through their index and stops at
        # the first public one; EXISTS is planned as a join over every answer (1 s).
        first_public = Subquery(public_answers.order_by().values("pk")[:1])
        return (
            Doctor.objects.annotate(first_public=first_public)
            .filter(first_public__isnull=False)
            .only("slug")
            .order_by("pk")
        )


class PagesSitemap(_OnSite):
    def items(self):
        return ["questions:list", "questions:procedure_list", "questions:area_list"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PagesSitemap,
    "questions": QuestionSitemap,
    "procedures": ProcedureSitemap,
    "areas": AreaSitemap,
    "doctors": DoctorSitemap,
}
