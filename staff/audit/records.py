"""The sources of the domain's own audit rows: ScoreChange per leaf, Reply, EditionChange for an
edition's set-up and a self-assessment's submission, EditionEvent for stages, Correction.
"""

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from provinces.models import Unit
from scoring.models import (
    Correction,
    Edition,
    EditionChange,
    EditionEvent,
    Participant,
    Reply,
    ScoreChange,
)
from staff.accounts import role_name
from staff.audit.entries import WEB, AuditEntry, Kind, Source, inferred_source

_SCORE_KINDS = {
    "self_points": Kind.SELF_POINTS,
    "appraised_points": Kind.APPRAISED_POINTS,
    "survey_points": Kind.SURVEY_POINTS,
}


class ScoreChanges(Source):
    kinds = frozenset(_SCORE_KINDS.values())
    by_edition = by_unit = True
    edition_lookup, unit_lookup = "score__participant__edition", "score__participant__unit"

    def queryset(self):
        # The appraisers' internal notes stay off these pages, which unit officers read too;
        # their changes are kept (ScoreChange, listed in the Django admin for the admins).
        return (
            ScoreChange.objects.exclude(column="appraisal_note")
            .select_related(
                "user",
                "score__criterion",
                "score__participant__unit",
                "score__participant__edition",
            )
            .order_by("-changed_at", "-id")
        )

    def filtered(self, rows, filters):
        if filters.kind:
            rows = rows.filter(column__in=[c for c, k in _SCORE_KINDS.items() if k == filters.kind])
        return super().filtered(rows, filters)

    def entries(self, rows):
        return [
            AuditEntry(
                when=change.changed_at,
                who=change.user,
                kind=_SCORE_KINDS.get(change.column, Kind.SELF_POINTS),
                edition=change.score.participant.edition,
                unit=change.score.participant.unit,
                subject=change.score.criterion.code,
                old=change.old_value,
                new=change.new_value,
                reason=change.reason,
                source=change.source,
                score_id=change.score_id,
            )
            for change in rows
        ]


class Replies(Source):
    kinds = frozenset({Kind.REPLY})
    by_edition = by_unit = True
    edition_lookup, unit_lookup = ScoreChanges.edition_lookup, ScoreChanges.unit_lookup

    def queryset(self):
        return Reply.objects.select_related(
            "user", "score__criterion", "score__participant__unit", "score__participant__edition"
        ).order_by("-at", "-id")

    def entries(self, rows):
        return [
            AuditEntry(
                when=reply.at,
                who=reply.user,
                kind=Kind.REPLY,
                edition=reply.score.participant.edition,
                unit=reply.score.participant.unit,
                subject=reply.score.criterion.code,
                old="",
                new=reply.text,
                reason="",
                # Replies are written on the staff screens only; the row keeps no source.
                source=WEB,
                action=role_name(reply.role),
                score_id=reply.score_id,
            )
            for reply in rows
        ]


class EditionChanges(Source):
    """An edition's set-up, and its participants' self-assessments submitted or given back
    (scoring/submission.py: a participant's row whose value is {"submitted": …})."""

    kinds = frozenset({Kind.SETUP, Kind.SUBMISSION})
    by_edition = by_unit = True

    def queryset(self):
        return EditionChange.objects.select_related("user", "edition").order_by("-at", "-id")

    def filtered(self, rows, filters):
        submissions = Q(subject=EditionChange.Subject.PARTICIPANT, new_value__has_key="submitted")
        if filters.kind == Kind.SUBMISSION:
            rows = rows.filter(submissions)
        elif filters.kind == Kind.SETUP:
            rows = rows.exclude(submissions)
        if filters.unit:
            # Participants and published results are keyed by the unit's code, which a code
            # reused in 2025 makes ambiguous: the edition's year decides which unit it was.
            unit = filters.unit
            rows = rows.filter(
                subject__in=[EditionChange.Subject.PARTICIPANT, EditionChange.Subject.SUMMARY],
                key=unit.code,
                edition__level=unit.level,
            )
            if unit.valid_from:
                rows = rows.filter(edition__year__gte=unit.valid_from.year)
            if unit.valid_until:
                last = unit.valid_until.year - (
                    unit.valid_until < date(unit.valid_until.year, 12, 31)
                )
                rows = rows.filter(edition__year__lte=last)
        return super().filtered(rows, filters)

    def entries(self, rows):
        units = _participant_units(
            [c for c in rows if c.subject == EditionChange.Subject.PARTICIPANT]
        )
        return [
            _submission(change, units.get((change.edition_id, change.key)))
            if _is_submission(change)
            else AuditEntry(
                when=change.at,
                who=change.user,
                kind=Kind.SETUP,
                edition=change.edition,
                unit=units.get((change.edition_id, change.key)),
                subject=f"{change.get_subject_display()} {change.key}",
                old=_json_text(change.old_value),
                new=_json_text(change.new_value),
                reason="",
                source=change.source,
                action=change.get_action_display(),
            )
            for change in rows
        ]


def _is_submission(change: EditionChange) -> bool:
    return (
        change.subject == EditionChange.Subject.PARTICIPANT
        and isinstance(change.new_value, dict)
        and "submitted" in change.new_value
    )


def _submission(change: EditionChange, unit) -> AuditEntry:
    """A self-assessment submitted (new value: when) or given back (new value: None, a reason)."""
    submitted, reason = change.new_value["submitted"], change.new_value.get("reason", "")
    return AuditEntry(
        when=change.at,
        who=change.user,
        kind=Kind.SUBMISSION,
        edition=change.edition,
        unit=unit,
        subject=str(
            _("Self-assessment submitted") if submitted else _("Self-assessment given back")
        ),
        old=str(_("not submitted") if submitted else _("submitted")),
        new=str(_("submitted") if submitted else _("given back")),
        reason=reason,
        source=change.source,
    )


def _participant_units(changes: list[EditionChange]) -> dict[tuple[int, str], Unit]:
    """The unit each participant change names, by (edition, code), in one query."""
    if not changes:
        return {}
    participants = Participant.objects.filter(
        edition_id__in={c.edition_id for c in changes}, unit__code__in={c.key for c in changes}
    ).select_related("unit")
    return {(p.edition_id, p.unit.code): p.unit for p in participants}


_EVENT_KINDS = {
    EditionEvent.Action.OPEN_SELF_ASSESSMENT: Kind.STAGE,
    EditionEvent.Action.OPEN_APPRAISAL: Kind.STAGE,
    EditionEvent.Action.OPEN_REVIEW: Kind.STAGE,
    EditionEvent.Action.PUBLISH: Kind.PUBLISH,
    EditionEvent.Action.REOPEN: Kind.CORRECTION,
}
# The stage each action leaves and the one it enters (scoring/lifecycle.py, scoring/publish.py).
_STAGES = {
    EditionEvent.Action.OPEN_SELF_ASSESSMENT: (
        Edition.Status.DRAFT,
        Edition.Status.SELF_ASSESSMENT,
    ),
    EditionEvent.Action.OPEN_APPRAISAL: (Edition.Status.SELF_ASSESSMENT, Edition.Status.APPRAISAL),
    EditionEvent.Action.OPEN_REVIEW: (Edition.Status.APPRAISAL, Edition.Status.REVIEW),
    EditionEvent.Action.PUBLISH: (None, Edition.Status.PUBLISHED),
    EditionEvent.Action.REOPEN: (Edition.Status.PUBLISHED, Edition.Status.REVIEW),
}


class EditionEvents(Source):
    kinds = frozenset(_EVENT_KINDS.values())
    by_edition = True

    def queryset(self):
        return EditionEvent.objects.select_related("user", "edition").order_by("-at", "-id")

    def filtered(self, rows, filters):
        if filters.kind:
            rows = rows.filter(action__in=[a for a, k in _EVENT_KINDS.items() if k == filters.kind])
        return super().filtered(rows, filters)

    def entries(self, rows):
        entries = []
        for event in rows:
            old, new = _STAGES.get(event.action, (None, None))
            entries.append(
                AuditEntry(
                    when=event.at,
                    who=event.user,
                    kind=_EVENT_KINDS.get(event.action, Kind.STAGE),
                    edition=event.edition,
                    unit=None,
                    subject=event.get_action_display(),
                    old=Edition.Status(old).label if old else "",
                    new=Edition.Status(new).label if new else "",
                    reason=event.reason,
                    source=inferred_source(event.user),
                )
            )
        return entries


class Corrections(Source):
    kinds = frozenset({Kind.CORRECTION})
    by_edition = by_unit = True

    def queryset(self):
        return (
            Correction.objects.select_related("user", "edition")
            .prefetch_related("values__unit")
            .order_by("-published_at", "-id")
        )

    def filtered(self, rows, filters):
        if filters.unit:
            rows = rows.filter(pk__in=Correction.objects.filter(values__unit=filters.unit))
        return super().filtered(rows, filters)

    def entries(self, rows):
        entries = []
        for correction in rows:
            values = list(correction.values.all())
            entries.append(
                AuditEntry(
                    when=correction.published_at,
                    who=correction.user,
                    kind=Kind.CORRECTION,
                    edition=correction.edition,
                    unit=None,
                    subject=str(_("Correction republished")),
                    old="\n".join(
                        f"{v.unit.code} {v.get_figure_display()}: {v.old_value}" for v in values
                    ),
                    new="\n".join(
                        f"{v.unit.code} {v.get_figure_display()}: {v.new_value}" for v in values
                    ),
                    reason=correction.reason,
                    source=inferred_source(correction.user),
                )
            )
        return entries


def _json_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return "\n".join(f"{key}: {item}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
