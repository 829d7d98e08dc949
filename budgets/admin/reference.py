"""Reference data: classifications (importable), funding sources, "三公" items, categories,
vehicle kinds, narrative templates."""

from django.contrib import admin

from ..models import (
    CatalogueTable,
    EconomicItem,
    FunctionalItem,
    IncomeSource,
    NarrativeTemplate,
    OfficialExpenseItem,
    ProcurementCategory,
    VehicleKind,
)
from ..resources import EconomicItemResource, FunctionalItemResource
from .imports import SafeImportAdmin

# ---------------------------------------------------------------- reference data


@admin.register(FunctionalItem)
class FunctionalItemAdmin(SafeImportAdmin):
    resource_classes = [FunctionalItemResource]
    list_display = ["code", "name", "level", "year"]
    list_filter = ["year"]
    search_fields = ["code", "name"]
    ordering = ["-year", "code"]


@admin.register(EconomicItem)
class EconomicItemAdmin(SafeImportAdmin):
    resource_classes = [EconomicItemResource]
    list_display = ["code", "name", "year"]
    list_filter = ["year"]
    search_fields = ["code", "name"]
    ordering = ["-year", "code"]


@admin.register(IncomeSource)
class IncomeSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_appropriation", "order"]
    list_filter = ["is_appropriation"]
    search_fields = ["name", "code"]


@admin.register(OfficialExpenseItem)
class OfficialExpenseItemAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "order"]
    search_fields = ["name"]


@admin.register(ProcurementCategory, VehicleKind)
class OrderedNameAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    search_fields = ["name"]


class CatalogueTableInline(admin.TabularInline):
    model = CatalogueTable
    extra = 0
    fields = ["order", "key", "title", "empty_note"]


@admin.register(NarrativeTemplate)
class NarrativeTemplateAdmin(admin.ModelAdmin):
    inlines = [CatalogueTableInline]
    list_display = ["name", "region", "kind", "first_year", "template_name", "table_unit"]
    list_filter = ["kind", "table_unit"]
    search_fields = ["name", "region__name", "template_name"]
    autocomplete_fields = ["region"]
