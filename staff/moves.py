"""What a stage move will do, counted before an admin confirms it (issue 16, item 1).

The counts are those of staff.progress (per participant, in one query): how many units submitted
their self-assessment, how many self-assessed sub-criteria are appraised, how many disagreements
are open; and which units the move leaves behind (a unit that has not submitted cannot enter its
self-assessment once the appraisal opens), and how many people will be told by email.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scoring.models import Edition, EditionEvent
from staff.notifications import told_of_move
from staff.progress import self_leaf_count, with_progress


@dataclass
class MovePreview:
    edition: Edition
    action: str
    participants: int = 0
    submitted: int = 0
    leaves: int = 0  # `self` sub-criteria of the edition
    self_assessed: int = 0  # sub-criteria with self-assessed points, all units together
    appraised: int = 0  # of those, the ones with appraised points
    open: int = 0  # open disagreements (staff.progress)
    locked_out: list[str] = field(default_factory=list)  # units the move leaves behind
    unappraised_units: list[str] = field(default_factory=list)
    emails: int = 0

    @property
    def not_submitted(self) -> int:
        return self.participants - self.submitted


def preview(edition: Edition, action: str) -> MovePreview:
    result = MovePreview(edition, action, leaves=self_leaf_count(edition))
    participants = with_progress(
        edition.participants.select_related("unit").prefetch_related("unit__former_names")
    ).order_by("unit__code")
    for participant in participants:
        result.participants += 1
        name = participant.unit.name_in(edition.year)
        if participant.submitted_at is not None:
            result.submitted += 1
        elif action == EditionEvent.Action.OPEN_APPRAISAL:
            result.locked_out.append(name)
        if participant.unappraised:
            result.unappraised_units.append(name)
        result.self_assessed += participant.self_assessed
        result.appraised += participant.appraised
        result.open += participant.open
    result.emails = told_of_move(edition, action)
    return result


def done_notice(edition: Edition, action: str) -> str:
    """What a move did, said once it is done, with the counts the confirmation showed: the admin
    reads what happened, not only the stage's name."""
    move = preview(edition, action)
    if move.action == EditionEvent.Action.OPEN_SELF_ASSESSMENT:
        return ngettext(
            "Self-assessment opened: the officers of %(count)s unit may now enter and submit "
            "their self-assessment.",
            "Self-assessment opened: the officers of %(count)s units may now enter and submit "
            "their self-assessment.",
            move.participants,
        ) % {"count": move.participants}
    if move.action == EditionEvent.Action.OPEN_APPRAISAL:
        text = _("Appraisal opened: %(submitted)s of %(total)s self-assessments submitted.") % {
            "submitted": move.submitted,
            "total": move.participants,
        }
        locked = len(move.locked_out)
        if locked:
            text += " " + ngettext(
                "%(count)s unit that had not submitted is locked out of the self-assessment.",
                "%(count)s units that had not submitted are locked out of the self-assessment.",
                locked,
            ) % {"count": locked}
        return text
    if move.action == EditionEvent.Action.OPEN_REVIEW:
        return _(
            "Review opened: %(appraised)s of %(self_assessed)s self-assessed sub-criteria "
            "appraised; the units may now read their appraisal and reply to deductions."
        ) % {"appraised": move.appraised, "self_assessed": move.self_assessed}
    return str(EditionEvent.Action(move.action).label)
