from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _

from budgets.admin import SafeImportMixin
from organizations.access import reaches_all
from organizations.admin import DepartmentAdmin, UnitAdmin, UnitYearAdmin
from organizations.models import Department, Unit, UnitYear

from .accounts import check_account_change, may_manage
from .models import AuditEvent, LoginLock
from .resources import (
    DepartmentResource,
    DutyResource,
    SectionResource,
    StaffingResource,
    UnitResource,
)
from .roles import EDITOR

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


@admin.register(LoginLock)
class LoginLockAdmin(admin.ModelAdmin):
    """Failed logins per user name and address (django-axes); a platform administrator
    unlocks one by deleting its record (action “删除所选的…”)."""

    list_display = ["last_attempt", "username_shown", "address", "failures", "state"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    fields = ["last_attempt", "username_shown", "address", "failures", "state", "path_info"]
    readonly_fields = fields

    @admin.display(description=_("最近一次尝试"), ordering="attempt_time")
    def last_attempt(self, obj):
        return obj.attempt_time

    @admin.display(description=_("用户名"), ordering="username")
    def username_shown(self, obj):
        return obj.username or "—"

    @admin.display(description=_("IP 地址"), ordering="ip_address")
    def address(self, obj):
        return obj.ip_address or "—"

    @admin.display(description=_("失败次数"), ordering="failures_since_start")
    def failures(self, obj):
        return obj.failures_since_start

    @admin.display(description=_("状态"))
    def state(self, obj):
        left = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        return "已锁定（删除本记录即解锁）" if left <= 0 else f"还可尝试{left}次"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
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


# ---------------------------------------------------------------- accounts and roles

PRIVILEGES = ("is_superuser", "is_staff", "is_active", "groups", "user_permissions")


class AccountRulesForm:
    """Mixed into the user admin's forms: the privileges a save would set go through
    portal.accounts, whatever the POST carries. `actor` is set per request."""

    actor = None

    def clean(self):
        cleaned = super().clean()
        # Before _post_clean the instance still holds the stored values.
        check_account_change(
            actor=self.actor,
            user=self.instance,
            changes={name: cleaned[name] for name in PRIVILEGES if name in cleaned},
        )
        return cleaned


class AccountAdmin(UserAdmin):
    """Superusers manage every account. A platform administrator manages the department
    contact persons' accounts (the 填报人 role at most); the privilege fields it may not set
    are read-only, and the form checks them again (portal/accounts.py)."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (AccountRulesForm, form), {"actor": request.user})

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions", "last_login", "date_joined"]
            if obj is not None and obj.pk == request.user.pk:
                fields += ["groups", "is_staff", "is_active"]
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name=EDITOR)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or may_manage(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or (obj.pk != request.user.pk and may_manage(request.user, obj))
        )


class RoleAdmin(GroupAdmin):
    """Roles (groups) and their permissions: changed by superusers only, since a platform
    administrator holds one of them."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
admin.site.unregister(Group)
admin.site.register(Group, RoleAdmin)
