"""The audit trail records every source of change: web edits, imports (file name and hash), the
Django admin, role changes and unit assignments, and staff/audit.py reads them as one timeline."""

import hashlib
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from provinces.models import Region, Unit
from scoring.imports import import_file
from scoring.lifecycle import open_self_assessment
from scoring.models import Criterion, Participant, UnitAssignment
from scoring.points import SelfAssessment, set_self_points
from staff.audit import Filters, Timeline
from tests.staff_fixtures import staff_user, verified_client


def timeline(**filters) -> list:
    return Timeline(Filters(**filters))[:1000]


def test_a_web_edit_is_recorded_with_its_user_and_source(province_edition):
    hanoi = Unit.objects.get(code="01", level="province")
    officer = staff_user("unit_officer", unit=hanoi)
    open_self_assessment(province_edition, user=None)
    set_self_points(
        province_edition,
        [
            SelfAssessment(
                Participant.objects.get(edition=province_edition, unit=hanoi),
                Criterion.objects.get(edition=province_edition, code="1.1"),
                points=Decimal("6.50"),
            )
        ],
        user=officer,
        source="web",
    )

    [entry] = timeline(kind="score_self")

    assert (entry.who, entry.edition, entry.unit, entry.subject) == (
        officer,
        province_edition,
        hanoi,
        "1.1",
    )
    assert (entry.old, entry.new, entry.source) == ("", "6.50", "web")


def test_an_import_names_its_file_and_its_sha256(province_edition):
    data = "year,level,unit,criterion,self_points,appraised_points,appraisal_reason\n"
    data += "2019,province,31,2.2,3,2.5,Chậm tiến độ\n"
    content = data.encode("utf-8")

    report = import_file("scores", content, "diem_tham_dinh_2019.csv")

    assert report.ok, report.problems
    source = f"import scores diem_tham_dinh_2019.csv sha256={hashlib.sha256(content).hexdigest()}"
    entries = timeline(kind="score_appraised")
    assert [(e.unit.code, e.subject, e.old, e.new, e.reason, e.source) for e in entries] == [
        ("31", "2.2", "", "2.50", "Chậm tiến độ", source)
    ]
    assert entries[0].who is None


def admin_form_data(response) -> dict:
    """What the admin's change form would post back unchanged: its fields and its inlines'."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data


def test_an_admin_edit_of_a_unit_is_recorded_with_the_admin_and_the_old_and_new_values(client, db):
    # The units' first history records come with the reference data (provinces migration 0006),
    # so that the first edit has something to compare with.
    superuser = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "x")
    client = verified_client(client, superuser)
    hanoi = Unit.objects.get(code="01", level="province", valid_until__isnull=True)
    address = f"/admin/provinces/unit/{hanoi.pk}/change/"
    data = admin_form_data(client.get(address))
    data["note"] = "Sửa ghi chú"
    data["region"] = Region.objects.get(code="TDMNPB").pk

    response = client.post(address, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    [entry] = timeline(kind="unit", user=superuser)
    assert (entry.who, entry.unit, entry.source, entry.subject) == (
        superuser,
        hanoi,
        "admin",
        f"{hanoi.name_vi} (01)",
    )
    old_region = Region.objects.get(pk=hanoi.region_id)
    assert entry.old.splitlines() == ["note: —", f"region: {old_region}"]
    assert entry.new.splitlines() == ["note: Sửa ghi chú", "region: Trung du và miền núi phía Bắc"]


def test_a_role_given_to_a_user_is_recorded_as_the_roles_before_and_after(db):
    user = get_user_model().objects.create_user("thamdinh", password="x" * 20)
    user.groups.add(Group.objects.get(name="appraiser"))
    user.groups.add(Group.objects.get(name="admin"))

    entries = timeline(kind="assignment")

    changed = [(e.subject, e.action, e.old, e.new, e.source) for e in entries[:2]]
    assert changed == [
        ("thamdinh", "Changed", "Roles: Appraiser", "Roles: Admin, Appraiser", "command"),
        ("thamdinh", "Changed", "Roles: ", "Roles: Appraiser", "command"),
    ]
    assert [(e.subject, e.action) for e in entries[2:]] == [("thamdinh", "Added")]
    assert not any(line.startswith("password") for line in entries[2].new.splitlines())
    assert "hash" not in entries[2].new


def test_a_unit_assignment_is_recorded_under_its_unit(db):
    hanoi = Unit.objects.get(code="01", level="province", valid_until__isnull=True)
    haiphong = Unit.objects.get(code="31", level="province", valid_until__isnull=True)
    user = get_user_model().objects.create_user("donvi", password="x" * 20)
    assignment = UnitAssignment.objects.create(user=user, unit=hanoi)
    assignment.unit = haiphong
    assignment.save()

    by_hanoi = timeline(kind="assignment", unit=hanoi)
    by_haiphong = timeline(kind="assignment", unit=haiphong)

    assert [(e.subject, e.action, e.new) for e in by_hanoi] == [
        ("donvi", "Added", f"user: donvi\nunit: {hanoi}")
    ]
    assert [(e.subject, e.action, e.old, e.new) for e in by_haiphong] == [
        ("donvi", "Changed", f"unit: {hanoi}", f"unit: {haiphong}")
    ]


def test_the_admin_shows_a_units_history(client, db):
    superuser = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "x")
    client = verified_client(client, superuser)
    hanoi = Unit.objects.get(code="01", level="province", valid_until__isnull=True)
    hanoi.note = "Ghi chú mới"
    hanoi.save()

    response = client.get(f"/admin/provinces/unit/{hanoi.pk}/history/")

    assert response.status_code == 200
    # Newest first, down to the record the reference data started from.
    assert [record.note for record in response.context["page_obj"]] == ["Ghi chú mới", ""]
