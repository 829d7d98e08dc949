"""The parts of a narrative that are either filled or stated as none (不填写不等于零):
declared once here. A region's template row lists which of them it prints
(`NarrativeTemplate.parts`); the rule `parts_are_filled` and the admin read this list, and
each template words the filled part, its "none" sentence and, in the preview only, “（未填写）”."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NarrativePart:
    key: str
    label: str
    anchor: str  # the field or line group the contact person fills (the admin links to it)
    none_field: str  # the Disclosure flag that states the part as none; "" if it cannot be
    filled: Callable  # disclosure -> bool: the part has data


def has_fund(source_code):
    """A fund budget (政府性基金, 国有资本经营) is filled when any income or expenditure line of
    that source is entered (0 included: the template then says there is no spending)."""

    def filled(d):
        f = d.figures
        return any(
            line.source.code == source_code and line.amount is not None
            for line in f.income_lines + f.expenditure_lines
        )

    return filled


PARTS = (
    NarrativePart(
        "official_expenses",
        "“三公”经费",
        "official_expense_lines",
        "no_official_expenses",
        lambda d: bool(d.figures.official_expense_lines),
    ),
    NarrativePart(
        "operating_cost",
        "机关运行经费",
        "operating_cost",
        "no_operating_cost",
        lambda d: d.operating_cost is not None,
    ),
    NarrativePart(
        "procurement",
        "政府采购",
        "procurement_lines",
        "no_procurement",
        lambda d: bool(d.figures.procurement_lines),
    ),
    NarrativePart(
        "performance",
        "绩效目标",
        "performance_amount",
        "no_performance",
        lambda d: d.figures.performance is not None,  # typed, or computed from targets
    ),
    NarrativePart(
        "vehicles",
        "车辆",
        "vehicle_lines",
        "no_vehicles",
        lambda d: bool(d.figures.vehicle_lines),
    ),
    NarrativePart(
        "government_fund",
        "政府性基金预算",
        "income_lines",
        "no_government_fund",
        has_fund("government_fund"),
    ),
    NarrativePart(
        "state_capital",
        "国有资本经营预算",
        "income_lines",
        "no_state_capital",
        has_fund("state_capital"),
    ),
    NarrativePart(
        "contact",
        "公开联系人",
        "contact_name",
        "",
        lambda d: bool(d.contact_name.strip() and d.contact_phone.strip()),
    ),
)
BY_KEY = {part.key: part for part in PARTS}
CHOICES = [(part.key, part.label) for part in PARTS]


def all_parts():
    """Every part: what a template row prints unless it says otherwise."""
    return [part.key for part in PARTS]


def printed_by(template):
    """The parts `template` prints; with no template row, the default template prints all."""
    keys = template.parts if template is not None else all_parts()
    return [BY_KEY[key] for key in keys if key in BY_KEY]
