"""Where a history record came from, and no record for a save that changes nothing tracked:
receivers connected by StaffConfig.ready in every process, commands included.
"""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from staff.audit.entries import ADMIN, COMMAND, WEB


@receiver(pre_create_historical_record)
def record_history_source(sender, history_instance, **kwargs):
    """django-simple-history keeps who (its middleware's request user) but not where: the change
    reason carries the source here, "admin" for the Django admin, "web" for another screen,
    "command" without a request. A reason already given is kept."""
    if history_instance.history_change_reason:
        return
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        history_instance.history_change_reason = COMMAND
        return
    match = getattr(request, "resolver_match", None)
    history_instance.history_change_reason = (
        ADMIN if match is not None and match.namespace.split(":")[0] == "admin" else WEB
    )


def _untracked_save(sender, update_fields) -> bool:
    """A save of only the fields a model's history leaves out (a user's last_login at every
    sign-in, an edition's stage, which its EditionEvents keep): its record would change nothing
    and bury the real changes."""
    manager = getattr(sender._meta, "simple_history_manager_attribute", None)
    if manager is None or not update_fields:
        return False
    return set(update_fields) <= set(getattr(sender, manager).model._history_excluded_fields)


@receiver(pre_save)
def _skip_untracked_save(sender, instance, update_fields=None, **kwargs):
    if _untracked_save(sender, update_fields) and not hasattr(instance, "skip_history_when_saving"):
        instance.skip_history_when_saving = True
        instance._audit_skipped_history = True


@receiver(post_save)
def _end_untracked_save(sender, instance, **kwargs):
    if instance.__dict__.pop("_audit_skipped_history", False):
        del instance.skip_history_when_saving
