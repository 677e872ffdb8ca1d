"""The `participants` kind: the units taking part in an edition, ranked or not, written by
scoring.participation.set_participants."""

from collections import defaultdict
from typing import Any

from import_export import fields

from files.problems import Message
from files.tabular import Row
from scoring.editions import Change, Written
from scoring.imports.resources.base import Checked, FileResource, ImportOptions
from scoring.models import Participant
from scoring.participation import Participation, dropped, set_participants


class ParticipantResource(FileResource):
    kind = "participants"
    change = Change.PARTICIPANTS
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
            "note": self.cell(self.text, row, "note"),
            "_edition": edition,
            "_unit": unit,
        }

    def by_edition(self, checked: Checked) -> dict:
        rows = defaultdict(list)
        for clean in checked.rows:
            rows[clean["_edition"]].append(clean)
        return rows

    def check_file(self, checked: Checked) -> None:
        """The file lists an edition's participants: units it leaves out stop taking part,
        unless they already have points, which are never dropped silently."""
        self.duplicates(checked, ("edition_id", "unit_id"), "unit", "this_unit")
        for edition, rows in self.by_edition(checked).items():
            _removable, problems = dropped(edition, {row["unit_id"] for row in rows})
            for problem in problems:
                checked.problems.add(problem.at(rows[0]["_row"], "unit"))

    def prepare(self, checked: Checked) -> list[dict[str, Any]]:
        # The loaded objects, so that describing a row (import-export calls str()) costs no query.
        self._objects = {
            (row["edition_id"], row["unit_id"]): (row["_edition"], row["_unit"])
            for row in checked.rows
        }
        editions = {row["edition_id"] for row in checked.rows}
        self._existing = {
            (p.edition_id, p.unit_id): p for p in Participant.objects.filter(edition__in=editions)
        }
        return [
            {k: v for k, v in row.items() if k[0] != "_" or k == "_row"} for row in checked.rows
        ]

    def get_instance(self, instance_loader, row):
        return self._existing.get((row["edition_id"], row["unit_id"]))

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.edition, instance.unit = self._objects[(instance.edition_id, instance.unit_id)]

    def write(self, checked: Checked) -> Written:
        written = Written()
        for edition, rows in self.by_edition(checked).items():
            entries = [Participation(row["_unit"], row["ranked"], row["note"]) for row in rows]
            outcome, removed = set_participants(
                edition, entries, user=self.user, source=self.source
            )
            written |= outcome
            if removed:
                checked.notes.append(Message("participants_dropped", {"count": removed}))
        return written
