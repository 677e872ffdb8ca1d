"""With Vietnamese active, the problems of imports, publishing and name matching speak Vietnamese.

Every other test runs in English (conftest's autouse fixture); here the language is switched to
Vietnamese, the portal's default, as a web request in Vietnamese would. Data stays as written
(unit names, codes, column names, levels, and a value quoted as it was typed); points and maxima
the message states itself are written the Vietnamese way (8,00, not 8.00). The command line
stays English whatever the language, because docs/formats.md defines its output.
"""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from provinces.names import UnitNotFound, UnitResolver
from scoring.imports import import_file
from scoring.points import parse_points, points_problem
from scoring.publish import PublishRefused, publish_edition
from tests.conftest import imported, lines, run_import


@pytest.fixture
def vietnamese():
    with translation.override("vi"):
        yield


def test_an_import_refused_for_points_above_the_maximum_says_so_in_vietnamese(
    province_edition, vietnamese
):
    report = run_import(
        "scores",
        """\
        year,level,unit,criterion,self_points
        2019,province,01,1.1,9
        2019,province,31,1.3,7
        2019,province,10,2.1,4.125
        """,
    )

    assert lines(report.problems) == [
        "dòng 2, cột self_points: 9 vượt quá mức tối đa 8,00",
        'dòng 3, cột criterion: "1.3" không phải là tiêu chí của kỳ đánh giá năm 2019 (province)',
        "dòng 4, cột self_points: 4.125 có quá 2 chữ số thập phân",
    ]


def test_an_unknown_unit_comes_with_suggestions_in_vietnamese(province_edition, vietnamese):
    report = run_import(
        "scores",
        """\
        year,level,unit,criterion,self_points
        2019,province,Hà Mội,1.1,8
        """,
    )

    assert lines(report.problems) == [
        'dòng 2, cột unit: không có đơn vị "Hà Mội" trong năm 2019 '
        "(có phải là: Hà Nội (01), Hà Nam (35), Hà Tĩnh (42)?)"
    ]


@pytest.mark.django_db
def test_a_unit_that_no_longer_exists_points_to_its_successor_in_vietnamese(vietnamese):
    with pytest.raises(UnitNotFound) as caught:
        UnitResolver("province", 2025).resolve("Long An")

    assert str(caught.value) == (
        '"Long An" (Long An, 80) không tồn tại trong năm 2025 '
        "(đơn vị này tồn tại đến ngày 30/06/2025); có phải là Tây Ninh (80)?"
    )


def test_a_publish_refused_for_missing_points_lists_them_in_vietnamese(
    half_scored_provinces, vietnamese
):
    with pytest.raises(PublishRefused) as refusal:
        publish_edition(half_scored_provinces)

    assert refusal.value.problems[0] == (
        "Hà Nội (01): 3 tiêu chí thành phần chưa có điểm cuối cùng: 1.1 (điểm thẩm định), "
        "1.2 (điểm điều tra XHH), 2.2 (điểm thẩm định)"
    )


@pytest.mark.django_db
def test_a_file_problem_and_the_counts_are_in_vietnamese(province_edition, vietnamese):
    assert lines(import_file("scores", b"", "diem.csv").problems) == ["tệp diem.csv: tệp trống"]

    again = imported("participants", "year,level,unit\n2019,province,01\n2019,province,31\n")

    assert lines(again.notes) == ["1 đơn vị không có trong tệp không còn tham gia"]
    assert str(again.summary()) == "participants: 0 tạo mới, 0 cập nhật, 2 không đổi"


def test_the_command_line_stays_english_while_vietnamese_is_active(
    province_edition, vietnamese, tmp_path
):
    path = tmp_path / "diem.csv"
    path.write_text(
        "year,level,unit,criterion,self_points\n2019,province,01,1.1,9\n", encoding="utf-8"
    )
    stderr = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_data", "scores", str(path), stderr=stderr)

    assert str(error.value) == "1 problem(s) in diem.csv; nothing was imported"
    assert stderr.getvalue() == "row 2, column self_points: 9 is above the maximum of 8.00\n"
    assert translation.get_language() == "vi"  # the caller's language is back


def test_a_change_under_stored_points_is_refused_in_vietnamese(scored_provinces, vietnamese):
    report = run_import(
        "methodology",
        "year,level,code,name_vi,max_points,method\n2019,province,1.2,Tiêu chí 1.2,4,self\n",
    )

    assert lines(report.problems) == [
        "dòng 2, cột method: 1.2 không thể đổi từ survey sang self: 3 đơn vị đã có điểm survey "
        "(01, 10, 31)"
    ]


def test_points_above_the_maximum_are_written_with_a_decimal_comma_in_vietnamese(vietnamese):
    _value, typed = parse_points("1,5", Decimal("1.00"))
    stored = points_problem(Decimal("1.5"), Decimal("1.00"))

    assert typed is not None and stored is not None
    assert str(typed) == "1,5 vượt quá mức tối đa 1,00"
    assert str(stored) == "1,5 vượt quá mức tối đa 1,00"
    with translation.override("en"):
        assert str(stored) == "1.5 is above the maximum of 1.00"


def test_the_maxima_of_a_tree_that_does_not_add_up_are_in_vietnamese(province_edition, vietnamese):
    report = run_import(
        "methodology",
        """\
        year,level,code,name_vi,max_points,method
        2019,province,1.1,Tiêu chí 1.1,7,self
        """,
    )

    assert lines(report.problems) == [
        "dòng 2, cột max_points: điểm tối đa của 1 là 12,00 nhưng tổng điểm tối đa của các tiêu "
        "chí con là 11,00 (1.1: 7,00 + 1.2: 4,00)"
    ]
