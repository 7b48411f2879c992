"""Questions (one per scraped thread), their two tag facets, and import provenance."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from questions.querysets import QuestionQuerySet


class FacetTag(TagBase):
    """A tag with a description for visitors and keywords for auto-tagging."""

    description = models.TextField(
        blank=True, help_text="Shown to visitors at the top of this tag's page."
    )
    keywords = models.TextField(
        blank=True,
        help_text=(
            "One keyword or phrase per line. A thread whose title, question or answers "
            "contain one of them gets this tag when it is imported or re-tagged."
        ),
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def keyword_list(self) -> list[str]:
        return [line.strip() for line in self.keywords.splitlines() if line.strip()]


class TreatmentArea(FacetTag):
    """Where on the body: cheeks, masseter, crow's feet, lips..."""

    class Meta(FacetTag.Meta):
        verbose_name = "treatment area"

    def get_absolute_url(self):
        return reverse("questions:area_detail", args=[self.slug])


class Procedure(FacetTag):
    """What was done: Botox, dermal filler, rhinoplasty... Visitors browse by this first."""

    class Meta(FacetTag.Meta):
        verbose_name = "procedure"

    def get_absolute_url(self):
        return reverse("questions:procedure_detail", args=[self.slug])


class TaggedBase(TaggedItemBase):
    # Auto-tagging replaces only the rows it made itself; rows that staff added by hand
    # (auto=False, the default for anything saved through the admin) survive re-tagging
    # and re-import.
    auto = models.BooleanField(
        default=False, help_text="Set by keyword auto-tagging rather than by staff."
    )

    class Meta:
        abstract = True


class TaggedArea(TaggedBase):
    content_object = models.ForeignKey(
        "Question", on_delete=models.CASCADE, related_name="tagged_areas"
    )
    tag = models.ForeignKey(TreatmentArea, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="tagged_area_unique_question_tag"
            )
        ]


class TaggedProcedure(TaggedBase):
    content_object = models.ForeignKey(
        "Question", on_delete=models.CASCADE, related_name="tagged_procedures"
    )
    tag = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="tagged_procedure_unique_question_tag"
            )
        ]


class Question(models.Model):
    """One patient question thread, as imported from one scraped page."""

    source_key = models.CharField(
        max_length=255,
        help_text=(
            "Stable identity of the source page: the hex id from the file name, or the "
            "normalised title when the name has none. Re-imports update by this key."
        ),
    )
    title = models.CharField(max_length=500)
    # Not indexed: threads are found by id; the slug only makes the URL canonical.
    slug = models.SlugField(max_length=120, allow_unicode=False, db_index=False)
    body = models.TextField("question text")
    patient_age = models.PositiveSmallIntegerField(null=True, blank=True)
    patient_sex = models.CharField(max_length=40, blank=True)
    patient_treatment = models.CharField(max_length=500, blank=True)
    declared_answer_count = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="How many answers the source page said it had; it may show fewer.",
    )
    is_complete = models.BooleanField(
        "complete",
        default=True,
        help_text="False when the source file was cut off before its end.",
    )
    # NULL, not "", when the file had none: exports must tell "absent" from "empty".
    disclaimer = models.TextField(  # noqa: DJ001
        null=True,
        blank=True,
        help_text="The disclaimer found in the file. Empty: the site's own is shown.",
    )
    # Denormalised count of published answers, kept by the services that change answers,
    # so that lists sort by "most answered" without aggregating every answer.
    answer_count = models.PositiveIntegerField(default=0, editable=False)

    # Also kept by the services, so that the "named doctors" and "doctor specialty" filters
    # read one table instead of joining every answer and doctor.
    has_named_doctor = models.BooleanField(default=False, editable=False)
    # NULL until first refreshed (bulk inserts leave it to question_refresh_derived).
    doctor_specialties = ArrayField(
        models.CharField(max_length=200), null=True, default=list, blank=True, editable=False
    )

    source_file = models.CharField(max_length=500, blank=True)
    # When the source page was copied: the file's modification time, or the import's
    # time for a file that carries none. The only date a thread has that visitors can trust.
    captured_at = models.DateTimeField("captured", default=timezone.now, editable=False)
    content_hash = models.CharField(max_length=64, blank=True)
    first_imported_at = models.DateTimeField(null=True, blank=True)
    last_imported_at = models.DateTimeField(null=True, blank=True)

    edited_by_staff = models.BooleanField(
        default=False,
        help_text=(
            "Set when staff change this thread's text; imports then keep the title, "
            "question and details as staff left them (new answers are still added)."
        ),
    )
    is_published = models.BooleanField(
        "published", default=True, help_text="Unpublished threads appear nowhere public."
    )
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    areas = TaggableManager(
        through=TaggedArea, blank=True, related_name="questions", verbose_name="treatment areas"
    )
    procedures = TaggableManager(
        through=TaggedProcedure, blank=True, related_name="questions", verbose_name="procedures"
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            # What makes a re-import update a thread instead of duplicating it.
            models.UniqueConstraint(fields=["source_key"], name="question_unique_source_key"),
        ]
        indexes = [
            # Full-text search (QuestionQuerySet.search).
            GinIndex(fields=["search_vector"], name="question_search_vector_gin"),
            # The doctor-specialty filter (QuestionQuerySet.answered_by_specialty).
            GinIndex(fields=["doctor_specialties"], name="question_specialties_gin"),
            # The sitemap's <lastmod>: the newest change among published threads.
            models.Index(
                fields=["updated_at"],
                name="question_published_updated",
                condition=models.Q(is_published=True),
            ),
            # The few unpublished threads, for counts that subtract them (a doctor's page).
            models.Index(
                fields=["id"],
                name="question_unpublished",
                condition=models.Q(is_published=False),
            ),
            # The public list sorted by "recently captured".
            models.Index(
                fields=["-captured_at", "-id"],
                name="question_published_captured",
                condition=models.Q(is_published=True),
            ),
            # The public list sorted by "most answered" (newest first is the primary key).
            models.Index(
                fields=["-answer_count", "-id"],
                name="question_published_answered",
                condition=models.Q(is_published=True),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("questions:detail", args=[self.pk, self.slug])


class ImportRun(models.Model):
    """One run of `import_threads`: what was asked and what it did."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    arguments = models.JSONField(default=list, blank=True)
    dry_run = models.BooleanField(default=False)
    files_total = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    duration = models.FloatField("duration (s)", null=True, blank=True)
    interrupted = models.BooleanField(
        default=False,
        editable=False,
        help_text=(
            "The run's process died before it finished (killed, or its machine stopped); "
            "set by the next run, with the counts its file records give."
        ),
    )

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"Import #{self.pk} at {self.started_at:%Y-%m-%d %H:%M}"


class ImportRecord(models.Model):
    """What one import run did with one file."""

    class Outcome(models.TextChoices):
        CREATED = "created", "created"
        UPDATED = "updated", "updated"
        UNCHANGED = "unchanged", "unchanged"
        FAILED = "failed", "failed"

    # importrecord_run_outcome leads with run_id and serves lookups by run alone.
    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="records", db_index=False
    )
    path = models.CharField(max_length=1000)
    content_hash = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    line = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)
    question = models.ForeignKey(
        Question,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_records",
    )

    class Meta:
        ordering = ["run_id", "id"]
        indexes = [
            # Admin: filter a run's records by outcome.
            models.Index(fields=["run", "outcome"], name="importrecord_run_outcome"),
        ]

    def __str__(self):
        return f"{self.path}: {self.outcome}"


class ThreadChange(models.Model):
    """One entry of the change log: this thread changed (or was deleted).

    Written by questions.services.threads_changed in the same transaction as the change,
    under a lock that makes entries commit in id order, so a reader that remembers the
    newest id it has seen catches up by reading the entries after it (questions.facets).
    Old entries are pruned; a reader that far behind rebuilds from the tables.
    """

    id = models.BigAutoField(primary_key=True)
    # Not a foreign key: a deleted thread's entry must outlive it.
    question_id = models.BigIntegerField()

    def __str__(self):
        return f"#{self.pk}: thread {self.question_id}"


class SearchWord(models.Model):
    """One word of the published threads' text, with how many of them use it: the
    vocabulary that "Did you mean" corrects a search from (questions.searchwords).

    Kept by questions.services.threads_changed, through ThreadWords. Matched by its
    deletion variants (a GIN-indexed array: "botox", "otox", "btox", "boox", "botx",
    "boto"), which a typo one edit away shares; see questions.searchwords.
    """

    word = models.CharField(max_length=30, primary_key=True)
    # Not PositiveIntegerField: its CHECK would refuse the negative difference that
    # questions.searchwords proposes before ON CONFLICT adds it to the stored count.
    # 0: no published thread uses the word any more (kept, never suggested).
    threads = models.IntegerField()
    variants = ArrayField(models.CharField(max_length=30))

    class Meta:
        indexes = [GinIndex(fields=["variants"], name="search_word_variants")]

    def __str__(self):
        return self.word


class ThreadWords(models.Model):
    """The distinct words one published thread contributed to SearchWord, as last
    counted: what to subtract when it changes, is unpublished or is deleted.

    Not a foreign key: a deleted thread's words must outlive it until they are taken
    off the counts.
    """

    question_id = models.BigIntegerField(primary_key=True)
    words = ArrayField(models.CharField(max_length=30))

    class Meta:
        verbose_name_plural = "thread words"

    def __str__(self):
        return f"thread {self.question_id}"
