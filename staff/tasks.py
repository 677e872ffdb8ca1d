"""The task worker's side of the email outbox (staff/outbox.py)."""

from django.utils import timezone
from django_tasks import task

from staff.outbox import next_retry, send_pending


@task()
def send_outbox() -> str:
    """Send what waits in the outbox; if some sends failed, come back later for them."""
    sent, failed = send_pending()
    wait = next_retry() if failed else None
    if wait is not None:
        send_outbox.using(run_after=timezone.now() + wait).enqueue()
    return f"{sent} sent, {failed} failed"
