"""The illustrative demo dataset of a first run.

Every number here is invented, deterministically (a fixed random seed), and every edition it
creates is flagged `is_demo`, so pages and downloads say it is not official. It goes through the
same import files and publish step as real data.
"""

import csv
import io
import random
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from scoring.imports import import_file
from scoring.models import Criterion, Edition
from scoring.publish import publish_edition
from scoring.tree import Tree

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
EDITIONS = [(2018, "province"), (2019, "province"), (2019, "ministry")]
# Assessed but not ranked, as two ministries were in 2019 (which two is invented here).
UNRANKED = {(2019, "ministry"): ["BNG", "TTCP"]}
# Pairs given identical points so that the demo shows a tie: (year, level) -> (copy, from).
TIES = {(2019, "province"): ("37", "36"), (2019, "ministry"): ("BYT", "BCT")}
QUARTER = Decimal("0.25")

# Sent once the demo data is in place (loaded now or before); a receiver returns the lines it
# adds to the log. The staff app answers with the demo accounts, so scoring needs no staff import.
demo_seeded = Signal()


class DemoRefused(Exception):
    pass


def seed_demo() -> list[str]:
    """Load and publish the demo editions; returns what was done. Does nothing twice."""
    existing = {(e.year, e.level): e for e in Edition.objects.all()}
    if all(key in existing for key in EDITIONS):
        return [_("the demo data is already loaded"), *_after_seeding()]
    clashes = [key for key in EDITIONS if key in existing and not existing[key].is_demo]
    if clashes:
        raise DemoRefused(
            # Translators: %(editions)s lists (year, level) pairs, e.g. [(2019, 'province')].
            _("real editions exist for %(editions)s; the demo would mix with them")
            % {"editions": clashes}
        )
    log = []
    with transaction.atomic():
        for name in ("methodology_province.csv", "methodology_ministry.csv"):
            log.append(_imported("methodology", (DEMO_DIR / name).read_bytes(), name))
        Edition.objects.filter(year__in={year for year, _level in EDITIONS}).update(
            is_demo=True,
            methodology_note_vi="Dữ liệu minh họa, không phải kết quả chính thức.",
            methodology_note_en="Illustrative demo data, not official results.",
        )
        for year, level in EDITIONS:
            edition = Edition.objects.get(year=year, level=level)
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
    codes = sorted(p.unit.code for p in edition.participants.select_related("unit"))
    rng = random.Random(f"{edition.year}-{edition.level}")
    values = {code: _unit_points(rng, leaves) for code in codes}
    tie = TIES.get((edition.year, edition.level))
    if tie:
        values[tie[0]] = values[tie[1]]
    scores, survey = [], []
    for code in codes:
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


def _unit_points(rng: random.Random, leaves: list[Criterion]) -> list[tuple]:
    """Per leaf: claimed, appraised, reason, survey points for one invented unit."""
    strength = Decimal(rng.randint(62, 96)) / 100
    out = []
    for leaf in leaves:
        share = min(Decimal(1), strength + Decimal(rng.randint(-15, 15)) / 100)
        earned = _quarters(leaf.max_points * share, leaf.max_points)
        claimed = min(leaf.max_points, earned + (QUARTER if rng.random() < 0.3 else 0))
        reason = (
            "Minh họa: tài liệu kiểm chứng chưa đầy đủ (illustrative: evidence incomplete)"
            if claimed != earned
            else ""
        )
        out.append((claimed, earned, reason, earned))
    return out


def _quarters(value: Decimal, maximum: Decimal) -> Decimal:
    stepped = (value / QUARTER).to_integral_value() * QUARTER
    return max(Decimal(0), min(maximum, stepped)).quantize(Decimal("0.01"))
