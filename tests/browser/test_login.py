"""A new appraiser signs in through the browser: password, then setting up the authenticator
(the code computed here from the device's secret, as the phone would), then the staff home; the
next sign-in asks for a code. Each page passes axe-core."""

import base64
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.oath import totp

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    new_context,
    open_page,
    screenshot,
    serious_violations,
    sideways_overflow,
)
from tests.staff_fixtures import PASSWORD

pytestmark = pytest.mark.browser


def in_another_thread(work):
    """Database work from a test: Django refuses it in the thread where Playwright's event loop
    runs (see conftest)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


@pytest.fixture
def new_appraiser(site, django_db_blocker):
    def create():
        with django_db_blocker.unblock():
            user = get_user_model().objects.create_user("browser-appraiser", password=PASSWORD)
            user.groups.add(Group.objects.get(name="appraiser"))
            return user

    def delete():
        with django_db_blocker.unblock():
            get_user_model().objects.filter(username="browser-appraiser").delete()

    yield in_another_thread(create)
    in_another_thread(delete)


@pytest.fixture
def page(browser, site):
    """A desktop page that lets axe-core's injected script run under the portal's Content
    Security Policy (script-src 'self')."""
    context = browser.new_context(
        base_url=site.url, viewport={"width": DESKTOP, "height": 900}, bypass_csp=True
    )
    yield context.new_page()
    context.close()


def code(secret: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now for the secret the set-up page prints (or a
    step later: the next one, which django-otp accepts within its tolerance of one step once the
    current one is used)."""
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, drift=steps_ahead):06d}"


def test_an_appraiser_signs_in_sets_up_the_second_factor_and_reaches_the_staff_home(
    new_appraiser, page
):
    open_page(page, "/vi/staff/login/")
    screenshot(page, "staff-login-vi")
    assert serious_violations(page) == []

    page.locator("input[name=username]").fill("browser-appraiser")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.staff-form button[type=submit]").click()

    assert page.url.endswith("/vi/staff/second-factor/setup/?next=%2Fvi%2Fstaff%2F")
    assert page.locator("figure.qr svg").count() == 1
    screenshot(page, "staff-second-factor-setup-vi")
    assert serious_violations(page) == []
    secret = page.locator("code.secret").inner_text()
    page.locator("input[name=code]").fill(code(secret))
    page.locator("form.staff-form button[type=submit]").click()

    assert page.url.endswith("/vi/staff/")
    assert page.locator("form.signed-in").inner_text().count("browser-appraiser") == 1
    screenshot(page, "staff-home-vi")
    assert serious_violations(page) == []

    page.locator("form.signed-in button[type=submit]").click()
    assert page.url.endswith("/vi/staff/login/")
    page.locator("input[name=username]").fill("browser-appraiser")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.staff-form button[type=submit]").click()

    assert page.url.endswith("/vi/staff/second-factor/?next=%2Fvi%2Fstaff%2F")
    screenshot(page, "staff-second-factor-vi")
    assert serious_violations(page) == []
    page.locator("input[name=code]").fill(code(secret, steps_ahead=1))
    page.locator("form.staff-form button[type=submit]").click()

    assert page.url.endswith("/vi/staff/")


# The Vietnamese sign-in page passes axe-core at the start of the test above, at the same width:
# only the English one is left to check.
def test_the_sign_in_page_passes_axe_in_english_too(page):
    open_page(page, "/en/staff/login/")

    assert serious_violations(page) == []


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_sign_in_page_fits_a_phone(browser, site, language):
    context = new_context(browser, site, PHONE)
    phone = context.new_page()
    try:
        open_page(phone, f"/{language}/staff/login/")
        screenshot(phone, f"staff-login-{language}")
        assert sideways_overflow(phone) == []
    finally:
        context.close()
