"""Atom feeds of new threads: site-wide, per procedure and per treatment area."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator

from kbsite.site import absolute
from questions.facets import facet_index
from questions.models import Procedure, Question, TreatmentArea

FEED_ITEMS = 30


class LatestQuestionsFeed(Feed):
    """Links are absolute, from the configured origin (kbsite.site): Django would
    otherwise complete them with the request's Host header."""

    feed_type = Atom1Feed
    title = f"New questions answered by doctors · {settings.SITE_NAME}"
    subtitle = "The newest patient questions and the doctors' answers."

    def link(self):
        return absolute(reverse("questions:list"))

    def feed_url(self):
        return absolute(reverse("questions:feed"))

    # RFC 4287 wants an author of the feed, or of every entry: the site compiles them.
    def author_name(self):
        return settings.SITE_NAME

    def author_link(self):
        return absolute("/")

    def items(self):
        return self.newest(Question.objects.published())

    def newest(self, questions):
        return (
            questions.newest_first()
            .only("pk", "slug", "title", "body", "answer_count", "created_at", "updated_at")
            .prefetch_related("procedures")[:FEED_ITEMS]
        )

    def item_title(self, question):
        return question.title

    def item_description(self, question):
        # Atom summaries are typed "html": feed readers render them. The XML writer only
        # escapes for XML, so imported text is HTML-escaped here first, or a "<script>"
        # in a question would reach the reader as markup.
        count = question.answer_count
        answers = f"{count} doctor answer{pluralize(count)}."
        return f"{escape(Truncator(question.body).words(60))} ({answers})"

    def item_link(self, question):
        return absolute(question.get_absolute_url())

    def item_pubdate(self, question):
        # When the thread was published here: the one date of ours a feed can promise.
        return question.created_at

    def item_updateddate(self, question):
        return question.updated_at

    def item_categories(self, question):
        return [procedure.name for procedure in question.procedures.all()]


class _TagQuestionsFeed(LatestQuestionsFeed):
    """The newest threads of one procedure or area: the tag's page as a feed."""

    model = facet = url_name = None

    def get_object(self, request, slug):
        tag = get_object_or_404(self.model, slug=slug)
        # An empty feed is a page with nothing on it, as the tag's page would be.
        if not facet_index().tagged(self.facet, tag.pk):
            raise Http404(f"No published questions about {tag.name}.")
        return tag

    def title(self, tag):
        return f"New questions about {tag.name}"

    def subtitle(self, tag):
        return f"The newest patient questions about {tag.name}, answered by doctors."

    def link(self, tag):
        return absolute(tag.get_absolute_url())

    def feed_url(self, tag):
        return absolute(reverse(f"questions:{self.url_name}", args=[tag.slug]))

    def items(self, tag):
        # No state on self: one Feed instance serves every request.
        return self.newest(self.tagged(Question.objects.published(), tag))

    def tagged(self, questions, tag):
        raise NotImplementedError


class ProcedureQuestionsFeed(_TagQuestionsFeed):
    model, facet, url_name = Procedure, "procedures", "procedure_feed"

    def tagged(self, questions, procedure):
        return questions.with_procedure(procedure.slug)


class AreaQuestionsFeed(_TagQuestionsFeed):
    model, facet, url_name = TreatmentArea, "areas", "area_feed"

    def tagged(self, questions, area):
        return questions.with_area(area.slug)
