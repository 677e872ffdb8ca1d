"""Benchmark: importing SIPAS respondent files end to end (issue 8, DESIGN.md's budgets).

Generates 100,000 and 200,000 respondents over the 63 provinces of 2019, as CSV and as XLSX,
and imports each through scoring.imports.import_file — read, check, store, aggregate, commit —
into a throw-away test database (PostgreSQL when DATABASE_URL names one), each run in a fresh
subprocess on an empty table. Then the first 5,000 rows through a plain django-import-export
ModelResource, row by row, for the ratio. Printed next to the budgets, with the ratio to each:
  ≥ 50,000 rows/s from CSV at 200,000 rows (issue 17; 100,000 rows printed beside it, where
  start-up weighs more) · ≥ 20× the row-by-row import · peak memory ≤ 400 MB for 200,000 rows
Peak memory is the subprocess's peak resident set (ru_maxrss): Python, Django and pandas
included, not only what the import added (shown beside it).

XLSX is read by files.tabular's own streaming parser. bench/reading.py compares it with
openpyxl read-only (4.5× slower) and python-calamine (7× faster at reading, but it holds the
whole sheet in memory, cannot tell a formula without a saved value from a blank cell, and
aborts the process on a one-cell file that names cell XFD1048576): not installed, not used.
Usage: `make bench`, or `SECRET_KEY=... DATABASE_URL=... .venv/bin/python bench/sipas.py`.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")

import django  # noqa: E402
from budgets import check  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

HEADER = [
    "year", "unit", "respondent_id", "gov_level", "sector",
    "access", "procedures", "civil_servants", "results", "feedback",
]  # fmt: skip
SIZES = (100_000, 200_000)
ROW_BY_ROW = 5_000
TARGET_ROWS_PER_SECOND = 50_000
TARGET_RATIO = 20
TARGET_PEAK_MB = 400
SECTORS = ["đất đai", "tư pháp", "xây dựng", "đầu tư", "lao động", "y tế", ""]


def _rows(count: int, codes: list[str]):
    rng = random.Random(2019)
    levels = ["province", "district", "commune"]
    for number in range(count):
        answers = [rng.choice([1, 2, 3, 4, 4, 5, 5, None]) for _ in range(5)]
        yield [
            2019,
            codes[number % len(codes)],
            f"R{number:07d}",
            rng.choice(levels),
            rng.choice(SECTORS),
            *answers,
        ]


def generate(folder: Path, count: int, codes: list[str]) -> tuple[Path, Path]:
    from openpyxl import Workbook

    csv_path, xlsx_path = folder / f"sipas_{count}.csv", folder / f"sipas_{count}.xlsx"
    with csv_path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(HEADER) + "\n")
        for row in _rows(count, codes):
            out.write(",".join("" if cell is None else str(cell) for cell in row) + "\n")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("sipas")
    sheet.append(HEADER)
    for row in _rows(count, codes):
        sheet.append(row)
    book.save(xlsx_path)
    return csv_path, xlsx_path


# -- measured in a subprocess -------------------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def child_import(path: str) -> dict:
    from scoring.imports import import_file

    before = _peak_mb()
    started = time.perf_counter()
    with open(path, "rb") as source:
        report = import_file("sipas", source, Path(path).name)
    seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit("\n".join(map(str, report.problems)))
    rows = report.created + report.updated + report.unchanged
    return {"rows": rows, "seconds": seconds, "peak": _peak_mb(), "growth": _peak_mb() - before}


def child_row_by_row(path: str) -> dict:
    """The first rows through django-import-export's default ModelResource: one query or more
    per row to find the instance, then a save per row."""
    import tablib
    from import_export import resources

    from provinces.models import Unit
    from surveys.models import SipasRespondent

    class Respondents(resources.ModelResource):
        class Meta:
            model = SipasRespondent
            import_id_fields = ("year", "unit", "respondent_id")
            fields = ("year", "unit", *HEADER[2:])

    # A plain resource names the unit by its key: no year-aware name matching is asked of it.
    ids = dict(Unit.objects.of_year(2019).filter(level="province").values_list("code", "pk"))
    with open(path, encoding="utf-8") as source:
        lines = [next(source).rstrip("\n").split(",")]
        for _ in range(ROW_BY_ROW):
            cells = next(source).rstrip("\n").split(",")
            cells[1] = ids[cells[1]]
            lines.append(cells)
    dataset = tablib.Dataset(*lines[1:], headers=lines[0])
    started = time.perf_counter()
    result = Respondents().import_data(dataset, raise_errors=True, use_transactions=True)
    seconds = time.perf_counter() - started
    assert not result.has_errors()
    return {"rows": len(dataset), "seconds": seconds, "peak": _peak_mb(), "growth": 0}


def _in_child(mode: str, path: Path, database: str) -> dict:
    environment = dict(os.environ, SIPAS_BENCH_DATABASE=database)
    finished = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode:
        raise SystemExit(f"{mode} {path.name} failed:\n{finished.stderr}")
    return json.loads(finished.stdout.splitlines()[-1])


# -- the run ------------------------------------------------------------------------------------


def _empty() -> None:
    from surveys.models import SipasRespondent, SipasResult

    SipasResult.objects.all().delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {SipasRespondent._meta.db_table}")
            cursor.execute(f"VACUUM ANALYZE {SipasRespondent._meta.db_table}")
    else:
        SipasRespondent.objects.all().delete()


def _line(kind: str, count: int, figures: dict) -> str:
    rate = figures["rows"] / figures["seconds"]
    line = (
        f"{kind:4} {figures['rows']:>8,} rows  {figures['seconds']:6.2f} s  "
        f"{rate:>8,.0f} rows/s  peak {figures['peak']:5.0f} MB (+{figures['growth']:.0f} MB)"
    )
    if kind == "CSV" and count == max(SIZES):
        name = f"SIPAS import, CSV {count:,} rows, {connection.vendor}"
        line += "  " + check(
            name, rate, TARGET_ROWS_PER_SECOND, "rows/s", higher_is_better=True, decimals=0
        )
    elif kind == "CSV":
        # Not a budget: the same figure where start-up is a larger share of the time.
        ratio = TARGET_ROWS_PER_SECOND / rate
        line += f"  (the budget is at {max(SIZES):,} rows; ratio here {ratio:.2f})"
    if count == max(SIZES):
        name = f"SIPAS import peak memory, {kind} {count:,} rows"
        line += "  peak " + check(name, figures["peak"], TARGET_PEAK_MB, "MB", decimals=0)
    return line


def main() -> None:
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    from provinces.models import Unit

    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False)
    database = connection.settings_dict["NAME"]
    try:
        codes = sorted(
            Unit.objects.of_year(2019).filter(level="province").values_list("code", flat=True)
        )
        print(f"database: {connection.vendor}; {len(codes)} provinces of 2019")
        with tempfile.TemporaryDirectory() as folder:
            files = {}
            for count in SIZES:
                started = time.perf_counter()
                files[count] = generate(Path(folder), count, codes)
                print(f"generated {count:,} respondents in {time.perf_counter() - started:.1f} s")
            measured = {}
            for count in SIZES:
                for path in files[count]:
                    _empty()
                    figures = _in_child("import", path, database)
                    kind = path.suffix[1:].upper()
                    measured[(kind, count)] = figures
                    print(_line(kind, count, figures))
            # Importing the same 200,000 again: every row compared, none written.
            again = _in_child("import", files[max(SIZES)][0], database)
            print(
                f"CSV  {again['rows']:>8,} rows again (all unchanged)  {again['seconds']:6.2f} s  "
                f"{again['rows'] / again['seconds']:>8,.0f} rows/s"
            )
            _empty()
            slow = _in_child("row-by-row", files[min(SIZES)][0], database)
            slow_rate = slow["rows"] / slow["seconds"]
            print(
                f"row by row (django-import-export ModelResource): {slow['rows']:,} rows  "
                f"{slow['seconds']:.2f} s  {slow_rate:,.0f} rows/s"
            )
            fast = measured[("CSV", min(SIZES))]
            ratio = fast["rows"] / fast["seconds"] / slow_rate
            print(
                f"ratio, CSV {min(SIZES):,} end to end ÷ row by row: {ratio:.1f}×  "
                + check(
                    "SIPAS import ÷ row by row", ratio, TARGET_RATIO, "×", higher_is_better=True
                )
            )
            print("XLSX reader: files.tabular's streaming parser (see bench/reading.py)")
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"))
    arguments = parser.parse_args()
    if arguments.child:
        # The parent's throw-away test database, not the one the settings name.
        connection.settings_dict["NAME"] = os.environ["SIPAS_BENCH_DATABASE"]
        mode, path = arguments.child
        run = child_import if mode == "import" else child_row_by_row
        print(json.dumps(run(path)))
    else:
        main()
