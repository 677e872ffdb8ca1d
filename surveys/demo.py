"""Illustrative SIPAS respondents for the demo editions of a first run (scoring.demo).

Every answer here is invented, deterministically (a fixed random seed per year), for the
provinces of each published demo province edition (the open one has no survey yet), and imported
through the same path as a real file. A province keeps its standing from year to year; one formed
by the 2025 merger starts from the mean of its predecessors'.
The pages say which years are illustrative by the rule of surveys.pages.demo: a SIPAS year is
demo data when the province edition of that year is a demo edition.
"""

import csv
import io
import random

from provinces.models import Level, Unit
from scoring.demo import DemoRefused
from scoring.imports import import_file
from scoring.models import Edition
from surveys.models import SipasRespondent
from surveys.respondents import COLUMNS

# A few hundred per province: enough for intervals a few points wide, few enough for a fast
# first run (about 60,000 rows for the two demo years).
RESPONDENTS = (300, 600)
# Each level of government and sector: how often it is rated (weight) and how much more or less
# satisfied its users are (points of probability), so that the breakdowns differ a little.
GOV_LEVELS = {"province": (3, -0.01), "district": (4, 0.0), "commune": (3, 0.02)}
SECTORS = {
    "đất đai": (3, -0.06),
    "tư pháp": (2, 0.03),
    "xây dựng": (2, -0.04),
    "đầu tư": (1, 0.0),
    "lao động, thương binh và xã hội": (2, 0.02),
    "giao thông vận tải": (2, 0.0),
    "y tế": (1, 0.01),
}
# How much more or less satisfied respondents are with each aspect than with the province's
# service as a whole (points of probability), and how often they leave it blank: few people
# have had feedback handled, so that one is often blank.
ASPECTS = {
    "access": (0.04, 0.01),
    "procedures": (-0.02, 0.02),
    "civil_servants": (0.03, 0.02),
    "results": (0.0, 0.03),
    "feedback": (-0.08, 0.35),
}


def seed_demo_sipas(**_signal) -> list[str]:
    """Import the respondents of each demo province edition's year that has none yet; returns
    what it imported (nothing when every year is there, so seed_demo stays idempotent)."""
    log = []
    editions = Edition.objects.published().filter(level=Level.PROVINCE, is_demo=True)
    for edition in editions.order_by("year"):
        if SipasRespondent.objects.filter(year=edition.year).exists():
            continue
        units = Unit.objects.filter(participations__edition=edition).prefetch_related(
            "predecessors"
        )
        lineage = {unit.code: sorted(p.code for p in unit.predecessors.all()) for unit in units}
        data = respondents_csv(edition.year, sorted(lineage), lineage)
        name = f"demo-sipas-{edition.year}.csv"
        report = import_file("sipas", data, name, user=None)
        if not report.ok:
            raise DemoRefused("\n".join(str(problem) for problem in report.problems))
        log.extend(str(note) for note in report.notes)
    return log


def respondents_csv(
    year: int, codes: list[str], lineage: dict[str, list[str]] | None = None
) -> bytes:
    """An invented SIPAS file of `year` for the provinces of these codes, always the same.
    `lineage` gives the codes of the predecessors of a province formed by a merger."""
    rng = random.Random(f"sipas-{year}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    levels = _weighted(GOV_LEVELS)
    sectors = _weighted(SECTORS)
    for code in codes:
        # A province keeps its standing from year to year (its own seed), give or take a little.
        satisfied = _standing((lineage or {}).get(code) or [code]) + rng.gauss(0, 0.025)
        for number in range(1, rng.randint(*RESPONDENTS) + 1):
            level, sector = rng.choice(levels), rng.choice(sectors)
            # A respondent's own mood moves all five answers together, as in real surveys.
            mood = rng.gauss(0, 0.12) + GOV_LEVELS[level][1] + SECTORS[sector][1]
            answers = [
                _answer(rng, satisfied + mood + shift, blank) for shift, blank in ASPECTS.values()
            ]
            writer.writerow([year, code, f"D{year}-{code}-{number:04d}", level, sector, *answers])
    return buffer.getvalue().encode("utf-8")


def _standing(codes: list[str]) -> float:
    return sum(random.Random(f"sipas-{code}").uniform(0.62, 0.93) for code in codes) / len(codes)


def _weighted(choices: dict[str, tuple[int, float]]) -> list[str]:
    return [name for name, (weight, _shift) in choices.items() for _ in range(weight)]


def _answer(rng: random.Random, satisfied: float, blank: float) -> int | str:
    if rng.random() < blank:
        return ""
    if rng.random() < satisfied:
        return rng.choice((4, 4, 5))
    return rng.choice((1, 2, 3, 3))
