"""Who may make which change in which stage of an edition: the one place that decides it.

docs/rules.md's lifecycle: draft → self_assessment → appraisal → review → published. A unit
officer writes only their own unit's self-assessment during self_assessment and replies to the
deductions on it during review; appraisers write appraised points during appraisal and revise them
during review; admins (and the commands, which run as the system) set up and
fill an edition in any stage before it is published; nothing is writable once published.
"""

from django.utils import timezone
from django.utils.translation import gettext_noop

from files.problems import Message, register
from scoring.models import Edition, Participant

register(
    # Translators: %(change)s is what is written (self_points, appraised_points...), kept as
    # written; %(stage)s is the edition's current stage, translated.
    not_allowed=gettext_noop(
        "%(change)s cannot be written while the %(year)s %(level)s edition is in the %(stage)s "
        "stage"
    ),
    not_your_unit=gettext_noop("a unit officer writes for their own unit only"),
)


class Change:
    """The kinds of change an edition may accept, one per writer: what this matrix allows.
    (scoring.editions hands it on to the writers, which lock an edition for one of them.)"""

    METHODOLOGY = "methodology"
    PARTICIPANTS = "participants"
    SELF_POINTS = "self_points"
    APPRAISED_POINTS = "appraised_points"
    SURVEY_POINTS = "survey_points"
    PUBLISHED_RESULTS = "published_results"
    REPLY = "reply"


UNIT_OFFICER = "unit_officer"
APPRAISER = "appraiser"
ADMIN = "admin"
ROLES = (UNIT_OFFICER, APPRAISER, ADMIN)

_BEFORE_PUBLISHING = (
    Edition.Status.DRAFT,
    Edition.Status.SELF_ASSESSMENT,
    Edition.Status.APPRAISAL,
    Edition.Status.REVIEW,
)
_EVERY_CHANGE = frozenset(
    {
        Change.METHODOLOGY,
        Change.PARTICIPANTS,
        Change.SELF_POINTS,
        Change.APPRAISED_POINTS,
        Change.SURVEY_POINTS,
        Change.PUBLISHED_RESULTS,
        Change.REPLY,
    }
)
_OFFICER = {
    Edition.Status.SELF_ASSESSMENT: {Change.SELF_POINTS},
    Edition.Status.REVIEW: {Change.REPLY},
}
_APPRAISER = {
    Edition.Status.APPRAISAL: {Change.APPRAISED_POINTS},
    Edition.Status.REVIEW: {Change.APPRAISED_POINTS, Change.REPLY},
}

# stage → role → the changes that role may make then; a unit officer only on their own unit.
MATRIX: dict[str, dict[str, frozenset[str]]] = {
    stage: {
        ADMIN: _EVERY_CHANGE,
        UNIT_OFFICER: frozenset(_OFFICER.get(stage, ())),
        APPRAISER: frozenset(_APPRAISER.get(stage, ())),
    }
    for stage in _BEFORE_PUBLISHING
}
MATRIX[Edition.Status.PUBLISHED] = {role: frozenset() for role in ROLES}


def allowed(role: str | None, stage: str, change: str, *, own_unit: bool = True) -> bool:
    """Whether `role` may make `change` in an edition at `stage` (on its own unit or another)."""
    if role is None:
        return False
    if role == UNIT_OFFICER and not own_unit:
        return False  # a unit officer writes for their own unit only
    return change in MATRIX.get(stage, {}).get(role, frozenset())


def role_of(user) -> str | None:
    """The acting user's role. No user is the system (a management command): an admin."""
    if user is None or user.is_superuser:
        return ADMIN
    if not user.is_active:
        return None
    # Kept on the user object, which lives for one request: a page asks several times.
    names = getattr(user, "_group_names", None)
    if names is None:
        names = user._group_names = frozenset(group.name for group in user.groups.all())
    return next((role for role in (ADMIN, APPRAISER, UNIT_OFFICER) if role in names), None)


def unit_of(user):
    """The unit a unit officer is bound to, or None."""
    assignment = getattr(user, "unit_assignment", None) if user is not None else None
    return assignment.unit if assignment is not None else None


def extended(edition: Edition, unit, change: str) -> bool:
    """Whether the unit's extension lets its officer still write (and submit) its self-assessment
    after the appraisal opened: until the extension's day ends, the other units being locked."""
    if change != Change.SELF_POINTS or edition.status != Edition.Status.APPRAISAL or unit is None:
        return False
    return Participant.objects.filter(
        edition=edition, unit=unit, extended_until__gte=timezone.localdate()
    ).exists()


def role_refusal(user, edition: Edition, change: str, unit_ids=()) -> Message | None:
    """Why this user may not make this change to these units of the edition now, or None."""
    role = role_of(user)
    own = unit_of(user) if role == UNIT_OFFICER else None
    own_unit = all(unit_id == getattr(own, "pk", None) for unit_id in unit_ids)
    if allowed(role, edition.status, change, own_unit=own_unit):
        return None
    if role == UNIT_OFFICER and own_unit and extended(edition, own, change):
        return None
    params = {
        "change": change,
        "year": edition.year,
        "level": edition.level,
        "stage": edition.get_status_display(),
    }
    if role == UNIT_OFFICER and not own_unit:
        return Message("not_your_unit", params)
    return Message("not_allowed", params)
