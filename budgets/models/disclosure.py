"""A disclosure version (one body × one year × one kind × one revision) and the guard that
keeps a published version unchanged."""

from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import YEAR_VALIDATORS, Department, Unit

from ..money import MoneyField
from ..published_guard import readable_refusal
from .constraints import non_negative
from .reference import DisclosureKind


class PublishedDisclosureError(Exception):
    """A published version was about to change; corrections make a new revision instead."""

    def __init__(self, disclosure=None):
        name = f"“{disclosure}”" if disclosure is not None else "该文件"
        super().__init__(f"{name}已公开，不能修改或删除；如需更正，请发起更正，形成新的版本。")


class FrozenWhenPublishedQuerySet(models.QuerySet):
    """Bulk writes skip `save()`/`delete()`, so they check here that no row they touch
    belongs to a published version (`status_lookup` leads to the version's status)."""

    status_lookup = "status"

    def _refuse_published(self):
        if self.filter(**{self.status_lookup: "published"}).exists():
            raise PublishedDisclosureError()

    def update(self, **kwargs):
        self._refuse_published()
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        # Rows are not read back before an insert: the database's guard decides.
        with readable_refusal():
            return super().bulk_create(objs, *args, **kwargs)

    def delete(self):
        self._refuse_published()
        return super().delete()


class DisclosureQuerySet(FrozenWhenPublishedQuerySet):
    reads_spending_lines = False  # set by `for_page()`

    def _clone(self):
        clone = super()._clone()
        clone.reads_spending_lines = self.reads_spending_lines
        return clone

    def _fetch_all(self):
        fetched = self._result_cache is not None
        super()._fetch_all()
        if fetched or not self.reads_spending_lines or self._iterable_class is not ModelIterable:
            return
        from ..figures import read_spending_lines

        # Like a prefetch, one query for every disclosure fetched, but values, not models.
        found = read_spending_lines(self._result_cache)
        for disclosure in self._result_cache:
            disclosure.spending_lines = found[disclosure.pk]

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

    def for_page(self):
        """Everything the public page reads, in a fixed number of queries (one per line table)."""

        def lines(name, *related):
            model = Disclosure._meta.get_field(name).related_model
            return Prefetch(name, queryset=model.objects.select_related(*related))

        # Expenditure lines, the ones that run to a thousand, are read as values (see
        # `_fetch_all`): a model instance for each line, source and item costs 3× the page.
        queryset = self.select_related("department__region", "unit").prefetch_related(
            lines("income_lines", "source__carries_over"),
            lines("basic_lines", "economic_item"),
            lines("official_expense_lines", "item__parent"),
            lines("procurement_lines", "source", "category"),
            lines("vehicle_lines", "kind"),
            lines("equipment_lines"),
            lines("key_projects", "source", "functional_item", "unit"),
            lines("project_write_ups", "subsection"),
            lines("performance_targets", "indicator__parent"),
            "checks",
            "published_sentences",
        )
        queryset.reads_spending_lines = True
        return queryset


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
    year = models.PositiveIntegerField(
        _("年度"), validators=YEAR_VALIDATORS, help_text=_("预算所属年度，如2025。")
    )
    kind = models.CharField(
        _("公开类型"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.BUDGET,
        help_text=_("年初公开的选“部门预算”，年度结束后公开的选“部门决算”。"),
    )
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
    content_checksum = models.CharField(
        _("内容校验码（SHA-256）"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("公开时按本版本的开放数据 JSON 计算并保存，此后不变；任何人可据此核对副本。"),
    )
    # Nullable so SQLite adds the column in place: rebuilding the guarded disclosure table
    # would break the other tables' triggers that name it. None = not stored (yet).
    published_body = models.TextField(  # noqa: DJ001 -- see the comment above
        _("公开时的页面正文"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "公开时按当时的模板和参考数据生成的页面正文（HTML），此后原样显示；"
            "之后修改模板或改名参考数据只影响以后的版本。"
        ),
    )
    # The PDF of the published page, rendered once at publication (nullable for the same
    # reason as published_body; None = none rendered: a version published before PDFs).
    pdf = models.FileField(  # noqa: DJ001 -- see the comment above
        _("公开时生成的 PDF"),
        upload_to="disclosures/pdf/",
        null=True,
        blank=True,
        editable=False,
        help_text=_("公开时按公开页面生成的 PDF 文件，此后不变。"),
    )
    pdf_checksum = models.CharField(  # noqa: DJ001 -- see the comment above
        _("PDF 校验码（SHA-256）"),
        max_length=64,
        null=True,
        blank=True,
        editable=False,
        help_text=_("公开时计算的 PDF 文件的 SHA-256，供核对下载的文件。"),
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
    contact_name = models.CharField(
        _("公开联系人"),
        max_length=50,
        blank=True,
        help_text=_("本部门负责预算公开的人员姓名，印在情况说明末尾。"),
    )
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
        help_text=_("万元，即上年公开的基本支出；有上年公开数据时自动带出，可按可比口径调整。"),
    )
    prior_project = MoneyField(
        _("上年项目支出"),
        null=True,
        blank=True,
        help_text=_("万元，即上年公开的项目支出；有上年公开数据时自动带出，可调整。"),
    )
    basic_change_reason = models.TextField(
        _("基本支出增减原因"), blank=True, help_text=_("如“主要原因是机构改革，人员调整”。")
    )
    basic_uses = models.TextField(
        _("基本支出主要用途"), blank=True, help_text=_("“主要用于”之后的内容。")
    )
    project_change_reason = models.TextField(
        _("项目支出增减原因"),
        blank=True,
        help_text=_("完整原因句，如“主要原因是新增……项目”；与上年持平时可留空。"),
    )
    official_expense_change_reason = models.TextField(
        _("“三公”经费总额增减原因"), blank=True, help_text=_("可留空；各分项原因在下方分项中填写。")
    )

    operating_cost = MoneyField(
        _("机关运行经费"),
        null=True,
        blank=True,
        help_text=_(
            "万元，取自财政批复的基本支出中的机关运行经费（公用经费）数。"
            "仅行政单位和参公事业单位有此项；不适用时留空。"
        ),
    )
    prior_operating_cost = MoneyField(
        _("上年机关运行经费"),
        null=True,
        blank=True,
        help_text=_("万元，即上年公开文件中的机关运行经费。"),
    )
    operating_cost_change_reason = models.TextField(
        _("机关运行经费增减原因"),
        blank=True,
        help_text=_("完整原因句，如“主要原因是压减一般性支出”；与上年持平时可留空。"),
    )
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
        _("国有资产统计截至"),
        null=True,
        blank=True,
        help_text=_("车辆和设备数量的统计截止日，如 2024-12-31，页面显示为“截至2024年12月”。"),
    )
    procurement_sme_amount = MoneyField(
        _("面向中小企业预留金额（万元）"),
        null=True,
        blank=True,
        help_text=_(
            "政府采购预算中面向中小企业预留的金额；占政府采购预算的比例自动计算。公开文本未列的留空。"
        ),
    )
    procurement_micro_amount = MoneyField(
        _("其中面向小微企业预留（万元）"),
        null=True,
        blank=True,
        help_text=_("面向中小企业预留金额中专门面向小微企业的部分；公开文本未列的留空。"),
    )
    # A part left empty is "not filled", never zero: to say there is none, tick its flag, and
    # the page prints the template's sentence for it (budgets.narrative_parts).
    no_official_expenses = models.BooleanField(
        _("本部门无“三公”经费预算"),
        default=False,
        help_text=_("确实没有“三公”经费时勾选，页面写明“无“三公”经费预算”；有则在下方分项填写。"),
    )
    no_operating_cost = models.BooleanField(
        _("不适用机关运行经费"),
        default=False,
        help_text=_("本部门及所属单位均不是行政单位或参公事业单位时勾选；否则请填写机关运行经费。"),
    )
    no_procurement = models.BooleanField(
        _("本部门无政府采购预算"),
        default=False,
        help_text=_("确实没有安排政府采购预算时勾选；有则在政府采购各行填写。"),
    )
    no_performance = models.BooleanField(
        _("无实行绩效目标管理的项目支出"),
        default=False,
        help_text=_("确实没有时勾选；有则填写实行绩效目标管理的项目支出金额。"),
    )
    no_vehicles = models.BooleanField(
        _("本部门无公务车辆"),
        default=False,
        help_text=_("既没有实有车辆、本年也不购置车辆时勾选；否则请在车辆各行填写。"),
    )

    no_government_fund = models.BooleanField(
        _("本部门无政府性基金预算"),
        default=False,
        help_text=_(
            "没有政府性基金预算收入和支出时勾选，页面写明“无政府性基金预算”；有则按该资金来源填写收入和支出。"
        ),
    )
    no_state_capital = models.BooleanField(
        _("本部门无国有资本经营预算"),
        default=False,
        help_text=_(
            "没有国有资本经营预算收入和支出时勾选，页面写明“无国有资本经营预算”；有则按该资金来源填写收入和支出。"
        ),
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
                "procurement_sme_amount",
                "procurement_micro_amount",
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
        with readable_refusal():  # published by someone else since the check above
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("portal:disclosure", args=[self.pk])

    def delete(self, *args, **kwargs):
        if self.pk and Disclosure.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise PublishedDisclosureError(self)
        with readable_refusal():
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
        from ..figures import DisclosureFigures

        return DisclosureFigures(self)


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
