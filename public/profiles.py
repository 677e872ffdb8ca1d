"""A unit's profile as the public page shows it, assembled from the stored published rows (Result,
FieldResult, Average, Criterion, Score, SummaryScore) in a fixed number of queries, whatever the
number of editions, fields or leaves: nothing here ranks or scores anything again.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, prefetch_related_objects
from django.http import Http404

from provinces.localized import localized
from provinces.models import Unit, former_names
from public.contributions import field_contributions
from public.corrections import Notice, unit_notices
from public.disagreements import disagreements_in
from public.editions import reopening_of
from public.fields_chart import FieldsFigures, regional_averages
from public.rankings import rows_of
from public.standing import Standing, standing
from scoring.models import (
    Average,
    CorrectedValue,
    Criterion,
    Edition,
    FieldResult,
    Result,
)
from scoring.notes import SourceNote, SourceNotes
from scoring.ranking import mean_half_up
from scoring.scorecard import Branch, FieldLine, UnitLink, best_units, points_tree


@dataclass
class ProfileYear:
    edition: Edition
    index: Decimal
    rank: int | None
    rank_in_region: int | None
    group: str
    delta_index: Decimal | None
    delta_rank: int | None
    new_unit: bool
    # True, False, or None when either tree is unknown (summary-only) or there is no previous
    # published edition of the level to compare with.
    methodology_changed: bool | None
    previous_year: int | None
    shown: bool
    # Where the figures were read (the public record), and their note under the history.
    source: str = ""
    note: SourceNote | None = None


@dataclass
class Contribution:
    code: str
    name: str
    previous_points: Decimal
    points: Decimal
    change: Decimal
    contribution: Decimal


@dataclass
class IndexChange:
    """What moved the index since the previous published edition of the level. `status` is
    "split" (contributions given), "no_previous" or "not_comparable"."""

    status: str
    previous_year: int | None = None
    delta_index: Decimal | None = None
    lines: list[Contribution] = field(default_factory=list)


@dataclass
class Lineage:
    unit: UnitLink
    latest: Result | None
    year: int | None


@dataclass
class Shown:
    """The edition the page shows and everything about the unit in it."""

    edition: Edition
    name: str
    result: Result
    ranked_count: int | None
    national_average: Decimal | None
    regional_average: Decimal | None
    fields: list[FieldLine]
    tree: list[Branch]
    change: IndexChange
    standing: Standing = field(default_factory=Standing)
    # The note of the shown year's published figures (the public record), and the sources and
    # notes of the averages printed with them.
    note: SourceNote | None = None
    national_source: str = ""
    regional_source: str = ""
    national_note: SourceNote | None = None
    regional_note: SourceNote | None = None
    # What the fields chart of the edition draws, as its own address reads it: the printed
    # report draws the chart from these rather than read them again (public/views/reports.py).
    fields_figures: FieldsFigures | None = None


@dataclass
class Profile:
    unit: Unit
    name: str
    history: list[ProfileYear]
    shown: Shown | None
    predecessors: list[Lineage]
    successor: UnitLink | None
    corrections: list[Notice] = field(default_factory=list)
    notes: SourceNotes = field(default_factory=SourceNotes)


def unit_profile(slug: str, year: str | None) -> Profile:
    """The profile of the unit with this slug, showing the shown edition of `year` (the latest
    by default); 404 for an unknown unit or a year it has no published result in."""
    # The unit and the units merged into it, in one query.
    units = list(
        Unit.objects.select_related("region", "successor")
        # Only a corrected unit's profile asks for its corrections.
        .annotate(corrected=Exists(CorrectedValue.objects.filter(unit=OuterRef("pk"))))
        .filter(Q(slug=slug) | Q(successor__slug=slug))
    )
    unit = next((u for u in units if u.slug == slug), None)
    if unit is None:
        raise Http404("no such unit")
    predecessors = sorted((u for u in units if u.successor_id == unit.pk), key=lambda p: p.code)
    editions = _published_editions(unit.level, unit)
    by_id = {edition.pk: edition for edition in editions}
    # The unit's and its predecessors' results in every edition, and with them every result of
    # the edition the page shows (its ranking rows: ties, neighbours, best units), in one query.
    in_view = _edition_in_view(editions, year)
    lineage = [unit.pk, *(p.pk for p in predecessors)]
    results = list(
        Result.objects.filter(
            Q(edition_id__in=by_id, participant__unit_id__in=lineage) | Q(edition=in_view)
        ).select_related("participant__unit__region")
    )
    for result in results:
        result.edition = by_id[result.edition_id]
    own = sorted(
        (r for r in results if r.participant.unit_id == unit.pk),
        key=lambda r: r.edition.year,
        reverse=True,
    )
    chosen = _chosen(own, year)
    shown_results = [r for r in results if chosen and r.edition_id == chosen.edition_id]
    # The names every unit had in the shown year, the page's unit's too: one query.
    prefetch_related_objects([unit, *(r.participant.unit for r in shown_results)], former_names())
    fields = _field_results(shown_results, own)
    criteria = _criteria(editions) if own else {}
    signatures = {pk: {(n.code, n.max_points) for n in nodes} for pk, nodes in criteria.items()}
    history = _history(own, editions, signatures, chosen)
    shown = (
        _shown_year(unit, chosen, own, editions, criteria, shown_results, fields)
        if chosen
        else None
    )
    notes = _cite(unit, history, shown)
    return Profile(
        unit=unit,
        name=localized(unit, "name"),
        history=history,
        shown=shown,
        predecessors=[_lineage(p, results) for p in predecessors],
        successor=_unit_link(unit.successor) if unit.successor else None,
        corrections=unit_notices(unit.pk) if unit.corrected else [],
        notes=notes,
    )


def _cite(unit: Unit, history: list[ProfileYear], shown: Shown | None) -> SourceNotes:
    """The source notes of the page in reading order: the shown year's figures and the averages
    printed with them, then each year's figures, newest first as the history shows them; a note
    says where the sources disagree on a figure."""
    notes = SourceNotes()
    lines = sorted(history, key=lambda line: not line.shown)
    for line in lines:
        if line.source:
            disagreement = disagreements_in(line.edition.year, unit.level).get(unit.code, "")
            line.note = notes.cite(line.source, disagreement)
        if line.shown and shown is not None:
            shown.note = line.note
            shown.national_note = notes.cite(shown.national_source)
            shown.regional_note = notes.cite(shown.regional_source)
    return notes


def _published_editions(level: str, unit: Unit) -> list[Edition]:
    """Every shown edition of the level (published, or under correction with its last published
    results), oldest first, with the counts the page needs annotated so that no edition costs a
    query of its own (is_partial reads ranked_summaries), and whether the unit has a result in
    it (`has_unit`), so that the edition shown by default is known before the results are read."""
    return list(
        Edition.objects.shown()
        .filter(level=level)
        .annotate(
            ranked_summaries=Count(
                "participants",
                filter=Q(participants__ranked=True, participants__summary__isnull=False),
                distinct=True,
            ),
            ranked_results=Count("results", filter=Q(results__rank__isnull=False), distinct=True),
            has_unit=Exists(
                Result.objects.filter(edition=OuterRef("pk"), participant__unit_id=unit.pk)
            ),
        )
        .order_by("year")
    )


def _edition_in_view(editions: list[Edition], year: str | None) -> Edition | None:
    """The edition the page will show, when the unit has a result in it: that of `year`, else the
    latest the unit took part in (_chosen decides, and 404s, from the results read)."""
    candidates = [e for e in editions if e.has_unit and (year is None or str(e.year) == year)]
    return candidates[-1] if candidates else None


def _field_results(shown_results: list[Result], own: list[Result]) -> dict[int, list[FieldResult]]:
    """The component figures of every result of the shown edition and of each of the unit's own
    results, by result id, in one query."""
    ids = {r.pk for r in shown_results} | {r.pk for r in own}
    found: dict[int, list[FieldResult]] = defaultdict(list)
    if ids:
        for line in FieldResult.objects.filter(result_id__in=ids):
            found[line.result_id].append(line)
    return found


def _chosen(own: list[Result], year: str | None) -> Result | None:
    if year is None:
        return own[0] if own else None
    found = next((r for r in own if str(r.edition.year) == year), None)
    if found is None:
        raise Http404("no published result of this unit in that year")
    return found


def _criteria(editions: list[Edition]) -> dict[int, list[Criterion]]:
    """The criteria of every published edition of the level, in one query: the shown edition's
    tree, and every tree's codes and maxima to tell where the methodology changed."""
    nodes = defaultdict(list)
    for node in Criterion.objects.filter(edition__in=editions).order_by("edition", "sort_key"):
        nodes[node.edition_id].append(node)
    return nodes


def _previous(edition: Edition, editions: list[Edition]) -> Edition | None:
    """The latest published edition of the level before this one (what Δ is measured against)."""
    earlier = [e for e in editions if e.year < edition.year]
    return earlier[-1] if earlier else None


def _history(own, editions, signatures, chosen) -> list[ProfileYear]:
    lines = []
    for result in own:
        previous = _previous(result.edition, editions)
        changed = None
        if previous is not None:
            now, before = signatures.get(result.edition.pk), signatures.get(previous.pk)
            if now and before:
                changed = now != before
        lines.append(
            ProfileYear(
                edition=result.edition,
                index=result.index,
                rank=result.rank,
                rank_in_region=result.rank_in_region,
                group=result.group,
                delta_index=result.delta_index,
                delta_rank=result.delta_rank,
                new_unit=result.is_new_unit,
                methodology_changed=changed,
                previous_year=previous.year if previous else None,
                shown=result is chosen,
                source=result.source,
            )
        )
    return lines


def _shown_year(unit, result, own, editions, criteria, shown_results, fields) -> Shown:
    edition = result.edition
    # The notice's reopening event, as shown_edition sets it: only the shown year has the notice.
    edition.reopening = None if edition.is_published else reopening_of(edition)
    nodes = criteria.get(edition.pk, [])
    field_names = {n.code: localized(n, "name") for n in nodes if n.parent_id is None}
    stored = list(Average.objects.filter(edition=edition))
    averages = {(a.region_code, a.field_code): a.value for a in stored}
    region = unit.region.code if unit.region else ""
    sources = {(a.region_code, a.field_code): a.source for a in stored if a.published}
    ranked_count = edition.ranked_total or edition.ranked_results or None
    rows = rows_of(edition, shown_results, {pk: _indices(lines) for pk, lines in fields.items()})
    members = [row.fields for row in rows if row.ranked and region and row.region_code == region]
    fields_figures = FieldsFigures(
        edition=edition,
        name=unit.name_in(edition.year),
        region=unit.region,
        fields=[n for n in nodes if n.parent_id is None],
        own=_indices(fields[result.pk]),
        national={code: value for (scope, code), value in averages.items() if not scope and code},
        regional=regional_averages(edition, unit.region, members),
    )
    return Shown(
        edition=edition,
        name=unit.name_in(edition.year),
        result=result,
        ranked_count=ranked_count,
        national_average=averages.get(("", "")),
        regional_average=averages.get((region, "")) if region else None,
        fields=_fields(result, unit, averages, field_names, rows, fields[result.pk]),
        # A summary-only edition's Result and FieldResult rows are its SummaryScore rows as
        # published (index, rank, totals, component indices): what exists; it has no leaves.
        # Under correction the points are being changed: only the published figures are shown.
        tree=[] if edition.summary_only or not edition.is_published else points_tree(result, nodes),
        change=_change(result, own, editions, criteria, field_names, fields),
        standing=standing(unit.code, edition, ranked_count, rows),
        national_source=sources.get(("", ""), ""),
        regional_source=sources.get((region, ""), "") if region else "",
        fields_figures=fields_figures,
    )


def _indices(lines: list[FieldResult]) -> dict[str, Decimal | None]:
    return {line.field_code: line.index for line in lines}


def _fields(result, unit, averages, names, rows, own_fields) -> list[FieldLine]:
    """Each field of the unit against the national and regional averages and the best unit.

    The national per-field averages are stored; the regional per-field ones are not (publish
    stores one average per region, of the index), so they are taken here from the stored
    rounded component indices by the rule of the stored ones (docs/rules.md: the mean of the
    rounded indices of ranked participants, rounded half-up), and only where the edition has
    averages at all (a partial edition has none). The best units are read from the edition's
    ranking rows, each row's component indices by field."""
    edition = result.edition
    region = unit.region.code if unit.region else ""
    best = best_units(rows)
    in_region = defaultdict(list)
    for row in rows:
        if row.ranked and region and row.region_code == region:
            for code, index in row.fields.items():
                in_region[code].append(index)
    lines = []
    for own in sorted(own_fields, key=lambda f: Criterion.sort_key_for(f.field_code)):
        code = own.field_code
        regional = averages.get((region, code))
        if regional is None and region and not edition.is_partial and ("", code) in averages:
            regional = mean_half_up(in_region[code])
        lines.append(
            FieldLine(
                code=code,
                name=names.get(code, ""),
                points=own.points,
                max_points=own.max_points,
                index=own.index,
                rank=own.rank,
                national_average=averages.get(("", code)),
                regional_average=regional,
                best=best[code],
            )
        )
    return lines


def _change(result, own, editions, criteria, names, fields) -> IndexChange:
    """The field contributions to Δindex against the previous published edition of the level,
    when the two trees have the same fields and maxima and both have field points."""
    previous_edition = _previous(result.edition, editions)
    if previous_edition is None or result.delta_index is None:
        return IndexChange("no_previous", previous_edition.year if previous_edition else None)
    change = IndexChange("not_comparable", previous_edition.year, result.delta_index)
    before = next((r for r in own if r.edition.pk == previous_edition.pk), None)
    now_fields = _field_signature(criteria.get(result.edition.pk, []))
    if before is None or not now_fields:
        return change
    if now_fields != _field_signature(criteria.get(previous_edition.pk, [])):
        return change
    points = {f.field_code: f.points for f in fields[result.pk]}
    previous_points = {f.field_code: f.points for f in fields[before.pk]}
    maxima = dict(now_fields)
    if set(points) != set(maxima) or set(previous_points) != set(maxima):
        return change
    if None in points.values() or None in previous_points.values():
        return change
    shares = field_contributions(
        points, previous_points, sum(maxima.values(), Decimal("0")), result.delta_index
    )
    change.status = "split"
    change.lines = [
        Contribution(
            code=code,
            name=names.get(code, ""),
            previous_points=previous_points[code],
            points=points[code],
            change=points[code] - previous_points[code],
            contribution=share,
        )
        for code, share in sorted(shares.items(), key=lambda item: Criterion.sort_key_for(item[0]))
    ]
    return change


def _field_signature(nodes: list[Criterion]) -> frozenset:
    return frozenset((n.code, n.max_points) for n in nodes if n.parent_id is None)


def _lineage(unit: Unit, results: list[Result]) -> Lineage:
    mine = [r for r in results if r.participant.unit_id == unit.pk]
    latest = max(mine, key=lambda r: r.edition.year, default=None)
    return Lineage(
        unit=_unit_link(unit), latest=latest, year=latest.edition.year if latest else None
    )


def _unit_link(unit: Unit) -> UnitLink:
    """A link to a unit's profile under its present name."""
    return UnitLink(slug=unit.slug, name=localized(unit, "name"))
