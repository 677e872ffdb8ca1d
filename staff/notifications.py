"""Email notifications of the staff workflow (issue 16, item 7), through an outbox.

Who is told what:

- the self-assessment opened: the officers of the edition's participating units;
- the appraisal opened: the appraisers;
- the review opened (deductions ready for reply): the officers of the units with at least one
  deduction (appraised points below the self-assessed points);
- a self-assessment given back: the officers of that unit, with the admin's reason;
- a unit replied to a deduction: the appraisers;
- the self-assessment deadline near (`manage.py remind_deadlines`, run once a day): the officers
  of the units that have not submitted, once per deadline.

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

from scoring.models import Edition, EditionEvent, Participant, Score, UnitAssignment
from scoring.permissions import APPRAISER, UNIT_OFFICER
from staff.models import OutboxMessage
from staff.tasks import send_outbox

LANGUAGES = ("vi", "en")
# How many days before the self-assessment deadline its reminder goes out.
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
    """Queue a reminder to the officers of each unit that has not submitted its self-assessment
    when the edition's deadline is `days` days away or less (and not past); an officer reminded
    of that deadline is not reminded again. Returns how many messages were queued."""
    editions = Edition.objects.filter(
        status=Edition.Status.SELF_ASSESSMENT,
        self_assessment_deadline__gte=today,
        self_assessment_deadline__lte=today + datetime.timedelta(days=days),
    )
    messages = []
    for edition in editions:
        deadline = edition.self_assessment_deadline
        pending = Participant.objects.filter(edition=edition, submitted_at__isnull=True)
        reminded = set(
            OutboxMessage.objects.filter(
                event=Event.DEADLINE_NEAR,
                edition=edition,
                queued_at__date__gte=deadline - datetime.timedelta(days=days),
            ).values_list("user_id", flat=True)
        )
        messages += [
            _for_officer(
                Event.DEADLINE_NEAR,
                edition,
                assignment,
                link="staff:self_assessment",
                deadline=deadline,
            )
            for assignment in _officers(pending.values("unit_id"))
            if assignment.user_id not in reminded
        ]
    with transaction.atomic():
        _write(messages)
    return len(messages)


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


def _deductions(edition) -> dict[int, int]:
    """How many deductions each unit of the edition has, by unit id (units with none left out)."""
    deductions = Score.objects.filter(
        participant__edition=edition,
        self_points__isnull=False,
        appraised_points__lt=F("self_points"),
    )
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
