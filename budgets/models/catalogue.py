"""Which standard tables a region prints (公开表格目录): reference data per region and year,
hung on the narrative template that region uses from that year on."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .reference import NarrativeTemplate


def validate_table_key(key):
    """A catalogue entry must name a table that `budgets.tables` defines."""
    from ..tables import REGISTRY  # the registry imports the models: import it when used

    if key not in REGISTRY:
        known = "、".join(f"{k}（{d.title}）" for k, d in REGISTRY.items())
        raise ValidationError(
            _("没有代码为“%(key)s”的表格。可用的表格：%(known)s。"),
            params={"key": key, "known": known},
        )


class CatalogueTable(models.Model):
    """One table of a region's catalogue: which table, in which place, under which title,
    and what its empty-table note says. A template without entries prints the common
    national set (`budgets.tables.COMMON_SET`)."""

    template = models.ForeignKey(
        NarrativeTemplate,
        verbose_name=_("情况说明模板"),
        on_delete=models.CASCADE,
        related_name="catalogue",
    )
    order = models.PositiveIntegerField(_("序号"))
    key = models.CharField(
        _("表格代码"),
        max_length=40,
        validators=[validate_table_key],
        help_text=_(
            "如 summary（部门收支总表）、income（部门收入总表）、general-budget（一般公共预算支出表）。"
        ),
    )
    title = models.CharField(
        _("表格标题"),
        max_length=100,
        blank=True,
        help_text=_("本地区公开时使用的标题；留空则使用通用标题。"),
    )
    empty_note = models.CharField(
        _("无数据时的说明"),
        max_length=200,
        blank=True,
        help_text=_(
            "本表没有数据时在表下说明原因，如“本单位没有使用政府性基金预算拨款安排的支出”；留空则用通用说明。"
        ),
    )

    class Meta:
        verbose_name = _("公开表格")
        verbose_name_plural = _("公开表格目录")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "key"],
                name="cataloguetable_unique_key",
                violation_error_message=_("同一模板的表格目录中，每张表只能出现一次。"),
            ),
        ]

    def __str__(self):
        return self.title or self.key


class ProjectSubsection(models.Model):
    """A named subsection of a key project's write-up (项目概述, 立项依据, 实施主体 …) that a
    region's template prints, in its order: reference data per template, not model fields."""

    template = models.ForeignKey(
        NarrativeTemplate,
        verbose_name=_("情况说明模板"),
        on_delete=models.CASCADE,
        related_name="project_subsections",
    )
    order = models.PositiveIntegerField(_("序号"))
    name = models.CharField(
        _("小节名称"), max_length=50, help_text=_("按本地区模板的写法，如：项目概述、立项依据。")
    )

    class Meta:
        verbose_name = _("项目说明小节")
        verbose_name_plural = _("项目说明小节")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "name"],
                name="projectsubsection_unique_name",
                violation_error_message=_("同一模板的项目说明小节不能重名。"),
            ),
        ]

    def __str__(self):
        return self.name
