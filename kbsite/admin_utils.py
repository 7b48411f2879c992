"""Admin helpers that both apps' admins use: links to change pages, the merge action and
filters that stay short however many values there are."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
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


# How many values a filter sidebar lists: enough for the common ones, few enough that the
# sidebar never pushes the list off a laptop's screen.
FILTER_LIMIT = 10


class TopValuesFilter(admin.SimpleListFilter):
    """A filter listing only the FILTER_LIMIT most used values, and then where the rest are.

    Places alone run to thousands, and a sidebar listing every one is useless and slow.
    The chosen value is always listed (selected) when the URL names one outside the top;
    any value filters, whether listed or not, so bookmarks and links from elsewhere work.
    Subclasses give `most_used(limit)` -> [(value, label)], most used first, and
    `filter_by(queryset, value)`; `label_of(value)` when the label is not the value.
    """

    template = "admin/top_values_filter.html"
    # Where a curator finds the values not listed, as HTML (format_html) or text.
    more_note = "Others: use the search box."

    def lookups(self, request, model_admin):
        # Read when the sidebar is drawn (choices), not when the filter is made: an
        # action's POST builds the changelist twice and never draws it.
        return ()

    def has_output(self):
        return True

    def choices(self, changelist):
        top = list(self.most_used(FILTER_LIMIT + 1))
        self.has_more = len(top) > FILTER_LIMIT
        top = top[:FILTER_LIMIT]
        chosen = self.value()
        if chosen and chosen not in {value for value, _ in top}:
            label = self.label_of(chosen)
            if label is not None:
                top.append((chosen, label))
        self.lookup_choices = top
        return super().choices(changelist)

    def queryset(self, request, queryset):
        value = self.value()
        return self.filter_by(queryset, value) if value else queryset

    def label_of(self, value):
        return value

    def most_used(self, limit):
        raise NotImplementedError

    def filter_by(self, queryset, value):
        raise NotImplementedError


def most_used_values(queryset, field, limit):
    """[(value, value)] of `field`'s non-blank values in `queryset`, the most rows first."""
    rows = (
        queryset.exclude(**{field: ""})
        .values_list(field)
        .annotate(n=Count("pk"))
        .order_by("-n", field)[:limit]
    )
    return [(value, value) for value, _ in rows]
