"""Illustrative SIPAS respondents for the demo editions of a first run (scoring.demo).

Every answer here is invented, deterministically (a fixed random seed per year), for the
provinces of each demo province edition, and imported through the same path as a real file.
The pages say which years are illustrative by the rule of surveys.pages.demo: a SIPAS year is
demo data when the province edition of that year is a demo edition.
"""

import csv
import io
import random

from provinces.models import Level
from scoring.demo import DemoRefused
from scoring.imports import import_file
from scoring.models import Edition
from surveys.models import SipasRespondent
from surveys.respondents import COLUMNS

# A few hundred per province: enough for intervals a few points wide, few enough for a fast
# first run (about 60,000 rows for the two demo years).
RESPONDENTS = (300, 600)
GOV_LEVELS = (("province", 3), ("district", 4), ("commune", 3))
SECTORS = (
    "đất đai",
    "tư pháp",
    "xây dựng",
    "đầu tư",
    "lao động, thương binh và xã hội",
    "giao thông vận tải",
    "y tế",
)
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
    editions = Edition.objects.filter(level=Level.PROVINCE, is_demo=True).order_by("year")
    for edition in editions:
        if SipasRespondent.objects.filter(year=edition.year).exists():
            continue
        codes = sorted(edition.participants.values_list("unit__code", flat=True))
        name = f"demo-sipas-{edition.year}.csv"
        report = import_file("sipas", respondents_csv(edition.year, codes), name, user=None)
        if not report.ok:
            raise DemoRefused("\n".join(str(problem) for problem in report.problems))
        log.extend(str(note) for note in report.notes)
    return log


def respondents_csv(year: int, codes: list[str]) -> bytes:
    """An invented SIPAS file of `year` for the provinces of these codes, always the same."""
    rng = random.Random(f"sipas-{year}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    levels = [level for level, weight in GOV_LEVELS for _ in range(weight)]
    for code in codes:
        satisfied = rng.uniform(0.62, 0.93)
        for number in range(1, rng.randint(*RESPONDENTS) + 1):
            # A respondent's own mood moves all five answers together, as in real surveys.
            mood = rng.gauss(0, 0.12)
            answers = [
                _answer(rng, satisfied + mood + shift, blank) for shift, blank in ASPECTS.values()
            ]
            writer.writerow(
                [
                    year,
                    code,
                    f"D{year}-{code}-{number:04d}",
                    rng.choice(levels),
                    rng.choice(SECTORS),
                    *answers,
                ]
            )
    return buffer.getvalue().encode("utf-8")


def _answer(rng: random.Random, satisfied: float, blank: float) -> int | str:
    if rng.random() < blank:
        return ""
    if rng.random() < satisfied:
        return rng.choice((4, 4, 5))
    return rng.choice((1, 2, 3, 3))
