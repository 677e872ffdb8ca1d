import itertools
import pytest
from provinces.names import UnitResolver, _keys
@pytest.mark.django_db
def test_amb():
    for level in ("province","ministry"):
        for year in (2019, 2024, 2025):
            r = UnitResolver(level, year)
            keys = set(r._by_name)
            for k in keys:
                f = r._lookup(r._by_name, k)
                if len(f) > 1:
                    print("AMB", level, year, k, f)
            # try prefix combos
            for k in keys:
                for p in ("tinh ", "thanh pho ", "tp ", "bo "):
                    f = r._lookup(r._by_name, p + k)
                    if len(f) > 1:
                        print("AMB2", level, year, p+k, f)
            print(level, year, len(r._current), sorted(keys)[:0])
