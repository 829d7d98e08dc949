"""Technical terms (专业性名词解释), reused across departments and years, and the terms each
disclosure prints in its glossary part."""

from django.db import models
from django.db.models import Min
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from budgets.models import Disclosure, DisclosurePart, FunctionalItem


class TermQuerySet(models.QuerySet):
    def grouped(self):
        """The terms in reading order, as [(heading, [terms])]: the general terms first (in
        their `order`), then those of classification items by code, one group per 类
        (two queries)."""
        # General terms: by `order`, then in the order the documents print them (a reading
        # order: 财政拨款收入 before 基本支出), never by code point.
        terms = list(self.select_related("functional_item").annotate(printed=Min("uses__order")))
        general = sorted(
            (t for t in terms if not t.functional_item),
            key=lambda t: (t.order, t.printed is None, t.printed or 0, t.name),
        )
        coded = sorted(
            (t for t in terms if t.functional_item), key=lambda t: (t.functional_item.code, t.name)
        )
        classes = {t.functional_item.code[:3] for t in coded}
        names = dict(
            FunctionalItem.objects.filter(code__in=classes)
            .order_by("code", "year")
            .values_list("code", "name")
        )  # the newest list's name of each 类 wins
        groups = [("通用名词", general)] if general else []
        for code in sorted(classes):
            members = [t for t in coded if t.functional_item.code.startswith(code)]
            groups.append((f"支出功能分类 {code} {names.get(code, '')}".strip(), members))
        return groups


class Term(models.Model):
    """A term and its definition; a term may explain one functional classification item."""

    name = models.CharField(_("名词"), max_length=100, unique=True)
    definition = models.TextField(_("解释"))
    functional_item = models.ForeignKey(
        FunctionalItem,
        verbose_name=_("对应功能分类科目"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="terms",
        help_text=_("解释某一支出功能分类科目的名词选择该科目；通用名词留空。"),
    )
    order = models.PositiveIntegerField(
        _("排序"), default=0, help_text=_("名词解释页中的顺序：通用名词在前，科目名词按编码。")
    )

    objects = TermQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("名词")
        verbose_name_plural = _("名词解释")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class DisclosureTerm(DisclosurePart):
    """A term printed in one disclosure's glossary, in the disclosure's order."""

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("公开文件"),
        on_delete=models.CASCADE,
        related_name="glossary_entries",
    )
    term = models.ForeignKey(
        Term, verbose_name=_("名词"), on_delete=models.PROTECT, related_name="uses"
    )
    order = models.PositiveIntegerField(_("序号"))

    class Meta:
        verbose_name = _("本文件名词解释")
        verbose_name_plural = _("专业性名词解释")
        ordering = ["disclosure", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "term"], name="disclosureterm_unique_term"
            ),
        ]

    def __str__(self):
        return self.term.name
