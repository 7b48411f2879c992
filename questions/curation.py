"""Curation services for threads and their tags: what the admin's actions do.

Plain keyword-only functions, set-based, so acting on 1,000 threads costs a handful of
queries. Each records what it did in the admin history when given the user who asked and
refreshes the derived fields (answer count, search vector) of every thread it touched.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.admin.models import DELETION
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kbsite.curation import history_log, ids_or_subquery, lock_for_merge
from questions.models import Procedure, Question, TaggedArea, TaggedProcedure, TreatmentArea
from questions.services import threads_changed

# The through model that ties each tag facet to questions.
THROUGH = {TreatmentArea: TaggedArea, Procedure: TaggedProcedure}


def questions_set_published(
    *, question_ids: Iterable[int] | QuerySet, published: bool, user=None
) -> int:
    """Publish or unpublish these threads; return how many changed."""
    with transaction.atomic():
        changed = list(
            Question.objects.filter(pk__in=ids_or_subquery(question_ids))
            .exclude(is_published=published)
            .only("pk", "title")
            .select_for_update()
        )
        if not changed:
            return 0
        ids = [q.pk for q in changed]
        Question.objects.filter(pk__in=ids).update(
            is_published=published, updated_at=timezone.now()
        )
        history_log(
            user=user, objects=changed, message="Published." if published else "Unpublished."
        )
        threads_changed(question_ids=ids)
    return len(changed)


@dataclass(frozen=True)
class TagMergeReport:
    kept: TreatmentArea | Procedure
    merged: int
    threads: int

    def __str__(self):
        return f"Merged {self.merged} into “{self.kept}”: {self.threads} thread(s) re-tagged."


def _merged_lines(*texts: str) -> str:
    """Keyword lines from all texts, each once (case-insensitively), in first-seen order."""
    seen, lines = set(), []
    for text in texts:
        for line in text.splitlines():
            line = line.strip()
            if line and line.lower() not in seen:
                seen.add(line.lower())
                lines.append(line)
    return "\n".join(lines)


def tag_merge(
    *,
    keep: TreatmentArea | Procedure,
    others: Iterable[TreatmentArea | Procedure | int] | QuerySet,
    user=None,
) -> TagMergeReport:
    """Merge treatment areas (or procedures) `others` into `keep`, then delete them.

    Every thread tagged with one of them ends up tagged with `keep` exactly once. A tag
    that staff set by hand stays a hand-set tag (auto=False wins over auto=True), so
    re-tagging never removes it. The merged names and keywords join `keep`'s keywords,
    so auto-tagging keeps finding those threads; a blank description is filled.
    """
    model = type(keep)
    through = THROUGH[model]
    with transaction.atomic():
        keep, others = lock_for_merge(model, keep=keep, others=others)
        if not others:
            return TagMergeReport(kept=keep, merged=0, threads=0)
        other_ids = [tag.pk for tag in others]

        # question id -> auto flag of its merged row: hand-set if any of its rows was.
        merged: dict[int, bool] = {}
        for question_id, auto in through.objects.filter(tag_id__in=other_ids).values_list(
            "content_object_id", "auto"
        ):
            merged[question_id] = merged.get(question_id, True) and auto
        existing = dict(
            through.objects.filter(tag=keep, content_object_id__in=list(merged)).values_list(
                "content_object_id", "auto"
            )
        )
        through.objects.bulk_create(
            [
                through(content_object_id=question_id, tag=keep, auto=auto)
                for question_id, auto in merged.items()
                if question_id not in existing
            ]
        )
        now_by_hand = [q for q, auto in merged.items() if existing.get(q) and not auto]
        if now_by_hand:
            through.objects.filter(tag=keep, content_object_id__in=now_by_hand).update(auto=False)

        keep.keywords = _merged_lines(
            keep.keywords, *(f"{tag.name}\n{tag.keywords}" for tag in others)
        )
        if not keep.description:
            keep.description = next((t.description for t in others if t.description), "")
        history_log(user=user, objects=others, action_flag=DELETION, message=f"Merged into {keep}.")
        # Deleting the tags deletes their tagged rows with them (on_delete=CASCADE).
        model.objects.filter(pk__in=other_ids).delete()
        keep.save(update_fields=["keywords", "description"])
        names = ", ".join(f"{tag.name} (#{tag.pk})" for tag in others)
        history_log(
            user=user,
            objects=[keep],
            message=f"Merged {names}: {len(merged)} thread(s); their names joined the keywords.",
        )
        # The merged names no longer appear in those threads' search vectors.
        threads_changed(question_ids=list(merged))
    return TagMergeReport(kept=keep, merged=len(others), threads=len(merged))
