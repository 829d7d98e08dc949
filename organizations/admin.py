import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR
from django.db import models
from django.db.models import Count
from django.http import HttpResponseNotAllowed
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .access import reaches, reaches_all, scope
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


class PlainInlineAdminFormSet(helpers.InlineAdminFormSet):
    """An inline whose “add a row” link reads “添加内设科室” (the stock one reads
    “添加另一个 内设科室”)."""

    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        data["options"]["addText"] = f"添加{self.opts.verbose_name}"
        return json.dumps(data)


class PlainWordsMixin:
    """Plain words on the screens a contact person uses, instead of the stock phrases
    (“成功修改了 …你可以在下面再次编辑它。”, “修改 单位”): after a save, one message naming
    what was saved and, from `next_step`, what to do next; page titles without the stock
    space (“修改单位”, “新增单位”, “查看公开文件”)."""

    # request attribute set while Django builds its own success message, which is dropped
    _STOCK = "_plain_words_stock_message"

    def next_step(self, request, obj, added):
        """(text, level) of what to do after saving obj, or None. Subclasses say it."""
        return None

    def saved_message(self, request, obj, added):
        what = f"{obj._meta.verbose_name}“{obj}”"
        done = f"已添加{what}" if added else f"已保存{what}"
        if "_addanother" in request.POST:
            done += f"，可在下方填写下一个{obj._meta.verbose_name}"
        elif "_continue" in request.POST:
            done += "，可在下方继续填写"
        text, level = f"{done}。", messages.SUCCESS
        step = self.next_step(request, obj, added)
        if step:
            text, level = format_html("{}{}", text, step[0]), step[1]
        return text, level

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, self._STOCK, False) and level == messages.SUCCESS:
            return
        super().message_user(request, message, level, *args, **kwargs)

    def _plain_response(self, request, obj, added, respond):
        if IS_POPUP_VAR in request.POST:  # the popup closes: no message to read
            return respond()
        setattr(request, self._STOCK, True)
        try:
            response = respond()
        finally:
            setattr(request, self._STOCK, False)
        self.message_user(request, *self.saved_message(request, obj, added))
        return response

    def response_add(self, request, obj, post_url_continue=None):
        parent = super().response_add
        return self._plain_response(
            request, obj, True, lambda: parent(request, obj, post_url_continue)
        )

    def response_change(self, request, obj):
        parent = super().response_change
        # “保存为新的” makes a new record: it was added.
        added = "_saveasnew" in request.POST
        return self._plain_response(request, obj, added, lambda: parent(request, obj))

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_formset in inline_formsets:
            if type(inline_formset) is helpers.InlineAdminFormSet:
                inline_formset.__class__ = PlainInlineAdminFormSet
        return inline_formsets

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        name = self.opts.verbose_name
        if add:
            title = f"新增{name}"
        elif self.has_change_permission(request, obj):
            title = f"修改{name}"
        else:
            title = f"查看{name}（只读）"
        context["title"] = title
        return super().render_change_form(request, context, add, change, form_url, obj)


class HistoryAdmin(PlainWordsMixin, SimpleHistoryAdmin):
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

    def get_list_filter(self, request):
        """A user of one or a few departments has no use for the filters by region."""
        filters = super().get_list_filter(request)
        if reaches_all(request.user):
            return filters
        return [entry for entry in filters if not str(entry).endswith("__region")]

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

    def get_changeform_initial_data(self, request):
        """A contact person of one department adds units to it: it is chosen already."""
        initial = super().get_changeform_initial_data(request)
        if "department" not in initial:
            reached = scope(Department.objects.all(), request.user, "")[:2]
            if len(reached) == 1:
                initial["department"] = reached[0].pk
        return initial

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "name" and field is not None:
            field.widget.attrs["size"] = 60  # full names are long
        return field

    def next_step(self, request, obj, added):
        if added:
            return (
                "本单位每年的职责、内设科室和编制，请在“单位年度情况”中按年度填写。",
                messages.SUCCESS,
            )
        return None


class DutyInline(admin.TabularInline):
    model = Duty
    extra = 1
    fields = ["order", "text"]
    # Most duties are one or two lines: ten empty rows each made the page endless.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}
    }


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
