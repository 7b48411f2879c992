"""Admin helpers that both apps' admins use: links to change pages and the merge action."""

from django.contrib import messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html


def admin_link(obj, text=None):
    """A link to `obj`'s change page in the admin."""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text if text is not None else obj)


def merge_action_response(
    modeladmin, request, objects, *, columns, cells, explanation, merge, default_keep
):
    """The two steps of a "merge" action: pick the row to keep, then merge into it.

    `objects` are the selected rows; `cells(obj)` gives the table cells for `columns`;
    `merge(keep=..., others=...)` does the work and returns a report to show.
    """
    opts = modeladmin.model._meta
    if len(objects) < 2:
        modeladmin.message_user(
            request, f"Select two or more {opts.verbose_name_plural} to merge.", messages.WARNING
        )
        return None
    if request.POST.get("post") == "yes":
        keep = next((o for o in objects if str(o.pk) == request.POST.get("keep")), None)
        if keep is not None:
            report = merge(keep=keep, others=[o for o in objects if o is not keep])
            modeladmin.message_user(request, str(report), messages.SUCCESS)
            return None
        modeladmin.message_user(request, f"Choose the {opts.verbose_name} to keep.", messages.ERROR)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Merge {len(objects)} {opts.verbose_name_plural}",
        "subtitle": None,
        "opts": opts,
        "explanation": explanation,
        "columns": columns,
        "rows": [{"pk": o.pk, "cells": cells(o)} for o in objects],
        "keep_pk": default_keep.pk,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "admin/merge_selected.html", context)
