"""Email notifications of the staff workflow (issue 16, item 7), through an outbox.

Who is told what:

- the self-assessment opened: the officers of the edition's participating units;
- the appraisal opened: the appraisers;
- the review opened (deductions ready for reply): the officers of the units with at least one
  deduction (appraised points below the self-assessed points);
- a self-assessment given back: the officers of that unit, with the admin's reason;
- a unit replied to a deduction: the appraisers;
- a deadline near (`manage.py remind_deadlines`, run once a day), once per deadline:
  - of the self-assessment: the officers of the units that have not submitted;
  - of the review (the reply deadline): the officers of the units that have a deduction they
    have not replied to, with their count;
  - of the appraisal: the appraisers of the units with self-assessed sub-criteria not appraised
    yet; with a work split (staff.assignments), each appraiser is told only of the units whose
    fields given to them remain, otherwise every appraiser of every such unit.

An account is told only while it is active, holds the role and has an email address. Each
message is written to the outbox (staff.models.OutboxMessage) by a receiver of scoring's signals,
inside the transaction of the act, so a refused or rolled-back act queues nothing; once that
transaction commits, the task `send_outbox` is enqueued and the task worker sends. A send that
fails is recorded on the message (attempts, last error) and tried again later, up to
MAX_ATTEMPTS by the worker (staff/outbox.py sends); `manage.py send_outbox` tries every message
not sent yet.

Every message holds both languages, Vietnamese first: the templates
staff/email/<event>.vi.txt and .en.txt, each a subject line, an empty line and the body, are
written in their own language (a message is read in both at once, whatever the language of the
page that caused it).
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from scoring.models import Criterion, Edition, EditionEvent, Participant, Score, UnitAssignment
from scoring.permissions import APPRAISER, UNIT_OFFICER
from staff.assignments import has_assignments
from staff.models import AppraisalAssignment, OutboxMessage
from staff.progress import UNAPPRAISED
from staff.tasks import send_outbox

LANGUAGES = ("vi", "en")
# How many days before a stage's deadline its reminder goes out.
REMIND_DAYS = 3

Event = OutboxMessage.Event

_OPENED = {
    EditionEvent.Action.OPEN_SELF_ASSESSMENT: Event.SELF_ASSESSMENT_OPENED,
    EditionEvent.Action.OPEN_APPRAISAL: Event.APPRAISAL_OPENED,
    EditionEvent.Action.OPEN_REVIEW: Event.REVIEW_OPENED,
}


# Receivers of scoring.signals, connected in staff.apps.


def on_stage_moved(sender, *, edition, action, **_signal) -> None:
    event = _OPENED.get(action)
    if event == Event.SELF_ASSESSMENT_OPENED:
        _write(
            _for_officer(event, edition, assignment, link="staff:self_assessment")
            for assignment in _participants_officers(edition)
        )
    elif event == Event.APPRAISAL_OPENED:
        context = {
            "edition": edition,
            "link": _screen_addresses("staff:appraisal", edition=edition.pk),
        }
        _write(_message(event, edition, user, context) for user in _appraisers())
    elif event == Event.REVIEW_OPENED:
        counts = _deductions(edition)
        _write(
            _for_officer(
                event,
                edition,
                assignment,
                link="staff:replies",
                deductions=counts[assignment.unit_id],
            )
            for assignment in _officers(list(counts))
        )


def told_of_move(edition, action: str) -> int:
    """How many messages the move would queue now (the confirmation page says it)."""
    event = _OPENED.get(action)
    if event == Event.SELF_ASSESSMENT_OPENED:
        return _participants_officers(edition).count()
    if event == Event.APPRAISAL_OPENED:
        return _appraisers().count()
    if event == Event.REVIEW_OPENED:
        return _officers(list(_deductions(edition))).count()
    return 0


def on_self_assessment_returned(sender, *, participant, reason, **_signal) -> None:
    _write(
        _for_officer(
            Event.SELF_ASSESSMENT_RETURNED,
            participant.edition,
            assignment,
            link="staff:self_assessment",
            reason=reason,
        )
        for assignment in _officers([participant.unit_id])
    )


def on_reply_added(sender, *, reply, **_signal) -> None:
    if reply.role != UNIT_OFFICER:
        return  # an appraiser's answer: the unit reads it on its replies screen
    score = Score.objects.select_related(
        "criterion", "participant__unit", "participant__edition"
    ).get(pk=reply.score_id)
    edition, unit = score.participant.edition, score.participant.unit
    context = {
        "edition": edition,
        "names": unit.names_in(edition.year),
        "code": score.criterion.code,
        "link": _screen_addresses("staff:appraise_unit", edition.pk, unit.code),
    }
    _write(_message(Event.UNIT_REPLIED, edition, user, context) for user in _appraisers())


def remind_deadlines(today, *, days: int = REMIND_DAYS) -> int:
    """Queue the reminders of every stage deadline that is `days` days away or less (and not
    past) in an edition still in that stage: the self-assessment, the reply (review) and the
    appraisal deadline. Nobody is reminded twice of the same deadline. Returns how many messages
    were queued."""
    messages = []
    for status, deadline_field, event, reminders in _DEADLINES:
        for edition, deadline, reminded in _near(status, deadline_field, event, today, days):
            messages += reminders(event, edition, deadline, reminded)
    with transaction.atomic():
        _write(messages)
    return len(messages)


def _near(status: str, deadline_field: str, event: str, today, days: int):
    """(edition, its deadline, the ids of the users already reminded of it) for each edition in
    `status` whose `deadline_field` falls within `days` days from `today`."""
    editions = Edition.objects.filter(
        status=status,
        **{
            f"{deadline_field}__gte": today,
            f"{deadline_field}__lte": today + datetime.timedelta(days=days),
        },
    )
    for edition in editions:
        deadline = getattr(edition, deadline_field)
        # A reminder queued since the deadline came this near was about this very deadline; a
        # deadline moved later is a new one, told again once it comes near.
        reminded = set(
            OutboxMessage.objects.filter(
                event=event,
                edition=edition,
                queued_at__date__gte=deadline - datetime.timedelta(days=days),
            ).values_list("user_id", flat=True)
        )
        yield edition, deadline, reminded


def _self_assessment_reminders(event, edition, deadline, reminded) -> list[OutboxMessage]:
    pending = Participant.objects.filter(edition=edition, submitted_at__isnull=True)
    return [
        _for_officer(event, edition, assignment, link="staff:self_assessment", deadline=deadline)
        for assignment in _officers(pending.values("unit_id"))
        if assignment.user_id not in reminded
    ]


def _reply_reminders(event, edition, deadline, reminded) -> list[OutboxMessage]:
    unanswered = _deductions(edition, unanswered=True)
    return [
        _for_officer(
            event,
            edition,
            assignment,
            link="staff:replies",
            deadline=deadline,
            deductions=unanswered[assignment.unit_id],
        )
        for assignment in _officers(list(unanswered))
        if assignment.user_id not in reminded
    ]


def _appraisal_reminders(event, edition, deadline, reminded) -> list[OutboxMessage]:
    link = _screen_addresses("staff:appraisal", edition=edition.pk)
    assigned = has_assignments(edition)
    context = {"edition": edition, "deadline": deadline, "link": link, "assigned": assigned}
    return [
        _message(
            event,
            edition,
            user,
            {**context, "units": [p.unit.names_in(edition.year) for p in participants]},
        )
        for user, participants in _unappraised_by_appraiser(edition, assigned)
        if user.pk not in reminded
    ]


# Each stage deadline reminded of, in the order its messages are queued: the stage the edition
# must still be in, the edition's field holding the deadline, the event, and who is told what.
_DEADLINES = (
    (
        Edition.Status.SELF_ASSESSMENT,
        "self_assessment_deadline",
        Event.DEADLINE_NEAR,
        _self_assessment_reminders,
    ),
    (Edition.Status.REVIEW, "review_deadline", Event.REPLY_DEADLINE_NEAR, _reply_reminders),
    (
        Edition.Status.APPRAISAL,
        "appraisal_deadline",
        Event.APPRAISAL_DEADLINE_NEAR,
        _appraisal_reminders,
    ),
)


def _unappraised_by_appraiser(edition, assigned: bool) -> list[tuple]:
    """(appraiser, the participants they are awaited on, by unit code), by user name: with
    assignments, each appraiser and the units whose fields given to them hold self-assessed
    sub-criteria without appraised points; without, every appraiser and every such unit."""
    waiting = (
        Score.objects.filter(participant__edition=edition, criterion__method=Criterion.Method.SELF)
        .filter(UNAPPRAISED)
        .select_related("participant__unit", "criterion")
    )
    fields: dict[Participant, set[str]] = {}
    for score in waiting:
        fields.setdefault(score.participant, set()).add(score.criterion.field_code)
    by_code = sorted(fields, key=lambda participant: participant.unit.code)
    if not by_code:
        return []
    if not assigned:
        return [(user, by_code) for user in _appraisers()]
    given = AppraisalAssignment.objects.filter(
        participant__edition=edition,
        appraiser__in=_appraisers(),
    ).select_related("appraiser")
    awaited: dict = {}
    for assignment in given:
        if assignment.field_code in fields.get(assignment.participant, ()):
            awaited.setdefault(assignment.appraiser, set()).add(assignment.participant_id)
    return [
        (user, [p for p in by_code if p.pk in awaited[user]])
        for user in sorted(awaited, key=lambda user: user.username)
    ]


# Writing to the outbox.


def _officers(unit_ids):
    """The assignments of the active officers with an address of these units."""
    return (
        UnitAssignment.objects.filter(
            unit_id__in=unit_ids, user__is_active=True, user__groups__name=UNIT_OFFICER
        )
        .exclude(user__email="")
        .select_related("user", "unit")
        .order_by("unit__code", "user__username")
    )


def _participants_officers(edition):
    return _officers(Participant.objects.filter(edition=edition).values("unit_id"))


def _deductions(edition, *, unanswered: bool = False) -> dict[int, int]:
    """How many deductions each unit of the edition has, by unit id (units with none left out);
    `unanswered`: only those its officers have not replied to yet."""
    deductions = Score.objects.filter(
        participant__edition=edition,
        self_points__isnull=False,
        appraised_points__lt=F("self_points"),
    )
    if unanswered:
        deductions = deductions.exclude(replies__role=UNIT_OFFICER)
    counts: dict[int, int] = {}
    for unit_id in deductions.values_list("participant__unit_id", flat=True):
        counts[unit_id] = counts.get(unit_id, 0) + 1
    return counts


def _appraisers():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=APPRAISER)
        .exclude(email="")
        .order_by("username")
    )


def _for_officer(event, edition, assignment, *, link: str, **extra) -> OutboxMessage:
    context = {
        "edition": edition,
        "names": assignment.unit.names_in(edition.year),
        "link": _screen_addresses(link, edition=edition.pk),
        **extra,
    }
    return _message(event, edition, assignment.user, context)


def _message(event: str, edition, user, context: dict) -> OutboxMessage:
    """The message to `user`, both languages rendered now: it tells of the act as it was."""
    subjects, bodies = [], []
    for language in LANGUAGES:
        with translation.override(language):
            text = render_to_string(
                f"staff/email/{event}.{language}.txt", {**context, "lang": language}
            )
        subject, _blank, body = text.strip().partition("\n")
        subjects.append(subject.strip())
        bodies.append(body.strip())
    return OutboxMessage(
        event=event,
        edition=edition,
        user=user,
        to=user.email,
        subject=" / ".join(subjects)[:300],
        body="\n\n---\n\n".join(bodies) + "\n",
    )


def _write(messages) -> None:
    """Queue the messages in the current transaction; the worker is called once it commits."""
    written = OutboxMessage.objects.bulk_create(list(messages))
    if written:
        # robust: a task queue that fails leaves the act done, the messages waiting for the
        # next send.
        transaction.on_commit(_enqueue_send, robust=True)


def _enqueue_send() -> None:
    send_outbox.enqueue()


def _screen_addresses(name: str, *args, edition: int | None = None) -> dict[str, str]:
    """The address of a staff screen in each language, absolute when PORTAL_URL is set."""
    links = {}
    for language in LANGUAGES:
        with translation.override(language):
            path = reverse(name, args=args)
        if edition is not None:
            path += f"?edition={edition}"
        links[language] = settings.PORTAL_URL + path
    return links
