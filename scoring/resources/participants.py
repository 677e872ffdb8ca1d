"""The `participants` kind: the units taking part in an edition, ranked or not."""

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _
from import_export import fields

from scoring.models import Participant
from scoring.resources.base import Checked, FileResource, ImportOptions, row_column
from scoring.tabular import Row


class ParticipantResource(FileResource):
    kind = "participants"
    required = ("year", "level", "unit")
    optional = ("ranked", "note")

    edition_id = fields.Field(attribute="edition_id", column_name="edition_id")
    unit_id = fields.Field(attribute="unit_id", column_name="unit_id")

    class Meta(ImportOptions):
        model = Participant
        fields = ("edition_id", "unit_id", "ranked", "note")
        import_id_fields = ("edition_id", "unit_id")

    def check_row(self, row: Row) -> dict[str, Any]:
        edition = self.existing_edition(row)
        unit = self.cell(self.unit, row)
        return {
            "edition_id": edition.pk,
            "unit_id": unit.pk if unit else None,
            "ranked": self.cell(self.yes_no, row, "ranked", default=True),
            "note": row.values.get("note", ""),
        }

    def check_file(self, checked: Checked) -> None:
        """The file lists an edition's participants: units it leaves out stop taking part,
        unless they already have points, which are never dropped silently."""
        self._duplicates(checked, ("edition_id", "unit_id"), "unit", _("this unit"))
        listed = {(row["edition_id"], row["unit_id"]) for row in checked.rows}
        first_row = {}
        for row in checked.rows:
            first_row.setdefault(row["edition_id"], row["_row"])
        self._dropped = []
        for participant in (
            Participant.objects.filter(edition__in=first_row)
            .select_related("unit")
            .annotate(scored=Count("scores") + Count("summary"))
        ):
            if (participant.edition_id, participant.unit_id) in listed:
                continue
            if participant.scored:
                problem = _(
                    "%(name)s (%(code)s) has points in this edition but is missing from the file "
                    "(list every participant)"
                ) % {"name": participant.unit.name_vi, "code": participant.unit.code}
                checked.problems.append(
                    row_column(first_row[participant.edition_id], "unit", problem)
                )
            else:
                self._dropped.append(participant.pk)

    def prepare(self, checked: Checked) -> list[dict[str, Any]]:
        if self._dropped:
            Participant.objects.filter(pk__in=self._dropped).delete()
            checked.notes.append(
                _("%(count)s units not in the file no longer take part")
                % {"count": len(self._dropped)}
            )
        editions = {row["edition_id"] for row in checked.rows}
        self._existing = {
            (p.edition_id, p.unit_id): p for p in Participant.objects.filter(edition__in=editions)
        }
        return checked.rows

    def get_instance(self, instance_loader, row):
        return self._existing.get((row["edition_id"], row["unit_id"]))
