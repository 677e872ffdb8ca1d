"""Benchmark: the uncached render time and query count of every public page type.

Budgets (../shared/DESIGN.md, issue 17): a cache miss on the ranking page renders in ≤ 20 ms with
≤ 8 queries, on the ranking chart (/vi/charts/ranking/2019/province.svg) in ≤ 100 ms; no public
page runs more than 12 queries. Each line shows its budget and the ratio to it (figure / budget,
queries first). Runs in a throw-away test database built from the demo data, through Django's
test client (the whole middleware stack), with the cache cleared before every request; prints
the median of a few runs. Figures only, never assertions.
Every name registered under public: is measured when the demo data can fill in its address.
Usage: `make bench`.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
# Figures only: neither a request line per render nor WeasyPrint's notes about the stylesheet.
os.environ.setdefault("PARINDEX_LOG_LEVEL", "WARNING")
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django  # noqa: E402
from budgets import check  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from django.urls import NoReverseMatch, get_resolver, reverse  # noqa: E402
from django.utils import translation  # noqa: E402

RUNS = 7
MAX_QUERIES = 12
# name -> (ms, queries); every other page: no time budget and MAX_QUERIES.
BUDGETS = {"ranking": (20.0, 8), "chart_ranking": (100.0, MAX_QUERIES)}


def _arguments() -> dict[str, str]:
    """Values for the URL parameters of the public pages, taken from the demo data."""
    from scoring.models import Result

    top = list(
        Result.objects.filter(edition__year=2019, edition__level="province")
        .order_by("rank", "participant__unit__code")
        .values_list("participant__unit__slug", "participant__unit__code")[:3]
    )
    return {
        "year": "2019",
        "level": "province",
        "slug": top[0][0],
        "codes": [code for _slug, code in top],
        "code": "1",
        "table": "leaves",
        "fmt": "csv",
    }


def _pages() -> list[tuple[str, str]]:
    """(name, url) for every name of the public namespace whose parameters the demo can fill,
    home and ranking first."""
    values = _arguments()
    namespace = get_resolver().namespace_dict["public"][1]
    names = [name for name in namespace.reverse_dict if isinstance(name, str)]
    first = ["home", "ranking", "unit"]
    names = first + sorted(set(names) - set(first))
    pages = []
    for name in names:
        possibilities = namespace.reverse_dict.getlist(name)
        if not possibilities:
            continue
        params = possibilities[0][0][0][1]
        try:
            with translation.override("vi"):
                url = reverse(f"public:{name}", kwargs={p: values[p] for p in params})
        except (KeyError, NoReverseMatch):
            print(f"{name}: skipped (no demo value for its parameters {params})")
            continue
        pages.append((name, url))
    if ("compare", "/vi/compare/province/") in pages:
        # Compare with nothing chosen is an empty form: measure it with units to show.
        index = pages.index(("compare", "/vi/compare/province/"))
        query = "&".join(f"units={code}" for code in values["codes"])
        pages[index] = ("compare", f"/vi/compare/province/?{query}")
    return pages


def _measure(client: Client, url: str) -> tuple[float, int, int]:
    times, queries, status = [], 0, 0
    for _ in range(RUNS):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        queries, status = len(captured), response.status_code
    return statistics.median(times), queries, status


def main() -> None:
    from scoring.demo import seed_demo

    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False)
    try:
        seed_demo()
        client = Client()
        client.get("/vi/")  # warm-up: imports, template loading, translations
        print(f"database: {connection.vendor}; median of {RUNS} uncached renders per page")
        print(f"{'page':<20} {'ms':>8} {'queries':>8}  {'budget':<18} {'ratio':<16} status  url")
        most = ("", 0)
        for name, url in _pages():
            ms, queries, status = _measure(client, url)
            budget_ms, budget_queries = BUDGETS.get(name, (None, MAX_QUERIES))
            budget = f"≤ {budget_queries} q" + (f", ≤ {budget_ms:.0f} ms" if budget_ms else "")
            ratios = [queries / budget_queries] + ([ms / budget_ms] if budget_ms else [])
            ratio = " ".join(f"{r:.2f}" for r in ratios)
            ratio += "" if max(ratios) <= 1 else " NOT MET"
            print(
                f"{name:<20} {ms:>8.1f} {queries:>8}  {budget:<18} {ratio:<16} {status:>6}  {url}"
            )
            if budget_ms:
                check(f"uncached {name} ({url})", ms, budget_ms, "ms")
            if budget_queries != MAX_QUERIES:
                check(f"queries of {name}", queries, budget_queries, "q", decimals=0)
            most = max(most, (name, queries), key=lambda page: page[1])
        print(
            f"most queries of any public page: {most[1]} ({most[0]}); "
            + check(
                f"queries of any public page ({most[0]})", most[1], MAX_QUERIES, "q", decimals=0
            )
        )
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
