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
