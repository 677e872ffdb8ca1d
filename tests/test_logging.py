"""One key=value line per request (method, path, status, duration, queries, cache) and per
import, publish and stage change on "parindex.audit"."""

import logging
import re

import pytest

from runtime.logs import audit_log, fields
from scoring.lifecycle import open_self_assessment


@pytest.fixture(autouse=True)
def page_cache(settings):
    """On here whatever the other tests' default: this is what it is about."""
    settings.PAGE_CACHE = True


def request_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "parindex.request"]


def test_every_request_is_one_line_with_status_duration_and_query_count(client, published, caplog):
    caplog.set_level(logging.INFO, logger="parindex")

    client.get("/en/rankings/2019/province/?sort=index")
    client.get("/en/rankings/2019/province/?sort=index")

    first, second = request_lines(caplog)
    pattern = (
        r"method=GET path=/en/rankings/2019/province/ status=200 "
        r"duration_ms=\d+\.\d queries=(\d+) cache=(\w+)"
    )
    assert re.fullmatch(pattern, first).groups()[1] == "miss"
    assert int(re.fullmatch(pattern, first).group(1)) > 0
    assert re.fullmatch(pattern, second).groups() == ("0", "hit")


def test_the_query_string_stays_out_of_the_log(client, db, caplog):
    caplog.set_level(logging.INFO, logger="parindex")

    client.get("/en/search/?q=private+words")

    assert "private" not in request_lines(caplog)[0]


def test_a_publish_is_an_audit_line(scored_provinces, caplog):
    from scoring.publish import publish_edition

    caplog.set_level(logging.INFO, logger="parindex.audit")

    publish_edition(scored_provinces)

    assert [r.getMessage() for r in caplog.records if r.name == "parindex.audit"] == [
        "event=publish edition=2019/province"
    ]


def test_an_import_is_an_audit_line_with_its_file_hash_and_counts(province_edition, caplog):
    import hashlib

    from scoring.imports import import_file

    data = b"year,level,unit,criterion,points\n2019,province,01,1.2,3.5\n"
    caplog.set_level(logging.INFO, logger="parindex.audit")

    import_file("survey", data, "khao-sat 2019.csv")

    digest = hashlib.sha256(data).hexdigest()
    assert [r.getMessage() for r in caplog.records if r.name == "parindex.audit"] == [
        f'event=import kind=survey file="khao-sat 2019.csv" sha256={digest} size={len(data)} '
        "dry_run=False outcome=imported created=1 updated=0 unchanged=0 problems=0 via=command"
    ]


def test_a_stage_change_is_an_audit_line_with_its_user(db, caplog):
    from django.contrib.auth import get_user_model

    from scoring.models import Edition
    from tests.staff_fixtures import staff_user

    edition = Edition.objects.create(year=2030, level="province")
    admin = staff_user("admin", username="ops")
    caplog.set_level(logging.INFO, logger="parindex.audit")

    open_self_assessment(edition, user=admin, note="Opening")

    assert get_user_model().objects.filter(username="ops").exists()
    assert [r.getMessage() for r in caplog.records if r.name == "parindex.audit"] == [
        "event=open_self_assessment edition=2030/province user=ops reason=Opening"
    ]


def test_audit_lines_quote_values_with_spaces_and_leave_out_none(caplog):
    caplog.set_level(logging.INFO, logger="parindex.audit")

    audit_log("import", kind="scores", file="điểm 2024.csv", note='say "hi"', user=None)

    assert caplog.records[0].getMessage() == (
        'event=import kind=scores file="điểm 2024.csv" note="say \\"hi\\""'
    )


def test_fields_keep_their_order():
    assert fields(b=1, a="x=y") == 'b=1 a="x=y"'
