"""The ranking table's cells are drawn by tags (public/templatetags/cells.py) that format numbers
without localize() for speed: they must write exactly what localize() writes."""

from decimal import Decimal

from django.utils import translation
from django.utils.formats import localize
from hypothesis import given
from hypothesis import strategies as st

from public.templatetags.cells import _table_number, ranking_heading

NUMBERS = st.one_of(
    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False),
    st.decimals(min_value=-100, max_value=100, places=4, allow_nan=False),
    st.integers(min_value=-1000, max_value=100_000),
)


@given(NUMBERS, st.sampled_from(["vi", "en"]))
def test_a_table_number_is_written_as_localize_writes_it(value, language):
    with translation.override(language):
        assert _table_number()(value) == localize(value)


def test_a_decimal_takes_the_readers_separator():
    with translation.override("vi"):
        assert _table_number()(Decimal("85.50")) == "85,50"
    with translation.override("en"):
        assert _table_number()(Decimal("85.50")) == "85.50"


def test_a_field_heading_is_its_short_label_with_the_full_name_at_hand():
    fields = [("1", "Chỉ đạo <điều hành>"), ("2", "Thể chế")]
    with translation.override("vi"):
        assert ranking_heading("field_1", "Field 1", fields) == (
            '<abbr title="Chỉ đạo &lt;điều hành&gt;">LV1</abbr>'
            '<span class="visually-hidden"> Chỉ đạo &lt;điều hành&gt;</span>'
        )
        assert ranking_heading("index", "Chỉ số & hạng", fields) == "Chỉ số &amp; hạng"
