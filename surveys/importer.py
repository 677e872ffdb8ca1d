"""Importing a SIPAS respondent file: the `sipas` kind of scoring.imports.import_file.

The whole file is read and checked first (surveys.respondents); on any problem nothing is
written. Then, in one transaction, the respondents are stored — on PostgreSQL copied into a
temporary table and merged with one INSERT … ON CONFLICT (year, unit, respondent_id) DO UPDATE,
elsewhere through batched bulk_create — and the year's results are recomputed from all its
respondents (surveys.aggregation). A worker killed half-way leaves the transaction uncommitted:
nothing of the file is stored.

progress(done, total) speaks in the file's rows, as scoring.imports defines it: while the file is
read its length is not known, so done is the rows read and total is 0; then each row counts a
third when checked and another third when written, so done reaches total, the rows, at the end.
"""

import io
import logging
from typing import BinaryIO

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils.translation import gettext_noop

from files.problems import Message, register
from files.tabular import FileProblem
from scoring.imports import ImportReport, Progress, limits
from surveys.aggregation import aggregate_year
from surveys.models import ASPECTS, SipasRespondent
from surveys.respondents import KIND, check, read_sheet

log = logging.getLogger(__name__)

register(
    sipas_computed=gettext_noop(
        "SIPAS %(year)s computed for %(units)s provinces from %(respondents)s respondents"
    ),
)

_STORED = ("unit_id", "respondent_id", "gov_level", "sector", *ASPECTS)
# Any 64-bit number, the same in every process: imports of one year wait for each other, so
# the second one's results count the first one's respondents.
_LOCK = 0x5195_0000


def import_sipas(
    source: bytes | BinaryIO,
    filename: str,
    *,
    user=None,
    source_line: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check the whole file, then store it and recompute its year, or nothing (the Importer of
    scoring.imports: the command and the admin both come here through import_file)."""
    report = ImportReport(kind=KIND, dry_run=dry_run)
    progress = _in_rows(progress) if progress else None
    try:
        sheet = read_sheet(source, filename, limits=limits(), progress=progress)
        checked = check(sheet, progress=progress)
    except FileProblem as problem:
        report.problems = [problem.message.in_file(filename)]
        report.problem_count = 1
        return report
    del sheet
    report.warnings = checked.warnings
    if checked.problems:
        report.problems = checked.problems.listed()
        report.problem_count = checked.problems.count
        return report
    frame, year = checked.frame, checked.year
    count = len(frame)
    with transaction.atomic():
        created, updated = store(year, frame)
        if progress:
            progress(count * 5 // 2, 3 * count)
        if dry_run:
            transaction.set_rollback(True)
        else:
            results = aggregate_year(year)
            units = sum(1 for row in results if row.unit_id and row.breakdown == "all")
            national = next(row for row in results if not row.unit_id and row.breakdown == "all")
            params = {"year": year, "units": units, "respondents": national.respondents}
            report.notes.append(Message("sipas_computed", params))
            log.info("%s by %s: %s", source_line, user, params)
    if progress:
        progress(3 * count, 3 * count)
    report.created, report.updated = created, updated
    report.unchanged = count - created - updated
    return report


def _in_rows(progress: Progress) -> Progress:
    # The phases below count each row three times (read, checked, written); a progress bar
    # reads done and total as rows of the file, so a third of each once the length is known.
    def reported(done: int, total: int) -> None:
        progress(done // 3 if total else done, total // 3)

    return reported


def store(year: int, frame: pd.DataFrame) -> tuple[int, int]:
    """Create or update the year's respondents in the frame; (created, updated)."""
    if connection.vendor == "postgresql":
        return _copied(year, frame)
    return _bulk_created(year, frame)


def _copied(year: int, frame: pd.DataFrame) -> tuple[int, int]:
    table = SipasRespondent._meta.db_table
    buffer = io.StringIO()
    frame[list(_STORED)].assign(year=year)[["year", *_STORED]].to_csv(
        buffer, header=False, index=False
    )
    buffer.seek(0)
    columns = ", ".join(["year", *_STORED])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK + year])
        # What the foreign key's trigger would do for each row, once per unit (models.py).
        units = [int(unit) for unit in frame["unit_id"].unique()]
        cursor.execute("SELECT id FROM provinces_unit WHERE id = ANY(%s) FOR KEY SHARE", [units])
        if len(cursor.fetchall()) != len(units):
            raise RuntimeError("a unit of the file was deleted while it was imported")
        if not SipasRespondent.objects.filter(year=year).exists():
            # A new year (the lock keeps it so): nothing to merge with, so the rows are copied
            # straight in, a fifth faster than through a temporary table. A blank text is an
            # empty string, not NULL.
            cursor.cursor.copy_expert(
                f"COPY {table} ({columns}) FROM STDIN WITH "
                "(FORMAT csv, FORCE_NOT_NULL (gov_level, sector))",
                buffer,
            )
            return len(frame), 0
        cursor.execute("DROP TABLE IF EXISTS sipas_incoming")
        cursor.execute(
            "CREATE TEMPORARY TABLE sipas_incoming (year smallint, unit_id bigint, "
            "respondent_id text, "
            "gov_level text NOT NULL, sector text NOT NULL, "
            + ", ".join(f"{aspect} smallint" for aspect in ASPECTS)
            + ") ON COMMIT DROP"
        )
        cursor.cursor.copy_expert(
            f"COPY sipas_incoming ({columns}) FROM STDIN WITH "
            "(FORMAT csv, FORCE_NOT_NULL (gov_level, sector))",
            buffer,
        )
        cursor.execute("ANALYZE sipas_incoming")
        # Re-importing the same respondents is common: those already stored as they are leave
        # the incoming rows in one set-based pass (ON CONFLICT would lock each of them); those
        # that remain either update a stored respondent or are new.
        same = " AND ".join(f"r.{name} IS NOT DISTINCT FROM i.{name}" for name in _STORED[2:])
        cursor.execute(
            f"DELETE FROM sipas_incoming i USING {table} r WHERE r.year = %s "
            f"AND r.unit_id = i.unit_id AND r.respondent_id = i.respondent_id AND {same}",
            [year],
        )
        unchanged = cursor.rowcount
        cursor.execute(
            f"SELECT COUNT(*) FROM sipas_incoming i JOIN {table} r ON r.year = %s "
            "AND r.unit_id = i.unit_id AND r.respondent_id = i.respondent_id",
            [year],
        )
        updated = cursor.fetchone()[0]
        cursor.execute(
            f"""
            INSERT INTO {table} ({columns}) SELECT {columns} FROM sipas_incoming
            ON CONFLICT (year, unit_id, respondent_id) DO UPDATE SET
                {", ".join(f"{name} = EXCLUDED.{name}" for name in _STORED[2:])}
            """  # noqa: S608 (names from the model)
        )
        cursor.execute("DROP TABLE sipas_incoming")
    return len(frame) - unchanged - updated, updated


def _bulk_created(year: int, frame: pd.DataFrame) -> tuple[int, int]:
    """SQLite: compare with what is stored to count, then write the new and changed rows."""
    stored = pd.DataFrame.from_records(
        SipasRespondent.objects.filter(year=year).values_list(*_STORED), columns=list(_STORED)
    )
    merged = frame.merge(
        stored, how="left", on=["unit_id", "respondent_id"], suffixes=("", "_old"), indicator=True
    )
    new = (merged["_merge"] == "left_only").to_numpy()
    differs = np.zeros(len(merged), dtype=bool)
    # Missing is 0 (an answer) or "" (a text) on both sides: pandas never finds NaN equal.
    for name in _STORED[2:]:
        blank = 0 if name in ASPECTS else ""
        old, now = merged[f"{name}_old"].fillna(blank), merged[name].fillna(blank)
        if name in ASPECTS:
            old, now = old.astype(int), now.astype(int)
        differs |= (old != now).to_numpy()
    changed = merged[~new & differs]
    writes = [
        SipasRespondent(
            year=year,
            **{
                name: (None if pd.isna(value) else value)
                for name, value in zip(_STORED, row, strict=True)
            },
        )
        for row in pd.concat([merged[new], changed])[list(_STORED)].itertuples(index=False)
    ]
    SipasRespondent.objects.bulk_create(
        writes,
        batch_size=2_000,
        update_conflicts=True,
        unique_fields=["year", "unit", "respondent_id"],
        update_fields=list(_STORED[2:]),
    )
    return int(new.sum()), len(changed)
