"""The deadline reminders of `manage.py remind_deadlines` beyond the self-assessment's (issue 16,
item 7, "a deadline near"): the reply (review) deadline tells the officers of the units that still
have a deduction they have not replied to, and the appraisal deadline tells the appraisers of the
units with self-assessed sub-criteria not appraised yet (only their own share once the work is
split). Each is queued in both languages, once per deadline, only in its own stage.

The scored provinces (tests/conftest.py) have deductions on Hà Nội 1.1 and 2.2, Hải Phòng 1.1
and Lào Cai 2.1 and 2.2; every self sub-criterion is appraised.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from scoring.lifecycle import open_appraisal, open_review, open_self_assessment
from scoring.models import Edition, Score
from scoring.replies import reply
from staff.models import AppraisalAssignment, OutboxMessage
from staff.notifications import remind_deadlines
from tests.staff_fixtures import notified_team

# The reminders are told apart by the day they were queued (staff.notifications), so the tests
# run on the real calendar: the deadline two days from today.
TODAY = timezone.localdate()
DEADLINE = TODAY + datetime.timedelta(days=2)
VI_DATE = f"ngày {DEADLINE.day} tháng {DEADLINE.month} năm {DEADLINE.year}"
EN_DATE = f"{DEADLINE.day} {DEADLINE:%B} {DEADLINE.year}"


@pytest.fixture
def team(province_edition, settings):
    """Two officers of Hà Nội, one of Hải Phòng, one of Lào Cai without an address, an inactive
    officer of Lào Cai, three appraisers (one without an address) and an admin."""
    settings.PORTAL_URL = "https://chisocchc.example.vn"
    return notified_team(province_edition, appraisers=("tham", "an", "dinh"))


def outbox() -> list[tuple[str, str]]:
    return [(m.event, m.to) for m in OutboxMessage.objects.order_by("pk")]


def halves(to: str) -> tuple[str, str, str]:
    """(subject, Vietnamese body, English body) of the one message to this address."""
    message = OutboxMessage.objects.get(to=to)
    vietnamese, english = message.body.split("\n\n---\n\n")
    return message.subject, vietnamese, english


def score(unit_code: str, code: str) -> Score:
    return Score.objects.get(participant__unit__code=unit_code, criterion__code=code)


@pytest.fixture
def in_appraisal(scored_provinces, team) -> Edition:
    edition = open_appraisal(
        open_self_assessment(scored_provinces, user=team["quantri"]), user=team["quantri"]
    )
    Edition.objects.filter(pk=edition.pk).update(appraisal_deadline=DEADLINE)
    OutboxMessage.objects.all().delete()
    return Edition.objects.get(pk=edition.pk)


@pytest.fixture
def in_review(in_appraisal, team) -> Edition:
    edition = open_review(in_appraisal, user=team["quantri"])
    Edition.objects.filter(pk=edition.pk).update(review_deadline=DEADLINE)
    OutboxMessage.objects.all().delete()
    return Edition.objects.get(pk=edition.pk)


def test_a_near_reply_deadline_reminds_the_units_with_deductions_not_replied_to_once(
    in_review, team
):
    # Hà Nội answered one of its two deductions; Hải Phòng its only one; an appraiser's answer
    # on Hà Nội 2.2 is not the unit's reply. Lào Cai's officers cannot be written to.
    reply(score("01", "1.1"), "Đã có văn bản số 12/QĐ-UBND", user=team["lan"])
    reply(score("31", "1.1"), "Đã ban hành kế hoạch", user=team["hoa"])
    reply(score("01", "2.2"), "Xin bổ sung tài liệu", user=team["tham"])
    OutboxMessage.objects.all().delete()

    assert remind_deadlines(TODAY - datetime.timedelta(days=2)) == 0  # 4 days away: not yet
    assert remind_deadlines(TODAY) == 2
    assert outbox() == [
        ("reply_deadline_near", "lan@example.vn"),
        ("reply_deadline_near", "minh@example.vn"),
    ]
    subject, vietnamese, english = halves("lan@example.vn")
    assert subject == (
        "[Chỉ số CCHC] Sắp hết hạn phản hồi kết quả thẩm định năm 2019 – Hà Nội / "
        "[PAR Index] The 2019 reply deadline is near – Ha Noi"
    )
    assert (
        f"là {VI_DATE}. Đơn vị còn 1 tiêu chí thành phần bị trừ điểm chưa có ý kiến phản hồi."
        in vietnamese
    )
    assert (
        f"open until {EN_DATE}. Your unit has not replied yet on 1 sub-criterion with deductions."
        in english
    )
    assert f"https://chisocchc.example.vn/en/staff/replies/?edition={in_review.pk}" in english
    # Once per deadline: the next day's run queues nothing more; a passed deadline neither.
    assert remind_deadlines(TODAY + datetime.timedelta(days=1)) == 0
    assert remind_deadlines(DEADLINE + datetime.timedelta(days=1)) == 0
    assert OutboxMessage.objects.count() == 2


def test_a_reply_deadline_moved_later_is_reminded_again(in_review, team):
    assert remind_deadlines(TODAY) == 3  # lan and minh of Hà Nội (2 deductions), hoa (1)
    assert OutboxMessage.objects.get(to="hoa@example.vn").body.count(" 1 sub-criterion ") == 1
    later = DEADLINE + datetime.timedelta(days=20)
    Edition.objects.filter(pk=in_review.pk).update(review_deadline=later)

    assert remind_deadlines(TODAY + datetime.timedelta(days=1)) == 0  # not near yet
    # The day it comes near: once more, with the deductions still unanswered.
    assert remind_deadlines(later - datetime.timedelta(days=3)) == 3
    assert OutboxMessage.objects.filter(event="reply_deadline_near").count() == 6


def test_a_near_appraisal_deadline_reminds_every_appraiser_of_the_units_left(in_appraisal, team):
    # Hà Nội and Lào Cai each have a self-assessed sub-criterion without appraised points; the
    # survey points missing on Hải Phòng are no appraiser's work.
    Score.objects.filter(participant__unit__code__in=["01", "10"], criterion__code="2.2").update(
        appraised_points=None
    )
    Score.objects.filter(participant__unit__code="31", criterion__code="1.2").update(
        survey_points=None
    )

    assert remind_deadlines(TODAY - datetime.timedelta(days=2)) == 0  # 4 days away: not yet
    assert remind_deadlines(TODAY) == 2
    # No work split: every appraiser with an address (not dinh) hears of both units.
    assert outbox() == [
        ("appraisal_deadline_near", "an@example.vn"),
        ("appraisal_deadline_near", "tham@example.vn"),
    ]
    subject, vietnamese, english = halves("tham@example.vn")
    assert subject == (
        "[Chỉ số CCHC] Sắp hết hạn thẩm định năm 2019 (cấp tỉnh): còn 2 đơn vị chưa thẩm định xong"
        " / [PAR Index] The 2019 appraisal deadline is near (provinces): 2 units not fully "
        "appraised"
    )
    assert (
        f"là {VI_DATE}. Còn 2 đơn vị có tiêu chí thành phần tự đánh giá chưa có điểm thẩm định: "
        "Hà Nội, Lào Cai. Tiếp tục" in vietnamese
    )
    assert (
        f"is {EN_DATE}. 2 units still have self-assessed sub-criteria without appraised points: "
        "Ha Noi, Lao Cai. Continue" in english
    )
    assert remind_deadlines(TODAY + datetime.timedelta(days=1)) == 0
    assert remind_deadlines(DEADLINE + datetime.timedelta(days=1)) == 0
    assert OutboxMessage.objects.count() == 2


def test_with_a_work_split_each_appraiser_hears_only_of_the_fields_given_to_them(
    in_appraisal, team
):
    participant = {p.unit.code: p for p in in_appraisal.participants.select_related("unit")}
    for unit_code, field_code, appraiser in [
        ("01", "1", "tham"),
        ("01", "2", "an"),
        ("31", "1", "tham"),
        ("31", "2", "tham"),
        ("10", "1", "an"),
        ("10", "2", "dinh"),
    ]:
        AppraisalAssignment.objects.create(
            participant=participant[unit_code], field_code=field_code, appraiser=team[appraiser]
        )
    # Left: Hà Nội 2.2 (an's field 2), Lào Cai 1.1 (an's field 1) and 2.1 (dinh's, no address).
    Score.objects.filter(participant__unit__code="01", criterion__code="2.2").update(
        appraised_points=None
    )
    Score.objects.filter(participant__unit__code="10", criterion__code__in=["1.1", "2.1"]).update(
        appraised_points=None
    )

    assert remind_deadlines(TODAY) == 1
    assert outbox() == [("appraisal_deadline_near", "an@example.vn")]
    subject, vietnamese, english = halves("an@example.vn")
    assert "còn 2 đơn vị chưa thẩm định xong" in subject
    assert (
        "chưa có điểm thẩm định trong các lĩnh vực được phân công cho quý vị: Hà Nội, Lào Cai."
        in (vietnamese)
    )
    assert "without appraised points in the fields assigned to you: Ha Noi, Lao Cai." in english


def test_a_deadline_of_another_stage_reminds_nobody(in_appraisal, team):
    # In appraisal, the review and self-assessment deadlines are not this stage's.
    Edition.objects.filter(pk=in_appraisal.pk).update(
        appraisal_deadline=None, review_deadline=DEADLINE, self_assessment_deadline=DEADLINE
    )

    assert remind_deadlines(TODAY) == 0


def test_the_command_counts_every_kind_of_reminder(in_review, team):
    out = io.StringIO()

    call_command("remind_deadlines", "--days", "2", stdout=out)

    assert out.getvalue() == "3 reminders queued\n"
    assert sorted(set(outbox())) == [
        ("reply_deadline_near", "hoa@example.vn"),
        ("reply_deadline_near", "lan@example.vn"),
        ("reply_deadline_near", "minh@example.vn"),
    ]
