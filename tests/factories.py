"""Small builders for test data: a region → department → units → disclosure chain in one call."""

from decimal import Decimal

from budgets.models import (
    ClassificationScheme,
    ClassificationVersion,
    Disclosure,
    ExpenditureLine,
    FunctionalItem,
    IncomeLine,
    IncomeSource,
    KeyProject,
    OfficialExpenseItem,
    OfficialExpenseLine,
)
from budgets.workflow import record_publication
from glossary.models import DisclosureTerm, Term
from organizations.models import (
    Department,
    Duty,
    Region,
    Section,
    StaffingKind,
    StaffingQuota,
    Unit,
    UnitYear,
)


def region(name="测试市", parent=None, level=Region.Level.CITY):
    return Region.objects.get_or_create(name=name, parent=parent, defaults={"level": level})[0]


def department(name="测试局", region_=None, **kwargs):
    return Department.objects.create(region=region_ or region(), name=name, **kwargs)


def unit_with_year(
    department_, year, name=None, duties=2, sections=1, relation=Unit.Relation.SUBORDINATE
):
    unit = Unit.objects.create(
        department=department_,
        name=name or f"{department_.name}单位{department_.units.count() + 1}",
        relation=relation,
    )
    unit_year = UnitYear.objects.create(unit=unit, year=year)
    for i in range(1, duties + 1):
        Duty.objects.create(unit_year=unit_year, order=i, text=f"职责第{i}条。")
    for i in range(1, sections + 1):
        Section.objects.create(unit_year=unit_year, order=i, name=f"第{i}科")
    StaffingQuota.objects.create(
        unit_year=unit_year, kind=StaffingKind.objects.get_or_create(name="事业编制")[0], count=5
    )
    return unit


def item(code, year=2025, name=None):
    """The functional item `code` of the year's annual list, added to it if missing."""
    version = ClassificationVersion.objects.annual(ClassificationScheme.FUNCTIONAL, year)
    return FunctionalItem.objects.get_or_create(
        version=version, code=code, defaults={"name": name or f"科目{code}"}
    )[0]


def source(code="general_budget"):
    return IncomeSource.objects.get(code=code)


def disclosure(department_=None, year=2025, published=True, lines=(), income=None, **kwargs):
    """A department disclosure, published unless `published=False`; `lines` are
    (code, basic, project) in 万元 from 一般公共预算. Income defaults to the lines' total."""
    department_ = department_ or department()
    d = Disclosure.objects.create(department=department_, year=year, **kwargs)
    for code, basic, project in lines:
        ExpenditureLine.objects.create(
            disclosure=d,
            source=source(),
            functional_item=item(code, year),
            basic=Decimal(basic),
            project=Decimal(project),
        )
    if income is None:
        income = sum((Decimal(b) + Decimal(p) for _, b, p in lines), Decimal(0))
    IncomeLine.objects.create(disclosure=d, source=source(), amount=Decimal(income))
    return record_publication(disclosure=d) if published else d


def grow(d, n):
    """Add n more of every repeated thing a disclosure page shows (d must be a draft)."""
    department_ = d.department
    for i in range(n):
        unit_with_year(
            department_, d.year, name=f"{department_.name}附加单位{i}", duties=3, sections=2
        )
        KeyProject.objects.create(disclosure=d, order=1000 + i, name=f"附加项目{i}")
        term = Term.objects.create(name=f"附加名词{d.pk}-{i}", definition="解释。")
        DisclosureTerm.objects.create(disclosure=d, term=term, order=1000 + i)
    for extra in OfficialExpenseItem.objects.filter(children__isnull=True).exclude(
        officialexpenseline__disclosure=d
    )[:n]:
        OfficialExpenseLine.objects.create(
            disclosure=d, item=extra, amount=Decimal("1.5"), prior_amount=Decimal(1)
        )
    return d
