"""Reference data shipped with the project: funding sources, "三公" items, procurement
categories, vehicle kinds, and the functional and economic classifications by year
(`budgets/data/functional-YYYY.csv`, `economic-YYYY.csv`, columns `code,name`).

`install(apps)` is idempotent; migrations call it with historical models, and a new year's
classification is added by dropping its CSV files in `budgets/data/` and running
`manage.py load_reference_data`.
"""

import csv
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
# (name, parent name): narrative order; the group item comes last.
OFFICIAL_EXPENSE_ITEMS = [
    ("因公出国（境）费", None),
    ("公务接待费", None),
    ("公务用车运行维护费", "公务用车购置及运行维护费"),
    ("公务用车购置费", "公务用车购置及运行维护费"),
]
PROCUREMENT_CATEGORIES = ["货物", "工程", "服务"]
VEHICLE_KINDS = ["一般公务用车", "执勤执法用车", "特种专业技术用车", "其他用车"]


def read_classification(kind, year):
    """Rows (code, name) of `budgets/data/{kind}-{year}.csv`."""
    with open(DATA_DIR / f"{kind}-{year}.csv", encoding="utf-8", newline="") as handle:
        return [(row["code"].strip(), row["name"].strip()) for row in csv.DictReader(handle)]


def classification_years(kind):
    return sorted(int(path.stem.rsplit("-", 1)[1]) for path in DATA_DIR.glob(f"{kind}-*.csv"))


def install_classifications(model, kind):
    """Create or rename the items of every shipped year; returns how many rows changed."""
    changed = 0
    for year in classification_years(kind):
        existing = {item.code: item for item in model.objects.filter(year=year)}
        for code, name in read_classification(kind, year):
            item = existing.get(code)
            if item is None:
                model.objects.create(year=year, code=code, name=name)
                changed += 1
            elif item.name != name:
                item.name = name
                item.save(update_fields=["name"])
                changed += 1
    return changed


def install(apps):
    """Install or refresh every kind of reference data (safe to run again)."""
    IncomeSource = apps.get_model("budgets", "IncomeSource")
    for order, (code, name, appropriation) in enumerate(INCOME_SOURCES, start=1):
        IncomeSource.objects.update_or_create(
            code=code, defaults={"name": name, "is_appropriation": appropriation, "order": order}
        )
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
    for model_name, names in (
        ("ProcurementCategory", PROCUREMENT_CATEGORIES),
        ("VehicleKind", VEHICLE_KINDS),
    ):
        model = apps.get_model("budgets", model_name)
        for order, name in enumerate(names, start=1):
            model.objects.update_or_create(name=name, defaults={"order": order})
    install_classifications(apps.get_model("budgets", "FunctionalItem"), "functional")
    install_classifications(apps.get_model("budgets", "EconomicItem"), "economic")
