"""Moving an edition through its stages (docs/rules.md): draft → self_assessment → appraisal →
review → published, and a correction reopens a published edition with a written reason.

Each transition is an explicit act of an admin, checked against the edition's current stage under
the edition's lock, and recorded as an EditionEvent (who, when, note). Publishing itself is
scoring.publish.publish_edition.
"""

from django.db import transaction
from django.utils.translation import gettext_noop

from scoring.models import DataVersion, Edition, EditionEvent
from scoring.permissions import ADMIN, role_of
from scoring.problems import Message, Refused, register
from scoring.signals import stage_moved

register(
    # Translators: %(stage)s is the edition's current stage, translated.
    wrong_stage=gettext_noop(
        "the %(year)s %(level)s edition is in the %(stage)s stage; it cannot move on from there "
        "this way"
    ),
    admins_only=gettext_noop("only an admin moves an edition from one stage to the next"),
    reason_required=gettext_noop("a correction needs a written reason"),
)

_NEXT = {
    EditionEvent.Action.OPEN_SELF_ASSESSMENT: (
        Edition.Status.DRAFT,
        Edition.Status.SELF_ASSESSMENT,
    ),
    EditionEvent.Action.OPEN_APPRAISAL: (
        Edition.Status.SELF_ASSESSMENT,
        Edition.Status.APPRAISAL,
    ),
    EditionEvent.Action.OPEN_REVIEW: (Edition.Status.APPRAISAL, Edition.Status.REVIEW),
    EditionEvent.Action.REOPEN: (Edition.Status.PUBLISHED, Edition.Status.REVIEW),
}


def open_self_assessment(edition: Edition, *, user, note: str = "") -> Edition:
    """Unit officers may now enter and submit their self-assessment."""
    return _move(edition, EditionEvent.Action.OPEN_SELF_ASSESSMENT, user=user, note=note)


def open_appraisal(edition: Edition, *, user, note: str = "") -> Edition:
    """Self-assessment is locked; appraisers now enter appraised points."""
    return _move(edition, EditionEvent.Action.OPEN_APPRAISAL, user=user, note=note)


def open_review(edition: Edition, *, user, note: str = "") -> Edition:
    """Appraisal is locked; admins preview the results before publishing."""
    return _move(edition, EditionEvent.Action.OPEN_REVIEW, user=user, note=note)


def reopen_edition(edition: Edition, *, user, reason: str) -> Edition:
    """A correction: the published edition goes back to review; its reason is kept."""
    if not reason.strip():
        raise Refused([Message("reason_required")])
    return _move(edition, EditionEvent.Action.REOPEN, user=user, note=reason.strip())


def wrong_stage(edition: Edition, source: str) -> Message | None:
    """Why the edition cannot move on from `source` (publishing too: from review), or None."""
    if edition.status == source:
        return None
    params = {"year": edition.year, "level": edition.level, "stage": edition.get_status_display()}
    return Message("wrong_stage", params)


def _move(edition: Edition, action: EditionEvent.Action, *, user, note: str) -> Edition:
    if role_of(user) != ADMIN:
        raise Refused([Message("admins_only")])
    source, target = _NEXT[action]
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        problem = wrong_stage(edition, source)
        if problem is not None:
            raise Refused([problem])
        edition.status = target
        edition.save(update_fields=["status"])
        EditionEvent.objects.create(edition=edition, action=action, reason=note, user=user)
        stage_moved.send(sender=Edition, edition=edition, action=action, user=user)
        if source == Edition.Status.PUBLISHED:
            # The edition leaves the public pages: every public cache key holds the data version.
            DataVersion.bump()
    return edition
