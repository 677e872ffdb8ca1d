"""Benchmark: reading a 200,000-row SIPAS file, CSV and XLSX, without a database.

For each reader it prints rows/s and the peak memory of iterating every row. Each measurement
runs in a fresh subprocess, and its peak memory is the growth of the process's peak resident
set (`resource.getrusage(RUSAGE_SELF).ru_maxrss` after reading minus before opening the file,
imports done): what the reading itself added, not Python's own footprint.

XLSX readers compared (issue 5, point 5): ours (files.tabular: expat via defusedxml over the
sheet XML, one pass), openpyxl read-only as the portal used it before (a values pass and a
formulas pass, since one pass cannot give both) and python-calamine (if installed; it gives
cached values only, with no way to tell a formula without a saved value from a blank cell).
Then a few probes with hostile workbooks, each in a subprocess limited to 1 GB and 60 s.
Usage: `make bench`, or `SECRET_KEY=... .venv/bin/python bench/reading.py [--rows N]`.
"""

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")

import django  # noqa: E402

# The reader needs no settings, but its messages register through Django's translation.
django.setup()

COLUMNS = [
    "year",
    "unit",
    "respondent_id",
    "gov_level",
    "sector",
    "access",
    "procedures",
    "civil_servants",
    "results",
    "feedback",
]
ROWS = 200_000
PROBE_MEMORY = 1024**3
PROBE_SECONDS = 60


def _rows(count: int):
    rng = random.Random(2019)
    levels, sectors = ["province", "district", "commune"], ["đất đai", "tư pháp", "xây dựng"]
    for number in range(count):
        answers = [rng.choice([1, 2, 3, 4, 5, None]) for _ in range(5)]
        yield [
            2019,
            f"{rng.randint(1, 96):02d}",
            f"R{number:07d}",
            rng.choice(levels),
            rng.choice(sectors),
            *answers,
        ]


def generate(folder: Path, count: int) -> tuple[Path, Path]:
    from openpyxl import Workbook

    csv_path, xlsx_path = folder / "sipas.csv", folder / "sipas.xlsx"
    with csv_path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(COLUMNS) + "\n")
        for row in _rows(count):
            out.write(",".join("" if cell is None else str(cell) for cell in row) + "\n")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("sipas")
    sheet.append(COLUMNS)
    for row in _rows(count):
        sheet.append(row)
    book.save(xlsx_path)
    return csv_path, xlsx_path


# -- the readers, each run in its own subprocess ------------------------------------------------


def _limits():
    from files.tabular import Limits

    # The file-size limits are the portal's defaults (settings); the bench files fit in them.
    return Limits(max_bytes=20 * 1024 * 1024, max_unpacked_bytes=200 * 1024 * 1024)


def read_tabular(path: str) -> int:
    from files.tabular import read_table

    with open(path, "rb") as source:
        table = read_table(source, Path(path).name, sheet="sipas", limits=_limits())
        count = sum(1 for _ in table.rows)
    return count


def read_openpyxl(path: str) -> int:
    """The reader as it was: read-only openpyxl, once for values and once for formulas."""
    from openpyxl import load_workbook

    from files.tabular import _number_text

    values = load_workbook(path, read_only=True, data_only=True)
    formulas = load_workbook(path, read_only=True, data_only=False)
    count = 0
    try:
        pairs = zip(
            values["sipas"].iter_rows(values_only=True),
            formulas["sipas"].iter_rows(values_only=True),
            strict=False,
        )
        headers = None
        for cells, formula_cells in pairs:
            texts = [
                "" if c is None else _number_text(c) if isinstance(c, float) else str(c)
                for c in cells
            ]
            if headers is None:
                headers = texts
                continue
            row = dict(zip(headers, texts, strict=False))
            _ = [f for f in formula_cells if isinstance(f, str) and f.startswith("=")]
            if any(row.values()):
                count += 1
    finally:
        values.close()
        formulas.close()
    return count


def read_calamine(path: str) -> int:
    from python_calamine import CalamineWorkbook

    from files.tabular import _number_text

    book = CalamineWorkbook.from_path(path)
    count = 0
    headers = None
    for cells in book.get_sheet_by_name("sipas").iter_rows():
        texts = [_number_text(c) if isinstance(c, float) else str(c) for c in cells]
        if headers is None:
            headers = texts
            continue
        if any(dict(zip(headers, texts, strict=False)).values()):
            count += 1
    book.close()
    return count


READERS = {"tabular": read_tabular, "openpyxl": read_openpyxl, "calamine": read_calamine}


def measure(reader: str, path: str) -> None:
    """Run in the subprocess: print rows, seconds and peak memory growth as JSON."""
    import openpyxl  # noqa: F401  (imports before the baseline: only the reading is measured)

    import files.tabular  # noqa: F401

    if reader == "calamine":
        import python_calamine  # noqa: F401
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    rows = READERS[reader](path)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "peak_mb": (after - before) * scale / 1e6,
                "process_mb": after * scale / 1e6,
            }
        )
    )


def _run(args: list[str], *, limit_memory: bool = False) -> subprocess.CompletedProcess:
    def ceiling():
        resource.setrlimit(resource.RLIMIT_AS, (PROBE_MEMORY, PROBE_MEMORY))

    return subprocess.run(
        [sys.executable, __file__, *args],
        capture_output=True,
        text=True,
        timeout=PROBE_SECONDS if limit_memory else None,
        preexec_fn=ceiling if limit_memory else None,
        check=False,
    )


def _report(label: str, reader: str, path: Path) -> None:
    done = _run(["--measure", reader, str(path)])
    if done.returncode != 0:
        print(f"{label:<44} failed: {done.stderr.strip().splitlines()[-1:]}")
        return
    figures = json.loads(done.stdout)
    rate = figures["rows"] / figures["seconds"]
    print(
        f"{label:<44} {figures['rows']:>7,} rows  {figures['seconds']:6.2f} s  "
        f"{rate:>9,.0f} rows/s  peak +{figures['peak_mb']:6.1f} MB"
        f" (process {figures['process_mb']:.0f} MB)"
    )


# -- hostile workbooks: does each reader finish, within 1 GB and 60 s, with the right rows? --


def _hostile(folder: Path) -> dict[str, Path]:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "sipas"
    book.active.append(COLUMNS[:3])
    for number in range(5):
        book.active.append([2019, "01", f"R{number}"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    files = {
        # The stored dimension says 2 rows; the sheet holds 6.
        "dimension says A1:C2, 6 rows stored": sheet.replace(
            b'<dimension ref="A1:C6"', b'<dimension ref="A1:C2"'
        ),
        # One more cell at the last position a sheet has: a dense reader allocates 17e9 cells.
        "a cell at XFD1048576": sheet.replace(
            b"</sheetData>",
            b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>',
        ).replace(b'<dimension ref="A1:C6"', b'<dimension ref="A1:XFD1048576"'),
    }
    paths = {}
    for number, (label, xml) in enumerate(files.items()):
        path = folder / f"hostile{number}.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in members.items():
                archive.writestr(name, xml if name == "xl/worksheets/sheet1.xml" else content)
        paths[label] = path
    return paths


def _why(stderr: str) -> str:
    """The line that says why a subprocess died (a Rust abort prints a long backtrace)."""
    lines = stderr.strip().splitlines() or ["killed"]
    said = [line for line in lines if "allocation" in line or "panicked" in line]
    return f"process aborted: {(said or lines[-1:])[0].strip()[:70]}"


def probe(reader: str, path: str) -> None:
    """Run in the subprocess: print the rows read (data rows with a value)."""
    try:
        print(json.dumps({"rows": READERS[reader](path)}))
    except Exception as error:  # a refusal is an answer too
        print(json.dumps({"refused": f"{type(error).__name__}: {error}"[:80]}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--measure", nargs=2, metavar=("READER", "PATH"))
    parser.add_argument("--probe", nargs=2, metavar=("READER", "PATH"))
    args = parser.parse_args()
    if args.measure:
        return measure(*args.measure)
    if args.probe:
        return probe(*args.probe)
    try:
        import python_calamine  # noqa: F401

        readers = ["tabular", "openpyxl", "calamine"]
    except ImportError:
        readers = ["tabular", "openpyxl"]
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        csv_path, xlsx_path = generate(Path(folder), args.rows)
        print("peak: growth of ru_maxrss while reading, after imports (process: its whole peak)")
        print(
            f"reading {args.rows:,} SIPAS rows (generated in {time.perf_counter() - started:.1f} s:"
            f" CSV {csv_path.stat().st_size / 1e6:.1f} MB,"
            f" XLSX {xlsx_path.stat().st_size / 1e6:.1f} MB), each reader in a fresh process"
        )
        _report("CSV  read_table", "tabular", csv_path)
        _report("XLSX read_table (own streaming XML parser)", "tabular", xlsx_path)
        _report("XLSX openpyxl read-only, values + formulas", "openpyxl", xlsx_path)
        if "calamine" in readers:
            _report("XLSX python-calamine (values only)", "calamine", xlsx_path)
        print("hostile workbooks (5 data rows each; 1 GB and 60 s per reader):")
        for label, path in _hostile(Path(folder)).items():
            answers = []
            for reader in readers:
                try:
                    done = _run(["--probe", reader, str(path)], limit_memory=True)
                    answer = (
                        json.loads(done.stdout)
                        if done.returncode == 0 and done.stdout
                        else {"crashed": _why(done.stderr)}
                    )
                except subprocess.TimeoutExpired:
                    answer = {"timeout": f"{PROBE_SECONDS} s"}
                answers.append(f"{reader}: {next(iter(answer.values()))}")
            print(f"  {label}: " + "; ".join(answers))


if __name__ == "__main__":
    main()
