"""Helpers every app's curation services share: admin history, selections, merge locks."""

from collections.abc import Iterable

from django.contrib.admin.models import CHANGE, LogEntry
from django.db.models import QuerySet


def history_log(*, user, objects: Iterable, action_flag: int = CHANGE, message: str) -> None:
    """Record `message` against each object in the admin history, in one INSERT.

    `user` may be None (a command or a script): nobody to record, nothing is written.
    """
    objects = list(objects)
    if user is None or not objects:
        return
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=objects, action_flag=action_flag, change_message=message
    )


def ids_or_subquery(values: Iterable | QuerySet) -> list[int] | QuerySet:
    # A queryset stays a subquery (the admin passes its selection that way); anything
    # else becomes a list that the IN clause can take.
    if isinstance(values, QuerySet):
        return values.values("pk")
    return [getattr(value, "pk", value) for value in values]


def lock_for_merge(model, *, keep, others):
    """Re-read `keep` and the other rows of `model` to merge into it, locked for update.

    Must run inside a transaction; returns (keep, others without keep).
    """
    keep = model.objects.select_for_update().get(pk=keep.pk)
    others = list(
        model.objects.filter(pk__in=ids_or_subquery(others)).exclude(pk=keep.pk).select_for_update()
    )
    return keep, others
