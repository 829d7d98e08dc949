from django.contrib import admin
from django.db.models import Count
from django.http import HttpResponseNotAllowed
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .access import reaches, scope
from .forms import ConflictCheckForm
from .models import (
    Department,
    DepartmentSuccession,
    Duty,
    Region,
    Section,
    StaffingKind,
    StaffingQuota,
    Unit,
    UnitKind,
    UnitYear,
)


def department_id_of(obj, path):
    """Follow `path` ("unit__department" …) from obj to its department's id."""
    if not path:
        return obj.pk
    *steps, last = path.split("__")
    for step in steps:
        obj = getattr(obj, step)
    return getattr(obj, f"{last}_id")


class HistoryAdmin(SimpleHistoryAdmin):
    """The admin base of every model with history: its per-version page
    (`…/history/<history_id>/`) only shows an old state. django-simple-history saves that
    page's form on POST for anyone who may view it, even with
    SIMPLE_HISTORY_REVERT_DISABLED, which would write past the workflow and the department
    scope (upstream issue #1362); so every method but GET and HEAD is refused here, for
    every user, superusers included."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedChoices:
    """Dropdowns and autocompletes of departments, units and unit-years offer only what the
    user reaches (for admins and inlines alike)."""

    SCOPED = {Department: "", Unit: "department", UnitYear: "unit__department"}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        path = self.SCOPED.get(db_field.related_model)
        if path is not None:
            kwargs["queryset"] = scope(
                db_field.related_model._default_manager.all(), request.user, path
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DepartmentScopedMixin(ScopedChoices):
    """An admin whose rows belong to a department: a user who does not reach every
    department sees, picks and changes only their own departments' rows, everywhere
    (lists, forms, dropdowns, autocompletes, actions and history). An out-of-scope id
    behaves as if it did not exist (Django redirects to the index)."""

    department_path = "department"

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, self.department_path)

    def _reaches(self, request, obj):
        return obj is None or reaches(request.user, department_id_of(obj, self.department_path))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._reaches(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._reaches(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._reaches(request, obj)


class DepartmentScopedAdmin(DepartmentScopedMixin, HistoryAdmin):
    """A department-scoped admin of a model with history (viewable per object)."""


# A region's name is its lineage (重庆市 › 渝中区): read its ancestors with it, up to four levels.
REGION_LINEAGE = "parent__parent__parent"


class RegionFilter(admin.RelatedFieldListFilter):
    """A list filter by region that reads every region with its ancestors in one query
    (the default one read each region's parents one by one: N+1 on staff lists)."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or Region._meta.ordering
        regions = Region.objects.select_related(REGION_LINEAGE).order_by(*ordering)
        return [(region.pk, str(region)) for region in regions]
@admin.register(DepartmentSuccession)
class DepartmentSuccessionAdmin(HistoryAdmin):
    """Reorganisations (机构改革): reference data of the platform administrators; the public
    department pages link predecessors and successors, and the comparison follows them."""

    list_display = ["predecessor", "successor", "date"]
    list_filter = ["successor__region"]
    search_fields = ["predecessor__name", "successor__name"]
    autocomplete_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]
    date_hierarchy = "date"


@admin.register(Region)
class RegionAdmin(HistoryAdmin):
    list_display = ["__str__", "level", "order"]
    list_select_related = [REGION_LINEAGE]
    list_filter = ["level"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


class UnitInline(ScopedChoices, admin.TabularInline):
    model = Unit
    fk_name = "department"
    extra = 0
    fields = [
        "order",
        "name",
        "relation",
        "kind",
        "funding",
        "rank",
        "parent",
        "merged_into_parent",
        "count",
    ]
    autocomplete_fields = ["parent"]


class DepartmentForm(ConflictCheckForm):
    related = ("units",)


class UnitYearForm(ConflictCheckForm):
    related = ("duties", "sections", "staffing")


@admin.register(Department)
class DepartmentAdmin(DepartmentScopedAdmin):
    form = DepartmentForm
    department_path = ""
    list_display = ["name", "short_name", "region", "code", "unit_count"]
    filter_horizontal = ["members"]
    list_filter = [("region", RegionFilter)]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["region"]
    inlines = [UnitInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(f"region__{REGION_LINEAGE}")
            .annotate(unit_total=Count("units"))
            .order_by("region__order", "order", "name")
        )

    @admin.display(description=_("单位数"), ordering="unit_total")
    def unit_count(self, obj):
        return obj.unit_total


@admin.register(Unit)
class UnitAdmin(DepartmentScopedAdmin):
    form = ConflictCheckForm
    list_display = [
        "name",
        "department",
        "relation",
        "kind",
        "funding",
        "rank",
        "parent",
        "merged_into_parent",
        "count",
    ]
    list_filter = [
        "relation",
        "kind",
        "funding",
        "merged_into_parent",
        ("department__region", RegionFilter),
    ]
    search_fields = ["name", "department__name"]
    autocomplete_fields = ["department", "parent"]
    list_select_related = ["department", "kind", "parent"]


class DutyInline(admin.TabularInline):
    model = Duty
    extra = 1
    fields = ["order", "text"]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 1
    fields = ["order", "name"]


class StaffingQuotaInline(admin.TabularInline):
    model = StaffingQuota
    extra = 1
    fields = ["kind", "count"]


@admin.register(UnitYear)
class UnitYearAdmin(DepartmentScopedAdmin):
    form = UnitYearForm
    department_path = "unit__department"
    list_display = ["unit", "year", "department", "duty_count", "section_count"]
    # RelatedOnly: the filter offers only departments the user can see rows of.
    list_filter = [
        "year",
        ("unit__department__region", RegionFilter),
        ("unit__department", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["unit__name", "unit__department__name"]
    autocomplete_fields = ["unit"]
    inlines = [DutyInline, SectionInline, StaffingQuotaInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("unit__department")
            .annotate(
                duty_total=Count("duties", distinct=True),
                section_total=Count("sections", distinct=True),
            )
            .order_by("-year", "unit__department", "unit__order", "unit__pk")
        )

    @admin.display(description=_("部门"), ordering="unit__department__name")
    def department(self, obj):
        return obj.unit.department

    @admin.display(description=_("职责条数"), ordering="duty_total")
    def duty_count(self, obj):
        return obj.duty_total

    @admin.display(description=_("科室数"), ordering="section_total")
    def section_count(self, obj):
        return obj.section_total


@admin.register(UnitKind)
class UnitKindAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(StaffingKind)
class StaffingKindAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
