"""Sending the email outbox (the messages staff/notifications.py writes), by the task worker
(staff/tasks.py) and by `manage.py send_outbox`."""

import logging
from datetime import timedelta

from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from staff.models import OutboxMessage

logger = logging.getLogger(__name__)

# The worker's tries of one message; then it waits for `manage.py send_outbox`.
MAX_ATTEMPTS = 5
# The worker tries a failed message again after this, times the number of failed tries so far.
RETRY_AFTER = timedelta(minutes=10)


def send_pending(*, retry_all: bool = False) -> tuple[int, int]:
    """Send the messages not sent yet, oldest first, one at a time: (sent, failed).

    The worker leaves alone a message that has failed MAX_ATTEMPTS times (`retry_all` takes
    those too). Each message is locked while it is sent, and one locked by another sender is
    skipped, so two senders never send the same message twice.
    """
    pending = OutboxMessage.objects.filter(sent_at__isnull=True)
    if not retry_all:
        pending = pending.filter(attempts__lt=MAX_ATTEMPTS)
    sent = failed = 0
    connection = get_connection()
    for pk in pending.values_list("pk", flat=True):
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if message is None:
                continue
            message.attempts += 1
            try:
                EmailMessage(
                    message.subject, message.body, to=[message.to], connection=connection
                ).send()
            except Exception as error:  # noqa: BLE001 -- any failure of the backend is kept
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                message.save(update_fields=["attempts", "last_error"])
                logger.warning("email %s to %s not sent: %s", pk, message.to, message.last_error)
                failed += 1
            else:
                message.sent_at = timezone.now()
                message.save(update_fields=["attempts", "sent_at"])
                sent += 1
    return sent, failed


class NoServerBackend(BaseEmailBackend):
    """The backend of a production without EMAIL_HOST: nothing is sent and each message keeps
    the reason, until the server is configured and `manage.py send_outbox` is run."""

    def send_messages(self, email_messages):
        raise ConnectionError("EMAIL_HOST is not set: no mail server to send through")


def next_retry() -> timedelta | None:
    """How long the worker waits before trying again the failed messages it may still try."""
    waiting = OutboxMessage.objects.filter(
        sent_at__isnull=True, attempts__gt=0, attempts__lt=MAX_ATTEMPTS
    )
    fewest = waiting.order_by("attempts").values_list("attempts", flat=True).first()
    return None if fewest is None else RETRY_AFTER * fewest
