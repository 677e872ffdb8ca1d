"""Points on the leaves: the rules a value obeys, and the three writers of points.

docs/rules.md: a leaf's points lie in [0, max_points] with at most 2 decimals; `self` leaves are
self-assessed by the unit, then appraised by MoHA; `survey` leaves get survey points. Every change
is kept (who, when, old, new, reason, source) as a ScoreChange row that the writer adds itself.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext_noop

from files.problems import Message, Refused, register
from scoring.editions import Change, Written, lock_edition
from scoring.lifecycle import correction_units
from scoring.models import Criterion, Edition, EvidenceFile, Participant, Reply, Score, ScoreChange
from scoring.permissions import UNIT_OFFICER, role_of
from scoring.tree import POINTS_LIMIT, Tree

# A whole-number column (respondents) is a 32-bit integer in PostgreSQL.
COUNT_LIMIT = 2_147_483_647
_BATCH = 500
# ASCII digits only: Decimal() would also take other scripts' digits, "1e3" and "NaN".
_POINTS_TEXT = re.compile(r"[0-9]{1,7}(\.[0-9]+)?|\.[0-9]+")
# One evidence address: long enough for any real document's, short enough to be one.
URL_MAX_LENGTH = 500

register(
    too_many_decimals=gettext_noop("%(text)s has more than 2 decimals"),
    below_zero=gettext_noop("%(text)s is below 0"),
    above_maximum=gettext_noop("%(text)s is above the maximum of %(maximum)s"),
    above_limit=gettext_noop("%(text)s is too large (at most %(limit)s)"),
    not_a_criterion=gettext_noop('"%(code)s" is not a criterion of the %(year)s %(level)s edition'),
    not_a_leaf=gettext_noop("%(code)s has sub-criteria; points go on the sub-criteria below it"),
    # Translators: %(method)s is self or survey, %(kind)s is the file kind survey or scores;
    # both are kept as written.
    wrong_method=gettext_noop(
        "%(code)s is a %(method)s sub-criterion; its points come from a %(kind)s file"
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
    # Translators: %(text)s is what was typed in a points box.
    points_not_a_number=gettext_noop('"%(text)s" is not a number of points (e.g. 7.5 or 7,5)'),
    # Translators: %(name)s is the unit, %(date)s when its officer submitted.
    submitted_locked=gettext_noop(
        "the self-assessment of %(name)s was submitted on %(date)s and can no longer be "
        "changed; an admin can give it back"
    ),
    # Translators: %(name)s is a unit's name.
    outside_correction=gettext_noop(
        "the correction of the %(year)s %(level)s edition concerns other units: the scores of "
        "%(name)s cannot change until it is published again"
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
    """Why a value cannot be a leaf's points (or a maximum, with no maximum given), or None.
    The value is named as typed when `shown`, otherwise as a number in the reader's language."""
    text: object = shown if shown is not None else value
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


def parse_points(
    text: str, maximum: Decimal | None = None
) -> tuple[Decimal | None, Message | None]:
    """Points as a person types them: blank is none, and a comma is a decimal separator too, as
    Vietnamese writes it ("7,5"). Returns (value, None) or (None, why it is not points)."""
    compact = text.strip().replace(" ", "")
    if not compact:
        return None, None
    if "," in compact and "." not in compact:
        compact = compact.replace(",", ".")
    if not _POINTS_TEXT.fullmatch(compact):
        return None, Message("points_not_a_number", {"text": text.strip()})
    value = Decimal(compact)
    problem = points_problem(value, maximum, shown=text.strip())
    return (None, problem) if problem else (value, None)


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


def addresses(text: str) -> list[str]:
    """The evidence addresses of a text holding one a line, in order, each once."""
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def addresses_problem(text: str) -> Message | None:
    """Why one of the addresses (one a line) is not a web address, or None."""
    return next(filter(None, (url_problem(url) for url in addresses(text))), None)


@dataclass(frozen=True)
class StoredFile:
    """An evidence file already in the private storage: its stored name, the name the unit
    gave it, the type read from its content and its SHA-256 (kept in the audit row)."""

    name: str
    original_name: str
    content_type: str
    sha256: str

    def audit_value(self) -> str:
        return f"{self.name} sha256={self.sha256}"

    def evidence(self, *, score: Score, user, reply: Reply | None = None) -> EvidenceFile:
        """The unsaved row that keeps this file as evidence of `score`'s self-assessment, or of
        `reply` when it came with one."""
        return EvidenceFile(
            score=score,
            reply=reply,
            file=self.name,
            name=self.original_name,
            content_type=self.content_type,
            sha256=self.sha256,
            added_by=user,
        )


@dataclass(frozen=True)
class ScoreEntry:
    """What every writer's entry holds: one participant's points on one leaf, and the
    Score.version its form showed (None: no check, as for files). A write over a newer version
    is refused, so two people never silently overwrite each other."""

    participant: Participant
    leaf: Criterion
    points: object = KEEP  # Decimal, None (cleared) or KEEP
    # Keyword-only, so that it stays after each kind's own columns in the constructor.
    version: int | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class SelfAssessment(ScoreEntry):
    evidence_url: object = KEEP  # the addresses, one a line
    note: object = KEEP  # Score.self_note
    add_files: tuple[StoredFile, ...] = ()
    remove_files: frozenset[int] = frozenset()  # EvidenceFile ids of this score


@dataclass(frozen=True)
class Appraisal(ScoreEntry):
    reason: object = KEEP  # published with the scores
    note: object = KEEP  # Score.appraisal_note: staff only (docs/rules.md)


@dataclass(frozen=True)
class SurveyResult(ScoreEntry):
    respondents: object = KEEP


@dataclass(frozen=True)
class _ScoreColumns:
    """How one writer maps its entries onto Score columns."""

    change: str
    method: str
    points: str
    extra: tuple[tuple[str, str], ...] = field(default=())  # (entry attribute, Score column)
    reason: str = ""  # the entry attribute that is the reason of a points change
    # Columns besides the points whose changes get audit rows too.
    audited: frozenset[str] = frozenset()


# The self-assessment's note and evidence are what the appraiser judges the points by, so a
# change to them is kept in the audit trail as a change to the points is: an address or a file
# added or removed is one row each (old "" or new "").
_SELF = _ScoreColumns(
    Change.SELF_POINTS,
    Criterion.Method.SELF,
    "self_points",
    (("evidence_url", "evidence_url"), ("note", "self_note")),
    audited=frozenset({"evidence_url", "self_note"}),
)
_APPRAISAL = _ScoreColumns(
    Change.APPRAISED_POINTS,
    Criterion.Method.SELF,
    "appraised_points",
    (("reason", "appraisal_reason"), ("note", "appraisal_note")),
    reason="reason",
    # The internal note is kept in the audit like the points; staff.audit keeps it off the
    # screens a unit officer reads.
    audited=frozenset({"appraisal_note"}),
)
_SURVEY = _ScoreColumns(
    Change.SURVEY_POINTS,
    Criterion.Method.SURVEY,
    "survey_points",
    (("respondents", "respondents"),),
)


def set_self_points(
    edition: Edition, entries: Iterable[SelfAssessment], *, user, source: str
) -> Written:
    """A unit's self-assessed points (and evidence) on `self` leaves."""
    return _write_scores(edition, list(entries), _SELF, user=user, source=source)


def appraise(edition: Edition, entries: Iterable[Appraisal], *, user, source: str) -> Written:
    """MoHA's appraised points on `self` leaves, with the reason where they differ."""
    return _write_scores(edition, list(entries), _APPRAISAL, user=user, source=source)


def set_survey_points(
    edition: Edition, entries: Iterable[SurveyResult], *, user, source: str
) -> Written:
    """Points from the sociological survey on `survey` leaves."""
    return _write_scores(edition, list(entries), _SURVEY, user=user, source=source)


def entry_problems(
    edition: Edition, tree: Tree, entry: ScoreEntry, columns: _ScoreColumns
) -> list[Message]:
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
        problem = addresses_problem(url)
        if problem:
            problems.append(problem)
    respondents = getattr(entry, "respondents", KEEP)
    if isinstance(respondents, int) and not 0 <= respondents <= COUNT_LIMIT:
        problems.append(Message("above_limit", {"text": respondents, "limit": COUNT_LIMIT}))
    return problems


def _write_scores(
    edition: Edition, entries: list, columns: _ScoreColumns, *, user, source: str
) -> Written:
    """Check every entry, then write all of them with their audit rows, or nothing."""
    with transaction.atomic():
        units = {entry.participant.unit_id for entry in entries}
        edition = lock_edition(edition, columns.change, user=user, unit_ids=units)
        existing = _checked_scores(edition, entries, columns, user)
        mapping = (("points", columns.points), *columns.extra)
        files = _Files(entries, user)
        created: list[Score] = []
        updated: list[Score] = []
        changes: list[ScoreChange] = []
        unchanged = set()
        for entry in entries:
            key = (entry.participant.pk, entry.leaf.pk)
            score = existing.get(key)
            is_new = score is None
            if score is None:
                score = Score(participant=entry.participant, criterion=entry.leaf)
                existing[key] = score
            changed, audited = _apply(entry, score, mapping, columns)
            files_changed, files_audited = files.apply(entry, score)
            changed, audited = changed or files_changed, audited + files_audited
            changes += [
                ScoreChange(score=score, **change, source=source, user=user) for change in audited
            ]
            if is_new:
                score.version = 1
                created.append(score)
            elif changed:
                updated.append(score)
            else:
                unchanged.add(key)
        Score.objects.bulk_create(created, batch_size=_BATCH)
        _update(updated, [column for _attribute, column in mapping])
        files.write()
        ScoreChange.objects.bulk_create(changes)
    return Written(
        frozenset((s.participant_id, s.criterion_id) for s in created),
        frozenset((s.participant_id, s.criterion_id) for s in updated),
        frozenset(unchanged),
    )


class _Files:
    """The evidence files the entries add and remove: applied to each score in turn, with the
    audit rows' values, then written at once."""

    def __init__(self, entries: list, user) -> None:
        self.user = user
        self.added: list[EvidenceFile] = []
        self.removed: list[int] = []
        wanted = {pk for entry in entries for pk in getattr(entry, "remove_files", ())}
        # Only the self-assessment's own files of these scores: an id of another score's file,
        # or of a reply's, is no file of this entry and is left alone.
        self.removable = {
            item.pk: item for item in EvidenceFile.objects.filter(pk__in=wanted, reply__isnull=True)
        }

    def apply(self, entry, score: Score) -> tuple[bool, list[dict]]:
        audited = []
        for pk in sorted(getattr(entry, "remove_files", ())):
            item = self.removable.get(pk)
            if item is None or score.pk is None or item.score_id != score.pk:
                continue
            self.removed.append(pk)
            old = StoredFile(item.file.name or "", item.name, item.content_type, item.sha256)
            audited.append(_file_change(old.audit_value(), ""))
        for stored in getattr(entry, "add_files", ()):
            self.added.append(stored.evidence(score=score, user=self.user))
            audited.append(_file_change("", stored.audit_value()))
        return bool(audited), audited

    def write(self) -> None:
        EvidenceFile.objects.filter(pk__in=self.removed).delete()
        EvidenceFile.objects.bulk_create(self.added, batch_size=_BATCH)


def _file_change(old: str, new: str) -> dict:
    return {"column": "evidence_file", "old_value": old, "new_value": new, "reason": ""}


def _checked_scores(edition: Edition, entries: list, columns: _ScoreColumns, user) -> dict:
    """The stored scores of the entries by (participant, leaf), once every entry is known to be
    writable; raises Refused with every problem otherwise."""
    tree = Tree.of(edition)
    problems = [p for entry in entries for p in entry_problems(edition, tree, entry, columns)]
    problems += _outside_correction(edition, entries)
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
    if columns.change == Change.SELF_POINTS and role_of(user) == UNIT_OFFICER:
        locked = _submitted(entries)
        if locked:
            raise Refused(locked)
    return existing


def _outside_correction(edition: Edition, entries: list) -> list[Message]:
    """A reopened edition's scores change on the units its correction names only (read under the
    edition's lock, as the reopening wrote them)."""
    scope = correction_units(edition)
    if scope is None:
        return []
    outside = {e.participant.unit for e in entries if e.participant.unit_id not in scope}
    where = {"year": edition.year, "level": edition.level}
    return [
        Message("outside_correction", {"name": unit.name_vi_in(edition.year), **where})
        for unit in sorted(outside, key=lambda unit: unit.code)
    ]


def _apply(entry, score: Score, mapping: tuple, columns: _ScoreColumns) -> tuple[bool, list[dict]]:
    """Sets the entry's values on the score: whether any changed, and the audit rows' values of
    those that are audited (the points, with their reason, and the `audited` columns)."""
    changed = False
    audited = []
    for attribute, column in mapping:
        value = getattr(entry, attribute)
        if value is None and column in _TEXT_COLUMNS:
            value = ""
        if column == "evidence_url" and isinstance(value, str):
            value = "\n".join(addresses(value))
        if value is KEEP or getattr(score, column) == value:
            continue
        old = getattr(score, column)
        setattr(score, column, value)
        changed = True
        if column == "evidence_url":
            audited += _address_changes(old, value)
            continue
        if column == columns.points:
            reason = getattr(entry, columns.reason, KEEP) if columns.reason else ""
            if reason is KEEP:
                reason = getattr(score, "appraisal_reason", "")
        elif column in columns.audited:
            reason = ""
        else:
            continue
        audited.append(
            {
                "column": column,
                "old_value": "" if old is None else str(old),
                "new_value": "" if value is None else str(value),
                "reason": reason or "",
            }
        )
    return changed, audited


_TEXT_COLUMNS = {"evidence_url", "appraisal_reason", "appraisal_note", "self_note"}


def _address_changes(old: str, new: str) -> list[dict]:
    """One audit row per address removed (old value) and per address added (new value)."""
    before, after = addresses(old), addresses(new)
    rows = [{"old_value": url, "new_value": ""} for url in before if url not in after]
    rows += [{"old_value": "", "new_value": url} for url in after if url not in before]
    return [{"column": "evidence_url", **row, "reason": ""} for row in rows]


def _submitted(entries: list) -> list[Message]:
    """A unit officer's submitted self-assessment is no longer theirs to change (docs/rules.md:
    "until they submit it"); read under the edition's lock, so a save racing the submit loses."""
    ids = {entry.participant.pk for entry in entries}
    return [
        submitted_message(participant)
        for participant in Participant.objects.filter(
            pk__in=ids, submitted_at__isnull=False
        ).select_related("unit", "edition")
    ]


def submitted_message(participant: Participant) -> Message:
    when = timezone.localtime(participant.submitted_at)
    return Message(
        "submitted_locked",
        {
            "name": participant.unit.name_vi_in(participant.edition.year),
            "date": formats.date_format(when, "SHORT_DATETIME_FORMAT"),
        },
    )


def _conflicts(entries: list, existing: dict, columns: _ScoreColumns) -> list[Message]:
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
    last: dict[int, ScoreChange] = {}
    for recorded in ScoreChange.objects.filter(
        score__in=[score for _entry, score in stale if score is not None]
    ).select_related("user"):
        last.setdefault(recorded.score_id, recorded)  # newest first (Meta.ordering)
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
