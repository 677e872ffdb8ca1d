from django.contrib import admin

from scoring.models import Criterion, Edition, EditionEvent, Participant, Result, ScoreChange


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["year", "level", "status", "summary_only", "is_demo", "published_at"]
    list_filter = ["level", "status", "is_demo"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "max_points", "method", "edition"]
    list_filter = ["edition"]
    search_fields = ["code", "name_vi", "name_en"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["unit", "edition", "ranked"]
    list_filter = ["edition", "ranked"]


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["participant", "index", "rank", "group", "delta_index", "delta_rank"]
    list_filter = ["edition"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # results are written by publishing only


@admin.register(ScoreChange, EditionEvent)
class LogAdmin(admin.ModelAdmin):
    def has_change_permission(self, request, obj=None) -> bool:
        return False
