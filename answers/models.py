"""Doctors and their answers to questions."""

from django.db import models
from django.urls import reverse


class Doctor(models.Model):
    """One real doctor, matched across every thread they answered."""

    identity_key = models.CharField(
        max_length=400,
        editable=False,
        help_text="Normalised name and place; how imports recognise the same doctor.",
    )
    name = models.CharField(max_length=200)
    credentials = models.CharField(max_length=100, blank=True, help_text="MD, FACS, DDS...")
    place = models.CharField(max_length=200, blank=True)
    specialty = models.CharField(max_length=200, blank=True)
    rating = models.DecimalField(max_digits=2, decimal_places=1, null=True, blank=True)
    review_count = models.PositiveIntegerField(null=True, blank=True)
    # The rating and review count are the newest a source page showed: from a page
    # captured at this time. NULL for facts imported before capture dates were kept.
    facts_captured_at = models.DateTimeField(
        "facts as of",
        null=True,
        blank=True,
        help_text="When the source page showing this rating and review count was captured.",
    )
    slug = models.SlugField(max_length=220)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # One row per real doctor: imports look doctors up by this key.
            models.UniqueConstraint(fields=["identity_key"], name="doctor_unique_identity"),
            # Doctor pages are found by slug.
            models.UniqueConstraint(fields=["slug"], name="doctor_unique_slug"),
        ]

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def get_absolute_url(self):
        return reverse("answers:doctor_detail", args=[self.slug])


class DoctorAlias(models.Model):
    """An identity folded into another doctor by a merge, so that imports find the kept one."""

    identity_key = models.CharField(max_length=400)
    doctor = models.ForeignKey(Doctor, on_delete=models.CASCADE, related_name="aliases")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "doctor aliases"
        constraints = [
            # The importer resolves an identity to exactly one doctor.
            models.UniqueConstraint(fields=["identity_key"], name="doctoralias_unique_identity"),
        ]

    def __str__(self):
        return f"{self.identity_key} → {self.doctor}"


class AnswerQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Answer.Status.PUBLISHED)

    def in_display_order(self):
        return self.order_by("-is_featured", "sort_order", "position")


class Answer(models.Model):
    """One doctor's answer on a thread, at its position on the source page."""

    class Status(models.TextChoices):
        PUBLISHED = "published", "published"
        HIDDEN = "hidden", "hidden"

    # No index of its own: answer_unique_question_position leads with question_id and
    # serves every lookup by question. Each index costs every imported answer a write.
    question = models.ForeignKey(
        "questions.Question", on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    # Indexed by answer_doctor_newest, which leads with doctor_id.
    doctor = models.ForeignKey(
        Doctor,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
        db_index=False,
    )
    position = models.PositiveSmallIntegerField(
        help_text="Order on the source page, from 1; how re-imports find this answer."
    )
    sort_order = models.SmallIntegerField(
        default=0,
        help_text="Staff re-ordering: lower shows first; equal values keep the page order.",
    )
    headline = models.CharField(max_length=500, blank=True)
    body = models.TextField()
    # What the answer's byline said on its page, on the day the page was captured: the
    # doctor's place, specialty, rating and review count as of then, whether or not the
    # byline named the doctor. A doctor's own row holds only their newest facts.
    byline_place = models.CharField(max_length=200, blank=True)
    byline_specialty = models.CharField(max_length=200, blank=True)
    byline_rating = models.DecimalField(max_digits=2, decimal_places=1, null=True, blank=True)
    byline_review_count = models.PositiveIntegerField(null=True, blank=True)
    captured_at = models.DateTimeField(
        "captured",
        null=True,
        blank=True,
        help_text="When the page this answer and its byline were read from was captured.",
    )
    # Not indexed: two values, always filtered together with a question or a doctor.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    is_featured = models.BooleanField(
        "featured", default=False, help_text="Featured answers show first on the thread."
    )
    edited_by_staff = models.BooleanField(
        default=False,
        help_text="Set when staff change this answer; imports then leave it as it is.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["question_id", "position"]
        constraints = [
            # One answer per position: how a re-import finds the answer to update.
            models.UniqueConstraint(
                fields=["question", "position"], name="answer_unique_question_position"
            ),
        ]
        indexes = [
            # A doctor's page: their answers, newest thread first, read in order and
            # counted from the index alone (status included), even for 30,000 answers.
            models.Index(
                fields=["doctor", "-question", "position"],
                name="answer_doctor_newest",
                include=["status"],
            ),
        ]

    def __str__(self):
        return self.headline or self.body[:80]

    @property
    def has_byline(self) -> bool:
        """Whether the page said anything of who answered."""
        return bool(
            self.doctor_id
            or self.byline_specialty
            or self.byline_place
            or self.byline_rating is not None
        )

    @property
    def unnamed_author(self) -> str:
        """An unnamed byline as what it was: "A vascular surgeon in Grand Rapids, not named
        on the source page". Never a name the page did not give."""
        who = self.byline_specialty.lower() or "doctor"
        article = "An" if who[0] in "aeiou" else "A"
        where = f" in {self.byline_place}" if self.byline_place else ""
        return f"{article} {who}{where}, not named on the source page"
