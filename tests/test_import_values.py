"""Values a careless or hostile file may hold, checked against the columns' real limits before
they reach the database (on PostgreSQL and SQLite alike), re-imports that change a value, and the
cap on how many problems one file reports. Every refusal writes nothing."""

import hashlib
import io
import os

import pytest
from django.core.management import CommandError, call_command

from scoring.imports import KINDS, import_file, register_kind
from scoring.imports.resources import ScoreResource
from scoring.models import Edition, EditionChange, Participant, Score, SummaryScore
from tests.conftest import imported, lines, run_import

SCORES = "year,level,unit,criterion,self_points,appraised_points,evidence_url\n"
PUBLISHED = "year,level,unit,index,rank,ranked,ranked_total,average\n"


def _refused(kind: str, text: str) -> list[str]:
    scores = list(Score.objects.values_list("pk", "self_points", "respondents"))
    summaries = list(SummaryScore.objects.values_list("pk", "rank"))
    changes = EditionChange.objects.count()
    report = run_import(kind, text)
    assert not report.ok
    assert list(Score.objects.values_list("pk", "self_points", "respondents")) == scores
    assert list(SummaryScore.objects.values_list("pk", "rank")) == summaries
    assert EditionChange.objects.count() == changes
    return lines(report.problems)


@pytest.mark.parametrize(
    "cell, problem",
    [
        ("99999999999999999999", "99999999999999999999 is above the maximum of 8.00"),
        ("1e3", '"1e3" is not a number (expected e.g. 1.25)'),
        ("1_0", '"1_0" is not a number (expected e.g. 1.25)'),
        ("NaN", '"NaN" is not a number (expected e.g. 1.25)'),
    ],
)
def test_points_beyond_the_leaf_or_in_no_human_syntax_are_refused(province_edition, cell, problem):
    assert _refused("scores", SCORES + f"2019,province,01,1.1,{cell},,\n") == [
        f"row 2, column self_points: {problem}"
    ]


def test_respondents_beyond_a_32_bit_count_are_refused(province_edition):
    problems = _refused(
        "survey",
        "year,level,unit,criterion,points,respondents\n2019,province,01,1.2,3,2147483648\n",
    )

    assert problems == ["row 2, column respondents: 2147483648 is too large (at most 2147483647)"]


def test_an_evidence_address_longer_than_its_column_is_refused(province_edition):
    url = "https://example.vn/" + "a" * 500

    problems = _refused("scores", SCORES + f"2019,province,01,1.1,8,,{url}\n")

    assert problems == ["row 2, column evidence_url: the web address is longer than 500 characters"]


def test_a_rank_beyond_a_16_bit_number_is_refused(db):
    problems = _refused("published", PUBLISHED + "2018,province,01,80,40000,,,\n")

    assert problems == ["row 2, column rank: 40000 is too large (at most 32767)"]


def test_a_maximum_beyond_the_points_column_is_refused(db):
    problems = _refused(
        "methodology", "year,level,code,name_vi,max_points,method\n2030,province,1,A,123456,self\n"
    )

    assert problems == ["row 2, column max_points: 123456 is too large (at most 99999.99)"]
    assert not Edition.objects.filter(year=2030).exists()


def test_a_partial_published_file_stores_its_ranked_total_and_average(db):
    imported(
        "published",
        PUBLISHED + "2018,province,01,90.5,1,yes,63,80.12\n2018,province,96,60,63,yes,,\n",
    )

    edition = Edition.objects.get(year=2018, level="province")
    assert (edition.ranked_total, str(edition.published_average)) == (63, "80.12")
    assert edition.is_partial


def test_edition_level_columns_must_agree_on_every_row(db):
    problems = _refused(
        "published", PUBLISHED + "2018,province,01,90,1,yes,63,\n2018,province,31,89,2,yes,62,\n"
    )

    assert problems == [
        "row 3, column ranked_total: ranked_total is the same for the whole edition: "
        "62 here, 63 on row 2"
    ]


def test_a_rank_beyond_the_ranked_total_is_refused(db):
    problems = _refused("published", PUBLISHED + "2018,province,01,90,64,yes,63,\n")

    assert problems == ["row 2, column rank: rank 64 is beyond the 63 units ranked (ranked_total)"]


def test_a_reimport_that_only_unranks_a_unit_is_reported_as_an_update(db):
    imported("published", PUBLISHED + "2018,ministry,BTP,80,1,yes,,\n")

    report = imported("published", PUBLISHED + "2018,ministry,BTP,80,,no,,\n")

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert Participant.objects.get(edition__year=2018).ranked is False


def test_a_reimport_that_changes_only_a_reason_is_reported_as_an_update(scored_provinces):
    report = imported(
        "scores",
        "year,level,unit,criterion,appraised_points,appraisal_reason\n"
        "2019,province,01,1.1,7.5,Đã bổ sung tài liệu\n",
    )

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert Score.objects.get(
        participant__unit__code="01", criterion__code="1.1"
    ).appraisal_reason == ("Đã bổ sung tài liệu")


def test_a_file_with_many_problems_lists_the_first_200_and_counts_the_rest(province_edition):
    rows = "".join(f"2019,province,01,1.1,{9 + n},,\n" for n in range(250))

    report = run_import("scores", SCORES + rows)

    assert report.problem_count == 250
    assert len(report.problems) == 201
    assert lines(report.problems)[-1] == "and 50 more problems"
    assert lines(report.problems)[0] == "row 2, column self_points: 9 is above the maximum of 8.00"


def test_the_command_counts_every_problem_but_lists_200(province_edition, tmp_path):
    path = tmp_path / "diem.csv"
    path.write_text(SCORES + "".join("2019,province,01,1.1,9,,\n" for _ in range(205)))
    stderr = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_data", "scores", str(path), stderr=stderr)

    assert str(error.value) == "205 problem(s) in diem.csv; nothing was imported"
    assert stderr.getvalue().splitlines()[-1] == "and 5 more problems"
    assert len(stderr.getvalue().splitlines()) == 201


def test_import_kinds_are_registered_once_per_kind():
    class Other(ScoreResource):
        kind = "scores"

    assert set(KINDS) >= {"methodology", "participants", "scores", "survey", "published"}
    with pytest.raises(ValueError):
        register_kind(Other)
    register_kind(KINDS["scores"])  # the same class again is harmless


def test_a_quote_left_open_is_refused_at_its_row_instead_of_swallowing_the_rest(
    province_edition,
):
    problems = _refused("scores", SCORES + '2019,province,01,1.1,"8,,\n2019,province,31,1.1,7,,\n')

    assert len(problems) == 1
    assert problems[0].startswith("row 2, column self_points: the quote that opens this cell")


def test_a_row_with_more_cells_than_the_header_is_refused(province_edition):
    problems = _refused("scores", SCORES + "2019,province,01,1.1,8,,,9\n")

    assert problems == [
        "row 2, column H: a value in spreadsheet column H, beyond the last column of the "
        "header (G): the row has more cells than the header"
    ]


def test_a_header_named_twice_is_refused_at_row_1_and_nothing_else_is_claimed(
    province_edition,
):
    problems = _refused(
        "scores",
        "year,level,unit,criterion,self_points,self_points\n2019,province,01,1.1,8,7\n",
    )

    assert problems == [
        "row 1, column self_points: the column self_points appears twice "
        "(spreadsheet columns E and F); keep one"
    ]


def test_a_nul_deep_in_the_file_is_refused_at_its_row_and_column(province_edition):
    rows = "2019,province,01,1.1,8,,\n" + "2019,province,31,1.1,7,,\n" * 300
    text = SCORES + rows + "2019,province,10,1.1,6,,https://a.vn/\x00\n"

    problems = _refused("scores", text)

    assert problems[-1] == (
        "row 303, column evidence_url: the cell holds a control character (U+0000), "
        "which text never contains; remove it"
    )


def test_a_file_from_a_pipe_is_imported_and_named_by_its_hash(province_edition):
    data = (SCORES + "2019,province,01,1.1,8,,\n").encode()
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)

    with os.fdopen(read, "rb") as pipe:
        report = import_file("scores", pipe, "pipe.csv")

    assert report.ok, lines(report.problems)
    digest = hashlib.sha256(data).hexdigest()
    assert Score.objects.get().changes.get().source == f"import scores pipe.csv sha256={digest}"
