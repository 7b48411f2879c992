"""Atom feeds of new threads: site-wide, per procedure and per treatment area."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator

from questions.models import Procedure, Question, TreatmentArea

FEED_ITEMS = 30


class LatestQuestionsFeed(Feed):
    feed_type = Atom1Feed
    title = f"New questions answered by doctors · {settings.SITE_NAME}"
    # Atom requires an author of the feed, or of every entry: the site compiles them.
    author_name = settings.SITE_NAME
    subtitle = "The newest patient questions and the doctors' answers."

    def link(self):
        return reverse("questions:list")

    def items(self):
        return self.newest(Question.objects.published())

    def newest(self, questions):
        return (
            questions.newest_first()
            .only("pk", "slug", "title", "body", "created_at", "updated_at")
            .prefetch_related("procedures")[:FEED_ITEMS]
        )

    def item_title(self, question):
        return question.title

    def item_description(self, question):
        # Atom summaries are typed "html": feed readers render them. The XML writer only
        # escapes for XML, so imported text is HTML-escaped here first, or a "<script>"
        # in a question would reach the reader as markup.
        return escape(Truncator(question.body).words(60))

    def item_link(self, question):
        return question.get_absolute_url()

    def item_pubdate(self, question):
        return question.created_at

    def item_updateddate(self, question):
        return question.updated_at

    def item_categories(self, question):
        return [procedure.name for procedure in question.procedures.all()]


class _TagQuestionsFeed(LatestQuestionsFeed):
    """The newest threads of one procedure or area: the tag's page as a feed."""

    model = None

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def title(self, tag):
        return f"New questions about {tag.name}"

    def subtitle(self, tag):
        return f"The newest patient questions about {tag.name}, answered by doctors."

    def link(self, tag):
        return tag.get_absolute_url()

    def items(self, tag):
        # No state on self: one Feed instance serves every request.
        return self.newest(self.tagged(Question.objects.published(), tag))

    def tagged(self, questions, tag):
        raise NotImplementedError


class ProcedureQuestionsFeed(_TagQuestionsFeed):
    model = Procedure

    def tagged(self, questions, procedure):
        return questions.with_procedure(procedure.slug)


class AreaQuestionsFeed(_TagQuestionsFeed):
    model = TreatmentArea

    def tagged(self, questions, area):
        return questions.with_area(area.slug)
