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
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

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
_DOCTOR_SNAPSHOT = ["id", "rating", "review_count", *_DOCTOR_TEXT]


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
        """Fold a snapshot into `target`; review counts only grow, so larger is newer."""
        changed = False
        if seen.review_count is not None and (
            target["review_count"] is None or seen.review_count > target["review_count"]
        ):
            target["review_count"], target["rating"] = seen.review_count, seen.rating
            changed = True
        for name, limit in _DOCTOR_TEXT.items():
            if not target[name] and getattr(seen, name):
                target[name] = getattr(seen, name)[:limit]
                changed = True
        return changed


# --- Possible duplicates: the admin's list of doctors who may be one ---------------------

# Whole names at least this alike (difflib's ratio) are one name misspelt:
# "stephen weiner" and "steven weiner" (0.89); "john smith" and "jane smith" (0.8) are not.
SIMILAR_NAMES = 0.88
# Surnames at least this alike, the given names agreeing: "sieber" and "seiber" (0.83).
SIMILAR_SURNAMES = 0.8
# Names are compared pairwise within small blocks (same surname and an initial; same
# initials and a surname of about the same length). A larger block, which only a corpus of
# very common names makes, is compared in sorted order with its near neighbours only, so
# the work stays linear in the number of doctors.
BLOCK_LIMIT = 60
NEIGHBOURS = 8


@dataclass(frozen=True)
class DuplicateGroup:
    """Doctors that may be one: ids in name order, and why they were grouped."""

    doctor_ids: list[int]
    names: list[str]  # the distinct normalised names among them
    same_name: bool  # two or more share a name (then their places differ)


def possible_duplicates(rows) -> list[DuplicateGroup]:
    """Group doctors, given as (id, identity key) rows, whose names say they may be one.

    Same normalised name with another place (the identity key differs only by place), or
    names very much alike: "steven f weiner" and "steven weiner", or a surname misspelt.
    Groups sharing a name come first, then the others, each by name.
    """
    ids_by_name: dict[str, list[int]] = defaultdict(list)
    for pk, key in rows:
        name = key.split("|", 1)[0]
        if name:
            ids_by_name[name].append(pk)
    parent = {name: name for name in ids_by_name}

    def root(name):
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for a, b in _candidate_pairs(ids_by_name):
        if root(a) != root(b) and _similar(a, b):
            parent[root(a)] = root(b)
    components: dict[str, list[str]] = defaultdict(list)
    for name in ids_by_name:
        components[root(name)].append(name)
    groups = []
    for names in components.values():
        names.sort()
        ids = [pk for name in names for pk in sorted(ids_by_name[name])]
        if len(ids) > 1:
            shared = any(len(ids_by_name[name]) > 1 for name in names)
            groups.append(DuplicateGroup(doctor_ids=ids, names=names, same_name=shared))
    groups.sort(key=lambda g: (not g.same_name, g.names))
    return groups


def _candidate_pairs(names):
    blocks: dict[tuple, list[str]] = defaultdict(list)
    for name in names:
        *given, surname = name.split()
        if not given:
            continue  # a surname alone says too little to pair with anyone
        for initial in {token[0] for token in given}:
            blocks["surname", surname, initial].append(name)
        # A misspelt surname keeps its first letter and about its length.
        for length in (len(surname), len(surname) + 1):
            blocks["initials", given[0][0], surname[0], length].append(name)
    for block in blocks.values():
        if len(block) <= BLOCK_LIMIT:
            yield from combinations(block, 2)
        else:
            block.sort()
            for i, name in enumerate(block):
                for other in block[i + 1 : i + 1 + NEIGHBOURS]:
                    yield name, other


def _similar(a: str, b: str) -> bool:
    *given_a, surname_a = a.split()
    *given_b, surname_b = b.split()
    if surname_a == surname_b:
        return _given_agree(given_a, given_b) or _ratio(a, b) >= SIMILAR_NAMES
    return _given_agree(given_a, given_b) and _ratio(surname_a, surname_b) >= SIMILAR_SURNAMES


def _given_agree(a: list[str], b: list[str]) -> bool:
    """Every given name of the shorter list is, in order, one of the longer's or its
    initial: "steven" ~ "steven f", "s" ~ "steven f", "f steven" ~ "steven"."""
    short, long = sorted((a, b), key=len)
    remaining = iter(long)
    return all(any(_same_given(s, t) for t in remaining) for s in short)


def _same_given(a: str, b: str) -> bool:
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def _ratio(a: str, b: str) -> float:
    matcher = SequenceMatcher(None, a, b)
    # The cheap upper bounds first: most candidate pairs fail them.
    if matcher.real_quick_ratio() < SIMILAR_SURNAMES or matcher.quick_ratio() < SIMILAR_SURNAMES:
        return 0.0
    return matcher.ratio()
