"""Reference data: classifications (importable), funding sources, "三公" items, categories,
vehicle kinds, narrative templates."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import narrative_parts
from ..models import (
    CatalogueTable,
    ClassificationScheme,
    ClassificationVersion,
    EconomicItem,
    FunctionalItem,
    IncomeSource,
    NarrativeTemplate,
    OfficialExpenseItem,
    ProcurementCategory,
    VehicleKind,
)
from ..resources import (
    EconomicItemResource,
    FunctionalItemResource,
    GovernmentEconomicItemResource,
)
from .imports import SafeImportAdmin

# ---------------------------------------------------------------- reference data


@admin.register(ClassificationVersion)
class ClassificationVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "scheme", "year", "effective_on", "document", "items"]
    list_filter = ["scheme", "year"]
    search_fields = ["document", "source"]

    @admin.display(description=_("科目"))
    def items(self, obj):
        model = FunctionalItem if obj.scheme == ClassificationScheme.FUNCTIONAL else EconomicItem
        url = reverse(f"admin:budgets_{model._meta.model_name}_changelist")
        return format_html('<a href="{}?version__id__exact={}">查看科目</a>', url, obj.pk)


class ClassificationItemAdmin(SafeImportAdmin):
    """Items are imported list by list (see budgets/resources.py); a code, once created,
    never changes: another code is another item."""

    list_display = ["code", "name", "version", "check_state"]
    list_filter = ["year", "unverified", ("version", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name"]
    ordering = ["-year", "code"]
    list_select_related = ["version"]

    def get_readonly_fields(self, request, obj=None):
        return ["version", "code"] if obj else []

    # A green tick beside "unverified" would read as "all right": say it in words.
    @admin.display(description=_("核对"), ordering="unverified")
    def check_state(self, obj):
        return _("待核实") if obj.unverified else "—"


@admin.register(FunctionalItem)
class FunctionalItemAdmin(ClassificationItemAdmin):
    resource_classes = [FunctionalItemResource]
    list_display = ["code", "name", "level_name", "version", "check_state"]

    @admin.display(description=_("级次"))
    def level_name(self, obj):
        return obj.level


@admin.register(EconomicItem)
class EconomicItemAdmin(ClassificationItemAdmin):
    resource_classes = [EconomicItemResource, GovernmentEconomicItemResource]
    list_filter = ["version__scheme", *ClassificationItemAdmin.list_filter]


@admin.register(IncomeSource)
class IncomeSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_appropriation", "carries_over", "order"]
    list_filter = ["is_appropriation"]
    list_select_related = ["carries_over"]
    search_fields = ["name", "code"]


@admin.register(OfficialExpenseItem)
class OfficialExpenseItemAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "order"]
    search_fields = ["name"]


@admin.register(ProcurementCategory)
class OrderedNameAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    search_fields = ["name"]


@admin.register(VehicleKind)
class VehicleKindAdmin(admin.ModelAdmin):
    """The national list of vehicle kinds: a renaming is a new row with the same code and
    order, valid from its first year (the old row gets its last year)."""

    list_display = ["name", "code", "order", "first_year", "last_year", "unverified"]
    list_filter = ["unverified"]
    search_fields = ["name", "code"]


class CatalogueTableInline(admin.TabularInline):
    model = CatalogueTable
    extra = 0
    fields = ["order", "key", "title", "empty_note"]


class NarrativeTemplateForm(forms.ModelForm):
    """The parts a template prints, as checkboxes rather than a JSON list."""

    parts = forms.TypedMultipleChoiceField(
        label=_("须填写的部分"),
        choices=narrative_parts.CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=NarrativeTemplate._meta.get_field("parts").help_text,
    )

    class Meta:
        model = NarrativeTemplate
        fields = [  # every editable field; listed so a new one is a deliberate choice
            "name",
            "region",
            "first_year",
            "kind",
            "template_name",
            "table_unit",
            "thousands_separator",
            "reason_threshold",
            "reason_blocking",
            "rule_set",
            "parts",
            "text_checks_blocking",
        ]


@admin.register(NarrativeTemplate)
class NarrativeTemplateAdmin(admin.ModelAdmin):
    form = NarrativeTemplateForm
    inlines = [CatalogueTableInline]
    list_display = ["name", "region", "kind", "first_year", "template_name", "table_unit"]
    list_filter = ["kind", "table_unit"]
    search_fields = ["name", "region__name", "template_name"]
    autocomplete_fields = ["region"]
