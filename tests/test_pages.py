import pytest
from django.core.management import call_command

from scoring.publish import publish_edition


def test_health_answers_ok(client, db):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_home_page_is_vietnamese_by_default_and_lists_published_editions(client, scored_provinces):
    publish_edition(scored_provinces)

    response = client.get("/")

    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    assert "2019" in response.text
    assert "illustrative" not in response.text.lower()


def test_home_page_is_available_in_english(client, db):
    response = client.get("/en/")

    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "Public Administration Reform Index" in response.text


@pytest.mark.django_db
def test_demo_editions_are_labelled_as_illustrative_on_the_home_page(client):
    call_command("seed_demo", stdout=None)

    response = client.get("/en/")

    assert response.text.count("illustrative demo data, not official results") == 3


def test_home_page_speaks_vietnamese_by_default(client, db):
    response = client.get("/")

    assert "Chỉ số cải cách hành chính" in response.text
    assert response.text.count("do Bộ Nội vụ đánh giá hằng năm.") == 1
    assert "Chưa có kỳ đánh giá nào được công bố." in response.text
