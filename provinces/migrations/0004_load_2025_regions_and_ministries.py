"""Load the regions of the 34 provinces of 2025 and the 14 ministries of 1/3/2025.

Provinces: each unit of 2025 gets the region and `region_basis` of provinces_2025.csv (the 11
continuing units keep theirs, basis `unchanged`; the 23 merged units get theirs). An admin may
change a region later; this migration only sets the starting point.

Ministries (ministries_2025.csv): a unit whose only predecessor is itself continues as the same
unit; the 6 others are new units from `valid_from`, and each of their predecessors ends the day
before with its `successor` pointing at the new unit. As with the provinces in 0002, the unit
that exists today carries the plain slug and an old unit whose slug it takes gets a suffix.
"""

import csv
import datetime
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

DATA = Path(__file__).resolve().parent.parent / "data"
ENDED_SUFFIX = "-until-2025"


def _rows(name):
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _date(text):
    return datetime.date.fromisoformat(text)


def load_regions(apps, schema_editor):
    Region = apps.get_model("provinces", "Region")
    Unit = apps.get_model("provinces", "Unit")
    regions = {region.code: region for region in Region.objects.all()}
    units = {
        unit.code: unit for unit in Unit.objects.filter(level="province", valid_until__isnull=True)
    }
    for row in _rows("provinces_2025.csv"):
        unit = units[row["code"]]
        unit.region = regions[row["region_code"]]
        unit.region_basis = row["region_basis"]
        unit.save(update_fields=["region", "region_basis"])


def unload_regions(apps, schema_editor):
    Unit = apps.get_model("provinces", "Unit")
    merged = [
        row["code"]
        for row in _rows("provinces_2025.csv")
        if row["predecessor_codes"] != row["code"]
    ]
    current = Unit.objects.filter(level="province", valid_until__isnull=True)
    # As 0002 left them: the merged units without a region, the continuing ones with theirs.
    current.filter(code__in=merged).update(region=None)
    current.update(region_basis="")


def load_ministries(apps, schema_editor):
    Unit = apps.get_model("provinces", "Unit")
    FormerName = apps.get_model("provinces", "FormerName")
    old = {
        unit.code: unit for unit in Unit.objects.filter(level="ministry", valid_until__isnull=True)
    }
    rows = _rows("ministries_2025.csv")
    predecessors = [code for row in rows for code in row["predecessor_codes"].split(";")]
    if sorted(predecessors) != sorted(old):
        raise ValueError(
            "ministries_2025.csv must list each ministry of 2019 as a predecessor exactly once"
        )

    for row in rows:
        codes = row["predecessor_codes"].split(";")
        start = _date(row["valid_from"])
        eve = start - datetime.timedelta(days=1)
        if codes == [row["code"]]:
            unit = old[row["code"]]
            if (unit.name_vi, unit.name_en) != (row["name_vi"], row["name_en"]):
                # Renamed while it continued: keep the old name for the years before.
                FormerName.objects.create(
                    unit=unit,
                    name_vi=unit.name_vi,
                    name_en=unit.name_en,
                    category=unit.category,
                    valid_until=eve,
                )
                unit.name_vi, unit.name_en = row["name_vi"], row["name_en"]
                unit.save(update_fields=["name_vi", "name_en"])
            continue

        slug = slugify(row["abbr_en"])
        for taken in Unit.objects.filter(slug=slug):
            taken.slug = f"{slug}{ENDED_SUFFIX}"
            taken.save(update_fields=["slug"])
        unit = Unit.objects.create(
            level="ministry",
            code=row["code"],
            slug=slug,
            name_vi=row["name_vi"],
            name_en=row["name_en"],
            abbr_en=row["abbr_en"],
            # The six units formed on 1/3/2025 are all ministries (Bộ), none an agency.
            category="ministry" if row["name_vi"].startswith("Bộ ") else "agency",
            valid_from=start,
        )
        for code in codes:
            predecessor = old[code]
            predecessor.valid_until = eve
            predecessor.successor = unit
            predecessor.save(update_fields=["valid_until", "successor"])


def unload_ministries(apps, schema_editor):
    Unit = apps.get_model("provinces", "Unit")
    FormerName = apps.get_model("provinces", "FormerName")
    rows = _rows("ministries_2025.csv")
    new = Unit.objects.filter(
        level="ministry",
        code__in=[row["code"] for row in rows if row["predecessor_codes"] != row["code"]],
        valid_from__isnull=False,
    )
    ended = Unit.objects.filter(level="ministry", successor__in=new)
    slugs = list(new.values_list("slug", flat=True))
    ended.update(successor=None, valid_until=None)
    new.delete()
    for slug in slugs:
        Unit.objects.filter(slug=f"{slug}{ENDED_SUFFIX}").update(slug=slug)
    for row in rows:
        if row["predecessor_codes"] != row["code"]:
            continue
        eve = _date(row["valid_from"]) - datetime.timedelta(days=1)
        former = FormerName.objects.filter(
            unit__level="ministry", unit__code=row["code"], valid_until=eve
        ).first()
        if former is not None:
            Unit.objects.filter(pk=former.unit_id).update(
                name_vi=former.name_vi, name_en=former.name_en
            )
            former.delete()


class Migration(migrations.Migration):
    dependencies = [("provinces", "0003_unit_region_basis")]
    operations = [
        migrations.RunPython(load_regions, unload_regions),
        migrations.RunPython(load_ministries, unload_ministries),
    ]
