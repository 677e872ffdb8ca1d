"""Corrections (docs/rules.md): a published edition reopened with a written reason and published
again. Republishing records what changed for the public corrections log: the reason and date of
the reopening, the new publication, and for every unit whose index, rank, rank in its region or
group changed, the published figure before and after.

publish_edition calls these inside its transaction: the old figures are read from the Result rows
before they are replaced, and compared with what the new publication stores.
"""

from decimal import Decimal

from scoring.models import CorrectedValue, Correction, Edition, EditionEvent, Result
from scoring.ranking import Outcome

Figures = dict[str, str]
FIGURES = (
    CorrectedValue.Figure.INDEX,
    CorrectedValue.Figure.RANK,
    CorrectedValue.Figure.RANK_IN_REGION,
    CorrectedValue.Figure.GROUP,
)


def pending_reopening(edition: Edition) -> EditionEvent | None:
    """The reopening this publication answers: the edition's latest event when it is a reopen.
    An edition never published has none, and costs no query."""
    if edition.published_at is None:
        return None
    latest = edition.events.order_by("-at", "-id").first()
    if latest is not None and latest.action == EditionEvent.Action.REOPEN:
        return latest
    return None


def published_figures(edition: Edition) -> dict[int, Figures]:
    """The figures the public saw, by unit id, as text (index to 2 decimals, "" for none)."""
    return {
        unit_id: _figures(index, rank, rank_in_region, group)
        for unit_id, index, rank, rank_in_region, group in Result.objects.filter(
            edition=edition
        ).values_list("participant__unit_id", "index", "rank", "rank_in_region", "group")
    }


def record_correction(
    edition: Edition,
    reopening: EditionEvent,
    before: dict[int, Figures],
    outcomes: list[Outcome],
    *,
    user,
) -> Correction:
    """The Correction of this republication, with a CorrectedValue for each figure of each unit
    that changed (a unit that joined or left the edition changes from or to blank)."""
    after = {o.key: _figures(o.index, o.rank, o.rank_in_region, o.group) for o in outcomes}
    correction = Correction.objects.create(
        edition=edition,
        reason=reopening.reason,
        reopened_at=reopening.at,
        published_at=edition.published_at,
        user=user,
    )
    blank = dict.fromkeys(FIGURES, "")
    CorrectedValue.objects.bulk_create(
        CorrectedValue(
            correction=correction,
            unit_id=unit_id,
            figure=figure,
            old_value=before.get(unit_id, blank)[figure],
            new_value=after.get(unit_id, blank)[figure],
        )
        for unit_id in sorted(before.keys() | after.keys())
        for figure in FIGURES
        if before.get(unit_id, blank)[figure] != after.get(unit_id, blank)[figure]
    )
    return correction


def _figures(index: Decimal | None, rank, rank_in_region, group: str) -> Figures:
    return {
        # A published rank may have no published index (the public record).
        CorrectedValue.Figure.INDEX: "" if index is None else f"{index:.2f}",
        CorrectedValue.Figure.RANK: "" if rank is None else str(rank),
        CorrectedValue.Figure.RANK_IN_REGION: "" if rank_in_region is None else str(rank_in_region),
        CorrectedValue.Figure.GROUP: group,
    }
