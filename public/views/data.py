from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from public.codebook import CODEBOOK, CSV_COLUMNS, TYPES, codebook_rows
from public.datasets import TABLES, WHOLE_TABLES, has_leaves, table_rows, whole_table_rows
from public.editions import published_edition
from scoring.downloads import FORMATS
from scoring.models import Edition, Result
from scoring.responses import table_download


def data(request: HttpRequest) -> HttpResponse:
    """Every published edition with its bulk downloads and JSON endpoints."""
    editions = (
        Edition.objects.published()
        .with_ranked_summaries()
        .annotate(units=Count("results", distinct=True))
        .order_by("-year", "level")
    )
    editions = list(editions)
    example = (
        Result.objects.filter(edition__status=Edition.Status.PUBLISHED)
        .order_by("-edition__year", "edition__level", "rank", "participant__unit__code")
        .values_list("participant__unit__slug", flat=True)
        .first()
    )
    return render(
        request,
        "public/data.html",
        {
            "editions": [
                {
                    "edition": edition,
                    "tables": _tables(edition),
                    "methodology": _methodology_url(edition),
                }
                for edition in editions
            ],
            "formats": FORMATS,
            "example_slug": example,
            # One banner for the page when any edition listed is the illustrative demo.
            "demo": next((edition for edition in editions if edition.is_demo), None),
        },
    )


def _tables(edition: Edition) -> list[str]:
    return [table for table in TABLES if table != "leaves" or has_leaves(edition)]


def dataset(request: HttpRequest, year: int, level: str, table: str, fmt: str) -> HttpResponse:
    """One table of a published edition as a file; a summary-only edition has no leaf table."""
    if table not in TABLES or fmt not in FORMATS:
        raise Http404("unknown table or format")
    edition = published_edition(year, level)
    if table not in _tables(edition):
        raise Http404("a summary-only edition has no leaf scores")
    filename = f"par-index-{edition.year}-{edition.level}-{table}.{fmt}"
    return table_download(*table_rows(edition, table), fmt, filename)


def whole_dataset(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """A table across every edition or every unit: every published figure of every year and
    level (`figures`), or each unit of 2004-2025 with its successor of today (`lineage`)."""
    if table not in WHOLE_TABLES or fmt not in FORMATS:
        raise Http404("unknown table or format")
    return table_download(*whole_table_rows(table), fmt, f"par-index-all-{table}.{fmt}")


def _methodology_url(edition: Edition) -> str | None:
    # The methodology pages explain docs/rules.md in plain words; linked once they exist.
    try:
        return reverse("public:methodology", args=(edition.year, edition.level))
    except NoReverseMatch:
        return None


def codebook(request: HttpRequest) -> HttpResponse:
    """Every column of every download, and the licence of the data."""
    return render(request, "public/codebook.html", {"tables": CODEBOOK, "types": TYPES})


def codebook_csv(request: HttpRequest) -> HttpResponse:
    return table_download(CSV_COLUMNS, codebook_rows(), "csv", "par-index-codebook.csv")
