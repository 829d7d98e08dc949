"""Glossary terms, and the glossary part of the disclosure screen.

The disclosure admin belongs to `budgets`, which must not import the glossary; so this app
extends it the documented Django way (unregister, subclass, register) with its inline."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from budgets.admin import DisclosureAdmin, PartInline, SafeImportAdmin
from budgets.models import Disclosure
from organizations.admin import HistoryAdmin

from .models import DisclosureTerm, Term
from .resources import TermResource


@admin.register(Term)
class TermAdmin(SafeImportAdmin, HistoryAdmin):
    resource_classes = [TermResource]
    list_display = ["name", "region", "from_year", "functional_code", "short_definition", "order"]
    list_filter = [
        ("region", admin.RelatedOnlyFieldListFilter),
        "from_year",
        "functional_item__year",
    ]
    search_fields = ["name", "definition", "functional_item__code", "region__name"]
    autocomplete_fields = ["functional_item"]
    list_select_related = ["functional_item", "region"]
    fields = ["region", "from_year", "name", "definition", "functional_item", "order"]

    def get_queryset(self, request):
        # The list and the term picker of the disclosure form alike (Django's autocomplete
        # asks this admin): a contact person sees the general terms and their own regions'.
        return super().get_queryset(request).offered_to(request.user)

    @admin.display(description=_("科目编码"), ordering="functional_item__code")
    def functional_code(self, obj):
        return obj.functional_item.code if obj.functional_item else "—"

    @admin.display(description=_("解释"))
    def short_definition(self, obj):
        return obj.definition if len(obj.definition) <= 40 else obj.definition[:40] + "…"


class DisclosureTermInline(PartInline):
    model = DisclosureTerm
    block = "glossary"  # shown in the part of the region's template that prints the glossary
    fields = ["order", "term"]
    autocomplete_fields = ["term"]
    # Said here, not on the model: the glossary's models belong to the glossary's own work.
    help_texts = {
        "order": _("本名词在名词解释部分中的序号：通用名词在前，科目名词按科目编码顺序。"),
        "term": _(
            "输入名词查找，如“财政拨款收入”；本文件支出所列每个功能分类科目都应有对应名词，"
            "找不到的请先在“名词解释”中添加。"
        ),
    }

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for name, text in self.help_texts.items():
            if name in formset.form.base_fields:
                formset.form.base_fields[name].help_text = text
        return formset


admin.site.unregister(Disclosure)


@admin.register(Disclosure)
class DisclosureWithGlossaryAdmin(DisclosureAdmin):
    inlines = [*DisclosureAdmin.inlines, DisclosureTermInline]
