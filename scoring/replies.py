"""The right of reply (docs/rules.md): during `review` a unit officer answers a deduction on their
own unit, and an appraiser (or an admin) answers back or revises the appraised points.

Who may reply in which stage is the permission matrix's Change.REPLY, checked by lock_edition like
every other write. Reply rows are the record: written here, never edited or deleted, with the
evidence files sent with them (EvidenceFile rows naming the reply, checked and stored by the page
that received them).
"""

from django.db import transaction
from django.utils.translation import gettext_noop

from files.problems import Message, Refused, register
from scoring.editions import Change, lock_edition
from scoring.models import EvidenceFile, Reply, Score
from scoring.permissions import UNIT_OFFICER, role_of
from scoring.points import StoredFile
from scoring.signals import reply_added

# Long enough for an argued answer with references, short enough to stay a reply.
REPLY_MAX_LENGTH = 5000

register(
    reply_empty=gettext_noop("a reply needs some text"),
    reply_too_long=gettext_noop("a reply has at most %(limit)s characters"),
    # Translators: %(code)s is a criterion code such as 1.2.
    not_a_deduction=gettext_noop(
        "%(code)s is not a deduction (its appraised points are not below the self-assessed "
        "points); a unit replies to deductions only"
    ),
)


def is_deduction(score: Score) -> bool:
    return (
        score.self_points is not None
        and score.appraised_points is not None
        and score.appraised_points < score.self_points
    )


def reply(score: Score, text: str, *, user, files: tuple[StoredFile, ...] = ()) -> Reply:
    """Adds `user`'s reply, with the evidence files sent with it, to the thread of one leaf's
    score and returns it."""
    text = text.strip()
    if not text:
        raise Refused([Message("reply_empty")])
    if len(text) > REPLY_MAX_LENGTH:
        raise Refused([Message("reply_too_long", {"limit": REPLY_MAX_LENGTH})])
    with transaction.atomic():
        participant = score.participant
        lock_edition(participant.edition, Change.REPLY, user=user, unit_ids={participant.unit_id})
        # Read again under the edition's lock: an appraiser's revision may have just landed.
        score = Score.objects.select_related("criterion").get(pk=score.pk)
        role = role_of(user)
        if role == UNIT_OFFICER and not is_deduction(score):
            raise Refused([Message("not_a_deduction", {"code": score.criterion.code})])
        added = Reply.objects.create(score=score, text=text, role=role, user=user)
        EvidenceFile.objects.bulk_create(
            stored.evidence(score=score, user=user, reply=added) for stored in files
        )
        reply_added.send(sender=Reply, reply=added)
        return added
