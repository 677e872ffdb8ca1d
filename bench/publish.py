"""Benchmark: publishing 63 provinces × 104 leaves plus 19 ministries × 90 leaves.

Budget: ≤ 1 s on PostgreSQL, the portal's speed target for publishing. Runs in a throw-away test
database built from the demo data; prints the best of a few runs and its ratio to the budget.
Usage: `make bench`.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")

import django  # noqa: E402
from budgets import check  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)

BUDGET_SECONDS = 1.0
RUNS = 3


def main() -> None:
    from scoring.demo import seed_demo
    from scoring.models import Edition
    from scoring.publish import publish_edition

    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False)
    try:
        seed_demo()
        editions = list(Edition.objects.filter(year=2019))
        best = float("inf")
        for _ in range(RUNS):
            Edition.objects.filter(year=2019).update(status=Edition.Status.REVIEW)
            started = time.perf_counter()
            for edition in editions:
                publish_edition(edition)
            best = min(best, time.perf_counter() - started)
        print(f"database: {connection.vendor}")
        print(
            f"publish 2019 (63 provinces + 19 ministries): best of {RUNS}: {best:.3f} s; "
            + check(f"publish 2019, {connection.vendor}", best, BUDGET_SECONDS, "s", decimals=3)
        )
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
