"""The rows of a ranking, one per participant, as the pages show them: built in one place from
what scoring.publish stored (the public ranking and the pages reading it) or from what it would
store (scoring.publish.compute_edition, for the staff's review preview), so that the preview
shows exactly what publishing gives. Nothing is ranked again here."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from provinces.localized import localized
from provinces.models import Region, former_names
from scoring.models import Edition, FieldResult, Result
from scoring.notes import SourceNote
from scoring.publish import Computed


@dataclass
class RankingRow:
    code: str
    slug: str
    name: str
    region_code: str
    region_name: str
    ranked: bool
    note: str
    index: Decimal
    rank: int | None
    rank_in_region: int | None
    group: str
    appraised_points: Decimal | None
    survey_points: Decimal | None
    delta_index: Decimal | None
    delta_rank: int | None
    new_unit: bool
    fields: dict[str, Decimal] = field(default_factory=dict)
    tied: bool = False
    url: str = ""
    region_short: str = ""
    # The component indices in the order of the edition's fields, for the table's columns.
    field_list: list[Decimal | None] = field(default_factory=list)
    # Where a published figure of the public record was read ("" for computed results), and its
    # numbered note on the page showing it.
    source: str = ""
    source_note: SourceNote | None = None
    # The unit's region itself, for a page that lists the regions of its rows without a query.
    region: Region | None = None


def ranking_columns(fields) -> list[tuple[str, str]]:
    """The ranking table's columns, as (query and download key, heading)."""
    return [
        ("rank", _("Rank")),
        ("unit", _("Unit")),
        ("region", _("Region")),
        ("index", _("Index")),
        ("group", _("Group")),
        *[(f"field_{field.code}", _("Field %(code)s") % {"code": field.code}) for field in fields],
        ("appraised_points", _("Appraised points")),
        ("survey_points", _("Survey points")),
        ("delta_index", _("Change in index")),
        ("delta_rank", _("Change in rank")),
    ]


def ranking_rows(edition: Edition, field_codes: Sequence[str] = ()) -> list[RankingRow]:
    """Every participant's published result, ranked ones by rank, then unranked by code."""
    # Unordered (the rows are put in rank order below): the models' default orders join the
    # edition and the unit for a sort, which took as long as the rest of the query.
    results = (
        Result.objects.filter(edition=edition)
        .select_related("participant__unit__region")
        .prefetch_related(former_names("participant__unit__"))
        .order_by()
    )
    # Plain tuples: a model instance per unit × field costs more than the whole query.
    field_indices: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    for result_id, code, index in (
        FieldResult.objects.filter(result__edition=edition)
        .order_by()
        .values_list("result_id", "field_code", "index")
    ):
        field_indices[result_id][code] = index
    return rows_of(edition, results, field_indices, field_codes)


def rows_of(
    edition: Edition,
    results: Iterable[Result],
    field_indices: Mapping[int, dict[str, Decimal | None]],
    field_codes: Sequence[str] = (),
) -> list[RankingRow]:
    """The rows of ranking_rows from results a page has read itself with other rows in the same
    queries (a unit's profile): every result of the edition, its participant, unit and region
    selected and the units' former names prefetched, and each result's component indices by
    its id (a result without any is given none)."""
    # One reverse for all rows: a reverse per row costs as much as a query.
    unit_url = reverse("public:unit", args=["-slug-"])
    return _in_rank_order(
        [
            _row(
                edition,
                result.participant,
                field_codes,
                url=unit_url.replace("-slug-", result.participant.unit.slug),
                fields=field_indices.get(result.pk, {}),
                index=result.index,
                rank=result.rank,
                rank_in_region=result.rank_in_region,
                group=result.group,
                appraised_points=result.appraised_points,
                survey_points=result.survey_points,
                delta_index=result.delta_index,
                delta_rank=result.delta_rank,
                new_unit=result.is_new_unit,
                source=result.source,
            )
            for result in results
        ]
    )


def computed_rows(
    edition: Edition, computed: Computed, field_codes: Sequence[str], url_of: Callable[[str], str]
) -> list[RankingRow]:
    """The same rows from what publishing would store (scoring.publish.compute_edition), for the
    review preview; `url_of` gives a unit code's link."""
    by_unit = {p.unit_id: p for p in computed.participants}
    rows = []
    for outcome in computed.outcomes:
        participant = by_unit[outcome.key]
        totals = computed.totals.get(participant.pk, {})
        rows.append(
            _row(
                edition,
                participant,
                field_codes,
                url=url_of(participant.unit.code),
                fields={code: f.index for code, f in outcome.fields.items()},
                index=outcome.index,
                rank=outcome.rank,
                rank_in_region=outcome.rank_in_region,
                group=outcome.group,
                appraised_points=totals.get("appraised"),
                survey_points=totals.get("survey"),
                delta_index=outcome.delta_index,
                delta_rank=outcome.delta_rank,
                new_unit=participant.unit_id in computed.new_units,
                source=totals.get("source", ""),
            )
        )
    return _in_rank_order(rows)


def _row(edition: Edition, participant, field_codes, *, fields: dict, **figures) -> RankingRow:
    """One row: the unit as named in the edition's year, its participation and its figures."""
    unit = participant.unit
    region = unit.region
    return RankingRow(
        code=unit.code,
        slug=unit.slug,
        name=unit.name_in(edition.year),
        region_code=region.code if region else "",
        region_name=localized(region, "name") if region else "",
        region_short=localized(region, "short_name") if region else "",
        region=region,
        ranked=participant.ranked,
        note=participant.note,
        fields=fields,
        field_list=[fields.get(code) for code in field_codes],
        **figures,
    )


def _in_rank_order(rows: list[RankingRow]) -> list[RankingRow]:
    """Ranked rows by rank (ties marked), then unranked ones, each by code."""
    ranks = [row.rank for row in rows if row.rank is not None]
    for row in rows:
        row.tied = row.rank is not None and ranks.count(row.rank) > 1
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.code))
    return rows
