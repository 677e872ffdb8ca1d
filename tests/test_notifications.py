"""Email notifications (issue 16, item 7): each act of the workflow puts exactly the right
messages in the outbox, in the act's own transaction, both languages in each; the task worker
sends them, and a mail server that fails leaves the act done and the message waiting, counted."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from files.problems import Refused
from scoring.lifecycle import open_appraisal, open_review, open_self_assessment
from scoring.models import Edition, Participant, Score
from scoring.replies import reply
from scoring.submission import submit_self_assessment
from staff.models import OutboxMessage
from staff.outbox import MAX_ATTEMPTS
from staff.tasks import send_outbox
from tests.staff_fixtures import notified_team, staff_user, verified_client

PROJECT = Path(__file__).resolve().parent.parent


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("connection refused by smtp.example.vn:587")


@pytest.fixture
def team(province_edition, settings):
    """Two officers of Hà Nội, one of Hải Phòng, one of Lào Cai without an address, an inactive
    officer of Lào Cai, two appraisers (one without an address) and an admin."""
    settings.PORTAL_URL = "https://chisocchc.example.vn"
    return notified_team(province_edition)


def outbox() -> list[tuple[str, str]]:
    return [(m.event, m.to) for m in OutboxMessage.objects.order_by("pk")]


def test_opening_the_self_assessment_tells_the_officers_of_the_participating_units(
    province_edition, team
):
    open_self_assessment(province_edition, user=team["quantri"])

    assert outbox() == [
        ("self_assessment_opened", "lan@example.vn"),
        ("self_assessment_opened", "minh@example.vn"),
        ("self_assessment_opened", "hoa@example.vn"),
    ]
    message = OutboxMessage.objects.get(to="hoa@example.vn")
    assert message.subject == (
        "[Chỉ số CCHC] Đã mở tự đánh giá năm 2019 – Hải Phòng / "
        "[PAR Index] The 2019 self-assessment is open – Hai Phong"
    )
    vietnamese, english = message.body.split("\n\n---\n\n")
    assert vietnamese.startswith("Kính gửi cán bộ đầu mối của Hải Phòng,")
    assert "https://chisocchc.example.vn/vi/staff/self-assessment/?edition=" in vietnamese
    assert english.startswith("Dear officer of Hai Phong,")
    assert "https://chisocchc.example.vn/en/staff/self-assessment/?edition=" in english
    assert (message.user, message.edition, message.attempts, message.sent_at) == (
        team["hoa"],
        province_edition,
        0,
        None,
    )


def test_opening_the_appraisal_tells_the_appraisers_with_an_address(province_edition, team):
    edition = open_self_assessment(province_edition, user=team["quantri"])
    OutboxMessage.objects.all().delete()

    open_appraisal(edition, user=team["quantri"])

    assert outbox() == [("appraisal_opened", "tham@example.vn")]
    assert OutboxMessage.objects.get().subject == (
        "[Chỉ số CCHC] Đã mở thẩm định năm 2019 (cấp tỉnh) / "
        "[PAR Index] The 2019 appraisal is open (provinces)"
    )


def test_opening_the_review_tells_the_officers_of_units_with_deductions_how_many(
    scored_provinces, team
):
    # Hà Nội lost points on two sub-criteria, Hải Phòng on one, Lào Cai on two (but its one
    # active officer has no address); nobody else hears of it.
    edition = open_appraisal(
        open_self_assessment(scored_provinces, user=team["quantri"]), user=team["quantri"]
    )
    OutboxMessage.objects.all().delete()
    Score.objects.filter(participant__unit__code="31", criterion__code="1.1").update(
        appraised_points=7
    )
    Score.objects.filter(participant__unit__code="01", criterion__code="2.2").update(
        appraised_points=None
    )

    open_review(edition, user=team["quantri"])

    assert outbox() == [("review_opened", "lan@example.vn"), ("review_opened", "minh@example.vn")]
    assert OutboxMessage.objects.first().subject == (
        "[Chỉ số CCHC] Kết quả thẩm định năm 2019 – Hà Nội: 1 tiêu chí thành phần bị trừ điểm / "
        "[PAR Index] 2019 appraisal results – Ha Noi: 1 sub-criterion with deductions"
    )


def test_giving_a_self_assessment_back_tells_that_units_officers_with_the_reason(
    scored_provinces, team, client
):
    edition = open_self_assessment(scored_provinces, user=team["quantri"])
    submit_self_assessment(Participant.objects.get(edition=edition, unit__code="01"), user=None)
    OutboxMessage.objects.all().delete()

    response = verified_client(client, team["quantri"]).post(
        f"/en/staff/editions/{edition.pk}/give-back/01/",
        {"reason": "Thiếu tài liệu kiểm chứng ở 1.1 & 2.2"},
    )

    assert response.status_code == 302
    assert outbox() == [
        ("self_assessment_returned", "lan@example.vn"),
        ("self_assessment_returned", "minh@example.vn"),
    ]
    message = OutboxMessage.objects.first()
    assert message.subject == (
        "[Chỉ số CCHC] Bản tự đánh giá năm 2019 của Hà Nội được trả lại để chỉnh sửa / "
        "[PAR Index] The 2019 self-assessment of Ha Noi is given back for changes"
    )
    # Word for word in both halves: plain text is not escaped.
    assert message.body.count("\nThiếu tài liệu kiểm chứng ở 1.1 & 2.2\n") == 2


def test_a_units_reply_tells_the_appraisers_and_an_appraisers_answer_tells_nobody(
    scored_provinces, team
):
    edition = scored_provinces
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.REVIEW)
    score = Score.objects.get(participant__unit__code="31", criterion__code="1.1")

    reply(score, "Đã có văn bản số 12/QĐ-UBND", user=team["hoa"])
    reply(score, "Văn bản không nêu thời hạn", user=team["tham"])

    assert outbox() == [("unit_replied", "tham@example.vn")]
    message = OutboxMessage.objects.get()
    assert message.subject == (
        "[Chỉ số CCHC] Hải Phòng đã phản hồi về tiêu chí thành phần 1.1 (năm 2019) / "
        "[PAR Index] Hai Phong replied on sub-criterion 1.1 (2019)"
    )
    assert f"https://chisocchc.example.vn/en/staff/appraisal/{edition.pk}/31/" in message.body


def test_a_refused_or_rolled_back_act_queues_nothing(province_edition, team):
    with pytest.raises(Refused):
        open_appraisal(province_edition, user=team["quantri"])  # still a draft
    with pytest.raises(RuntimeError), transaction.atomic():
        open_self_assessment(province_edition, user=team["quantri"])
        raise RuntimeError("something after the move failed")

    assert Edition.objects.get(pk=province_edition.pk).status == "draft"
    assert not OutboxMessage.objects.exists()


def test_the_worker_is_called_once_the_act_commits_and_sends_each_message(
    province_edition, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        open_self_assessment(province_edition, user=team["quantri"])
    assert len(callbacks) == 1
    assert DBTaskResult.objects.get().task_path == "staff.tasks.send_outbox"

    assert send_outbox.call() == "3 sent, 0 failed"

    assert sorted(m.to[0] for m in mail.outbox) == [
        "hoa@example.vn",
        "lan@example.vn",
        "minh@example.vn",
    ]
    assert mail.outbox[0].from_email == "parindex@localhost"
    sent = OutboxMessage.objects.order_by("pk")
    assert [(m.attempts, m.sent_at is not None) for m in sent] == [(1, True)] * 3
    assert mail.outbox[0].subject == sent[0].subject
    assert send_outbox.call() == "0 sent, 0 failed"  # nothing is sent twice
    assert len(mail.outbox) == 3


def test_a_mail_server_that_fails_leaves_the_act_done_and_the_message_waiting(
    scored_provinces, team, client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.test_notifications.RefusingBackend"
    edition = open_self_assessment(scored_provinces, user=team["quantri"])
    participant = Participant.objects.get(edition=edition, unit__code="31")
    submit_self_assessment(participant, user=None)
    OutboxMessage.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        response = verified_client(client, team["quantri"]).post(
            f"/en/staff/editions/{edition.pk}/give-back/31/", {"reason": "Thiếu chữ ký"}
        )
    assert response.status_code == 302
    assert send_outbox.call() == "0 sent, 1 failed"

    participant.refresh_from_db()
    assert participant.submitted_at is None
    message = OutboxMessage.objects.get()
    assert (message.to, message.attempts, message.sent_at) == ("hoa@example.vn", 1, None)
    assert message.last_error == (
        "ConnectionRefusedError: connection refused by smtp.example.vn:587"
    )
    # The worker comes back for it later: a second task, to run in ten minutes.
    retry = DBTaskResult.objects.order_by("enqueued_at").last()
    assert (retry.task_path, DBTaskResult.objects.count()) == ("staff.tasks.send_outbox", 2)
    assert 590 < (retry.run_after - message.queued_at).total_seconds() < 660

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_outbox", stdout=(out := _Lines()))
    assert out.text == "1 sent, 0 failed\n"
    message.refresh_from_db()
    assert (message.attempts, message.sent_at is not None, len(mail.outbox)) == (2, True, 1)


def test_the_worker_gives_up_after_its_tries_and_the_command_still_tries(
    province_edition, team, settings
):
    settings.EMAIL_BACKEND = "tests.test_notifications.RefusingBackend"
    open_self_assessment(province_edition, user=team["quantri"])
    OutboxMessage.objects.exclude(to="hoa@example.vn").delete()
    OutboxMessage.objects.update(attempts=MAX_ATTEMPTS)

    assert send_outbox.call() == "0 sent, 0 failed"
    assert DBTaskResult.objects.filter(task_path="staff.tasks.send_outbox").count() == 0

    with pytest.raises(CommandError):
        call_command("send_outbox", stdout=_Lines())
    assert OutboxMessage.objects.get().attempts == MAX_ATTEMPTS + 1


def test_no_address_no_message_and_a_role_taken_away_no_message(province_edition, team):
    team["hoa"].groups.set([Group.objects.get(name="appraiser")])

    open_self_assessment(province_edition, user=team["quantri"])

    assert outbox() == [
        ("self_assessment_opened", "lan@example.vn"),
        ("self_assessment_opened", "minh@example.vn"),
    ]


class _Lines:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


# The settings, read in a fresh interpreter as tests/test_settings.py does.

SHOW = """
import json
from django.conf import settings
print(json.dumps([settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT,
                  settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL, settings.DEFAULT_FROM_EMAIL]))
"""
KEY = "settings-tests-secret-key-long-enough-for-deploy-check"


def email_settings(**env: str) -> subprocess.CompletedProcess:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("EMAIL_", "DEFAULT_FROM", "PORTAL_URL", "DEBUG"))
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="parindex.settings", SECRET_KEY=KEY)
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        env=environment,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_mail_goes_to_the_console_in_development_and_over_smtp_when_a_server_is_set():
    development = email_settings(DEBUG="1")
    production = email_settings(
        EMAIL_HOST="smtp.example.vn", DEFAULT_FROM_EMAIL="chisocchc@example.vn", EMAIL_USE_SSL="1"
    )
    unset = email_settings()

    assert json.loads(development.stdout) == [
        "django.core.mail.backends.console.EmailBackend",
        "",
        587,
        True,
        False,
        "parindex@localhost",
    ]
    assert json.loads(production.stdout) == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.vn",
        465,
        False,
        True,
        "chisocchc@example.vn",
    ]
    # Nothing is lost: each send fails saying why, and the messages wait in the outbox.
    assert json.loads(unset.stdout)[0] == "staff.outbox.NoServerBackend"


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"EMAIL_HOST": "smtp.example.vn"}, "DEFAULT_FROM_EMAIL must be set with EMAIL_HOST"),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT='smtp' is not a whole number."),
        ({"EMAIL_USE_TLS": "sometimes"}, "EMAIL_USE_TLS='sometimes' is not a boolean"),
        (
            {"EMAIL_USE_SSL": "1", "EMAIL_USE_TLS": "1"},
            "EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.",
        ),
        ({"DEFAULT_FROM_EMAIL": "chisocchc"}, "DEFAULT_FROM_EMAIL='chisocchc' is not an address."),
        ({"EMAIL_HOST_USER": "guitin"}, "EMAIL_HOST_USER is set but EMAIL_HOST_PASSWORD is not."),
        ({"PORTAL_URL": "chisocchc.vn"}, "PORTAL_URL='chisocchc.vn' must start with https://"),
    ],
)
def test_email_settings_it_does_not_understand_stop_the_process(env, error):
    result = email_settings(**env)

    assert result.returncode != 0
    assert error in result.stderr


def test_an_admin_reads_the_outbox_in_the_django_admin_and_no_one_changes_it(
    client, province_edition, team
):
    from tests.staff_fixtures import verified_client

    open_self_assessment(province_edition, user=team["quantri"])
    message = OutboxMessage.objects.get(to="hoa@example.vn")
    admin = verified_client(client, staff_user("admin", username="outbox-admin"))

    listed = admin.get("/admin/staff/outboxmessage/")
    assert listed.status_code == 200
    assert "hoa@example.vn" in listed.text
    assert admin.get(f"/admin/staff/outboxmessage/{message.pk}/change/").status_code == 200
    assert admin.get("/admin/staff/outboxmessage/add/").status_code == 403
    admin.post(f"/admin/staff/outboxmessage/{message.pk}/change/", {"to": "x@example.vn"})
    assert OutboxMessage.objects.get(pk=message.pk).to == "hoa@example.vn"


def test_an_appraiser_does_not_see_the_outbox_in_the_django_admin(client, province_edition, team):
    from tests.staff_fixtures import verified_client

    appraiser = verified_client(client, staff_user("appraiser", username="outbox-appraiser"))

    assert appraiser.get("/admin/staff/outboxmessage/").status_code in (302, 403)


def test_a_near_self_assessment_deadline_reminds_the_units_that_have_not_submitted_once(
    province_edition, team
):
    import datetime

    from staff.notifications import remind_deadlines

    edition = open_self_assessment(province_edition, user=team["quantri"])
    OutboxMessage.objects.all().delete()
    today = datetime.date(2026, 12, 7)
    Edition.objects.filter(pk=edition.pk).update(
        self_assessment_deadline=datetime.date(2026, 12, 9)
    )
    # Hải Phòng has submitted (set here: the submission's own rules are tested elsewhere).
    Participant.objects.filter(edition=edition, unit__code="31").update(
        submitted_at=datetime.datetime(2026, 12, 6, tzinfo=datetime.UTC)
    )

    assert remind_deadlines(today - datetime.timedelta(days=2)) == 0  # 4 days away: not yet
    assert remind_deadlines(today) == 2
    assert outbox() == [("deadline_near", "lan@example.vn"), ("deadline_near", "minh@example.vn")]
    message = OutboxMessage.objects.get(to="lan@example.vn")
    vietnamese, english = message.body.split("\n\n---\n\n")
    assert "là ngày 9 tháng 12 năm 2026, và đơn vị chưa gửi" in vietnamese
    assert "The deadline for the 2019 PAR Index self-assessment is 9 December 2026" in english
    # Once per deadline: the next day's run queues nothing more.
    assert remind_deadlines(today + datetime.timedelta(days=1)) == 0
    # A deadline passed: no reminder.
    assert remind_deadlines(datetime.date(2026, 12, 10)) == 0


def test_the_reminder_command_says_how_many_it_queued(province_edition, team):
    import io

    out = io.StringIO()
    call_command("remind_deadlines", stdout=out)

    assert out.getvalue() == "0 reminders queued\n"
