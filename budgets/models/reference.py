"""Reference data the figures are classified by (versioned by year where the Ministry
revises it), and the narrative template each region uses."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import YEAR_VALIDATORS, Region


class DisclosureKind(models.TextChoices):
    BUDGET = "budget", _("部门预算")
    FINAL_ACCOUNTS = "final", _("部门决算")


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
    thousands_separator = models.BooleanField(
        _("金额使用千位分隔符"),
        default=True,
        help_text=_("勾选时表格金额写作 12,345,678.90，不勾选时写作 12345678.90。"),
    )
    reason_threshold = models.PositiveSmallIntegerField(
        _("须说明原因的增减幅度（%）"),
        default=10,
        help_text=_("表格中某一行与上年相比增减达到此幅度（或上年为0）时，须填写增减原因。"),
    )
    reason_blocking = models.BooleanField(
        _("缺少增减原因时不能提交"),
        default=False,
        help_text=_("不勾选时只作提示；勾选后缺少原因的公开文件不能提交审核。"),
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
    def for_body(cls, *, region, year, kind, among=None):
        """The template of the nearest region (itself, then its ancestors) in force in `year`;
        chosen from `among` (all templates, fetched once) when many bodies are looked up."""
        lineage = region.lineage()
        depth = {r.pk: i for i, r in enumerate(lineage)}
        if among is None:
            among = cls.objects.filter(region__in=lineage, first_year__lte=year, kind=kind)
        candidates = [
            t for t in among if t.region_id in depth and t.first_year <= year and t.kind == kind
        ]
        return max(candidates, key=lambda t: (depth[t.region_id], t.first_year), default=None)
