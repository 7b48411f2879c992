"""Which threads the list shows for its filters, how many there are, and in what order.

Counts come from the facet index (questions.facets), never from counting rows in SQL.
Without a search, the index also pages the newest-first list: page N is the Nth run of ids
from the top of a bitmap, as cheap at page 4,000 as at page 1. A search asks PostgreSQL
for its newest SEARCH_CANDIDATES matches and ranks, counts and pages those.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models.expressions import RawSQL
from pyroaring import BitMap

from questions.facets import facet_index
from questions.models import Question
from questions.querysets import SORT_NEWEST, SORT_RELEVANCE
from questions.searchwords import corrected_query, corrections
from questions.snippets import readable_snippet

# How many matches of a search are ranked and counted. Beyond it the page says "more
# than 500" and shows the best of the newest 500: finding each costs ~10 µs a row read.
SEARCH_CANDIDATES = 500
# A search that finds fewer threads than this is offered a corrected one ("Did you mean").
SUGGEST_BELOW = 3
# Lists in another order than newest page through SQL (LIMIT/OFFSET), whose cost grows
# with the depth: they stop after this many threads.
SORTED_ROWS = 1000
# Up to this many threads a sorted list names its threads by id (from the facet index)
# instead of filtering in SQL.
SORTED_BY_IDS = 20_000


class NewestFirst(Sequence):
    """The ids of a bitmap, highest (newest) first, sliced without materialising."""

    def __init__(self, ids: BitMap):
        self.ids = ids

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        last = len(self.ids) - 1
        if isinstance(index, slice):
            return [self.ids[last - i] for i in range(*index.indices(len(self.ids)))]
        return self.ids[last - index]


@dataclass
class Found:
    counts: dict  # {"total": n, "procedures": {tag_id: n}, "areas": {tag_id: n}}
    capped: bool  # a search with more matches than were counted
    rows: Sequence  # what the paginator slices: ids (NewestFirst) or a QuerySet of rows
    pages_total: int  # how many of them the paginator may reach
    q: str
    limit: int  # SEARCH_CANDIDATES when searching
    suggestion: str = ""  # a corrected search that finds more, with the same filters

    def page_rows(self, page_items):
        """The threads of one page, ready for the list template."""
        if isinstance(self.rows, NewestFirst):
            rows = list(_list_rows(self.q).filter(pk__in=page_items).order_by("-id"))
        else:
            rows = list(page_items)
        if self.q:
            for row in rows:
                row.snippet = readable_snippet(row.snippet)
        return rows


def _list_rows(q):
    rows = Question.objects.for_list()
    return rows.with_highlights(q) if q else rows


def find_threads(filters, by_slug) -> Found:
    """The list's threads for the cleaned filters (ThreadFilterForm.filters())."""
    index = facet_index()
    procedure = by_slug.get(filters["procedure"])
    area_ids = [by_slug[slug].pk for slug in filters["areas"]]
    q, sort = filters["q"], filters["sort"]
    filtered = index.matching(
        procedure_id=procedure.pk if procedure else None,
        area_ids=area_ids,
        specialty=filters["specialty"],
        named=filters["named"],
    )
    if q:
        # The filters in SQL too: the search's last resort reads them there.
        matched = Question.objects.published().browse(
            **{key: filters[key] for key in ("procedure", "areas", "specialty", "named")}
        )
        limit = SEARCH_CANDIDATES
        ids = matched.search_candidates(q, among=NewestFirst(filtered), limit=limit + 1)
        hits = BitMap(ids[:limit])
        capped = len(ids) > limit
        suggestion = _suggestion(q, matched, filtered, len(hits))
    else:
        hits, capped, suggestion = filtered, False, ""
    counts = index.counts(hits)
    if sort == SORT_NEWEST:
        return Found(counts, capped, NewestFirst(hits), len(hits), q, SEARCH_CANDIDATES, suggestion)
    if q:  # a few candidates: order them in SQL by id
        rows = _list_rows(q).filter(pk__in=list(hits))
        rows = rows.ranked(q) if sort == SORT_RELEVANCE else rows.sorted_by(sort)
        return Found(counts, capped, rows, len(hits), q, SEARCH_CANDIDATES, suggestion)
    if len(hits) <= SORTED_BY_IDS:
        # A narrow filter: sort its few threads, named by id, rather than walk the sort's
        # index past the many that do not pass it (0.9 s at a million threads).
        listed = RawSQL(f"{Question._meta.db_table}.id = ANY(%s)", (hits.to_array().tolist(),))
        rows = _list_rows(q).published().alias(listed=listed).filter(listed=True)
        rows = rows.sorted_by(sort)
    else:
        # A broad filter: walk the sort's index. The tags are given by id, not by slug:
        # the planner then knows from its statistics how many threads carry the tag (a
        # join through the slug made it guess the average tag, sort all 24,629 threads
        # of the busiest procedure and take 129 ms instead of 10).
        rows = (
            _list_rows(q)
            .published()
            .browse(**{key: filters[key] for key in ("specialty", "named")}, sort=sort)
            .tagged_with(procedure_id=procedure.pk if procedure else None, area_ids=area_ids)
        )
    return Found(counts, capped, rows, min(len(hits), SORTED_ROWS), q, SEARCH_CANDIDATES, "")


def _suggestion(q, matched, filtered, found):
    """The search with its unknown words corrected from the word list, when this one
    found (almost) nothing and that one finds more among the same filtered threads;
    else "". Two queries, only for such searches: the word list, and the corrected
    search's newest matches (stopping at SUGGEST_BELOW)."""
    if found >= SUGGEST_BELOW:
        return ""
    fixed = corrections(q)
    if not fixed:
        return ""
    corrected = corrected_query(q, fixed)
    better = matched.search_candidates(corrected, among=NewestFirst(filtered), limit=found + 1)
    return corrected if len(better) > found else ""


# The newest threads sharing every tag, and sharing any, that are ranked by text for a
# thread's "related threads": bounds the cost on a popular procedure.
RELATED_POOL = 200


def related_threads(question, *, limit=5):
    """Published threads sharing a tag and a title word with `question`: most shared tags
    first, then closest by text. The candidates come from the facet index (the newest
    sharing all the thread's tags, and the newest sharing any), so PostgreSQL reads only
    those few rows, by primary key."""
    index = facet_index()
    tagged = [
        *(index.tagged("procedures", t.pk) for t in question.procedures.all()),
        *(index.tagged("areas", t.pk) for t in question.areas.all()),
    ]
    if not tagged:
        return []
    pool = set()
    for ids in (BitMap.intersection(*tagged), BitMap.union(*tagged)):
        ids.discard(question.pk)
        pool.update(NewestFirst(ids)[:RELATED_POOL])
    rows = (
        Question.objects.published()
        .filter(pk__in=pool)
        .sharing_words_with(question.title)
        .only("pk", "slug", "title", "answer_count")
    )
    shared = {row.pk: sum(row.pk in ids for ids in tagged) for row in rows}
    ranked = sorted(rows, key=lambda row: (-shared[row.pk], -row.rank, -row.pk))
    return ranked[:limit]
