"""Disclosing bodies: regions, departments, their units, and each unit's duties, internal
sections and staffing quotas for a given year (they change with institutional reform)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Region(models.Model):
    """An administrative region (重庆市, 渝中区 …); regions nest by `parent`."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("区县级")
        TOWNSHIP = "township", _("乡镇级")

    name = models.CharField(
        _("名称"), max_length=100, help_text=_("地区的正式名称，如：重庆市、渝中区。")
    )
    level = models.CharField(
        _("层级"),
        max_length=20,
        choices=Level.choices,
        help_text=_("本地区的行政层级：省级、市级、区县级或乡镇级。"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级地区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("如渝中区的上级地区为重庆市；最上一级的地区留空。"),
    )
    order = models.PositiveIntegerField(_("排序"), default=0, help_text=_("数字小的排在前面。"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("地区")
        verbose_name_plural = _("地区")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent"),
        ]

    def __str__(self):
        return " › ".join(region.name for region in self.lineage())

    def get_absolute_url(self):
        return reverse("portal:region", args=[self.pk])

    def lineage(self):
        """This region and its ancestors, outermost first (重庆市, 渝中区)."""
        chain, region = [], self
        while region is not None:
            chain.append(region)
            region = region.parent
        return chain[::-1]


class Department(models.Model):
    """A disclosing department (部门) of a region; it has one or more units."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("地区"),
        on_delete=models.PROTECT,
        related_name="departments",
        help_text=_("本部门所属的地区（本级政府），如：渝中区。"),
    )
    name = models.CharField(
        _("部门全称"),
        max_length=200,
        help_text=_("按机构编制部门核定的全称填写，如：重庆市渝中区人民政府办公室。"),
    )
    short_name = models.CharField(
        _("简称"),
        max_length=100,
        blank=True,
        help_text=_("列表中显示的简称，如：渝中区政府办公室；可留空。"),
    )
    code = models.CharField(
        _("部门编码"), max_length=30, blank=True, help_text=_("财政部门使用的部门编码，可留空。")
    )
    order = models.PositiveIntegerField(_("排序"), default=0, help_text=_("数字小的排在前面。"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("本部门用户"),
        related_name="departments",
        blank=True,
        help_text=_("可填报本部门公开文件的用户（公开联系人）；他们只能看到和修改本部门的数据。"),
    )

    history = HistoricalRecords(excluded_fields=["members"])

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["region__order", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="department_unique_name_in_region"
            ),
        ]
        permissions = [("manage_all_departments", _("可查看和处理所有部门的数据"))]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("portal:department", args=[self.pk])

    @property
    def display_name(self):
        return self.short_name or self.name


class DepartmentSuccession(models.Model):
    """A reorganisation (机构改革): from `date` on, `successor` takes over (part of) the duties
    of `predecessor`. A merger is several rows with one successor, a split several rows with
    one predecessor. Reference data kept by the platform administrators."""

    predecessor = models.ForeignKey(
        Department,
        verbose_name=_("原部门"),
        on_delete=models.PROTECT,
        related_name="successions",
    )
    successor = models.ForeignKey(
        Department,
        verbose_name=_("承继部门"),
        on_delete=models.PROTECT,
        related_name="predecessions",
    )
    date = models.DateField(_("机构改革日期"), help_text=_("承继部门开始履行职责的日期。"))
    note = models.TextField(
        _("说明"),
        blank=True,
        help_text=_("如：根据机构改革方案，原××局的职责划入××局。公开页面显示。"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("机构改革承继关系")
        verbose_name_plural = _("机构改革承继关系")
        ordering = ["-date", "successor__name", "predecessor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="succession_unique_pair",
                violation_error_message=_("这两个部门之间已登记过承继关系。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")),
                name="succession_not_itself",
                violation_error_message=_("部门不能承继自己。"),
            ),
        ]

    def __str__(self):
        return f"{self.predecessor.name} → {self.successor.name}（{self.date:%Y-%m-%d}）"


# The shipped kinds of unit, in the order the 单位构成 sentence counts them (installed by
# budgets.reference_data, and by this app's migration 0004 for the units stored before).
UNIT_KINDS = [
    "行政单位",
    "参照公务员法管理事业单位",
    "公益一类事业单位",
    "公益二类事业单位",
    "事业单位",
    "其他事业单位",
    "其他",
]


class UnitKind(models.Model):
    """A kind of unit (单位性质: 行政单位, 参照公务员法管理事业单位, 公益一类事业单位 …):
    reference data, so a region's documents may name kinds another region's do not."""

    name = models.CharField(
        _("名称"),
        max_length=50,
        unique=True,
        help_text=_("按公开文本的写法，如：行政单位、公益一类事业单位。"),
    )
    order = models.PositiveIntegerField(
        _("排序"), default=0, help_text=_("单位构成中按性质计数时的顺序，数字小的在前。")
    )

    class Meta:
        verbose_name = _("单位性质")
        verbose_name_plural = _("单位性质")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """A budget unit (单位): the department's own office (本级) or a subordinate institution;
    or an unnamed group of like units ("3个直属大队": name 直属大队, count 3)."""

    class Funding(models.TextChoices):
        FULL = "full", _("财政全额拨款")
        PARTIAL = "partial", _("财政差额拨款")
        SELF_FUNDED = "self_funded", _("自收自支")

    class Relation(models.TextChoices):
        OWN_OFFICE = "own_office", _("本级")
        SUBORDINATE = "subordinate", _("所属")
        MANAGED = "managed", _("管理")

    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        on_delete=models.CASCADE,
        related_name="units",
        help_text=_("本单位所属的部门，即哪个部门的预算公开中列出本单位。"),
    )
    name = models.CharField(
        _("单位全称"),
        max_length=200,
        help_text=_(
            "按机构编制部门批准的全称填写（见“三定”方案或事业单位法人证书），"
            "如：重庆市渝中区机关事务服务中心。"
        ),
    )
    relation = models.CharField(
        _("与部门的关系"),
        max_length=20,
        choices=Relation.choices,
        help_text=_(
            "本级：部门机关本身；所属、管理：部门下属或代管的单位，按公开文本“部门单位构成”"
            "中的说法选择。"
        ),
    )
    kind = models.ForeignKey(
        UnitKind,
        verbose_name=_("单位性质"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        help_text=_(
            "行政单位、参照公务员法管理事业单位、公益一类事业单位等，以“三定”方案或"
            "机构编制部门的批复为准；公开文本不写的可留空。"
        ),
    )
    funding = models.CharField(
        _("经费渠道"),
        max_length=20,
        choices=Funding.choices,
        blank=True,
        help_text=_(
            "财政全额拨款、财政差额拨款或自收自支，以财政部门核定的经费形式为准；"
            "公开文本不写的可留空。"
        ),
    )
    rank = models.CharField(
        _("机构规格"),
        max_length=30,
        blank=True,
        help_text=_("“三定”方案核定的级别，如：正处级、正科级；不写的留空。"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("本单位隶属于本部门的另一个单位时，选那个单位；直接隶属于部门的留空。"),
    )
    merged_into_parent = models.BooleanField(
        _("不单列预算"),
        default=False,
        help_text=_(
            "本单位没有单独的预算、经费含在上级单位（或部门本级）预算中时勾选；"
            "以财政批复的预算单位名单为准。"
        ),
    )
    count = models.PositiveIntegerField(
        _("单位个数"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_(
            "通常填1。公开文本把几个同类单位合写为一项时（如“3个直属大队”），"
            "填个数3，单位全称填“直属大队”。"
        ),
    )
    order = models.PositiveIntegerField(
        _("排序"), default=0, help_text=_("在部门内的顺序，数字小的在前。")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["department", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="unit_unique_name_in_department"
            ),
            models.CheckConstraint(condition=models.Q(count__gte=1), name="unit_count_positive"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """A parent belongs to the same department and is never the unit itself or one of
        its own units (the composition would then have no top)."""
        if self.parent_id is None:
            return
        if self.department_id and self.parent.department_id != self.department_id:
            raise ValidationError({"parent": _("上级单位须属于同一部门。")})
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("上级单位不能是本单位或本单位的下级单位。")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    @property
    def is_own_office(self):
        return self.relation == self.Relation.OWN_OFFICE


class StaffingKind(models.Model):
    """A kind of staffing quota (区领导编制, 行政编制, 事业编制, 工勤编制 …): reference data."""

    name = models.CharField(
        _("名称"),
        max_length=50,
        unique=True,
        help_text=_("按编制部门批复的写法，如：行政编制、事业编制、工勤编制。"),
    )
    order = models.PositiveIntegerField(
        _("排序"), default=0, help_text=_("公开文本列出编制时的顺序，数字小的在前。")
    )

    class Meta:
        verbose_name = _("编制类型")
        verbose_name_plural = _("编制类型")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class UnitYear(models.Model):
    """What a unit is in one year: duties, internal sections and staffing quotas."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单位"),
        on_delete=models.CASCADE,
        related_name="years",
        help_text=_("输入单位名称查找；单位本身（全称、性质等）在“单位”中填写。"),
    )
    year = models.PositiveIntegerField(
        _("年度"),
        validators=YEAR_VALIDATORS,
        help_text=_("预算年度，如2025；职责、科室和编制按该年度的“三定”方案和编制批复填写。"),
    )
    duties_preamble = models.TextField(
        _("职责前言"),
        blank=True,
        help_text=_(
            "职责条目之前的一段说明，照“三定”方案抄录，如机构规格、加挂牌子、合署办公；没有则留空。"
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位年度情况")
        verbose_name_plural = _("单位年度情况（职责、科室、编制）")
        ordering = ["-year", "unit__department", "unit__order", "unit__pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="unityear_unique_unit_year"),
        ]

    def __str__(self):
        return f"{self.unit.name} {self.year}年"


class Duty(models.Model):
    """One numbered paragraph of a unit's duties; the numbering is rendered, not stored."""

    unit_year = models.ForeignKey(
        UnitYear,
        verbose_name=_("单位年度"),
        on_delete=models.CASCADE,
        related_name="duties",
        help_text=_("这条职责属于哪个单位的哪一年。"),
    )
    order = models.PositiveIntegerField(
        _("序号"), help_text=_("“三定”方案中这条职责的编号，填数字1、2、3……")
    )
    text = models.TextField(
        _("职责内容"),
        help_text=_("照“三定”方案抄录一条职责，不含编号，如“负责区政府会议的筹备工作……”。"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("职能职责")
        verbose_name_plural = _("职能职责")
        ordering = ["unit_year", "order"]
        constraints = [
            models.UniqueConstraint(fields=["unit_year", "order"], name="duty_unique_order"),
        ]

    def __str__(self):
        return f"（{self.order}）{self.text[:30]}"


class Section(models.Model):
    """An internal section (内设科室) of a unit in a year."""

    unit_year = models.ForeignKey(
        UnitYear,
        verbose_name=_("单位年度"),
        on_delete=models.CASCADE,
        related_name="sections",
        help_text=_("这个科室属于哪个单位的哪一年。"),
    )
    order = models.PositiveIntegerField(
        _("序号"), help_text=_("科室在公开文本中的排列顺序，填数字1、2、3……")
    )
    name = models.CharField(
        _("科室名称"),
        max_length=100,
        help_text=_(
            "按“三定”方案核定的内设机构名称填写，加挂的牌子写在括号里，如：文秘科（政务公开科）。"
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("内设科室")
        verbose_name_plural = _("内设科室")
        ordering = ["unit_year", "order"]
        constraints = [
            models.UniqueConstraint(fields=["unit_year", "order"], name="section_unique_order"),
            models.UniqueConstraint(fields=["unit_year", "name"], name="section_unique_name"),
        ]

    def __str__(self):
        return self.name


class StaffingQuota(models.Model):
    """A staffing quota (编制) of one kind for a unit in a year, as a head count."""

    unit_year = models.ForeignKey(
        UnitYear,
        verbose_name=_("单位年度"),
        on_delete=models.CASCADE,
        related_name="staffing",
        help_text=_("这项编制属于哪个单位的哪一年。"),
    )
    kind = models.ForeignKey(
        StaffingKind,
        verbose_name=_("编制类型"),
        on_delete=models.PROTECT,
        help_text=_("行政编制、事业编制、工勤编制等，按编制部门批复中的类别选择，每类一行。"),
    )
    count = models.PositiveIntegerField(
        _("编制人数"),
        help_text=_("编制部门批复（核定）的编制数，不是实有人数；填整数，如12。"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("编制")
        verbose_name_plural = _("编制")
        ordering = ["unit_year", "kind__order"]
        constraints = [
            models.UniqueConstraint(fields=["unit_year", "kind"], name="staffing_unique_kind"),
        ]

    def __str__(self):
        return f"{self.kind.name}{self.count}人"
