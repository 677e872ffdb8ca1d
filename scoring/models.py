from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from provinces.models import Level, Unit
from scoring.storage import evidence_storage


def _points(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=7, decimal_places=2, **kwargs)


def _percent(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=5, decimal_places=2, **kwargs)


# Where a published figure was read: one or more addresses separated by " ; ", or a short text
# where no address was kept (scoring.sources checks it).
SOURCE_HELP = _("Where the figure was published: addresses separated by ' ; ', or a short text.")


def _exact(**kwargs) -> models.DecimalField:
    # Exact indices are kept to 12 places: enough to decide half-up rounding at 2 places.
    return models.DecimalField(max_digits=20, decimal_places=12, **kwargs)


class EditionQuerySet(models.QuerySet):
    def published(self) -> "EditionQuerySet":
        return self.filter(status=Edition.Status.PUBLISHED)

    def shown(self) -> "EditionQuerySet":
        """Published, or reopened for a correction after a publication (in review again, as the
        corrections log finds them): its Result rows, written only by publishing, are the
        figures as they last stood, and they stay public meanwhile (issue 15, item 9)."""
        return self.filter(
            Q(status=Edition.Status.PUBLISHED)
            | Q(status=Edition.Status.REVIEW, published_at__isnull=False)
        )

    def with_ranked_summaries(self) -> "EditionQuerySet":
        """Annotated with what Edition.ranked_summaries counts, so is_partial costs no query per
        edition; distinct, so other counts over joined rows may be annotated beside it."""
        return self.annotate(
            ranked_summaries=models.Count(
                "participants",
                filter=Q(participants__ranked=True, participants__summary__isnull=False),
                distinct=True,
            )
        )


class Edition(models.Model):
    """One year's index for one level."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
        APPRAISAL = "appraisal", _("Appraisal")
        REVIEW = "review", _("Review")
        PUBLISHED = "published", _("Published")

    year = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=16, choices=Level.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    summary_only = models.BooleanField(
        default=False, help_text=_("Imported published results without points per sub-criterion.")
    )
    is_demo = models.BooleanField(
        default=False, help_text=_("Illustrative data, never official results.")
    )
    # A summary-only edition may be published from a partial file (e.g. the top
    # 30): these two keep the figures the publisher printed, which the stored
    # rows alone cannot reproduce.
    ranked_total = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "How many units the edition ranked, as published; set for summary-only editions."
        ),
    )
    published_average = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The published national average of a summary-only edition."),
    )
    methodology_note_vi = models.TextField(blank=True)
    methodology_note_en = models.TextField(blank=True)
    group_a = _percent(default=Decimal("90"))
    group_b = _percent(default=Decimal("80"))
    group_c = _percent(default=Decimal("70"))
    published_at = models.DateTimeField(null=True, blank=True)
    # The last day of each working stage, set by an admin; shown on the staff home. A date only:
    # nothing closes by itself, a stage still ends when an admin moves the edition on.
    self_assessment_deadline = models.DateField(
        _("self-assessment deadline"), null=True, blank=True
    )
    appraisal_deadline = models.DateField(_("appraisal deadline"), null=True, blank=True)
    review_deadline = models.DateField(_("review deadline"), null=True, blank=True)

    class EvidenceRule(models.TextChoices):
        WARN = "warn", _("Warn, and let the unit submit anyway")
        REFUSE = "refuse", _("Refuse the submission")

    # What submitting a self-assessment does when points are claimed on a sub-criterion with no
    # evidence (scoring.submission): chosen by an admin for each edition.
    evidence_rule = models.CharField(
        _("points claimed without evidence"),
        max_length=8,
        choices=EvidenceRule.choices,
        default=EvidenceRule.WARN,
    )

    objects = EditionQuerySet.as_manager()
    # Edits in the admin (thresholds, notes); stage changes are EditionEvents.
    history = HistoricalRecords(excluded_fields=["status", "published_at"])

    class Meta:
        ordering = ["-year", "level"]
        constraints = [
            models.UniqueConstraint(fields=["year", "level"], name="one_edition_per_year_level"),
            models.CheckConstraint(
                condition=Q(group_a__gte=F("group_b")) & Q(group_b__gte=F("group_c")),
                name="edition_group_thresholds_descend",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_level_display()}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @cached_property
    def ranked_summaries(self) -> int:
        """How many ranked participants have a published (summary) result: one query, then
        cached; a queryset may annotate the same name, and publishing sets it from the rows it
        has already loaded."""
        return self.participants.filter(ranked=True, summary__isnull=False).count()

    @property
    def is_partial(self) -> bool:
        """A summary-only edition whose file holds fewer ranked units than the edition ranked
        (e.g. a published top five): averages and region ranks of it cannot be computed."""
        if not self.summary_only or self.ranked_total is None:
            return False  # decided without touching the database
        return self.ranked_summaries < self.ranked_total

    def fields(self) -> models.QuerySet["Criterion"]:
        return self.criteria.filter(parent__isnull=True)


class Criterion(models.Model):
    """A node of an edition's criteria tree: a field, a criterion or a sub-criterion."""

    class Method(models.TextChoices):
        SELF = "self", _("Self-assessed, then appraised")
        SURVEY = "survey", _("Sociological survey")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(max_length=32)
    sort_key = models.CharField(max_length=64, editable=False)
    name_vi = models.CharField(max_length=500)
    name_en = models.CharField(max_length=500, blank=True)
    description_vi = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    max_points = _points(validators=[MinValueValidator(Decimal("0"))])
    method = models.CharField(max_length=8, choices=Method.choices, blank=True)

    class Meta:
        ordering = ["edition", "sort_key"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="criterion_code_unique"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="criterion_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_vi}"

    def save(self, *args, **kwargs):
        self.sort_key = self.sort_key_for(self.code)
        super().save(*args, **kwargs)

    @property
    def field_code(self) -> str:
        return self.code.split(".")[0]

    @staticmethod
    def sort_key_for(code: str) -> str:
        """Orders 1.2 before 1.10: each part zero-padded."""
        return ".".join(part.zfill(4) for part in code.split("."))


class Participant(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="participants")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="participations")
    ranked = models.BooleanField(default=True)
    note = models.TextField(blank=True)
    # A unit officer's submit: their self-assessment is complete and no longer theirs to change.
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # An extension: until this day the unit may still enter and submit its self-assessment
    # after the appraisal opened (scoring.permissions), while the other units are locked.
    extended_until = models.DateField(_("self-assessment extended until"), null=True, blank=True)

    class Meta:
        ordering = ["edition", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "unit"], name="one_participation_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} in {self.edition}"


class Score(models.Model):
    """A participant's points on one leaf; publish.py decides which of them are final."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    self_points = _points(null=True, blank=True)
    appraised_points = _points(null=True, blank=True)
    # Published with the edition's scores (docs/rules.md); the note beside it never leaves the
    # staff screens.
    appraisal_reason = models.TextField(blank=True)
    appraisal_note = models.TextField(blank=True)
    # The evidence addresses, one a line (scoring.points.addresses reads them); the files are
    # EvidenceFile rows.
    evidence_url = models.TextField(blank=True)
    self_note = models.TextField(blank=True)
    survey_points = _points(null=True, blank=True)
    respondents = models.PositiveIntegerField(null=True, blank=True)
    # Incremented by every write: a form sends the version it showed, and a save over a newer
    # version is refused instead of silently overwriting someone else's values.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "criterion"], name="one_score_per_participant_leaf"
            ),
            models.CheckConstraint(
                condition=Q(self_points__gte=0)
                & Q(appraised_points__gte=0)
                & Q(survey_points__gte=0),
                name="score_points_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant.unit.code} {self.criterion.code}"

    @property
    def evidence(self) -> list["EvidenceFile"]:
        """The files of the self-assessment, not those sent with a reply (read through a
        prefetch of evidence_files where one was made)."""
        return [item for item in self.evidence_files.all() if item.reply_id is None]


class EvidenceFile(models.Model):
    """One uploaded evidence file of a score, private (scoring.storage): its name as the unit
    gave it, the type read from its content, its SHA-256. Sent with a reply, it names the reply.
    Written only by scoring.points (the self-assessment, with ScoreChange rows) and
    scoring.replies."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="evidence_files")
    reply = models.ForeignKey(
        "Reply", null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(storage=evidence_storage, max_length=300)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.name


class ScoreChange(models.Model):
    """Every change to any points is kept: who, when, old, new, reason (docs/rules.md)."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="changes")
    column = models.CharField(max_length=32)
    old_value = models.CharField(max_length=500, blank=True)
    new_value = models.CharField(max_length=500, blank=True)
    reason = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.column}: {self.old_value} → {self.new_value}"


class SummaryScore(models.Model):
    """A historical published result imported without leaf scores (summary-only editions)."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="summary"
    )
    # Empty where only a rank was published; a rank may be empty where only the index was.
    # Up to 4 decimals: kept as printed (a ministry's 2020 index was published as 85.9329).
    index = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    appraised_points = _points(null=True, blank=True)
    survey_points = _points(null=True, blank=True)
    # Component indices by field code, as decimal strings: {"1": "84.43"}.
    field_indices = models.JSONField(default=dict, blank=True)
    source = models.TextField(blank=True, help_text=SOURCE_HELP)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(index__isnull=False) | Q(rank__isnull=False),
                name="summary_has_index_or_rank",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant}: {self.index}"


class Result(models.Model):
    """A participant's published result. Written only by scoring.publish."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="results")
    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="result")
    total_points = _points(null=True)
    appraised_points = _points(null=True)
    survey_points = _points(null=True)
    max_points = _points(null=True)
    # Empty for a published rank without a published index (then group is "" too).
    index_exact = _exact(null=True)
    index = _percent(null=True)
    rank = models.PositiveSmallIntegerField(null=True)
    rank_in_region = models.PositiveSmallIntegerField(null=True)
    group = models.CharField(max_length=1, blank=True)
    delta_index = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    delta_rank = models.SmallIntegerField(null=True)
    is_new_unit = models.BooleanField(default=False)
    # The published figure's source, copied from its SummaryScore; "" for computed editions.
    source = models.TextField(blank=True, help_text=SOURCE_HELP)

    class Meta:
        ordering = ["edition", "rank", "participant__unit__code"]

    def __str__(self) -> str:
        return f"{self.participant}: {self.index}"


class FieldResult(models.Model):
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="fields")
    field_code = models.CharField(max_length=8)
    points = _points(null=True)
    max_points = _points(null=True)
    index_exact = _exact()
    index = _percent()
    rank = models.PositiveSmallIntegerField(null=True)

    class Meta:
        ordering = ["result", "field_code"]
        constraints = [
            models.UniqueConstraint(fields=["result", "field_code"], name="one_result_per_field")
        ]

    def __str__(self) -> str:
        return f"{self.field_code}: {self.index}"


class Average(models.Model):
    """Mean of the rounded indices of ranked participants: national (no region, no field),
    per region, or per field. A `published` average is the figure the publisher printed
    (imported with its source, never computed): publishing keeps it and computes no other
    for its scope."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="averages")
    region_code = models.CharField(max_length=16, blank=True)
    field_code = models.CharField(max_length=8, blank=True)
    value = _percent()
    published = models.BooleanField(default=False)
    source = models.TextField(blank=True, help_text=SOURCE_HELP)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "region_code", "field_code"], name="one_average_per_scope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code or self.field_code or 'national'}: {self.value}"


class FieldFigure(models.Model):
    """A published figure of one field of the index for one unit, as the page gave it: the
    field named as the page names it, its index where one was printed (empty where the page
    gave points or a rank only, which the field text then says). Imported with its source."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="field_figures")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="field_figures")
    field = models.CharField(max_length=300)
    index = _percent(null=True, blank=True)
    source = models.TextField(help_text=SOURCE_HELP)

    class Meta:
        ordering = ["edition", "unit__code", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "unit", "field"], name="one_field_figure_per_unit_and_field"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.field}: {self.index}"


class EditionEvent(models.Model):
    """The lifecycle log: every stage change, publish, reopen (with its written reason)."""

    class Action(models.TextChoices):
        OPEN_SELF_ASSESSMENT = "open_self_assessment", _("Self-assessment opened")
        OPEN_APPRAISAL = "open_appraisal", _("Appraisal opened")
        OPEN_REVIEW = "open_review", _("Review opened")
        PUBLISH = "publish", _("Published")
        REOPEN = "reopen", _("Reopened for correction")
        STEP_BACK = "step_back", _("Stage taken back")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=24, choices=Action.choices)
    reason = models.TextField(blank=True)
    # A reopening names the units the correction concerns: only their scores may change.
    units = models.ManyToManyField(Unit, blank=True, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.edition} {self.action} {self.at:%Y-%m-%d}"


class StandardReason(models.Model):
    """A reason an appraiser may pick (and edit) for appraised points: kept by the admins."""

    text_vi = models.TextField(_("text (Vietnamese)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("standard reason")
        verbose_name_plural = _("standard reasons")

    def __str__(self) -> str:
        return self.text_vi


class DataVersion(models.Model):
    """One row whose number changes on every publish; public cache keys contain it."""

    number = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"data version {self.number}"

    @classmethod
    def current(cls) -> int:
        row = cls.objects.filter(pk=1).first()
        return row.number if row else 0

    @classmethod
    def bump(cls) -> int:
        row, _created = cls.objects.select_for_update().get_or_create(pk=1)
        row.number = F("number") + 1
        row.save(update_fields=["number", "changed_at"])
        row.refresh_from_db()
        return row.number


class EditionChange(models.Model):
    """Every change to an edition, its criteria, its participants and its imported published
    results: who, when, old, new and where it came from. Written by the writers in scoring/,
    never edited."""

    class Subject(models.TextChoices):
        EDITION = "edition", _("Edition")
        CRITERION = "criterion", _("Criterion")
        PARTICIPANT = "participant", _("Participant")
        SUMMARY = "summary", _("Published result")

    class Action(models.TextChoices):
        ADDED = "added", _("Added")
        CHANGED = "changed", _("Changed")
        REMOVED = "removed", _("Removed")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="changes")
    subject = models.CharField(max_length=16, choices=Subject.choices)
    action = models.CharField(max_length=16, choices=Action.choices)
    # The criterion's code or the unit's code: what the change is about, as people name it.
    key = models.CharField(max_length=64)
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.edition} {self.subject} {self.key} {self.action}"


class UnitAssignment(models.Model):
    """Binds a unit officer's account to the one unit whose self-assessment they write."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_assignment"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="officers")

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"


class Reply(models.Model):
    """The right of reply (review stage): a unit officer answers a deduction on their unit, the
    appraiser answers back; kept for the record, never edited."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField()
    role = models.CharField(max_length=16)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"{self.score} {self.role} {self.at:%Y-%m-%d}"


class Correction(models.Model):
    """A republished edition: when, why (the reopening's reason) and what changed."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="corrections")
    reason = models.TextField()
    reopened_at = models.DateTimeField()
    published_at = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.edition} {self.published_at:%Y-%m-%d}"


class CorrectedValue(models.Model):
    """One unit's published figure that a correction changed: from what to what."""

    class Figure(models.TextChoices):
        INDEX = "index", _("Index")
        RANK = "rank", _("Rank")
        GROUP = "group", _("Group")
        RANK_IN_REGION = "rank_in_region", _("Rank in region")

    correction = models.ForeignKey(Correction, on_delete=models.CASCADE, related_name="values")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="corrections")
    figure = models.CharField(max_length=16, choices=Figure.choices)
    old_value = models.CharField(max_length=32, blank=True)
    new_value = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["correction", "unit__code", "figure"]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.figure}: {self.old_value} → {self.new_value}"


# --- Import batches (written by scoring/imports/batches.py; owned by the admin-import work) -


class ImportBatch(models.Model):
    """One import of one file, from the command line, the admin or the background worker: who,
    when, which file (name, size, SHA-256), what it counted and how it ended. A file waiting
    for the worker keeps its bytes here (`data`) until it is imported."""

    class Source(models.TextChoices):
        COMMAND = "command", _("Command line")
        ADMIN = "admin", _("Admin")
        TASK = "task", _("Background task")

    class Outcome(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")
        INTERRUPTED = "interrupted", _("Interrupted")

    kind = models.CharField(max_length=32)
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    dry_run = models.BooleanField(default=False)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    # The first problems as the command prints them (English), one a line.
    problems = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration = models.DurationField(null=True, blank=True)
    # Progress while running, written from outside the import's transaction.
    phase = models.CharField(max_length=16, blank=True)
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    data = models.BinaryField(null=True, blank=True, editable=False)
    # The dry run that this import confirms (same bytes: same SHA-256).
    preview = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="confirmations"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        indexes = [models.Index(fields=["kind", "outcome"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} {self.started_at:%Y-%m-%d %H:%M}"
