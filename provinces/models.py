import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from provinces.localized import localized


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    MINISTRY = "ministry", _("Ministry")


class Region(models.Model):
    code = models.CharField(max_length=16, unique=True)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    # As the ministry's tables shorten them, so that a region fits one line of a dense table;
    # blank shows the full name.
    short_name_vi = models.CharField(max_length=60, blank=True)
    short_name_en = models.CharField(max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name_vi


def year_end(year: int) -> datetime.date:
    """The units of year Y are those that exist on 31 December of Y (docs/rules.md)."""
    return datetime.date(year, 12, 31)


class UnitQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> "UnitQuerySet":
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        )

    def of_year(self, year: int) -> "UnitQuerySet":
        return self.valid_on(year_end(year))


class Unit(models.Model):
    """A ministry or a province. Its identity is not its code: codes were reused in 2025."""

    class Category(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("Centrally-run city")
        MINISTRY = "ministry", _("Ministry")
        AGENCY = "agency", _("Ministerial-level agency")

    class RegionBasis(models.TextChoices):
        """How the region of a province of 2025 was set (provinces/data/README.md): kept by a
        unit whose territory did not change, that of all the predecessors of a merged unit, or
        provisional for a unit formed across two regions (no regulation re-drew the regions)."""

        UNCHANGED = "unchanged", _("unchanged")
        PREDECESSORS = "predecessors", _("from its predecessors")
        PROVISIONAL = "provisional", _("provisional")

    level = models.CharField(max_length=16, choices=Level.choices)
    code = models.CharField(max_length=16)
    slug = models.SlugField(max_length=80, unique=True)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    abbr_en = models.CharField(max_length=16, blank=True)
    category = models.CharField(max_length=16, choices=Category.choices)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT)
    # Blank for the provinces that ended on 30/6/2025 and for ministries, which have no region.
    region_basis = models.CharField(
        max_length=16, choices=RegionBasis.choices, blank=True, verbose_name=_("region basis")
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors"
    )
    centroid_lat = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    centroid_lon = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    note = models.TextField(blank=True)

    objects = UnitQuerySet.as_manager()
    # Edits in the admin (names, region, dates) kept by django-simple-history.
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "code", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=models.F("valid_until")),
                name="unit_valid_from_before_until",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_vi} ({self.code})"

    def clean(self) -> None:
        if self.level == Level.MINISTRY and self.region_id is not None:
            raise ValidationError({"region": _("A ministry has no region.")})
        if self.region_basis and self.region_id is None:
            raise ValidationError({"region_basis": _("A region basis needs a region.")})

    def exists_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def exists_in(self, year: int) -> bool:
        return self.exists_on(year_end(year))

    def _former_on(self, year: int) -> "FormerName | None":
        day = year_end(year)
        listed = getattr(self, "former_name_list", None)  # prefetched by former_names()
        names = self.former_names.all() if listed is None else listed
        return next((f for f in names if f.valid_until >= day), None)

    def names_in(self, year: int) -> tuple[str, str]:
        """(name_vi, name_en) the unit had on 31 December of the year."""
        former = self._former_on(year)
        return (former.name_vi, former.name_en) if former else (self.name_vi, self.name_en)

    def category_in(self, year: int) -> str:
        """Province or city as of the year: Huế became a centrally-run city with its rename."""
        former = self._former_on(year)
        return former.category if former else self.category

    def name_vi_in(self, year: int) -> str:
        return self.names_in(year)[0]

    def name_in(self, year: int) -> str:
        """The name the unit had on 31 December of the year, in the reader's language."""
        name_vi, name_en = self.names_in(year)
        return localized({"name_vi": name_vi, "name_en": name_en}, "name")


class FormerName(models.Model):
    """A name a unit carried before it was renamed while continuing (Thừa Thiên Huế → Huế)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="former_names")
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    category = models.CharField(max_length=16, choices=Unit.Category.choices)
    valid_until = models.DateField()

    class Meta:
        ordering = ["valid_until"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "valid_until"], name="one_former_name_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.name_vi} (→ {self.valid_until})"


def former_names(through: str = "") -> Prefetch:
    """The former names of units, prefetched in one query as a plain list on each unit (what
    Unit.names_in reads); `through` is the path to the units, e.g. "participant__unit__".
    Django's default prefetch of a reverse relation builds a queryset for each unit, which on a
    ranking of 63 units cost more than the query itself."""
    return Prefetch(f"{through}former_names", to_attr="former_name_list")
