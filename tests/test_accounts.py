"""Staff accounts made and changed by `manage.py staff_user` and the Django admin, both through
staff.accounts: exactly one role, a unit for a unit officer and none for the others, Django's
password validators, every change in the account's history with who made it and from where; the
demo accounts of seed_demo."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from files.problems import Refused
from provinces.models import Unit
from scoring.models import UnitAssignment
from scoring.permissions import role_of, unit_of
from staff.accounts import assign_role
from staff.demo import ACCOUNTS, TOTP_KEY_HEX, seed_demo_accounts
from tests.staff_fixtures import PASSWORD, staff_user, verified_client

pytestmark = pytest.mark.django_db

User = get_user_model()


def unit(code: str, level: str = "province") -> Unit:
    """The unit with this code today (codes were reused in 2025)."""
    return Unit.objects.valid_on(timezone.localdate()).get(level=level, code=code)


def staff_command(*args, password: str | None = PASSWORD) -> str:
    out = io.StringIO()
    stdin = io.StringIO(f"{password}\n" if password is not None else "")
    options = ["--password-from-stdin"] if password is not None else []
    import sys

    saved, sys.stdin = sys.stdin, stdin
    try:
        call_command("staff_user", *args, *options, stdout=out)
    finally:
        sys.stdin = saved
    return out.getvalue()


def groups(user) -> list[str]:
    return sorted(group.name for group in User.objects.get(pk=user.pk).groups.all())


# The command


def test_the_command_creates_a_unit_officer_bound_to_their_unit():
    out = staff_command("lan", "--role", "unit_officer", "--unit", "01", "--email", "lan@x.vn")

    lan = User.objects.get(username="lan")
    assert out == "created lan unit_officer province 01\n"
    assert groups(lan) == ["unit_officer"]
    assert unit_of(lan) == unit("01")
    assert lan.email == "lan@x.vn"
    assert lan.check_password(PASSWORD)


def test_the_command_finds_a_ministry_by_its_code():
    staff_command("minh", "--role", "unit_officer", "--unit", "BTP")

    assert unit_of(User.objects.get(username="minh")) == unit("BTP", "ministry")


def test_the_command_creates_an_appraiser_without_a_unit():
    out = staff_command("hoa", "--role", "appraiser")

    assert out == "created hoa appraiser\n"
    assert UnitAssignment.objects.count() == 0


def test_a_unit_officer_without_a_unit_is_refused_and_nothing_is_written():
    with pytest.raises(CommandError, match="a unit officer needs the unit they write for"):
        staff_command("lan", "--role", "unit_officer")

    assert not User.objects.filter(username="lan").exists()


def test_an_appraiser_with_a_unit_is_refused():
    with pytest.raises(CommandError, match="only a unit officer is bound to a unit, not appraiser"):
        staff_command("hoa", "--role", "appraiser", "--unit", "01")

    assert not User.objects.filter(username="hoa").exists()


def test_an_unknown_unit_is_refused():
    with pytest.raises(CommandError, match="no unit with the code or slug 'XYZ'"):
        staff_command("lan", "--role", "unit_officer", "--unit", "XYZ")


def test_a_weak_password_is_refused_by_the_validators():
    with pytest.raises(CommandError, match="This password is too short"):
        staff_command("hoa", "--role", "appraiser", password="abc1")

    assert not User.objects.filter(username="hoa").exists()


def test_a_new_account_needs_a_role():
    with pytest.raises(CommandError, match="a new account needs a --role"):
        staff_command("hoa")


def test_a_new_account_needs_a_password_when_none_can_be_asked():
    with pytest.raises(CommandError, match="a new account needs a password"):
        staff_command("hoa", "--role", "appraiser", password=None)


def test_changing_a_unit_officer_to_an_appraiser_ends_the_unit_binding():
    staff_command("lan", "--role", "unit_officer", "--unit", "01")

    out = staff_command("lan", "--role", "appraiser", password=None)

    lan = User.objects.get(username="lan")
    assert out == "updated lan appraiser\n"
    assert groups(lan) == ["appraiser"]
    assert UnitAssignment.objects.count() == 0


def test_moving_a_unit_officer_to_another_unit_keeps_the_role():
    staff_command("lan", "--role", "unit_officer", "--unit", "01")

    staff_command("lan", "--unit", "31", password=None)

    lan = User.objects.get(username="lan")
    assert groups(lan) == ["unit_officer"]
    assert unit_of(lan) == unit("31")


def test_an_appraiser_cannot_become_a_unit_officer_without_a_unit():
    staff_command("hoa", "--role", "appraiser")

    with pytest.raises(CommandError, match="a unit officer needs the unit they write for"):
        staff_command("hoa", "--role", "unit_officer", password=None)

    assert groups(User.objects.get(username="hoa")) == ["appraiser"]


def test_deactivating_an_account_takes_its_role_away_from_the_rules_but_keeps_the_record():
    staff_command("hoa", "--role", "appraiser")

    out = staff_command("hoa", "--deactivate", password=None)

    hoa = User.objects.get(username="hoa")
    assert out == "updated hoa - inactive\n"
    assert hoa.is_active is False
    assert role_of(hoa) is None
    assert groups(hoa) == ["appraiser"]


def test_the_command_lists_the_accounts():
    staff_command("lan", "--role", "unit_officer", "--unit", "01")
    staff_command("hoa", "--role", "admin")

    out = io.StringIO()
    call_command("staff_user", "--list", stdout=out)

    assert out.getvalue() == "hoa admin\nlan unit_officer province 01\n"


# History


def test_the_command_records_role_and_unit_changes_with_its_reason():
    staff_command("lan", "--role", "unit_officer", "--unit", "01")
    staff_command("lan", "--unit", "31", password=None)
    staff_command("lan", "--role", "appraiser", password=None)

    lan = User.objects.get(username="lan")
    user_rows = list(lan.history.order_by("history_id"))
    assignment_rows = list(UnitAssignment.history.filter(user_id=lan.pk).order_by("history_id"))
    assert [row.history_type for row in user_rows] == ["+", "~", "~"]
    assert {row.history_change_reason for row in user_rows + assignment_rows} == {"command"}
    assert [sorted(g.group.name for g in row.groups.all()) for row in user_rows] == [
        [],
        ["unit_officer"],
        ["appraiser"],
    ]
    assert [(row.history_type, row.unit.code) for row in assignment_rows] == [
        ("+", "01"),
        ("~", "31"),
        ("-", "31"),
    ]


def test_assign_role_records_the_acting_user():
    boss = staff_user("admin", username="boss")
    hoa = User.objects.create_user("hoa")

    assign_role(hoa, "appraiser", by=boss, reason="test")

    row = hoa.history.latest()
    assert row.history_user == boss
    assert row.history_change_reason == "test"


def test_assign_role_refuses_a_role_that_does_not_exist():
    hoa = User.objects.create_user("hoa")

    with pytest.raises(Refused, match="director is not a role"):
        assign_role(hoa, "director", reason="test")


def test_signing_in_adds_no_history_row():
    hoa = staff_user("appraiser", username="hoa")
    before = hoa.history.count()

    from django.test import Client

    Client().post("/en/staff/login/", {"username": "hoa", "password": PASSWORD})

    hoa.refresh_from_db()
    assert hoa.last_login is not None
    assert hoa.history.count() == before


# The Django admin


def admin_form(**fields) -> dict:
    return {
        "username": "lan",
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "role": "",
        "unit": "",
        **fields,
    }


def test_an_admin_creates_a_unit_officer_in_the_django_admin(client):
    boss = staff_user("admin", username="boss")
    verified_client(client, boss)

    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "lan",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "role": "unit_officer",
            "unit": unit("01").pk,
        },
    )

    lan = User.objects.get(username="lan")
    assert response.status_code == 302
    assert groups(lan) == ["unit_officer"]
    assert unit_of(lan) == unit("01")
    assert lan.history.latest().history_user == boss
    assert lan.history.latest().history_change_reason == "admin"
    assignment = UnitAssignment.history.get(user_id=lan.pk)
    assert (assignment.history_user, assignment.history_change_reason) == (boss, "admin")


def test_the_django_admin_refuses_a_unit_officer_without_a_unit(client):
    verified_client(client, staff_user("admin"))
    lan = staff_user("appraiser", username="lan")

    # The admin's addresses have no language prefix: the browser's language decides.
    response = client.post(
        f"/admin/auth/user/{lan.pk}/change/",
        admin_form(role="unit_officer"),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "a unit officer needs the unit they write for" in response.content.decode()
    assert groups(lan) == ["appraiser"]


def test_the_django_admin_refuses_a_unit_for_an_appraiser(client):
    verified_client(client, staff_user("admin"))
    lan = staff_user("appraiser", username="lan")

    response = client.post(
        f"/admin/auth/user/{lan.pk}/change/",
        admin_form(role="appraiser", unit=unit("01").pk),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "only a unit officer is bound to a unit, not appraiser" in response.content.decode()
    assert UnitAssignment.objects.count() == 0


def test_a_role_change_in_the_django_admin_is_in_the_history_with_who_made_it(client):
    boss = staff_user("admin", username="boss")
    verified_client(client, boss)
    lan = staff_user("unit_officer", unit=unit("01"), username="lan")

    response = client.post(f"/admin/auth/user/{lan.pk}/change/", admin_form(role="appraiser"))

    assert response.status_code == 302
    assert groups(lan) == ["appraiser"]
    latest = lan.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (boss, "admin")
    assert sorted(g.group.name for g in latest.groups.all()) == ["appraiser"]
    removed = UnitAssignment.history.filter(user_id=lan.pk).latest()
    assert (removed.history_type, removed.history_user, removed.history_change_reason) == (
        "-",
        boss,
        "admin",
    )
    assert client.get(f"/admin/auth/user/{lan.pk}/history/").status_code == 200


def test_an_admin_who_is_not_a_superuser_cannot_change_a_superuser(client):
    verified_client(client, staff_user("admin"))
    root = User.objects.create_superuser("root", "r@x.vn", PASSWORD)

    response = client.post(f"/admin/auth/user/{root.pk}/change/", admin_form(username="root"))

    assert response.status_code == 403


def test_no_one_deletes_an_account_in_the_django_admin(client):
    verified_client(client, User.objects.create_superuser("root", "r@x.vn", PASSWORD))
    hoa = staff_user("appraiser")

    response = client.post(f"/admin/auth/user/{hoa.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert User.objects.filter(pk=hoa.pk).exists()


# Demo accounts


def test_the_demo_accounts_have_one_role_each_and_the_officer_a_unit():
    made = seed_demo_accounts()

    assert made == [
        "created the demo account demo-unit-officer (unit_officer)",
        "created the demo account demo-appraiser (appraiser)",
        "created the demo account demo-admin (admin)",
    ]
    for username, (role, password) in ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert groups(user) == [role]
        assert user.check_password(password)
    assert unit_of(User.objects.get(username="demo-unit-officer")) == unit("01")
    assert list(
        User.objects.get(username="demo-admin").totpdevice_set.values_list("key", "confirmed")
    ) == [(TOTP_KEY_HEX, True)]


def test_seeding_the_demo_accounts_again_changes_nothing():
    seed_demo_accounts()
    rows = User.history.count()

    assert seed_demo_accounts() == []
    assert User.history.count() == rows


def test_demo_totp_prints_the_current_code_with_debug_on_only(settings):
    from django_otp.oath import totp

    seed_demo_accounts()
    device = User.objects.get(username="demo-admin").totpdevice_set.get()
    settings.DEBUG = True
    out = io.StringIO()

    call_command("demo_totp", "demo-admin", stdout=out)

    assert out.getvalue() == f"{totp(device.bin_key):06d}\n"
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only while DEBUG is on"):
        call_command("demo_totp", "demo-admin")


def test_seed_demo_asks_the_staff_app_for_the_demo_accounts_through_its_signal():
    from scoring.demo import demo_seeded

    replies = demo_seeded.send(sender=None)

    # Other apps answer the signal too (surveys' demo respondents); this is the staff app's part.
    assert [lines for receiver, lines in replies if receiver.__module__ == "staff.demo"] == [
        [
            "created the demo account demo-unit-officer (unit_officer)",
            "created the demo account demo-appraiser (appraiser)",
            "created the demo account demo-admin (admin)",
        ]
    ]
