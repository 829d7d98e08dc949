from django.conf import settings
from django.contrib import admin

from budgets.admin import SafeImportMixin
from organizations.access import reaches_all
from organizations.admin import DepartmentAdmin, UnitAdmin, UnitYearAdmin
from organizations.models import Department, Unit, UnitYear

from .models import AuditEvent
from .resources import (
    DepartmentResource,
    DutyResource,
    SectionResource,
    StaffingResource,
    UnitResource,
)

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


# The region set-up imports (resources in portal/resources.py) join the organizations
# admins here: organizations uses no other app, the import machinery lives in budgets.
class DepartmentImportAdmin(SafeImportMixin, DepartmentAdmin):
    resource_classes = [DepartmentResource]

    def has_import_permission(self, request):
        """Departments are set up by site administrators (users who reach all of them)."""
        return reaches_all(request.user) and super().has_import_permission(request)


class UnitImportAdmin(SafeImportMixin, UnitAdmin):
    resource_classes = [UnitResource]


class UnitYearImportAdmin(SafeImportMixin, UnitYearAdmin):
    """Duties, sections and staffing are imported and exported here, one resource each
    (an export lists the rows of the unit-years shown)."""

    resource_classes = [DutyResource, SectionResource, StaffingResource]


for model, model_admin in (
    (Department, DepartmentImportAdmin),
    (Unit, UnitImportAdmin),
    (UnitYear, UnitYearImportAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
