"""The work split of an appraisal and its second check (issue 16, item 4).

The admin gives each field of each participating unit to one appraiser (AppraisalAssignment).
An edition without any assignment keeps today's rule: every appraiser may appraise every unit.
Once it has one, an appraiser may write appraised points only on the fields given to them (an
admin still may write anywhere, as the admin may everywhere else); the check is made by the staff
screens before they call the appraisal writer, since scoring knows nothing of staff.

A unit's appraisal is then marked done by one of its appraisers, once every self-assessed
sub-criterion has appraised points, and checked by a second appraiser, never the one who marked
it done (AppraisalCheck; the database refuses it too). With assignments, the review opens only
when every participating unit is checked: `refuse_unchecked_review` listens to scoring's
stage_moved signal, which is sent inside the move's transaction under the edition's lock, so a
refusal there undoes the move and names the units not checked.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from files.problems import Message, Refused, register
from scoring.models import Criterion, Edition, EditionEvent, Participant, Score
from scoring.permissions import ADMIN, APPRAISER, role_of
from scoring.tree import Tree
from staff.models import AppraisalAssignment, AppraisalCheck

register(
    # Translators: %(codes)s lists sub-criteria codes, %(name)s is a unit.
    not_assigned=gettext_noop(
        "%(codes)s of %(name)s: this field is assigned to another appraiser; you may appraise "
        "only the fields assigned to you"
    ),
    review_unchecked=gettext_noop(
        "the appraisal of these units has not been checked by a second appraiser yet: %(units)s"
    ),
    check_own=gettext_noop(
        "you marked the appraisal of %(name)s done; a second appraiser must check it"
    ),
    check_not_done=gettext_noop("the appraisal of %(name)s has not been marked done yet"),
    check_twice=gettext_noop("the appraisal of %(name)s is already checked"),
    done_not_assigned=gettext_noop(
        "only an appraiser assigned to %(name)s marks its appraisal done"
    ),
    done_unappraised=gettext_noop(
        "%(count)s self-assessed sub-criteria of %(name)s have no appraised points yet"
    ),
    done_twice=gettext_noop("the appraisal of %(name)s is already marked done"),
    appraisal_not_open=gettext_noop(
        "the appraisal of the %(year)s %(level)s edition is not open; it is in the %(stage)s stage"
    ),
    not_an_appraiser=gettext_noop("%(name)s is not an active appraiser"),
    assignments_admins_only=gettext_noop("only an admin assigns appraisers"),
    marked_done_locked=gettext_noop(
        "the appraisal of %(name)s is marked done; take the mark back before changing it"
    ),
)


def has_assignments(edition: Edition) -> bool:
    return AppraisalAssignment.objects.filter(participant__edition=edition).exists()


def appraisers():
    """The active accounts of the appraiser role, by user name."""
    group = Group.objects.filter(name=APPRAISER).first()
    if group is None:
        return get_user_model().objects.none()
    return group.user_set.filter(is_active=True).order_by("username")


def _name(participant: Participant) -> str:
    return participant.unit.name_vi_in(participant.edition.year)


# -- who may write ------------------------------------------------------------------------------


def unassigned(user, participant: Participant, leaves) -> list[Message]:
    """Why this user may not appraise these leaves of this unit, or nothing: an appraiser, in an
    edition with assignments, only on the fields given to them."""
    if role_of(user) != APPRAISER or not has_assignments(participant.edition):
        return []
    mine = set(
        AppraisalAssignment.objects.filter(participant=participant, appraiser=user).values_list(
            "field_code", flat=True
        )
    )
    refused = sorted(
        {leaf.code for leaf in leaves if leaf.field_code not in mine}, key=Criterion.sort_key_for
    )
    if not refused:
        return []
    return [Message("not_assigned", {"codes": ", ".join(refused), "name": _name(participant)})]


def marked_done(participant: Participant) -> list[Message]:
    """A unit whose appraisal is marked done is not changed during the appraisal: the mark is
    taken back first, so a check never vouches for values changed after it."""
    if participant.edition.status != Edition.Status.APPRAISAL:
        return []
    if not AppraisalCheck.objects.filter(participant=participant).exists():
        return []
    return [Message("marked_done_locked", {"name": _name(participant)})]


def require_may_appraise(user, participant: Participant, leaves) -> None:
    """Refuses, before the appraisal writer is called, what the work split forbids: leaves of
    fields assigned to someone else, or a unit whose appraisal is marked done."""
    problems = unassigned(user, participant, leaves) + marked_done(participant)
    if problems:
        raise Refused(problems)


# -- the admin's split --------------------------------------------------------------------------


def assignment_grid(edition: Edition) -> dict[tuple[int, str], int]:
    """{(participant id, field code): appraiser id} of the edition."""
    return {
        (row.participant_id, row.field_code): row.appraiser_id
        for row in AppraisalAssignment.objects.filter(participant__edition=edition)
    }


def set_assignments(edition: Edition, wanted: dict[tuple[int, str], int | None], *, user) -> int:
    """Replaces the edition's split by `wanted` (None: nobody); returns how many cells changed.
    Only an admin splits the work, and only before the review opens."""
    if role_of(user) != ADMIN:
        raise Refused([Message("assignments_admins_only")])
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.status not in (Edition.Status.SELF_ASSESSMENT, Edition.Status.APPRAISAL):
            raise Refused([_not_open(edition)])
        allowed = set(appraisers().values_list("pk", flat=True))
        participants = set(edition.participants.values_list("pk", flat=True))
        fields = {node.code for node in Tree.of(edition).fields}
        current = assignment_grid(edition)
        changed = 0
        for (participant_id, field_code), appraiser_id in wanted.items():
            if participant_id not in participants or field_code not in fields:
                continue
            if appraiser_id is not None and appraiser_id not in allowed:
                raise Refused([Message("not_an_appraiser", {"name": appraiser_id})])
            if current.get((participant_id, field_code)) == appraiser_id:
                continue
            changed += 1
            cell = {"participant_id": participant_id, "field_code": field_code}
            if appraiser_id is None:
                AppraisalAssignment.objects.filter(**cell).delete()
            else:
                AppraisalAssignment.objects.update_or_create(
                    **cell, defaults={"appraiser_id": appraiser_id}
                )
    return changed


# -- done and checked ---------------------------------------------------------------------------


def _not_open(edition: Edition) -> Message:
    params = {"year": edition.year, "level": edition.level}
    return Message("appraisal_not_open", {**params, "stage": edition.get_status_display()})


def _locked_open_appraisal(participant: Participant) -> Participant:
    """The participant under its edition's lock, once the appraisal is open."""
    edition = Edition.objects.select_for_update().get(pk=participant.edition_id)
    if edition.status != Edition.Status.APPRAISAL:
        raise Refused([_not_open(edition)])
    return Participant.objects.select_related("unit", "edition").get(pk=participant.pk)


def mark_done(participant: Participant, *, user) -> AppraisalCheck:
    """The unit's appraiser says its appraisal is complete."""
    with transaction.atomic():
        participant = _locked_open_appraisal(participant)
        name = _name(participant)
        if role_of(user) not in (APPRAISER, ADMIN):
            raise Refused([Message("done_not_assigned", {"name": name})])
        assigned = participant.appraisal_assignments.all()
        if role_of(user) == APPRAISER and assigned and not assigned.filter(appraiser=user):
            raise Refused([Message("done_not_assigned", {"name": name})])
        if AppraisalCheck.objects.filter(participant=participant).exists():
            raise Refused([Message("done_twice", {"name": name})])
        left = Score.objects.filter(
            participant=participant,
            criterion__method=Criterion.Method.SELF,
            self_points__isnull=False,
            appraised_points__isnull=True,
        ).count()
        if left:
            raise Refused([Message("done_unappraised", {"count": left, "name": name})])
        return AppraisalCheck.objects.create(
            participant=participant, done_by=user, done_at=timezone.now()
        )


def check_appraisal(participant: Participant, *, user) -> AppraisalCheck:
    """A second appraiser (or an admin) confirms the appraisal marked done by another person."""
    with transaction.atomic():
        participant = _locked_open_appraisal(participant)
        name = _name(participant)
        if role_of(user) not in (APPRAISER, ADMIN):
            raise Refused([Message("check_not_done", {"name": name})])
        record = AppraisalCheck.objects.select_for_update().filter(participant=participant).first()
        if record is None:
            raise Refused([Message("check_not_done", {"name": name})])
        if record.checked_at is not None:
            raise Refused([Message("check_twice", {"name": name})])
        if record.done_by_id == user.pk:
            raise Refused([Message("check_own", {"name": name})])
        record.checked_by, record.checked_at = user, timezone.now()
        record.save(update_fields=["checked_by", "checked_at"])
        return record


def reopen_appraisal(participant: Participant, *, user) -> None:
    """The mark is taken back (by whoever may mark it), to change the appraisal again."""
    with transaction.atomic():
        participant = _locked_open_appraisal(participant)
        if role_of(user) in (APPRAISER, ADMIN):
            AppraisalCheck.objects.filter(participant=participant).delete()


def unchecked_units(edition: Edition) -> list[str]:
    """The participating units whose appraisal is not checked yet, by code."""
    participants = (
        edition.participants.filter(appraisal_check__checked_at__isnull=True)
        | edition.participants.filter(appraisal_check__isnull=True)
    ).select_related("unit", "edition")
    return [_name(p) for p in participants.distinct().order_by("unit__code")]


def refuse_unchecked_review(sender, *, edition, action, **_signal) -> None:
    """Receiver of scoring.signals.stage_moved: with assignments, the review opens only once
    every unit's appraisal is checked by a second appraiser."""
    if action != EditionEvent.Action.OPEN_REVIEW or not has_assignments(edition):
        return
    missing = unchecked_units(edition)
    if missing:
        raise Refused([Message("review_unchecked", {"units": ", ".join(missing)})])


# -- progress -----------------------------------------------------------------------------------


@dataclass
class AppraiserProgress:
    username: str
    cells: int = 0  # fields × units given to them
    units: set = field(default_factory=set)
    self_assessed: int = 0  # in their cells
    appraised: int = 0
    done: int = 0  # of their units, marked done
    checked: int = 0

    @property
    def unit_count(self) -> int:
        return len(self.units)


def _cell_counts(edition: Edition) -> dict[tuple[int, str], Counter]:
    """{(participant id, field code): Counter(self=..., appraised=...)} of self sub-criteria."""
    counts: dict[tuple[int, str], Counter] = defaultdict(Counter)
    for participant_id, code, appraised in Score.objects.filter(
        participant__edition=edition,
        criterion__method=Criterion.Method.SELF,
        self_points__isnull=False,
    ).values_list("participant_id", "criterion__code", "appraised_points"):
        cell = counts[(participant_id, code.split(".")[0])]
        cell["self"] += 1
        cell["appraised"] += appraised is not None
    return counts


def progress_per_appraiser(edition: Edition) -> list[AppraiserProgress]:
    """Each assigned appraiser's share: fields × units, sub-criteria self-assessed and appraised
    in them, and of their units how many are marked done and checked."""
    rows = AppraisalAssignment.objects.filter(participant__edition=edition).select_related(
        "appraiser"
    )
    if not rows:
        return []
    counts = _cell_counts(edition)
    checks = {
        row.participant_id: row
        for row in AppraisalCheck.objects.filter(participant__edition=edition)
    }
    people: dict[int, AppraiserProgress] = {}
    for row in rows:
        person = people.setdefault(row.appraiser_id, AppraiserProgress(row.appraiser.username))
        person.cells += 1
        person.units.add(row.participant_id)
        cell = counts[(row.participant_id, row.field_code)]
        person.self_assessed += cell["self"]
        person.appraised += cell["appraised"]
    for person in people.values():
        person.done = sum(1 for unit in person.units if unit in checks)
        person.checked = sum(
            1 for unit in person.units if unit in checks and checks[unit].checked_at
        )
    return sorted(people.values(), key=lambda person: person.username)


def my_assignments(edition: Edition, user) -> list[dict]:
    """An appraiser's units in the edition, each with its fields and its state."""
    rows = (
        AppraisalAssignment.objects.filter(participant__edition=edition, appraiser=user)
        .select_related("participant__unit", "participant__edition")
        .order_by("participant__unit__code", "field_code")
    )
    counts = _cell_counts(edition)
    units: dict[int, dict] = {}
    for row in rows:
        participant = row.participant
        unit = units.setdefault(
            participant.pk,
            {
                "participant": participant,
                "name": participant.unit.name_in(edition.year),
                "fields": [],
                "self_assessed": 0,
                "appraised": 0,
            },
        )
        unit["fields"].append(row.field_code)
        cell = counts[(participant.pk, row.field_code)]
        unit["self_assessed"] += cell["self"]
        unit["appraised"] += cell["appraised"]
    checks = {
        row.participant_id: row for row in AppraisalCheck.objects.filter(participant_id__in=units)
    }
    for participant_id, unit in units.items():
        unit["check"] = checks.get(participant_id)
    return list(units.values())
