"""A unit's self-assessment submitted, and given back.

docs/rules.md: a unit officer writes their unit's self-assessment during `self_assessment` and
until they submit it. Submitting checks that every `self` leaf has self-assessed points, then
marks the participant submitted; from then on scoring.points refuses the officer's writes. An
admin may give a submitted self-assessment back, with a written reason. Both are recorded as
EditionChange rows about the participant (who, when, old, new).

Points claimed on a sub-criterion with no evidence (no address, no file): the edition's
evidence_rule, chosen by an admin, either refuses the submission or lets it through (the
confirmation page warns with the list); the submission's record names those sub-criteria.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from files.problems import Message, Refused, register
from scoring.editions import Change, lock_edition
from scoring.models import Criterion, Edition, EditionChange, EvidenceFile, Participant, Score
from scoring.permissions import ADMIN, role_of
from scoring.signals import self_assessment_returned
from scoring.tree import Tree

register(
    # Translators: %(codes)s lists sub-criterion codes, e.g. "1.1, 2.2".
    self_points_missing=gettext_noop(
        "the self-assessment is not complete: %(count)s sub-criteria have no points (%(codes)s)"
    ),
    already_submitted=gettext_noop("the self-assessment of %(name)s is already submitted"),
    not_submitted=gettext_noop("the self-assessment of %(name)s has not been submitted"),
    return_admins_only=gettext_noop("only an admin gives a submitted self-assessment back"),
    return_reason_required=gettext_noop("giving a self-assessment back needs a written reason"),
    # Translators: %(codes)s lists sub-criterion codes, e.g. "1.1, 2.2".
    evidence_rule_admins_only=gettext_noop("only an admin chooses the rule on evidence"),
    evidence_rule_published=gettext_noop(
        "the %(year)s %(level)s edition is published; its rule on evidence no longer changes"
    ),
    evidence_required=gettext_noop(
        # Names the codes rather than counting them: the registry has no plural forms.
        "points are claimed without evidence on these sub-criteria: %(codes)s; this edition "
        "requires an address or a file wherever points are claimed"
    ),
)


def missing_self_points(participant: Participant, tree: Tree | None = None) -> list[str]:
    """The codes of the `self` leaves that have no self-assessed points yet, in tree order."""
    tree = tree or Tree.of(participant.edition)
    entered = set(
        Score.objects.filter(participant=participant, self_points__isnull=False).values_list(
            "criterion_id", flat=True
        )
    )
    return [
        leaf.code
        for leaf in tree.leaves
        if leaf.method == Criterion.Method.SELF and leaf.pk not in entered
    ]


def without_evidence(participant: Participant, tree: Tree | None = None) -> list[str]:
    """The codes of the `self` leaves with points above 0 and neither an evidence address nor a
    file of the self-assessment, in tree order."""
    tree = tree or Tree.of(participant.edition)
    claimed = Score.objects.filter(participant=participant, self_points__gt=0)
    evidenced = set(
        EvidenceFile.objects.filter(score__participant=participant, reply__isnull=True)
        .values_list("score__criterion_id", flat=True)
        .distinct()
    )
    bare = {
        criterion_id
        for criterion_id, urls in claimed.values_list("criterion_id", "evidence_url")
        if not urls.strip() and criterion_id not in evidenced
    }
    return [leaf.code for leaf in tree.leaves if leaf.pk in bare]


def submit_self_assessment(participant: Participant, *, user, source: str = "web") -> Participant:
    """The unit's self-assessment is complete and handed to the appraisers. Points claimed
    without evidence refuse it under the edition's `refuse` rule; under `warn` they are named in
    the submission's record."""
    with transaction.atomic():
        participant = _locked(participant, user)
        name = participant.unit.name_vi_in(participant.edition.year)
        if participant.submitted_at is not None:
            raise Refused([Message("already_submitted", {"name": name})])
        missing = missing_self_points(participant)
        if missing:
            params = {"count": len(missing), "codes": ", ".join(missing)}
            raise Refused([Message("self_points_missing", params)])
        bare = without_evidence(participant)
        if bare and participant.edition.evidence_rule == Edition.EvidenceRule.REFUSE:
            params = {"count": len(bare), "codes": ", ".join(bare)}
            raise Refused([Message("evidence_required", params)])
        participant.submitted_at = timezone.now()
        participant.submitted_by = user
        participant.save(update_fields=["submitted_at", "submitted_by"])
        submitted = participant.submitted_at.isoformat()
        extra = {"without_evidence": bare} if bare else {}
        _record(participant, None, submitted, user=user, source=source, extra=extra)
    return participant


def set_evidence_rule(edition: Edition, rule: str, *, user, source: str = "web") -> Edition:
    """The edition's rule for points claimed without evidence (Edition.EvidenceRule), chosen by
    an admin before publishing; recorded as an EditionChange of the edition."""
    if role_of(user) != ADMIN:
        raise Refused([Message("evidence_rule_admins_only")])
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.is_published:
            where = {"year": edition.year, "level": edition.level}
            raise Refused([Message("evidence_rule_published", where)])
        old = edition.evidence_rule
        if rule != old:
            edition.evidence_rule = Edition.EvidenceRule(rule)
            edition.save(update_fields=["evidence_rule"])
            EditionChange.objects.create(
                edition=edition,
                subject=EditionChange.Subject.EDITION,
                action=EditionChange.Action.CHANGED,
                key=str(edition),
                old_value={"evidence_rule": old},
                new_value={"evidence_rule": rule},
                user=user,
                source=source,
            )
    return edition


def return_self_assessment(
    participant: Participant, *, user, reason: str, source: str = "web"
) -> Participant:
    """An admin gives a submitted self-assessment back to its unit, which may change it again."""
    if role_of(user) != ADMIN:
        raise Refused([Message("return_admins_only")])
    if not reason.strip():
        raise Refused([Message("return_reason_required")])
    with transaction.atomic():
        participant = _locked(participant, user)
        if participant.submitted_at is None:
            name = participant.unit.name_vi_in(participant.edition.year)
            raise Refused([Message("not_submitted", {"name": name})])
        submitted = participant.submitted_at.isoformat()
        participant.submitted_at = None
        participant.submitted_by = None
        participant.save(update_fields=["submitted_at", "submitted_by"])
        _record(participant, submitted, None, user=user, source=source, reason=reason.strip())
        self_assessment_returned.send(
            sender=Participant, participant=participant, user=user, reason=reason.strip()
        )
    return participant


def given_back(participant: Participant) -> EditionChange | None:
    """The give-back the unit has not submitted again since (who, when, the reason), if any."""
    last = (
        EditionChange.objects.filter(
            edition_id=participant.edition_id,
            subject=EditionChange.Subject.PARTICIPANT,
            key=participant.unit.code,
            new_value__has_key="submitted",
        )
        .select_related("user")
        .order_by("-at", "-id")
        .first()
    )
    return last if last is not None and last.new_value["submitted"] is None else None


def _locked(participant: Participant, user) -> Participant:
    """The participant re-read under its edition's lock and its own, if `user` may change its
    self-assessment: the same rule as a write of self points (an officer of this unit during
    self_assessment, or an admin before publishing)."""
    edition = lock_edition(
        participant.edition, Change.SELF_POINTS, user=user, unit_ids=[participant.unit_id]
    )
    locked = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=participant.pk)
    )
    locked.edition = edition
    return locked


def _record(
    participant, old, new, *, user, source: str, reason: str = "", extra: dict | None = None
) -> None:
    new_value = {"submitted": new, **({"reason": reason} if reason else {}), **(extra or {})}
    EditionChange.objects.create(
        edition=participant.edition,
        subject=EditionChange.Subject.PARTICIPANT,
        action=EditionChange.Action.CHANGED,
        key=participant.unit.code,
        old_value={"submitted": old},
        new_value=new_value,
        user=user,
        source=source,
    )
