"""SIPAS: the answers of each surveyed citizen or organisation, and what they add up to.

Respondents are kept one per row so that the results can always be recomputed from them;
`SipasResult` rows are written only by surveys.aggregation, after every import of a year.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from provinces.models import Unit

# The five aspects of service the survey asks about, in the order of the file and the export.
ASPECTS = ("access", "procedures", "civil_servants", "results", "feedback")


class GovLevel(models.TextChoices):
    """The level of government whose service the respondent rated."""

    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


def _answer_field(verbose_name):
    # Blank when the respondent did not answer that aspect.
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )


class SipasRespondent(models.Model):
    """One respondent of one year's survey in one province, as imported."""

    year = models.PositiveSmallIntegerField(_("year"))
    # No database foreign key nor index of its own: on PostgreSQL the key's per-row trigger
    # and the index made a third of a 200,000-row import (bench/sipas.py). Each row's unit
    # comes from the year-aware resolver, the import locks the file's units against deletion
    # (FOR KEY SHARE, as the trigger would, once per unit), Django's PROTECT still refuses to
    # delete a unit that has respondents, and the unique index serves lookups by unit.
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="sipas_respondents",
        verbose_name=_("unit"),
        db_constraint=False,
        db_index=False,
    )
    respondent_id = models.CharField(_("respondent id"), max_length=64)
    gov_level = models.CharField(
        _("government level"), max_length=8, choices=GovLevel.choices, blank=True
    )
    sector = models.CharField(_("sector"), max_length=200, blank=True)
    access = _answer_field(_("access to services"))
    procedures = _answer_field(_("administrative procedures"))
    civil_servants = _answer_field(_("civil servants"))
    results = _answer_field(_("results of services"))
    feedback = _answer_field(_("feedback handling"))

    class Meta:
        verbose_name = _("SIPAS respondent")
        verbose_name_plural = _("SIPAS respondents")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit", "respondent_id"], name="one_sipas_respondent_per_id"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{aspect}__isnull": True})
                    | Q(**{f"{aspect}__gte": 1, f"{aspect}__lte": 5}),
                    name=f"sipas_{aspect}_from_1_to_5",
                )
                for aspect in ASPECTS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit.code} {self.respondent_id}"


def _province_or_country(related_name):
    # A province's figures, or the whole country's where the unit is empty.
    return models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=_("unit"),
    )


def _percent_field(verbose_name=None):
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, null=True)


def _aspect_fields(verbose_name):
    """The four figures of one aspect, named <aspect>, _n, _low and _high (surveys.aggregation
    writes them by those names): its share of satisfied respondents, how many answered it, and
    the bounds of the share's interval."""
    return (
        _percent_field(verbose_name),
        models.PositiveIntegerField(default=0),
        _percent_field(),
        _percent_field(),
    )


class SipasResult(models.Model):
    """The SIPAS figures of one year for one province (or the whole country, `unit` empty),
    over all its respondents or those of one government level or one sector.

    Percentages are rounded half-up to 2 decimals (docs/rules.md); a share is empty when no one
    answered that aspect, and the SIPAS interval when fewer than two respondents count.
    """

    class Breakdown(models.TextChoices):
        ALL = "all", _("All respondents")
        GOV_LEVEL = "gov_level", _("By government level")
        SECTOR = "sector", _("By sector")

    year = models.PositiveSmallIntegerField(_("year"))
    unit = _province_or_country("sipas_results")
    breakdown = models.CharField(_("breakdown"), max_length=16, choices=Breakdown.choices)
    # The government level or sector of the breakdown; "" for all respondents.
    category = models.CharField(_("category"), max_length=200, blank=True)
    # Respondents who answered at least one aspect: those the SIPAS is the mean over.
    respondents = models.PositiveIntegerField(_("respondents"))
    access, access_n, access_low, access_high = _aspect_fields(_("access to services"))
    procedures, procedures_n, procedures_low, procedures_high = _aspect_fields(
        _("administrative procedures")
    )
    civil_servants, civil_servants_n, civil_servants_low, civil_servants_high = _aspect_fields(
        _("civil servants")
    )
    results, results_n, results_low, results_high = _aspect_fields(_("results of services"))
    feedback, feedback_n, feedback_low, feedback_high = _aspect_fields(_("feedback handling"))
    sipas = _percent_field("SIPAS")
    sipas_low = _percent_field()
    sipas_high = _percent_field()
    # Among the provinces of the same year and breakdown category; empty for the country.
    rank = models.PositiveSmallIntegerField(_("rank"), null=True)

    class Meta:
        verbose_name = _("SIPAS result")
        verbose_name_plural = _("SIPAS results")
        ordering = ["year", "breakdown", "category", "rank", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit", "breakdown", "category"],
                condition=Q(unit__isnull=False),
                name="one_sipas_result_per_unit_and_category",
            ),
            # NULL units are distinct in a plain unique constraint: the country needs its own.
            models.UniqueConstraint(
                fields=["year", "breakdown", "category"],
                condition=Q(unit__isnull=True),
                name="one_national_sipas_result_per_category",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit.code if self.unit_id else "VN"
        return f"SIPAS {self.year} {where} {self.breakdown} {self.category}: {self.sipas}"


class SipasFigure(models.Model):
    """A SIPAS headline figure as published (no respondents behind it in the portal): the
    national figure (`unit` empty) or one province's, its SIPAS value and/or rank, and where it
    was read. The SIPAS pages show these for years without respondent data."""

    year = models.PositiveSmallIntegerField(_("year"))
    unit = _province_or_country("sipas_figures")
    sipas = models.DecimalField("SIPAS", max_digits=5, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    source = models.TextField(_("source"))

    class Meta:
        verbose_name = _("published SIPAS figure")
        verbose_name_plural = _("published SIPAS figures")
        ordering = ["year", "rank", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit"],
                condition=Q(unit__isnull=False),
                name="one_sipas_figure_per_unit",
            ),
            models.UniqueConstraint(
                fields=["year"], condition=Q(unit__isnull=True), name="one_national_sipas_figure"
            ),
            models.CheckConstraint(
                condition=Q(sipas__isnull=False) | Q(rank__isnull=False),
                name="sipas_figure_has_value_or_rank",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit.code if self.unit_id else "VN"
        return f"SIPAS {self.year} {where}: {self.sipas} #{self.rank}"
