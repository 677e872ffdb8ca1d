import hashlib
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from import_export.forms import ConfirmImportForm
from import_export.results import RowResult
from simple_history.admin import SimpleHistoryAdmin

from scoring import blank
from scoring.editions import create_edition
from scoring.imports import KINDS, batches, import_file, kinds
from scoring.imports.tasks import confirm, in_background, queue_file, rerun
from scoring.models import (
    Average,
    Criterion,
    Edition,
    EditionChange,
    EditionEvent,
    FieldResult,
    ImportBatch,
    Participant,
    Result,
    ScoreChange,
    StandardReason,
    UnitAssignment,
)
from scoring.permissions import ADMIN, role_of


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
class EditionAdmin(SimpleHistoryAdmin):
    """Thresholds and notes are edited here (and kept by simple-history); the stage moves only
    through the staff editions screen (scoring/lifecycle.py), a new edition is made by
    create_edition with its participants, and a published edition is changed by no one."""

    list_display = ["year", "level", "status", "summary_only", "is_demo", "published_at"]
    list_filter = ["level", "status", "is_demo"]
    exclude = ["ranked_total", "published_average"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["status", "published_at"]
        return fixed if obj is None else [*fixed, "year", "level", "summary_only", "is_demo"]

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        extra = {
            name: form.cleaned_data[name]
            for name in form.cleaned_data
            if name not in {"year", "level"}
        }
        created = create_edition(obj.year, obj.level, user=request.user, source="admin", **extra)
        obj.pk = created.pk
        obj.refresh_from_db()


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


@admin.register(StandardReason)
class StandardReasonAdmin(admin.ModelAdmin):
    """The standard reasons the appraisal forms offer to pick from (and edit): the admins keep
    them, in both languages."""

    list_display = ["position", "text_vi", "text_en"]
    list_display_links = ["text_vi"]
    list_editable = ["position"]
    search_fields = ["text_vi", "text_en"]


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


# --- Imports: every kind through django-import-export's upload → preview → confirm flow ------


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of file"))
    import_file = forms.FileField(
        label=_("File to import"), help_text=_("CSV (UTF-8 or UTF-16) or XLSX, as docs/formats.md")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, kind) for kind in kinds()]


class ConfirmForm(ConfirmImportForm):
    """What the preview hands to the confirmation: the stored file and the hash it had."""

    kind = forms.CharField(widget=forms.HiddenInput())
    sha256 = forms.CharField(widget=forms.HiddenInput())
    preview = forms.IntegerField(widget=forms.HiddenInput())
    format = forms.CharField(widget=forms.HiddenInput(), required=False)


@dataclass
class PreviewRow:
    status: str  # created / updated / unchanged, as the writer counts
    label: str
    changes: list[tuple[str, str, str]]  # column, before, after


_STATUS = {
    RowResult.IMPORT_TYPE_NEW: "created",
    RowResult.IMPORT_TYPE_UPDATE: "updated",
    RowResult.IMPORT_TYPE_SKIP: "unchanged",
}


def preview_rows(kind: str, result) -> list[PreviewRow]:
    """import-export's rows as the preview shows them: status and, for an update, the columns
    that change (before → after); the row's keys (ids) are named by the row's label instead."""
    if result is None or kind not in KINDS:
        return []
    columns = [f for f in KINDS[kind]().get_import_fields() if not f.column_name.endswith("_id")]
    rows = []
    for row in result.valid_rows():
        status = _STATUS.get(row.import_type, row.import_type)
        changes = []
        if row.instance is not None:
            for column in columns:
                after = str(column.export(row.instance) or "")
                before = str(column.export(row.original) or "") if row.original else ""
                if status == "created" and after or status == "updated" and before != after:
                    changes.append((column.column_name, before, after))
        rows.append(PreviewRow(status, row.object_repr or "", changes))
    return rows


def _without_bytes():
    """Batches without their kept file (up to IMPORT_MAX_BYTES), saying whether they kept one."""
    return ImportBatch.objects.defer("data").annotate(
        has_data=ExpressionWrapper(Q(data__isnull=False), output_field=BooleanField())
    )


def may_import(user) -> bool:
    """Imports write everything an edition holds: admins (and superusers) only."""
    return user.is_authenticated and user.is_active and role_of(user) == ADMIN


@admin.register(ImportBatch)
class ImportBatchAdmin(ImportMixin, ReadOnlyAdmin):
    """Every import, browsable; the import pages themselves hang off this list."""

    list_display = [
        "started_at",
        "kind",
        "filename",
        "source",
        "dry_run",
        "shown_outcome",
        "created",
        "updated",
        "unchanged",
        "problem_count",
        "user",
    ]
    list_filter = ["kind", "outcome", "source", "dry_run"]
    search_fields = ["filename", "sha256"]
    exclude = ["data"]
    import_template_name = "admin/scoring/importbatch/import.html"
    change_form_template = "admin/scoring/importbatch/detail.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data").select_related("user")

    @admin.display(description=_("outcome"), ordering="outcome")
    def shown_outcome(self, batch: ImportBatch) -> str:
        return ImportBatch.Outcome(batches.state(batch)).label

    def has_view_permission(self, request, obj=None) -> bool:
        return may_import(request.user) or super().has_view_permission(request, obj)

    def has_module_permission(self, request) -> bool:
        return may_import(request.user) or super().has_module_permission(request)

    def has_import_permission(self, request) -> bool:
        return may_import(request.user)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "template/<str:kind>.<str:extension>", view(self.blank_view), name="scoring_blank"
            ),
            path(
                "<int:pk>/progress.json", view(self.progress_view), name="scoring_import_progress"
            ),
            path("<int:pk>/confirm/", view(self.confirm_view), name="scoring_import_confirm"),
            path("<int:pk>/rerun/", view(self.rerun_view), name="scoring_import_rerun"),
            *super().get_urls(),
        ]

    # -- upload and preview -----------------------------------------------------------------

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None, initial=self._kind(request))
        context = {"form": form}
        if request.method == "POST" and form.is_valid():
            kind, upload = form.cleaned_data["kind"], form.cleaned_data["import_file"]
            if upload.size > settings.IMPORT_MAX_BYTES:
                # Refused unread, as the command refuses it.
                report = import_file(
                    kind, upload, upload.name, user=request.user, dry_run=True, via="admin"
                )
                return self._render_import(request, {**context, "report": report})
            data = b"".join(upload.chunks())
            if in_background(kind, len(data)):
                batch = queue_file(kind, data, upload.name, user=request.user, dry_run=True)
                return redirect("admin:scoring_importbatch_change", batch.pk)
            report = import_file(
                kind,
                data,
                upload.name,
                user=request.user,
                dry_run=True,
                via="admin",
                rows_shown=True,
            )
            context["report"] = report
            context["rows"] = preview_rows(kind, report.result)
            if report.ok:
                stored = self.get_tmp_storage_class()(
                    encoding=None, read_mode="rb", **self.get_tmp_storage_class_kwargs()
                )
                stored.save(data)
                context["confirm_form"] = ConfirmForm(
                    initial={
                        "import_file_name": stored.name,
                        "original_file_name": upload.name,
                        "kind": kind,
                        "sha256": report.batch.sha256,
                        "preview": report.batch.pk,
                    }
                )
        return self._render_import(request, context)

    @staticmethod
    def _kind(request) -> dict:
        kind = request.GET.get("kind", "")
        return {"kind": kind} if kind in kinds() else {}

    def _render_import(self, request, context):
        context.update(self.admin_site.each_context(request))
        context.update(
            title=_("Import a file"),
            opts=self.model._meta,
            templates=[(kind, blank.EXTENSIONS) for kind in kinds()],
            max_megabytes=settings.IMPORT_MAX_BYTES // (1024 * 1024),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    # -- confirm ----------------------------------------------------------------------------

    def process_import(self, request, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            raise PermissionDenied
        preview = get_object_or_404(
            ImportBatch,
            pk=form.cleaned_data["preview"],
            user=request.user,
            dry_run=True,
            outcome=ImportBatch.Outcome.SUCCEEDED,
        )
        stored = self.get_tmp_storage_class()(
            name=form.cleaned_data["import_file_name"],
            encoding=None,
            read_mode="rb",
            **self.get_tmp_storage_class_kwargs(),
        )
        try:
            data = stored.read()
        except OSError:
            data = b""
        # The bytes imported are the bytes that were previewed, or nothing is imported.
        digest = hashlib.sha256(data).hexdigest()
        if digest != form.cleaned_data["sha256"] or digest != preview.sha256:
            messages.error(
                request, _("The previewed file is no longer available; upload it again.")
            )
            return redirect("admin:scoring_importbatch_import")
        report = import_file(preview.kind, data, preview.filename, user=request.user, via="admin")
        stored.remove()
        ImportBatch.objects.filter(pk=report.batch.pk).update(preview=preview)
        return redirect("admin:scoring_importbatch_change", report.batch.pk)

    # -- a batch: result, progress, background confirmation, re-run -------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        batch = get_object_or_404(_without_bytes(), pk=object_id)
        if not self.has_view_permission(request, batch):
            raise PermissionDenied
        shown = batches.state(batch)
        running = shown in (ImportBatch.Outcome.QUEUED, ImportBatch.Outcome.RUNNING)
        context = {
            **self.admin_site.each_context(request),
            # Translators: %(filename)s is the name of the imported file, as uploaded.
            "title": _("Import of %(filename)s") % {"filename": batch.filename},
            "opts": self.model._meta,
            "original": batch,
            "batch": batch,
            "state": shown,
            "state_label": ImportBatch.Outcome(shown).label,
            "percent": batches.percent(batch),
            "running": running,
            "problems": batch.problems.splitlines(),
            "more_problems": batch.problem_count - len(batch.problems.splitlines()),
            "may_confirm": self._may_confirm(request, batch),
            "may_rerun": self.has_import_permission(request)
            and shown in (ImportBatch.Outcome.INTERRUPTED, ImportBatch.Outcome.FAILED)
            and batch.has_data,
            "confirmations": batch.confirmations.order_by("-id"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.change_form_template, context)

    def _may_confirm(self, request, batch: ImportBatch) -> bool:
        return (
            self.has_import_permission(request)
            and batch.dry_run
            and batch.outcome == ImportBatch.Outcome.SUCCEEDED
            and batch.source == ImportBatch.Source.TASK
            and batch.has_data
        )

    def progress_view(self, request, pk: int):
        batch = get_object_or_404(ImportBatch.objects.defer("data"), pk=pk)
        if not self.has_view_permission(request, batch):
            raise PermissionDenied
        shown = batches.state(batch)
        response = JsonResponse(
            {
                "state": shown,
                "label": str(ImportBatch.Outcome(shown).label),
                "phase": batch.phase,
                "done": batch.done,
                "total": batch.total,
                "percent": batches.percent(batch),
                "finished": shown not in (ImportBatch.Outcome.QUEUED, ImportBatch.Outcome.RUNNING),
            }
        )
        add_never_cache_headers(response)
        return response

    def confirm_view(self, request, pk: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        batch = get_object_or_404(_without_bytes(), pk=pk)
        if not self._may_confirm(request, batch):
            raise PermissionDenied
        return redirect("admin:scoring_importbatch_change", confirm(batch, user=request.user).pk)

    def rerun_view(self, request, pk: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_import_permission(request):
            raise PermissionDenied
        batch = get_object_or_404(ImportBatch, pk=pk, data__isnull=False)
        if batches.state(batch) not in (
            ImportBatch.Outcome.INTERRUPTED,
            ImportBatch.Outcome.FAILED,
        ):
            raise PermissionDenied
        return redirect("admin:scoring_importbatch_change", rerun(batch, user=request.user).pk)

    # -- blank templates --------------------------------------------------------------------

    def blank_view(self, request, kind: str, extension: str):
        if kind not in kinds() or extension not in blank.EXTENSIONS:
            raise Http404
        content, content_type = blank.render(kind, extension)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{kind}.{extension}"'
        return response
