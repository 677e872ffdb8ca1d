"""Importing a file of one kind: the one entry point shared by the command and the admin."""

from dataclasses import dataclass, field

import tablib
from django.utils.translation import gettext as _

from scoring.resources import RESOURCES, FileResource
from scoring.tabular import FileProblem, read_table


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        counts = _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.dry_run:
            # Translators: %(kind)s is the file kind (methodology, scores...), not translated.
            return _("%(kind)s (dry run, nothing written): %(counts)s") % {
                "kind": self.kind,
                "counts": counts,
            }
        return f"{self.kind}: {counts}"


def import_file(
    kind: str, data: bytes, filename: str, *, user=None, dry_run: bool = False
) -> ImportReport:
    """Validate the whole file, then write all of it in one transaction, or nothing."""
    if kind not in RESOURCES:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(RESOURCES)}")
    report = ImportReport(kind=kind, dry_run=dry_run)
    try:
        table = read_table(data, filename, sheet=kind)
    except FileProblem as problem:
        report.problems.append(
            _("file %(filename)s: %(problem)s") % {"filename": filename, "problem": problem}
        )
        return report
    resource: FileResource = RESOURCES[kind](user=user, source=f"import {kind} {filename}")
    checked = resource.check(table)
    report.problems, report.warnings = checked.problems, checked.warnings
    if checked.problems:
        return report
    # import-export runs the whole write in one transaction and rolls it back on a dry run.
    result = resource.import_data(
        tablib.Dataset(), dry_run=dry_run, use_transactions=True, raise_errors=True
    )
    report.notes = checked.notes
    report.created = result.totals["new"]
    report.updated = result.totals["update"]
    report.unchanged = result.totals["skip"]
    return report
