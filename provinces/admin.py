from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from provinces.models import FormerName, Region, Unit


class FormerNameInline(admin.TabularInline):
    model = FormerName
    extra = 0


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    """Units are reference data; an admin corrects them here, e.g. the region of a province of
    2025, which is provisional for 7 of them (provinces/data/README.md). Each change is kept by
    django-simple-history (its History page here; the staff's recent changes list it too)."""

    list_display = [
        "code",
        "name_vi",
        "level",
        "region",
        "region_basis",
        "valid_from",
        "valid_until",
        "successor",
    ]
    list_editable = ["region", "region_basis"]
    list_filter = ["level", "region", "region_basis"]
    list_select_related = ["region", "successor"]
    search_fields = ["code", "name_vi", "name_en"]
    inlines = [FormerNameInline]


admin.site.register(Region, SimpleHistoryAdmin)
