"""Publishing an edition: the only writer of Result, FieldResult and Average rows.

Public pages never compute. This module gathers the final points, hands plain data to
scoring.ranking, and stores what it returns in one transaction, then bumps the data version that
every public cache key contains.

compute_edition and _store are separate so that the review preview (staff/views/editions.py) can
show what publishing would give without writing anything. Publishing inside a transaction rolled
back after rendering would also show it, but the data version bumped in that transaction would be
rolled back and reused by the next real publish: anything cached while rendering the preview
would then be served to the public under that key.
"""

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring import corrections, lifecycle, ranking
from scoring.models import (
    Average,
    Criterion,
    DataVersion,
    Edition,
    EditionEvent,
    FieldResult,
    Participant,
    Result,
    Score,
)
from scoring.permissions import ADMIN, role_of
from scoring.signals import edition_published
from scoring.tree import Tree

ZERO = Decimal("0")
MAX_LISTED = 8


class PublishRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _final_points(edition: Edition) -> tuple[list[Criterion], dict[tuple[int, int], Decimal]]:
    """The edition's leaves and the final points per (participant, leaf): appraised points on
    `self` leaves, survey points on `survey` leaves (docs/rules.md); leaves without them are
    absent."""
    leaves = Tree.of(edition).leaves
    method = {leaf.pk: leaf.method for leaf in leaves}
    final = {}
    for participant_id, criterion_id, appraised, survey in Score.objects.filter(
        participant__edition=edition, criterion_id__in=method
    ).values_list("participant_id", "criterion_id", "appraised_points", "survey_points"):
        value = survey if method[criterion_id] == Criterion.Method.SURVEY else appraised
        if value is not None:
            final[(participant_id, criterion_id)] = value
    return leaves, final


def _missing_points(
    edition: Edition,
    participants: list[Participant],
    leaves: list[Criterion],
    final: dict[tuple[int, int], Decimal],
) -> list[str]:
    """One line per participant lacking final points on any leaf, naming the leaves."""
    if not leaves:
        return [
            _("the %(year)s %(level)s edition has no criteria tree")
            % {"year": edition.year, "level": edition.level}
        ]
    if not participants:
        return [
            _("the %(year)s %(level)s edition has no participants")
            % {"year": edition.year, "level": edition.level}
        ]
    problems = []
    for participant in participants:
        lacking = [leaf for leaf in leaves if (participant.pk, leaf.pk) not in final]
        if not lacking:
            continue
        listed = ", ".join(
            # Translators: a sub-criterion lacking survey points, or appraised points.
            (_("%(code)s (survey)") if leaf.method == "survey" else _("%(code)s (appraised)"))
            % {"code": leaf.code}
            for leaf in lacking[:MAX_LISTED]
        )
        more = ""
        if len(lacking) > MAX_LISTED:
            more = " " + _("and %(count)s more") % {"count": len(lacking) - MAX_LISTED}
        unit = participant.unit
        problems.append(
            # Translators: %(leaves)s lists leaves, e.g. "1.1 (appraised), 1.2 (survey)", and
            # %(more)s is empty or " and 3 more".
            _(
                "%(name)s (%(code)s): %(count)s sub-criteria without final points: "
                "%(leaves)s%(more)s"
            )
            % {
                "name": unit.name_vi_in(edition.year),
                "code": unit.code,
                "count": len(lacking),
                "leaves": listed,
                "more": more,
            }
        )
    return problems


@dataclass
class Computed:
    """What publishing an edition would store, computed but not written: the outcome of every
    participant (keyed by unit id), the averages, the appraised and survey totals per
    participant id, each field's maximum, and the ids of the units new in this edition. The
    review preview renders this directly."""

    participants: list[Participant]
    outcomes: list[ranking.Outcome]
    averages: ranking.Averages
    totals: dict
    field_max: dict[str, Decimal]
    previous: dict[int, ranking.Previous]
    new_units: frozenset[int]


def compute_edition(edition: Edition) -> Computed:
    """Every result of the edition as publishing would store it, or PublishRefused listing what
    is missing. Reads only: nothing is written, no cache is touched."""
    participants = list(
        edition.participants.select_related("unit__region", "summary").prefetch_related(
            "unit__predecessors", "unit__former_names"
        )
    )
    previous = _previous_results(edition)
    thresholds = ranking.Thresholds(edition.group_a, edition.group_b, edition.group_c)
    if edition.summary_only:
        outcomes, averages, totals, field_max = _summary(
            edition, participants, thresholds, previous
        )
    else:
        leaves, final = _final_points(edition)
        problems = _missing_points(edition, participants, leaves, final)
        if problems:
            raise PublishRefused(problems)
        outcomes, averages, totals, field_max = _scored(
            edition, participants, leaves, final, thresholds, previous
        )
    # A unit created by the 2025 merger shows "new unit" and links its predecessors.
    new_units = frozenset(
        p.unit_id
        for p in participants
        if previous and p.unit_id not in previous and p.unit.predecessors.all()
    )
    return Computed(participants, outcomes, averages, totals, field_max, previous, new_units)


def publish_edition(edition: Edition, *, user=None) -> Edition:
    """Compute and store every result of the edition and mark it published, or refuse.

    A user publishing (the web) must be an admin and the edition in review, the stage before
    publishing (docs/rules.md: only admins move an edition, one stage at a time); no user is the
    system (the publish command, the demo), which may publish an edition from any stage.
    Republishing an edition reopened for correction records the Correction: which units' index,
    rank or group changed, from what to what."""
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.is_published:
            raise PublishRefused(
                [
                    _("the %(year)s %(level)s edition is published")
                    % {"year": edition.year, "level": edition.level}
                ]
            )
        if user is not None:
            _check_publisher(edition, user)
        computed = compute_edition(edition)
        reopening = corrections.pending_reopening(edition)
        before = corrections.published_figures(edition) if reopening else None
        _store(edition, computed)
        edition.status = Edition.Status.PUBLISHED
        edition.published_at = timezone.now()
        edition.save(update_fields=["status", "published_at"])
        EditionEvent.objects.create(edition=edition, action=EditionEvent.Action.PUBLISH, user=user)
        if reopening is not None and before is not None:
            corrections.record_correction(edition, reopening, before, computed.outcomes, user=user)
        DataVersion.bump()
        edition_published.send(sender=Edition, edition=edition)
    return edition


def _check_publisher(edition: Edition, user) -> None:
    """The lifecycle's own refusals (scoring.lifecycle), as lines of a PublishRefused."""
    if role_of(user) != ADMIN:
        raise PublishRefused([str(lifecycle.Message("admins_only"))])
    problem = lifecycle.wrong_stage(edition, Edition.Status.REVIEW)
    if problem is not None:
        raise PublishRefused([str(problem)])


def _previous_results(edition: Edition) -> dict[int, ranking.Previous]:
    """Index and rank by unit in the published edition of the level the year before, if it is
    as real (or as illustrative) as this one: no change is measured across a gap of years nor
    between a demo and a real edition (docs/rules.md). A figure that was not published stays
    None, so no change is measured from it either."""
    before = (
        Edition.objects.published()
        .filter(level=edition.level, year=edition.year - 1, is_demo=edition.is_demo)
        .first()
    )
    if before is None:
        return {}
    return {
        unit_id: ranking.Previous(index=index, rank=rank)
        for unit_id, index, rank in Result.objects.filter(edition=before).values_list(
            "participant__unit_id", "index", "rank"
        )
    }


def _region(participant: Participant) -> str | None:
    region = participant.unit.region
    return region.code if region else None


def _scored(edition, participants, leaves, final, thresholds, previous):
    field_max = {node.code: node.max_points for node in edition.fields()}
    points: defaultdict[int, defaultdict[str, Decimal]] = defaultdict(
        lambda: defaultdict(lambda: ZERO)
    )
    totals: defaultdict[int, dict[str, Decimal]] = defaultdict(
        lambda: {"appraised": ZERO, "survey": ZERO}
    )
    for leaf in leaves:
        column = "survey" if leaf.method == Criterion.Method.SURVEY else "appraised"
        for participant in participants:
            value = final[(participant.pk, leaf.pk)]
            points[participant.pk][leaf.field_code] += value
            totals[participant.pk][column] += value
    entries = [
        ranking.Entry(
            key=p.unit_id,
            ranked=p.ranked,
            region=_region(p),
            field_points={code: points[p.pk][code] for code in field_max},
        )
        for p in participants
    ]
    outcomes, averages = ranking.compute(entries, field_max, thresholds, previous)
    return outcomes, averages, totals, field_max


def _summary(edition, participants, thresholds, previous):
    entries = []
    totals = {}
    # Counted from the rows already loaded, so is_partial costs no query here.
    edition.ranked_summaries = sum(
        1 for p in participants if p.ranked and getattr(p, "summary", None) is not None
    )
    for p in participants:
        summary = getattr(p, "summary", None)
        if summary is None:
            continue
        entries.append(
            ranking.SummaryEntry(
                key=p.unit_id,
                ranked=p.ranked,
                region=_region(p),
                index=summary.index,
                rank=summary.rank,
                field_indices={k: Decimal(v) for k, v in summary.field_indices.items()},
            )
        )
        totals[p.pk] = {
            "appraised": summary.appraised_points,
            "survey": summary.survey_points,
            "source": summary.source,
        }
    if not entries:
        raise PublishRefused([_("no published results were imported for this edition")])
    partial = edition.is_partial
    outcomes, averages = ranking.compute_summary(entries, thresholds, previous, partial=partial)
    if partial and edition.published_average is not None:
        # The only average a partial file can give is the one printed with it.
        averages = ranking.Averages(national=edition.published_average, regions={}, fields={})
    return outcomes, averages, totals, {}


def computed_results(edition: Edition, computed: Computed) -> list[Result]:
    """The Result rows that publishing `computed` stores, unsaved: the review preview shows a
    unit's the way its public profile will."""
    # An outcome's key is the unit's id (ranking.Entry.key).
    by_unit: dict[Hashable, Participant] = {p.unit_id: p for p in computed.participants}
    field_max = computed.field_max
    max_points = sum(field_max.values(), ZERO) if field_max else None
    results = []
    for outcome in computed.outcomes:
        participant = by_unit[outcome.key]
        sums = computed.totals.get(participant.pk, {})
        appraised, survey = sums.get("appraised"), sums.get("survey")
        total = outcome.total_points
        if total is None and appraised is not None and survey is not None:
            total = appraised + survey
        results.append(
            Result(
                edition=edition,
                participant=participant,
                total_points=total,
                appraised_points=appraised,
                survey_points=survey,
                max_points=max_points,
                index_exact=outcome.index_exact,
                index=outcome.index,
                rank=outcome.rank,
                rank_in_region=outcome.rank_in_region,
                group=outcome.group,
                delta_index=outcome.delta_index,
                delta_rank=outcome.delta_rank,
                source=sums.get("source", ""),
                is_new_unit=participant.unit_id in computed.new_units,
            )
        )
    return results


def _store(edition: Edition, computed: Computed) -> None:
    outcomes, averages, field_max = computed.outcomes, computed.averages, computed.field_max
    Result.objects.filter(edition=edition).delete()
    # Published averages were imported with their sources: they stay, and none is computed for
    # their scope.
    Average.objects.filter(edition=edition, published=False).delete()
    kept = set(Average.objects.filter(edition=edition).values_list("region_code", "field_code"))
    results = computed_results(edition, computed)
    Result.objects.bulk_create(results)
    by_key: dict[Hashable, Result] = {result.participant.unit_id: result for result in results}
    FieldResult.objects.bulk_create(
        FieldResult(
            result=by_key[outcome.key],
            field_code=code,
            points=field.points,
            max_points=field_max.get(code),
            index_exact=field.index_exact,
            index=field.index,
            rank=field.rank,
        )
        for outcome in outcomes
        for code, field in outcome.fields.items()
    )
    rows = []
    if averages.national is not None:
        rows.append(Average(edition=edition, value=averages.national))
    rows += [Average(edition=edition, region_code=c, value=v) for c, v in averages.regions.items()]
    rows += [Average(edition=edition, field_code=c, value=v) for c, v in averages.fields.items()]
    Average.objects.bulk_create(
        row for row in rows if (row.region_code, row.field_code) not in kept
    )
