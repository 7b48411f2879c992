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

from django.utils.text import slugify

from answers.models import Doctor, DoctorAlias
from kbsite.db import insert_rows, update_rows
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
        for row in Doctor.objects.values(
            "id",
            "identity_key",
            "slug",
            "rating",
            "review_count",
            "facts_captured_at",
            "credentials",
            "place",
            "specialty",
        ):
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
        base = slugify(f"{doctor.name} {doctor.place}")[:200] or "doctor"
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
            rows = list(created.values())
            for pk, key in insert_rows(Doctor, rows, returning=["id", "identity_key"]):
                created[key]["id"] = pk
            for row in rows:
                self._remember(row)
        if refreshed:
            update_rows(Doctor, list(refreshed.values()))
            for pk, row in refreshed.items():
                self.by_key[self.key_by_id[pk]].update(row)
        return {ident: self.by_key[key]["id"] for ident, key in keys.items()}

    @staticmethod
    def _newer(target: dict, seen) -> bool:
        """Fold a byline into `target`, a doctor's row: the doctor's facts are those of the
        most recently captured page that showed a rating; text fills what is blank."""
        changed = False
        showed_rating = seen.rating is not None or seen.review_count is not None
        if showed_rating and _captured_later(seen, target):
            target["rating"], target["review_count"] = seen.rating, seen.review_count
            target["facts_captured_at"] = seen.captured_at
            for name, limit in _DOCTOR_TEXT.items():
                if getattr(seen, name):
                    target[name] = getattr(seen, name)[:limit]
            return True
        for name, limit in _DOCTOR_TEXT.items():
            if not target[name] and getattr(seen, name):
                target[name] = getattr(seen, name)[:limit]
                changed = True
        return changed


def _captured_later(seen, target: dict) -> bool:
    """Whether a byline's page is newer than the one the doctor's facts come from.

    Undated facts (imported before capture dates were kept, or from an export without
    them) lose to dated ones. Between two pages of the same second (files copied
    together carry their copy's time, not their pages') or two undated, the larger review
    count is the newer, as review counts only grow.
    """
    if target["rating"] is None and target["review_count"] is None:
        return True
    ours, theirs = target["facts_captured_at"], seen.captured_at
    if ours is not None and theirs is not None:
        ours, theirs = ours.replace(microsecond=0), theirs.replace(microsecond=0)
        if ours != theirs:
            return theirs > ours
    if (ours is None) != (theirs is None):
        return theirs is not None
    return (seen.review_count or 0) > (target["review_count"] or 0)
