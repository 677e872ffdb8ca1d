"""Load the regions, the 63 + 34 provinces with their lineage and the 19 ministries.

The CSV files in provinces/data/ are the project's copy of the shared reference data, so that
`migrate` on an empty database yields them.
"""

import csv
import datetime
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

DATA = Path(__file__).resolve().parent.parent / "data"
MERGER_EVE = datetime.date(2025, 6, 30)
MERGER_DAY = datetime.date(2025, 7, 1)
# Renamed while continuing: Thừa Thiên Huế became the centrally-run city of Huế on 1/1/2025.
RENAMED_UNTIL = {"46": datetime.date(2024, 12, 31)}
AGENCIES = {"UBDT", "NHNN", "TTCP"}


def _rows(name):
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load(apps, schema_editor):
    Region = apps.get_model("provinces", "Region")
    Unit = apps.get_model("provinces", "Unit")
    FormerName = apps.get_model("provinces", "FormerName")

    regions = {}
    for row in _rows("regions.csv"):
        regions[row["code"]] = Region.objects.create(
            code=row["code"],
            name_vi=row["name_vi"],
            name_en=row["name_en"],
            order=int(row["order"]),
        )

    old_rows = {row["code"]: row for row in _rows("provinces_2004_2025.csv")}
    continuing = set()
    new_units = {}
    for row in _rows("provinces_2025.csv"):
        # One predecessor with the same code: the territory did not change, the unit continues.
        old = old_rows[row["code"]] if row["predecessor_codes"] == row["code"] else None
        unit = Unit.objects.create(
            level="province",
            code=row["code"],
            slug=slugify(row["name_en"]),
            name_vi=row["name_vi"],
            name_en=row["name_en"],
            category=row["kind"],
            # The 23 merged units have no official region yet; continuing ones keep theirs.
            region=regions[old["region_code"]] if old else None,
            valid_from=None if old else MERGER_DAY,
            centroid_lat=row["centroid_lat"],
            centroid_lon=row["centroid_lon"],
        )
        if old:
            continuing.add(row["code"])
            if (old["name_vi"], old["name_en"], old["kind"]) != (
                row["name_vi"],
                row["name_en"],
                row["kind"],
            ):
                FormerName.objects.create(
                    unit=unit,
                    name_vi=old["name_vi"],
                    name_en=old["name_en"],
                    category=old["kind"],
                    valid_until=RENAMED_UNTIL.get(row["code"], MERGER_EVE),
                )
        new_units[row["code"]] = unit

    taken = set(Unit.objects.values_list("slug", flat=True))
    for code, row in old_rows.items():
        if code in continuing:
            continue
        slug = slugify(row["name_en"])
        Unit.objects.create(
            level="province",
            code=code,
            slug=slug if slug not in taken else f"{slug}-2004-2025",
            name_vi=row["name_vi"],
            name_en=row["name_en"],
            category=row["kind"],
            region=regions[row["region_code"]],
            valid_until=MERGER_EVE,
            successor=new_units[row["successor_code"]],
            centroid_lat=row["centroid_lat"],
            centroid_lon=row["centroid_lon"],
        )

    for row in _rows("ministries_2019.csv"):
        Unit.objects.create(
            level="ministry",
            code=row["code"],
            slug=slugify(row["abbr_en"]),
            name_vi=row["name_vi"],
            name_en=row["name_en"],
            abbr_en=row["abbr_en"],
            category="agency" if row["code"] in AGENCIES else "ministry",
            note=row["status_2025"],
        )


def unload(apps, schema_editor):
    apps.get_model("provinces", "FormerName").objects.all().delete()
    Unit = apps.get_model("provinces", "Unit")
    Unit.objects.filter(successor__isnull=False).delete()
    Unit.objects.all().delete()
    apps.get_model("provinces", "Region").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("provinces", "0001_regions_and_units")]
    operations = [migrations.RunPython(load, unload)]
