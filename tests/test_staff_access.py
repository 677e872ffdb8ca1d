"""Signing in and who may open what: the password (with django-axes' lockout per user name and
address together), the second factor for appraisers and admins on the staff screens and the
Django admin, the demo accounts only with DEBUG on."""

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from provinces.models import Unit
from scoring.models import Edition
from staff.demo import ACCOUNTS, seed_demo_accounts
from tests.staff_fixtures import PASSWORD, staff_user, verified_client

pytestmark = pytest.mark.django_db

HOME = "/en/staff/"
LOGIN = "/en/staff/login/"
SECOND_FACTOR = "/en/staff/second-factor/"
SETUP = "/en/staff/second-factor/setup/"


def hanoi() -> Unit:
    return Unit.objects.get(level="province", code="01")


def sign_in(client, username, password=PASSWORD, address="10.0.0.1", next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data, REMOTE_ADDR=address)


def current_code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=6):06d}"


# Password and lockout


def test_a_unit_officer_signs_in_with_the_password_alone_and_reaches_the_staff_home(client):
    staff_user("unit_officer", unit=hanoi(), username="officer")

    response = sign_in(client, "officer")

    assert response.status_code == 302
    assert response.url == HOME
    assert client.get(HOME).status_code == 200


def test_an_appraiser_is_sent_to_the_second_factor_after_the_password(client):
    staff_user("appraiser", username="appraiser")

    response = sign_in(client, "appraiser")

    assert response.status_code == 302
    assert response.url == SECOND_FACTOR + "?next=%2Fen%2Fstaff%2F"


def test_a_wrong_password_is_refused_with_the_form_again(client):
    staff_user("admin", username="boss")

    response = sign_in(client, "boss", password="wrong")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"Please enter a correct username and password" in response.content


def test_an_account_without_a_role_cannot_sign_in_to_the_staff_screens(client):
    get_user_model().objects.create_user("nobody", password=PASSWORD)

    response = sign_in(client, "nobody")

    assert response.status_code == 200
    assert b"This account has no staff role" in response.content


def test_five_wrong_passwords_from_one_address_pause_that_account_there(client):
    staff_user("admin", username="boss")
    for _attempt in range(4):
        assert sign_in(client, "boss", password="wrong").status_code == 200

    fifth = sign_in(client, "boss", password="wrong")
    right_password = sign_in(client, "boss")

    assert fifth.status_code == 429
    assert right_password.status_code == 429
    assert b"Sign-in paused" in right_password.content
    assert b"Try again in 30 minutes." in right_password.content
    assert "_auth_user_id" not in client.session


def test_the_pause_holds_for_that_address_only(client):
    staff_user("admin", username="boss")
    for _attempt in range(5):
        sign_in(client, "boss", password="wrong")

    elsewhere = sign_in(client, "boss", address="10.0.0.2")

    assert elsewhere.status_code == 302


def test_the_pause_holds_for_that_account_only(client):
    staff_user("admin", username="boss")
    staff_user("appraiser", username="colleague")
    for _attempt in range(5):
        sign_in(client, "boss", password="wrong")

    colleague = sign_in(client, "colleague")

    assert colleague.status_code == 302


def test_four_wrong_passwords_do_not_pause(client):
    staff_user("admin", username="boss")
    for _attempt in range(4):
        sign_in(client, "boss", password="wrong")

    assert sign_in(client, "boss").status_code == 302


def test_the_paused_page_is_in_vietnamese_under_vi(client):
    staff_user("admin", username="boss")
    for _attempt in range(5):
        response = client.post(
            "/vi/staff/login/", {"username": "boss", "password": "x"}, REMOTE_ADDR="10.0.0.1"
        )

    assert response.status_code == 429
    assert response.headers["Content-Language"] == "vi"


def test_signing_out_is_a_post(client):
    verified_client(client, staff_user("admin"))

    assert client.get("/en/staff/logout/").status_code == 405
    assert client.post("/en/staff/logout/").status_code == 302
    assert client.get(HOME).status_code == 302


# The second factor


@pytest.mark.parametrize("role", ["appraiser", "admin"])
def test_an_appraiser_or_admin_without_the_second_factor_is_sent_to_it(client, role):
    client.force_login(staff_user(role))

    response = client.get(HOME)

    assert response.status_code == 302
    assert response.url == SECOND_FACTOR + "?next=/en/staff/"


@pytest.mark.parametrize("role", ["appraiser", "admin"])
def test_a_verified_appraiser_or_admin_opens_the_staff_home(client, role):
    response = verified_client(client, staff_user(role)).get(HOME)

    assert response.status_code == 200


def test_a_unit_officer_without_a_device_needs_no_second_factor(client):
    client.force_login(staff_user("unit_officer", unit=hanoi()))

    assert client.get(HOME).status_code == 200


def test_a_unit_officer_who_set_up_a_device_passes_it_too(client):
    officer = staff_user("unit_officer", unit=hanoi())
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client.force_login(officer)

    assert client.get(HOME).status_code == 302


def test_the_right_code_passes_the_second_factor_and_goes_on(client):
    admin = staff_user("admin")
    client.force_login(admin)

    response = client.post(
        SECOND_FACTOR, {"code": current_code(admin.totpdevice_set.get()), "next": "/en/staff/"}
    )

    assert response.status_code == 302
    assert response.url == "/en/staff/"
    assert client.get(HOME).status_code == 200


def test_a_wrong_code_is_refused(client):
    admin = staff_user("admin")
    client.force_login(admin)
    wrong = f"{(int(current_code(admin.totpdevice_set.get())) + 1) % 1000000:06d}"

    response = client.post(SECOND_FACTOR, {"code": wrong})

    assert response.status_code == 200
    assert b"This code is not right" in response.content
    assert client.get(HOME).status_code == 302


def test_a_code_is_accepted_once(client):
    admin = staff_user("admin")
    code = current_code(admin.totpdevice_set.get())
    client.force_login(admin)
    client.post(SECOND_FACTOR, {"code": code})
    client.logout()
    client.force_login(admin)

    again = client.post(SECOND_FACTOR, {"code": code})

    assert b"This code is not right, or has been used already" in again.content


def test_a_next_address_of_another_site_is_not_followed(client):
    admin = staff_user("admin")
    client.force_login(admin)

    response = client.post(
        SECOND_FACTOR,
        {"code": current_code(admin.totpdevice_set.get()), "next": "https://evil.example/"},
    )

    assert response.url == "/en/staff/"


def test_an_appraiser_without_a_device_is_sent_to_set_one_up(client):
    appraiser = staff_user("appraiser")
    appraiser.totpdevice_set.all().delete()
    client.force_login(appraiser)

    response = client.get(SECOND_FACTOR)

    assert response.status_code == 302
    assert response.url == SETUP + "?next=%2Fen%2Fstaff%2F"


def test_setting_up_shows_a_qr_code_and_the_secret_and_confirms_with_a_code(client):
    appraiser = staff_user("appraiser")
    appraiser.totpdevice_set.all().delete()
    client.force_login(appraiser)

    page = client.get(SETUP)
    device = TOTPDevice.objects.get(user=appraiser)
    confirmed = client.post(SETUP, {"code": current_code(device)})

    assert page.status_code == 200
    assert b'<svg width="' in page.content
    assert device.confirmed is False
    assert confirmed.status_code == 302
    assert TOTPDevice.objects.get(user=appraiser).confirmed is True
    assert client.get(HOME).status_code == 200


def test_the_set_up_page_keeps_one_secret_until_it_is_confirmed(client):
    appraiser = staff_user("appraiser")
    appraiser.totpdevice_set.all().delete()
    client.force_login(appraiser)

    client.get(SETUP)
    client.get(SETUP)

    assert TOTPDevice.objects.filter(user=appraiser).count() == 1


def test_a_user_with_a_device_cannot_set_up_another_with_the_password_alone(client):
    appraiser = staff_user("appraiser")
    client.force_login(appraiser)

    response = client.get(SETUP)

    assert response.status_code == 302
    assert response.url.startswith(SECOND_FACTOR)
    assert TOTPDevice.objects.filter(user=appraiser).count() == 1


def test_the_second_factor_page_asks_to_sign_in_first(client):
    response = client.get(SECOND_FACTOR)

    assert response.status_code == 302
    assert response.url.startswith("/en/staff/login/")


# The Django admin


def test_a_verified_admin_opens_the_django_admin(client):
    assert verified_client(client, staff_user("admin")).get("/admin/").status_code == 200


def test_an_unverified_admin_is_sent_from_the_django_admin_to_the_second_factor(client):
    client.force_login(staff_user("admin"))

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == "/vi/staff/second-factor/?next=%2Fadmin%2F"


def test_a_superuser_from_createsuperuser_must_set_up_a_second_factor_for_the_admin(client):
    root = get_user_model().objects.create_superuser("root", "r@example.vn", PASSWORD)
    client.force_login(root)

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == "/vi/staff/second-factor/setup/?next=%2Fadmin%2F"


def test_a_verified_superuser_opens_the_django_admin(client):
    root = get_user_model().objects.create_superuser("root", "r@example.vn", PASSWORD)

    assert verified_client(client, root).get("/admin/").status_code == 200


@pytest.mark.parametrize("role", ["appraiser", "unit_officer"])
def test_the_django_admin_refuses_other_roles_even_verified(client, role):
    user = staff_user(role, unit=hanoi() if role == "unit_officer" else None)

    response = verified_client(client, user).get("/admin/", follow=True)

    assert response.status_code == 403


def test_an_anonymous_visitor_of_the_django_admin_is_sent_to_the_staff_sign_in(client):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == "/vi/staff/login/?next=/admin/"


# The demo accounts


@pytest.mark.parametrize("username", sorted(ACCOUNTS))
def test_the_demo_accounts_sign_in_while_debug_is_on(client, settings, username):
    settings.DEBUG = True
    seed_demo_accounts()

    response = sign_in(client, username, password=ACCOUNTS[username][1])

    assert response.status_code == 302


@pytest.mark.parametrize("username", sorted(ACCOUNTS))
def test_the_demo_accounts_are_refused_without_debug(client, username):
    seed_demo_accounts()

    with override_settings(DEBUG=False):
        response = sign_in(client, username, password=ACCOUNTS[username][1])

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# The staff home


def test_the_admins_home_links_to_the_django_admin_and_the_appraisers_does_not(client):
    admin_home = verified_client(client, staff_user("admin")).get(HOME).content.decode()
    appraiser_home = verified_client(client, staff_user("appraiser")).get(HOME).content.decode()

    assert 'href="/admin/"' in admin_home
    assert 'href="/admin/"' not in appraiser_home


def test_the_home_lists_the_open_editions_and_an_officer_only_those_of_their_unit(
    client, province_edition, ministry_edition
):
    from scoring.lifecycle import open_self_assessment

    open_self_assessment(province_edition, user=None)
    open_self_assessment(ministry_edition, user=None)
    officer = staff_user("unit_officer", unit=hanoi())

    admin_home = verified_client(client, staff_user("admin")).get(HOME)
    officer_home = verified_client(client, officer).get(HOME)

    assert [(e.year, e.level) for e in admin_home.context["editions"]] == [
        (2019, "ministry"),
        (2019, "province"),
    ]
    assert [(e.year, e.level) for e in officer_home.context["editions"]] == [(2019, "province")]
    assert f"You are the unit officer of {hanoi().name_en}." in officer_home.content.decode()
    # Each open edition leads to the screen the role works on in its stage.
    pk = province_edition.pk
    assert (
        f'Self-assessment · <a href="/en/staff/self-assessment/?edition={pk}">'
        "Enter the self-assessment</a>" in officer_home.content.decode()
    )
    appraiser_home = verified_client(client, staff_user("appraiser")).get(HOME).content.decode()
    assert "/en/staff/appraisal/?edition=" not in appraiser_home
    Edition.objects.filter(pk=pk).update(status=Edition.Status.APPRAISAL)
    appraiser_home = client.get(HOME).content.decode()
    assert (
        f'Appraisal · <a href="/en/staff/appraisal/?edition={pk}">Appraise the units</a>'
        in appraiser_home
    )


def test_the_home_is_never_cached(client):
    response = verified_client(client, staff_user("admin")).get(HOME)

    assert "no-store" in response.headers["Cache-Control"]
