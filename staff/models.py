from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history import register

# Accounts' history (who changed a user's roles, status or details, and when) kept by
# django-simple-history; the groups are the roles, so their changes are recorded too.
register(
    get_user_model(),
    app=__package__,
    m2m_fields=["groups"],
    excluded_fields=["last_login", "password"],
)


class OutboxMessage(models.Model):
    """One email to one recipient, written in the transaction of the act it tells about
    (staff/notifications.py) and sent afterwards by the task worker: an act rolled back queues
    nothing, and a mail server that fails never blocks or undoes the act, it leaves the message
    here with the error, to be tried again."""

    class Event(models.TextChoices):
        SELF_ASSESSMENT_OPENED = "self_assessment_opened", _("Self-assessment opened")
        APPRAISAL_OPENED = "appraisal_opened", _("Appraisal opened")
        REVIEW_OPENED = "review_opened", _("Deductions ready for reply")
        SELF_ASSESSMENT_RETURNED = "self_assessment_returned", _("Self-assessment given back")
        UNIT_REPLIED = "unit_replied", _("A unit replied")
        DEADLINE_NEAR = "deadline_near", _("Self-assessment deadline near")
        REPLY_DEADLINE_NEAR = "reply_deadline_near", _("Reply deadline near")
        APPRAISAL_DEADLINE_NEAR = "appraisal_deadline_near", _("Appraisal deadline near")

    event = models.CharField(max_length=32, choices=Event.choices)
    edition = models.ForeignKey(
        "scoring.Edition", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The account it was written for; the address is kept as it was then.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    queued_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["queued_at", "id"]
        indexes = [
            models.Index(
                fields=["queued_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.to}"


class AppraisalAssignment(models.Model):
    """One field of one participating unit given to one appraiser (issue 16, item 4). Once an
    edition has any, an appraiser may appraise only what is given to them (staff.assignments);
    an edition without any keeps every appraiser free to appraise every unit."""

    participant = models.ForeignKey(
        "scoring.Participant",
        on_delete=models.CASCADE,
        related_name="appraisal_assignments",
        verbose_name=_("participating unit"),
    )
    field_code = models.CharField(_("field"), max_length=8)
    appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appraisal_assignments",
        verbose_name=_("appraiser"),
    )

    class Meta:
        verbose_name = _("appraisal assignment")
        verbose_name_plural = _("appraisal assignments")
        ordering = ["participant", "field_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "field_code"], name="one_appraiser_per_field_and_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} / {self.field_code} → {self.appraiser}"


class AppraisalCheck(models.Model):
    """A unit's appraisal marked done by its appraiser, then checked by a second one: with
    assignments, the review opens only once every unit is checked (staff.assignments)."""

    participant = models.OneToOneField(
        "scoring.Participant",
        on_delete=models.CASCADE,
        related_name="appraisal_check",
        verbose_name=_("participating unit"),
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("marked done by"),
    )
    done_at = models.DateTimeField(_("marked done at"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal check")
        verbose_name_plural = _("appraisal checks")
        constraints = [
            # The second check is a second person's: the database refuses the same one twice.
            models.CheckConstraint(
                condition=models.Q(checked_by__isnull=True)
                | ~models.Q(checked_by=models.F("done_by")),
                name="checked_by_a_second_appraiser",
            )
        ]

    def __str__(self) -> str:
        return str(self.participant)
