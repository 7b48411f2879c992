"""Atom feeds of new threads: site-wide and per procedure."""

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
from questions.models import Procedure, Question

FEED_ITEMS = 30


class LatestQuestionsFeed(Feed):
    """Links are absolute, from the configured origin (kbsite.site): Django would
    otherwise complete them with the request's Host header."""

    feed_type = Atom1Feed
    title = "New questions answered by doctors"
    subtitle = "The newest patient questions and the doctors' answers."

    def link(self):
        return absolute(reverse("questions:list"))

    def feed_url(self):
        return absolute(reverse("questions:feed"))

    # RFC 4287 wants an author for a feed whose entries name none: the site.
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


class ProcedureQuestionsFeed(LatestQuestionsFeed):
    def get_object(self, request, slug):
        procedure = get_object_or_404(Procedure, slug=slug)
        # An empty feed is a page with nothing on it, as the procedure's page would be.
        if not facet_index().tagged("procedures", procedure.pk):
            raise Http404(f"No published questions about {procedure.name}.")
        return procedure

    def title(self, procedure):
        return f"New questions about {procedure.name}"

    def subtitle(self, procedure):
        return f"The newest patient questions about {procedure.name}, answered by doctors."

    def link(self, procedure):
        return absolute(procedure.get_absolute_url())

    def feed_url(self, procedure):
        return absolute(reverse("questions:procedure_feed", args=[procedure.slug]))

    def items(self, procedure):
        # No state on self: one Feed instance serves every request.
        return self.newest(Question.objects.published().with_procedure(procedure.slug))
