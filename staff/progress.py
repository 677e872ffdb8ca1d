"""How far the appraisal of an edition has come, per unit, and where an appraiser is awaited.

An **open disagreement** is a `self` leaf on which an appraiser has something to decide:

- the unit claimed self-assessed points that nobody has appraised yet, or
- the unit's officer replied (review stage) and no appraiser or admin has answered since, neither
  with a reply nor by changing the appraised points.

Counted in the database: the participants come back annotated in one query, whatever their number.
"""

from datetime import UTC, datetime

from django.db.models import (
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from scoring.models import Criterion, Participant, Reply, Score, ScoreChange
from scoring.permissions import UNIT_OFFICER

# Earlier than any reply or change: what "never answered" compares as.
_NEVER = Value(datetime(2000, 1, 1, tzinfo=UTC), output_field=DateTimeField())


def _latest(rows: QuerySet, column: str) -> Coalesce:
    return Coalesce(
        Subquery(rows.order_by(f"-{column}").values(column)[:1], output_field=DateTimeField()),
        _NEVER,
    )


def with_reply_times(scores: QuerySet[Score]) -> QuerySet[Score]:
    """Scores annotated with when the unit last replied and when an appraiser last answered
    (a reply of theirs or a change of the appraised points)."""
    replies = Reply.objects.filter(score=OuterRef("pk"))
    return scores.annotate(
        unit_replied=_latest(replies.filter(role=UNIT_OFFICER), "at"),
        appraiser_replied=_latest(replies.exclude(role=UNIT_OFFICER), "at"),
        appraised_changed=_latest(
            ScoreChange.objects.filter(score=OuterRef("pk"), column="appraised_points"),
            "changed_at",
        ),
    )


# The two kinds of open leaf, on Score rows annotated by with_reply_times.
UNAPPRAISED = Q(self_points__isnull=False, appraised_points__isnull=True)
UNANSWERED = Q(unit_replied__gt=F("appraiser_replied")) & Q(unit_replied__gt=F("appraised_changed"))


def open_scores(scores: QuerySet[Score]) -> QuerySet[Score]:
    """The scores of `self` leaves that await an appraiser (the module's definition)."""
    return with_reply_times(scores.filter(criterion__method=Criterion.Method.SELF)).filter(
        UNAPPRAISED | UNANSWERED
    )


def _count(scores: QuerySet[Score]) -> Coalesce:
    """How many of these scores belong to the outer participant, as a correlated subquery."""
    counted = (
        scores.filter(participant=OuterRef("pk"))
        .order_by()
        .values("participant")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_progress(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """Participants annotated with `self_assessed` and `appraised` (self leaves with points),
    `unappraised`, `unanswered` and `open` (the leaves awaiting an appraiser, each counted once)."""
    scores = Score.objects.filter(criterion__method=Criterion.Method.SELF)
    timed = with_reply_times(scores)
    return participants.annotate(
        self_assessed=_count(scores.filter(self_points__isnull=False)),
        appraised=_count(scores.filter(appraised_points__isnull=False)),
        unappraised=_count(scores.filter(UNAPPRAISED)),
        unanswered=_count(timed.filter(UNANSWERED)),
        open=_count(timed.filter(UNAPPRAISED | UNANSWERED)),
    )


def self_leaf_count(edition) -> int:
    return edition.criteria.filter(method=Criterion.Method.SELF).count()
