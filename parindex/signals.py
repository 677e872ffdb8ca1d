"""Receivers on the scoring models, so that what the writers record also reaches the page cache
and the audit log without the writers knowing about either."""

from django.db import transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_save
from django.dispatch import receiver

from parindex.middleware import count_query
from runtime.logs import audit_log
from scoring import versions
from scoring.models import DataVersion, EditionEvent


@receiver(post_save, sender=DataVersion, dispatch_uid="parindex.data_version_changed")
def data_version_changed(sender, instance: DataVersion, **kwargs) -> None:
    # Forgotten now and again once committed: a request between the two could have read the
    # old number from the database and remembered it.
    versions.forget_data_version()
    transaction.on_commit(versions.forget_data_version)


@receiver(post_save, sender=EditionEvent, dispatch_uid="parindex.edition_event_logged")
def edition_event_logged(sender, instance: EditionEvent, created: bool, **kwargs) -> None:
    if not created:
        return
    edition = instance.edition
    audit_log(
        instance.action,
        edition=f"{edition.year}/{edition.level}",
        user=getattr(instance.user, "username", None) if instance.user_id else None,
        reason=instance.reason or None,
    )


@receiver(connection_created, dispatch_uid="parindex.count_queries")
def count_queries(sender, connection, **kwargs) -> None:
    # First in the list: an execute_wrapper() block open while the connection opens pops the
    # last wrapper when it ends, which must stay its own.
    if count_query not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, count_query)
