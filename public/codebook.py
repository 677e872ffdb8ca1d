"""The codebook of the public downloads: every column of every table, what it means, its unit
and type, and the rule of docs/rules.md that produces it, in both languages.

tests/test_public_data.py fails when a download gains a column that is not described here.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Types are language-neutral tokens in the codebook CSV, labelled for the reader on the page.
TYPES = {
    "integer": _("whole number"),
    "decimal": _("number, at most 2 decimals"),
    "text": _("text"),
    "code": _("code"),
    "yes/no": _("yes or no"),
}


@dataclass(frozen=True)
class CodebookColumn:
    name: str  # as written in the downloads; <code> stands for each field's code
    type: str  # a key of TYPES
    meaning: Promise
    unit: Promise | str = ""
    rule: Promise | str = ""

    @property
    def type_label(self) -> Promise:
        return TYPES[self.type]

    def matches(self, name: str) -> bool:
        if self.name.endswith("<code>"):
            prefix = self.name.removesuffix("<code>")
            return name.startswith(prefix) and name.removeprefix(prefix).isdigit()
        return name == self.name


@dataclass(frozen=True)
class CodebookTable:
    key: str
    title: Promise
    description: Promise
    columns: tuple[CodebookColumn, ...]

    def column(self, name: str) -> CodebookColumn | None:
        return next((column for column in self.columns if column.matches(name)), None)


POINTS = _("points")
INDEX = _("index points, 0 to 100")
PLACES = _("places")
RULE_UNITS = _("Units over time")
RULE_INDEX = _("Scoring rules: index = total ÷ edition maximum × 100, rounded half up")
RULE_RANK = _("Scoring rules: rank")
RULE_FINAL = _("Scoring rules: a sub-criterion's final points")

YEAR = CodebookColumn("year", "integer", _("The year of the edition."), rule=_("Glossary: edition"))
LEVEL = CodebookColumn(
    "level", "code", _("province or ministry: the two are ranked separately."), rule=_("Glossary")
)
UNIT_CODE = CodebookColumn(
    "unit_code",
    "code",
    _(
        "The unit's code: the 2-digit official code of a province, the portal's code of a "
        "ministry. A code names a unit only together with the year (codes were reused in 2025)."
    ),
    rule=RULE_UNITS,
)
REGION_CODE = CodebookColumn(
    "region_code",
    "code",
    _("The code of the unit's socio-economic region; empty for ministries."),
    rule=_("Glossary: region"),
)
RANKED = CodebookColumn(
    "ranked",
    "yes/no",
    _(
        "Whether the unit is ranked. Units assessed but not ranked have no rank and are left out "
        "of averages."
    ),
    rule=RULE_RANK,
)
GROUP = CodebookColumn(
    "group",
    "code",
    _(
        "The group by index (A, B, C or D), from the edition's thresholds (by default A ≥ 90, "
        "B ≥ 80, C ≥ 70, D below)."
    ),
    rule=_("Scoring rules: groups by index"),
)
DELTA_INDEX = CodebookColumn(
    "delta_index",
    "decimal",
    _(
        "Change in index since the previous published edition of the same level; empty when the "
        "unit did not take part in both."
    ),
    INDEX,
    _("Scoring rules: change vs the previous edition"),
)
DELTA_RANK = CodebookColumn(
    "delta_rank",
    "integer",
    _(
        "Change in rank since the previous published edition of the same level; positive means "
        "the unit moved up."
    ),
    PLACES,
    _("Scoring rules: change vs the previous edition"),
)
FIELD_INDEX = CodebookColumn(
    "field_<code>",
    "decimal",
    _(
        "The component index of field <code>: the field's points ÷ the field's maximum × 100, "
        "rounded half up to 2 decimals."
    ),
    INDEX,
    _("Scoring rules: component index"),
)
APPRAISED_TOTAL = CodebookColumn(
    "appraised_points",
    "decimal",
    _("The sum of the final points on self-assessed sub-criteria (the appraised points)."),
    POINTS,
    RULE_FINAL,
)
SURVEY_TOTAL = CodebookColumn(
    "survey_points",
    "decimal",
    _("The sum of the survey points on survey sub-criteria."),
    POINTS,
    RULE_FINAL,
)
ILLUSTRATIVE = CodebookColumn(
    "illustrative",
    "yes/no",
    _("yes for the illustrative demo data, which are invented and never official results."),
)

SOURCE = CodebookColumn(
    "source",
    "text",
    _(
        "Where a figure of the public record was read: one or more web addresses separated by "
        "' ; ', or a short text where no address was kept. Empty for results the portal "
        "computed from points."
    ),
    rule=_("The public record"),
)

RESULTS = CodebookTable(
    "results",
    _("Results"),
    _(
        "One row per unit: index, ranks, group, points and component indices, as published. The "
        "same columns as the export_results command."
    ),
    (
        YEAR,
        LEVEL,
        UNIT_CODE,
        CodebookColumn(
            "unit_name_vi",
            "text",
            _("The unit's Vietnamese name as it was in the edition's year."),
            rule=RULE_UNITS,
        ),
        CodebookColumn(
            "unit_name_en",
            "text",
            _("The unit's English name as it was in the edition's year."),
            rule=RULE_UNITS,
        ),
        REGION_CODE,
        RANKED,
        CodebookColumn(
            "index",
            "decimal",
            _("The PAR Index: total points ÷ the edition's maximum points × 100."),
            INDEX,
            RULE_INDEX,
        ),
        CodebookColumn(
            "rank",
            "integer",
            _(
                "Rank among the ranked units by index, highest first; equal indices share a rank "
                "and the next rank skips (1, 2, 2, 4). Empty for unranked units."
            ),
            rule=RULE_RANK,
        ),
        CodebookColumn(
            "rank_in_region",
            "integer",
            _(
                "Rank within the unit's region by the same rule; empty for ministries, unranked "
                "units and partial editions."
            ),
            rule=RULE_RANK,
        ),
        GROUP,
        APPRAISED_TOTAL,
        SURVEY_TOTAL,
        CodebookColumn(
            "total_points",
            "decimal",
            _("All final points: appraised_points + survey_points."),
            POINTS,
            _("Scoring rules: node points = sum of children"),
        ),
        CodebookColumn(
            "max_points",
            "decimal",
            _("The edition's maximum points: the sum of its fields' maxima."),
            POINTS,
            _("Scoring rules: the criteria tree"),
        ),
        DELTA_INDEX,
        DELTA_RANK,
        FIELD_INDEX,
        CodebookColumn(
            "new_unit",
            "yes/no",
            _(
                "yes for a unit created by the 2025 mergers: it has no change since last year; "
                "its predecessors have their own results."
            ),
            rule=RULE_UNITS,
        ),
        ILLUSTRATIVE,
        SOURCE,
    ),
)

FIGURES = CodebookTable(
    "figures",
    _("Every published figure"),
    _(
        "One row per unit and published edition, every year and level in one file: index, rank "
        "and group as published, and the source of each figure. A figure that was not "
        "published is empty."
    ),
    (
        YEAR,
        LEVEL,
        UNIT_CODE,
        RESULTS.column("unit_name_vi"),
        RESULTS.column("unit_name_en"),
        CodebookColumn(
            "index",
            "decimal",
            _(
                "The PAR Index as published; a figure of the public record keeps the decimals "
                "it was printed with (at most 4)."
            ),
            INDEX,
            RULE_INDEX,
        ),
        RESULTS.column("rank"),
        CodebookColumn(
            "ranked_total",
            "integer",
            _(
                "How many units the edition ranked, as published; empty where the portal "
                "computed the edition from points."
            ),
            rule=RULE_RANK,
        ),
        GROUP,
        SOURCE,
        ILLUSTRATIVE,
    ),
)

AVERAGES = CodebookTable(
    "averages",
    _("Every average"),
    _(
        "One row per average of every published edition: national (no region, no field), per "
        "region or per field. An average the publisher printed is kept as printed, with its "
        "source, and never recomputed from a partial edition."
    ),
    (
        YEAR,
        LEVEL,
        CodebookColumn(
            "region_code",
            "code",
            _("The region of a regional average; empty for the national and field averages."),
            rule=_("Glossary: region"),
        ),
        CodebookColumn(
            "field_code",
            "code",
            _("The field of a field average; empty for the national and regional averages."),
            rule=_("Glossary: field"),
        ),
        CodebookColumn(
            "average",
            "decimal",
            _(
                "The mean of the rounded indices of the ranked units, or the figure the "
                "publisher printed."
            ),
            INDEX,
            _("Scoring rules: averages"),
        ),
        CodebookColumn(
            "published",
            "yes/no",
            _("yes for an average as the publisher printed it (the public record)."),
            rule=_("The public record"),
        ),
        SOURCE,
        ILLUSTRATIVE,
    ),
)

SIPAS = CodebookTable(
    "sipas",
    _("SIPAS as published"),
    _(
        "One row per published SIPAS headline figure: the country (VN) and the provinces whose "
        "figure or rank was made public, each with its source."
    ),
    (
        YEAR,
        CodebookColumn(
            "unit_code",
            "code",
            _("The province's 2-digit code, or VN for the whole country."),
            rule=RULE_UNITS,
        ),
        CodebookColumn(
            "unit_name_vi",
            "text",
            _("The province's Vietnamese name in that year; empty for the country."),
            rule=RULE_UNITS,
        ),
        CodebookColumn(
            "unit_name_en",
            "text",
            _("The province's English name in that year; empty for the country."),
            rule=RULE_UNITS,
        ),
        CodebookColumn(
            "sipas",
            "decimal",
            _("The SIPAS index as published; empty where only a rank was."),
            _("% satisfied"),
            _("The public record"),
        ),
        CodebookColumn(
            "rank",
            "integer",
            _("The province's SIPAS rank as published; empty where only the figure was."),
            rule=_("The public record"),
        ),
        SOURCE,
    ),
)

LINEAGE = CodebookTable(
    "lineage",
    _("Units over time"),
    _(
        "One row per province and ministry of 2004–2025: its dates and the unit of today's "
        "geography that carries it on after the 2025 mergers (itself if it still exists)."
    ),
    (
        LEVEL,
        UNIT_CODE,
        CodebookColumn("unit_name_vi", "text", _("The unit's Vietnamese name."), rule=RULE_UNITS),
        CodebookColumn("unit_name_en", "text", _("The unit's English name."), rule=RULE_UNITS),
        CodebookColumn(
            "valid_from",
            "text",
            _("The first day of the unit (YYYY-MM-DD); empty if before 2004."),
            rule=RULE_UNITS,
        ),
        CodebookColumn(
            "valid_until",
            "text",
            _("The last day of the unit (YYYY-MM-DD); empty if it still exists."),
            rule=RULE_UNITS,
        ),
        CodebookColumn(
            "successor_code",
            "code",
            _("The code of the unit that carries it on today."),
            rule=RULE_UNITS,
        ),
        CodebookColumn(
            "successor_name_vi",
            "text",
            _("The Vietnamese name of the unit that carries it on today."),
            rule=RULE_UNITS,
        ),
        CodebookColumn(
            "successor_name_en",
            "text",
            _("The English name of the unit that carries it on today."),
            rule=RULE_UNITS,
        ),
        CodebookColumn(
            "successor_valid_from",
            "text",
            _("The first day of the unit that carries it on today (YYYY-MM-DD)."),
            rule=RULE_UNITS,
        ),
    ),
)

FIELDS = CodebookTable(
    "fields",
    _("Field results"),
    _(
        "One row per unit and field (the top level of the criteria tree): points, maximum, "
        "component index and the rank on that field."
    ),
    (
        YEAR,
        LEVEL,
        UNIT_CODE,
        CodebookColumn("field_code", "code", _("The field's code."), rule=_("Glossary: field")),
        CodebookColumn(
            "points",
            "decimal",
            _(
                "The sum of the final points of the field's sub-criteria; empty in summary-only "
                "editions."
            ),
            POINTS,
            _("Scoring rules: node points = sum of children"),
        ),
        CodebookColumn(
            "max_points",
            "decimal",
            _("The field's maximum points; empty in summary-only editions."),
            POINTS,
            _("Scoring rules: the criteria tree"),
        ),
        CodebookColumn(
            "index",
            "decimal",
            _("The component index: points ÷ max_points × 100."),
            INDEX,
            _("Scoring rules: component index"),
        ),
        CodebookColumn(
            "rank",
            "integer",
            _(
                "Rank on this field among the ranked units by component index, by the rule of "
                "the overall rank; empty for unranked units."
            ),
            rule=RULE_RANK,
        ),
        ILLUSTRATIVE,
    ),
)

LEAVES = CodebookTable(
    "leaves",
    _("Points per sub-criterion"),
    _(
        "One row per unit and sub-criterion (the lowest level of the criteria tree, which "
        "carries the points): the points claimed, appraised and surveyed, and the final points "
        "that count. Summing final_points by field and over all "
        "fields gives every index of the results."
    ),
    (
        YEAR,
        LEVEL,
        UNIT_CODE,
        CodebookColumn(
            "criterion",
            "code",
            _(
                "The dotted code of the sub-criterion (e.g. 1.2.3); its field is the part before "
                "the first dot."
            ),
            rule=_("Scoring rules: the criteria tree"),
        ),
        CodebookColumn(
            "method",
            "code",
            _("self (self-assessed, then appraised) or survey (sociological survey)."),
            rule=_("Scoring rules: the criteria tree"),
        ),
        CodebookColumn(
            "max_points", "decimal", _("The sub-criterion's maximum points."), POINTS, RULE_FINAL
        ),
        CodebookColumn(
            "self_points",
            "decimal",
            _("What the unit claimed in its self-assessment (self sub-criteria)."),
            POINTS,
            _("Glossary: self-assessed points"),
        ),
        CodebookColumn(
            "appraised_points",
            "decimal",
            _("What the Ministry of Home Affairs accepted on appraisal (self sub-criteria)."),
            POINTS,
            _("Glossary: appraised points"),
        ),
        CodebookColumn(
            "appraisal_reason",
            "text",
            _("The appraiser's reason where the appraised points differ from the claim."),
        ),
        CodebookColumn(
            "survey_points",
            "decimal",
            _("Points from the sociological survey (survey sub-criteria)."),
            POINTS,
            _("Glossary: survey points"),
        ),
        CodebookColumn(
            "final_points",
            "decimal",
            _(
                "The points that count: appraised_points on self sub-criteria, survey_points on "
                "survey sub-criteria."
            ),
            POINTS,
            RULE_FINAL,
        ),
        ILLUSTRATIVE,
    ),
)

RANKING_VIEW = CodebookTable(
    "ranking",
    _("Ranking page: download this view"),
    _("The rows and columns shown on a ranking page, sorted and filtered as the reader chose."),
    (
        RESULTS.column("rank"),
        UNIT_CODE,
        CodebookColumn(
            "unit_name",
            "text",
            _("The unit's name in the page's language, as it was in the edition's year."),
            rule=RULE_UNITS,
        ),
        REGION_CODE,
        RESULTS.column("index"),
        GROUP,
        FIELD_INDEX,
        APPRAISED_TOTAL,
        SURVEY_TOTAL,
        DELTA_INDEX,
        DELTA_RANK,
        RANKED,
        SOURCE,
    ),
)

CODEBOOK = (RESULTS, FIELDS, LEAVES, RANKING_VIEW, FIGURES, AVERAGES, SIPAS, LINEAGE)

CSV_COLUMNS = [
    "table",
    "column",
    "type",
    "unit_vi",
    "unit_en",
    "meaning_vi",
    "meaning_en",
    "rule_vi",
    "rule_en",
]


def _in(language: str, text: Promise | str) -> str:
    with translation.override(language):
        return str(text)


def codebook_rows() -> list[dict]:
    """The codebook as a table, each text in Vietnamese and in English."""
    return [
        {
            "table": table.key,
            "column": column.name,
            "type": column.type,
            **{
                f"{part}_{language}": _in(language, getattr(column, part))
                for part in ("unit", "meaning", "rule")
                for language in ("vi", "en")
            },
        }
        for table in CODEBOOK
        for column in table.columns
    ]
