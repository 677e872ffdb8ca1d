"""Year-aware resolution of unit codes and names (provinces.names) over the real reference data."""

import datetime
import unicodedata

import pytest

from provinces.models import Unit
from provinces.names import ALIASES, UnitNotFound, UnitResolver, normalize


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def resolve(level: str, year: int, text) -> Unit:
    return UnitResolver(level, year).resolve(text)


def not_found(level: str, year: int, text) -> str:
    with pytest.raises(UnitNotFound) as caught:
        resolve(level, year, text)
    return str(caught.value)


# --- normalize ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TP. Hồ Chí Minh", "tp ho chi minh"),
        ("Đắk Lắk", "dak lak"),
        ("ĐÀ NẴNG", "da nang"),
        (nfd("Thừa Thiên Huế"), "thua thien hue"),
        ("Thừa Thiên Huế", "thua thien hue"),
        ("Bà Rịa - Vũng Tàu", "ba ria vung tau"),
        ("  Bộ KH&ĐT ", "bo kh dt"),
        ("Ministry of Labour, Invalids", "ministry of labour invalids"),
        ("Uỷ ban Dân tộc", "uy ban dan toc"),
        ("Ủy ban Dân tộc", "uy ban dan toc"),
        ("Hà\tNội\n", "ha noi"),
        ("1.0", "1 0"),
        (1, "1"),
        ("—", ""),
        ("", ""),
    ],
)
def test_normalize_gives_lower_case_ascii_words_separated_by_single_spaces(text, expected):
    assert normalize(text) == expected


# --- provinces by code --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "text", "code", "name_vi"),
    [
        (2019, "01", "01", "Hà Nội"),
        (2019, "1", "01", "Hà Nội"),
        (2019, 1, "01", "Hà Nội"),
        (2019, "1.0", "01", "Hà Nội"),
        (2019, 1.0, "01", "Hà Nội"),
        (2019, "01.0", "01", "Hà Nội"),
        (2019, " 01 ", "01", "Hà Nội"),
        (2019, "46", "46", "Huế"),
        (2019, 46.0, "46", "Huế"),
        (2019, "80", "80", "Long An"),
        (2024, "80", "80", "Long An"),
        (2025, "80", "80", "Tây Ninh"),
        (2025, "80.0", "80", "Tây Ninh"),
        (2019, "72", "72", "Tây Ninh"),
        (2025, "1", "01", "Hà Nội"),
    ],
)
def test_a_province_code_resolves_to_the_unit_holding_it_that_year(year, text, code, name_vi):
    unit = resolve("province", year, text)

    assert (unit.code, unit.name_vi) == (code, name_vi)
    assert unit.exists_in(year)


# --- provinces by name --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "text", "code"),
    [
        (2019, "Hà Nội", "01"),
        (2019, "Ha Noi", "01"),
        (2019, "HÀ NỘI", "01"),
        (2019, "ha noi", "01"),
        (2019, "  Hà   Nội  ", "01"),
        (2019, nfd("Hà Nội"), "01"),
        (2019, "Hanoi", "01"),
        (2019, "HN", "01"),
        (2019, "Thành phố Hà Nội", "01"),
        (2019, "Hà Nọi", "01"),  # a wrong tone mark is a diacritic too: it is ignored
        (2019, "Đà Nẵng", "48"),
        (2019, nfd("Đà Nẵng"), "48"),
        (2019, "ĐÀ NẴNG", "48"),
        (2019, "Da Nang", "48"),
        (2019, "Danang", "48"),
        (2019, "TP. Đà Nẵng", "48"),
        (2019, "TP HCM", "79"),
        (2019, "TP.HCM", "79"),
        (2019, "TP. Hồ Chí Minh", "79"),
        (2019, "Thành phố Hồ Chí Minh", "79"),
        (2019, nfd("Thành phố Hồ Chí Minh"), "79"),
        (2019, "Ho Chi Minh City", "79"),
        (2019, "HCMC", "79"),
        (2019, "Sài Gòn", "79"),
        (2019, "Thừa Thiên Huế", "46"),
        (2019, "Thừa Thiên - Huế", "46"),
        (2019, "Thua Thien Hue", "46"),
        (2019, "Huế", "46"),
        (2019, "Tỉnh Quảng Nam", "49"),
        (2019, "Quang Nam province", "49"),
        (2019, "Bà Rịa - Vũng Tàu", "77"),
        (2019, "Ba Ria Vung Tau", "77"),
        (2019, "BR-VT", "77"),
        (2019, "Đắc Lắc", "66"),
        (2019, "Dak Lak", "66"),
        (2019, "Thanh Hoá", "38"),
        (2019, "Tây Ninh", "72"),
        (2019, "Tay Ninh", "72"),
        (2019, "Long An", "80"),
        (2024, "Tây Ninh", "72"),
        (2025, "Tây Ninh", "80"),
        (2025, "tay ninh", "80"),
        (2025, "Thừa Thiên Huế", "46"),
        (2025, nfd("Thừa Thiên Huế"), "46"),
        (2025, "Thừa Thiên - Huế", "46"),
        (2025, "Huế", "46"),
        (2025, "TP HCM", "79"),
        (2025, "HCMC", "79"),
        (2025, "Hải Phòng", "31"),
        (2025, "Đắk Lắk", "66"),
    ],
)
def test_a_province_name_in_any_spelling_resolves_for_the_year(year, text, code):
    unit = resolve("province", year, text)

    assert unit.code == code
    assert unit.exists_in(year)


@pytest.mark.django_db
def test_the_same_name_is_a_different_unit_before_and_after_the_merger():
    old = resolve("province", 2019, "Tây Ninh")
    new = resolve("province", 2025, "Tây Ninh")

    assert (old.code, old.valid_until) == ("72", datetime.date(2025, 6, 30))
    assert (new.code, new.valid_from) == ("80", datetime.date(2025, 7, 1))
    assert old.successor == new


@pytest.mark.django_db
def test_hue_is_one_unit_under_its_old_and_new_names():
    assert resolve("province", 2019, "Thừa Thiên Huế") == resolve("province", 2025, "Huế")
    assert resolve("province", 2025, "Thừa Thiên Huế").name_vi_in(2025) == "Huế"
    assert resolve("province", 2019, "Huế").name_vi_in(2019) == "Thừa Thiên Huế"


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2019, 2024, 2025, 2026])
def test_every_spelling_of_every_unit_resolves_to_that_unit_and_no_other(year):
    """No name, English name, abbreviation, former name or alias in the data is ambiguous."""
    for level in ("province", "ministry"):
        resolver = UnitResolver(level, year)
        units = Unit.objects.filter(level=level).of_year(year).prefetch_related("former_names")
        for unit in units:
            spellings = [unit.code, unit.name_vi, unit.name_en, unit.abbr_en]
            spellings += [former.name_vi for former in unit.former_names.all()]
            spellings += ALIASES.get((level, unit.code), ())
            for spelling in filter(None, spellings):
                assert resolver.resolve(spelling) == unit, spelling
                assert resolver.resolve(nfd(spelling).upper()) == unit, spelling


# --- ministries ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2019, 2024])
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("BTP", "BTP"),
        ("btp", "BTP"),
        (" BTP ", "BTP"),
        ("Bộ Tư pháp", "BTP"),
        (nfd("Bộ Tư pháp"), "BTP"),
        ("BỘ TƯ PHÁP", "BTP"),
        ("Bo Tu Phap", "BTP"),
        ("tu phap", "BTP"),
        ("Tư pháp", "BTP"),
        ("Ministry of Justice", "BTP"),
        ("ministry of  justice", "BTP"),
        ("Justice", "BTP"),
        ("MOJ", "BTP"),
        ("moj", "BTP"),
        ("Bộ Nội vụ", "BNV"),
        ("MOHA", "BNV"),
        ("Bộ KH&ĐT", "BKHDT"),
        ("MPI", "BKHDT"),
        ("Bộ LĐTBXH", "BLDTBXH"),
        ("Bộ Lao động Thương binh và Xã hội", "BLDTBXH"),
        ("MOLISA", "BLDTBXH"),
        ("Bộ VHTTDL", "BVHTTDL"),
        ("Ministry of Culture, Sports and Tourism", "BVHTTDL"),
        ("Bộ NN&PTNT", "BNNPTNT"),
        ("Bộ GD&ĐT", "BGDDT"),
        ("Uỷ ban Dân tộc", "UBDT"),
        ("Ủy ban Dân tộc", "UBDT"),
        ("CEMA", "UBDT"),
        ("Ngân hàng Nhà nước", "NHNN"),
        ("State Bank of Vietnam", "NHNN"),
        ("SBV", "NHNN"),
        ("GI", "TTCP"),
        ("Thanh tra Chinh phu", "TTCP"),
        ("Bộ Y tế", "BYT"),
        ("Y tế", "BYT"),
        ("MOH", "BYT"),
    ],
)
def test_a_ministry_resolves_by_code_name_or_abbreviation(year, text, code):
    assert resolve("ministry", year, text).code == code


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "code"),
    [
        # continuing units
        ("BTP", "BTP"),
        ("Bộ Tư pháp", "BTP"),
        ("MOJ", "BTP"),
        ("Bộ GD&ĐT", "BGDDT"),
        ("Bộ VHTTDL", "BVHTTDL"),
        ("Ngân hàng Nhà nước", "NHNN"),
        ("SBV", "NHNN"),
        ("Thanh tra Chính phủ", "TTCP"),
        ("Y tế", "BYT"),
        # units formed on 1/3/2025 under an old name
        ("BNV", "BNV"),
        ("Bộ Nội vụ", "BNV"),
        ("MOHA", "BNV"),
        ("BTC", "BTC"),
        ("Bộ Tài chính", "BTC"),
        ("Ministry of Finance", "BTC"),
        ("MOF", "BTC"),
        ("BXD", "BXD"),
        ("Bộ Xây dựng", "BXD"),
        ("MOC", "BXD"),
        ("BKHCN", "BKHCN"),
        ("Bộ Khoa học và Công nghệ", "BKHCN"),
        ("Bộ KH&CN", "BKHCN"),
        ("MOST", "BKHCN"),
        # units formed on 1/3/2025 under a new name
        ("BNNMT", "BNNMT"),
        ("bnnmt", "BNNMT"),
        ("Bộ Nông nghiệp và Môi trường", "BNNMT"),
        (nfd("Bộ Nông nghiệp và Môi trường"), "BNNMT"),
        ("Nong nghiep va Moi truong", "BNNMT"),
        ("Ministry of Agriculture and Environment", "BNNMT"),
        ("Bộ NN&MT", "BNNMT"),
        ("Bộ NNMT", "BNNMT"),
        ("MAE", "BNNMT"),
        ("BDTTG", "BDTTG"),
        ("Bộ Dân tộc và Tôn giáo", "BDTTG"),
        ("Ministry of Ethnic and Religious Affairs", "BDTTG"),
        ("Bộ DT&TG", "BDTTG"),
        ("MERA", "BDTTG"),
    ],
)
def test_a_ministry_of_2025_resolves_by_code_name_or_abbreviation(text, code):
    unit = resolve("ministry", 2025, text)

    assert unit.code == code
    assert unit.exists_in(2025)


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["BNV", "Bộ Nội vụ", "MOHA", "BTC", "Bộ Tài chính", "MOF"])
def test_a_ministry_name_kept_by_a_merged_unit_is_the_old_unit_in_2024_and_the_new_in_2025(text):
    old = resolve("ministry", 2024, text)
    new = resolve("ministry", 2025, text)

    assert old.code == new.code
    assert old.pk != new.pk
    assert old.successor == new
    assert (old.valid_until, new.valid_from) == (
        datetime.date(2025, 2, 28),
        datetime.date(2025, 3, 1),
    )


@pytest.mark.django_db
def test_a_ministry_that_continued_is_one_unit_in_2024_and_2025():
    assert resolve("ministry", 2024, "Bộ Tư pháp") == resolve("ministry", 2025, "MOJ")
    assert resolve("ministry", 2019, "UBDT") != resolve("ministry", 2025, "BDTTG")


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "text", "message"),
    [
        (
            2025,
            "Long An",
            '"Long An" (Long An, 80) did not exist in 2025 (it existed until 30/06/2025); '
            "did you mean Tây Ninh (80)?",
        ),
        (
            2025,
            "72",
            '"72" (Tây Ninh, 72) did not exist in 2025 (it existed until 30/06/2025); '
            "did you mean Tây Ninh (80)?",
        ),
        (
            2025,
            "Hai Duong",
            '"Hai Duong" (Hải Dương, 30) did not exist in 2025 (it existed until 30/06/2025); '
            "did you mean Hải Phòng (31)?",
        ),
        (
            2025,
            "BR-VT",
            '"BR-VT" (Bà Rịa - Vũng Tàu, 77) did not exist in 2025 (it existed until 30/06/2025); '
            "did you mean TP Hồ Chí Minh (79)?",
        ),
        (
            2025,
            "Tỉnh Quảng Nam",
            '"Tỉnh Quảng Nam" (Quảng Nam, 49) did not exist in 2025 '
            "(it existed until 30/06/2025); did you mean Đà Nẵng (48)?",
        ),
    ],
)
def test_a_province_that_no_longer_exists_is_refused_with_its_end_and_successor(
    year, text, message
):
    assert not_found("province", year, text) == message


ENDED_MINISTRY = "did not exist in 2025 (it existed until 28/02/2025); did you mean"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "BKHDT",
            f'"BKHDT" (Bộ Kế hoạch và Đầu tư, BKHDT) {ENDED_MINISTRY} Bộ Tài chính (BTC)?',
        ),
        ("MPI", f'"MPI" (Bộ Kế hoạch và Đầu tư, BKHDT) {ENDED_MINISTRY} Bộ Tài chính (BTC)?'),
        (
            "Bộ KH&ĐT",
            f'"Bộ KH&ĐT" (Bộ Kế hoạch và Đầu tư, BKHDT) {ENDED_MINISTRY} Bộ Tài chính (BTC)?',
        ),
        (
            "BGTVT",
            f'"BGTVT" (Bộ Giao thông vận tải, BGTVT) {ENDED_MINISTRY} Bộ Xây dựng (BXD)?',
        ),
        (
            "Bộ Giao thông vận tải",
            '"Bộ Giao thông vận tải" (Bộ Giao thông vận tải, BGTVT) '
            f"{ENDED_MINISTRY} Bộ Xây dựng (BXD)?",
        ),
        (
            "BTNMT",
            f'"BTNMT" (Bộ Tài nguyên và Môi trường, BTNMT) {ENDED_MINISTRY} '
            "Bộ Nông nghiệp và Môi trường (BNNMT)?",
        ),
        (
            "Bộ TN&MT",
            f'"Bộ TN&MT" (Bộ Tài nguyên và Môi trường, BTNMT) {ENDED_MINISTRY} '
            "Bộ Nông nghiệp và Môi trường (BNNMT)?",
        ),
        (
            "BNNPTNT",
            f'"BNNPTNT" (Bộ Nông nghiệp và Phát triển nông thôn, BNNPTNT) {ENDED_MINISTRY} '
            "Bộ Nông nghiệp và Môi trường (BNNMT)?",
        ),
        (
            "MARD",
            f'"MARD" (Bộ Nông nghiệp và Phát triển nông thôn, BNNPTNT) {ENDED_MINISTRY} '
            "Bộ Nông nghiệp và Môi trường (BNNMT)?",
        ),
        (
            "BLDTBXH",
            f'"BLDTBXH" (Bộ Lao động - Thương binh và Xã hội, BLDTBXH) {ENDED_MINISTRY} '
            "Bộ Nội vụ (BNV)?",
        ),
        (
            "MOLISA",
            f'"MOLISA" (Bộ Lao động - Thương binh và Xã hội, BLDTBXH) {ENDED_MINISTRY} '
            "Bộ Nội vụ (BNV)?",
        ),
        (
            "BTTTT",
            f'"BTTTT" (Bộ Thông tin và Truyền thông, BTTTT) {ENDED_MINISTRY} '
            "Bộ Khoa học và Công nghệ (BKHCN)?",
        ),
        (
            "Bộ TT&TT",
            f'"Bộ TT&TT" (Bộ Thông tin và Truyền thông, BTTTT) {ENDED_MINISTRY} '
            "Bộ Khoa học và Công nghệ (BKHCN)?",
        ),
        (
            "UBDT",
            f'"UBDT" (Ủy ban Dân tộc, UBDT) {ENDED_MINISTRY} Bộ Dân tộc và Tôn giáo (BDTTG)?',
        ),
        (
            "Uỷ ban Dân tộc",
            f'"Uỷ ban Dân tộc" (Ủy ban Dân tộc, UBDT) {ENDED_MINISTRY} '
            "Bộ Dân tộc và Tôn giáo (BDTTG)?",
        ),
        (
            "CEMA",
            f'"CEMA" (Ủy ban Dân tộc, UBDT) {ENDED_MINISTRY} Bộ Dân tộc và Tôn giáo (BDTTG)?',
        ),
    ],
)
def test_a_ministry_merged_on_1_march_2025_is_refused_in_2025_naming_its_successor(text, message):
    assert not_found("ministry", 2025, text) == message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "BNNMT",
            '"BNNMT" (Bộ Nông nghiệp và Môi trường, BNNMT) did not exist in 2024 '
            "(it exists from 01/03/2025)",
        ),
        (
            "MERA",
            '"MERA" (Bộ Dân tộc và Tôn giáo, BDTTG) did not exist in 2024 '
            "(it exists from 01/03/2025)",
        ),
    ],
)
def test_a_ministry_formed_on_1_march_2025_is_refused_before(text, message):
    assert not_found("ministry", 2024, text) == message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("level", "year", "text", "message"),
    [
        (
            "province",
            2019,
            "Hà Nộii",
            'unknown unit "Hà Nộii" for 2019 (did you mean: Hà Nội (01), Hà Nam (35)?)',
        ),
        (
            "province",
            2025,
            "Hà Nộii",
            'unknown unit "Hà Nộii" for 2025 (did you mean: Hà Nội (01)?)',
        ),
        (
            "province",
            2025,
            "Hanoii",
            'unknown unit "Hanoii" for 2025 (did you mean: Hà Nội (01)?)',
        ),
        (
            "province",
            2019,
            "Ho Chi Min",
            'unknown unit "Ho Chi Min" for 2019 (did you mean: TP Hồ Chí Minh (79)?)',
        ),
        (
            "province",
            2019,
            "Quang",
            'unknown unit "Quang" for 2019 '
            "(did you mean: Quảng Trị (45), Quảng Nam (49), Quảng Ninh (22)?)",
        ),
        (
            "province",
            2019,
            "Xyz",
            'unknown unit "Xyz" for 2019 (expected a province code or name)',
        ),
        (
            "province",
            2019,
            "99",
            'unknown unit "99" for 2019 (expected a province code or name)',
        ),
        (
            "ministry",
            2019,
            "Bộ Tài chánh",
            'unknown unit "Bộ Tài chánh" for 2019 (did you mean: Bộ Tài chính (BTC)?)',
        ),
        (
            "ministry",
            2025,
            "Bộ Tài chánh",
            'unknown unit "Bộ Tài chánh" for 2025 (did you mean: Bộ Tài chính (BTC)?)',
        ),
        (
            "ministry",
            2019,
            "Ministry of Defence",
            'unknown unit "Ministry of Defence" for 2019 (expected a ministry code or name)',
        ),
        ("province", 2019, "", "no unit given"),
        ("ministry", 2019, "   ", "no unit given"),
    ],
)
def test_an_unknown_unit_is_refused_with_suggestions(level, year, text, message):
    assert not_found(level, year, text) == message


@pytest.mark.django_db
def test_a_ministry_code_is_not_a_province_and_vice_versa():
    assert not_found("province", 2019, "BTP") == (
        'unknown unit "BTP" for 2019 (expected a province code or name)'
    )
    assert not_found("ministry", 2019, "01") == (
        'unknown unit "01" for 2019 (expected a ministry code or name)'
    )


@pytest.mark.django_db
def test_unit_not_found_is_a_value_error():
    with pytest.raises(ValueError):
        resolve("province", 2019, "Xyz")


@pytest.mark.django_db
def test_a_name_shared_by_two_units_of_the_year_is_refused_listing_both():
    # The reference data has no ambiguous spelling (see the test above that resolves them all),
    # so one fictional unit is added next to the real Long An.
    Unit.objects.create(
        level="province",
        code="99",
        slug="fictional-long-an",
        name_vi="Long An",
        name_en="Long An",
        category="province",
    )

    assert not_found("province", 2019, "long an") == (
        '"long an" is ambiguous in 2019: it could be Long An (80), Long An (99)'
    )
    assert resolve("province", 2019, "80").name_vi == "Long An"
    assert resolve("province", 2019, "99").slug == "fictional-long-an"
    # In 2025 only the fictional unit exists, so the name is no longer ambiguous.
    assert resolve("province", 2025, "Long An").code == "99"


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2019, 2024])
def test_a_misspelt_former_name_suggests_the_unit_that_carried_it(year):
    message = not_found("province", year, "Thua Thien Hueh")

    assert message.startswith(
        f'unknown unit "Thua Thien Hueh" for {year} (did you mean: Thừa Thiên Huế (46)'
    )


# --- cost ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_resolver_loads_its_units_once(django_assert_num_queries):
    with django_assert_num_queries(2):
        resolver = UnitResolver("province", 2019)
    with django_assert_num_queries(0):
        codes = [resolver.resolve(text).code for text in ("01", "Hà Nội", "TP HCM", "Tây Ninh")]

    assert codes == ["01", "01", "79", "72"]
