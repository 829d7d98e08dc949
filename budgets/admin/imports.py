"""Every spreadsheet import and export in the admin goes through `SafeImportMixin`."""

import logging

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ImportForm

from .. import staging
from ..resources import SafeCSV, SafeXLSX, cells, decode_csv
from ..spreadsheets.changes import DATABASE_FAILED

audit_log = logging.getLogger("audit")  # stored by the portal's handler (portal/audit.py)


class LimitedImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            cells.check_size(upload.size)
        except cells.ImportRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return upload


class PendingUpload:
    """Stands in for import-export's temporary file during the preview: the upload stays in
    memory and is staged (`budgets.staging`) only once its preview passed, so a refused
    file leaves nothing behind and the confirm form carries a token, never a path."""

    name = ""

    def __init__(self, data):
        self.data = data

    def read(self):
        return self.data


EXPIRED = (
    "预览已失效（超过一小时、已经导入过，或不是您本人的预览），未导入任何内容。请重新上传文件。"
)


class SafeImportMixin(ImportExportMixin):
    """django-import-export with its traps closed (STACK.md): a file is all or nothing, read
    within the upload limits by SafeCSV / SafeXLSX, rows scoped to the user's departments,
    errors in Chinese, no green message when the confirm step imported nothing, and
    confirmed imports and exports audited. Between preview and confirm the upload waits in
    `budgets.staging` (tied to the user, expiring), never in the temp directory. Every
    import in the admin uses it."""

    import_formats = [SafeCSV, SafeXLSX]
    export_formats = [base_formats.CSV, base_formats.XLSX]
    import_form_class = LimitedImportForm
    import_error_display = ("message",)  # never a traceback with server paths
    to_encoding = "utf-8-sig"  # a BOM, so that Excel opens exported CSV in Chinese

    def _staged_kind(self):
        return f"setup-import:{self.opts.label}"

    def _import_url(self):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")

    def write_to_tmp_storage(self, import_file, input_format):
        return PendingUpload(b"".join(import_file.chunks()))

    def get_confirm_form_initial(self, request, import_form):
        if import_form is None:
            return {}
        upload = import_form.cleaned_data["import_file"]
        kept = {
            "data": b"".join(upload.chunks()),
            "file_name": upload.name,
            "format": import_form.cleaned_data["format"],
            "resource": import_form.cleaned_data.get("resource", ""),
        }
        token = staging.stage(kept, kind=self._staged_kind(), user=request.user)
        return {
            "import_file_name": token,
            **{k: kept[k] for k in ("format", "resource")},
            "original_file_name": upload.name,
        }

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        upload = request.FILES.get("import_file")
        context = getattr(response, "context_data", None) or {}
        if upload is not None and context.get("result") is not None:
            fmt = self.get_import_formats()[int(request.POST.get("format", 0))]
            if not fmt().is_binary():
                _text, encoding = decode_csv(b"".join(upload.chunks()))
                messages.info(request, f"已按 {encoding} 编码读取这个 CSV 文件。")
        return response

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The confirm step, on the upload staged at preview for this user and this list
        only; a token the server did not issue (or that expired) imports nothing and
        touches nothing."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        token = request.POST.get("import_file_name", "")
        kept = staging.staged(token, kind=self._staged_kind(), user=request.user)
        if kept is None:
            self.message_user(request, EXPIRED, messages.ERROR)
            return HttpResponseRedirect(self._import_url())
        form = self.get_confirm_form_class(request)(
            data={
                "import_file_name": token,
                "original_file_name": kept["file_name"],
                "format": kept["format"],
                "resource": kept["resource"],
            }
        )
        form.full_clean()
        input_format = self.get_import_formats()[int(kept["format"])](encoding=self.from_encoding)
        try:
            dataset = input_format.create_dataset(kept["data"])
            result = self.process_dataset(dataset, form, request, **kwargs)
            response = self.process_result(result, request)
        except DatabaseError:
            self.message_user(request, DATABASE_FAILED, messages.ERROR)
            return HttpResponseRedirect(self._import_url())
        staging.unstage(token)
        return response

    def get_import_data_kwargs(self, **kwargs):
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, cells.ImportRefused):
            form.add_error("import_file", str(e))
        else:
            form.add_error(
                "import_file",
                "文件无法读取：请确认它是 CSV 或 Excel（.xlsx）文件，且与所选格式一致。",
            )

    def process_dataset(self, dataset, form, request, **kwargs):
        request.import_resource_name = self.choose_import_resource_class(
            form, request
        ).get_display_name()
        return super().process_dataset(dataset, form, request, **kwargs)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # Everything was rolled back; the library would still say "Import finished".
            self.message_user(
                request,
                "导入未完成，没有导入任何数据：数据在预览之后发生了变化或出现错误。请重新上传文件并预览。",
                messages.ERROR,
            )
            return HttpResponseRedirect(self._import_url())
        response = super().process_result(result, request)
        name = getattr(request, "import_resource_name", self.opts.verbose_name)
        audit_log.info(
            f"导入{name}：新增{result.totals['new']}行，修改{result.totals['update']}行",
            extra={"kind": "import", "user": request.user, "request": request},
        )
        return response

    def _audit_export(self, request, response):
        if response.has_header("Content-Disposition"):
            audit_log.info(
                f"导出{self.opts.verbose_name}",
                extra={
                    "kind": "export",
                    "user": request.user,
                    "request": request,
                },
            )
        return response

    def export_action(self, request, **kwargs):
        return self._audit_export(request, super().export_action(request, **kwargs))

    def export_admin_action(self, request, queryset):
        return self._audit_export(request, super().export_admin_action(request, queryset))


class SafeImportAdmin(SafeImportMixin, admin.ModelAdmin):
    pass
