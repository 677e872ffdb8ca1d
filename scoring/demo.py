"""The illustrative demo dataset of a first run.

Every number here is invented, deterministically (a fixed random seed), and every edition it
creates is flagged `is_demo`, so pages and downloads say it is not official. It goes through the
same import files and publish step as real data. It lives in a database of its own (`make demo`):
a database that holds any real edition is refused, so invented and official figures never mix.

Invented, but shaped like a real year: each unit has a standing of its own that it keeps from year
to year, give or take a little, and each edition spreads its units as the real 2019 provinces were
(73.87 to 90.09, average 81.15). A unit formed by the 2025 merger starts from the mean standing of
its predecessors, so the new geography, the lineage and the changes across the merger show on
complete data. The open 2026 edition gives the demo accounts a staff workflow to walk through.
"""

import csv
import io
import random
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from provinces.models import Unit
from scoring.imports import import_file
from scoring.lifecycle import open_self_assessment
from scoring.models import Criterion, Edition
from scoring.publish import publish_edition
from scoring.tree import Tree

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
# 2024 and 2025 are consecutive editions on either side of the 2025 merger: the changes of the
# units that continued and the "new unit" of those formed by it show on complete data.
PUBLISHED = [
    (2018, "province"),
    (2019, "province"),
    (2019, "ministry"),
    (2024, "province"),
    (2024, "ministry"),
    (2025, "province"),
    (2025, "ministry"),
]
# Left in self-assessment for the demo accounts (staff.demo gives the officer one of its units).
OPEN = (2026, "province")
EDITIONS = [*PUBLISHED, OPEN]
# Assessed but not ranked, as two ministries were in 2019 (which two is invented here).
UNRANKED = {(2019, "ministry"): ["BNG", "TTCP"], (2024, "ministry"): ["BNG", "TTCP"]}
# Units given the points of their nearest neighbour in level, so that the demo shows a tie without
# moving them far: (year, level) -> unit code.
TIES = {(2019, "province"): "37", (2019, "ministry"): "BYT"}
QUARTER = Decimal("0.25")
CENT = Decimal("0.01")
# The real 2019 provinces: average 81.15, from 73.87 to 90.09; a standard deviation of 4 points
# over 63 units gives about that range.
AVERAGE, SPREAD = 81.15, 4.0
# How far a unit strays from its standing in one year, in standard deviations of the spread: as
# little as real provinces do, so that no rank falls by dozens of places from one year to the next.
YEARLY = 0.1
# How far one leaf strays from the unit's level (a share of the leaf's maximum, either way).
PER_LEAF = 10

# Sent once the demo data is in place (loaded now or before); a receiver returns the lines it
# adds to the log. The staff app answers with the demo accounts, so scoring needs no staff import.
demo_seeded = Signal()


class DemoRefused(Exception):
    pass


def seed_demo() -> list[str]:
    """Load and publish the demo editions; returns what was done. Does nothing twice."""
    existing = {(e.year, e.level): e for e in Edition.objects.all()}
    real = sorted(key for key, edition in existing.items() if not edition.is_demo)
    if real:
        raise DemoRefused(
            # Translators: %(editions)s lists (year, level) pairs, e.g. [(2019, 'province')].
            _("real editions exist for %(editions)s; the demo would mix with them")
            % {"editions": real}
        )
    missing = [key for key in EDITIONS if key not in existing]
    if not missing:
        return [_("the demo data is already loaded"), *_after_seeding()]
    log = []
    with transaction.atomic():
        for level in ("province", "ministry"):
            name = f"methodology_{level}.csv"
            rows = _methodology_rows(name, [year for year, of in missing if of == level])
            if rows:
                log.append(_imported("methodology", rows, name))
        Edition.objects.filter(year__in={year for year, _level in missing}, is_demo=False).update(
            is_demo=True,
            methodology_note_vi="Dữ liệu minh họa, không phải kết quả chính thức.",
            methodology_note_en="Illustrative demo data, not official results.",
        )
        for year, level in missing:
            edition = Edition.objects.get(year=year, level=level)
            if (year, level) == OPEN:
                open_self_assessment(edition, user=None, note="Minh họa (illustrative)")
                log.append(
                    _("opened the illustrative %(year)s %(level)s edition for self-assessment")
                    % {"year": year, "level": level}
                )
                continue
            scores, survey = _scores(edition)
            for kind, data in (
                ("participants", _participants(edition)),
                ("scores", scores),
                ("survey", survey),
            ):
                log.append(_imported(kind, data, f"demo-{year}-{level}-{kind}.csv"))
            publish_edition(edition)
            log.append(
                _("published the illustrative %(year)s %(level)s edition")
                % {"year": year, "level": level}
            )
        log.extend(_after_seeding())
    return log


def _methodology_rows(name: str, years: list[int]) -> bytes:
    """The lines of the demo's methodology file for these years (a demo database seeded before
    a year was added to the demo gets only the new year's tree)."""
    lines = (DEMO_DIR / name).read_text(encoding="utf-8").splitlines(keepends=True)
    wanted = tuple(f"{year}," for year in years)
    rows = [line for line in lines[1:] if line.startswith(wanted)] if wanted else []
    return "".join([lines[0], *rows]).encode("utf-8") if rows else b""


def _after_seeding() -> list[str]:
    return [line for _receiver, lines in demo_seeded.send(sender=None) for line in lines]


def _imported(kind: str, data: bytes, name: str) -> str:
    report = import_file(kind, data, name)
    if not report.ok:
        raise DemoRefused("\n".join(str(problem) for problem in report.problems))
    return str(report.summary())


def _csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _participants(edition: Edition) -> bytes:
    unranked = UNRANKED.get((edition.year, edition.level), [])
    rows = [
        [
            edition.year,
            edition.level,
            p.unit.code,
            "no" if p.unit.code in unranked else "yes",
            "Minh họa: được đánh giá nhưng không xếp hạng" if p.unit.code in unranked else "",
        ]
        for p in edition.participants.select_related("unit")
    ]
    return _csv(["year", "level", "unit", "ranked", "note"], rows)


def _scores(edition: Edition) -> tuple[bytes, bytes]:
    leaves = Tree.of(edition).leaves
    participants = (
        edition.participants.select_related("unit")
        .prefetch_related("unit__predecessors")
        .order_by("unit__code")
    )
    levels = _levels(edition.year, [p.unit for p in participants])
    rng = random.Random(f"{edition.year}-{edition.level}")
    values = {unit.code: _unit_points(rng, leaves, level) for unit, level in levels.items()}
    if tied := TIES.get((edition.year, edition.level)):
        unit = next(unit for unit in levels if unit.code == tied)
        nearest = min(
            (other for other in levels if other != unit),
            key=lambda other: abs(levels[other] - levels[unit]),
        )
        values[tied] = values[nearest.code]
    scores, survey = [], []
    for code in sorted(values):
        for leaf, (claimed, appraised, reason, points) in zip(leaves, values[code], strict=True):
            base = [edition.year, edition.level, code, leaf.code]
            if leaf.method == Criterion.Method.SURVEY:
                survey.append([*base, points, 600 + len(code) * 37])
            else:
                url = f"https://example.org/demo/{edition.year}/{code}/{leaf.code}"
                scores.append([*base, claimed, appraised, reason, url])
    return (
        _csv(
            ["year", "level", "unit", "criterion", "self_points", "appraised_points",
             "appraisal_reason", "evidence_url"],
            scores,
        ),
        _csv(["year", "level", "unit", "criterion", "points", "respondents"], survey),
    )  # fmt: skip


def peer_standing(unit: Unit) -> float:
    """A unit's own place among its peers, in standard deviations, the same every year: drawn
    from the unit's code and first day, or for a unit formed by a merger the mean of its
    predecessors' (a province code was reused in 2025 by a new unit: the day tells them apart)."""
    predecessors = list(unit.predecessors.all())
    if predecessors:
        return sum(peer_standing(p) for p in predecessors) / len(predecessors)
    return random.Random(f"standing-{unit.level}-{unit.code}-{unit.valid_from}").gauss(0, 1)


def _levels(year: int, units: list[Unit]) -> dict[Unit, float]:
    """Each unit's level in `year` as a share of the maximum: its standing, moved a little this
    year, spread over the edition as the real 2019 provinces were."""
    drawn = {
        unit: peer_standing(unit) + _seeded(f"{year}-{unit.level}-{unit.code}-{unit.valid_from}")
        for unit in units
    }
    mean = sum(drawn.values()) / len(drawn)
    deviation = (sum((z - mean) ** 2 for z in drawn.values()) / len(drawn)) ** 0.5 or 1
    return {unit: (AVERAGE + SPREAD * (z - mean) / deviation) / 100 for unit, z in drawn.items()}


def _seeded(seed: str) -> float:
    return random.Random(seed).gauss(0, YEARLY)


def _unit_points(rng: random.Random, leaves: list[Criterion], level: float) -> list[tuple]:
    """Per leaf: claimed, appraised, reason, survey points for one invented unit whose total is
    `level` of the maximum: the self-assessed leaves stray from it leaf by leaf, and the survey
    leaves (points to 2 decimals) make up the difference, as far as their maximum allows."""
    strength = Decimal(str(round(level, 4)))
    out: dict[str, tuple] = {}
    for leaf in leaves:
        if leaf.method == Criterion.Method.SURVEY:
            continue
        share = min(Decimal(1), strength + Decimal(rng.randint(-PER_LEAF, PER_LEAF)) / 100)
        earned = _stepped(rng, leaf.max_points * share, leaf.max_points)
        claimed = min(leaf.max_points, earned + (QUARTER if rng.random() < 0.3 else 0))
        reason = (
            "Minh họa: tài liệu kiểm chứng chưa đầy đủ (illustrative: evidence incomplete)"
            if claimed != earned
            else ""
        )
        out[leaf.code] = (claimed, earned, reason, earned)
    survey = [leaf for leaf in leaves if leaf.method == Criterion.Method.SURVEY]
    maximum = sum(leaf.max_points for leaf in leaves)
    wanted = (strength * maximum).quantize(CENT) - sum(points for *_, points in out.values())
    room = sum(leaf.max_points for leaf in survey) or Decimal(1)
    points = {}
    for leaf in survey:
        share = wanted / room + Decimal(rng.randint(-PER_LEAF, PER_LEAF)) / 200
        points[leaf.code] = max(Decimal(0), min(leaf.max_points, leaf.max_points * share))
        points[leaf.code] = points[leaf.code].quantize(CENT, rounding=ROUND_FLOOR)
    missing = wanted - sum(points.values())
    for leaf in sorted(survey, key=lambda leaf: -leaf.max_points):
        move = max(-points[leaf.code], min(leaf.max_points - points[leaf.code], missing))
        points[leaf.code] += move
        missing -= move
    out.update({code: (None, value, "", value) for code, value in points.items()})
    return [out[leaf.code] for leaf in leaves]


def _stepped(rng: random.Random, value: Decimal, maximum: Decimal) -> Decimal:
    """`value` in whole quarters, up or down at random in proportion to how near it is to each,
    so that a unit's points are on average what its level says (rounding to the nearest quarter
    of half-point leaves would lift everyone by a point)."""
    step = QUARTER
    steps = value / step
    whole = steps.to_integral_value(rounding=ROUND_FLOOR)
    if rng.random() < steps - whole:
        whole += 1
    return max(Decimal(0), min(maximum, whole * step)).quantize(Decimal("0.01"))
