"""Read-only JSON of the published data: an index of editions, one document per edition and one
per unit. Language-neutral: codes, numbers and both names; the column names of the downloads
(public/codebook.py describes them)."""

from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from provinces.models import Unit
from public.datasets import TABLES, field_rows, has_leaves
from public.editions import published_edition
from scoring.downloads import FORMATS, result_row, result_rows
from scoring.models import Average, Edition, FieldFigure, Result


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        # Numbers stay JSON numbers: a 2-decimal value prints back exactly (84.43 -> 84.43).
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


def _json(data: dict) -> JsonResponse:
    return JsonResponse(data, encoder=_Encoder, json_dumps_params={"ensure_ascii": False})


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _about(edition: Edition) -> dict:
    return {
        "year": edition.year,
        "level": edition.level,
        "illustrative": _yes_no(edition.is_demo),
        "summary_only": _yes_no(edition.summary_only),
        "partial": _yes_no(edition.is_partial),
        "ranked_total": edition.ranked_total,
        "published_at": edition.published_at,
    }


def editions(request: HttpRequest) -> JsonResponse:
    published = Edition.objects.published().with_ranked_summaries().order_by("-year", "level")
    return _json(
        {
            "editions": [
                {
                    **_about(edition),
                    "url": reverse("public:api_edition", args=(edition.year, edition.level)),
                    "downloads": {
                        table: {
                            fmt: reverse(
                                "public:dataset", args=(edition.year, edition.level, table, fmt)
                            )
                            for fmt in FORMATS
                        }
                        for table in TABLES
                        if table != "leaves" or has_leaves(edition)
                    },
                }
                for edition in published
            ]
        }
    )


def edition(request: HttpRequest, year: int, level: str) -> JsonResponse:
    """An edition: its criteria tree, thresholds, averages, results and field results."""
    edition = published_edition(year, level)
    criteria = list(edition.criteria.order_by("sort_key"))
    averages = {"national": None, "regions": {}, "fields": {}}
    # The averages the publisher printed, with where they were read (the others are computed).
    published_averages = []
    for region_code, field_code, value, published, source in Average.objects.filter(
        edition=edition
    ).values_list("region_code", "field_code", "value", "published", "source"):
        if published:
            published_averages.append(
                {"scope": region_code or "national", "value": value, "source": source}
            )
        if region_code:
            averages["regions"][region_code] = value
        elif field_code:
            averages["fields"][field_code] = value
        else:
            averages["national"] = value
    fields = [node for node in criteria if node.parent_id is None]
    columns, results = result_rows(edition)
    return _json(
        {
            **_about(edition),
            "max_points": sum(node.max_points for node in fields) if fields else None,
            "groups": {"A": edition.group_a, "B": edition.group_b, "C": edition.group_c},
            "averages": averages,
            "published_averages": published_averages,
            "criteria": [
                {
                    "code": node.code,
                    "name_vi": node.name_vi,
                    "name_en": node.name_en,
                    "max_points": node.max_points,
                    "method": node.method or None,
                }
                for node in criteria
            ],
            # In the download's column order.
            "results": [{column: row.get(column) for column in columns} for row in results],
            "field_results": field_rows(edition),
            # A unit's figure on one field as a page gave it (index empty where it gave points).
            "field_figures": [
                {"unit_code": code, "field": field, "index": index, "source": source}
                for code, field, index, source in FieldFigure.objects.filter(edition=edition)
                .order_by("unit__code", "field")
                .values_list("unit__code", "field", "index", "source")
            ],
        }
    )


def unit(request: HttpRequest, slug: str) -> JsonResponse:
    """A unit, its lineage across the 2025 mergers and all its published results."""
    unit = get_object_or_404(
        Unit.objects.select_related("region", "successor").prefetch_related(
            "former_names", "predecessors"
        ),
        slug=slug,
    )
    results = (
        Result.objects.filter(participant__unit=unit, edition__status=Edition.Status.PUBLISHED)
        .select_related("edition", "participant")
        .prefetch_related("fields")
        .order_by("edition__year", "edition__level")
    )
    for result in results:
        # The unit is loaded once above, with its region and former names.
        result.participant.unit = unit
    successor = unit.successor
    return _json(
        {
            "code": unit.code,
            "slug": unit.slug,
            "level": unit.level,
            "category": unit.category,
            "name_vi": unit.name_vi,
            "name_en": unit.name_en,
            "region_code": unit.region.code if unit.region else "",
            "region_basis": unit.region_basis,
            "valid_from": unit.valid_from,
            "valid_until": unit.valid_until,
            "former_names": [
                {"name_vi": f.name_vi, "name_en": f.name_en, "valid_until": f.valid_until}
                for f in unit.former_names.all()
            ],
            "successor": _link(successor) if successor else None,
            "predecessors": [
                _link(p) for p in sorted(unit.predecessors.all(), key=lambda p: p.code)
            ],
            "results": [result_row(result.edition, result) for result in results],
        }
    )


def _link(unit: Unit) -> dict:
    return {"code": unit.code, "slug": unit.slug, "name_vi": unit.name_vi, "name_en": unit.name_en}
