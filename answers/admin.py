"""The staff's working desk for answers and doctors.

Saving an answer here marks it staff-edited, so a re-import leaves it as staff left it;
bulk actions go through answers.services, which log to the admin history and refresh the
threads' answer counts and search vectors.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from answers.duplicates import possible_duplicates
from answers.models import Answer, Doctor
from answers.services import (
    answer_staff_save,
    answers_delete,
    answers_set_featured,
    answers_set_status,
    doctor_merge,
    doctor_staff_save,
)
from kbsite.admin_utils import (
    TopValuesFilter,
    admin_link,
    merge_action_response,
    most_used_values,
)

# Groups on one page of "possible duplicates": each is a small form, a page stays short.
DUPLICATE_GROUPS_PER_PAGE = 50


class DoctorFieldFilter(TopValuesFilter):
    """The most common values of a doctor's place or specialty, counted over doctors.

    Places run to thousands; listing every one made a sidebar no one could use, and
    listing the specialties of answers joined every answer to its doctor.
    """

    field = None
    prefix = ""  # the lookup from the listed model to the doctor

    def most_used(self, limit):
        return most_used_values(Doctor.objects.all(), self.field, limit)

    def filter_by(self, queryset, value):
        return queryset.filter(**{self.prefix + self.field: value})


class PlaceFilter(DoctorFieldFilter):
    title = "place"
    parameter_name = field = "place"
    more_note = "Others: type the place in the search box."


class SpecialtyFilter(DoctorFieldFilter):
    title = "specialty"
    parameter_name = field = "specialty"
    more_note = "Others: type the specialty in the search box."


class AnswerSpecialtyFilter(DoctorFieldFilter):
    title = "doctor's specialty"
    field = "specialty"
    prefix = "doctor__"
    parameter_name = "doctor__specialty"

    @property
    def more_note(self):
        return format_html(
            'Others: search <a href="{}">doctors</a> by specialty; a doctor\'s answer '
            "count links to their answers.",
            reverse("admin:answers_doctor_changelist"),
        )


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ("excerpt", "thread", "doctor", "status", "is_featured", "edited_by_staff")
    list_filter = (
        "status",
        "is_featured",
        "edited_by_staff",
        AnswerSpecialtyFilter,
    )
    search_fields = ("body", "headline", "question__title", "doctor__name")
    search_help_text = "Answer text or headline, the thread's title, or the doctor's name."
    list_select_related = ("question", "doctor")
    autocomplete_fields = ("question", "doctor")
    list_per_page = 50
    readonly_fields = ("edited_by_staff", "captured_at", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("question", "position", "doctor", "headline", "body")}),
        ("On the thread page", {"fields": ("status", "is_featured", "sort_order")}),
        (
            "Byline as the source page showed it",
            {
                "fields": (
                    "byline_place",
                    "byline_specialty",
                    "byline_rating",
                    "byline_review_count",
                    "captured_at",
                ),
                "classes": ("collapse",),
            },
        ),
        ("Record", {"fields": ("edited_by_staff", "created_at", "updated_at")}),
    )
    actions = ("publish", "hide", "feature", "unfeature")

    def get_queryset(self, request):
        # The thread's title is all the list needs of it; its text and vector stay behind.
        return (
            super()
            .get_queryset(request)
            .defer("question__body", "question__search_vector", "question__disclaimer")
        )

    def get_readonly_fields(self, request, obj=None):
        # The position is how a re-import finds this answer: set once, never changed.
        return (*self.readonly_fields, "position") if obj else self.readonly_fields

    @admin.display(description="answer")
    def excerpt(self, obj):
        return Truncator(obj.headline or obj.body).chars(90)

    @admin.display(description="thread", ordering="question__title")
    def thread(self, obj):
        return admin_link(obj.question, Truncator(obj.question.title).chars(60))

    def save_model(self, request, obj, form, change):
        left = form.initial["question"] if change and "question" in form.changed_data else None
        answer_staff_save(answer=obj, left_question_id=left)

    # Only superusers delete answers (curators hide them); counts and search follow.
    def delete_model(self, request, obj):
        answers_delete(queryset=Answer.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        answers_delete(queryset=queryset)

    @admin.action(description="Publish selected answers", permissions=["change"])
    def publish(self, request, queryset):
        n = answers_set_status(
            answer_ids=queryset, status=Answer.Status.PUBLISHED, user=request.user
        )
        self.message_user(request, f"{n} answer(s) published.", messages.SUCCESS)

    @admin.action(description="Hide selected answers", permissions=["change"])
    def hide(self, request, queryset):
        n = answers_set_status(answer_ids=queryset, status=Answer.Status.HIDDEN, user=request.user)
        self.message_user(request, f"{n} answer(s) hidden.", messages.SUCCESS)

    @admin.action(description="Feature selected answers", permissions=["change"])
    def feature(self, request, queryset):
        n = answers_set_featured(answer_ids=queryset, featured=True, user=request.user)
        self.message_user(request, f"{n} answer(s) featured.", messages.SUCCESS)

    @admin.action(description="Unfeature selected answers", permissions=["change"])
    def unfeature(self, request, queryset):
        n = answers_set_featured(answer_ids=queryset, featured=False, user=request.user)
        self.message_user(request, f"{n} answer(s) no longer featured.", messages.SUCCESS)


@admin.register(Doctor)
class DoctorAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "credentials",
        "specialty",
        "place",
        "rating",
        "review_count",
        "answer_count",
    )
    list_filter = (SpecialtyFilter, PlaceFilter)
    search_fields = ("name", "credentials", "specialty", "place")
    search_help_text = "Name, credentials, specialty or place."
    readonly_fields = (
        "identity_key",
        "answer_count",
        "facts_captured_at",
        "created_at",
        "updated_at",
    )
    fields = (
        "name",
        "credentials",
        "specialty",
        "place",
        ("rating", "review_count", "facts_captured_at"),
        "slug",
        "identity_key",
        "answer_count",
        "created_at",
        "updated_at",
    )
    actions = ("merge",)
    # Explicit: Meta.ordering does not apply to the GROUP BY of the answer count.
    ordering = ("name", "id")

    def get_queryset(self, request):
        # One aggregate for the whole page, never a count per row.
        return super().get_queryset(request).annotate(num_answers=Count("answers"))

    def save_model(self, request, obj, form, change):
        doctor_staff_save(doctor=obj, changed_fields=form.changed_data)

    @admin.display(description="answers", ordering="num_answers")
    def answer_count(self, obj):
        url = reverse("admin:answers_answer_changelist")
        return format_html('<a href="{}?doctor__id__exact={}">{}</a>', url, obj.pk, obj.num_answers)

    def get_urls(self):
        duplicates = path(
            "duplicates/",
            self.admin_site.admin_view(self.duplicates_view),
            name="answers_doctor_duplicates",
        )
        return [duplicates, *super().get_urls()]

    def duplicates_view(self, request):
        """Groups of doctors who may be one, each a form that opens the merge for it."""
        # Merging deletes the merged rows: whoever may not merge has nothing to do here.
        if not (self.has_change_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        groups = possible_duplicates(Doctor.objects.values_list("id", "identity_key"))
        page = Paginator(groups, DUPLICATE_GROUPS_PER_PAGE).get_page(request.GET.get("p"))
        shown = [pk for group in page for pk in group.doctor_ids]
        doctors = Doctor.objects.filter(pk__in=shown).annotate(num_answers=Count("answers"))
        by_id = {d.pk: d for d in doctors.order_by()}
        context = {
            **self.admin_site.each_context(request),
            "title": "Possible duplicate doctors",
            "subtitle": None,
            "opts": self.model._meta,
            "page": page,
            "groups": [
                {"group": group, "doctors": [by_id[pk] for pk in group.doctor_ids]}
                for group in page
            ],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/answers/doctor/duplicates.html", context)

    @admin.action(description="Merge selected doctors into one…", permissions=["change", "delete"])
    def merge(self, request, queryset):
        doctors = list(queryset.order_by("-num_answers", "pk"))
        return merge_action_response(
            self,
            request,
            doctors,
            columns=["name", "specialty", "place", "rating", "reviews", "answers"],
            cells=lambda d: [
                d,
                d.specialty,
                d.place,
                d.rating if d.rating is not None else "—",
                d.review_count if d.review_count is not None else "—",
                d.num_answers,
            ],
            explanation=(
                "All answers of the others move to the doctor you keep, blank details on it "
                "are filled from them, the larger review count is kept with its rating, "
                "and the others are removed."
            ),
            merge=lambda keep, others: doctor_merge(keep=keep, others=others, user=request.user),
            default_keep=doctors[0] if doctors else None,
        )
