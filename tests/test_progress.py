"""staff.progress: how far each unit's appraisal has come and where an appraiser is awaited.

The fixture tree (tests/conftest.py) has three `self` leaves: 1.1 (max 8), 2.1 (5), 2.2 (3).
`appraisal_under_way` leaves the three provinces in three different states:

  Hà Nội (01)    self 8, 5, 3   appraised 1.1 only          submitted
  Hải Phòng (31) self 7, 4, –   nothing appraised
  Lào Cai (10)   self 6, 5, 2   appraised 6, 4.5, 1.5 (two deductions)
"""

from decimal import Decimal

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from provinces.models import Unit
from scoring.models import Edition, Participant, Score
from scoring.points import Appraisal, appraise
from scoring.replies import reply
from staff.progress import open_scores, self_leaf_count, with_progress
from tests.conftest import imported
from tests.staff_fixtures import staff_user


def appraisal_under_way(edition: Edition, stage: str = Edition.Status.APPRAISAL) -> Edition:
    imported(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points,appraisal_reason
        2019,province,01,1.1,8,7.5,Thiếu tài liệu kiểm chứng
        2019,province,01,2.1,5,,
        2019,province,01,2.2,3,,
        2019,province,31,1.1,7,,
        2019,province,31,2.1,4,,
        2019,province,10,1.1,6,6,
        2019,province,10,2.1,5,4.5,Chưa đạt
        2019,province,10,2.2,2,1.5,Chưa đạt
        """,
    )
    edition.participants.filter(unit__code="01").update(submitted_at=timezone.now())
    Edition.objects.filter(pk=edition.pk).update(status=stage)
    edition.refresh_from_db()
    return edition


def unit(edition: Edition, code: str) -> Unit:
    return edition.participants.get(unit__code=code).unit


def score(edition: Edition, unit_code: str, leaf: str) -> Score:
    return Score.objects.select_related("participant__edition", "criterion").get(
        participant__edition=edition, participant__unit__code=unit_code, criterion__code=leaf
    )


def progress(participants: QuerySet[Participant]) -> dict[str, tuple[int, int, int, int, int]]:
    return {
        p.unit.code: (p.self_assessed, p.appraised, p.unappraised, p.unanswered, p.open)
        for p in with_progress(participants.select_related("unit"))
    }


@pytest.fixture
def under_way(province_edition) -> Edition:
    return appraisal_under_way(province_edition)


@pytest.fixture
def in_review(province_edition) -> Edition:
    return appraisal_under_way(province_edition, Edition.Status.REVIEW)


def test_each_unit_counts_its_self_assessed_appraised_and_open_leaves(under_way):
    assert self_leaf_count(under_way) == 3
    assert progress(under_way.participants.all()) == {
        "01": (3, 1, 2, 0, 2),
        "31": (2, 0, 2, 0, 2),
        "10": (3, 3, 0, 0, 0),
    }


def test_a_units_reply_opens_its_leaf_until_an_appraiser_replies_or_revises(in_review):
    officer = staff_user("unit_officer", unit=unit(in_review, "10"))
    appraiser = staff_user("appraiser")
    reply(score(in_review, "10", "2.1"), "Đã có văn bản số 12", user=officer)
    reply(score(in_review, "10", "2.2"), "Đã có báo cáo", user=officer)

    assert progress(in_review.participants.all())["10"] == (3, 3, 0, 2, 2)

    reply(score(in_review, "10", "2.2"), "Báo cáo nộp muộn", user=appraiser)
    assert progress(in_review.participants.all())["10"] == (3, 3, 0, 1, 1)

    leaf = score(in_review, "10", "2.1")
    appraise(
        in_review,
        [Appraisal(leaf.participant, leaf.criterion, points=Decimal("5"), reason="Đã bổ sung")],
        user=appraiser,
        source="web",
    )
    assert progress(in_review.participants.all())["10"] == (3, 3, 0, 0, 0)


def test_a_reply_after_the_answer_opens_the_leaf_again(in_review):
    officer = staff_user("unit_officer", unit=unit(in_review, "10"))
    appraiser = staff_user("appraiser")
    leaf = score(in_review, "10", "2.2")
    reply(leaf, "Đã có báo cáo", user=officer)
    reply(leaf, "Báo cáo nộp muộn", user=appraiser)
    reply(leaf, "Báo cáo nộp đúng hạn theo dấu bưu điện", user=officer)

    assert [s.criterion.code for s in open_scores(Score.objects.filter(pk=leaf.pk))] == ["2.2"]


def test_progress_of_every_unit_takes_one_query(under_way, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(progress(under_way.participants.all())) == 3


def test_only_units_with_open_disagreements_can_be_filtered_in_the_database(under_way):
    shown = with_progress(under_way.participants.all()).filter(open__gt=0)

    assert sorted(shown.values_list("unit__code", flat=True)) == ["01", "31"]
