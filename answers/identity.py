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

# Names are compared only with the few others that share a block: same surname and an
# initial (given names that agree), or the same string once a letter or two is deleted
# (a misspelt word: the "deletion neighbourhood" of spelling checkers), so the work grows
# with the number of doctors, not its square. A block larger than BLOCK_LIMIT, which only
# very common names make, is compared in sorted order with its near neighbours.
BLOCK_LIMIT = 60
NEIGHBOURS = 8
# Names alike only through a chain ("john smith" ~ "john a smith" ~ "j smith" ~ ...) can
# make a group of dozens that is no one's duplicate; a group larger than this keeps only
# its doctors who share a name exactly.
GROUP_LIMIT = 10


@dataclass(frozen=True)
class DuplicateGroup:
    """Doctors that may be one: ids in name order, and why they were grouped."""

    doctor_ids: list[int]
    names: list[str]  # the distinct normalised names among them
    same_name: bool  # two or more share a name (then their places differ)


def possible_duplicates(rows) -> list[DuplicateGroup]:
    """Group doctors, given as (id, identity key) rows, whose names say they may be one.

    Same normalised name with another place (the identity key differs only by place), or
    names very much alike: given names that agree ("steven f weiner", "steven weiner",
    "s weiner"), a first name or a surname misspelt ("michael"/"micheal",
    "sieber"/"seiber"). Groups sharing a name come first, then the others, each by name.
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

    parts = {name: _name_parts(name) for name in ids_by_name}
    for a, b, rule in _candidate_pairs(parts):
        if root(a) != root(b) and rule(parts[a], parts[b]):
            parent[root(a)] = root(b)
    components: dict[str, list[str]] = defaultdict(list)
    for name in ids_by_name:
        components[root(name)].append(name)
    groups = []
    for names in components.values():
        if sum(len(ids_by_name[name]) for name in names) > GROUP_LIMIT:
            groups += [_group([name], ids_by_name) for name in names if len(ids_by_name[name]) > 1]
        elif len(names) > 1 or len(ids_by_name[names[0]]) > 1:
            groups.append(_group(names, ids_by_name))
    groups.sort(key=lambda g: (not g.same_name, g.names))
    return groups


def _group(names, ids_by_name):
    names = sorted(names)
    return DuplicateGroup(
        doctor_ids=[pk for name in names for pk in sorted(ids_by_name[name])],
        names=names,
        same_name=any(len(ids_by_name[name]) > 1 for name in names),
    )


def _name_parts(name):
    *given, surname = name.split()
    return tuple(given), surname


def _candidate_pairs(parts):
    """(name, name, rule) for every pair sharing a block; `rule` decides if they are alike."""
    agree: dict[tuple, list[str]] = defaultdict(list)  # same surname, a given initial
    misspelt: dict[tuple, list[str]] = defaultdict(list)  # same surname, a first-name deletion
    by_surname: dict[str, list[str]] = defaultdict(list)
    for name, (given, surname) in parts.items():
        if not given:
            continue  # a surname alone says too little to pair with anyone
        by_surname[surname].append(name)
        for initial in {token[0] for token in given}:
            agree[surname, initial].append(name)
        for variant in _deletions(given[0]):
            misspelt[surname, variant].append(name)
    for blocks, rule in ((agree, _agree), (misspelt, _given_misspelt)):
        for block in blocks.values():
            if len(block) > 1:
                for a, b in _bounded_pairs(block):
                    yield a, b, rule
    # Misspelt surnames: first the pairs of surnames alike, found through their shared
    # deletions, then their names with the same first initial.
    surnames: dict[str, list[str]] = defaultdict(list)
    for surname in by_surname:
        for variant in _deletions(surname):
            surnames[variant].append(surname)
    alike = {
        pair for block in surnames.values() if len(block) > 1 for pair in _bounded_pairs(block)
    }
    for one, other in alike:
        if not _alike(one, other):
            continue
        by_initial = defaultdict(list)
        for name in by_surname[other]:
            by_initial[name[0]].append(name)
        for name in by_surname[one]:
            for match in by_initial.get(name[0], ()):
                yield name, match, _surname_misspelt


def _bounded_pairs(block):
    if len(block) <= BLOCK_LIMIT:
        return combinations(block, 2)
    block.sort()  # near neighbours in name order
    return ((a, b) for i, a in enumerate(block) for b in block[i + 1 : i + 1 + NEIGHBOURS])


def _agree(a, b) -> bool:  # same surname
    return _given_agree(a[0], b[0])


def _given_misspelt(a, b) -> bool:
    """Same surname: "micheal f" ~ "michael f". The same first name with other middle
    initials ("john a", "john b") is not a misspelling; _agree judges those."""
    if a[0][0] == b[0][0]:
        return False
    return len(a[0]) == len(b[0]) and all(map(_alike, a[0], b[0]))


def _surname_misspelt(a, b) -> bool:  # surnames one edit apart (checked before)
    return _given_agree(a[0], b[0])


def _given_agree(a, b) -> bool:
    """Every given name of the shorter list is, in order, one of the longer's or its
    initial: "steven" ~ "steven f", "s" ~ "steven f", "f steven" ~ "steven"."""
    short, long = sorted((a, b), key=len)
    remaining = iter(long)
    return all(any(_same_given(s, t) for t in remaining) for s in short)


def _same_given(a: str, b: str) -> bool:
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def _alike(a: str, b: str) -> bool:
    """One word misspelt: one letter changed, added or dropped, or two neighbours swapped,
    in words of five letters or more ("michael" ~ "micheal", "sieber" ~ "seiber"); "john"
    and "joan" are two people."""
    return a == b or (max(len(a), len(b)) >= 5 and _one_edit(a, b))


# First names and surnames repeat from doctor to doctor.
@functools.lru_cache(maxsize=100_000)
def _deletions(word: str) -> frozenset[str]:
    """The word and the word with one letter deleted: words one edit apart share one."""
    return frozenset({word, *(word[:i] + word[i + 1 :] for i in range(len(word)))})


def _one_edit(a: str, b: str) -> bool:
    """a and b differ by one letter changed, added or dropped, or two neighbours swapped."""
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :] or (
            a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]
        )
    return a[i:] == b[i + 1 :] if len(b) > len(a) else a[i + 1 :] == b[i:]
