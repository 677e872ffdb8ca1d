"""scoring.replies: the right of reply. During review a unit officer replies to the deductions on
their own unit; appraisers and admins answer; every reply stays on record.

Lào Cai (10) has two deductions in the fixture (tests/test_progress.py): 2.1 (5 → 4.5) and 2.2
(2 → 1.5); its 1.1 was accepted as claimed (6 → 6).
"""

import pytest

from files.problems import Refused
from scoring.models import Edition, Reply
from scoring.replies import REPLY_MAX_LENGTH, reply
from tests.conftest import lines
from tests.staff_fixtures import staff_user
from tests.test_progress import appraisal_under_way, score, unit


@pytest.fixture
def under_way(province_edition) -> Edition:
    return appraisal_under_way(province_edition)


@pytest.fixture
def in_review(province_edition) -> Edition:
    return appraisal_under_way(province_edition, Edition.Status.REVIEW)


def refusal(call) -> list[str]:
    with pytest.raises(Refused) as refused:
        call()
    return lines(refused.value.problems)


def test_a_unit_officer_replies_to_a_deduction_on_their_unit_during_review(in_review):
    officer = staff_user("unit_officer", unit=unit(in_review, "10"))

    written = reply(score(in_review, "10", "2.1"), "  Đã có văn bản số 12  ", user=officer)

    row = Reply.objects.get()
    assert row == written
    assert (row.score.criterion.code, row.text, row.role, row.user) == (
        "2.1",
        "Đã có văn bản số 12",
        "unit_officer",
        officer,
    )


def test_an_officer_of_another_unit_may_not_reply(in_review):
    officer = staff_user("unit_officer", unit=unit(in_review, "31"))

    assert refusal(lambda: reply(score(in_review, "10", "2.1"), "Sai", user=officer)) == [
        "a unit officer writes for their own unit only"
    ]
    assert Reply.objects.count() == 0


def test_a_unit_officer_may_not_reply_before_review(under_way):
    officer = staff_user("unit_officer", unit=unit(under_way, "10"))

    assert refusal(lambda: reply(score(under_way, "10", "2.1"), "Sớm", user=officer)) == [
        "reply cannot be written while the 2019 province edition is in the Appraisal stage"
    ]


def test_nobody_replies_once_the_edition_is_published(in_review):
    Edition.objects.filter(pk=in_review.pk).update(status=Edition.Status.PUBLISHED)
    appraiser = staff_user("appraiser")

    assert refusal(lambda: reply(score(in_review, "10", "2.1"), "Muộn", user=appraiser)) == [
        "the 2019 province edition is published; a correction must reopen it before anything "
        "is imported into it"
    ]


def test_a_unit_replies_to_deductions_only(in_review):
    officer = staff_user("unit_officer", unit=unit(in_review, "10"))

    assert refusal(lambda: reply(score(in_review, "10", "1.1"), "Đồng ý", user=officer)) == [
        "1.1 is not a deduction (its appraised points are not below the self-assessed points); "
        "a unit replies to deductions only"
    ]


def test_an_appraiser_answers_in_review_on_any_leaf_and_not_before(in_review):
    appraiser = staff_user("appraiser")

    reply(score(in_review, "10", "1.1"), "Đã chấp nhận", user=appraiser)
    assert list(Reply.objects.values_list("role", "text")) == [("appraiser", "Đã chấp nhận")]

    Edition.objects.filter(pk=in_review.pk).update(status=Edition.Status.APPRAISAL)
    assert refusal(lambda: reply(score(in_review, "10", "1.1"), "Lại", user=appraiser)) == [
        "reply cannot be written while the 2019 province edition is in the Appraisal stage"
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("   ", "a reply needs some text"),
        ("x" * (REPLY_MAX_LENGTH + 1), "a reply has at most 5000 characters"),
    ],
)
def test_a_reply_needs_text_of_a_sensible_length(in_review, text, expected):
    officer = staff_user("unit_officer", unit=unit(in_review, "10"))

    assert refusal(lambda: reply(score(in_review, "10", "2.1"), text, user=officer)) == [expected]


def test_the_thread_keeps_every_reply_in_order(in_review):
    officer = staff_user("unit_officer", unit=unit(in_review, "10"))
    appraiser = staff_user("appraiser")
    leaf = score(in_review, "10", "2.2")
    reply(leaf, "Một", user=officer)
    reply(leaf, "Hai", user=appraiser)
    reply(leaf, "Ba", user=officer)

    assert list(leaf.replies.values_list("role", "text")) == [
        ("unit_officer", "Một"),
        ("appraiser", "Hai"),
        ("unit_officer", "Ba"),
    ]
