from django.contrib import admin

from scoring.models import (
    Average,
    Criterion,
    Edition,
    EditionChange,
    EditionEvent,
    FieldResult,
    Participant,
    Result,
    ScoreChange,
    UnitAssignment,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only a writer in scoring/ adds (audit trails, published results, and the
    criteria and participants, which change through their writers so that every change is
    checked and recorded): listed for everyone, added, changed or deleted by no one."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["year", "level", "status", "summary_only", "is_demo", "published_at"]
    list_filter = ["level", "status", "is_demo"]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_vi", "max_points", "method", "edition"]
    list_filter = ["edition"]
    search_fields = ["code", "name_vi", "name_en"]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ["unit", "edition", "ranked"]
    list_filter = ["edition", "ranked"]


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = ["participant", "index", "rank", "group", "delta_index", "delta_rank"]
    list_filter = ["edition"]


@admin.register(FieldResult)
class FieldResultAdmin(ReadOnlyAdmin):
    list_display = ["result", "field_code", "index", "rank"]


@admin.register(Average)
class AverageAdmin(ReadOnlyAdmin):
    list_display = ["edition", "region_code", "field_code", "value"]
    list_filter = ["edition"]


@admin.register(ScoreChange)
class ScoreChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "score", "column", "old_value", "new_value", "user", "source"]
    list_filter = ["column"]


@admin.register(EditionEvent)
class EditionEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "edition", "action", "user", "reason"]
    list_filter = ["action"]


@admin.register(EditionChange)
class EditionChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "edition", "subject", "action", "key", "user", "source"]
    list_filter = ["subject", "action", "edition"]


@admin.register(UnitAssignment)
class UnitAssignmentAdmin(admin.ModelAdmin):
    """Which unit each unit officer writes for; their role is their group (scoring/permissions)."""

    list_display = ["user", "unit"]
    autocomplete_fields = ["unit"]
    search_fields = ["user__username", "unit__code", "unit__name_vi"]
