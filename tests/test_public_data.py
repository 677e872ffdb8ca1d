"""The data page, its bulk downloads and the codebook: every published edition downloadable as
results, field results and points per leaf, enough to recompute every index and rank with
docs/rules.md, and every column of every download described.

Fixture (tests/conftest.py, published here): Hà Nội 90.00 (rank 1), Hải Phòng 75.00 and Lào Cai
75.00 (tied at 2); tree 1 = 1.1 self 8 + 1.2 survey 4, 2 = 2.1 self 5 + 2.2 self 3.
"""

import csv
import io
import json
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from public.codebook import CODEBOOK, CSV_COLUMNS
from scoring.models import Edition
from scoring.publish import publish_edition
from tests.conftest import imported

DATA = "/en/data/"
TABLES = ("results", "fields", "leaves")
# The tables across every edition, in the order the data page lists them.
WHOLE_TABLES = ("figures", "averages", "sipas", "lineage")
FORMATS = ("csv", "xlsx", "json")


def csv_rows(client, year, level, table) -> list[dict]:
    """A CSV download read back as text, the way a spreadsheet user sees it."""
    response = client.get(f"/en/data/{year}/{level}/{table}.csv")
    assert response.status_code == 200, response.status_code
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def typed_rows(client, year, level, table, fmt) -> list[dict]:
    """A download in any format read back as values: numbers as Decimal, blanks as None. The
    codebook's type of each CSV column says which text is a number."""
    response = client.get(f"/en/data/{year}/{level}/{table}.{fmt}")
    assert response.status_code == 200, response.status_code
    if fmt == "csv":
        described = {table.key: table for table in CODEBOOK}[table]
        return [
            {k: _typed(v, described.column(k).type) for k, v in row.items()}
            for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
        ]
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
        names, *rows = sheet.iter_rows(values_only=True)
        rows = [dict(zip(names, row, strict=True)) for row in rows]
    else:
        rows = json.loads(response.content)
    return [{k: _value(v) for k, v in row.items()} for row in rows]


def _typed(text: str, kind: str):
    if text == "":
        return None
    return Decimal(text) if kind in ("integer", "decimal") else text


def _value(value):
    if value in ("", None):
        return None
    return Decimal(str(value)) if isinstance(value, int | float) else value


def header(client, url: str) -> list[str]:
    return next(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))


# --- what the downloads hold ---------------------------------------------------------------


def test_the_leaf_table_holds_every_units_points_on_every_leaf_and_the_final_points(
    client, published
):
    rows = csv_rows(client, 2019, "province", "leaves")

    assert [list(row.values()) for row in rows] == [
        ["2019", "province", "01", "1.1", "self", "8.00", "8.00", "7.50",
         "Thiếu tài liệu kiểm chứng", "", "7.50", "no"],
        ["2019", "province", "01", "1.2", "survey", "4.00", "", "", "", "3.00", "3.00", "no"],
        ["2019", "province", "01", "2.1", "self", "5.00", "5.00", "5.00", "", "", "5.00", "no"],
        ["2019", "province", "01", "2.2", "self", "3.00", "3.00", "2.50", "Chậm tiến độ", "",
         "2.50", "no"],
        ["2019", "province", "10", "1.1", "self", "8.00", "6.00", "6.00", "", "", "6.00", "no"],
        ["2019", "province", "10", "1.2", "survey", "4.00", "", "", "", "3.00", "3.00", "no"],
        ["2019", "province", "10", "2.1", "self", "5.00", "5.00", "4.50", "Chưa đạt", "", "4.50",
         "no"],
        ["2019", "province", "10", "2.2", "self", "3.00", "2.00", "1.50", "Chưa đạt", "", "1.50",
         "no"],
        ["2019", "province", "31", "1.1", "self", "8.00", "7.00", "6.00", "Thiếu tài liệu", "",
         "6.00", "no"],
        ["2019", "province", "31", "1.2", "survey", "4.00", "", "", "", "3.00", "3.00", "no"],
        ["2019", "province", "31", "2.1", "self", "5.00", "4.00", "4.00", "", "", "4.00", "no"],
        ["2019", "province", "31", "2.2", "self", "3.00", "2.00", "2.00", "", "", "2.00", "no"],
    ]  # fmt: skip
    assert list(rows[0]) == [
        "year", "level", "unit_code", "criterion", "method", "max_points", "self_points",
        "appraised_points", "appraisal_reason", "survey_points", "final_points", "illustrative",
    ]  # fmt: skip


def test_the_field_table_holds_points_maximum_component_index_and_rank_per_unit_and_field(
    client, published
):
    rows = csv_rows(client, 2019, "province", "fields")

    assert [list(row.values()) for row in rows] == [
        ["2019", "province", "01", "1", "10.50", "12.00", "87.50", "1", "no"],
        ["2019", "province", "01", "2", "7.50", "8.00", "93.75", "1", "no"],
        ["2019", "province", "10", "1", "9.00", "12.00", "75.00", "2", "no"],
        ["2019", "province", "10", "2", "6.00", "8.00", "75.00", "2", "no"],
        ["2019", "province", "31", "1", "9.00", "12.00", "75.00", "2", "no"],
        ["2019", "province", "31", "2", "6.00", "8.00", "75.00", "2", "no"],
    ]
    assert list(rows[0]) == [
        "year", "level", "unit_code", "field_code", "points", "max_points", "index", "rank",
        "illustrative",
    ]  # fmt: skip


def test_the_results_table_is_the_export_commands(client, published, capsys):
    call_command("export_results", "2019", "--level", "province")
    exported = capsys.readouterr().out.encode("utf-8")

    assert client.get("/en/data/2019/province/results.csv").content == exported


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_every_format_holds_the_same_rows_as_the_csv(client, published, table, fmt):
    rows = typed_rows(client, 2019, "province", table, fmt)

    assert rows == typed_rows(client, 2019, "province", table, "csv")
    assert len(rows) == {"results": 3, "fields": 6, "leaves": 12}[table]


def test_a_download_is_a_named_attachment_of_its_type(client, published):
    response = client.get("/en/data/2019/province/leaves.xlsx")

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="par-index-2019-province-leaves.xlsx"'
    )


def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised(client, province_edition):
    imported(
        "scores",
        "year,level,unit,criterion,self_points,appraised_points,appraisal_reason\n"
        "2019,province,01,1.1,8,2,=HYPERLINK(\"http://x\")\n"
        "2019,province,31,1.1,8,8,\n2019,province,10,1.1,8,8,\n"
        + "".join(f"2019,province,{u},{c},1,1,\n" for u in ("01", "31", "10")
                  for c in ("2.1", "2.2")),
    )  # fmt: skip
    imported("survey", "year,level,unit,criterion,points\n2019,province,01,1.2,1\n"
             "2019,province,31,1.2,1\n2019,province,10,1.2,1\n")  # fmt: skip
    publish_edition(province_edition)

    rows = csv_rows(client, 2019, "province", "leaves")

    assert rows[-4]["appraisal_reason"] == '\'=HYPERLINK("http://x")'
    assert rows[-4]["final_points"] == "2.00"


# --- recomputing every published number from the downloads ---------------------------------

CENT = Decimal("0.01")


def rounded(value: Decimal) -> Decimal:
    """docs/rules.md: kept exact, rounded half up to 2 decimals."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def competition_ranks(values: dict[str, Decimal]) -> dict[str, int]:
    """Equal values share a rank and the next rank skips (1, 2, 2, 4)."""
    return {
        key: 1 + sum(other > value for other in values.values()) for key, value in values.items()
    }


def mean(values) -> Decimal:
    values = list(values)
    return rounded(sum(values, Decimal(0)) / len(values))


def recompute(leaves: list[dict], results: list[dict], groups: dict) -> dict:
    """Every published number of an edition from the leaf table, the results' ranked and region
    columns and the group thresholds, by docs/rules.md alone."""
    points = defaultdict(lambda: defaultdict(Decimal))  # unit -> field -> points
    by_method = defaultdict(lambda: defaultdict(Decimal))  # unit -> method -> points
    field_max = defaultdict(lambda: defaultdict(Decimal))  # unit -> field -> maximum
    for leaf in leaves:
        unit, field = leaf["unit_code"], leaf["criterion"].split(".")[0]
        points[unit][field] += Decimal(leaf["final_points"])
        field_max[unit][field] += Decimal(leaf["max_points"])
        by_method[unit][leaf["method"]] += Decimal(leaf["final_points"])
    ranked = {r["unit_code"] for r in results if r["ranked"] == "yes"}
    region = {r["unit_code"]: r["region_code"] for r in results}
    index, fields = {}, {}
    for unit in points:
        total, maximum = sum(points[unit].values()), sum(field_max[unit].values())
        index[unit] = rounded(total / maximum * 100)
        fields[unit] = {f: rounded(p / field_max[unit][f] * 100) for f, p in points[unit].items()}
    rank = competition_ranks({u: index[u] for u in ranked})
    rank_in_region = {}
    for code in {region[u] for u in ranked if region[u]}:
        rank_in_region |= competition_ranks({u: index[u] for u in ranked if region[u] == code})
    field_codes = sorted({f for unit in fields.values() for f in unit}, key=int)
    field_rank = {f: competition_ranks({u: fields[u][f] for u in ranked}) for f in field_codes}
    a, b, c = (Decimal(str(groups[g])) for g in "ABC")
    return {
        "results": {
            unit: {
                "index": index[unit],
                "rank": rank.get(unit),
                "rank_in_region": rank_in_region.get(unit),
                "group": "A" if index[unit] >= a else "B" if index[unit] >= b
                else "C" if index[unit] >= c else "D",
                "appraised_points": by_method[unit]["self"],
                "survey_points": by_method[unit]["survey"],
                "total_points": sum(points[unit].values()),
                "max_points": sum(field_max[unit].values()),
                **{f"field_{f}": fields[unit][f] for f in field_codes},
            }
            for unit in points
        },
        "fields": {
            (unit, f): {"points": points[unit][f], "max_points": field_max[unit][f],
                        "index": fields[unit][f], "rank": field_rank[f].get(unit)}
            for unit in points for f in field_codes
        },
        "averages": {
            "national": mean(index[u] for u in ranked),
            "regions": {
                code: mean(index[u] for u in ranked if region[u] == code)
                for code in {region[u] for u in ranked if region[u]}
            },
            "fields": {f: mean(fields[u][f] for u in ranked) for f in field_codes},
        },
    }  # fmt: skip


def _number(text: str):
    if text == "":
        return None
    return int(text) if text.lstrip("-").isdigit() else Decimal(text)


def published_numbers(client, year: int, level: str) -> dict:
    """The same numbers as published: read from the results and field downloads and the
    edition's JSON averages."""
    results = csv_rows(client, year, level, "results")
    fields = csv_rows(client, year, level, "fields")
    document = client.get(f"/en/api/editions/{year}/{level}.json").json()
    averages = document["averages"]
    keys = ["index", "rank", "rank_in_region", "group", "appraised_points", "survey_points",
            "total_points", "max_points"]  # fmt: skip
    return {
        "results": {
            r["unit_code"]: {
                **{k: r["group"] if k == "group" else _number(r[k]) for k in keys},
                **{k: _number(v) for k, v in r.items() if k.startswith("field_")},
            }
            for r in results
        },
        "fields": {
            (f["unit_code"], f["field_code"]): {
                k: _number(f[k]) for k in ("points", "max_points", "index", "rank")
            }
            for f in fields
        },
        "averages": {
            "national": Decimal(str(averages["national"])),
            "regions": {k: Decimal(str(v)) for k, v in averages["regions"].items()},
            "fields": {k: Decimal(str(v)) for k, v in averages["fields"].items()},
        },
    }


def recomputed_numbers(client, year: int, level: str) -> dict:
    document = client.get(f"/en/api/editions/{year}/{level}.json").json()
    return recompute(
        csv_rows(client, year, level, "leaves"),
        csv_rows(client, year, level, "results"),
        document["groups"],
    )


def test_every_index_rank_and_average_is_recomputed_exactly_from_the_downloads(client, published):
    recomputed = recomputed_numbers(client, 2019, "province")

    assert recomputed == published_numbers(client, 2019, "province")
    # The rules at work on the fixture: a tie at 75.00 shares rank 2.
    assert [(u, r["index"], r["rank"]) for u, r in sorted(recomputed["results"].items())] == [
        ("01", Decimal("90.00"), 1),
        ("10", Decimal("75.00"), 2),
        ("31", Decimal("75.00"), 2),
    ]
    assert recomputed["averages"]["fields"] == {"1": Decimal("79.17"), "2": Decimal("81.25")}


# --- the data page ------------------------------------------------------------------------


def download_links(html: str) -> list[str]:
    main = re.search(r"<main.*</main>", html, re.S).group(0)  # not the site's header or footer
    return re.findall(r'href="(/en/(?:data|api)/[^"]*)"', main)


def test_the_data_page_lists_every_published_edition_with_its_downloads_and_json(
    client, published, ministry_edition
):
    html = client.get(DATA).text

    assert download_links(html) == [
        "/en/data/codebook/",
        "/en/data/codebook/#licence",
        *[f"/en/data/2019/province/{t}.{f}" for t in TABLES for f in FORMATS],
        "/en/api/editions/2019/province.json",
        *[f"/en/data/all/{t}.{f}" for t in WHOLE_TABLES for f in FORMATS],
        "/en/api/editions.json",
        "/en/api/units/ha-noi.json",
    ]
    # The ministry edition is a draft: not listed.
    assert "2019 · Ministry" not in html


def test_a_summary_only_edition_has_no_leaf_table_and_the_page_says_so(client, db):
    imported("published", "year,level,unit,index,rank\n2018,ministry,BTP,90.00,1\n")
    publish_edition(Edition.objects.get(year=2018, level="ministry"))

    html = client.get(DATA).text

    assert [link for link in download_links(html) if "2018" in link] == [
        *[f"/en/data/2018/ministry/{t}.{f}" for t in ("results", "fields") for f in FORMATS],
        "/en/api/editions/2018/ministry.json",
    ]
    assert "None: a summary-only edition has published results without points per " in html
    assert client.get("/en/data/2018/ministry/leaves.csv").status_code == 404
    assert csv_rows(client, 2018, "ministry", "results")[0]["index"] == "90.00"


def test_a_partial_edition_says_how_many_of_its_units_are_public(client, db):
    imported("published", "year,level,unit,index,rank\n2018,province,01,90.00,1\n"
             "2018,province,31,60.00,63\n")  # fmt: skip
    Edition.objects.filter(year=2018).update(ranked_total=63)
    publish_edition(Edition.objects.get(year=2018))

    assert '<td class="num">2 of 63</td>' in client.get(DATA).text


def test_demo_editions_carry_the_banner_and_the_illustrative_column(client, published):
    Edition.objects.filter(pk=published.pk).update(is_demo=True)

    html = client.get(DATA).text

    assert html.count("illustrative demo data, not official results") == 1
    assert '<span class="tag demo">illustrative</span>' in html
    for table in TABLES:
        assert {row["illustrative"] for row in csv_rows(client, 2019, "province", table)} == {"yes"}


def test_the_data_page_speaks_vietnamese_by_default(client, published):
    html = client.get("/vi/data/").text

    assert '<html lang="vi">' in html
    assert 'href="/vi/data/2019/province/leaves.csv"' in html


@pytest.mark.parametrize("table", TABLES)
def test_an_unpublished_edition_has_no_downloads_for_anyone(client, admin_client, published, table):
    # Reopened for a correction: its results are still stored, but no longer public.
    Edition.objects.filter(pk=published.pk).update(status=Edition.Status.REVIEW)

    for fmt in FORMATS:
        assert client.get(f"/en/data/2019/province/{table}.{fmt}").status_code == 404
        assert admin_client.get(f"/en/data/2019/province/{table}.{fmt}").status_code == 404
    assert "/en/data/2019/province/" not in client.get(DATA).text
    assert "/en/api/units/" not in client.get(DATA).text  # no published unit to give as example


@pytest.mark.parametrize(
    "url",
    [
        "/en/data/2019/province/scores.csv",
        "/en/data/2019/province/results.xls",
        "/en/data/2019/county/results.csv",
        "/en/data/2020/province/results.csv",
    ],
)
def test_unknown_tables_formats_levels_and_years_are_not_found(client, published, url):
    assert client.get(url).status_code == 404


# --- the codebook -------------------------------------------------------------------------

DOCUMENTED = {table.key: table for table in CODEBOOK}


def undocumented(table: str, columns: list[str]) -> list[str]:
    return [name for name in columns if DOCUMENTED[table].column(name) is None]


def test_every_column_of_every_download_is_in_the_codebook(client, published):
    downloads = {table: header(client, f"/en/data/2019/province/{table}.csv") for table in TABLES}
    downloads["ranking"] = header(client, "/en/rankings/2019/province/?format=csv")

    assert {table: undocumented(table, columns) for table, columns in downloads.items()} == {
        "results": [],
        "fields": [],
        "leaves": [],
        "ranking": [],
    }
    # And the codebook describes no column that the downloads lack.
    for table, columns in downloads.items():
        assert [c.name for c in DOCUMENTED[table].columns if not any(map(c.matches, columns))] == []


def test_a_column_added_to_a_download_without_a_description_is_caught():
    assert undocumented("results", ["index", "field_3", "index_exact"]) == ["index_exact"]
    assert undocumented("leaves", ["final_points", "field_1"]) == ["field_1"]


def test_the_codebook_page_describes_every_column_and_the_licence(client, db):
    html = client.get("/en/data/codebook/").text

    for table in CODEBOOK:
        section = re.search(rf'<section aria-labelledby="table-{table.key}">(.*?)</section>',
                            html, re.S).group(1)  # fmt: skip
        names = re.findall(r'<th scope="row"><code>([^<]+)</code></th>', section)
        assert names == [column.name.replace("<", "&lt;").replace(">", "&gt;")
                         for column in table.columns]  # fmt: skip
    assert (
        "free to reuse, including commercially, with attribution to the Ministry of Home " in html
    )
    assert "<td>The sub-criterion&#x27;s maximum points.</td>" in html


def test_the_codebook_csv_has_every_column_in_both_languages(client, db):
    response = client.get("/en/data/codebook.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))

    assert list(rows[0]) == CSV_COLUMNS
    assert [(r["table"], r["column"]) for r in rows] == [
        (table.key, column.name) for table in CODEBOOK for column in table.columns
    ]
    index = next(r for r in rows if (r["table"], r["column"]) == ("results", "index"))
    assert (index["type"], index["unit_en"], index["meaning_en"]) == (
        "decimal",
        "index points, 0 to 100",
        "The PAR Index: total points ÷ the edition's maximum points × 100.",
    )
    assert all(r["meaning_vi"] and r["meaning_en"] for r in rows)
    # The same file whichever language the page was in.
    assert client.get("/vi/data/codebook.csv").content == response.content


# --- queries ------------------------------------------------------------------------------


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_data_and_codebook_pages_run_a_bounded_number_of_queries(
    client, published, django_assert_max_num_queries
):
    # +2 at most: the site's navigation, read once per data version (navigation.py)
    with django_assert_max_num_queries(4):
        client.get(DATA)
    # The codebook is the code's own text: no query at all.
    with django_assert_max_num_queries(0):
        client.get("/en/data/codebook/")


@pytest.mark.parametrize("table", TABLES)
def test_a_bulk_download_runs_as_many_queries_for_two_units_as_for_three(
    client, published, ministry_edition, table, django_assert_max_num_queries
):
    imported("scores", "year,level,unit,criterion,self_points,appraised_points\n"
             "2019,ministry,BTP,1.1,6,5\n2019,ministry,BYT,1.1,6,6\n")  # fmt: skip
    imported("survey", "year,level,unit,criterion,points\n2019,ministry,BTP,1.2,4\n"
             "2019,ministry,BYT,1.2,3\n")  # fmt: skip
    publish_edition(ministry_edition)

    for fmt in FORMATS:
        three = queries(client, f"/en/data/2019/province/{table}.{fmt}")
        two = queries(client, f"/en/data/2019/ministry/{table}.{fmt}")
        assert three == two
        with django_assert_max_num_queries(4):
            client.get(f"/en/data/2019/province/{table}.{fmt}")
