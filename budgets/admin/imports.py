"""Every spreadsheet import and export in the admin goes through `SafeImportMixin`."""

import logging

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ImportForm

from ..resources import SafeCSV, SafeXLSX, cells

audit_log = logging.getLogger("audit")  # stored by the portal's handler (portal/audit.py)


class LimitedImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            cells.check_size(upload.size)
        except cells.ImportRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return upload


class SafeImportMixin(ImportExportMixin):
    """django-import-export with its traps closed (STACK.md): a file is all or nothing, read
    within the upload limits by SafeCSV / SafeXLSX, rows scoped to the user's departments,
    errors in Chinese, no green message when the confirm step imported nothing, and
    confirmed imports and exports audited. Every import in the admin uses it."""

    import_formats = [SafeCSV, SafeXLSX]
    export_formats = [base_formats.CSV, base_formats.XLSX]
    import_form_class = LimitedImportForm

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
                "文件无法读取：请确认它是 UTF-8 编码的 CSV 或 Excel（.xlsx）文件，且与所选格式一致。",
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
            opts = self.opts
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        response = super().process_result(result, request)
        name = getattr(request, "import_resource_name", self.opts.verbose_name)
        audit_log.info(
            f"导入{name}：新增{result.totals['new']}行，修改{result.totals['update']}行",
            extra={"kind": "import", "user": request.user, "ip": request.META.get("REMOTE_ADDR")},
        )
        return response

    def _audit_export(self, request, response):
        if response.has_header("Content-Disposition"):
            audit_log.info(
                f"导出{self.opts.verbose_name}",
                extra={
                    "kind": "export",
                    "user": request.user,
                    "ip": request.META.get("REMOTE_ADDR"),
                },
            )
        return response

    def export_action(self, request, **kwargs):
        return self._audit_export(request, super().export_action(request, **kwargs))

    def export_admin_action(self, request, queryset):
        return self._audit_export(request, super().export_admin_action(request, queryset))


class SafeImportAdmin(SafeImportMixin, admin.ModelAdmin):
    pass
