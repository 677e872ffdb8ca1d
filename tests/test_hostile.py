"""Hostile requests are refused with a 4xx, never a 500: control characters in an address or a
parameter, impossible years, pages past the end, and writes to public pages."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from provinces.models import Unit
from scoring.models import Edition
from scoring.permissions import APPRAISER, UNIT_OFFICER
from tests.staff_fixtures import staff_client, verified_client

NUL = "\x00"


@pytest.fixture
def quiet_client(db):
    """A client that gets the error page, as a reader does, instead of the exception."""
    return Client(raise_request_exception=False)


PUBLIC_ADDRESSES = [
    "/en/",
    "/en/rankings/2019/province/",
    "/en/units/ha-noi/",
    "/en/units/ha-noi/report.pdf",
    "/en/compare/province/",
    "/en/search/",
    "/en/map/2019/",
    "/en/charts/ranking/2019/province.svg",
    "/en/charts/field/2019/province/1.svg",
    "/en/embed/ranking/2019/province/",
    "/en/share/ranking/2019/province.png",
    "/en/sipas/",
    "/en/data/",
]


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
@pytest.mark.parametrize("character", [NUL, "\x01", "\x1b", "\x7f"])
def test_a_control_character_in_a_public_parameter_is_a_400(
    quiet_client, published, address, character
):
    response = quiet_client.get(address, {"year": f"2019{character}", "region": character})

    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.text


@pytest.mark.parametrize(
    "address",
    [
        "/en/charts/ranking/2019/pro%00vince.svg",
        "/en/embed/ranking/2019/pro%00vince/",
        "/en/criteria/2019/province/1%00/",
        "/en/rankings/2019/province%01/",
        "/en/staff/appraisal/1/0%001/",
        "/admin/scoring/edition/%00/change/",
    ],
)
def test_a_control_character_in_a_path_segment_is_a_400(quiet_client, published, address):
    response = quiet_client.get(address)

    assert response.status_code == 400


def test_a_control_character_in_a_staff_or_admin_filter_is_a_400(quiet_client, published):
    appraiser = staff_client(quiet_client, APPRAISER)

    assert appraiser.get("/en/staff/appraisal/", {"edition": NUL}).status_code == 400
    assert appraiser.get("/en/staff/changes/", {"kind": NUL}).status_code == 400
    admin = Client(raise_request_exception=False)
    verified_client(admin, get_user_model().objects.create_superuser("root", password="x" * 20))
    assert admin.get("/admin/scoring/edition/", {"level__exact": NUL}).status_code == 400
    assert admin.get("/admin/scoring/edition/", {"level__exact": "province"}).status_code == 200


def test_an_ordinary_parameter_still_reaches_the_page(client, published):
    assert client.get("/en/rankings/2019/province/", {"region": "DBSH"}).status_code == 200


@pytest.mark.parametrize("year", ["-1", "0", "99999", "99999999999999999999999"])
def test_an_impossible_sipas_year_is_a_404(quiet_client, db, year):
    response = quiet_client.get("/vi/sipas/", {"year": year})

    assert response.status_code == 404


@pytest.mark.parametrize("year", ["0", "99999"])
def test_an_impossible_year_in_an_address_is_a_404(quiet_client, published, year):
    for address in (
        f"/en/rankings/{year}/province/",
        f"/en/regions/{year}/",
        f"/en/map/{year}/",
        f"/en/charts/ranking/{year}/province.svg",
        f"/en/sipas/{year}/",
    ):
        assert quiet_client.get(address).status_code == 404, address


@pytest.mark.parametrize("method", ["put", "delete", "patch", "post"])
@pytest.mark.parametrize("address", ["/en/", "/en/rankings/2019/province/", "/robots.txt"])
def test_a_write_to_a_public_page_is_a_405_naming_get_and_head(
    quiet_client, published, method, address
):
    response = getattr(quiet_client, method)(address)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_a_write_to_a_staff_page_still_meets_the_csrf_check(db):
    response = Client(enforce_csrf_checks=True).post("/en/staff/login/", {"username": "a"})

    assert response.status_code == 403


def test_recent_changes_past_the_last_page_is_a_404(quiet_client, published):
    appraiser = staff_client(quiet_client, APPRAISER)

    assert appraiser.get("/en/staff/changes/", {"page": "1"}).status_code == 200
    assert appraiser.get("/en/staff/changes/", {"page": "999999"}).status_code == 404
    assert appraiser.get("/en/staff/changes/", {"page": "0"}).status_code == 404
    assert appraiser.get("/en/staff/changes/", {"page": "x"}).status_code == 404


def test_an_officer_past_the_last_page_is_a_404_too(quiet_client, published):
    unit = Unit.objects.get(code="01", level="province")
    officer = staff_client(quiet_client, UNIT_OFFICER, unit=unit)
    assert Edition.objects.count() == 1

    assert officer.get("/en/staff/changes/", {"page": "2"}).status_code == 404
