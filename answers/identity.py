"""Doctor identity: which Doctor row a doctor's byline in a thread is.

A doctor is identified by an identity key, "normalised name|normalised place". Staff may
merge doctors; the merged-away keys live on as DoctorAlias rows and resolve to the doctor
kept. The importer matches every parsed byline through DoctorDirectory; the keys are
plain functions so that anything else deciding whether two doctors are one (the admin's
merge, for one) computes them the same way. See docs/FORMAT.md for the byline format.
"""

import functools
import re
from collections import defaultdict
from datetime import UTC, datetime

from django.db import DatabaseError, connection
from django.db.models.expressions import RawSQL
from django.utils.text import slugify

from answers.models import Doctor, DoctorAlias
from kbsite.db import insert_rows
from questions.parsing import normalise_name

# The same doctors answer thread after thread: normalise each spelling of a name once.
name_key = functools.lru_cache(maxsize=100_000)(normalise_name)


def place_key(place: str) -> str:
    """A place line reduced to its lower-case words, so spacing and punctuation never
    make two doctors of one."""
    return " ".join(re.findall(r"[a-z0-9]+", place.casefold()))


def identity_key(name: str, place: str) -> str:
    """The identity key of a doctor with this name and place line."""
    return f"{name_key(name)}|{place_key(place)}"


# Text a later snapshot may fill in, with its column's length.
_DOCTOR_TEXT = {
    name: Doctor._meta.get_field(name).max_length for name in ("credentials", "place", "specialty")
}
# What a refresh may change, with the id it is written back by.
_DOCTOR_SNAPSHOT = ["id", "rating", "review_count", "facts_captured_at", *_DOCTOR_TEXT]
# What the directory keeps of each doctor.
_DIRECTORY = ["id", "identity_key", "slug", *_DOCTOR_SNAPSHOT[1:]]
# Suffixes _slug_for may add; read back when a concurrent import took a slug.
_SUFFIXES = ["", *(f"-{n}" for n in range(2, 20))]


def _snapshot(row: dict) -> dict:
    return {name: row[name] for name in _DOCTOR_SNAPSHOT[1:]}


# A refresh folds snapshots into the stored row as DoctorDirectory._newer does, in SQL:
# the rating and review count of the most recently captured page that showed them win,
# with its date (_facts_key: dated before undated, then the capture's second, then the
# larger review count, which only grows, then the higher rating, then the exact time);
# the longer text wins (of equal lengths, the greater in code point order: COLLATE "C").
# The fold is order-free, so imports running at once end with the row one import would
# have, and a row locked by another import is folded again once that one commits.
def _facts_key_sql(row: str) -> str:
    return (
        f"ROW({row}.facts_captured_at IS NOT NULL,"
        f" coalesce(date_trunc('second', {row}.facts_captured_at), '-infinity'),"
        f" coalesce({row}.review_count, -1), coalesce({row}.rating, -1),"
        f" coalesce({row}.facts_captured_at, '-infinity'))"
    )


_NEWER_COUNT = (
    "((v.rating IS NOT NULL OR v.review_count IS NOT NULL)"
    " AND ((d.rating IS NULL AND d.review_count IS NULL)"
    f" OR {_facts_key_sql('v')} > {_facts_key_sql('d')}))"
)


def _longer(name: str) -> str:
    return (
        f'{name} = CASE WHEN (length(v.{name}), v.{name} COLLATE "C")'
        f' > (length(d.{name}), d.{name} COLLATE "C") THEN v.{name} ELSE d.{name} END'
    )


_MERGE_SQL = f"""
UPDATE answers_doctor AS d SET
    rating = CASE WHEN {_NEWER_COUNT} THEN v.rating ELSE d.rating END,
    review_count = CASE WHEN {_NEWER_COUNT} THEN v.review_count ELSE d.review_count END,
    facts_captured_at = CASE WHEN {_NEWER_COUNT}
        THEN v.facts_captured_at ELSE d.facts_captured_at END,
    {", ".join(_longer(name) for name in _DOCTOR_TEXT)},
    updated_at = now()
FROM unnest(
    %s::bigint[], %s::numeric[], %s::integer[], %s::timestamptz[], %s::text[], %s::text[],
    %s::text[]
) AS v(id, rating, review_count, facts_captured_at, credentials, place, specialty)
WHERE d.id = v.id
RETURNING d.id, d.rating, d.review_count, d.facts_captured_at, d.credentials, d.place,
    d.specialty
"""


def _merge_snapshots(rows: list[dict]) -> list[dict]:
    """Fold each row's snapshot into the stored doctor `id`, in id order (lock order);
    return the rows as stored, which another import may have folded more into."""
    rows = sorted(rows, key=lambda row: row["id"])
    columns = [[row[name] for row in rows] for name in _DOCTOR_SNAPSHOT]
    with connection.cursor() as cursor:
        cursor.execute(_MERGE_SQL, columns)
        return [dict(zip(_DOCTOR_SNAPSHOT, values, strict=True)) for values in cursor]


class DoctorDirectory:
    """Every doctor's identity, cached for the run; finds or creates doctors in bulk.

    A doctor here is any object with the parsed byline's attributes: name, credentials,
    place, specialty, rating, review_count, and its keys name_key and place_key.
    """

    def __init__(self):
        self.reload()

    def reload(self) -> None:
        self.by_key: dict[str, dict] = {}
        self.key_by_id: dict[int, str] = {}
        # normalised name -> {doctor id: identity key}, to place a block with no place line.
        self.ids_by_name: dict[str, dict[int, str]] = defaultdict(dict)
        self.slugs: set[str] = set()
        for row in Doctor.objects.values(*_DIRECTORY):
            self._remember(row)
        # Identities that staff merged into another doctor resolve to the one they kept.
        for alias, doctor_id in DoctorAlias.objects.values_list("identity_key", "doctor_id"):
            key = self.key_by_id.get(doctor_id)
            if key is not None:
                self.by_key[alias] = self.by_key[key]
                self.ids_by_name[alias.split("|", 1)[0]][doctor_id] = key

    def _remember(self, row: dict) -> None:
        key = row["identity_key"]
        self.by_key[key] = row
        self.key_by_id[row["id"]] = key
        self.ids_by_name[key.split("|", 1)[0]][row["id"]] = key
        self.slugs.add(row["slug"])

    def identity(self, doctor) -> str:
        name = doctor.name_key
        if doctor.place:
            return f"{name}|{doctor.place_key}"
        # No place line: the same name elsewhere is the same doctor when there is just one.
        known = self.ids_by_name.get(name, {})
        return next(iter(known.values())) if len(known) == 1 else f"{name}|"

    def _slug(self, doctor) -> str:
        return self._slug_for(doctor.name, doctor.place)

    def _slug_for(self, name: str, place: str) -> str:
        base = slugify(f"{name} {place}")[:200] or "doctor"
        slug, n = base, 1
        while slug in self.slugs:
            n += 1
            slug = f"{base}-{n}"
        return slug

    def resolve(self, doctors: list) -> dict[int, int]:
        """Map id(DoctorData) -> Doctor.pk, creating and refreshing rows in bulk.

        Rows are plain dicts: a model instance per doctor block cost more than the SQL.
        """
        created: dict[str, dict] = {}
        refreshed: dict[int, dict] = {}
        keys: dict[int, str] = {}
        self._learn_names({d.name_key for d in doctors if not d.place} - self.ids_by_name.keys())
        for doctor in doctors:
            key = self.identity(doctor)
            keys[id(doctor)] = key
            row = self.by_key.get(key)
            if row is None:
                if key not in created:
                    slug = self._slug(doctor)
                    self.slugs.add(slug)
                    created[key] = {
                        "identity_key": key,
                        "slug": slug,
                        "name": doctor.name[:200],
                        "credentials": doctor.credentials[:100],
                        "place": doctor.place[:200],
                        "specialty": doctor.specialty[:200],
                        "rating": doctor.rating,
                        "review_count": doctor.review_count,
                        "facts_captured_at": doctor.captured_at,
                    }
                else:
                    self._newer(created[key], doctor)
            else:
                target = refreshed.get(row["id"]) or {k: row[k] for k in _DOCTOR_SNAPSHOT}
                if self._newer(target, doctor):
                    refreshed[row["id"]] = target
        if created:
            self._create(created, refreshed)
        if refreshed:
            # The stored rows, not ours: the specialties of this batch's new threads
            # come from here (ThreadStore._derived) and must be what the table holds.
            for row in _merge_snapshots(list(refreshed.values())):
                self.by_key[self.key_by_id[row["id"]]].update(row)
        return {ident: self.by_key[key]["id"] for ident, key in keys.items()}

    def _create(self, created: dict[str, dict], refreshed: dict[int, dict]) -> None:
        """Insert the new doctors. Another import may create some of them at the same
        time: ON CONFLICT leaves its row, which is read back and refreshed with ours."""
        rows = sorted(created.values(), key=lambda row: row["identity_key"])  # lock order
        for _attempt in range(5):
            inserted = insert_rows(
                Doctor, rows, returning=["id", "identity_key"], ignore_conflicts=True
            )
            for pk, key in inserted:
                created[key]["id"] = pk
                self._remember(created[key])
            missing = {row["identity_key"]: row for row in rows if "id" not in row}
            if not missing:
                return
            for stored in Doctor.objects.filter(identity_key__in=missing).values(*_DIRECTORY):
                self._remember(stored)
                ours = missing.pop(stored["identity_key"])
                refreshed[stored["id"]] = {"id": stored["id"], **_snapshot(ours)}
            # Left: a slug another import took meanwhile, for another doctor.
            rows = list(missing.values())
            if not rows:
                return
            self.slugs.update(
                Doctor.objects.filter(
                    slug__in=[f"{row['slug']}{suffix}" for row in rows for suffix in _SUFFIXES]
                ).values_list("slug", flat=True)
            )
            for row in rows:
                row["slug"] = self._slug_for(row["name"], row["place"])
                self.slugs.add(row["slug"])
        raise DatabaseError("could not give new doctors a free slug")

    def _learn_names(self, names: set[str]) -> None:
        """Read the doctors with these normalised names that another import created
        after this one loaded them: a byline without a place line joins one by name."""
        if not names:
            return
        name = RawSQL("split_part(identity_key, '|', 1)", [])
        for row in (
            Doctor.objects.alias(key_name=name).filter(key_name__in=names).values(*_DIRECTORY)
        ):
            if row["identity_key"] not in self.by_key:
                self._remember(row)

    @staticmethod
    def _newer(target: dict, seen) -> bool:
        """Fold a byline into `target`, a doctor's row: the rating and review count of the
        most recently captured page that showed them win, with its date (_facts_key); the
        longer text wins. The same whatever order bylines come in (as _MERGE_SQL's), so
        that one import, or several at once, over the same files store the same doctor.
        """
        changed = False
        showed = seen.rating is not None or seen.review_count is not None
        no_facts = target["rating"] is None and target["review_count"] is None
        ours = _facts_key(target["facts_captured_at"], target["review_count"], target["rating"])
        if showed and (
            no_facts or _facts_key(seen.captured_at, seen.review_count, seen.rating) > ours
        ):
            target["review_count"], target["rating"] = seen.review_count, seen.rating
            target["facts_captured_at"] = seen.captured_at
            changed = True
        for name, limit in _DOCTOR_TEXT.items():
            value, current = getattr(seen, name)[:limit], target[name]
            if (len(value), value) > (len(current), current):
                target[name] = value
                changed = True
        return changed


def _facts_key(captured, review_count, rating) -> tuple:
    """How recent a doctor's facts are, as a sort key (bigger is newer).

    Dated facts beat undated ones (imported before capture dates were kept, or from an
    export without them). Pages captured in the same second (files copied together carry
    their copy's time, not their pages') and undated ones are told apart by their review
    counts, which only grow, then by rating, then by the exact time: a total order, so
    the fold never depends on the order bylines come in.
    """
    dated = captured is not None
    second = captured.replace(microsecond=0) if dated else _NEVER
    count = review_count if review_count is not None else -1
    stars = rating if rating is not None else -1
    return (dated, second, count, stars, captured if dated else _NEVER)


_NEVER = datetime.min.replace(tzinfo=UTC)
