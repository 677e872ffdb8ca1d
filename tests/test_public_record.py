"""The public record (fixtures/public_record/) as data: load_public_record loads every figure as
published, with its source, through the import path; a second load changes nothing; changes
across years only between two published figures of consecutive real editions; the figures and
the lineage as downloads; the JSON API readable from any origin; bad record files refused.

Every expected figure is read from the record's own CSV files here, never copied by hand.
"""

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from provinces.models import Region
from provinces.names import normalize
from scoring.models import (
    Average,
    DataVersion,
    Edition,
    EditionChange,
    FieldFigure,
    Result,
    SummaryScore,
)
from scoring.ranking import round_half_up
from surveys.models import SipasFigure

RECORD = Path(settings.BASE_DIR) / "fixtures" / "public_record"
SHARED_RECORD = Path("/work/shared/data/public_record")


def _rows(name: str) -> list[dict]:
    with (RECORD / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _par_rows() -> list[dict]:
    return [row for path in sorted(RECORD.glob("par_*.csv")) for row in _rows(path.name)]


def _number(text: str) -> Decimal | None:
    return Decimal(text) if text != "" else None


def _whole(text: str) -> int | None:
    return int(text) if text != "" else None


def _load() -> str:
    out = io.StringIO()
    call_command("load_public_record", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def record(django_db_setup, django_db_blocker):
    """The record loaded once for the module (and rolled back after it): what the command
    printed."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _load()
        transaction.set_rollback(True)


def _export(year: int, level: str) -> list[dict]:
    out = io.StringIO()
    call_command("export_results", str(year), "--level", level, stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))


# -- the copy ----------------------------------------------------------------------------------


@pytest.mark.skipif(not SHARED_RECORD.is_dir(), reason="the shared record is not on this machine")
def test_the_projects_copy_of_the_record_is_the_record_verbatim():
    shared = sorted(path.name for path in SHARED_RECORD.iterdir())

    assert sorted(path.name for path in RECORD.iterdir()) == shared
    for name in shared:
        assert (RECORD / name).read_bytes() == (SHARED_RECORD / name).read_bytes(), name


# -- loading -----------------------------------------------------------------------------------


def _coverage_in_readme() -> dict[tuple[int, str], int]:
    """The README's coverage table: rows per year and level ("none published" is no file)."""
    text = (RECORD / "README.md").read_text(encoding="utf-8")
    coverage = {}
    table = re.findall(r"^\| (\d{4}) \| (\d+) \| ([^|]+) \|$", text, re.M)
    for year, provinces, ministries in table:
        coverage[(int(year), "province")] = int(provinces)
        if match := re.match(r"(\d+) of \d+", ministries.strip()):
            coverage[(int(year), "ministry")] = int(match.group(1))
    return coverage


def test_the_command_prints_per_year_and_level_the_rows_of_the_readmes_coverage_table(record, db):
    printed = {
        (int(year), level): (int(rows), int(indexed), int(ranked))
        for year, level, rows, indexed, ranked in re.findall(
            r"^(\d{4})\s+(province|ministry)\s+(\d+)\s+(\d+)\s+(\d+)$", record, re.M
        )
    }
    par = _par_rows()

    assert {key: rows for key, (rows, _i, _r) in printed.items()} == _coverage_in_readme()
    for (year, level), (_rows_count, indexed, ranked) in printed.items():
        own = [r for r in par if (int(r["year"]), r["level"]) == (year, level)]
        assert indexed == sum(1 for r in own if r["par_index_pct"]), (year, level)
        assert ranked == sum(1 for r in own if r["rank"]), (year, level)
    others = sum(len(_rows(name)) for name in ("averages.csv", "field_indices.csv", "sipas.csv"))
    assert record.splitlines()[-1] == (
        f"loaded: {len(par) + others} created, 0 updated, 0 unchanged; 25 edition(s) published"
    )


def test_every_year_and_level_is_a_published_partial_summary_only_real_edition(record, db):
    par = _par_rows()
    rank_of = {(int(r["year"]), r["level"]): int(r["rank_of"]) for r in par}
    national = {
        (int(r["year"]), r["level"]): Decimal(r["average_pct"])
        for r in _rows("averages.csv")
        if r["scope"] == "national"
    }

    editions = {(e.year, e.level): e for e in Edition.objects.all()}

    assert set(editions) == set(rank_of)
    for key, edition in editions.items():
        assert edition.is_published and edition.summary_only and edition.is_partial, key
        assert not edition.is_demo, key
        assert edition.ranked_total == rank_of[key], key
        assert edition.published_average == national.get(key), key


def test_every_figure_of_the_record_is_exported_exactly_as_published_with_its_source(record, db):
    par = _par_rows()
    for year, level in sorted({(int(r["year"]), r["level"]) for r in par}):
        expected = {
            r["unit_code"]: (_number(r["par_index_pct"]), _whole(r["rank"]), r["source"])
            for r in par
            if (int(r["year"]), r["level"]) == (year, level)
        }

        exported = {
            row["unit_code"]: (_number(row["index"]), _whole(row["rank"]), row["source"])
            for row in _export(year, level)
        }

        assert exported == expected, (year, level)
    # Kept to the decimals it was printed with, not rounded to 2.
    ministries = {row["unit_code"]: row for row in _export(2020, "ministry")}
    assert ministries["BGTVT"]["index"] == "85.9329"


def test_a_rank_without_an_index_and_an_index_without_a_rank_stay_what_was_published(record, db):
    par = _par_rows()
    rank_only = [r for r in par if r["rank"] and not r["par_index_pct"]]
    index_only = [r for r in par if r["par_index_pct"] and not r["rank"]]
    assert rank_only and index_only  # the record has both kinds

    for row in rank_only + index_only:
        result = Result.objects.get(
            edition__year=row["year"],
            edition__level=row["level"],
            participant__unit__code=row["unit_code"],
        )
        index = _number(row["par_index_pct"])
        assert result.index == (None if index is None else round_half_up(index)), row
        assert result.rank == _whole(row["rank"]), row
        # No group without an index; never a 0 for what was not published.
        assert (result.group == "") == (index is None), row


def test_units_tied_as_published_share_their_rank(record, db):
    results = Result.objects.filter(edition__year=2023, edition__level="province", rank=7)

    assert sorted(r.participant.unit.name_vi for r in results) == ["Long An", "Lào Cai"]


def test_the_record_sources_are_stored_with_each_figure_including_a_text_without_address(
    record, db
):
    dienbien = SummaryScore.objects.get(
        participant__edition__year=2019,
        participant__edition__level="province",
        participant__unit__code="11",
    )

    assert dienbien.source.startswith("Điện Biên Department of Labour")
    assert "(no address kept)" in dienbien.source
    assert dienbien.participant.result.source == dienbien.source


def test_published_averages_are_stored_as_published_with_their_sources(record, db):
    regions = {normalize(region.name_vi): region.code for region in Region.objects.all()}
    expected = {
        (int(r["year"]), r["level"], regions.get(normalize(r["scope"]), "")): (
            Decimal(r["average_pct"]),
            r["source"],
        )
        for r in _rows("averages.csv")
    }

    stored = {
        (a.edition.year, a.edition.level, a.region_code): (a.value, a.source)
        for a in Average.objects.filter(published=True).select_related("edition")
    }

    assert stored == expected
    # Publishing computed no other average from the partial sets.
    assert not Average.objects.filter(published=False).exists()


def test_field_figures_and_sipas_headline_figures_are_stored_as_published(record, db):
    fields = {
        (int(r["year"]), r["level"], r["unit_code"], r["field"]): (
            _number(r["index_pct"]),
            r["source"],
        )
        for r in _rows("field_indices.csv")
    }
    sipas = {
        (int(r["year"]), None if r["unit_code"] == "00" else r["unit_code"]): (
            _number(r["sipas_pct"]),
            _whole(r["rank"]),
            r["source"],
        )
        for r in _rows("sipas.csv")
    }

    assert {
        (f.edition.year, f.edition.level, f.unit.code, f.field): (f.index, f.source)
        for f in FieldFigure.objects.select_related("edition", "unit")
    } == fields
    assert {
        (f.year, f.unit.code if f.unit else None): (f.sipas, f.rank, f.source)
        for f in SipasFigure.objects.select_related("unit")
    } == sipas


def test_a_second_load_changes_nothing_and_says_so(record, db):
    def state():
        return (
            sorted(
                Result.objects.values_list(
                    "edition__year",
                    "edition__level",
                    "participant__unit__code",
                    "index",
                    "rank",
                    "group",
                    "delta_index",
                    "delta_rank",
                    "source",
                )
            ),
            sorted(Average.objects.values_list("edition_id", "region_code", "value", "source")),
            FieldFigure.objects.count(),
            SipasFigure.objects.count(),
            EditionChange.objects.count(),
            sorted(Edition.objects.values_list("year", "level", "status", "published_at")),
            DataVersion.current(),
        )

    before = state()

    again = _load()

    assert state() == before
    total = sum(len(_rows(name)) for name in ("averages.csv", "field_indices.csv", "sipas.csv"))
    assert again.splitlines()[-1] == (
        "nothing changed: the public record was already loaded "
        f"({len(_par_rows()) + total} unchanged)"
    )


# -- changes across years ------------------------------------------------------------------------


def test_changes_are_only_between_two_published_figures_of_consecutive_editions(record, db):
    results = {
        (r.edition.year, r.edition.level, r.participant.unit.code): r
        for r in Result.objects.select_related("edition", "participant__unit")
    }
    measured = 0
    for (year, level, code), result in results.items():
        before = results.get((year - 1, level, code))
        if before is not None and before.index is not None and result.index is not None:
            assert result.delta_index == result.index - before.index, (year, level, code)
            measured += 1
        else:
            assert result.delta_index is None, (year, level, code)
        if before is not None and before.rank is not None and result.rank is not None:
            assert result.delta_rank == before.rank - result.rank, (year, level, code)
        else:
            assert result.delta_rank is None, (year, level, code)
    assert measured > 0
    # Quảng Ninh 2019 (90.09, 1st) against 2018 (89.06 as kept, 1st).
    quangninh = results[(2019, "province", "22")]
    assert (quangninh.index, quangninh.delta_index, quangninh.delta_rank) == (
        Decimal("90.09"),
        Decimal("1.03"),
        0,
    )


# -- data for researchers ------------------------------------------------------------------------


def test_every_published_figure_of_every_year_and_level_is_one_download(record, client):
    response = client.get("/en/data/all/figures.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))

    assert response.status_code == 200
    assert {
        (int(r["year"]), r["level"], r["unit_code"]): (
            _number(r["index"]),
            _whole(r["rank"]),
            int(r["ranked_total"]),
            r["source"],
            r["illustrative"],
        )
        for r in rows
    } == {
        (int(r["year"]), r["level"], r["unit_code"]): (
            _number(r["par_index_pct"]),
            _whole(r["rank"]),
            int(r["rank_of"]),
            r["source"],
            "no",
        )
        for r in _par_rows()
    }
    assert len(rows) == len(_par_rows())
    data = json.loads(client.get("/en/data/all/figures.json").content)
    assert data[0] == {
        "year": 2012,
        "level": "ministry",
        "unit_code": rows[0]["unit_code"],
        "unit_name_vi": rows[0]["unit_name_vi"],
        "unit_name_en": rows[0]["unit_name_en"],
        "index": float(rows[0]["index"]),
        "rank": 1,
        "ranked_total": 19,
        "group": rows[0]["group"],
        "source": rows[0]["source"],
        "illustrative": "no",
    }
    xlsx = client.get("/en/data/all/figures.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_published_averages_and_sipas_figures_are_downloads_with_their_sources(record, client):
    def table(url: str) -> list[dict]:
        text = client.get(url).content.decode("utf-8").lstrip("\ufeff")
        return list(csv.DictReader(io.StringIO(text)))

    regions = {normalize(region.name_vi): region.code for region in Region.objects.all()}
    averages = table("/en/data/all/averages.csv")
    sipas = table("/en/data/all/sipas.csv")

    assert sorted(
        (int(r["year"]), r["level"], r["region_code"], Decimal(r["average"]), r["source"])
        for r in averages
    ) == sorted(
        (
            int(r["year"]),
            r["level"],
            regions.get(normalize(r["scope"]), ""),
            Decimal(r["average_pct"]),
            r["source"],
        )
        for r in _rows("averages.csv")
    )
    assert {(r["published"], r["field_code"], r["illustrative"]) for r in averages} == {
        ("yes", "", "no")
    }
    assert sorted(
        (int(r["year"]), r["unit_code"], _number(r["sipas"]), _whole(r["rank"]), r["source"])
        for r in sipas
    ) == sorted(
        (
            int(r["year"]),
            "VN" if r["unit_code"] == "00" else r["unit_code"],
            _number(r["sipas_pct"]),
            _whole(r["rank"]),
            r["source"],
        )
        for r in _rows("sipas.csv")
    )
    # Year by year, the country first.
    assert (sipas[0]["year"], sipas[0]["unit_code"]) == ("2017", "VN")
