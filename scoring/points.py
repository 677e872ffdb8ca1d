"""Points on the leaves: the rules a value obeys, and the three writers of points.

docs/rules.md: a leaf's points lie in [0, max_points] with at most 2 decimals; `self` leaves are
self-assessed by the unit, then appraised by MoHA; `survey` leaves get survey points. Every change
is kept (who, when, old, new, reason, source) as a ScoreChange row that the writer adds itself.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_noop

from scoring.editions import Change, Written, lock_edition
from scoring.models import Criterion, Edition, Participant, Score, ScoreChange
from scoring.problems import Message, Refused, register
from scoring.tree import POINTS_LIMIT, Tree

# A whole-number column (respondents) is a 32-bit integer in PostgreSQL.
COUNT_LIMIT = 2_147_483_647
_BATCH = 500
URL_MAX_LENGTH = Score._meta.get_field("evidence_url").max_length

register(
    too_many_decimals=gettext_noop("%(text)s has more than 2 decimals"),
    below_zero=gettext_noop("%(text)s is below 0"),
    above_maximum=gettext_noop("%(text)s is above the maximum of %(maximum)s"),
    above_limit=gettext_noop("%(text)s is too large (at most %(limit)s)"),
    not_a_criterion=gettext_noop('"%(code)s" is not a criterion of the %(year)s %(level)s edition'),
    not_a_leaf=gettext_noop("%(code)s has sub-criteria; points go on its leaves only"),
    # Translators: %(method)s is self or survey, %(kind)s is the file kind survey or scores;
    # both are kept as written.
    wrong_method=gettext_noop(
        "%(code)s is a %(method)s leaf; its points come from a %(kind)s file"
    ),
    not_a_participant=gettext_noop(
        "%(name)s (%(code)s) does not take part in the %(year)s %(level)s edition "
        "(add it with a participants file)"
    ),
    not_a_url=gettext_noop('"%(url)s" is not a web address (expected https://...)'),
    url_too_long=gettext_noop("the web address is longer than %(limit)s characters"),
    # Translators: %(who)s is a user name or "someone"; %(value)s is the stored value now.
    changed_meanwhile=gettext_noop(
        "%(code)s of %(name)s was changed by %(who)s while you were editing it: it is now "
        "%(value)s. Nothing was saved; check the value and save again"
    ),
)


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


# A value a change leaves as stored (a blank cell in a file), unlike None, which clears it.
KEEP = _Keep()


def points_problem(
    value: Decimal, maximum: Decimal | None = None, *, shown: str | None = None
) -> Message | None:
    """Why a value cannot be a leaf's points (or a maximum, with no maximum given), or None."""
    text = shown if shown is not None else str(value)
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return Message("too_many_decimals", {"text": text})
    if value < 0:
        return Message("below_zero", {"text": text})
    if maximum is not None and value > maximum:
        return Message("above_maximum", {"text": text, "maximum": maximum})
    if value > POINTS_LIMIT:
        return Message("above_limit", {"text": text, "limit": POINTS_LIMIT})
    return None


def leaf_problem(edition: Edition, tree: Tree, code: str, method: str) -> Message | None:
    """Why `code` is not a leaf of this method in the edition's tree, or None."""
    node = tree.by_code.get(code)
    if node is None:
        where = {"code": code, "year": edition.year, "level": edition.level}
        return Message("not_a_criterion", where)
    if not tree.is_leaf(node):
        return Message("not_a_leaf", {"code": code})
    if node.method != method:
        kind = "survey" if method == Criterion.Method.SELF else "scores"
        return Message("wrong_method", {"code": code, "method": node.method, "kind": kind})
    return None


def participant_problem(edition: Edition, participant: Participant | None, unit) -> Message | None:
    if participant is None or participant.edition_id != edition.pk:
        return Message(
            "not_a_participant",
            {
                "name": unit.name_vi_in(edition.year),
                "code": unit.code,
                "year": edition.year,
                "level": edition.level,
            },
        )
    return None


def url_problem(url: str) -> Message | None:
    if len(url) > URL_MAX_LENGTH:
        return Message("url_too_long", {"limit": URL_MAX_LENGTH})
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return Message("not_a_url", {"url": url})
    return None


# Every entry may carry the Score.version its form showed (None: no check, as for files): a
# write over a newer version is refused, so two people never silently overwrite each other.


@dataclass(frozen=True)
class SelfAssessment:
    participant: Participant
    leaf: Criterion
    points: object = KEEP  # Decimal, None (cleared) or KEEP
    evidence_url: object = KEEP
    version: int | None = None


@dataclass(frozen=True)
class Appraisal:
    participant: Participant
    leaf: Criterion
    points: object = KEEP
    reason: object = KEEP
    version: int | None = None


@dataclass(frozen=True)
class SurveyResult:
    participant: Participant
    leaf: Criterion
    points: object = KEEP
    respondents: object = KEEP
    version: int | None = None


@dataclass(frozen=True)
class _Columns:
    """How one writer maps its entries onto Score columns."""

    change: str
    method: str
    points: str
    extra: tuple[tuple[str, str], ...] = field(default=())  # (entry attribute, Score column)
    reason: str = ""  # the entry attribute that is the reason of a points change


_SELF = _Columns(
    Change.SELF_POINTS, Criterion.Method.SELF, "self_points", (("evidence_url", "evidence_url"),)
)
_APPRAISAL = _Columns(
    Change.APPRAISED_POINTS,
    Criterion.Method.SELF,
    "appraised_points",
    (("reason", "appraisal_reason"),),
    reason="reason",
)
_SURVEY = _Columns(
    Change.SURVEY_POINTS,
    Criterion.Method.SURVEY,
    "survey_points",
    (("respondents", "respondents"),),
)


def set_self_points(
    edition: Edition, entries: Iterable[SelfAssessment], *, user, source: str
) -> Written:
    """A unit's self-assessed points (and evidence) on `self` leaves."""
    return _write(edition, list(entries), _SELF, user=user, source=source)


def appraise(edition: Edition, entries: Iterable[Appraisal], *, user, source: str) -> Written:
    """MoHA's appraised points on `self` leaves, with the reason where they differ."""
    return _write(edition, list(entries), _APPRAISAL, user=user, source=source)


def set_survey_points(
    edition: Edition, entries: Iterable[SurveyResult], *, user, source: str
) -> Written:
    """Points from the sociological survey on `survey` leaves."""
    return _write(edition, list(entries), _SURVEY, user=user, source=source)


def entry_problems(edition: Edition, tree: Tree, entry, columns: _Columns) -> list[Message]:
    problems = []
    unit = entry.participant.unit
    problem = participant_problem(edition, entry.participant, unit)
    if problem:
        problems.append(problem)
    problem = leaf_problem(edition, tree, entry.leaf.code, columns.method)
    if problem:
        problems.append(problem)
    if isinstance(entry.points, Decimal):
        problem = points_problem(entry.points, entry.leaf.max_points)
        if problem:
            problems.append(problem)
    url = getattr(entry, "evidence_url", KEEP)
    if isinstance(url, str) and url:
        problem = url_problem(url)
        if problem:
            problems.append(problem)
    respondents = getattr(entry, "respondents", KEEP)
    if isinstance(respondents, int) and not 0 <= respondents <= COUNT_LIMIT:
        problems.append(Message("above_limit", {"text": respondents, "limit": COUNT_LIMIT}))
    return problems


def _write(edition: Edition, entries: list, columns: _Columns, *, user, source: str) -> Written:
    """Check every entry, then write all of them with their audit rows, or nothing."""
    with transaction.atomic():
        units = {entry.participant.unit_id for entry in entries}
        edition = lock_edition(edition, columns.change, user=user, unit_ids=units)
        tree = Tree.of(edition)
        problems = [p for entry in entries for p in entry_problems(edition, tree, entry, columns)]
        if problems:
            raise Refused(problems)
        existing = {
            (score.participant_id, score.criterion_id): score
            for score in Score.objects.filter(
                participant__in={e.participant.pk for e in entries},
                criterion__in={e.leaf.pk for e in entries},
            )
        }
        conflicts = _conflicts(entries, existing, columns)
        if conflicts:
            raise Refused(conflicts)
        mapping = (("points", columns.points), *columns.extra)
        created, updated, changes = [], [], []
        unchanged = set()
        for entry in entries:
            key = (entry.participant.pk, entry.leaf.pk)
            score = existing.get(key)
            is_new = score is None
            if is_new:
                score = Score(participant=entry.participant, criterion=entry.leaf)
                existing[key] = score
            changed = False
            for attribute, column in mapping:
                value = getattr(entry, attribute)
                if value is KEEP or getattr(score, column) == value:
                    continue
                if value is None and column in {"evidence_url", "appraisal_reason"}:
                    value = ""
                old = getattr(score, column)
                setattr(score, column, value)
                changed = True
                if column == columns.points:
                    reason = getattr(entry, columns.reason, KEEP) if columns.reason else ""
                    if reason is KEEP:
                        reason = getattr(score, "appraisal_reason", "")
                    changes.append(
                        ScoreChange(
                            score=score,
                            column=column,
                            old_value="" if old is None else str(old),
                            new_value="" if value is None else str(value),
                            reason=reason or "",
                            source=source,
                            user=user,
                        )
                    )
            if is_new:
                score.version = 1
                created.append(score)
            elif changed:
                updated.append(score)
            else:
                unchanged.add(key)
        Score.objects.bulk_create(created, batch_size=_BATCH)
        _update(updated, [column for _attribute, column in mapping])
        ScoreChange.objects.bulk_create(changes)
    return Written(
        frozenset((s.participant_id, s.criterion_id) for s in created),
        frozenset((s.participant_id, s.criterion_id) for s in updated),
        frozenset(unchanged),
    )


def _conflicts(entries: list, existing: dict, columns: _Columns) -> list[Message]:
    """The entries whose score changed since their form showed it (another person's save)."""
    stale = []
    for entry in entries:
        if entry.version is None:
            continue
        score = existing.get((entry.participant.pk, entry.leaf.pk))
        if (score.version if score else 0) != entry.version:
            stale.append((entry, score))
    if not stale:
        return []
    last = {}
    for change in ScoreChange.objects.filter(
        score__in=[score for _entry, score in stale if score is not None]
    ).select_related("user"):
        last.setdefault(change.score_id, change)  # newest first (Meta.ordering)
    problems = []
    for entry, score in stale:
        change = last.get(score.pk) if score else None
        value = getattr(score, columns.points) if score else None
        problems.append(
            Message(
                "changed_meanwhile",
                {
                    "code": entry.leaf.code,
                    "name": entry.participant.unit.name_vi_in(entry.participant.edition.year),
                    "who": change.user.get_username() if change and change.user else "—",
                    "value": "—" if value is None else value,
                },
            )
        )
    return problems


def _update(scores: list[Score], columns: list[str]) -> None:
    """One UPDATE per distinct set of new values: points and reasons repeat across units, and
    Django's bulk_update (a CASE branch per row and column) costs seconds for a whole edition."""
    groups = defaultdict(list)
    for score in scores:
        groups[tuple(getattr(score, column) for column in columns)].append(score.pk)
    for values, pks in groups.items():
        Score.objects.filter(pk__in=pks).update(
            **dict(zip(columns, values, strict=True)), version=F("version") + 1
        )
