"""Possible duplicate doctors: the admin's list of doctors who may be one person.

Read from the identity keys (answers.identity): the same normalised name in another place,
given names that agree ("steven f weiner", "s weiner"), or a name one letter off.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

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
