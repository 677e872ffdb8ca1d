"""The audit trail as one timeline: every recorded change, whichever table keeps it.

The domain keeps its own audit rows (ScoreChange per leaf, EditionChange for an edition's set-up,
EditionEvent for stages, Reply, Correction); django-simple-history keeps the rest (Unit, Region,
Edition, UnitAssignment, User with its groups, i.e. its roles). Each source below turns its rows
into the same Entry, so a page lists them together.

How a page of the timeline is read without a query per row: each source filters in SQL (edition,
unit, person, kind) and is ordered newest first; for page p of n entries, the newest p × n rows of
every source are fetched (one query each, related rows joined or fetched in one more query), merged
by time and cut to the page. The newest p × n entries of the union are always among them. The total
is the sum of one COUNT per source. Sources that a filter rules out are not queried at all.
"""

import heapq
import itertools
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from provinces.models import Region, Unit
from scoring.models import (
    Correction,
    Edition,
    EditionChange,
    EditionEvent,
    Participant,
    Reply,
    ScoreChange,
    UnitAssignment,
)
from staff.accounts import role_name

User = get_user_model()


class Kind(models.TextChoices):
    SELF_POINTS = "score_self", _("Self-assessed points")
    APPRAISED_POINTS = "score_appraised", _("Appraised points")
    SURVEY_POINTS = "score_survey", _("Survey points")
    STAGE = "stage", _("Stage change")
    PUBLISH = "publish", _("Publish")
    CORRECTION = "correction", _("Reopening and correction")
    SUBMISSION = "submission", _("Self-assessment submitted or given back")
    SETUP = "setup", _("Criteria, participants and edition set-up")
    UNIT = "unit", _("Units and regions")
    ASSIGNMENT = "assignment", _("Roles and unit assignments")
    REPLY = "reply", _("Reply")


# Sources as the writers record them: "web", "admin", "command", or "import KIND FILE sha256=…".
WEB, ADMIN, COMMAND = "web", "admin", "command"


@dataclass(frozen=True)
class Entry:
    """One recorded change. `old` and `new` are display text; a record that changed several
    fields at once lists them one per line, as `field: value`."""

    when: datetime
    who: object  # a User, or None (the system: a management command)
    kind: str
    edition: Edition | None
    unit: Unit | None
    subject: str
    old: str
    new: str
    reason: str
    source: str
    action: str = ""
    score_id: int | None = None  # a leaf's history, for score changes and replies

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label


@dataclass(frozen=True)
class Filters:
    edition: Edition | None = None
    unit: Unit | None = None
    user: object = None
    kind: str = ""


# --- the sources -------------------------------------------------------------------------------


class Source:
    """One table of changes: which kinds it holds, its rows under the filters, and its entries."""

    kinds: frozenset[str] = frozenset()
    by_edition = False  # whether its rows belong to an edition (else an edition filter drops it)
    by_unit = False  # whether its rows belong to a unit (else a unit filter drops it)

    def rows(self, filters: Filters) -> models.QuerySet | None:
        """The rows under the filters, newest first, or None when the filters rule them all out."""
        if filters.kind and filters.kind not in self.kinds:
            return None
        if (filters.edition and not self.by_edition) or (filters.unit and not self.by_unit):
            return None
        return self.filtered(self.queryset(), filters)

    def queryset(self) -> models.QuerySet:
        raise NotImplementedError

    # The paths from a row to its edition, its unit (where a plain lookup reaches it) and its user.
    edition_lookup, unit_lookup, user_lookup = "edition", "", "user"

    def filtered(self, rows: models.QuerySet, filters: Filters) -> models.QuerySet:
        if filters.edition:
            rows = rows.filter(**{self.edition_lookup: filters.edition})
        if filters.unit and self.unit_lookup:
            rows = rows.filter(**{self.unit_lookup: filters.unit})
        if filters.user:
            rows = rows.filter(**{self.user_lookup: filters.user})
        return rows

    def entries(self, rows: list) -> list[Entry]:
        raise NotImplementedError


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
        return ScoreChange.objects.select_related(
            "user", "score__criterion", "score__participant__unit", "score__participant__edition"
        ).order_by("-changed_at", "-id")

    def filtered(self, rows, filters):
        if filters.kind:
            rows = rows.filter(column__in=[c for c, k in _SCORE_KINDS.items() if k == filters.kind])
        return super().filtered(rows, filters)

    def entries(self, rows):
        return [
            Entry(
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
            Entry(
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
            else Entry(
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


def _submission(change: EditionChange, unit) -> Entry:
    """A self-assessment submitted (new value: when) or given back (new value: None, a reason)."""
    submitted, reason = change.new_value["submitted"], change.new_value.get("reason", "")
    return Entry(
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
                Entry(
                    when=event.at,
                    who=event.user,
                    kind=_EVENT_KINDS.get(event.action, Kind.STAGE),
                    edition=event.edition,
                    unit=None,
                    subject=event.get_action_display(),
                    old=Edition.Status(old).label if old else "",
                    new=Edition.Status(new).label if new else "",
                    reason=event.reason,
                    source=_inferred_source(event.user),
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
                Entry(
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
                    source=_inferred_source(correction.user),
                )
            )
        return entries


REFERENCE_DATA = "reference data"


class History(Source):
    """A model's django-simple-history records: each compared with the record before it."""

    model: type[models.Model]
    kind: str
    hidden_values = frozenset()  # fields whose change is shown, never their values (password)

    @property
    def kinds(self):
        return frozenset({self.kind})

    @property
    def history(self) -> type[models.Model]:
        return self.model.history.model

    def queryset(self):
        previous = self.history.objects.filter(
            id=OuterRef("id"), history_date__lt=OuterRef("history_date")
        ).order_by("-history_date", "-history_id")
        return (
            self.history.objects.select_related("history_user")
            # The reference data's first records (provinces migration 0006) are where the
            # history starts, compared against, never listed as changes.
            .exclude(history_change_reason=REFERENCE_DATA)
            .annotate(previous_id=Subquery(previous.values("history_id")[:1]))
            .order_by("-history_date", "-history_id")
        )

    def filtered(self, rows, filters):
        if filters.user:
            rows = rows.filter(history_user=filters.user)
        return self.scoped(rows, filters)

    def scoped(self, rows, filters):
        return rows

    def entries(self, rows):
        previous = self.history.objects.in_bulk([r.previous_id for r in rows if r.previous_id])
        fields = [f for f in self.history._meta.fields if _tracked(f)]
        changes = {
            record.history_id: _changed(fields, previous.get(record.previous_id), record)
            for record in rows
        }
        names = _related_names(fields, changes.values())
        return [
            Entry(
                when=record.history_date,
                who=record.history_user,
                kind=self.kind,
                edition=self.edition_of(record),
                unit=self.unit_of(record),
                subject=self.subject_of(record),
                old=self.text(changes[record.history_id], 0, names)
                if record.previous_id or record.history_type != "~"
                # Rows made before their model was tracked (the reference data's migrations)
                # have no record to compare with until `populate_history` gives them one.
                else str(_("(no earlier record)")),
                new=self.text(changes[record.history_id], 1, names),
                reason="",
                source=record.history_change_reason or _inferred_source(record.history_user),
                action=_HISTORY_ACTIONS.get(record.history_type, ""),
            )
            for record in rows
        ]

    def text(self, changes, side: int, names) -> str:
        lines = []
        for field, values in changes:
            if field.name in self.hidden_values:
                shown = str(_("(changed)")) if side else ""
            else:
                shown = _shown(field, values[side], names)
            lines.append(f"{field.verbose_name}: {shown}")
        return "\n".join(lines)

    def edition_of(self, record):
        return None

    def unit_of(self, record):
        return None

    def subject_of(self, record) -> str:
        return str(record.instance)


class UnitHistory(History):
    model, kind = Unit, Kind.UNIT
    by_unit = True

    def scoped(self, rows, filters):
        return rows.filter(id=filters.unit.pk) if filters.unit else rows

    def subject_of(self, record):
        return f"{record.name_vi} ({record.code})"

    def unit_of(self, record):
        return self._units.get(record.id)

    def entries(self, rows):
        self._units = Unit.objects.in_bulk({r.id for r in rows})
        return super().entries(rows)


class RegionHistory(History):
    model, kind = Region, Kind.UNIT

    def subject_of(self, record):
        return f"{record.name_vi} ({record.code})"


class EditionHistory(History):
    model, kind = Edition, Kind.SETUP
    by_edition = True

    def scoped(self, rows, filters):
        return rows.filter(id=filters.edition.pk) if filters.edition else rows

    def subject_of(self, record):
        return str(_("Edition settings"))

    def edition_of(self, record):
        return self._editions.get(record.id)

    def entries(self, rows):
        self._editions = Edition.objects.in_bulk({r.id for r in rows})
        return super().entries(rows)


class AssignmentHistory(History):
    model, kind = UnitAssignment, Kind.ASSIGNMENT
    by_unit = True

    def queryset(self):
        return super().queryset().select_related("user", "unit")

    def scoped(self, rows, filters):
        return rows.filter(unit_id=filters.unit.pk) if filters.unit else rows

    def subject_of(self, record):
        return record.user.get_username() if record.user else f"#{record.user_id}"

    def unit_of(self, record):
        return record.unit


class UserHistory(History):
    """Accounts and their roles: a user's groups are kept with each record (m2m_fields)."""

    model, kind = User, Kind.ASSIGNMENT
    hidden_values = frozenset({"password"})

    def entries(self, rows):
        previous_ids = [r.previous_id for r in rows if r.previous_id]
        groups = _group_names(self.history, [r.history_id for r in rows] + previous_ids)
        entries = super().entries(rows)
        roles = str(_("Roles"))
        for index, (record, entry) in enumerate(zip(rows, entries, strict=True)):
            old = groups.get(record.previous_id, ()) if record.previous_id else ()
            new = groups.get(record.history_id, ())
            if old != new:
                entries[index] = _with_line(
                    entry,
                    f"{roles}: {', '.join(map(role_name, old))}",
                    f"{roles}: {', '.join(map(role_name, new))}",
                )
        return entries

    def subject_of(self, record):
        return record.username


SOURCES: tuple[Source, ...] = (
    ScoreChanges(),
    Replies(),
    EditionChanges(),
    EditionEvents(),
    Corrections(),
    UnitHistory(),
    RegionHistory(),
    EditionHistory(),
    AssignmentHistory(),
    UserHistory(),
)


# --- the timeline ------------------------------------------------------------------------------


class Timeline:
    """Every change under the filters, newest first; sliced by a Paginator (count, then one
    slice), it reads each source twice at most: one COUNT and the newest `stop` rows."""

    def __init__(self, filters: Filters = Filters(), sources=SOURCES):
        self.filters = filters
        self.querysets = [
            (source, rows) for source in sources if (rows := source.rows(filters)) is not None
        ]

    def count(self) -> int:
        # Kept per source: the slice that follows skips the sources with nothing to show.
        self.counts = [rows.count() for _source, rows in self.querysets]
        return sum(self.counts)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        if stop is None:
            stop = self.count()
        if stop <= start:
            return []
        counts = getattr(self, "counts", None) or [None] * len(self.querysets)
        streams = [
            source.entries(list(rows[:stop]))
            for (source, rows), count in zip(self.querysets, counts, strict=True)
            if count != 0
        ]
        merged = heapq.merge(*streams, key=lambda entry: entry.when, reverse=True)
        return list(itertools.islice(merged, start, stop))


def leaf_history(score) -> list[Entry]:
    """Every points change and reply of one score, newest first."""
    changes = ScoreChanges().entries(ScoreChanges().queryset().filter(score=score))
    replies = Replies().entries(Replies().queryset().filter(score=score))
    return list(heapq.merge(changes, replies, key=lambda entry: entry.when, reverse=True))


# --- where a history record came from ----------------------------------------------------------


def _inferred_source(user) -> str:
    """Rows that keep no source: the system (no user) is a management command; a person acted
    on a screen."""
    return COMMAND if user is None else WEB


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


# --- comparing history records -----------------------------------------------------------------

_HISTORY_ACTIONS = {"+": _("Added"), "~": _("Changed"), "-": _("Removed")}


def _tracked(field) -> bool:
    return not field.name.startswith("history_") and field.name != "id"


def _changed(fields, previous, record) -> list[tuple]:
    """(field, (old, new)) for each field that differs from the previous record; all the
    non-empty fields of an added record."""
    changes = []
    for field in fields:
        new = getattr(record, field.attname)
        old = getattr(previous, field.attname) if previous is not None else None
        if previous is None and record.history_type == "-":
            old, new = new, None
        if old != new and not (previous is None and new in (None, "")):
            changes.append((field, (old, new)))
    return changes


def _related_names(fields, changes) -> dict:
    """The names of the rows that changed foreign keys point to, one query per related model."""
    wanted: dict[type, set] = {}
    for change in changes:
        for field, values in change:
            if field.is_relation:
                wanted.setdefault(field.related_model, set()).update(v for v in values if v)
    return {
        model: {pk: str(row) for pk, row in model._base_manager.in_bulk(pks).items()}
        for model, pks in wanted.items()
    }


def _shown(field, value, names) -> str:
    if value is None or value == "":
        return "—"
    if field.is_relation:
        return names.get(field.related_model, {}).get(value, f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def _group_names(history_model, history_ids) -> dict[int, tuple[str, ...]]:
    """The role names each user record held, by history id, in one query (plus the names)."""
    through = history_model._meta.get_field("historicaluser_groups").related_model
    rows = list(
        through.objects.filter(history_id__in=history_ids).values_list("history_id", "group_id")
    )
    names = Group.objects.in_bulk({group for _history, group in rows})
    held: dict[int, list[str]] = {}
    for history, group in rows:
        held.setdefault(history, []).append(names[group].name if group in names else f"#{group}")
    return {history: tuple(sorted(groups)) for history, groups in held.items()}


def _with_line(entry: Entry, old: str, new: str) -> Entry:
    return Entry(
        **{
            **entry.__dict__,
            "old": "\n".join(filter(None, [entry.old, old])),
            "new": "\n".join(filter(None, [entry.new, new])),
        }
    )


def _json_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return "\n".join(f"{key}: {item}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
