"""Reference data shipped with the project: funding sources, "三公" items, procurement
categories, vehicle kinds, kinds of unit, and the classification lists (`budgets/data/*.csv`: functional,
部门预算 and 政府预算 economic, one file per list version; each file's header lines name its
classification, year, effective date, notice number, source and coverage; see
budgets/data/README.md).

`install(apps)` is idempotent; migrations call it with historical models, and a new list
(a year's, or an in-year revision) is added by dropping its file in `budgets/data/` and running
`manage.py load_reference_data`.
"""

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# (code, name, is_appropriation): the income table's columns in the reference's order.
INCOME_SOURCES = [
    ("general_budget", "一般公共预算拨款", True),
    ("government_fund", "政府性基金预算拨款", True),
    ("state_capital", "国有资本经营预算收入", True),
    ("public_institution", "事业收入", False),
    ("operating", "事业单位经营收入", False),
    ("other", "其他收入", False),
    ("carried_over", "上年结转", False),
]
# Last year's unspent appropriations, one source per fund (code, name, fund's code): the
# 财政拨款收支总表 counts them as income of that fund, whose lines pay what they fund. Not
# 财政拨款 themselves (财政拨款收入 is this year's), so they follow the sources above.
CARRY_OVER_SOURCES = [
    ("carried_over_general_budget", "上年结转（一般公共预算拨款）", "general_budget"),
    ("carried_over_government_fund", "上年结转（政府性基金预算拨款）", "government_fund"),
    ("carried_over_state_capital", "上年结转（国有资本经营预算收入）", "state_capital"),
]
# (name, parent name): narrative order; the group item comes last.
OFFICIAL_EXPENSE_ITEMS = [
    ("因公出国（境）费", None),
    ("公务接待费", None),
    ("公务用车运行维护费", "公务用车购置及运行维护费"),
    ("公务用车购置费", "公务用车购置及运行维护费"),
]
PROCUREMENT_CATEGORIES = ["货物", "工程", "服务"]
# Vehicle kinds of the national list (eight): (code, name, order, first_year, unverified).
# The orders are fixed numbers, so adding a kind never moves another; a renamed kind is a
# new entry with the same code and order and the year its name starts (the old entry gets
# its last year in `VEHICLE_KIND_LAST_YEARS`). Unsure names are marked unverified (待核实):
# 主要负责人用车 and 离退休干部服务用车 are taken from final-accounts tables, not yet checked
# against the Ministry's text; the 党政机关公务用车管理办法 spells 执法执勤用车 where the
# reference document and DOMAIN.md write 执勤执法用车 (kept, as the reference prints it).
VEHICLE_KINDS = [
    ("general", "一般公务用车", 10, None, False),
    ("principal", "主要负责人用车", 20, None, True),
    ("confidential", "机要通信用车", 30, None, False),
    ("emergency", "应急保障用车", 40, None, False),
    ("law_enforcement", "执勤执法用车", 50, None, False),
    ("special", "特种专业技术用车", 60, None, False),
    ("retired", "离退休干部服务用车", 70, None, True),
    ("other", "其他用车", 80, None, False),
]
VEHICLE_KIND_LAST_YEARS = {}  # name -> last year it is used, once a later name replaces it
# 一级 → its 二级 performance indicators (the 项目支出绩效目标表's first two columns).
INDICATOR_LEVELS = {
    "产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"],
    "效益指标": ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
    "满意度指标": ["服务对象满意度指标"],
}


SCHEMES = {
    "支出功能分类": ("functional", "FunctionalItem"),
    "部门预算支出经济分类": ("economic", "EconomicItem"),
    "政府预算支出经济分类": ("government_economic", "EconomicItem"),
}


@dataclass
class ClassificationList:
    """One list file: its header (`# 键: 值` lines) and its rows (code, name, unverified)."""

    path: Path
    scheme: str
    model_name: str
    year: int
    effective_on: date
    document: str
    source: str
    rows: list


def read_list(path):
    """Parse a list file of `budgets/data/` (header comment lines, then `code,name,unverified`)."""
    meta, lines = {}, []
    with open(path, encoding="utf-8", newline="") as handle:
        for line in handle:
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                meta[key.strip()] = value.strip()
            else:
                lines.append(line)
    scheme, model_name = SCHEMES[meta["分类"]]
    rows = [
        (row["code"].strip(), row["name"].strip(), (row.get("unverified") or "").strip() == "1")
        for row in csv.DictReader(lines)
    ]
    return ClassificationList(
        path=path,
        scheme=scheme,
        model_name=model_name,
        year=int(meta["年度"]),
        effective_on=date.fromisoformat(meta["生效日期"]),
        document=meta.get("文号", ""),
        source="；".join(v for v in (meta.get("来源"), meta.get("范围")) if v),
        rows=rows,
    )


def shipped_lists():
    """Every list file shipped in `budgets/data/`, in file-name order."""
    return [read_list(path) for path in sorted(DATA_DIR.glob("*.csv"))]


def install_list(apps, listed):
    """Create the list's version if missing and add or rename its items in bulk (never
    deletes: a line may use an item a later file no longer has). Returns rows changed."""
    Version = apps.get_model("budgets", "ClassificationVersion")
    model = apps.get_model("budgets", listed.model_name)
    version, created = Version.objects.get_or_create(
        scheme=listed.scheme,
        year=listed.year,
        effective_on=listed.effective_on,
        defaults={"document": listed.document, "source": listed.source},
    )
    changed = int(created)
    if (version.document, version.source) != (listed.document, listed.source):
        version.document, version.source = listed.document, listed.source
        version.save(update_fields=["document", "source"])
        changed += 1
    # Plain tuples, not model instances: the lists hold thousands of rows and tests run
    # this for every test that asks for the reference data.
    existing = {
        code: (pk, name, unverified)
        for pk, code, name, unverified in model.objects.filter(version=version).values_list(
            "pk", "code", "name", "unverified"
        )
    }
    new, renamed = [], []
    for code, name, unverified in listed.rows:
        stored = existing.get(code)
        if stored is None:
            new.append(
                model(
                    version=version, year=version.year, code=code, name=name, unverified=unverified
                )
            )
        elif stored[1:] != (name, unverified):
            renamed.append(model(pk=stored[0], name=name, unverified=unverified))
    model.objects.bulk_create(new, batch_size=1000)
    model.objects.bulk_update(renamed, ["name", "unverified"], batch_size=1000)
    return changed + len(new) + len(renamed)


def install_classifications(apps):
    """Install or refresh every shipped classification list; returns how many rows changed."""
    return sum(install_list(apps, listed) for listed in shipped_lists())


def install(apps):
    """Install or refresh every kind of reference data (safe to run again)."""
    install_lists(apps)
    install_indicator_levels(apps)
    install_unit_kinds(apps)
    return install_classifications(apps)


def install_lists(apps):
    """Funding sources, "三公" items, procurement categories and vehicle kinds."""
    IncomeSource = apps.get_model("budgets", "IncomeSource")
    for order, (code, name, appropriation) in enumerate(INCOME_SOURCES, start=1):
        IncomeSource.objects.update_or_create(
            code=code, defaults={"name": name, "is_appropriation": appropriation, "order": order}
        )
    install_carry_over_sources(apps)
    OfficialExpenseItem = apps.get_model("budgets", "OfficialExpenseItem")
    groups = {}
    for order, (name, group) in enumerate(OFFICIAL_EXPENSE_ITEMS, start=1):
        parent = None
        if group:
            parent = (
                groups.get(group)
                or OfficialExpenseItem.objects.update_or_create(
                    name=group, defaults={"order": len(OFFICIAL_EXPENSE_ITEMS) + 1}
                )[0]
            )
            groups[group] = parent
        OfficialExpenseItem.objects.update_or_create(
            name=name, defaults={"order": order, "parent": parent}
        )
    ProcurementCategory = apps.get_model("budgets", "ProcurementCategory")
    for order, name in enumerate(PROCUREMENT_CATEGORIES, start=1):
        ProcurementCategory.objects.update_or_create(name=name, defaults={"order": order})
    install_vehicle_kinds(apps)


def install_carry_over_sources(apps):
    """The per-fund 上年结转 sources, after the sources they carry over. An early
    migration's model has no `carries_over`: it gets them from the migration that adds it."""
    IncomeSource = apps.get_model("budgets", "IncomeSource")
    if not any(f.name == "carries_over" for f in IncomeSource._meta.get_fields()):
        return
    funds = {s.code: s for s in IncomeSource.objects.filter(is_appropriation=True)}
    for order, (code, name, fund) in enumerate(CARRY_OVER_SOURCES, start=len(INCOME_SOURCES) + 1):
        if fund in funds:
            IncomeSource.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "is_appropriation": False,
                    "carries_over": funds[fund],
                    "order": order,
                },
            )


def install_vehicle_kinds(apps):
    """The national list of vehicle kinds, each under the name of its years. An early
    migration's model has only name and order: the fields it lacks are left out."""
    VehicleKind = apps.get_model("budgets", "VehicleKind")
    known = {field.name for field in VehicleKind._meta.get_fields()}
    for code, name, order, first_year, unverified in VEHICLE_KINDS:
        values = {
            "code": code,
            "order": order,
            "first_year": first_year,
            "last_year": VEHICLE_KIND_LAST_YEARS.get(name),
            "unverified": unverified,
        }
        VehicleKind.objects.update_or_create(
            name=name, defaults={k: v for k, v in values.items() if k in known}
        )


def install_unit_kinds(apps):
    """The kinds of unit (单位性质, organizations.UNIT_KINDS), in their counting order; a
    kind already stored keeps the order given to it in the admin."""
    from organizations.models import UNIT_KINDS

    UnitKind = apps.get_model("organizations", "UnitKind")
    for order, name in enumerate(UNIT_KINDS, start=1):
        UnitKind.objects.get_or_create(name=name, defaults={"order": order * 10})


def install_indicator_levels(apps):
    """一级 and 二级 performance indicators, in the order the target tables print them."""
    IndicatorLevel = apps.get_model("budgets", "IndicatorLevel")
    order = 0
    for first, seconds in INDICATOR_LEVELS.items():
        order += 1
        parent = IndicatorLevel.objects.update_or_create(
            name=first, parent=None, defaults={"order": order}
        )[0]
        for second in seconds:
            order += 1
            IndicatorLevel.objects.update_or_create(
                name=second, parent=parent, defaults={"order": order}
            )
