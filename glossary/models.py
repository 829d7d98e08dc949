"""Technical terms (专业性名词解释), reused across departments and years, and the terms each
disclosure prints in its glossary part.

A definition belongs to a region from a year on: two regions word 财政拨款收入 their own way,
and a region that rewords a term from 2026 keeps its 2025 wording for 2025's disclosures. A
term with no region is a general one that every region inherits unless it defines its own."""

from django.db import models
from django.db.models import Min
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from budgets.models import Disclosure, DisclosurePart, FunctionalItem
from organizations.access import reaches_all
from organizations.models import YEAR_VALIDATORS, Region

# A term "in force from 2000" has always applied: the earliest year a disclosure can have.
ALWAYS = 2000


class TermQuerySet(models.QuerySet):
    def in_force(self, *, region, year=None):
        """Per name, the definition a disclosure of `region` in `year` uses: that of the
        nearest region of its lineage (itself, then its ancestors, then general terms) with
        the greatest `from_year` ≤ `year` (no year: the latest). A list, in page order."""
        lineage = region.lineage() if region is not None else []
        depth = {r.pk: i for i, r in enumerate(lineage, start=1)}  # general terms: 0
        candidates = (
            self.filter(models.Q(region__in=lineage) | models.Q(region__isnull=True))
            .select_related("functional_item", "region")
            .annotate(printed=Min("uses__order"))
        )
        if year is not None:
            candidates = candidates.filter(from_year__lte=year)
        best = {}
        for term in candidates:
            rank = (depth.get(term.region_id, 0), term.from_year)
            if term.name not in best or rank > best[term.name][0]:
                best[term.name] = (rank, term)
        return sorted((term for _rank, term in best.values()), key=lambda t: (t.order, t.name))

    def offered_to(self, user):
        """The terms `user` may pick for a disclosure: every term for those who reach every
        department; otherwise the general terms and those of the regions (and their
        ancestors) of the user's own departments, so another region's wording is never
        offered (the rule `terms_are_the_regions_in_force` still checks the pick)."""
        if reaches_all(user):
            return self
        regions = Region.objects.filter(departments__members=user).select_related("parent")
        lineage = {r.pk for region in regions for r in region.lineage()}
        return self.filter(models.Q(region__in=lineage) | models.Q(region__isnull=True))

    def grouped(self, *, region):
        """The terms in force in `region` now (`in_force`) in reading order, as
        [(heading, [terms])]: the general terms first (in their `order`), then those of
        classification items by code, one group per 类 (two queries)."""
        # General terms: by `order`, then in the order the documents print them (a reading
        # order: 财政拨款收入 before 基本支出), never by code point.
        terms = self.in_force(region=region)
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
    """A term and its definition in a region from a year on; a term may explain one
    functional classification item."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("地区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="terms",
        help_text=_("使用该解释的地区（下级地区没有自己的解释时沿用）；全国通用的留空。"),
    )
    from_year = models.PositiveIntegerField(
        _("起始年度"),
        default=ALWAYS,
        validators=YEAR_VALIDATORS,
        help_text=_("自该年度起的公开文件使用这条解释；一直适用的保留2000。"),
    )
    name = models.CharField(_("名词"), max_length=100)
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
        ordering = ["order", "name", "region", "-from_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name", "from_year"], name="term_unique_name_in_region_year"
            ),
            # NULL regions are distinct to the constraint above: general terms need their own.
            models.UniqueConstraint(
                fields=["name", "from_year"],
                condition=models.Q(region__isnull=True),
                name="term_unique_general_name_year",
            ),
        ]

    def __str__(self):
        where = self.region.name if self.region_id else "通用"
        return f"{self.name}（{where}，{self.from_year}年起）"


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
