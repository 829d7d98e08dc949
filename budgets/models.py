"""A disclosure (one body × one year × one kind) and the figures it is made of, plus the
reference data those figures are classified by (versioned by year where the Ministry
revises it). Every total is computed from lines (see `budgets.figures`), never stored."""

from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import YEAR_VALIDATORS, Department, Region, Unit

from .figures import Comparison
from .money import MoneyField


def non_negative(*fields, name):
    """One CheckConstraint that keeps every named amount ≥ 0 (NULL allowed)."""
    condition = Q()
    for field in fields:
        condition &= Q(**{f"{field}__gte": 0}) | Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)


class PublishedDisclosureError(Exception):
    """A published version was about to change; corrections make a new revision instead."""

    def __init__(self, disclosure=None):
        name = f"“{disclosure}”" if disclosure is not None else "该文件"
        super().__init__(f"{name}已公开，不能修改或删除；如需更正，请发起更正，形成新的版本。")


class DisclosureKind(models.TextChoices):
    BUDGET = "budget", _("部门预算")
    FINAL_ACCOUNTS = "final", _("部门决算")


# ---------------------------------------------------------------- reference data


class FunctionalItem(models.Model):
    """支出功能分类科目 of one year: 类 (3 digits), 款 (5) or 项 (7)."""

    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    code = models.CharField(_("科目编码"), max_length=7, help_text=_("类3位、款5位、项7位。"))
    name = models.CharField(_("科目名称"), max_length=100)

    class Meta:
        verbose_name = _("支出功能分类科目")
        verbose_name_plural = _("支出功能分类科目")
        ordering = ["-year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="functionalitem_unique_code"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^([0-9]{3}|[0-9]{5}|[0-9]{7})$"),
                name="functionalitem_code_shape",
                violation_error_message=_("科目编码应为3位（类）、5位（款）或7位（项）数字。"),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}（{self.year}）"

    @property
    def level(self):
        return {3: "类", 5: "款", 7: "项"}[len(self.code)]


class EconomicItem(models.Model):
    """部门预算支出经济分类科目 of one year: 类 (3 digits) or 款 (5)."""

    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    code = models.CharField(_("科目编码"), max_length=5)
    name = models.CharField(_("科目名称"), max_length=100)

    class Meta:
        verbose_name = _("支出经济分类科目")
        verbose_name_plural = _("支出经济分类科目")
        ordering = ["-year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="economicitem_unique_code"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^([0-9]{3}|[0-9]{5})$"),
                name="economicitem_code_shape",
                violation_error_message=_("经济分类科目编码应为3位（类）或5位（款）数字。"),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}（{self.year}）"


class IncomeSource(models.Model):
    """A source of funds (一般公共预算拨款, 事业收入 …). Income lines and expenditure lines
    both name one, so 财政拨款 tables are the lines of the appropriation sources."""

    code = models.SlugField(
        _("代码"),
        max_length=40,
        unique=True,
        help_text=_("模板中引用的稳定代码，如 general_budget。"),
    )
    name = models.CharField(_("名称"), max_length=50)
    is_appropriation = models.BooleanField(_("属于财政拨款"), default=False)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("收入来源")
        verbose_name_plural = _("收入来源")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class OfficialExpenseItem(models.Model):
    """An item of the "三公" expenses; a group item (公务用车购置及运行维护费) sums its children."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("所属合计项"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("“三公”经费项目")
        verbose_name_plural = _("“三公”经费项目")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class ProcurementCategory(models.Model):
    """A government procurement category (货物, 工程, 服务): reference data."""

    name = models.CharField(_("名称"), max_length=20, unique=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("政府采购品目类别")
        verbose_name_plural = _("政府采购品目类别")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class VehicleKind(models.Model):
    """A kind of vehicle (一般公务用车, 执勤执法用车 …): reference data."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("车辆类型")
        verbose_name_plural = _("车辆类型")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class NarrativeTemplate(models.Model):
    """Which narrative template a region uses from a year on (its parts, headings, order and
    sentence patterns live in the template file; sub-regions inherit their parent's)."""

    class TableUnit(models.TextChoices):
        WAN = "wan", _("万元")
        YUAN = "yuan", _("元")

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("适用地区"), on_delete=models.CASCADE, related_name="+"
    )
    first_year = models.PositiveIntegerField(_("起用年度"), validators=YEAR_VALIDATORS)
    kind = models.CharField(
        _("公开类型"), max_length=20, choices=DisclosureKind.choices, default=DisclosureKind.BUDGET
    )
    template_name = models.CharField(
        _("模板文件"),
        max_length=200,
        help_text=_("templates/ 下的路径，如 narratives/chongqing-budget-2025.html"),
    )
    table_unit = models.CharField(
        _("表格金额单位"), max_length=10, choices=TableUnit.choices, default=TableUnit.WAN
    )

    class Meta:
        verbose_name = _("情况说明模板")
        verbose_name_plural = _("情况说明模板")
        ordering = ["region", "-first_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind", "first_year"], name="narrativetemplate_unique_start"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.region.name}，{self.first_year}年起）"

    @classmethod
    def for_body(cls, *, region, year, kind):
        """The template of the nearest region (itself, then its ancestors) in force in `year`."""
        lineage = region.lineage()
        depth = {r.pk: i for i, r in enumerate(lineage)}
        candidates = cls.objects.filter(region__in=lineage, first_year__lte=year, kind=kind)
        return max(candidates, key=lambda t: (depth[t.region_id], t.first_year), default=None)


# ---------------------------------------------------------------- the disclosure


class DisclosureQuerySet(models.QuerySet):
    def published(self):
        """Every published revision, current or corrected since."""
        return self.filter(status=Disclosure.Status.PUBLISHED)

    def current(self):
        """The latest published revision of each body-year-kind: what the public reads."""
        return self.published().exclude(superseded_by__status=Disclosure.Status.PUBLISHED)

    def revisions_of(self, disclosure):
        """All revisions of the same body, year and kind, oldest first."""
        return self.filter(
            department_id=disclosure.department_id,
            unit_id=disclosure.unit_id,
            year=disclosure.year,
            kind=disclosure.kind,
        ).order_by("revision")

    def update(self, **kwargs):
        if self.filter(status=Disclosure.Status.PUBLISHED).exists():
            raise PublishedDisclosureError()
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status=Disclosure.Status.PUBLISHED).exists():
            raise PublishedDisclosureError()
        return super().delete()

    def for_page(self):
        """Everything the public page reads, in a fixed number of queries (one per line table)."""

        def lines(name, *related):
            model = Disclosure._meta.get_field(name).related_model
            return Prefetch(name, queryset=model.objects.select_related(*related))

        return self.select_related("department__region", "unit").prefetch_related(
            lines("income_lines", "source"),
            lines("expenditure_lines", "source", "functional_item"),
            lines("basic_lines", "economic_item"),
            lines("official_expense_lines", "item__parent"),
            lines("procurement_lines", "source", "category"),
            lines("vehicle_lines", "kind"),
            "key_projects",
            "checks",
        )


class Disclosure(models.Model):
    """One disclosing body's disclosure for one fiscal year (部门预算 now, 部门决算 later).

    The body is a department (consolidating its units) or, for a 单位预算, one of its units.
    """

    Kind = DisclosureKind

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        APPROVED = "approved", _("已审核")
        PUBLISHED = "published", _("已公开")

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="disclosures"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosures",
        help_text=_("部门预算留空；单位预算选择本部门的单位。"),
    )
    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    kind = models.CharField(_("公开类型"), max_length=20, choices=Kind.choices, default=Kind.BUDGET)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    revision = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("更正的版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        editable=False,
    )
    correction_reason = models.TextField(
        _("更正原因"), blank=True, help_text=_("更正版本必填，公开页面的更正记录中显示。")
    )
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True, editable=False)
    changes = models.JSONField(_("与上一版本相比的变更"), default=list, blank=True, editable=False)
    frozen = models.JSONField(
        _("公开时的单位情况和名词解释"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("公开时保存的副本，之后修改单位职责或名词不会改变已公开的版本。"),
    )
    edit_version = models.PositiveIntegerField(
        _("编辑版本号"), default=0, editable=False, help_text=_("每次保存加一，用于发现同时编辑。")
    )

    npc_approved_on = models.DateField(
        _("人大批准日期"), null=True, blank=True, help_text=_("本级人大批准年度预算的日期。")
    )
    finance_approved_on = models.DateField(
        _("财政批复日期"),
        null=True,
        blank=True,
        help_text=_("财政部门批复本部门预算的日期，公开时限自此起算。"),
    )
    published_on = models.DateField(
        _("公开日期"), null=True, blank=True, help_text=_("即发布日期，公开页面显示。")
    )
    index_number = models.CharField(
        _("索引号"), max_length=60, blank=True, help_text=_("政府信息公开索引号，没有则留空。")
    )
    publisher = models.CharField(
        _("发布机构"), max_length=200, blank=True, help_text=_("留空时显示公开主体名称。")
    )
    contact_name = models.CharField(_("公开联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("联系电话"), max_length=50, blank=True, help_text=_("如：023-63259683")
    )

    income_change_reason = models.TextField(
        _("收入增减原因"),
        blank=True,
        help_text=_("完整原因句，按公开文本的措辞，如“主要是新增……经费拨款增加748.5万元”。"),
    )
    prior_basic = MoneyField(
        _("上年基本支出"),
        null=True,
        blank=True,
        help_text=_("万元；有上年公开数据时自动带出，可按可比口径调整。"),
    )
    prior_project = MoneyField(
        _("上年项目支出"),
        null=True,
        blank=True,
        help_text=_("万元；有上年公开数据时自动带出，可调整。"),
    )
    basic_change_reason = models.TextField(
        _("基本支出增减原因"), blank=True, help_text=_("如“主要原因是机构改革，人员调整”。")
    )
    basic_uses = models.TextField(
        _("基本支出主要用途"), blank=True, help_text=_("“主要用于”之后的内容。")
    )
    project_change_reason = models.TextField(_("项目支出增减原因"), blank=True)
    official_expense_change_reason = models.TextField(
        _("“三公”经费总额增减原因"), blank=True, help_text=_("可留空；各分项原因在下方分项中填写。")
    )

    operating_cost = MoneyField(
        _("机关运行经费"),
        null=True,
        blank=True,
        help_text=_("万元。仅行政单位和参公事业单位有此项；不适用时留空。"),
    )
    prior_operating_cost = MoneyField(
        _("上年机关运行经费"), null=True, blank=True, help_text=_("万元。")
    )
    operating_cost_change_reason = models.TextField(_("机关运行经费增减原因"), blank=True)
    operating_cost_uses = models.TextField(
        _("机关运行经费主要用途"), blank=True, help_text=_("“主要用于”之后的内容。")
    )
    performance_amount = MoneyField(
        _("实行绩效目标管理的项目支出"),
        null=True,
        blank=True,
        help_text=_("万元，涉及的一般公共预算财政拨款金额。"),
    )
    vehicles_counted_on = models.DateField(
        _("车辆统计截至"),
        null=True,
        blank=True,
        help_text=_("如 2024-12-31，页面显示为“截至2024年12月”。"),
    )

    objects = DisclosureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公开文件")
        verbose_name_plural = _("公开文件")
        ordering = [
            "-year",
            "department__region__order",
            "department__order",
            "department__name",
            "unit__order",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "kind", "revision"],
                condition=Q(unit__isnull=True),
                name="disclosure_unique_department_year_kind",
                violation_error_message=_("该部门该年度已有同类公开文件。"),
            ),
            models.UniqueConstraint(
                fields=["unit", "year", "kind", "revision"],
                condition=Q(unit__isnull=False),
                name="disclosure_unique_unit_year_kind",
                violation_error_message=_("该单位该年度已有同类公开文件。"),
            ),
            # At most one version of a body-year-kind is being worked on at a time.
            models.UniqueConstraint(
                fields=["department", "year", "kind"],
                condition=Q(unit__isnull=True) & ~Q(status="published"),
                name="disclosure_one_open_department_version",
                violation_error_message=_("该部门该年度已有一个正在编辑或审核的版本。"),
            ),
            models.UniqueConstraint(
                fields=["unit", "year", "kind"],
                condition=Q(unit__isnull=False) & ~Q(status="published"),
                name="disclosure_one_open_unit_version",
                violation_error_message=_("该单位该年度已有一个正在编辑或审核的版本。"),
            ),
            non_negative(
                "prior_basic",
                "prior_project",
                "operating_cost",
                "prior_operating_cost",
                "performance_amount",
                name="disclosure_amounts_non_negative",
            ),
        ]
        permissions = [
            ("submit_disclosure", _("可提交公开文件")),
            ("approve_disclosure", _("可审核通过公开文件")),
            ("publish_disclosure", _("可公开公开文件（含更正）")),
            ("return_disclosure", _("可退回公开文件修改")),
        ]

    def __str__(self):
        label = f"{self.body_name} {self.year}年{self.get_kind_display()}"
        return label if self.revision == 1 else f"{label}（第{self.revision}版）"

    def save(self, *args, **kwargs):
        # The model layer's guard: a published version never changes (the workflow
        # saves the publishing write itself while the stored row is still approved).
        if self.pk and Disclosure.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise PublishedDisclosureError(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("portal:disclosure", args=[self.pk])

    def delete(self, *args, **kwargs):
        if self.pk and Disclosure.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise PublishedDisclosureError(self)
        return super().delete(*args, **kwargs)

    def clean(self):
        if self.unit_id and self.department_id and self.unit.department_id != self.department_id:
            raise ValidationError({"unit": _("所选单位不属于该部门。")})

    @property
    def body_name(self):
        """The disclosing body: the unit for a 单位预算, else the department."""
        return self.unit.name if self.unit_id else self.department.name

    @property
    def title(self):
        """The document title, e.g. 重庆市渝中区人民政府办公室2025年部门预算情况说明."""
        kind = (
            "单位预算"
            if self.unit_id and self.kind == self.Kind.BUDGET
            else self.get_kind_display()
        )
        return f"{self.body_name}{self.year}年{kind}情况说明"

    @property
    def prior_year(self):
        return self.year - 1

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def is_editable(self):
        """Only drafts are edited; submitted or approved ones go back to draft first."""
        return self.status == self.Status.DRAFT

    @property
    def due_date(self):
        """The last day to publish: 财政批复 + the legal number of days (a setting)."""
        if self.finance_approved_on is None:
            return None
        return self.finance_approved_on + timedelta(days=settings.DISCLOSURE_DEADLINE_DAYS)

    def days_left(self, today=None):
        """Days until the due date (negative when overdue); None without an approval date."""
        if self.due_date is None:
            return None
        return (self.due_date - (today or timezone.localdate())).days

    def is_overdue(self, today=None):
        """Past the due date and not published (a publication after the date counts as late)."""
        if self.due_date is None:
            return False
        if self.is_published:
            return self.published_on is not None and self.published_on > self.due_date
        return (today or timezone.localdate()) > self.due_date

    @cached_property
    def figures(self):
        """Every total, roll-up and year-on-year change, computed from the lines."""
        from .figures import DisclosureFigures

        return DisclosureFigures(self)


class DisclosurePartQuerySet(models.QuerySet):
    """Bulk writes on the rows of a disclosure refuse to touch a published version."""

    def update(self, **kwargs):
        if self.filter(disclosure__status=Disclosure.Status.PUBLISHED).exists():
            raise PublishedDisclosureError()
        return super().update(**kwargs)

    def delete(self):
        if self.filter(disclosure__status=Disclosure.Status.PUBLISHED).exists():
            raise PublishedDisclosureError()
        return super().delete()


def ensure_editable(disclosure_id):
    """Raise PublishedDisclosureError if the disclosure version is published."""
    if Disclosure.objects.filter(pk=disclosure_id, status=Disclosure.Status.PUBLISHED).exists():
        raise PublishedDisclosureError()


class DisclosurePart(models.Model):
    """Base of every row that belongs to one disclosure version (its lines, projects,
    checks, glossary entries): frozen with the version once it is published."""

    objects = DisclosurePartQuerySet.as_manager()
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        ensure_editable(self.disclosure_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        ensure_editable(self.disclosure_id)
        return super().delete(*args, **kwargs)


class IncomeLine(DisclosurePart):
    """Income budget from one source (部门收入总表), with last year's figure."""

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("公开文件"),
        on_delete=models.CASCADE,
        related_name="income_lines",
    )
    source = models.ForeignKey(IncomeSource, verbose_name=_("收入来源"), on_delete=models.PROTECT)
    amount = MoneyField(
        _("本年预算数（万元）"),
        null=True,
        blank=True,
        help_text=_("没有此项收入填0；留空表示尚未填写。"),
    )
    prior_amount = MoneyField(
        _("上年预算数（万元）"),
        null=True,
        blank=True,
        help_text=_("有上年公开数据时自动带出，可调整。"),
    )

    class Meta:
        verbose_name = _("收入预算")
        verbose_name_plural = _("收入预算（按来源）")
        ordering = ["disclosure", "source__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "source"],
                name="incomeline_unique_source",
                violation_error_message=_("同一收入来源只能填写一行。"),
            ),
            non_negative("amount", "prior_amount", name="incomeline_amounts_non_negative"),
        ]

    def __str__(self):
        return f"{self.source.name}"

    @property
    def comparison(self):
        return Comparison(self.amount, self.prior_amount)


class ExpenditureLine(DisclosurePart):
    """Expenditure from one source under one functional item, split into basic and project.

    Where the source gives only a line's total (a coarse document), `total` holds it and the
    split stays empty; where it gives only the basic/project split of everything, the line has
    no functional item. Full tables have 项 lines with both basic and project amounts.
    """

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("公开文件"),
        on_delete=models.CASCADE,
        related_name="expenditure_lines",
    )
    source = models.ForeignKey(IncomeSource, verbose_name=_("资金来源"), on_delete=models.PROTECT)
    functional_item = models.ForeignKey(
        FunctionalItem,
        verbose_name=_("功能分类科目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("应细化到项（7位）；留空表示只知基本/项目支出合计、未分科目。"),
    )
    basic = MoneyField(_("基本支出（万元）"), null=True, blank=True)
    project = MoneyField(_("项目支出（万元）"), null=True, blank=True)
    total = MoneyField(
        _("合计（万元）"),
        null=True,
        blank=True,
        help_text=_("仅在来源文件只给出合计、未区分基本和项目支出时填写。"),
    )

    class Meta:
        verbose_name = _("支出预算")
        verbose_name_plural = _("支出预算（按功能分类）")
        ordering = ["disclosure", "source__order", "functional_item__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "source", "functional_item"],
                condition=Q(functional_item__isnull=False),
                name="expenditureline_unique_item",
                violation_error_message=_("同一资金来源的同一科目只能填写一行。"),
            ),
            models.UniqueConstraint(
                fields=["disclosure", "source"],
                condition=Q(functional_item__isnull=True),
                name="expenditureline_unique_unclassified",
                violation_error_message=_("同一资金来源只能有一行不分科目的合计。"),
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True, basic__isnull=False, project__isnull=False)
                | Q(
                    total__isnull=False,
                    basic__isnull=True,
                    project__isnull=True,
                    functional_item__isnull=False,
                ),
                name="expenditureline_split_or_total",
                violation_error_message=_(
                    "请填写基本支出和项目支出；只有在来源文件未区分时才单独填写合计（且须选择科目）。"
                ),
            ),
            non_negative("basic", "project", "total", name="expenditureline_amounts_non_negative"),
        ]

    def __str__(self):
        return str(self.functional_item or _("未分科目"))

    @property
    def amount(self):
        """The line's 合计: basic + project, or the total the source gave."""
        if self.total is not None:
            return self.total
        return (self.basic or 0) + (self.project or 0)

    @property
    def is_split(self):
        return self.total is None


class BasicExpenditureLine(DisclosurePart):
    """Basic expenditure by economic class (一般公共预算财政拨款基本支出表)."""

    disclosure = models.ForeignKey(
        Disclosure, verbose_name=_("公开文件"), on_delete=models.CASCADE, related_name="basic_lines"
    )
    economic_item = models.ForeignKey(
        EconomicItem, verbose_name=_("经济分类科目"), on_delete=models.PROTECT
    )
    amount = MoneyField(_("金额（万元）"))

    class Meta:
        verbose_name = _("基本支出（按经济分类）")
        verbose_name_plural = _("基本支出（按经济分类）")
        ordering = ["disclosure", "economic_item__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "economic_item"],
                name="basicline_unique_item",
                violation_error_message=_("同一经济分类科目只能填写一行。"),
            ),
            non_negative("amount", name="basicline_amount_non_negative"),
        ]

    def __str__(self):
        return str(self.economic_item)


class OfficialExpenseLine(DisclosurePart):
    """One "三公" item: this year's budget, last year's and the reason for the change."""

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("公开文件"),
        on_delete=models.CASCADE,
        related_name="official_expense_lines",
    )
    item = models.ForeignKey(
        OfficialExpenseItem,
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        limit_choices_to={"children__isnull": True},
    )
    amount = MoneyField(
        _("本年预算数（万元）"),
        null=True,
        blank=True,
        help_text=_("没有此项填0；留空表示尚未填写。"),
    )
    prior_amount = MoneyField(_("上年预算数（万元）"), null=True, blank=True)
    change_reason = models.TextField(
        _("增减原因"), blank=True, help_text=_("如“主要原因是严格执行压减公车运行维护费标准”。")
    )

    class Meta:
        verbose_name = _("“三公”经费")
        verbose_name_plural = _("“三公”经费")
        ordering = ["disclosure", "item__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "item"],
                name="officialexpenseline_unique_item",
                violation_error_message=_("同一“三公”经费项目只能填写一行。"),
            ),
            non_negative("amount", "prior_amount", name="officialexpenseline_amounts_non_negative"),
        ]

    def __str__(self):
        return self.item.name

    @property
    def comparison(self):
        return Comparison(self.amount, self.prior_amount)


class ProcurementLine(DisclosurePart):
    """Government procurement budget of one category paid from one source."""

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("公开文件"),
        on_delete=models.CASCADE,
        related_name="procurement_lines",
    )
    source = models.ForeignKey(IncomeSource, verbose_name=_("资金来源"), on_delete=models.PROTECT)
    category = models.ForeignKey(
        ProcurementCategory, verbose_name=_("品目类别"), on_delete=models.PROTECT
    )
    amount = MoneyField(_("金额（万元）"))

    class Meta:
        verbose_name = _("政府采购预算")
        verbose_name_plural = _("政府采购预算")
        ordering = ["disclosure", "source__order", "category__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "source", "category"],
                name="procurementline_unique",
                violation_error_message=_("同一资金来源的同一品目类别只能填写一行。"),
            ),
            non_negative("amount", name="procurementline_amount_non_negative"),
        ]

    def __str__(self):
        return f"{self.source.name} · {self.category.name}"


class VehicleLine(DisclosurePart):
    """Vehicles of one kind: held at the counting date, and to be bought this year."""

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("公开文件"),
        on_delete=models.CASCADE,
        related_name="vehicle_lines",
    )
    kind = models.ForeignKey(VehicleKind, verbose_name=_("车辆类型"), on_delete=models.PROTECT)
    held = models.PositiveIntegerField(_("实有车辆（辆）"), default=0)
    planned = models.PositiveIntegerField(_("本年拟购置（辆）"), default=0)

    class Meta:
        verbose_name = _("车辆")
        verbose_name_plural = _("国有资产：车辆")
        ordering = ["disclosure", "kind__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "kind"],
                name="vehicleline_unique_kind",
                violation_error_message=_("同一车辆类型只能填写一行。"),
            ),
        ]

    def __str__(self):
        return self.kind.name


class KeyProject(DisclosurePart):
    """A key project (重点项目) funded by the project expenditure, in document order."""

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("公开文件"),
        on_delete=models.CASCADE,
        related_name="key_projects",
    )
    order = models.PositiveIntegerField(_("序号"))
    name = models.CharField(_("项目名称"), max_length=200)
    amount = MoneyField(
        _("金额（万元）"), null=True, blank=True, help_text=_("公开文本未列金额的留空。")
    )

    class Meta:
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")
        ordering = ["disclosure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "order"], name="keyproject_unique_order"),
            non_negative("amount", name="keyproject_amount_non_negative"),
        ]

    def __str__(self):
        return self.name


class DisclosureCheck(DisclosurePart):
    """A check recorded before publication and printed on the disclosure, as real ones are:
    保密审查 (confidentiality review) and 部门主要负责人审签 (the head's sign-off)."""

    class Kind(models.TextChoices):
        CONFIDENTIALITY = "confidentiality", _("保密审查")
        HEAD_SIGNOFF = "head_signoff", _("部门主要负责人审签")

    disclosure = models.ForeignKey(
        Disclosure, verbose_name=_("公开文件"), on_delete=models.CASCADE, related_name="checks"
    )
    kind = models.CharField(_("检查"), max_length=30, choices=Kind.choices)
    conclusion = models.CharField(
        _("结论"), max_length=100, help_text=_("如“已审查，不涉及国家秘密”“已审签”。")
    )
    checked_by = models.CharField(_("审查人/审签人"), max_length=50)
    checked_on = models.DateField(_("日期"))

    class Meta:
        verbose_name = _("公开前审查")
        verbose_name_plural = _("公开前审查（保密审查、主要负责人审签）")
        ordering = ["disclosure", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "kind"],
                name="disclosurecheck_unique_kind",
                violation_error_message=_("每项审查只记录一次。"),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.conclusion}"


class StatusChange(models.Model):
    """One step of the workflow: who moved a disclosure from which status to which, when, why."""

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("公开文件"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(_("原状态"), max_length=20, choices=Disclosure.Status.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Disclosure.Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("空表示由数据文件导入。"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["disclosure", "at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Exemption(models.Model):
    """A department-year-kind that is exempt (涉密): neither published nor counted late."""

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="exemptions"
    )
    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    kind = models.CharField(
        _("公开类型"), max_length=20, choices=DisclosureKind.choices, default=DisclosureKind.BUDGET
    )
    legal_basis = models.TextField(
        _("不予公开的依据"), help_text=_("如：涉及国家秘密，依据《……》第…条。")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("不予公开（涉密）")
        verbose_name_plural = _("不予公开（涉密）")
        ordering = ["-year", "department"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year", "kind"], name="exemption_unique"),
        ]

    def __str__(self):
        return f"{self.department} {self.year}年{self.get_kind_display()}（涉密不公开）"
