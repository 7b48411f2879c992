"""Curation services for answers and doctors: what the admin's actions do.

Plain keyword-only functions, set-based: hiding 1,000 answers or merging ten doctors takes
the same handful of queries as one. Each records what it did in Django's admin history
(`LogEntry`, bulk-created) when given the user who asked, and refreshes the threads'
derived fields (answer count, search vector) when visible answers changed.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.admin.models import DELETION
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from answers.models import Answer, Doctor, DoctorAlias
from kbsite.curation import history_log, ids_or_subquery, lock_for_merge
from questions.services import threads_changed

# A doctor's details that `doctor_merge` fills on the kept doctor when it has none.
_DOCTOR_TEXT_FIELDS = ("credentials", "place", "specialty")


def _answers_update(*, answer_ids, user, changes: dict, differs, message: str) -> int:
    """Apply `changes` to the answers that `differs` selects; log; refresh their threads."""
    with transaction.atomic():
        changed = list(
            Answer.objects.filter(pk__in=ids_or_subquery(answer_ids))
            .filter(differs)
            .only("pk", "question_id", "headline", "body")
            .select_for_update(of=("self",))
        )
        if not changed:
            return 0
        # Staff curated these answers: a later import must leave them as they are.
        Answer.objects.filter(pk__in=[a.pk for a in changed]).update(
            **changes, edited_by_staff=True, updated_at=timezone.now()
        )
        history_log(user=user, objects=changed, message=message)
        threads_changed(question_ids={a.question_id for a in changed})
    return len(changed)


def answers_set_status(*, answer_ids: Iterable[int] | QuerySet, status: str, user=None) -> int:
    """Publish or hide these answers; return how many changed."""
    status = Answer.Status(status)
    return _answers_update(
        answer_ids=answer_ids,
        user=user,
        changes={"status": status},
        differs=~Q(status=status),
        message=f"Status set to {status.label}.",
    )


def answers_set_featured(*, answer_ids: Iterable[int] | QuerySet, featured: bool, user=None) -> int:
    """Feature or unfeature these answers; return how many changed."""
    return _answers_update(
        answer_ids=answer_ids,
        user=user,
        changes={"is_featured": featured},
        differs=~Q(is_featured=featured),
        message="Featured." if featured else "No longer featured.",
    )


@dataclass(frozen=True)
class DoctorMergeReport:
    kept: Doctor
    merged: int
    answers_moved: int

    def __str__(self):
        return (
            f"Merged {self.merged} doctor(s) into {self.kept}: "
            f"{self.answers_moved} answer(s) moved."
        )


def _facts_age(doctor: Doctor) -> tuple:
    """How recent a doctor's rating is, as a sort key: dated by capture, else by reviews."""
    has_facts = doctor.rating is not None or doctor.review_count is not None
    captured = doctor.facts_captured_at
    return (has_facts, captured is not None, captured or 0, doctor.review_count or 0)


def doctor_merge(
    *, keep: Doctor, others: Iterable[Doctor | int] | QuerySet, user=None
) -> DoctorMergeReport:
    """Merge `others` into `keep`: their answers move to it, then they are deleted.

    Nothing is lost: blank credentials, place and specialty on `keep` are filled from the
    others (the one with the most answers first); the rating and review count of the
    most recently captured page are kept, with their date (undated facts lose; between
    undated, the larger review count). The history of `keep` says what was merged
    and each removed doctor gets a deletion entry.

    Imports recognise doctors by `identity_key`; the others' keys become aliases of `keep`,
    so a re-import files their answers under it instead of re-creating them.
    """
    with transaction.atomic():
        keep, others = lock_for_merge(Doctor, keep=keep, others=others)
        if not others:
            return DoctorMergeReport(kept=keep, merged=0, answers_moved=0)
        counts = dict(
            Answer.objects.filter(doctor__in=others)
            .values_list("doctor_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        # The doctor with the most answers is the likeliest to have the right details.
        others.sort(key=lambda d: (-counts.get(d.pk, 0), d.pk))
        filled = []
        for field in _DOCTOR_TEXT_FIELDS:
            if not getattr(keep, field):
                donor = next((d for d in others if getattr(d, field)), None)
                if donor is not None:
                    setattr(keep, field, getattr(donor, field))
                    filled.append(field)
        best = max([keep, *others], key=lambda d: (_facts_age(d), d is keep))
        if best is not keep:
            keep.review_count, keep.rating = best.review_count, best.rating
            keep.facts_captured_at = best.facts_captured_at
            filled += ["review_count", "rating", "facts_captured_at"]
        elif keep.rating is None:
            donor = next((d for d in others if d.rating is not None), None)
            if donor is not None:
                keep.rating = donor.rating
                filled.append("rating")

        other_ids = [d.pk for d in others]
        affected = list(
            Answer.objects.filter(doctor_id__in=other_ids)
            .values_list("question_id", flat=True)
            .distinct()
        )
        moved = Answer.objects.filter(doctor_id__in=other_ids).update(
            doctor=keep, updated_at=timezone.now()
        )
        # Imports still meet the merged doctors' identities: point them at the kept one.
        DoctorAlias.objects.filter(doctor_id__in=other_ids).update(doctor=keep)
        DoctorAlias.objects.bulk_create(
            [DoctorAlias(identity_key=d.identity_key, doctor=keep) for d in others],
            ignore_conflicts=True,
        )
        names = "; ".join(f"{d} (#{d.pk}, {counts.get(d.pk, 0)} answers)" for d in others)
        history_log(user=user, objects=others, action_flag=DELETION, message=f"Merged into {keep}.")
        Doctor.objects.filter(pk__in=other_ids).delete()
        if filled:
            keep.save(update_fields=[*filled, "updated_at"])
        message = f"Merged {names}: {moved} answer(s) moved."
        if filled:
            message += " Filled from them: " + ", ".join(f.replace("_", " ") for f in filled) + "."
        history_log(user=user, objects=[keep], message=message)
        # The kept doctor's specialty may differ from the merged ones'.
        threads_changed(question_ids=affected)
    return DoctorMergeReport(kept=keep, merged=len(others), answers_moved=moved)


def answers_staff_save(*, answers: Iterable[Answer]) -> None:
    """Save answers that staff edited; a later import leaves them as staff left them.

    The caller sends threads_changed for their thread (the admin does once the whole
    thread form is saved).
    """
    for answer in answers:
        answer.edited_by_staff = True
        answer.save()


def answer_staff_save(*, answer: Answer, left_question_id: int | None = None) -> None:
    """Save one answer staff edited; its thread, and the one it left, are refreshed."""
    answers_staff_save(answers=[answer])
    threads_changed(question_ids={answer.question_id, left_question_id} - {None})


def answers_delete(*, queryset: QuerySet) -> None:
    """Delete answers (superusers only; curators hide them): counts and search follow."""
    question_ids = set(queryset.values_list("question_id", flat=True))
    queryset.delete()
    threads_changed(question_ids=question_ids)


def doctor_staff_save(*, doctor: Doctor, changed_fields: Iterable[str]) -> None:
    """Save a doctor; threads filter by the specialties of the doctors who answered."""
    doctor.save()
    if "specialty" in changed_fields:
        threads_changed(
            question_ids=doctor.answers.values_list("question_id", flat=True).distinct()
        )
