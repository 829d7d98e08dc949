"""The rows that make up one disclosure version (its lines, key projects and recorded checks),
frozen with it once it is published, and the log of its workflow steps. Totals are computed
from them (see `budgets.figures`), never stored."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..figures import Comparison, SpendingAmounts, spending_amount
from ..money import MoneyField, format_wan
from ..published_guard import readable_refusal
from .catalogue import ProjectSubsection
from .constraints import non_negative
from .disclosure import Disclosure, FrozenWhenPublishedQuerySet, PublishedDisclosureError
from .reference import (
    EconomicItem,
    FunctionalItem,
    IncomeSource,
    IndicatorLevel,
    OfficialExpenseItem,
    ProcurementCategory,
    VehicleKind,
)


def prior_execution_field():
    """上年执行数 of a line: printed where the region's template asks for it."""
    return MoneyField(
        _("上年执行数（万元）"),
        null=True,
        blank=True,
        help_text=_("本地区模板要求列示上年执行数时填写；不要求的留空。"),
    )


def line_reason_field():
    """Why a line changed against last year (the reason rule of budgets.rules asks for it)."""
    return models.TextField(
        _("增减原因"),
        blank=True,
        help_text=_("与上年相比增减较大（10%及以上）或上年为0时填写，如“主要原因是……”。"),
    )


class DisclosurePartQuerySet(FrozenWhenPublishedQuerySet):
    """Bulk writes on the rows of a disclosure refuse to touch a published version."""

    status_lookup = "disclosure__status"


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
        with readable_refusal():  # the version was published since the check above
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        ensure_editable(self.disclosure_id)
        with readable_refusal():
            return super().delete(*args, **kwargs)


class IncomeLine(DisclosurePart):
    """Income budget from one source (部门收入总表), with last year's figure."""

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("公开文件"),
        on_delete=models.CASCADE,
        related_name="income_lines",
    )
    source = models.ForeignKey(
        IncomeSource,
        verbose_name=_("收入来源"),
        on_delete=models.PROTECT,
        help_text=_("按《部门收入预算表》的收入来源逐行选择，如一般公共预算拨款、事业收入。"),
    )
    amount = MoneyField(
        _("本年预算数（万元）"),
        null=True,
        blank=True,
        help_text=_(
            "照抄财政批复的《部门收入总表》本行数字（万元）；没有此项收入填0，留空表示尚未填写。"
        ),
    )
    prior_amount = MoneyField(
        _("上年预算数（万元）"),
        null=True,
        blank=True,
        help_text=_("有上年公开数据时自动带出，可调整。"),
    )
    prior_execution = prior_execution_field()
    change_reason = line_reason_field()

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
            non_negative(
                "amount",
                "prior_amount",
                "prior_execution",
                name="incomeline_amounts_non_negative",
            ),
        ]

    def __str__(self):
        return f"{self.source.name}"

    @property
    def comparison(self):
        return Comparison(self.amount, self.prior_amount)


class ExpenditureLine(DisclosurePart, SpendingAmounts):
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
    source = models.ForeignKey(
        IncomeSource,
        verbose_name=_("资金来源"),
        on_delete=models.PROTECT,
        help_text=_(
            "本行支出由哪项收入安排，按《部门支出预算表》分资金来源填写；"
            "同一科目有几种来源的各填一行。"
        ),
    )
    functional_item = models.ForeignKey(
        FunctionalItem,
        verbose_name=_("功能分类科目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("应细化到项（7位）；留空表示只知基本/项目支出合计、未分科目。"),
    )
    basic = MoneyField(
        _("基本支出（万元）"),
        null=True,
        blank=True,
        help_text=_("照抄《一般公共预算财政拨款支出表》本科目的“基本支出”列；没有填0。"),
    )
    project = MoneyField(
        _("项目支出（万元）"),
        null=True,
        blank=True,
        help_text=_("照抄《一般公共预算财政拨款支出表》本科目的“项目支出”列；没有填0。"),
    )
    total = MoneyField(
        _("合计（万元）"),
        null=True,
        blank=True,
        help_text=_("仅在来源文件只给出合计、未区分基本和项目支出时填写。"),
    )
    prior_amount = MoneyField(
        _("上年预算数（万元）"),
        null=True,
        blank=True,
        help_text=_("本科目上年的预算合计；有上年公开数据时自动带出，可调整。"),
    )
    prior_execution = prior_execution_field()
    purpose = models.TextField(
        _("主要用途"), blank=True, help_text=_("如“主要用于机关日常运转和在职人员工资”。")
    )
    change_reason = line_reason_field()

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
            # Split, or a total only (a coarse source), or nothing yet (a prepared year's
            # line carrying last year's figure until the contact person fills it in).
            models.CheckConstraint(
                condition=Q(total__isnull=True, basic__isnull=False, project__isnull=False)
                | Q(
                    total__isnull=False,
                    basic__isnull=True,
                    project__isnull=True,
                    functional_item__isnull=False,
                )
                | Q(total__isnull=True, basic__isnull=True, project__isnull=True),
                name="expenditureline_split_total_or_empty",
                violation_error_message=_(
                    "请同时填写基本支出和项目支出（没有填0）；只有在来源文件未区分时才单独填写合计"
                    "（且须选择科目）；三项都留空表示尚未填写。"
                ),
            ),
            non_negative(
                "basic",
                "project",
                "total",
                "prior_amount",
                "prior_execution",
                name="expenditureline_amounts_non_negative",
            ),
        ]

    def __str__(self):
        return str(self.functional_item or _("未分科目"))

    @property
    def amount(self):
        """The line's 合计: basic + project, or the total the source gave; None while the
        line is not filled in (not filled is never read as zero)."""
        return spending_amount(self.basic, self.project, self.total)


class BasicExpenditureLine(DisclosurePart):
    """Basic expenditure by economic class (一般公共预算财政拨款基本支出表)."""

    disclosure = models.ForeignKey(
        Disclosure, verbose_name=_("公开文件"), on_delete=models.CASCADE, related_name="basic_lines"
    )
    economic_item = models.ForeignKey(
        EconomicItem,
        verbose_name=_("经济分类科目"),
        on_delete=models.PROTECT,
        # Basic expenditure is broken down by the 部门预算 list, not the 政府预算 one.
        limit_choices_to={"version__scheme": "economic"},
        help_text=_(
            "按《一般公共预算财政拨款基本支出表》逐行选择部门预算支出经济分类科目，"
            "如“30101 基本工资”；可输入编码或名称查找。"
        ),
    )
    amount = MoneyField(
        _("金额（万元）"),
        null=True,
        blank=True,
        help_text=_(
            "照抄《一般公共预算财政拨款基本支出表》本经济分类科目的金额（万元）；没有填0，"
            "留空表示尚未填写。"
        ),
    )
    prior_amount = MoneyField(
        _("上年预算数（万元）"),
        null=True,
        blank=True,
        help_text=_("有上年公开数据时自动带出，可调整。"),
    )

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
            non_negative("amount", "prior_amount", name="basicline_amount_non_negative"),
        ]

    def __str__(self):
        return str(self.economic_item)

    @property
    def comparison(self):
        return Comparison(self.amount, self.prior_amount)


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
        help_text=_(
            "“三公”经费的明细项目：因公出国（境）费、公务接待费、公务用车购置费、"
            "公务用车运行维护费，各填一行；合计由系统计算。"
        ),
    )
    amount = MoneyField(
        _("本年预算数（万元）"),
        null=True,
        blank=True,
        help_text=_(
            "照抄《一般公共预算“三公”经费支出表》本项数字（万元）；没有此项填0，留空表示尚未填写。"
        ),
    )
    prior_amount = MoneyField(
        _("上年预算数（万元）"),
        null=True,
        blank=True,
        help_text=_("上年公开的“三公”经费支出表中本项数字；有上年公开数据时自动带出，可调整。"),
    )
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
    source = models.ForeignKey(
        IncomeSource,
        verbose_name=_("资金来源"),
        on_delete=models.PROTECT,
        help_text=_("政府采购预算表中本行的资金来源，如一般公共预算拨款。"),
    )
    category = models.ForeignKey(
        ProcurementCategory,
        verbose_name=_("品目类别"),
        on_delete=models.PROTECT,
        help_text=_("政府采购预算表中的品目类别：货物、工程或服务，各填一行。"),
    )
    amount = MoneyField(
        _("金额（万元）"),
        help_text=_("照抄政府采购预算表中本资金来源、本品目类别的金额（万元）。"),
    )

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
    kind = models.ForeignKey(
        VehicleKind,
        verbose_name=_("车辆类型"),
        on_delete=models.PROTECT,
        help_text=_("按资产管理系统的车辆分类选择，如一般公务用车、执勤执法用车；每类一行。"),
    )
    held = models.PositiveIntegerField(
        _("实有车辆（辆）"),
        default=0,
        help_text=_("截至上方“车辆统计截至”日期，资产管理系统中本类车辆的实有数量；没有填0。"),
    )
    planned = models.PositiveIntegerField(
        _("本年拟购置（辆）"),
        default=0,
        help_text=_("本年度预算安排购置的本类车辆数量（见政府采购预算中的车辆）；没有填0。"),
    )

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


class EquipmentLine(DisclosurePart):
    """Equipment above a unit-value threshold (单位价值50万元以上的通用设备 …): how many
    台（套） the body holds at the assets' counting date, with the threshold the document states."""

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("公开文件"),
        on_delete=models.CASCADE,
        related_name="equipment_lines",
    )
    order = models.PositiveIntegerField(
        _("序号"), default=1, help_text=_("本表中的顺序：1、2、3……（按公开表格的行序）。")
    )
    category = models.CharField(
        _("设备类别"),
        max_length=50,
        help_text=_("按公开文本填写，如“通用设备”“专用设备”；未分类的填“设备”。"),
    )
    threshold = MoneyField(
        _("单位价值（万元）以上"),
        help_text=_("公开文本所写的单位价值标准，如“单位价值50万元以上”填 50。"),
    )
    count = models.IntegerField(_("数量（台/套）"), help_text=_("单位价值在标准以上的台（套）数。"))

    class Meta:
        verbose_name = _("大型设备")
        verbose_name_plural = _("国有资产：单位价值较高的设备")
        ordering = ["disclosure", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "category", "threshold"],
                name="equipmentline_unique_category",
                violation_error_message=_("同一设备类别、同一价值标准只能填写一行。"),
            ),
            non_negative("threshold", name="equipmentline_threshold_non_negative"),
            models.CheckConstraint(
                condition=Q(count__gte=0),
                name="equipmentline_count_non_negative",
                violation_error_message=_("设备数量（台/套）不能为负数。"),
            ),
        ]

    def __str__(self):
        return f"{self.category}（单位价值{format_wan(self.threshold)}万元以上）"


class KeyProject(DisclosurePart):
    """A key project (重点项目) funded by the project expenditure, in document order."""

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("公开文件"),
        on_delete=models.CASCADE,
        related_name="key_projects",
    )
    order = models.PositiveIntegerField(
        _("序号"), help_text=_("本项目在情况说明中的顺序：1、2、3……")
    )
    name = models.CharField(
        _("项目名称"),
        max_length=200,
        help_text=_("与《项目支出预算表》或财政批复中的项目名称一致，如“人大代表履职保障”。"),
    )
    amount = MoneyField(
        _("金额（万元）"), null=True, blank=True, help_text=_("公开文本未列金额的留空。")
    )
    source = models.ForeignKey(
        IncomeSource,
        verbose_name=_("资金性质"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("项目资金的来源，如一般公共预算拨款；公开文本未说明的留空。"),
    )
    functional_item = models.ForeignKey(
        FunctionalItem,
        verbose_name=_("功能分类科目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("项目支出所列的功能分类科目（项）；公开文本未说明的留空。"),
    )
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("实施单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("实施本项目的单位；填写后绩效目标一段据此计算涉及的单位数。"),
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


class ProjectWriteUp(DisclosurePart):
    """One subsection of a key project's write-up (项目概述, 立项依据 …), named by the
    region's template; a project prints only the subsections it has."""

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("公开文件"),
        on_delete=models.CASCADE,
        related_name="project_write_ups",
    )
    project = models.ForeignKey(
        KeyProject,
        verbose_name=_("重点项目"),
        on_delete=models.CASCADE,
        related_name="write_ups",
        help_text=_("本说明所属的重点项目（只能选本文件已保存的重点项目）。"),
    )
    subsection = models.ForeignKey(
        ProjectSubsection, verbose_name=_("小节"), on_delete=models.PROTECT
    )
    text = models.TextField(_("内容"), help_text=_("按公开文本填写本小节的文字。"))

    class Meta:
        verbose_name = _("项目说明")
        verbose_name_plural = _("重点项目说明（分小节）")
        ordering = ["disclosure", "project__order", "subsection__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "subsection"],
                name="projectwriteup_unique_subsection",
                violation_error_message=_("同一项目的同一小节只能填写一次。"),
            ),
        ]

    def __str__(self):
        return f"{self.project.name} · {self.subsection.name}"


class PerformanceTarget(DisclosurePart):
    """One performance target (绩效目标) of a key project, as the 项目支出绩效目标表 prints it:
    一级 › 二级 indicator (reference data) › 三级 indicator, operator, value and unit."""

    class Operator(models.TextChoices):
        AT_LEAST = "≥", _("≥（不低于）")
        AT_MOST = "≤", _("≤（不高于）")
        EQUAL = "=", _("=（等于）")
        ABOVE = ">", _(">（高于）")
        BELOW = "<", _("<（低于）")
        QUALITATIVE = "定性", _("定性（文字描述）")

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("公开文件"),
        on_delete=models.CASCADE,
        related_name="performance_targets",
    )
    project = models.ForeignKey(
        KeyProject,
        verbose_name=_("重点项目"),
        on_delete=models.CASCADE,
        related_name="targets",
        help_text=_("本目标所属的重点项目，按《项目支出绩效目标表》填写。"),
    )
    order = models.PositiveIntegerField(_("序号"), help_text=_("在本项目中的顺序。"))
    indicator = models.ForeignKey(
        IndicatorLevel,
        verbose_name=_("二级指标"),
        on_delete=models.PROTECT,
        limit_choices_to={"parent__isnull": False},
        help_text=_("选择二级指标（如“产出 › 数量”），一级指标随之确定。"),
    )
    name = models.CharField(
        _("三级指标"), max_length=200, help_text=_("如“培训人大代表人次”“代表满意度”。")
    )
    operator = models.CharField(
        _("指标性质"),
        max_length=10,
        choices=Operator.choices,
        default=Operator.AT_LEAST,
        help_text=_("绩效目标表中指标值前的符号，如≥、≤、=；用文字描述的指标选“定性”。"),
    )
    value = models.CharField(
        _("指标值"),
        max_length=100,
        help_text=_("数字按公开文本填写，如 300、95；定性指标填写文字，如“明显提升”。"),
    )
    unit = models.CharField(
        _("计量单位"), max_length=20, blank=True, help_text=_("如 人次、%、天；定性指标留空。")
    )

    class Meta:
        verbose_name = _("绩效目标")
        verbose_name_plural = _("项目绩效目标")
        ordering = ["disclosure", "project__order", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "order"],
                name="performancetarget_unique_order",
                violation_error_message=_("同一项目的绩效目标序号不能重复。"),
            ),
        ]

    def __str__(self):
        return f"{self.project.name} · {self.name}"

    @property
    def target(self):
        """The target as the table prints it: "≥300人次", "=100%" or the qualitative text."""
        if self.operator == self.Operator.QUALITATIVE:
            return self.value
        return f"{self.operator}{self.value}{self.unit}"


class PublishedSentence(DisclosurePart):
    """A generated sentence's wording as the printed document has it (原文措辞), stored
    verbatim and shown instead of the generated one: a document entered from print keeps
    its slips. `budgets.wording` flags one whose figures the data does not bear out."""

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("公开文件"),
        on_delete=models.CASCADE,
        related_name="published_sentences",
    )
    key = models.CharField(
        _("句子"),
        max_length=200,
        help_text=_(
            "模板中这句话的名称，如 official-expenses（“三公”经费一段）、"
            "composition:重庆市渝中区政务服务中心（该单位的单位构成一句）。"
        ),
    )
    text = models.TextField(
        _("原文措辞"),
        help_text=_(
            "照录公开文本中的这句话（含原文的用字和标点），页面显示这段文字代替自动生成的句子。"
        ),
    )

    class Meta:
        verbose_name = _("原文措辞")
        verbose_name_plural = _("原文措辞（照录公开文本）")
        ordering = ["disclosure", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "key"],
                name="publishedsentence_unique_key",
                violation_error_message=_("同一句话只能录入一种原文措辞。"),
            ),
        ]

    def __str__(self):
        return self.key


class DisclosureCheck(DisclosurePart):
    """A check recorded before publication and printed on the disclosure, as real ones are:
    保密审查 (confidentiality review) and 部门主要负责人审签 (the head's sign-off)."""

    class Kind(models.TextChoices):
        CONFIDENTIALITY = "confidentiality", _("保密审查")
        HEAD_SIGNOFF = "head_signoff", _("部门主要负责人审签")

    disclosure = models.ForeignKey(
        Disclosure, verbose_name=_("公开文件"), on_delete=models.CASCADE, related_name="checks"
    )
    kind = models.CharField(
        _("检查"),
        max_length=30,
        choices=Kind.choices,
        help_text=_("保密审查或部门主要负责人审签，各记录一行。"),
    )
    conclusion = models.CharField(
        _("结论"), max_length=100, help_text=_("如“已审查，不涉及国家秘密”“已审签”。")
    )
    checked_by = models.CharField(
        _("审查人/审签人"), max_length=50, help_text=_("审查或审签人的姓名，按审批单填写。")
    )
    checked_on = models.DateField(_("日期"), help_text=_("审批单上的审查或审签日期。"))

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
