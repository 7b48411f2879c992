"""Read-side query building for questions: filters and search as QuerySet methods."""

import re

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connections, models, transaction
from django.db.models import Count, F, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Left

# Longer queries are cut, not refused: websearch syntax never raises on odd input, and
# a cap keeps a pasted essay from building a huge tsquery.
MAX_SEARCH_LENGTH = 200

# Snippets are cut from at most this much of a thread's text (question, then answers).
SNIPPET_SOURCE_CHARS = 20_000

# ts_headline wraps matches in these; the view escapes the text and only then turns them
# into <mark> tags (questions.templatetags.browse.highlight). Control characters never
# occur in text a visitor could read, and any that an import smuggled in are dropped.
HIGHLIGHT_START = "\x02"
HIGHLIGHT_STOP = "\x03"

_WORD = re.compile(r"[^\W\d_]{3,}")

# search_candidates tests this many of the newest threads one by one (reading each one's
# vector costs ~10 us) before it turns to the GIN index for a sparser query.
SEARCH_WALK = 2000
# Windows of older ids it asks the GIN index for, each four times wider, before giving up.
SEARCH_WINDOWS = 4


def _search_query(text):
    return SearchQuery(text, search_type="websearch", config="english")


def _clean_search_text(text):
    # PostgreSQL refuses NUL in a string literal; nothing else in websearch syntax fails.
    return (text or "").replace("\x00", " ").strip()[:MAX_SEARCH_LENGTH]


# The list's orders, by the values its ?sort= parameter takes.
SORT_NEWEST = "newest"  # the order threads were added in
SORT_CAPTURED = "captured"  # when their source pages were captured
SORT_ANSWERED = "answered"
SORT_RELEVANCE = "relevance"


# Each ends with the id, so that pages never overlap. Ids grow with every thread stored:
# "newest" is the order of import, which the facet index pages through without sorting
# (questions.facets). The others have partial indexes of their own (questions.models).
ORDERINGS = {
    SORT_NEWEST: ["-id"],
    SORT_CAPTURED: ["-captured_at", "-id"],
    SORT_ANSWERED: ["-answer_count", "-id"],
}


class QuestionQuerySet(models.QuerySet):
    def browse(self, *, q="", procedure="", areas=(), specialty="", named=False, sort=""):
        """These threads narrowed by the list's filters and put in its order: the one
        place the list page's URL parameters become SQL."""
        questions = self
        if q:
            questions = questions.search(q)
        if procedure:
            questions = questions.with_procedure(procedure)
        if areas:
            questions = questions.in_areas(*areas)
        if specialty:
            questions = questions.answered_by_specialty(specialty)
        if named:
            questions = questions.with_named_doctors()
        if sort in ORDERINGS:
            questions = questions.order_by(*ORDERINGS[sort])
        # SORT_RELEVANCE: search() already orders by rank.
        return questions

    def sorted_by(self, sort):
        """In one of the list's orders (not relevance, which needs the search)."""
        return self.order_by(*ORDERINGS[sort])

    def _tagged_models(self):
        """The procedure and area through models, reached from the model this QuerySet
        serves, so that this module needs no import of questions.models (which imports
        it)."""
        meta = self.model._meta
        return meta.get_field("procedures").through, meta.get_field("areas").through

    def published(self):
        return self.filter(is_published=True)

    def in_areas(self, *slugs):
        """Threads tagged with every one of the given treatment areas.

        One grouped subquery whatever the number of slugs (a join per slug costs seconds
        of planning with a few dozen).
        """
        slugs = set(slugs)
        _, TaggedArea = self._tagged_models()
        tagged_all = (
            TaggedArea.objects.filter(tag__slug__in=slugs)
            .values("content_object")
            .annotate(n=Count("tag"))
            .filter(n=len(slugs))
            .values("content_object")
        )
        return self.filter(pk__in=tagged_all)

    def tagged_with(self, *, procedure_id=None, area_ids=()):
        """Threads carrying this procedure and every one of these areas, given by id."""
        questions = self
        if procedure_id is not None:
            questions = questions.filter(tagged_procedures__tag_id=procedure_id)
        for area_id in area_ids:
            questions = questions.filter(
                pk__in=self._tagged_models()[1]
                .objects.filter(tag_id=area_id)
                .values("content_object")
            )
        return questions

    def with_procedure(self, slug):
        return self.filter(tagged_procedures__tag__slug=slug)

    def with_area(self, slug):
        """Threads tagged with one treatment area: a join, which a feed's newest-first
        LIMIT walks from the newest thread (in_areas groups, for many areas at once)."""
        return self.filter(tagged_areas__tag__slug=slug)

    def answered_by_specialty(self, specialty):
        """Threads with a published answer by a doctor (or unnamed byline) of this specialty.

        Reads the denormalised `doctor_specialties` (GIN-indexed), kept by
        questions.services.question_refresh_derived.
        """
        return self.filter(doctor_specialties__contains=[specialty])

    def with_named_doctors(self):
        """Threads where at least one published answer has a named doctor."""
        return self.filter(has_named_doctor=True)

    def newest_first(self):
        return self.sorted_by(SORT_NEWEST)

    def most_answered_first(self):
        return self.sorted_by(SORT_ANSWERED)

    def search_candidates(self, text, *, among, limit):
        """Ids of up to `limit` of these threads matching `text`, newest first.

        `among` lists the ids of these threads, newest first (a NewestFirst of the facet
        index): the newest of them are tested without PostgreSQL evaluating any filter.

        Ranking every match of a common word costs seconds, so the newest `limit` matches
        are what gets ranked and counted, found at a cost that does not grow with the
        corpus. A common word is met at once among the newest SEARCH_WALK threads, read
        one by one (their ids come from `among`, so filters cost nothing there). A sparser
        query then asks the GIN index for the matches in windows of older ids, each sized
        from the density seen so far: the index reads only the rows of a window that
        match, never every match in the table. The last window is unbounded.
        """
        text = _clean_search_text(text)
        if not text:
            return []
        query = _search_query(text)
        found, lowest, highest = self._newest_matching(query, among[:SEARCH_WALK], limit)
        if len(found) == limit or lowest is None:
            return found
        # Ids of threads are roughly uniform in time: size the next window by density.
        per_id = len(found) / (highest - lowest + 1)
        window = int(1.5 * (limit - len(found)) / per_id) if per_id else None
        matching = self.filter(search_vector=query).annotate(by_id=F("pk") + 0)
        for round_ in range(SEARCH_WINDOWS):
            last = not window or round_ == SEARCH_WINDOWS - 1
            rows = matching.filter(pk__lt=lowest)
            if not last:
                rows = rows.filter(pk__gte=lowest - window)
            ids = rows.order_by("-by_id").values_list("pk", flat=True)[: limit - len(found)]
            found += _through_gin_index(ids, self.db)
            if last or len(found) == limit:
                break
            lowest -= window
            window *= 4
        return found

    def _newest_matching(self, query, newest, limit):
        """(matching ids, lowest id, highest id) of `newest` (ids, newest first), each one
        tested in turn until `limit` match; lowest is None when nothing older is left."""
        if not newest:
            return [], None, None
        query_sql, query_params = self.query.get_compiler(self.db).compile(query)
        sql = f"""
            WITH n AS MATERIALIZED (
                SELECT id, search_vector FROM {self.model._meta.db_table}
                WHERE id = ANY(%s) ORDER BY id DESC
            )
            SELECT id FROM n WHERE search_vector @@ {query_sql} LIMIT %s
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, (newest, *query_params, limit))
            found = [row[0] for row in cursor.fetchall()]
        # The walk saw every one of these threads: nothing older is left to find.
        lowest = newest[-1] if len(newest) == SEARCH_WALK else None
        return found, lowest, newest[0]

    def sharing_words_with(self, title):
        """Threads sharing any word of `title` (GIN index), annotated with their text
        rank against those words; none() for a title without words."""
        words = sorted({w.lower() for w in _WORD.findall(title)})[:32]
        if not words:
            return self.none()
        # Plain words joined with OR: raw syntax is safe because _WORD admits letters only.
        query = SearchQuery(" | ".join(words), search_type="raw", config="english")
        return self.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))

    def ranked(self, text):
        """These threads, best match for `text` first (rank the few that search_candidates
        found, not a whole table)."""
        query = _search_query(_clean_search_text(text))
        return self.annotate(rank=SearchRank(F("search_vector"), query)).order_by("-rank", "-id")

    def search(self, text):
        """Ranked full-text search over the stored weighted vector; none() when empty."""
        text = _clean_search_text(text)
        if not text:
            return self.none()
        query = _search_query(text)
        return (
            self.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-id")
        )

    def with_highlights(self, text):
        """Annotate `title_highlight` and `snippet`, matches wrapped in the sentinels.

        The snippet is the question and its published answers with every match marked,
        so a thread found through an answer shows why; questions.snippets then keeps the
        sentences that hold a match (ts_headline's fragments cut sentences anywhere).
        PostgreSQL evaluates these costly expressions only for the rows that survive
        LIMIT, so use it on a page, not on the whole set.
        The results are raw imported text: pass them through the `highlight` filter.
        """
        from answers.models import Answer

        text = _clean_search_text(text)
        query = _search_query(text)
        answers_text = (
            Answer.objects.published()
            .filter(question=OuterRef("pk"))
            .order_by()
            .values("question")
            .annotate(
                # Line breaks: a headline is a sentence of its own (questions.snippets).
                text=StringAgg(
                    Concat("headline", Value("\n"), "body", output_field=models.TextField()),
                    "\n",
                    order_by="position",
                )
            )
            .values("text")
        )
        # ts_headline reads all of its text: bounded, so that a thread of megabytes does not
        # cost every search that finds it seconds.
        snippet_text = Left(
            Concat(
                "body",
                Value("\n"),
                Coalesce(Subquery(answers_text), Value(""), output_field=models.TextField()),
                output_field=models.TextField(),
            ),
            SNIPPET_SOURCE_CHARS,
        )
        marks = {"start_sel": HIGHLIGHT_START, "stop_sel": HIGHLIGHT_STOP, "config": "english"}
        return self.annotate(
            title_highlight=SearchHeadline("title", query, highlight_all=True, **marks),
            snippet=SearchHeadline(snippet_text, query, highlight_all=True, **marks),
        )

    def for_list(self):
        """What a row in a thread list shows: title, chips, counts, excerpt, doctors."""
        from answers.models import Answer

        named_answers = (
            Answer.objects.published()
            .filter(doctor__isnull=False)
            .select_related("doctor")
            .only("question_id", "position", "doctor__name", "doctor__slug")
            .order_by("position")
        )
        return (
            self.only("pk", "slug", "title", "answer_count", "declared_answer_count", "captured_at")
            .annotate(excerpt=Left("body", 280))
            .prefetch_related(
                "procedures",
                "areas",
                Prefetch("answers", queryset=named_answers, to_attr="named_answers"),
            )
        )


def _through_gin_index(queryset, using):
    """Evaluate `queryset` reading the matches from the GIN index (intersected with the
    primary key's range), never by walking rows and testing each one's vector.

    The planner assumes the words of a query independent: two words that each appear in
    a third of the threads but rarely together look ten times more frequent than they
    are, and it then walks the key, reading 30,000 vectors for 500 matches (130 ms instead
    of 10). Ordering by an expression (by_id) already keeps it from using the key's order;
    this keeps it from using the key for anything but a bitmap.
    """
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off")
        return list(queryset)
