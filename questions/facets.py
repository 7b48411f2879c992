"""The facet index: which published threads carry each procedure, area and specialty.

The thread list shows, for every filter combination a visitor can click, how many threads
match and how many of those carry each procedure and area. Counting that in SQL joins the
whole result set through the tag tables on every request: 350 ms at 100,000 threads, ten
times that at a million. Here each facet value is a compressed bitmap of thread ids
(Roaring, through pyroaring), so a count is an intersection of bitmaps in memory: a few
microseconds, whatever the size of the result.

Each process keeps its own index, derived from the database and never the other way
round. It follows the change log (questions.models.ThreadChange) that
questions.services.threads_changed writes in the same transaction as every write: a
request first asks for the log's newest entry (one indexed query) and, when the index is
behind, re-reads only the threads changed since. Commits to the log are serialised, so an
entry never becomes visible behind one already read. A process that has fallen too far
behind (or has no index yet) rebuilds the whole index in one query.
"""

import threading

from django.db import connections
from pyroaring import BitMap

from questions.models import TaggedArea, TaggedProcedure, ThreadChange

# Catching up thread by thread costs about as much as a rebuild beyond this many changes.
CATCH_UP_LIMIT = 20_000

_FACET_TABLES = {
    "procedures": TaggedProcedure._meta.db_table,
    "areas": TaggedArea._meta.db_table,
}
_QUESTIONS = "questions_question"
_LOG = ThreadChange._meta.db_table


def _ids(text):
    return BitMap(map(int, text.split(","))) if text else BitMap()


class FacetIndex:
    """Bitmaps of published thread ids: all, with a named doctor, per tag and specialty."""

    def __init__(self):
        self.seq = None  # the newest change-log entry reflected here
        self.published = BitMap()
        self.named = BitMap()
        self.tags = {facet: {} for facet in _FACET_TABLES}
        self.specialties = {}

    # -- reading -------------------------------------------------------------------------

    def matching(self, *, procedure_id=None, area_ids=(), specialty="", named=False):
        """The published threads that pass the list's filters (all of them when none)."""
        hits = self.published
        if procedure_id is not None:
            hits = hits & self.tags["procedures"].get(procedure_id, BitMap())
        for area_id in area_ids:
            hits = hits & self.tags["areas"].get(area_id, BitMap())
        if specialty:
            hits = hits & self.specialties.get(specialty, BitMap())
        if named:
            hits = hits & self.named
        return hits

    def tagged(self, facet, tag_id):
        """The published threads carrying one procedure or area."""
        return self.published & self.tags[facet].get(tag_id, BitMap())

    def counts(self, hits):
        """{"total": n, "procedures": {tag_id: n}, "areas": {tag_id: n}} within `hits`."""
        counts = {"total": len(hits)}
        for facet, bitmaps in self.tags.items():
            counts[facet] = {
                tag_id: n
                for tag_id, ids in bitmaps.items()
                if (n := hits.intersection_cardinality(ids))
            }
        return counts

    def tag_totals(self, facet):
        """{tag_id: published threads carrying it}: the procedure and area indexes."""
        return self.counts(self.published)[facet]

    # -- keeping up with the database ----------------------------------------------------

    def rebuild(self, cursor, seq):
        cursor.execute(_REBUILD_SQL)
        fresh = FacetIndex()
        for kind, key, ids in cursor.fetchall():
            if kind == "published":
                fresh.published = _ids(ids)
            elif kind == "named":
                fresh.named = _ids(ids)
            elif kind == "specialty":
                fresh.specialties[key] = _ids(ids)
            else:
                fresh.tags[kind][int(key)] = _ids(ids)
        fresh.seq = seq
        self.__dict__.update(fresh.__dict__)

    def catch_up(self, cursor, seq):
        """Re-read the threads changed after self.seq, up to and including `seq`."""
        cursor.execute(_CATCH_UP_SQL, [self.seq, seq])
        rows = cursor.fetchall()
        changed = BitMap(row[0] for row in rows)
        for bitmap in self._bitmaps():
            bitmap.difference_update(changed)  # in place: the dicts keep these objects
        for question_id, published, named, specialties, procedures, areas in rows:
            if not published:
                continue  # unpublished or deleted: gone from every bitmap
            self.published.add(question_id)
            if named:
                self.named.add(question_id)
            for specialty in specialties or ():
                self.specialties.setdefault(specialty, BitMap()).add(question_id)
            for facet, tag_ids in (("procedures", procedures), ("areas", areas)):
                for tag_id in tag_ids:
                    self.tags[facet].setdefault(tag_id, BitMap()).add(question_id)
        self.seq = seq

    def _bitmaps(self):
        yield self.published
        yield self.named
        yield from self.specialties.values()
        for bitmaps in self.tags.values():
            yield from bitmaps.values()


def _rebuild_sql():
    parts = [
        f"SELECT 'published', NULL, string_agg(id::text, ',') FROM {_QUESTIONS} WHERE is_published",
        f"SELECT 'named', NULL, string_agg(id::text, ',') FROM {_QUESTIONS}"
        " WHERE is_published AND has_named_doctor",
        f"SELECT 'specialty', s, string_agg(id::text, ',') FROM {_QUESTIONS},"
        " unnest(doctor_specialties) s WHERE is_published GROUP BY s",
    ]
    # Unpublished threads' tag rows are dropped by intersecting with `published` on read.
    parts += [
        f"SELECT '{facet}', tag_id::text, string_agg(content_object_id::text, ',')"
        f" FROM {table} GROUP BY tag_id"
        for facet, table in _FACET_TABLES.items()
    ]
    return "\nUNION ALL\n".join(parts)


_REBUILD_SQL = _rebuild_sql()

# Deleted threads come back with published = false: they leave every bitmap.
_CATCH_UP_SQL = f"""
    WITH changed AS (
        SELECT DISTINCT question_id AS id FROM {_LOG} WHERE id > %s AND id <= %s
    )
    SELECT c.id, coalesce(q.is_published, false), q.has_named_doctor, q.doctor_specialties,
        ARRAY(SELECT tag_id FROM {_FACET_TABLES["procedures"]} WHERE content_object_id = c.id),
        ARRAY(SELECT tag_id FROM {_FACET_TABLES["areas"]} WHERE content_object_id = c.id)
    FROM changed c LEFT JOIN {_QUESTIONS} q ON q.id = c.id
"""

_index = FacetIndex()
_lock = threading.Lock()


def facet_index(using="default") -> FacetIndex:
    """This process's index, brought up to date with the database first."""
    with _lock, connections[using].cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {_LOG}")
        (seq,) = cursor.fetchone()
        if _index.seq == seq:
            pass
        elif _index.seq is None or seq < _index.seq or seq - _index.seq > CATCH_UP_LIMIT:
            # No index yet, too far behind, or the log went back (a test rolled back).
            _index.rebuild(cursor, seq)
        else:
            _index.catch_up(cursor, seq)
        return _index


def forget() -> None:
    """Drop this process's index: the next request rebuilds it (tests start afresh)."""
    with _lock:
        _index.__init__()
