"""Atom feeds of new threads: site-wide and per procedure."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator

from questions.facets import facet_index
from questions.models import Procedure, Question

FEED_ITEMS = 30


class LatestQuestionsFeed(Feed):
    feed_type = Atom1Feed
    title = "New questions answered by doctors"
    subtitle = "The newest patient questions and the doctors' answers."

    def link(self):
        return reverse("questions:list")

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
        return question.get_absolute_url()

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
        return procedure.get_absolute_url()

    def items(self, procedure):
        # No state on self: one Feed instance serves every request.
        return self.newest(Question.objects.published().with_procedure(procedure.slug))
