"""Glossary terms, and the glossary part of the disclosure screen.

The disclosure admin belongs to `budgets`, which must not import the glossary; so this app
extends it the documented Django way (unregister, subclass, register) with its inline."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from budgets.admin import PART_5, PART_6, DisclosureAdmin, PartInline, SafeImportAdmin
from budgets.models import Disclosure
from organizations.admin import HistoryAdmin

from .models import DisclosureTerm, Term
from .resources import TermResource


@admin.register(Term)
class TermAdmin(SafeImportAdmin, HistoryAdmin):
    resource_classes = [TermResource]
    list_display = ["name", "region", "from_year", "functional_code", "short_definition", "order"]
    list_filter = ["region", "from_year", "functional_item__year"]
    search_fields = ["name", "definition", "functional_item__code", "region__name"]
    autocomplete_fields = ["functional_item"]
    list_select_related = ["functional_item", "region"]
    fields = ["region", "from_year", "name", "definition", "functional_item", "order"]

    @admin.display(description=_("科目编码"), ordering="functional_item__code")
    def functional_code(self, obj):
        return obj.functional_item.code if obj.functional_item else "—"

    @admin.display(description=_("解释"))
    def short_definition(self, obj):
        return obj.definition if len(obj.definition) <= 40 else obj.definition[:40] + "…"


class DisclosureTermInline(PartInline):
    model = DisclosureTerm
    part = PART_6
    fields = ["order", "term"]
    autocomplete_fields = ["term"]


admin.site.unregister(Disclosure)


@admin.register(Disclosure)
class DisclosureWithGlossaryAdmin(DisclosureAdmin):
    inlines = [*DisclosureAdmin.inlines, DisclosureTermInline]
    _after = [name for name, _options in DisclosureAdmin.fieldsets].index(PART_5) + 1
    fieldsets = [
        *DisclosureAdmin.fieldsets[:_after],
        (
            PART_6,
            {
                "fields": [],
                "description": _("按说明中的顺序选择名词；名词本身在“名词解释”中维护。"),
            },
        ),
        *DisclosureAdmin.fieldsets[_after:],
    ]
