"""The staff's working desk for threads, their tags and the import history.

Lists load a fixed number of queries whatever the number of rows (tags are prefetched,
counts annotated, foreign keys joined); actions call the services in questions.curation
and questions.tagging, which log to the admin history and keep derived fields current.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.db import models
from django.db.models import Count, Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timezone import localtime
from taggit.models import Tag

from answers.models import Answer
from answers.services import answers_staff_save
from kbsite.admin_utils import TopValuesFilter, admin_link, merge_action_response
from kbsite.curation import history_log
from questions.curation import THROUGH, questions_set_published, tag_merge
from questions.importing.session import RUN_LOCK_HELD_PARAMS, RUN_LOCK_HELD_SQL
from questions.models import (
    ImportRecord,
    ImportRun,
    Procedure,
    Question,
    TreatmentArea,
)
from questions.services import (
    question_staff_save,
    questions_delete,
    tag_staff_save,
    tags_delete,
    threads_changed,
)

# taggit's own Tag model is unused here (both facets have their own tag models); its
# admin page would only confuse curators.
if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)

admin.site.site_header = f"{settings.SITE_NAME}: the curation desk"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Keep the knowledge base right"

# A title cut to this many characters fits two lines of the list's title column.
TITLE_CHARS = 70

# How many recent runs the "import run" filters offer; older ones work by URL (?run=<id>).
RECENT_RUNS = 15

IMPORT_RUNNING = RawSQL(RUN_LOCK_HELD_SQL, RUN_LOCK_HELD_PARAMS, output_field=models.BooleanField())


def format_duration(seconds: float | None) -> str:
    """ "0.09 s", "12.3 s", "3 min 12 s", "1 h 2 min": the stored float has 17 digits."""
    if seconds is None:
        return "—"
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


# --- Questions ------------------------------------------------------------------------


class FacetFilter(TopValuesFilter):
    """Threads with one procedure / treatment area, by slug (bookmarkable).

    The most used tags only: vocabularies grow, and every tag is one click away on its
    own admin list, whose thread count links here.
    """

    model = None

    @property
    def more_note(self):
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return format_html(
            'Others: their thread counts in <a href="{}">{}</a>.', url, opts.verbose_name_plural
        )

    def most_used(self, limit):
        return (
            self.model.objects.annotate(n=Count("tagged_items"))
            .order_by("-n", "name")
            .values_list("slug", "name")[:limit]
        )

    def label_of(self, value):
        return self.model.objects.filter(slug=value).values_list("name", flat=True).first()

    def filter_by(self, queryset, value):
        return queryset.filter(
            Exists(
                THROUGH[self.model].objects.filter(content_object=OuterRef("pk"), tag__slug=value)
            )
        )


class ProcedureFilter(FacetFilter):
    title = "procedure"
    parameter_name = "procedure"
    model = Procedure


class AreaFilter(FacetFilter):
    title = "treatment area"
    parameter_name = "area"
    model = TreatmentArea


class HasHiddenAnswersFilter(admin.SimpleListFilter):
    title = "has hidden answers"
    parameter_name = "hidden_answers"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        hidden = Exists(Answer.objects.filter(question=OuterRef("pk"), status=Answer.Status.HIDDEN))
        if self.value() == "yes":
            return queryset.filter(hidden)
        if self.value() == "no":
            return queryset.filter(~hidden)
        return queryset


class ImportRunFilter(admin.SimpleListFilter):
    """The most recent runs; any older run by its id in the URL (?run=<id>)."""

    title = "import run"
    parameter_name = "run"

    def lookups(self, request, model_admin):
        return [
            (str(run.pk), str(run))
            for run in ImportRun.objects.only("pk", "started_at")[:RECENT_RUNS]
        ]

    def run_id(self):
        value = self.value() or ""
        return int(value) if value.isdigit() else None

    def queryset(self, request, queryset):
        run_id = self.run_id()
        if run_id is None:
            return queryset
        if queryset.model is ImportRecord:
            return queryset.filter(run_id=run_id)
        return queryset.filter(
            Exists(ImportRecord.objects.filter(question=OuterRef("pk"), run_id=run_id))
        )


class AnswerInline(admin.TabularInline):
    """A thread's answers in page order; imports add them, staff edit and hide them."""

    model = Answer
    fields = ("position", "headline", "body", "status", "is_featured", "doctor", "sort_order")
    readonly_fields = ("position",)
    ordering = ("position",)
    autocomplete_fields = ("doctor",)
    extra = 0
    show_change_link = True
    formfield_overrides = {
        # Long enough to read an answer, short enough to see the next one; the width is
        # the column's (static/css/admin.css), so the row fits a laptop screen.
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 6, "cols": 40})}
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("doctor")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "doctor":
            # Four icons per row (add, change, delete, view a doctor) pushed "Sort order"
            # off the screen; doctors are edited on their own page, linked from the answer.
            widget = field.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return field

    def has_add_permission(self, request, obj=None):
        return False  # answers come from imports: a thread page has nothing to add

    def has_delete_permission(self, request, obj=None):
        return False  # hide an answer instead: a deleted one would come back on re-import


class ImportRecordInline(admin.TabularInline):
    """Every import of this thread's file, newest first: the thread's provenance."""

    model = ImportRecord
    fields = ("run", "path", "content_hash", "outcome", "line", "message")
    readonly_fields = fields
    ordering = ("-run__started_at", "-id")
    extra = 0
    can_delete = False
    verbose_name = "import record"
    verbose_name_plural = "import history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("run")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class QuestionAdminForm(forms.ModelForm):
    """Tags picked from the vocabularies rather than typed, so a typo makes no new tag."""

    procedures = forms.ModelMultipleChoiceField(
        queryset=Procedure.objects.all(),
        required=False,
        widget=FilteredSelectMultiple("procedures", is_stacked=False),
    )
    areas = forms.ModelMultipleChoiceField(
        label="Treatment areas",
        queryset=TreatmentArea.objects.all(),
        required=False,
        widget=FilteredSelectMultiple("treatment areas", is_stacked=False),
    )

    class Meta:
        model = Question
        fields = (
            "title",
            "slug",
            "body",
            "is_published",
            "procedures",
            "areas",
            "patient_age",
            "patient_sex",
            "patient_treatment",
            "declared_answer_count",
            "is_complete",
            "disclaimer",
            "source_key",
        )


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    # Seven narrow columns and a title cut to two lines: the list fits a 1280 px laptop
    # next to the filters (tests/test_browser_admin.py).
    list_display = ("title_short", "tag_list", "answers_shown", "is_published", "imported")
    list_filter = (
        ProcedureFilter,
        AreaFilter,
        "is_published",
        "is_complete",
        HasHiddenAnswersFilter,
        "edited_by_staff",
        ImportRunFilter,
    )
    search_fields = ("title", "body", "answers__doctor__name", "=source_key")
    search_help_text = "Title, question text, a doctor's name, or a file's exact page id."
    date_hierarchy = "created_at"
    list_per_page = 50
    readonly_fields = (
        "edited_by_staff",
        "source_file",
        "content_hash",
        "captured_at",
        "first_imported_at",
        "last_imported_at",
        "answer_count",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("title", "slug", "body", "is_published")}),
        ("Tags", {"fields": ("procedures", "areas")}),
        (
            "Patient",
            {"fields": ("patient_age", "patient_sex", "patient_treatment")},
        ),
        (
            "Source page",
            {
                "fields": (
                    "declared_answer_count",
                    "answer_count",
                    "is_complete",
                    "disclaimer",
                    "edited_by_staff",
                    "source_key",
                    "source_file",
                    "content_hash",
                    "captured_at",
                    "first_imported_at",
                    "last_imported_at",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    inlines = (AnswerInline, ImportRecordInline)
    actions = ("publish", "unpublish", "retag")

    def get_queryset(self, request):
        # Tags through taggit's prefetch: two queries for the whole page, never one per row.
        return (
            super()
            .get_queryset(request)
            .defer("search_vector")
            .prefetch_related("procedures", "areas")
        )

    def get_readonly_fields(self, request, obj=None):
        # The source key is how re-imports find the thread: set once, never changed.
        return (*self.readonly_fields, "source_key") if obj else self.readonly_fields

    @admin.display(description="title", ordering="title")
    def title_short(self, obj):
        # Two lines of the list's title column; the whole title is on the thread's page.
        return Truncator(obj.title).chars(TITLE_CHARS)

    @admin.display(description="last imported", ordering="last_imported_at")
    def imported(self, obj):
        if obj.last_imported_at is None:
            return "—"
        return date_format(localtime(obj.last_imported_at), "SHORT_DATE_FORMAT")

    @admin.display(description="procedures; areas")
    def tag_list(self, obj):
        procedures = ", ".join(tag.name for tag in obj.procedures.all())
        areas = ", ".join(tag.name for tag in obj.areas.all())
        return f"{procedures or '—'}; {areas or '—'}"

    @admin.display(description="answers shown / declared", ordering="answer_count")
    def answers_shown(self, obj):
        declared = "?" if obj.declared_answer_count is None else obj.declared_answer_count
        # A file cut off before its end explains why fewer are shown than declared.
        return f"{obj.answer_count} / {declared}" + ("" if obj.is_complete else ", cut off")

    def save_model(self, request, obj, form, change):
        question_staff_save(question=obj, changed_fields=form.changed_data, created=not change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Answer:
            return super().save_formset(request, form, formset, change)
        answers_staff_save(answers=formset.save(commit=False))
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Title, text, tags or answers may have changed: count and search follow at once.
        threads_changed(question_ids=[form.instance.pk])

    # A deleted thread must leave every list and count at once, like any other change.
    def delete_model(self, request, obj):
        questions_delete(queryset=Question.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        questions_delete(queryset=queryset)

    @admin.action(description="Publish selected threads", permissions=["change"])
    def publish(self, request, queryset):
        n = questions_set_published(question_ids=queryset, published=True, user=request.user)
        self.message_user(request, f"{n} thread(s) published.", messages.SUCCESS)

    @admin.action(description="Unpublish selected threads", permissions=["change"])
    def unpublish(self, request, queryset):
        n = questions_set_published(question_ids=queryset, published=False, user=request.user)
        self.message_user(request, f"{n} thread(s) unpublished.", messages.SUCCESS)

    @admin.action(description="Re-run auto-tagging on selected threads", permissions=["change"])
    def retag(self, request, queryset):
        from questions.tagging import questions_retag

        questions = list(queryset.only("pk", "title").prefetch_related(None).order_by())
        report = questions_retag(question_ids=[q.pk for q in questions])
        history_log(user=request.user, objects=questions, message=f"Auto-tagging re-run: {report}.")
        self.message_user(request, f"Auto-tagging re-run: {report}.", messages.SUCCESS)


# --- Treatment areas and procedures ------------------------------------------------------


class FacetTagAdmin(admin.ModelAdmin):
    """Shared by both tag vocabularies: what visitors read and what auto-tagging matches."""

    list_display = ("name", "slug", "keyword_excerpt", "thread_count")
    search_fields = ("name", "slug", "keywords", "description")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "description", "keywords")
    actions = ("retag_every_thread", "merge")
    # Explicit: Meta.ordering does not apply to the GROUP BY of the thread count.
    ordering = ("name", "id")
    filter_parameter = None  # the QuestionAdmin filter that lists this tag's threads

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_threads=Count("tagged_items"))

    @admin.display(description="keywords")
    def keyword_excerpt(self, obj):
        return Truncator(", ".join(obj.keyword_list())).chars(80)

    @admin.display(description="threads", ordering="num_threads")
    def thread_count(self, obj):
        url = reverse("admin:questions_question_changelist")
        return format_html(
            '<a href="{}?{}={}">{}</a>', url, self.filter_parameter, obj.slug, obj.num_threads
        )

    def save_model(self, request, obj, form, change):
        tag_staff_save(tag=obj, changed_fields=form.changed_data, created=not change)
        if "keywords" in form.changed_data:
            self.message_user(
                request,
                "Keywords changed: run “Re-tag every thread now” to apply them to "
                "threads already imported.",
                messages.INFO,
            )

    # A deleted tag leaves its name in its threads' search vectors until refreshed.
    def delete_model(self, request, obj):
        tags_delete(queryset=self.model.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        tags_delete(queryset=queryset)

    @admin.action(
        description="Re-tag every thread now with the current keywords", permissions=["change"]
    )
    def retag_every_thread(self, request, queryset):
        from questions.tagging import questions_retag

        report = questions_retag(question_ids=None)
        history_log(
            user=request.user,
            objects=queryset.only("pk", "name"),
            message=f"Re-tagged every thread: {report}.",
        )
        self.message_user(request, f"Re-tagged every thread: {report}.", messages.SUCCESS)

    @admin.action(description="Merge selected into one…", permissions=["change", "delete"])
    def merge(self, request, queryset):
        tags = list(queryset.order_by("-num_threads", "pk"))
        return merge_action_response(
            self,
            request,
            tags,
            columns=["name", "slug", "threads", "keywords"],
            cells=lambda t: [t.name, t.slug, t.num_threads, self.keyword_excerpt(t)],
            explanation=(
                "Every thread tagged with the others gets the one you keep; the others are "
                "deleted and their names join its keywords."
            ),
            merge=lambda keep, others: tag_merge(keep=keep, others=others, user=request.user),
            default_keep=tags[0] if tags else None,
        )


@admin.register(TreatmentArea)
class TreatmentAreaAdmin(FacetTagAdmin):
    filter_parameter = AreaFilter.parameter_name


@admin.register(Procedure)
class ProcedureAdmin(FacetTagAdmin):
    filter_parameter = ProcedureFilter.parameter_name


# --- Imports (read-only history) -------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """Import history is a record: staff read it, nobody edits or deletes it here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # Everything shown is read-only: say it once, in `fields`.
        return flatten_fieldsets(self.get_fieldsets(request, obj))


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "state",
        "arguments_text",
        "dry_run",
        "files_total",
        "outcomes",
        "duration_text",
        "records_link",
    )
    list_filter = ("dry_run", "interrupted")
    date_hierarchy = "started_at"
    fields = (
        "started_at",
        "finished_at",
        "state",
        "arguments_text",
        "dry_run",
        ("files_total", "created", "updated", "unchanged", "failed"),
        "duration_text",
        "records_link",
    )

    def get_queryset(self, request):
        # Whether an import holds the lock: an unfinished run without it is dead, even
        # before the next run marks it. One subquery in the list's own query.
        return super().get_queryset(request).annotate(import_running=IMPORT_RUNNING)

    @admin.display(description="state")
    def state(self, obj):
        if obj.finished_at:
            return "finished"
        if obj.interrupted or not getattr(obj, "import_running", True):
            return "interrupted"
        return "running"

    @admin.display(description="outcomes")
    def outcomes(self, obj):
        # One column, not four: the list fits a laptop; the run's page has each count.
        counts = [
            (obj.created, "created"),
            (obj.updated, "updated"),
            (obj.unchanged, "unchanged"),
            (obj.failed, "failed"),
        ]
        return ", ".join(f"{n:,} {what}" for n, what in counts if n) or "—"

    @admin.display(description="duration", ordering="duration")
    def duration_text(self, obj):
        return format_duration(obj.duration)

    @admin.display(description="arguments")
    def arguments_text(self, obj):
        args = obj.arguments
        return " ".join(map(str, args)) if isinstance(args, list) else str(args)

    @admin.display(description="records")
    def records_link(self, obj):
        url = reverse("admin:questions_importrecord_changelist")
        return format_html(
            '<a href="{}?{}={}">files</a>', url, ImportRunFilter.parameter_name, obj.pk
        )


@admin.register(ImportRecord)
class ImportRecordAdmin(ReadOnlyAdmin):
    list_display = ("path", "outcome", "line", "message_excerpt", "thread", "run")
    list_filter = ("outcome", ImportRunFilter)
    search_fields = ("path",)
    search_help_text = "Part of the file's path."
    list_select_related = ("run", "question")
    fields = ("run", "path", "content_hash", "outcome", "line", "message", "thread")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("question__body", "question__search_vector")

    @admin.display(description="message")
    def message_excerpt(self, obj):
        return Truncator(obj.message).chars(100)

    @admin.display(description="thread")
    def thread(self, obj):
        return admin_link(obj.question) if obj.question_id else "—"
