"""The e-mail notices sent so far (budgets/notices.py sends them), read-only: platform
administrators see all of them, a contact person their own department's."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from organizations.admin import DepartmentScopedMixin

from ..models import Notice


@admin.register(Notice)
class NoticeAdmin(DepartmentScopedMixin, admin.ModelAdmin):
    department_path = "disclosure__department"
    list_display = ["sent_at", "kind", "subject", "recipients", "disclosure"]
    list_filter = [
        "kind",
        ("disclosure__department", admin.RelatedOnlyFieldListFilter),
        "sent_on",
    ]
    search_fields = ["subject", "recipients", "disclosure__department__name"]
    search_help_text = _("按标题、收件人邮箱或部门名称搜索。")
    list_select_related = ["disclosure__department", "disclosure__unit"]
    date_hierarchy = "sent_at"
    fields = ["disclosure", "kind", "sent_at", "recipients", "subject"]

    # A notice records what was sent: nobody adds, changes or deletes one.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
