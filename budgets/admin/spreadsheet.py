"""The disclosure screen's spreadsheet import: download the fill-in template, upload a
workbook, preview every change, confirm. The work is done by `budgets.spreadsheets`; these
views only check who may do it on which draft, and render.

URLs (inside the disclosure admin):
    <pk>/spreadsheet/template/  下载填报模板 (GET)
    <pk>/spreadsheet/import/    上传并预览 (GET form, POST upload → preview page)
    <pk>/spreadsheet/confirm/   确认导入 (POST token → applied, back to the disclosure)
"""

import logging
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .. import spreadsheets
from ..rules import ERROR
from ..spreadsheets.workbook import megabytes

audit_log = logging.getLogger("audit")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_PER_LIST = 200  # longer lists of lines are cut in the preview (the counts stay exact)
SHOWN_PROBLEMS = 10


class LimitedUploadHandler(FileUploadHandler):
    """Stops receiving a file once it passes IMPORT_MAX_BYTES: without it Django would
    write an upload of any size to a temporary file before the view could refuse it."""

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit = limit
        self.too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.limit + 64 * 1024:  # the form's own fields
            self.too_large = True

    def receive_data_chunk(self, raw_data, start):
        if self.too_large or start + len(raw_data) > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)  # the rest is read and dropped
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) holds the file


class UploadForm(forms.Form):
    file = forms.FileField(
        label="电子表格文件（.xlsx）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": "请选择要导入的 .xlsx 文件。", "empty": "文件是空的。"},
    )


def _attachment(filename, fallback):
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


class DisclosureSpreadsheetMixin:
    """Mixed into DisclosureAdmin: spreadsheet template, upload, preview and confirm for a
    draft the user may change. An out-of-scope id behaves as a missing one."""

    spreadsheet_templates = {
        "form": "admin/budgets/disclosure/import_form.html",
        "preview": "admin/budgets/disclosure/import_preview.html",
    }

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/spreadsheet/template/",
                view(self.spreadsheet_template_view),
                name="budgets_disclosure_spreadsheet_template",
            ),
            path(
                "<int:pk>/spreadsheet/import/",
                view(self.spreadsheet_import_view),
                name="budgets_disclosure_spreadsheet_import",
            ),
            path(
                "<int:pk>/spreadsheet/confirm/",
                view(self.spreadsheet_confirm_view),
                name="budgets_disclosure_spreadsheet_confirm",
            ),
            *super().get_urls(),
        ]

    def _draft_or_response(self, request, pk):
        """(draft, None) when the user may import into it, else (None, a response)."""
        obj = self.get_object(request, str(pk))  # scoped: another department's id is None
        if obj is None:
            return None, self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        if not obj.is_editable:
            self.message_user(
                request,
                f"“{obj}”当前状态为“{obj.get_status_display()}”，只有草稿可以下载填报模板和导入。"
                "已公开的版本请发起更正；已提交或已审核的请先退回修改。",
                messages.ERROR,
            )
            return None, HttpResponseRedirect(self._change_url(obj))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj, None

    def _change_url(self, obj):
        return reverse("admin:budgets_disclosure_change", args=[obj.pk])

    def _context(self, request, obj, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"导入电子表格：{obj}",
            "limits": spreadsheets.limits(),
            "max_size": megabytes(spreadsheets.limits().max_bytes),
            "template_url": reverse("admin:budgets_disclosure_spreadsheet_template", args=[obj.pk]),
            "import_url": reverse("admin:budgets_disclosure_spreadsheet_import", args=[obj.pk]),
            "change_url": self._change_url(obj),
            **extra,
        }

    def spreadsheet_template_view(self, request, pk):
        obj, refusal = self._draft_or_response(request, pk)
        if refusal:
            return refusal
        content = spreadsheets.template_workbook(obj)
        audit_log.info(
            f"下载填报模板：{obj}",
            extra={"kind": "export", "user": request.user, "request": request},
        )
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = _attachment(
            f"{obj.title.removesuffix('情况说明')}填报模板.xlsx",
            f"disclosure-{obj.pk}-{obj.year}-template.xlsx",
        )
        return response

    @csrf_exempt  # checked below, after the size-limiting upload handler is in place
    def spreadsheet_import_view(self, request, pk):
        handler = LimitedUploadHandler(request, spreadsheets.limits().max_bytes)
        request.upload_handlers.insert(0, handler)
        return csrf_protect(self._spreadsheet_import)(request, pk, handler)

    def _spreadsheet_import(self, request, pk, handler):
        obj, refusal = self._draft_or_response(request, pk)
        if refusal:
            return refusal
        if request.method != "POST":
            return TemplateResponse(
                request,
                self.spreadsheet_templates["form"],
                self._context(request, obj, form=UploadForm()),
            )
        form, refused = UploadForm(request.POST, request.FILES), ""
        if handler.too_large:
            form = UploadForm()
            refused = f"文件超过上限{megabytes(spreadsheets.limits().max_bytes)}，未导入。"
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                preview = spreadsheets.preview_import(
                    disclosure=obj, upload=upload, user=request.user, file_name=upload.name
                )
            except spreadsheets.ImportRefused as error:
                refused = str(error)
            else:
                token = (
                    spreadsheets.keep_preview(preview, user=request.user)
                    if preview.ok and preview.change_count
                    else ""
                )
                return TemplateResponse(
                    request,
                    self.spreadsheet_templates["preview"],
                    self._context(
                        request,
                        obj,
                        title=f"导入预览：{obj}",
                        preview=preview,
                        tables=[_shown(t) for t in preview.changes],
                        issues=preview.issues[:SHOWN_PER_LIST],
                        more_issues=max(0, len(preview.issues) - SHOWN_PER_LIST),
                        token=token,
                        form=UploadForm(),
                        confirm_url=reverse(
                            "admin:budgets_disclosure_spreadsheet_confirm", args=[obj.pk]
                        ),
                    ),
                )
        return TemplateResponse(
            request,
            self.spreadsheet_templates["form"],
            self._context(request, obj, form=form, refused=refused),
        )

    def spreadsheet_confirm_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj, refusal = self._draft_or_response(request, pk)
        if refusal:
            return refusal
        again = reverse("admin:budgets_disclosure_spreadsheet_import", args=[obj.pk])
        token = request.POST.get("token", "")
        kept = spreadsheets.kept_preview(token, user=request.user, disclosure=obj)
        if kept is None:
            self.message_user(
                request,
                "预览已失效（超过一小时或已导入），未导入任何内容。请重新上传文件。",
                messages.ERROR,
            )
            return HttpResponseRedirect(again)
        try:
            applied = spreadsheets.apply_import(
                disclosure=obj,
                plan=kept["plan"],
                expected_fingerprint=kept["fingerprint"],
                user=request.user,
            )
        except spreadsheets.ImportRefused as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(again)
        spreadsheets.forget_preview(token)
        audit_log.info(
            f"导入电子表格“{kept['file_name']}”到{obj}：{applied}",
            extra={"kind": "import", "user": request.user, "request": request},
        )
        self.message_user(request, f"已从“{kept['file_name']}”导入：{applied}。", messages.SUCCESS)
        errors = [p for p in applied.problems if p.severity == ERROR]
        if applied.problems:
            self.message_user(
                request,
                f"导入后的一致性检查：{len(errors)}个错误，{len(applied.problems) - len(errors)}个提示"
                "（详见下方“一致性检查”）。",
                messages.WARNING if errors else messages.INFO,
            )
            for problem in applied.problems[:SHOWN_PROBLEMS]:
                level = messages.WARNING if problem.severity == ERROR else messages.INFO
                self.message_user(request, problem.message, level)
        else:
            self.message_user(request, "导入后的一致性检查：未发现问题。", messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(obj))


def _shown(table):
    """A table's changes for the page: exact counts, long lists cut."""
    lists = []
    for kind, label, lines in (
        ("new", "新增", table.new),
        ("changed", "修改", table.changed),
        ("removed", "删除", table.removed),
    ):
        if lines:
            lists.append(
                {
                    "kind": kind,
                    "label": label,
                    "count": len(lines),
                    "lines": lines[:SHOWN_PER_LIST],
                    "hidden": max(0, len(lines) - SHOWN_PER_LIST),
                }
            )
    return {
        "key": table.key,
        "title": table.title,
        "count": table.count,
        "new": len(table.new),
        "changed": len(table.changed),
        "removed": len(table.removed),
        "unchanged": len(table.unchanged),
        "lists": lists,
        "unchanged_shown": table.unchanged[:SHOWN_PER_LIST],
    }
