from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Department, Duty, Region, Section, StaffingKind, StaffingQuota, Unit, UnitYear


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "level", "order"]
    list_filter = ["level"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


class UnitInline(admin.TabularInline):
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
    ]
    autocomplete_fields = ["parent"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "region", "code", "unit_count"]
    list_filter = ["region"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["region"]
    inlines = [UnitInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("region__parent")
            .annotate(unit_total=Count("units"))
        )

    @admin.display(description=_("单位数"), ordering="unit_total")
    def unit_count(self, obj):
        return obj.unit_total


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "department",
        "relation",
        "kind",
        "funding",
        "rank",
        "merged_into_parent",
    ]
    list_filter = ["relation", "kind", "funding", "merged_into_parent", "department__region"]
    search_fields = ["name", "department__name"]
    autocomplete_fields = ["department", "parent"]
    list_select_related = ["department"]


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
class UnitYearAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "department", "duty_count", "section_count"]
    list_filter = ["year", "unit__department__region", "unit__department"]
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


@admin.register(StaffingKind)
class StaffingKindAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
