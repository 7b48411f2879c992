"""sitemap.xml: the canonical URL of every public page, and nothing unpublished."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse

from answers.models import Answer, Doctor
from questions.models import Procedure, Question, TaggedArea, TaggedProcedure, TreatmentArea


class QuestionSitemap(Sitemap):
    # Far below the 50,000 the protocol allows: rendering costs about 0.1 ms per URL, so a
    # file stays near a quarter of a second; 100,000 threads make 50 files in the index.
    limit = 2000

    def items(self):
        # Ordered by id: stable pages while new threads arrive.
        return Question.objects.published().only("pk", "slug", "updated_at").order_by("pk")

    def lastmod(self, question):
        return question.updated_at

    def get_latest_lastmod(self):
        # Django's default walks every item in Python for the index's <lastmod>.
        return Question.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class _TagSitemap(Sitemap):
    model = None
    through = None

    def items(self):
        # A tag page with no public thread is thin content: leave it out.
        used = self.through.objects.filter(tag=OuterRef("pk"), content_object__is_published=True)
        return self.model.objects.filter(Exists(used)).only("slug").order_by("slug")


class ProcedureSitemap(_TagSitemap):
    model = Procedure
    through = TaggedProcedure


class AreaSitemap(_TagSitemap):
    model = TreatmentArea
    through = TaggedArea


class DoctorSitemap(Sitemap):
    limit = 2000

    def items(self):
        public_answers = Answer.objects.published().filter(
            doctor=OuterRef("pk"), question__is_published=True
        )
        return Doctor.objects.filter(Exists(public_answers)).only("slug").order_by("pk")


class PagesSitemap(Sitemap):
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
