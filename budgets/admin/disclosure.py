"""The contact person's back office: one disclosure screen laid out like the document."""

import logging

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from organizations.access import scope
from organizations.admin import (
    DepartmentScopedAdmin,
    DepartmentScopedMixin,
    RegionFilter,
    ScopedChoices,
)
from organizations.forms import ConflictCheckForm
from organizations.models import Department, UnitYear

from .. import annual, deadlines, form_parts, workflow
from ..models import (
    BasicExpenditureLine,
    Disclosure,
    DisclosureCheck,
    EquipmentLine,
    Exemption,
    ExpenditureLine,
    IncomeLine,
    KeyProject,
    NarrativeTemplate,
    OfficialExpenseLine,
    PerformanceTarget,
    ProcurementLine,
    ProjectSubsection,
    ProjectWriteUp,
    PublishedSentence,
    StatusChange,
    VehicleLine,
)
from ..money import MoneyField, YuanFormField, format_amount, format_wan
from ..part_states import part_states
from ..rules import ERROR, check_disclosure
from .spreadsheet import DisclosureSpreadsheetMixin

audit_log = logging.getLogger("audit")  # stored by the portal's handler (portal/audit.py)

HEADER = "公开主体与发布信息"
REVIEW = "公开前审查"
CHECKS = "一致性检查"
REVIEW_BLOCK = "review"
NONE_FLAGS = _(
    "没有填写的部分不会当作0：确实没有的，请勾选该部分的“无”，页面写明没有；"
    "既未填写也未勾选的，不能提交审核。"
)
# What the contact person fills, block by block (budgets/form_parts.py puts each block in the
# part of the region's template that prints it). An inline names its block in `block`.
BLOCKS = {
    "units": {
        "fields": ["units_summary"],
        "description": _("各单位的职能职责、内设科室和编制按年度维护，点击单位名称编辑。"),
    },
    "income": {
        "fields": ["income_summary", "income_change_reason", "expenditure_summary"],
        "description": _("收入、支出合计由下方各行自动计算。"),
    },
    "appropriation": {
        "fields": [
            "split_summary",
            ("prior_basic", "prior_project"),
            "basic_change_reason",
            "basic_uses",
            "project_change_reason",
        ],
        "description": _("基本支出和项目支出由支出预算各行合计。"),
    },
    "funds": {
        "fields": [("no_government_fund", "no_state_capital")],
        "description": _(
            "政府性基金、国有资本经营预算的支出按该资金来源填写支出行的合计、用途和原因，"
            "不必拆分基本支出和项目支出；确实没有的，勾选“无”。"
        ),
    },
    "projects": {
        "fields": [],
        "description": _("重点项目按说明中的顺序填写；先保存项目，再填写其说明和绩效目标。"),
    },
    "official_expenses": {
        "fields": [
            "official_expense_summary",
            "official_expense_change_reason",
            "no_official_expenses",
        ]
    },
    "operating_cost": {
        "fields": [
            ("operating_cost", "prior_operating_cost"),
            "operating_cost_change_reason",
            "operating_cost_uses",
            "no_operating_cost",
        ]
    },
    "procurement": {
        "fields": [
            "procurement_summary",
            ("procurement_sme_amount", "procurement_micro_amount"),
            "no_procurement",
        ]
    },
    "performance": {"fields": [("performance_amount", "no_performance")]},
    "vehicles": {"fields": ["vehicles_counted_on", "vehicle_summary", "no_vehicles"]},
    "equipment": {
        "fields": [],
        "description": _("单位价值在起点以上的设备，按台（套）填写；统计日期与车辆相同。"),
    },
    "glossary": {
        "fields": [],
        "description": _("按说明中的顺序选择名词；名词本身在“名词解释”中维护。"),
    },
    "contact": {
        "fields": [("contact_name", "contact_phone")],
        "description": _("本地区模板要求在文末注明公开联系人及联系方式。"),
    },
}
NONE_BLOCKS = {
    "funds",
    "official_expenses",
    "operating_cost",
    "procurement",
    "performance",
    "vehicles",
}
OTHER_NOTE = _("本地区的情况说明模板不印出以下内容，可以不填。")
NOT_YET = _("保存后显示。")
UNFILLED = _("未填写（不是0）：数字在下方各行填写。")


def describe(comparison, label="上年"):
    """`11091.84万元（上年10343.34万元，增加748.5万元）` for the read-only summaries."""
    if comparison.current is None:
        return "—"
    text = f"{format_wan(comparison.current)}万元"
    if comparison.prior is not None:
        change = comparison.change
        verb = "增加" if change > 0 else "减少" if change < 0 else "持平"
        amount = "" if change == 0 else f"{format_wan(abs(change))}万元"
        text += f"（{label}{format_wan(comparison.prior)}万元，{verb}{amount}）"
    return text


# ---------------------------------------------------------------- the disclosure


LINES_PER_PAGE = 200  # a longer line list is paged: 10,001 lines would be 35 MB of HTML
SHOWN_PROBLEMS = 50  # the consistency check lists this many; the rest are counted


class PagedLinesFormSet(BaseInlineFormSet):
    """A disclosure's lines, at most LINES_PER_PAGE at a time: the page comes from the
    query string (`?<prefix>-page=N`, kept when the form is saved, so the formset binds
    the same lines it showed). Lines on other pages are neither shown nor touched."""

    def __init__(self, *args, page=1, query=None, **kwargs):
        self.page, self.query, self.line_count, self.page_count = page, query, 0, 1
        self._paged = False
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        if not self._paged:
            lines = super().get_queryset()
            self._paged = True
            self.line_count = lines.count()
            if self.line_count > LINES_PER_PAGE:
                self.page_count = -(-self.line_count // LINES_PER_PAGE)
                self.page = min(max(self.page, 1), self.page_count)
                start = (self.page - 1) * LINES_PER_PAGE
                ids = list(lines.values_list("pk", flat=True)[start : start + LINES_PER_PAGE])
                self._queryset = lines.filter(pk__in=ids)
        return self._queryset

    @property
    def first_shown(self):
        return (self.page - 1) * LINES_PER_PAGE + 1

    @property
    def last_shown(self):
        return min(self.page * LINES_PER_PAGE, self.line_count)

    def page_links(self):
        """(page number, query string, is this page) for the pager."""
        links = []
        for number in range(1, self.page_count + 1):
            query = self.query.copy() if self.query is not None else QueryDict(mutable=True)
            query[f"{self.prefix}-page"] = str(number)
            links.append((number, f"?{query.urlencode()}", number == self.page))
        return links


class UniqueLinesFormSet(PagedLinesFormSet):
    """Reports two lines with the same key as a form error (some keys are conditional
    database constraints, which Django's formset validation does not see)."""

    line_key = ()
    duplicate_message = _("有重复的行，请合并。")

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if (
                not hasattr(form, "cleaned_data")
                or not form.cleaned_data
                or form.cleaned_data.get("DELETE")
            ):
                continue
            key = tuple(form.cleaned_data.get(name) for name in self.line_key)
            if key in seen:
                raise ValidationError(self.duplicate_message)
            seen.add(key)


class ExpenditureFormSet(UniqueLinesFormSet):
    line_key = ("source", "functional_item")
    duplicate_message = _("同一资金来源的同一科目（或不分科目的合计）只能填写一行。")


YUAN, WAN = "yuan", "wan"


def entry_unit(request):
    """The unit this person enters amounts in (元 or 万元), chosen with ?unit= on the form and
    kept for the session."""
    chosen = request.GET.get("unit")
    if chosen in {YUAN, WAN}:
        request.session["amount_unit"] = chosen
    return request.session.get("amount_unit", WAN)


class ReadableAmounts:
    """Once a version is no longer a draft its screen is read-only, and Django would print a
    stored amount as `11091.840000`: show every MoneyField as `11,091.84` instead, through a
    display twin `<name>_shown` that replaces it in the field list."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.money_fields = {f.name for f in self.model._meta.fields if isinstance(f, MoneyField)}
        for name in self.money_fields:
            setattr(self, f"{name}_shown", self._shown(name))

    def _shown(self, name):
        @admin.display(description=self.model._meta.get_field(name).verbose_name)
        def shown(obj):
            value = getattr(obj, name)
            return "—" if value is None else format_amount(value)

        return shown

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Amounts typed in the unit the person chose for this screen (元 or 万元).
        if isinstance(db_field, MoneyField) and request and entry_unit(request) == YUAN:
            kwargs["form_class"] = YuanFormField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def reads_only(self, obj):
        disclosure = obj if isinstance(obj, Disclosure) else None
        return disclosure is not None and not disclosure.is_editable

    def swap_money(self, names):
        return [
            self.swap_money(n)
            if isinstance(n, list | tuple)
            else f"{n}_shown"
            if n in self.money_fields
            else n
            for n in names
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self.reads_only(obj):
            fields += [f"{name}_shown" for name in self.money_fields]
        return fields


class PartInline(ReadableAmounts, ScopedChoices, admin.TabularInline):
    """An inline of the form's `block` (budgets/form_parts.py), shown right after the fieldset
    of the part that holds the block (`part`, set per request: see change_form.html);
    editable only while its disclosure is a draft."""

    block = None
    part = None
    extra = 0
    formset = PagedLinesFormSet
    template = "admin/budgets/disclosure/paged_tabular.html"
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}
    }

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return self.swap_money(fields) if self.reads_only(obj) else fields

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Reference data is chosen here, not edited: drop the add/change/delete/view icons.
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(field, "widget", None)
        for flag in (
            "can_add_related",
            "can_change_related",
            "can_delete_related",
            "can_view_related",
        ):
            if hasattr(widget, flag):
                setattr(widget, flag, False)
        return field

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or obj.is_editable)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_editable)


class IncomeLineInline(PartInline):
    model = IncomeLine
    block = "income"
    fields = ["source", "amount", "prior_amount", "prior_execution", "change_reason"]


class ExpenditureLineInline(PartInline):
    model = ExpenditureLine
    formset = ExpenditureFormSet
    block = "income"
    fields = [
        "source",
        "functional_item",
        "basic",
        "project",
        "total",
        "prior_amount",
        "prior_execution",
        "purpose",
        "change_reason",
    ]
    autocomplete_fields = ["functional_item"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "functional_item")


class KeyProjectInline(PartInline):
    model = KeyProject
    block = "projects"
    fields = ["order", "name", "amount", "source", "functional_item", "unit"]
    autocomplete_fields = ["functional_item"]


class ProjectDetailInline(PartInline):
    """Rows that hang on one of this version's key projects: the project dropdown offers
    only those (saved ones: a new project is saved first, then described)."""

    block = "projects"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        fields = formset.form.base_fields
        if "project" in fields:
            fields["project"].queryset = KeyProject.objects.filter(disclosure=obj)
        return formset


class ProjectWriteUpInline(ProjectDetailInline):
    model = ProjectWriteUp
    fields = ["project", "subsection", "text"]
    verbose_name_plural = _("重点项目说明（先保存重点项目，再按本地区模板的小节填写）")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        fields = formset.form.base_fields
        if "subsection" in fields:
            template = obj and NarrativeTemplate.for_body(
                region=obj.department.region, year=obj.year, kind=obj.kind
            )
            fields["subsection"].queryset = ProjectSubsection.objects.filter(template=template)
            fields["subsection"].help_text = _(
                "可选的小节由本地区情况说明模板规定；没有可选项表示模板未设项目说明小节。"
            )
        return formset


class PerformanceTargetInline(ProjectDetailInline):
    model = PerformanceTarget
    fields = ["project", "order", "indicator", "name", "operator", "value", "unit"]
    verbose_name_plural = _("项目绩效目标（项目支出绩效目标表，先保存重点项目再填写）")


class BasicExpenditureLineInline(PartInline):
    model = BasicExpenditureLine
    block = "appropriation"
    fields = ["economic_item", "amount", "prior_amount"]
    autocomplete_fields = ["economic_item"]


class OfficialExpenseLineInline(PartInline):
    model = OfficialExpenseLine
    block = "official_expenses"
    fields = ["item", "amount", "prior_amount", "change_reason"]


class ProcurementLineInline(PartInline):
    model = ProcurementLine
    block = "procurement"
    fields = ["source", "category", "amount"]


class VehicleLineInline(PartInline):
    model = VehicleLine
    block = "vehicles"
    fields = ["kind", "held", "planned"]

    def get_formset(self, request, obj=None, **kwargs):
        # Only the kinds whose name is in use in the disclosure's year (the form class is
        # built per request, so narrowing its field here touches no other request).
        formset = super().get_formset(request, obj, **kwargs)
        kind = formset.form.base_fields.get("kind")
        if obj is not None and kind is not None:
            kind.queryset = kind.queryset.of_year(obj.year)
        return formset


class EquipmentLineInline(PartInline):
    model = EquipmentLine
    block = "equipment"
    fields = ["order", "category", "threshold", "count"]


class PublishedSentenceInline(PartInline):
    """The printed document's own wording of a generated sentence; the 检查结果 above warns
    when its figures differ from the data (rule `published_wording_agrees`)."""

    model = PublishedSentence
    block = REVIEW_BLOCK
    fields = ["key", "text"]


class DisclosureCheckInline(PartInline):
    model = DisclosureCheck
    block = REVIEW_BLOCK
    fields = ["kind", "conclusion", "checked_by", "checked_on"]


class DisclosureForm(ConflictCheckForm):
    """The disclosure screen's form: it notices when someone else saved the same draft
    since this form was opened (its lines included: every save of the screen or of a
    spreadsheet import counts one `edit_version`). No Meta: the admin builds the model form
    from its fieldsets."""

    def stored_version(self):
        stored = Disclosure.objects.filter(pk=self.instance.pk).values_list(
            "edit_version", flat=True
        )
        return str(stored.first())  # "None" once deleted


@admin.register(Disclosure)
class DisclosureAdmin(ReadableAmounts, DisclosureSpreadsheetMixin, DepartmentScopedAdmin):
    form = DisclosureForm
    list_display = [
        "__str__",
        "department",
        "year",
        "kind",
        "status",
        "revision",
        "due_date",
        "published_on",
    ]
    list_filter = ["year", "kind", "status", ("department__region", RegionFilter)]
    search_fields = ["department__name", "department__short_name", "unit__name", "index_number"]
    list_select_related = ["department", "unit"]
    autocomplete_fields = ["department", "unit"]
    date_hierarchy = "published_on"
    actions = ["prepare_next_year"]
    readonly_fields = [
        "status",
        "revision_label",
        "published_on",
        "workflow_log",
        "problems",
        "units_summary",
        "income_summary",
        "expenditure_summary",
        "split_summary",
        "official_expense_summary",
        "procurement_summary",
        "vehicle_summary",
        "public_link",
    ]
    fieldsets = [
        (
            HEADER,
            {
                "fields": [
                    ("department", "unit"),
                    ("year", "kind"),
                    ("status", "revision_label"),
                    ("npc_approved_on", "finance_approved_on", "published_on"),
                    ("index_number", "publisher"),
                    "correction_reason",
                    "public_link",
                    "seen_version",
                ]
            },
        ),
        (
            CHECKS,
            {
                "fields": ["problems"],
                "description": _("保存后按公开规则检查：错误须改正后才能提交，提示请核实。"),
            },
        ),
        (
            REVIEW,
            {
                "fields": ["workflow_log"],
                "description": _(
                    "公开前须记录保密审查和部门主要负责人审签的结论（公开页面显示结论）。"
                ),
            },
        ),
    ]
    inlines = [
        IncomeLineInline,
        ExpenditureLineInline,
        KeyProjectInline,
        ProjectWriteUpInline,
        PerformanceTargetInline,
        BasicExpenditureLineInline,
        OfficialExpenseLineInline,
        ProcurementLineInline,
        VehicleLineInline,
        EquipmentLineInline,
        PublishedSentenceInline,
        DisclosureCheckInline,
    ]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 80})}
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department__region", "unit")

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            return None
        # The screen's summaries and consistency check read every line with its item: one
        # query per line table (`for_page`), not one per line (10,001 lines took 12 s).
        return Disclosure.objects.for_page().get(pk=obj.pk)

    def view_on_site(self, obj):
        # Drafts have no public page; the preview button shows them.
        return obj.get_absolute_url() if obj.is_published else None

    def chapters(self, request, obj):
        """The form's parts for `obj` (its region's template), computed once per request."""
        cache = request.__dict__.setdefault("_disclosure_chapters", {})
        key = obj.pk if obj is not None else None
        if key not in cache:
            cache[key] = form_parts.chapters_for(obj)
        return cache[key]

    def get_fieldsets(self, request, obj=None):
        # The findings first (above the tabs), then the header, one fieldset per part of the
        # region's template, and the review: each of these is a tab (change_form.html).
        header, checks, review = self.fieldsets
        fieldsets = [checks, header]
        for chapter in self.chapters(request, obj):
            fields, notes = [], []
            if chapter.title == form_parts.OTHER_TITLE:
                notes.append(OTHER_NOTE)
            for key in chapter.blocks:
                fields += BLOCKS[key]["fields"]
                if BLOCKS[key].get("description"):
                    notes.append(BLOCKS[key]["description"])
            if NONE_BLOCKS.intersection(chapter.blocks) and chapter.section:
                notes.append(NONE_FLAGS)
            fieldsets.append(
                (chapter.title, {"fields": fields, "description": "".join(map(str, notes))})
            )
        fieldsets.append(review)
        if not self.reads_only(obj):
            return fieldsets
        return [
            (name, {**options, "fields": self.swap_money(options["fields"])})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:  # body, year and kind are the version's identity
            fields += ["department", "unit", "year", "kind"]
        if obj is None or obj.revision == 1:
            fields.append("correction_reason")
        return fields

    def has_change_permission(self, request, obj=None):
        """Only drafts are edited; a submitted, approved or published version is read-only."""
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_editable)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(not obj.is_editable for obj in objs):
            perms_needed = {*perms_needed, "已提交、已审核或已公开的版本（只能删除草稿）"}
        return deleted, counts, perms_needed, protected

    def save_model(self, request, obj, form, change):
        obj.edit_version += 1
        super().save_model(request, obj, form, change)

    # -- workflow --------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/step/<str:name>/", view(self.step_view), name="budgets_disclosure_step"),
            path("<int:pk>/correct/", view(self.correct_view), name="budgets_disclosure_correct"),
            path("progress/", view(self.progress_view), name="budgets_disclosure_progress"),
            *super().get_urls(),
        ]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, PartInline):
            page = request.GET.get(f"{prefix}-page", "")
            kwargs.update(page=int(page) if page.isdigit() else 1, query=request.GET)
        return kwargs

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = super().get_object(request, object_id)  # its lines are not needed here
        extra = {}
        if obj is not None:
            current = Disclosure.objects.current().filter(pk=obj.pk).exists()
            extra = {
                "workflow_steps": workflow.allowed_steps(obj, request.user),
                "can_correct": current
                and request.user.has_perm("budgets.change_disclosure")
                and not Disclosure.objects.revisions_of(obj)
                .filter(revision__gt=obj.revision)
                .exists(),
                "preview_url": reverse("portal:preview", args=[obj.pk]),
                "part_states": self.part_states(request, obj),
                "amount_unit": entry_unit(request),
                # One version per body and year: “保存并增加另一个” would only confuse.
                "show_save_and_add_another": False,
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def get_inline_instances(self, request, obj=None):
        """Each inline shows in the part that holds its block (the region's template)."""
        inlines = super().get_inline_instances(request, obj)
        part_of = {
            key: chapter.title for chapter in self.chapters(request, obj) for key in chapter.blocks
        }
        part_of[REVIEW_BLOCK] = REVIEW
        for inline in inlines:
            if isinstance(inline, PartInline):
                inline.part = part_of.get(inline.block)
        return inlines

    def part_states(self, request, obj):
        """The form's parts (one tab each, as the region's template orders and names them,
        then the review) with their state from the rule findings and their preview."""
        tabbed = [HEADER, *(chapter.title for chapter in self.chapters(request, obj)), REVIEW]
        sections = {chapter.title: chapter.section for chapter in self.chapters(request, obj)}
        inlines = self.get_inline_instances(request, obj)
        parts = []
        for name, options in self.get_fieldsets(request, obj):
            if name not in tabbed:
                continue
            names = set()
            for entry in options["fields"]:
                names.update(entry if isinstance(entry, (list, tuple)) else [entry])
            names.update(
                # an inline's findings name its line group: the relation's name
                inline.model._meta.get_field("disclosure").remote_field.related_name
                for inline in inlines
                if getattr(inline, "part", None) == name
            )
            parts.append((name, names))
        problems = [] if obj.is_published else check_disclosure(obj)
        states = {state.name: state for state in part_states(problems, parts)}
        for name, state in states.items():
            # A live preview while the version is edited; a read-only version has the
            # whole preview (“预览公开页面”) and its public page.
            if obj.is_editable and sections.get(name):
                state.preview_url = reverse("portal:preview_part", args=[obj.pk, sections[name]])
        return states

    def next_step(self, request, obj, added):
        """After a save: how many findings remain and where they are, or that the draft may
        now be submitted (the message sits at the top, the findings just below it)."""
        if not obj.is_editable:
            return None
        found = check_disclosure(obj)
        if not found:
            return (
                "检查未发现问题；填完后点页面上方的“提交审核”按钮，交审核人审核。",
                messages.SUCCESS,
            )
        errors = sum(p.severity == ERROR for p in found)
        parts = []
        if errors:
            parts.append(f"{errors}个错误须改正后才能提交")
        if len(found) > errors:
            parts.append(f"{len(found) - errors}个提示请核实")
        where = "见页面上方的“一致性检查”，点击每条可跳到对应栏目。"
        if "_continue" not in request.POST and "_addanother" not in request.POST:
            where = format_html(
                '请<a href="{}">打开本文件</a>，{}',
                reverse("admin:budgets_disclosure_change", args=[obj.pk]),
                where,
            )
        return (
            format_html("还有{}处需要处理（{}），{}", len(found), "，".join(parts), where),
            messages.WARNING,
        )

    def step_view(self, request, pk, name):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, str(pk))
        if obj is None:
            return HttpResponseRedirect(reverse("admin:index"))
        try:
            obj = workflow.take_step(
                name, disclosure=obj, user=request.user, comment=request.POST.get("comment", "")
            )
        except workflow.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            step = workflow.STEPS[name]
            audit_log.info(
                f"{obj}：{step.label}",
                extra={
                    "kind": "status",
                    "user": request.user,
                    "request": request,
                },
            )
            self.message_user(request, f"“{obj}”已{step.label}。", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:budgets_disclosure_change", args=[pk]))

    def correct_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, str(pk))
        if obj is None:
            return HttpResponseRedirect(reverse("admin:index"))
        try:
            correction = workflow.disclosure_correct(
                disclosure=obj, user=request.user, reason=request.POST.get("reason", "")
            )
        except workflow.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:budgets_disclosure_change", args=[pk]))
        self.message_user(
            request,
            f"已建立更正版本“{correction}”，修改后按流程提交、审核、公开。",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:budgets_disclosure_change", args=[correction.pk])
        )

    def progress_view(self, request):
        years = sorted(set(Disclosure.objects.values_list("year", flat=True)), reverse=True)
        try:
            year = int(
                request.GET.get("year") or (years[0] if years else timezone.localdate().year)
            )
        except ValueError:
            year = timezone.localdate().year
        departments = scope(Department.objects.select_related("region"), request.user, "")
        context = {
            **self.admin_site.each_context(request),
            "title": f"{year}年部门预算公开进度",
            "opts": self.model._meta,
            "progress": deadlines.progress(
                departments.order_by("region__order", "order", "name"), year=year
            ),
            "years": years,
            "year": year,
        }
        return TemplateResponse(request, "admin/budgets/disclosure/progress.html", context)

    @admin.action(description=_("以所选的已公开版本为基础，准备下一年度草稿"))
    def prepare_next_year(self, request, queryset):
        for disclosure in queryset.select_related("department"):
            try:
                draft, created = annual.prepare_year(
                    department=disclosure.department,
                    year=disclosure.year + 1,
                    user=request.user,
                    kind=disclosure.kind,
                )
            except workflow.WorkflowError as error:
                self.message_user(request, str(error), messages.WARNING)
                continue
            if created:
                self.message_user(request, f"已准备“{draft}”。", messages.SUCCESS)
            else:
                self.message_user(request, f"“{draft}”已存在，未重复创建。", messages.INFO)

    # -- read-only summaries ---------------------------------------------------------------

    @admin.display(description=_("版本"))
    def revision_label(self, obj):
        if obj.pk is None:
            return "—"
        return f"第{obj.revision}版" + ("（更正）" if obj.revision > 1 else "")

    @admin.display(description=_("公开期限"))
    def due_date(self, obj):
        return obj.due_date or "—"

    @admin.display(description=_("流转记录"))
    def workflow_log(self, obj):
        if obj.pk is None:
            return NOT_YET
        changes = obj.status_changes.select_related("user")
        if not changes:
            return _("暂无。")
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>{} {}：{} → {}{}</li>",
                (
                    (
                        f"{timezone.localtime(c.at):%Y-%m-%d %H:%M}",
                        c.user or "数据导入",
                        c.get_from_status_display(),
                        c.get_to_status_display(),
                        f"（{c.comment}）" if c.comment else "",
                    )
                    for c in changes
                ),
            ),
        )

    @admin.display(description=_("检查结果"))
    def problems(self, obj):
        if obj.pk is None:
            return NOT_YET
        found = check_disclosure(obj)
        if not found:
            return _("未发现问题。")
        errors = sum(p.severity == ERROR for p in found)
        more = (
            format_html(
                "<p>共{}处（{}个错误），此处列出前{}处；改正后其余各处会依次列出。</p>",
                len(found),
                errors,
                SHOWN_PROBLEMS,
            )
            if len(found) > SHOWN_PROBLEMS
            else ""
        )
        return format_html(
            '<ul class="disclosure-problems">{}</ul>{}',
            format_html_join(
                "",
                '<li class="{}"><strong>{}</strong> <a href="{}">{}</a></li>',
                (
                    (
                        p.severity,
                        "错误" if p.severity == ERROR else "提示",
                        self._anchor(p.field),
                        p.message,
                    )
                    for p in sorted(found, key=lambda p: p.severity != ERROR)[:SHOWN_PROBLEMS]
                ),
            ),
            more,
        )

    @staticmethod
    def _anchor(field):
        """Where a problem's field sits on this screen: a field's input or a line group."""
        try:
            concrete = Disclosure._meta.get_field(field).concrete
        except FieldDoesNotExist:
            concrete = False
        # A line group is a reverse relation, rendered as an inline <div id="<prefix>-group">.
        return f"#id_{field}" if concrete else f"#{field}-group"

    @admin.display(description=_("单位"))
    def units_summary(self, obj):
        if obj.pk is None:
            return NOT_YET
        units = obj.department.units.all() if obj.unit_id is None else [obj.unit]
        years = {uy.unit_id: uy for uy in UnitYear.objects.filter(unit__in=units, year=obj.year)}
        rows = []
        for unit in units:
            unit_year = years.get(unit.pk)
            if unit_year:
                url = reverse("admin:organizations_unityear_change", args=[unit_year.pk])
                state = _("已填写")
            else:
                url = (
                    reverse("admin:organizations_unityear_add") + f"?unit={unit.pk}&year={obj.year}"
                )
                state = _("尚未填写本年度情况，点击添加")
            rows.append((url, unit.name, state))
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a>（{}）</li>', rows)
        )

    @admin.display(description=_("收入合计"))
    def income_summary(self, obj):
        return describe(obj.figures.income) if obj.pk else NOT_YET

    @admin.display(description=_("支出合计"))
    def expenditure_summary(self, obj):
        if obj.pk is None:
            return NOT_YET
        f = obj.figures
        classes = "，".join(
            f"{row.code} {row.name} {format_wan(row.amount)}万元" for row in f.functional_rows
        )
        return f"{describe(f.expenditure)}；按类：{classes or '—'}"

    @admin.display(description=_("基本支出 / 项目支出"))
    def split_summary(self, obj):
        if obj.pk is None:
            return NOT_YET
        return f"基本支出 {describe(obj.figures.basic)}；项目支出 {describe(obj.figures.project)}"

    @admin.display(description=_("“三公”经费合计"))
    def official_expense_summary(self, obj):
        if obj.pk is None:
            return NOT_YET
        if not obj.figures.official_expense_lines:
            return UNFILLED
        return describe(obj.figures.official_expenses)

    @admin.display(description=_("政府采购合计"))
    def procurement_summary(self, obj):
        if obj.pk is None:
            return NOT_YET
        if not obj.figures.procurement_lines:
            return UNFILLED
        row = obj.figures.procurement
        parts = "，".join(
            f"{category.name}{format_wan(amount)}万元" for category, amount in row.by_category
        )
        return f"{format_wan(row.amount)}万元" + (f"（{parts}）" if parts else "")

    @admin.display(description=_("车辆合计"))
    def vehicle_summary(self, obj):
        if obj.pk is None:
            return NOT_YET
        if not obj.figures.vehicle_lines:
            return UNFILLED
        return f"实有{obj.figures.vehicles_held}辆，本年拟购置{obj.figures.vehicles_planned}辆"

    @admin.display(description=_("公开页面"))
    def public_link(self, obj):
        if obj.pk is None or not obj.is_published:
            return _("公开后显示链接。")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            obj.get_absolute_url(),
            _("查看公开页面"),
        )


@admin.register(Exemption)
class ExemptionAdmin(DepartmentScopedAdmin):
    list_display = ["department", "year", "kind", "legal_basis"]
    list_filter = ["year", "kind"]
    search_fields = ["department__name", "legal_basis"]
    autocomplete_fields = ["department"]


@admin.register(StatusChange)
class StatusChangeAdmin(DepartmentScopedMixin, admin.ModelAdmin):
    """The workflow log, read-only: steps are taken on the disclosure screen."""

    department_path = "disclosure__department"
    list_display = ["at", "disclosure", "from_status", "to_status", "user", "comment"]
    list_filter = ["to_status", "disclosure__year"]
    search_fields = ["disclosure__department__name", "user__username", "comment"]
    list_select_related = ["disclosure__department", "disclosure__unit", "user"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
