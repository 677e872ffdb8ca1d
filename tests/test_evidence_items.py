"""Evidence (issue 16, item 6): several files and addresses per sub-criterion, any one removed with
its audit row; the edition's rule for points claimed without evidence on submitting (warn or
refuse); a reply to a deduction with evidence files; the reply deadline on the replies page.

The fixture tree (tests/conftest.py): field 1 = 1.1 self (max 8) + 1.2 survey; field 2 = 2.1 self
(max 5) + 2.2 self (max 3).
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from files.problems import Refused
from scoring.lifecycle import open_self_assessment
from scoring.models import Edition, EditionChange, EvidenceFile, Reply, Score, ScoreChange
from scoring.points import SelfAssessment, set_self_points
from scoring.submission import set_evidence_rule
from staff.bulk import WRITTEN
from tests.conftest import lines
from tests.staff_fixtures import staff_user, verified_client
from tests.test_admin import _edition_form
from tests.test_bulk_entry import CONFIRM, downloaded, rows, set_cell, upload
from tests.test_progress import appraisal_under_way, score, unit

PAGE = "/en/staff/self-assessment/"
SUBMIT = "/en/staff/self-assessment/submit/"
REPLIES = "/en/staff/replies/"
PDF = b"%PDF-1.7\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
EXE = b"MZ\x90\x00" + b"\x00" * 16


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def edition(province_edition):
    return open_self_assessment(province_edition, user=None)


@pytest.fixture
def officer(edition):
    return staff_user("unit_officer", unit=unit(edition, "01"), username="canbo-hanoi")


@pytest.fixture
def officer_client(client, officer):
    return verified_client(client, officer)


def _pk(edition, code: str) -> int:
    return edition.criteria.get(code=code).pk


def _post(client, edition, code="1.1", *, points="6", url="", files=(), remove=(), version=None):
    pk = _pk(edition, code)
    stored = Score.objects.filter(participant__edition=edition, criterion_id=pk).first()
    data = {
        "edition": edition.pk,
        "action": "save",
        f"points-{pk}": points,
        f"note-{pk}": "",
        f"url-{pk}": url,
        f"version-{pk}": version if version is not None else (stored.version if stored else 0),
        f"file-{pk}": list(files),
        f"remove-{pk}": [str(item) for item in remove],
    }
    return client.post(PAGE, data)


def _files() -> list[tuple[str, str]]:
    return list(EvidenceFile.objects.values_list("score__criterion__code", "name"))


def _audit(column: str) -> list[tuple[str, str]]:
    return [
        (change.old_value.split(" ")[0], change.new_value.split(" ")[0])
        for change in ScoreChange.objects.filter(column=column).order_by("id")
    ]


def _upload(name: str, content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/octet-stream")


def test_several_files_and_addresses_are_saved_with_an_audit_row_each_and_listed(
    officer_client, edition, evidence_root
):
    response = _post(
        officer_client,
        edition,
        url="https://hanoi.gov.vn/a.pdf\n\n  https://hanoi.gov.vn/b.pdf \nhttps://hanoi.gov.vn/a.pdf",
        files=[_upload("Kế hoạch.pdf"), _upload("Ảnh.png", PNG)],
    )

    assert response.status_code == 302
    stored = Score.objects.get()
    assert stored.evidence_url == "https://hanoi.gov.vn/a.pdf\nhttps://hanoi.gov.vn/b.pdf"
    assert _files() == [("1.1", "Kế hoạch.pdf"), ("1.1", "Ảnh.png")]
    assert [item.content_type for item in EvidenceFile.objects.all()] == [
        "application/pdf",
        "image/png",
    ]
    assert _audit("evidence_url") == [
        ("", "https://hanoi.gov.vn/a.pdf"),
        ("", "https://hanoi.gov.vn/b.pdf"),
    ]
    names = [item.file.name for item in EvidenceFile.objects.all()]
    assert _audit("evidence_file") == [("", name) for name in names]
    assert sorted(p.relative_to(evidence_root).as_posix() for p in evidence_root.rglob("*.*")) == (
        sorted(names)
    )

    page = officer_client.get(PAGE, {"edition": edition.pk}).content.decode()
    for item in EvidenceFile.objects.all():
        assert f'<a href="/en/staff/evidence/{item.pk}/">{item.name}</a>' in page
        assert f'name="remove-{_pk(edition, "1.1")}" value="{item.pk}"' in page
    assert "https://hanoi.gov.vn/a.pdf\nhttps://hanoi.gov.vn/b.pdf</textarea>" in page


def test_the_appraiser_sees_every_address_and_file(client, officer_client, edition):
    _post(
        officer_client,
        edition,
        url="https://hanoi.gov.vn/a.pdf\nhttps://hanoi.gov.vn/b.pdf",
        files=[_upload("one.pdf"), _upload("two.pdf")],
    )
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.APPRAISAL)
    appraiser = verified_client(client, staff_user("appraiser"))

    page = appraiser.get(f"/en/staff/appraisal/{edition.pk}/01/").content.decode()

    for url in ("https://hanoi.gov.vn/a.pdf", "https://hanoi.gov.vn/b.pdf"):
        assert f'<a href="{url}" rel="noopener noreferrer">{url}</a>' in page
    for item in EvidenceFile.objects.all():
        assert f'<a href="/en/staff/evidence/{item.pk}/">{item.name}</a>' in page
        assert appraiser.get(f"/en/staff/evidence/{item.pk}/").status_code == 200


def test_one_file_and_one_address_are_removed_with_their_audit_rows(officer_client, edition):
    _post(
        officer_client,
        edition,
        url="https://hanoi.gov.vn/a.pdf\nhttps://hanoi.gov.vn/b.pdf",
        files=[_upload("one.pdf"), _upload("two.pdf")],
    )
    one, two = EvidenceFile.objects.all()

    response = _post(officer_client, edition, url="https://hanoi.gov.vn/b.pdf", remove=[one.pk])

    assert response.status_code == 302
    assert _files() == [("1.1", "two.pdf")]
    assert Score.objects.get().evidence_url == "https://hanoi.gov.vn/b.pdf"
    removed = ScoreChange.objects.filter(new_value="").order_by("column")
    assert [(c.column, c.old_value, c.user.username) for c in removed] == [
        ("evidence_file", f"{one.file.name} sha256={one.sha256}", "canbo-hanoi"),
        ("evidence_url", "https://hanoi.gov.vn/a.pdf", "canbo-hanoi"),
    ]
    # The removed file stays in the storage while the audit trail names it.
    from staff.evidence import referenced_names

    assert {one.file.name, two.file.name} <= referenced_names()


def test_another_units_file_is_not_removed_by_naming_its_id(officer_client, edition):
    haiphong = staff_user("unit_officer", unit=unit(edition, "31"))
    _post(verified_client(Client(), haiphong), edition, files=[_upload("theirs.pdf")])
    theirs = EvidenceFile.objects.get()

    response = _post(officer_client, edition, remove=[theirs.pk], version=0)

    assert response.status_code == 302
    assert _files() == [("1.1", "theirs.pdf")]
    assert _audit("evidence_file") == [("", theirs.file.name)]


def test_a_file_of_the_wrong_type_among_several_saves_nothing(officer_client, edition):
    response = _post(
        officer_client, edition, files=[_upload("good.pdf"), _upload("report.pdf", EXE)]
    )

    assert response.status_code == 200
    assert "report.pdf is not a PDF" in response.content.decode()
    assert not Score.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert not ScoreChange.objects.exists()


def test_files_added_together_count_against_the_quota_one_after_another(
    officer_client, edition, settings
):
    settings.EVIDENCE_UNIT_QUOTA_BYTES = len(PDF) * 2 - 1

    response = _post(officer_client, edition, files=[_upload("first.pdf"), _upload("second.pdf")])

    assert response.status_code == 200
    assert "second.pdf would take the unit&#x27;s evidence over its" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert not ScoreChange.objects.exists()


def test_a_bad_address_among_several_is_refused_and_nothing_saved(officer_client, edition):
    response = _post(officer_client, edition, url="https://hanoi.gov.vn/a.pdf\nftp://x")

    assert response.status_code == 200
    assert "&quot;ftp://x&quot; is not a web address" in response.content.decode()
    assert not Score.objects.exists()


def _complete(client, edition, *, evidence_on=("1.1",)):
    for code, points in (("1.1", "6"), ("2.1", "4"), ("2.2", "0")):
        url = f"https://hanoi.gov.vn/{code}.pdf" if code in evidence_on else ""
        assert _post(client, edition, code, points=points, url=url).status_code == 302


def test_warn_lists_points_claimed_without_evidence_and_submits_naming_them(
    officer_client, edition
):
    _complete(officer_client, edition)

    page = officer_client.post(SUBMIT, {"edition": edition.pk}).content.decode()
    assert (
        "Points are claimed without evidence on 1 sub-criterion: 2.1. The appraisers may deduct "
        "points claimed without evidence; you may still submit."
    ) in page
    assert "Yes, submit" in page
    response = officer_client.post(SUBMIT, {"edition": edition.pk, "confirm": "yes"})

    assert response.status_code == 302
    hanoi = edition.participants.get(unit__code="01")
    assert hanoi.submitted_at is not None
    record = EditionChange.objects.get(subject="participant", key="01")
    assert record.new_value == {
        "submitted": hanoi.submitted_at.isoformat(),
        "without_evidence": ["2.1"],
    }


def test_refuse_refuses_the_submission_with_the_list_until_evidence_is_added(
    officer_client, edition
):
    Edition.objects.filter(pk=edition.pk).update(evidence_rule=Edition.EvidenceRule.REFUSE)
    _complete(officer_client, edition, evidence_on=())

    page = officer_client.post(SUBMIT, {"edition": edition.pk}).content.decode()
    assert "Points are claimed without evidence on 2 sub-criteria: 1.1, 2.1. This edition" in page
    assert "Yes, submit" not in page
    page = officer_client.post(SUBMIT, {"edition": edition.pk, "confirm": "yes"}).content.decode()
    assert (
        "points are claimed without evidence on these sub-criteria: 1.1, 2.1; this edition "
        "requires an address or a file wherever points are claimed"
    ) in page
    assert edition.participants.get(unit__code="01").submitted_at is None

    _post(officer_client, edition, "1.1", url="https://hanoi.gov.vn/1.1.pdf")
    _post(officer_client, edition, "2.1", points="4", files=[_upload("2.1.pdf")])
    response = officer_client.post(SUBMIT, {"edition": edition.pk, "confirm": "yes"})

    assert response.status_code == 302
    record = EditionChange.objects.get(subject="participant", key="01")
    assert "without_evidence" not in record.new_value


@pytest.fixture
def in_review(province_edition) -> Edition:
    edition = appraisal_under_way(province_edition, Edition.Status.REVIEW)
    Edition.objects.filter(pk=edition.pk).update(review_deadline=datetime.date(2020, 3, 31))
    edition.refresh_from_db()
    return edition


@pytest.fixture
def laocai_client(client, in_review):
    return verified_client(client, staff_user("unit_officer", unit=unit(in_review, "10")))


def test_a_reply_carries_evidence_files_the_appraiser_sees_with_it(
    client, laocai_client, in_review
):
    deduction = score(in_review, "10", "2.1")

    response = laocai_client.post(
        REPLIES,
        {
            "score": deduction.pk,
            "text": "Đã có văn bản số 12",
            "files": [_upload("Văn bản 12.pdf"), _upload("Ảnh.png", PNG)],
        },
    )

    assert response.status_code == 302
    sent = Reply.objects.get()
    assert [(f.name, f.score_id, f.content_type) for f in sent.files.all()] == [
        ("Văn bản 12.pdf", deduction.pk, "application/pdf"),
        ("Ảnh.png", deduction.pk, "image/png"),
    ]
    # A reply's files are the reply's, not the self-assessment's evidence.
    assert Score.objects.get(pk=deduction.pk).evidence == []
    appraiser = verified_client(client, staff_user("appraiser"))
    page = appraiser.get(f"/en/staff/appraisal/{in_review.pk}/10/").content.decode()
    for item in sent.files.all():
        assert f'<a href="/en/staff/evidence/{item.pk}/">{item.name}</a>' in page
        assert appraiser.get(f"/en/staff/evidence/{item.pk}/").status_code == 200


def test_a_reply_with_a_file_of_the_wrong_type_is_refused_and_nothing_kept(
    laocai_client, in_review, evidence_root
):
    response = laocai_client.post(
        REPLIES,
        {
            "score": score(in_review, "10", "2.1").pk,
            "text": "Đã có văn bản số 12",
            "files": [_upload("good.pdf"), _upload("scan.pdf", EXE)],
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "scan.pdf is not a PDF" in page
    assert "Đã có văn bản số 12</textarea>" in page
    assert not Reply.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert list(evidence_root.rglob("*.*")) == []


def test_a_reply_over_the_quota_is_refused_and_nothing_kept(
    laocai_client, in_review, evidence_root, settings
):
    settings.EVIDENCE_UNIT_QUOTA_BYTES = len(PDF) - 1

    response = laocai_client.post(
        REPLIES,
        {"score": score(in_review, "10", "2.1").pk, "text": "Xem tệp", "files": [_upload("a.pdf")]},
    )

    assert "a.pdf would take the unit&#x27;s evidence over its" in response.content.decode()
    assert not Reply.objects.exists()
    assert list(evidence_root.rglob("*.*")) == []


def test_a_refused_reply_keeps_no_file(client, in_review, evidence_root):
    """Lào Cai's 1.1 was accepted as claimed: not a deduction, so the writer refuses the reply."""
    officer = verified_client(client, staff_user("unit_officer", unit=unit(in_review, "10")))

    response = officer.post(
        REPLIES,
        {"score": score(in_review, "10", "1.1").pk, "text": "Xem", "files": [_upload("a.pdf")]},
    )

    assert "1.1 is not a deduction" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert list(evidence_root.rglob("*.*")) == []


def test_the_replies_page_shows_the_review_deadline(laocai_client, in_review):
    page = laocai_client.get(REPLIES).content.decode()
    assert "Replies are open until 31 March 2020 (the review deadline)." in page

    Edition.objects.filter(pk=in_review.pk).update(review_deadline=None)
    page = laocai_client.get(REPLIES).content.decode()
    assert "No deadline is set for replies: they stay open until the edition is published." in page


def test_the_workbook_holds_several_addresses_one_a_line_and_saves_them(client, edition):
    officer = staff_user("unit_officer", unit=unit(edition, "01"))
    officer_client = verified_client(client, officer)
    _post(officer_client, edition, url="https://hanoi.gov.vn/a.pdf\nhttps://hanoi.gov.vn/b.pdf")
    book = downloaded(officer_client, edition)
    header = rows(book)[0]
    assert "evidence_url" in WRITTEN
    first = next(row for row in rows(book) if row[header.index("criterion")] == "1.1")
    assert first[header.index("evidence_url")] == (
        "https://hanoi.gov.vn/a.pdf\nhttps://hanoi.gov.vn/b.pdf"
    )

    set_cell(book, "1.1", "evidence_url", "https://hanoi.gov.vn/b.pdf\nhttps://hanoi.gov.vn/c.pdf")
    assert upload(officer_client, edition, book).status_code == 200
    assert officer_client.post(CONFIRM, {"edition": edition.pk}).status_code == 302

    assert Score.objects.get().evidence_url == (
        "https://hanoi.gov.vn/b.pdf\nhttps://hanoi.gov.vn/c.pdf"
    )
    assert _audit("evidence_url")[-2:] == [
        ("https://hanoi.gov.vn/a.pdf", ""),
        ("", "https://hanoi.gov.vn/c.pdf"),
    ]


def test_the_writer_removes_only_the_entrys_own_files(officer_client, edition):
    """set_self_points ignores a file id of another score, whoever sends it (imports, a form)."""
    haiphong = staff_user("unit_officer", unit=unit(edition, "31"))
    _post(verified_client(Client(), haiphong), edition, files=[_upload("theirs.pdf")])
    theirs = EvidenceFile.objects.get()
    hanoi = edition.participants.get(unit__code="01")
    leaf = edition.criteria.get(code="1.1")

    set_self_points(
        edition,
        [SelfAssessment(hanoi, leaf, points=Decimal("6"), remove_files=frozenset({theirs.pk}))],
        user=None,
        source="test",
    )

    assert _files() == [("1.1", "theirs.pdf")]
    assert ScoreChange.objects.filter(new_value="").count() == 0


def test_an_admin_chooses_the_rule_in_the_edition_admin_and_its_history_keeps_it(
    client, province_edition
):
    superuser = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "x")
    superuser_client = verified_client(client, superuser)
    address = f"/admin/scoring/edition/{province_edition.pk}/change/"
    assert province_edition.evidence_rule == "warn"

    response = superuser_client.post(
        address, _edition_form(year="2019", level="province", evidence_rule="refuse")
    )

    assert response.status_code == 302
    province_edition.refresh_from_db()
    assert province_edition.evidence_rule == "refuse"
    latest = province_edition.history.first()
    assert (latest.evidence_rule, latest.history_user.username) == ("refuse", "quantri")


def test_an_admin_chooses_the_rule_on_the_staff_edition_screen_recorded_as_a_change(
    client, province_edition
):
    admin = verified_client(client, staff_user("admin", username="quantri-nv"))
    page = admin.get(f"/en/staff/editions/{province_edition.pk}/").content.decode()
    assert '<option value="warn" selected>' in page

    response = admin.post(
        f"/en/staff/editions/{province_edition.pk}/evidence-rule/", {"evidence_rule": "refuse"}
    )

    assert response.status_code == 302
    province_edition.refresh_from_db()
    assert province_edition.evidence_rule == "refuse"
    change = EditionChange.objects.filter(
        edition=province_edition, key=str(province_edition), action="changed"
    )
    assert [(c.old_value, c.new_value, c.user.username) for c in change] == [
        ({"evidence_rule": "warn"}, {"evidence_rule": "refuse"}, "quantri-nv")
    ]


def test_an_officer_or_an_appraiser_may_not_choose_the_rule(client, province_edition):
    address = f"/en/staff/editions/{province_edition.pk}/evidence-rule/"
    for role in ("unit_officer", "appraiser"):
        user = staff_user(
            role, unit=unit(province_edition, "01") if role == "unit_officer" else None
        )
        response = verified_client(Client(), user).post(address, {"evidence_rule": "refuse"})
        assert response.status_code == 403
        with pytest.raises(Refused) as refused:
            set_evidence_rule(province_edition, "refuse", user=user)
        assert lines(refused.value.problems) == ["only an admin chooses the rule on evidence"]
    province_edition.refresh_from_db()
    assert province_edition.evidence_rule == "warn"
    assert not EditionChange.objects.filter(new_value__has_key="evidence_rule").exists()
