"""Reference data the figures are classified by (versioned by year where the Ministry
revises it), and the narrative template each region uses."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import YEAR_VALIDATORS, Region

from ..narrative_files import validate_narrative_file
from ..narrative_parts import BY_KEY, CHOICES, all_parts
from ..rules import DEFAULT_RULE_SET, rule_set_choices


class DisclosureKind(models.TextChoices):
    BUDGET = "budget", _("部门预算")
    FINAL_ACCOUNTS = "final", _("部门决算")


class ClassificationScheme(models.TextChoices):
    """The Ministry's expenditure classifications the portal holds as reference lists."""

    FUNCTIONAL = "functional", _("支出功能分类")
    ECONOMIC = "economic", _("部门预算支出经济分类")
    GOVERNMENT_ECONOMIC = "government_economic", _("政府预算支出经济分类")


class ClassificationVersionQuerySet(models.QuerySet):
    def in_force(self, scheme, year, on=None):
        """The version of `scheme` a disclosure of `year` uses: the one with the latest
        effective date not after `on` (default today); before the first revision takes
        effect, the year's first version. None when the year has no list."""
        versions = self.filter(scheme=scheme, year=year)
        on = on or timezone.localdate()
        return (
            versions.filter(effective_on__lte=on).order_by("-effective_on").first()
            or versions.order_by("effective_on").first()
        )

    def annual(self, scheme, year):
        """The year's list that takes effect on 1 January, created empty if missing."""
        return self.get_or_create(scheme=scheme, year=year, effective_on=date(year, 1, 1))[0]


class ClassificationVersion(models.Model):
    """One edition of a classification list for a year: the Ministry's annual list, or an
    in-year revision (a dated notice). Its items are the complete list as of that date."""

    scheme = models.CharField(_("分类"), max_length=30, choices=ClassificationScheme.choices)
    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    effective_on = models.DateField(
        _("生效日期"), help_text=_("年度目录一般为当年1月1日；年中修订按通知规定的日期。")
    )
    document = models.CharField(
        _("文号"),
        max_length=100,
        blank=True,
        help_text=_("发布或修订通知的文号，如“财预〔2024〕××号”；不清楚就留空。"),
    )
    source = models.TextField(
        _("来源和范围"), blank=True, help_text=_("目录出自哪里、包括哪些级次。")
    )

    objects = ClassificationVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("分类科目版本")
        verbose_name_plural = _("分类科目版本")
        ordering = ["scheme", "-year", "-effective_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "year", "effective_on"],
                name="classificationversion_unique_date",
                violation_error_message=_("这一分类在该年度已有同一生效日期的版本。"),
            ),
        ]

    def __str__(self):
        return f"{self.year}年{self.get_scheme_display()}（{self.effective_on:%Y-%m-%d}起）"


class ClassificationItemQuerySet(models.QuerySet):
    scheme = ClassificationScheme.FUNCTIONAL

    def of_year(self, year, on=None, scheme=None):
        """The items of the list in force for `year` (see `ClassificationVersion.in_force`)."""
        version = ClassificationVersion.objects.in_force(scheme or self.scheme, year, on)
        return self.filter(version=version) if version else self.none()


class EconomicItemQuerySet(ClassificationItemQuerySet):
    scheme = ClassificationScheme.ECONOMIC


class ClassificationItem(models.Model):
    """A code and its official name in one version of a list. `year` repeats the version's
    year so that every lookup by (year, code) stays one indexed filter."""

    version = models.ForeignKey(
        ClassificationVersion,
        verbose_name=_("版本"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS, editable=False)
    name = models.CharField(_("科目名称"), max_length=100)
    unverified = models.BooleanField(
        _("待核实"),
        default=False,
        help_text=_("编码或名称尚未与财政部正式文本逐条核对。"),
    )

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.code} {self.name}（{self.year}）"

    def save(self, *args, **kwargs):
        # Keep the repeated year equal to the version's (bulk writes set both themselves).
        self.year = self.version.year
        super().save(*args, **kwargs)


class FunctionalItem(ClassificationItem):
    """支出功能分类科目 of one list version: 类 (3 digits), 款 (5) or 项 (7)."""

    code = models.CharField(_("科目编码"), max_length=7, help_text=_("类3位、款5位、项7位。"))

    objects = ClassificationItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("支出功能分类科目")
        verbose_name_plural = _("支出功能分类科目")
        ordering = ["-year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                name="functionalitem_unique_code",
                violation_error_message=_("该版本中已有这一科目编码。"),
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^([0-9]{3}|[0-9]{5}|[0-9]{7})$"),
                name="functionalitem_code_shape",
                violation_error_message=_("科目编码应为3位（类）、5位（款）或7位（项）数字。"),
            ),
        ]

    @property
    def level(self):
        return {3: "类", 5: "款", 7: "项"}[len(self.code)]


class EconomicItem(ClassificationItem):
    """支出经济分类科目 of one list version: 类 (3 digits) or 款 (5), of either economic
    classification (部门预算 301…, 政府预算 501…; the version says which)."""

    code = models.CharField(_("科目编码"), max_length=5)

    objects = EconomicItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("支出经济分类科目")
        verbose_name_plural = _("支出经济分类科目")
        ordering = ["-year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                name="economicitem_unique_code",
                violation_error_message=_("该版本中已有这一科目编码。"),
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^([0-9]{3}|[0-9]{5})$"),
                name="economicitem_code_shape",
                violation_error_message=_("经济分类科目编码应为3位（类）或5位（款）数字。"),
            ),
        ]


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
    carries_over = models.ForeignKey(
        "self",
        verbose_name=_("结转的财政拨款"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carry_overs",
        limit_choices_to={"is_appropriation": True},
        help_text=_(
            "上年结转的财政拨款（如“上年结转（一般公共预算拨款）”）选所结转的资金：财政拨款收支总表"
            "把它列入该资金的收入，支出仍按该资金填列；其他来源留空。"
        ),
    )
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


class VehicleKindQuerySet(models.QuerySet):
    def of_year(self, year):
        """The kinds whose name is in use in `year` (a renamed kind is a new row for the
        same code, valid from the year of the new name)."""
        return self.filter(
            Q(first_year__isnull=True) | Q(first_year__lte=year),
            Q(last_year__isnull=True) | Q(last_year__gte=year),
        )


class VehicleKind(models.Model):
    """A kind of vehicle of the national list (一般公务用车, 执法执勤用车 …; up to eight):
    reference data. A kind keeps its `code` across years; its name is valid from
    `first_year` to `last_year`, so a renaming is a new row with the same code and order.
    A published page keeps the name it was published with (its body is frozen)."""

    code = models.SlugField(
        _("代码"),
        max_length=40,
        blank=True,
        help_text=_("跨年度不变的代码，如 general；改名时新增一行，沿用同一代码和排序。"),
    )
    name = models.CharField(_("名称"), max_length=30, unique=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    first_year = models.PositiveIntegerField(
        _("名称起用年度"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("留空表示一直使用。"),
    )
    last_year = models.PositiveIntegerField(
        _("名称停用前最后年度"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("留空表示仍在使用。"),
    )
    unverified = models.BooleanField(
        _("待核实"),
        default=False,
        help_text=_("名称尚未与财政部正式文本逐条核对。"),
    )

    objects = VehicleKindQuerySet.as_manager()

    class Meta:
        verbose_name = _("车辆类型")
        verbose_name_plural = _("车辆类型")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_year__isnull=True)
                | Q(last_year__isnull=True)
                | Q(first_year__lte=models.F("last_year")),
                name="vehiclekind_years_in_order",
                violation_error_message=_("名称起用年度不能晚于停用前最后年度。"),
            ),
        ]

    def __str__(self):
        return self.name


class IndicatorLevel(models.Model):
    """A performance indicator level (绩效指标): 一级 (产出, 效益, 满意度) and, under each, its
    二级 (数量, 质量, 时效, 成本; 经济, 社会, 生态, 可持续影响; 服务对象满意度): reference data.
    The 三级 indicator is the project's own, typed with the target."""

    name = models.CharField(_("名称"), max_length=30)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("一级指标"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("二级指标填写所属一级指标；一级指标留空。"),
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("绩效指标级次")
        verbose_name_plural = _("绩效指标（一级、二级）")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="indicatorlevel_unique_name",
                violation_error_message=_("同一一级指标下的二级指标不能重名。"),
            ),
        ]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name


def validate_parts(keys):
    """A template row's parts are a list of known part keys."""
    if not isinstance(keys, list) or any(key not in BY_KEY for key in keys):
        known = "、".join(f"{key}（{label}）" for key, label in CHOICES)
        raise ValidationError(_("须填写的部分只能从以下选择：%(known)s。"), params={"known": known})


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
        help_text=_(
            "templates/ 下的路径，如 narratives/chongqing-budget-2025.html；保存时检查文件存在。"
        ),
        validators=[validate_narrative_file],
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
    rule_set = models.CharField(
        _("检查规则"),
        max_length=20,
        choices=rule_set_choices(),
        default=DEFAULT_RULE_SET,
        help_text=_("本地区公开文件提交前按哪套规则检查：规则集中列为提示的问题不阻止提交。"),
    )
    reason_blocking = models.BooleanField(
        _("缺少增减原因时不能提交"),
        default=False,
        help_text=_("不勾选时只作提示；勾选后缺少原因的公开文件不能提交审核。"),
    )
    parts = models.JSONField(
        _("须填写的部分"),
        default=all_parts,
        blank=True,
        validators=[validate_parts],
        help_text=_("本模板印出的、须填写或注明“无”的部分：缺少时公开文件不能提交审核。"),
    )
    text_checks_blocking = models.BooleanField(
        _("文字与数字不符时不能提交"),
        default=False,
        help_text=_(
            "文字（原因、用途、原文措辞）中的金额、增减方向或年度与数据不符时，"
            "不勾选只作提示，勾选后不能提交审核。"
        ),
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
