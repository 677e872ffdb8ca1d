"""The Resources as the admin's import-export views use them: a tablib Dataset, no prior check."""

from decimal import Decimal

import pytest
import tablib
from import_export.exceptions import ImportError as ImportExportError

from scoring.imports.resources import ScoreResource
from scoring.models import Score


def _dataset(*rows) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=["Year", "Level", "Unit", "Criterion", "Appraised_Points"])
    for row in rows:
        dataset.append(row)
    return dataset


def test_a_raw_dataset_is_validated_whole_and_refused_with_the_same_messages(province_edition):
    dataset = _dataset(
        ("2019", "province", "Hà Nội", "1.1", "7.5"),
        ("2019", "province", "Hải Phòng", "1.1", "9"),
    )

    with pytest.raises(ImportExportError) as refusal:
        ScoreResource().import_data(dataset, raise_errors=True, use_transactions=True)

    assert str(refusal.value) == "row 3, column appraised_points: 9 is above the maximum of 8.00"
    assert not Score.objects.exists()


def test_a_valid_raw_dataset_is_written_and_counted(province_edition):
    dataset = _dataset(("2019", "tỉnh", "ha noi", "1.1", "7,5"), ("2019", "tỉnh", "31", "2.1", "4"))

    result = ScoreResource().import_data(dataset, raise_errors=True, use_transactions=True)

    assert (result.totals["new"], result.totals["skip"]) == (2, 0)
    assert sorted(Score.objects.values_list("criterion__code", "appraised_points")) == [
        ("1.1", Decimal("7.50")),
        ("2.1", Decimal("4.00")),
    ]
