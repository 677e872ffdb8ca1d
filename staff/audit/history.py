"""The sources kept by django-simple-history (Unit, Region, Edition, UnitAssignment, User with its
groups, i.e. its roles): each record compared with the one before it.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from provinces.models import Region, Unit
from scoring.models import Edition, UnitAssignment
from staff.accounts import role_name
from staff.audit.entries import AuditEntry, Kind, Source, inferred_source

User = get_user_model()

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
            AuditEntry(
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
                source=record.history_change_reason or inferred_source(record.history_user),
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
                shown = _value_text(field, values[side], names)
            lines.append(f"{field.verbose_name}: {shown}")
        return "\n".join(lines)

    def edition_of(self, record):
        return None

    def unit_of(self, record):
        return None

    def subject_of(self, record) -> str:
        return str(record.instance)


class RowHistory(History):
    """The history of the rows the log is filtered by (units, editions): each entry names the
    row as it is now, all of them read in one query."""

    scope: str  # the filter naming one of these rows ("unit", "edition"), which keeps its history

    def scoped(self, rows, filters):
        row = getattr(filters, self.scope)
        return rows.filter(id=row.pk) if row else rows

    def current(self, record):
        return self._current.get(record.id)

    def entries(self, rows):
        self._current = self.model.objects.in_bulk({r.id for r in rows})
        return super().entries(rows)


class UnitHistory(RowHistory):
    model, kind, scope = Unit, Kind.UNIT, "unit"
    by_unit = True

    def subject_of(self, record):
        return f"{record.name_vi} ({record.code})"

    def unit_of(self, record):
        return self.current(record)


class RegionHistory(History):
    model, kind = Region, Kind.UNIT

    def subject_of(self, record):
        return f"{record.name_vi} ({record.code})"


class EditionHistory(RowHistory):
    model, kind, scope = Edition, Kind.SETUP, "edition"
    by_edition = True

    def subject_of(self, record):
        return str(_("Edition settings"))

    def edition_of(self, record):
        return self.current(record)


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


def _value_text(field, value, names) -> str:
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


def _with_line(entry: AuditEntry, old: str, new: str) -> AuditEntry:
    return AuditEntry(
        **{
            **entry.__dict__,
            "old": "\n".join(filter(None, [entry.old, old])),
            "new": "\n".join(filter(None, [entry.new, new])),
        }
    )
