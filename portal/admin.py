from django.conf import settings
from django.contrib import admin

from .models import AuditEvent

admin.site.site_header = f"{settings.PORTAL_NAME} · 管理后台"
admin.site.site_title = f"{settings.PORTAL_NAME}管理后台"
admin.site.index_title = "各部门公开工作"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Logins, failed logins, imports, exports and workflow steps; read-only."""

    list_display = ["at", "kind", "username", "ip", "detail"]
    list_filter = ["kind"]
    search_fields = ["username", "detail", "ip"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
