from django.contrib import admin

from provinces.models import FormerName, Region, Unit


class FormerNameInline(admin.TabularInline):
    model = FormerName
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "level", "region", "valid_from", "valid_until", "successor"]
    list_filter = ["level", "region"]
    search_fields = ["code", "name_vi", "name_en"]
    inlines = [FormerNameInline]


admin.site.register(Region)
