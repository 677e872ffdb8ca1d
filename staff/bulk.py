"""Bulk entry of a unit's self-assessment (issue 16, item 3): the officer downloads it as a
workbook, fills it in where they like, and uploads it back.

The workbook is the self-assessment as it stands: one row per `self` sub-criterion with its code,
names and maximum (for reading only) and the three columns the officer writes: self_points, note
and evidence_url (the evidence addresses, one a line in the cell; the evidence files are added on
the screen only). On upload, a blank cell clears what is stored (the file is the self-assessment,
as downloaded) and a row left out changes nothing. The file is read by files.tabular with the
limits of every import, each cell is checked as the `scores` kind checks it, and each problem is
reported at its row and column in the words of every import. Nothing is written on upload: the
officer sees what would change and confirms; the confirmation goes through the writer of the
self-assessment screen (scoring.points.set_self_points) with the versions the preview read, so
a sub-criterion saved meanwhile on the screen is refused there, not overwritten.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_noop
from openpyxl import Workbook

from files.problems import Message, Problems, register
from files.tabular import FileProblem, read_table
from files.texts import text_problem
from provinces.localized import localized
from scoring.downloads import protect, workbook_bytes
from scoring.imports import limits
from scoring.models import Criterion, Edition, Participant, Score
from scoring.points import (
    KEEP,
    SelfAssessment,
    addresses,
    addresses_problem,
    leaf_problem,
    parse_points,
)
from scoring.tree import Tree

SHEET = "self_assessment"
COLUMNS = [
    "year", "level", "unit", "criterion", "name_vi", "name_en", "max_points",
    "self_points", "note", "evidence_url",
]  # fmt: skip
REQUIRED = ("year", "level", "unit", "criterion")
# The columns the officer writes; the others say which row is which.
WRITTEN = ("self_points", "note", "evidence_url")
# The session key of an upload waiting for its confirmation.
SESSION_KEY = "staff_bulk_upload"

register(
    bulk_missing_columns=gettext_noop(
        "required column missing (missing: %(missing)s; the self-assessment workbook needs "
        "%(required)s)"
    ),
    # Translators: %(file)s and %(open)s are "2019 province" and the like; the year and level
    # of the file's row and of the self-assessment open for the unit.
    bulk_other_edition=gettext_noop(
        "this row is for the %(file)s edition; this upload is for the %(open)s edition"
    ),
    bulk_other_unit=gettext_noop(
        "this row is for the unit %(code)s; you may upload only your unit's (%(own)s) "
        "self-assessment"
    ),
    bulk_duplicate=gettext_noop("%(code)s is already given on row %(first)s"),
    bulk_wrong_stage=gettext_noop(
        "the %(year)s %(level)s edition is in the %(stage)s stage; a self-assessment can be "
        "uploaded only while the self-assessment is open"
    ),
    bulk_submitted=gettext_noop(
        "the self-assessment was submitted; an admin must give it back before it can be "
        "uploaded again"
    ),
)


def workbook(participant: Participant) -> bytes:
    """The unit's self-assessment as an .xlsx workbook of one sheet."""
    edition = participant.edition
    tree = Tree.of(edition)
    scores = {score.criterion_id: score for score in participant.scores.all()}
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.append(COLUMNS)
    for leaf in tree.leaves:
        if leaf.method != Criterion.Method.SELF:
            continue
        score = scores.get(leaf.pk)
        row = {
            "year": edition.year,
            "level": edition.level,
            "unit": participant.unit.code,
            "criterion": leaf.code,
            "name_vi": leaf.name_vi,
            "name_en": leaf.name_en,
            "max_points": leaf.max_points,
            "self_points": score.self_points if score else None,
            "note": score.self_note if score else "",
            "evidence_url": score.evidence_url if score else "",
        }
        sheet.append([protect(row[column]) for column in COLUMNS])
    return workbook_bytes(book)


def filename(participant: Participant) -> str:
    edition = participant.edition
    return f"self-assessment-{edition.year}-{edition.level}-{participant.unit.code}.xlsx"


@dataclass
class RowChange:
    """One sub-criterion the upload changes: each written column's value before and after."""

    row: int
    leaf: Criterion
    version: int
    before: dict[str, object]
    after: dict[str, object]

    @property
    def name(self) -> str:
        return localized(self.leaf, "name")

    def columns(self) -> list[tuple[str, object, object]]:
        return [(column, self.before[column], self.after[column]) for column in self.after]


@dataclass
class Upload:
    filename: str
    sha256: str
    changes: list[RowChange] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def stage_problem(participant: Participant) -> Message | None:
    """Why this unit's self-assessment cannot be uploaded now, or None."""
    edition = participant.edition
    if edition.status != Edition.Status.SELF_ASSESSMENT:
        params = {"year": edition.year, "level": edition.level}
        return Message("bulk_wrong_stage", {**params, "stage": edition.get_status_display()})
    if participant.submitted_at is not None:
        return Message("bulk_submitted")
    return None


def check_upload(participant: Participant, content: bytes, name: str) -> Upload:
    """What the uploaded workbook would change, or its problems; nothing is written."""
    upload = Upload(name, hashlib.sha256(content).hexdigest())
    problem = stage_problem(participant)
    if problem is not None:
        upload.problems.add(problem)
        return upload
    try:
        table = read_table(content, name, sheet=SHEET, limits=limits())
        missing = [column for column in REQUIRED if column not in table.headers]
        if missing:
            params = {"missing": ", ".join(missing), "required": ", ".join(REQUIRED)}
            upload.problems.add(Message("bulk_missing_columns", params).at(1, missing[0]))
            return upload
        upload.problems.extend(table.problems)
        _check_rows(participant, table, upload)
    except FileProblem as refused:
        upload.problems.add(refused.message.in_file(name))
    if upload.problems:
        upload.changes = []
    return upload


def _check_rows(participant: Participant, table, upload: Upload) -> None:
    tree = Tree.of(participant.edition)
    scores = {score.criterion_id: score for score in participant.scores.all()}
    seen: dict[str, int] = {}
    given = [column for column in WRITTEN if column in table.headers]
    for row in table.rows:
        if not any(value.strip() for value in row.values.values()):
            continue
        upload.rows += 1
        problems: list[Message] = list(row.problems)
        leaf = _row_leaf(participant, tree, row, seen, problems)
        after = _row_values(row, given, leaf, problems)
        upload.problems.extend(problems)
        if problems or leaf is None:
            continue
        score = scores.get(leaf.pk)
        before = _stored(score)
        changed = {column: value for column, value in after.items() if before[column] != value}
        if changed:
            kept = {column: before[column] for column in changed}
            version = score.version if score else 0
            upload.changes.append(RowChange(row.number, leaf, version, kept, changed))


def _row_leaf(participant: Participant, tree: Tree, row, seen: dict, problems: list):
    """The row's sub-criterion, once its edition and unit are the upload's; None otherwise."""
    edition, values = participant.edition, row.values
    open_edition = f"{edition.year} {edition.level}"
    file_edition = f"{values['year'].strip()} {values['level'].strip()}"
    if file_edition != open_edition:
        params = {"file": file_edition, "open": open_edition}
        problems.append(Message("bulk_other_edition", params).at(row.number, "year"))
    code_of_unit = values["unit"].strip()
    if code_of_unit != participant.unit.code:
        params = {"code": code_of_unit, "own": participant.unit.code}
        problems.append(Message("bulk_other_unit", params).at(row.number, "unit"))
    code = values["criterion"].strip()
    problem = leaf_problem(edition, tree, code, Criterion.Method.SELF)
    if problem is not None:
        problems.append(problem.at(row.number, "criterion"))
        return None
    if code in seen:
        params = {"code": code, "first": seen[code]}
        problems.append(Message("bulk_duplicate", params).at(row.number, "criterion"))
        return None
    seen[code] = row.number
    return tree.by_code[code]


def _row_values(row, given: list[str], leaf, problems: list) -> dict[str, object]:
    """The written columns' values as they would be stored, each problem at its cell."""
    values, after = row.values, {}
    checks = {
        "self_points": lambda text: parse_points(text, leaf.max_points if leaf else None),
        "note": lambda text: (text, text_problem(text)),
        "evidence_url": lambda text: ("\n".join(addresses(text)), addresses_problem(text)),
    }
    for column in given:
        value, problem = checks[column](values[column].strip())
        if problem is not None:
            problems.append(problem.at(row.number, column))
        after[column] = value
    return after


def _stored(score: Score | None) -> dict[str, object]:
    if score is None:
        return {"self_points": None, "note": "", "evidence_url": ""}
    return {
        "self_points": score.self_points,
        "note": score.self_note,
        "evidence_url": score.evidence_url,
    }


# An upload waits for its confirmation in the session as plain values (no file is kept).


def pending(participant: Participant, upload: Upload) -> dict:
    return {
        "participant": participant.pk,
        "filename": upload.filename,
        "sha256": upload.sha256,
        "changes": [
            {
                "leaf": change.leaf.pk,
                "version": change.version,
                **{
                    column: None if value is None else str(value)
                    for column, value in change.after.items()
                },
            }
            for change in upload.changes
        ],
    }


def entries(participant: Participant, waiting: dict) -> list[SelfAssessment]:
    """The writer's entries of a confirmed upload, each with the version its preview read."""
    leaves = {leaf.pk: leaf for leaf in participant.edition.criteria.all()}
    result = []
    for change in waiting["changes"]:
        points = change.get("self_points", KEEP)
        if isinstance(points, str):
            points = Decimal(points)
        result.append(
            SelfAssessment(
                participant,
                leaves[change["leaf"]],
                points=points,
                note=change.get("note", KEEP),
                evidence_url=change.get("evidence_url", KEEP),
                version=change["version"],
            )
        )
    return result


def source_line(waiting: dict) -> str:
    """The audit rows' source: the upload's file name and fingerprint, as imports write it."""
    return f"upload {waiting['filename'][:100]} sha256={waiting['sha256']}"
