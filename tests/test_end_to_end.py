"""63 provinces and 19 ministries over two years, through the commands a user runs: import_data,
publish, export_results. The expected results are worked out here by an independent oracle
(exact fractions, ranks counted by hand) from docs/rules.md, not by scoring.ranking.
"""

import csv
import io
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import call_command

from provinces.models import Unit

YEARS = (2018, 2019)
# field -> [(leaf, method, max)]; the maximum of 30 makes indices thirds, so rounding matters.
TREE = {
    "1": [("1.1", "self", "6"), ("1.2", "survey", "4")],
    "2": [("2.1", "self", "7.5"), ("2.2", "self", "5")],
    "3": [("3.1", "survey", "7.5")],
}
MAXIMUM = Fraction(30)
UNRANKED_MINISTRIES = {"BNG", "TTCP"}


def _write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _points(rng: random.Random, maximum: str) -> Decimal:
    steps = int(Decimal(maximum) / Decimal("0.25"))
    return Decimal(rng.randint(steps // 2, steps)) * Decimal("0.25")


def _dataset(tmp_path, level: str):
    """Write the files for one level and return the points the oracle needs."""
    units = {
        year: sorted(u.code for u in Unit.objects.filter(level=level).of_year(year))
        for year in YEARS
    }
    methodology, participants, scores, survey = [], [], [], []
    points: dict[tuple[int, str], dict[str, Decimal]] = {}
    for year in YEARS:
        for field, leaves in TREE.items():
            field_max = sum(Decimal(m) for _, _, m in leaves)
            methodology.append(
                [year, level, field, f"Lĩnh vực {field}", f"Field {field}", field_max, ""]
            )
            methodology += [[year, level, c, f"Tiêu chí {c}", f"Criterion {c}", m, method]
                            for c, method, m in leaves]  # fmt: skip
        rng = random.Random(f"{level}-{year}")
        for code in units[year]:
            ranked = not (level == "ministry" and year == 2019 and code in UNRANKED_MINISTRIES)
            participants.append([year, level, code, "yes" if ranked else "no"])
            leaf_points = {}
            for leaves in TREE.values():
                for leaf, method, maximum in leaves:
                    value = _points(rng, maximum)
                    leaf_points[leaf] = value
                    if method == "self":
                        claimed = min(Decimal(maximum), value + Decimal("0.5"))
                        scores.append([year, level, code, leaf, claimed, value, "Thiếu minh chứng"])
                    else:
                        survey.append([year, level, code, leaf, value])
            points[(year, code)] = leaf_points
    files = {
        "methodology": _write(
            tmp_path / f"{level}-methodology.csv",
            ["year", "level", "code", "name_vi", "name_en", "max_points", "method"],
            methodology,
        ),
        "participants": _write(
            tmp_path / f"{level}-participants.csv", ["year", "level", "unit", "ranked"],
            participants,
        ),
        "scores": _write(
            tmp_path / f"{level}-scores.csv",
            ["year", "level", "unit", "criterion", "self_points", "appraised_points",
             "appraisal_reason"],
            scores,
        ),
        "survey": _write(
            tmp_path / f"{level}-survey.csv", ["year", "level", "unit", "criterion", "points"],
            survey,
        ),
    }  # fmt: skip
    ranked = {(p[0], p[2]): p[3] == "yes" for p in participants}
    return files, points, ranked


def _half_up(value: Fraction) -> Decimal:
    hundredths = (value * 100 + Fraction(1, 2)).__floor__()
    return Decimal(hundredths) / 100


def _ranks(indices: dict[str, Decimal]) -> dict[str, int]:
    # Competition ranking by hand: one more than the number of strictly better indices.
    return {k: 1 + sum(1 for other in indices.values() if other > v) for k, v in indices.items()}


def _oracle(level: str, points, ranked) -> dict[tuple[int, str], dict]:
    expected = {}
    for year in YEARS:
        codes = [code for (y, code) in points if y == year]
        index = {c: _half_up(Fraction(sum(points[(year, c)].values())) * 100 / MAXIMUM)
                 for c in codes}  # fmt: skip
        ranked_codes = [c for c in codes if ranked[(year, c)]]
        rank = _ranks({c: index[c] for c in ranked_codes})
        units = Unit.objects.filter(level=level).of_year(year).select_related("region")
        region = {u.code: u.region.code if u.region else "" for u in units}
        in_region = {}
        for code in set(region.values()) - {""}:
            in_region |= _ranks({c: index[c] for c in ranked_codes if region[c] == code})
        for c in codes:
            fields = {}
            for field, leaves in TREE.items():
                field_points = sum(Fraction(points[(year, c)][leaf]) for leaf, _, _ in leaves)
                field_max = sum(Fraction(m) for _, _, m in leaves)
                fields[f"field_{field}"] = _half_up(field_points * 100 / field_max)
            group = next(
                (g for g, floor in (("A", 90), ("B", 80), ("C", 70)) if index[c] >= floor), "D"
            )
            expected[(year, c)] = {
                "index": index[c],
                "rank": rank.get(c),
                "rank_in_region": in_region.get(c),
                "group": group,
                **fields,
            }
    for code in [c for (y, c) in expected if y == 2019]:
        before, now = expected.get((2018, code)), expected[(2019, code)]
        now["delta_index"] = now["index"] - before["index"] if before else None
        both = before and before["rank"] and now["rank"]
        now["delta_rank"] = before["rank"] - now["rank"] if both else None
    return expected


def _exported(year: int, level: str) -> dict[str, dict]:
    out = io.StringIO()
    call_command("export_results", str(year), "--level", level, stdout=out)
    reader = csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff")))
    return {row["unit_code"]: row for row in reader}


def _as_decimal(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def _as_int(text: str) -> int | None:
    return int(text) if text else None


@pytest.mark.django_db
@pytest.mark.parametrize("level, count_2019", [("province", 63), ("ministry", 19)])
def test_two_years_imported_published_and_exported_match_the_rules_worked_by_hand(
    tmp_path, level, count_2019
):
    files, points, ranked = _dataset(tmp_path, level)
    for kind in ("methodology", "participants", "scores", "survey"):
        call_command("import_data", kind, str(files[kind]), stdout=io.StringIO())
    for year in YEARS:
        call_command("publish", str(year), "--level", level, stdout=io.StringIO())

    expected = _oracle(level, points, ranked)
    for year in YEARS:
        rows = _exported(year, level)
        assert len(rows) == count_2019
        for code, row in rows.items():
            want = expected[(year, code)]
            got = {
                "index": _as_decimal(row["index"]),
                "rank": _as_int(row["rank"]),
                "rank_in_region": _as_int(row["rank_in_region"]),
                "group": row["group"],
                **{f"field_{f}": _as_decimal(row[f"field_{f}"]) for f in TREE},
            }
            if year == 2019:
                got["delta_index"] = _as_decimal(row["delta_index"])
                got["delta_rank"] = _as_int(row["delta_rank"])
            assert got == want, (year, code)
            total = sum(points[(year, code)].values())
            assert Decimal(row["total_points"]) == total
            assert row["max_points"] == "30.00"


@pytest.mark.django_db
def test_the_generated_data_contains_ties_so_shared_ranks_are_exercised(tmp_path):
    _files, points, ranked = _dataset(tmp_path, "province")
    ranks = [r["rank"] for (y, _), r in _oracle("province", points, ranked).items() if y == 2019]
    assert len(ranks) != len(set(ranks))
