"""What changed between two versions of a disclosure, as a readable list for the public
revision history (figures before → after, texts changed).

Every part of a version is walked generically: each model that subclasses `DisclosurePart`
(whatever app holds it), each of its rows, each of its fields, labelled by the fields'
`verbose_name` — so a part added later is listed without touching this module. Only the
parts in `NOT_COMPARED` are left out, each for the reason given there."""

from datetime import date

from django.apps import apps
from django.db import models

from .models import DisclosurePart
from .money import MoneyField, format_wan

# The version's own fields that a correction can change (the rest is workflow bookkeeping:
# status, dates, checksum, the frozen snapshot …). The "stated none" flags (no_*) are added
# from the model, so a new one is never forgotten.
TEXT_FIELDS = [
    "income_change_reason",
    "basic_change_reason",
    "basic_uses",
    "project_change_reason",
    "official_expense_change_reason",
    "operating_cost_change_reason",
    "operating_cost_uses",
    "contact_name",
    "contact_phone",
    "index_number",
    "publisher",
]
MONEY_FIELDS = [
    "prior_basic",
    "prior_project",
    "operating_cost",
    "prior_operating_cost",
    "performance_amount",
    "procurement_sme_amount",
    "procurement_micro_amount",
]

# Parts deliberately not compared (model label → why). Anything else is.
NOT_COMPARED = {
    # Recorded anew for every version before it is published (a correction is not copied
    # with its predecessor's checks): who checked it and when is not a change of content.
    "budgets.disclosurecheck": "公开前审查每个版本重新记录，不属于公开内容的变化",
}
# Fields of a part that say where it belongs or stands, not what it says.
SKIPPED_FIELDS = {"id", "disclosure", "project", "order"}


def wan(value):
    return "—" if value is None else f"{format_wan(value)}万元"


def part_models():
    """Every model holding rows of a disclosure version, in registry order."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, DisclosurePart) and model._meta.label_lower not in NOT_COMPARED
    ]


def shown(row, field):
    """A field's value as the list shows it: money in 万元, choices by their label."""
    value = getattr(row, field.name)
    if value is None or value == "":
        return None
    if isinstance(field, MoneyField):
        return wan(value)
    if field.choices:
        return str(getattr(row, f"get_{field.name}_display")())
    if isinstance(field, models.BooleanField):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def label_of(field):
    """A field's verbose_name without the unit its value already carries."""
    return str(field.verbose_name).replace("（万元）", "")


def identities(model, rows):
    """Each row's name in the list: its __str__, told apart by its unique fields (or its
    position) where two rows read the same (two sources under one functional item)."""
    unique = next(
        (
            [name for name in c.fields if name != "disclosure"]
            for c in model._meta.constraints
            if isinstance(c, models.UniqueConstraint) and c.fields
        ),
        [],
    )
    names = [str(row) for row in rows]
    result = []
    for position, (row, name) in enumerate(zip(rows, names, strict=True), start=1):
        if names.count(name) > 1:
            extra = "·".join(str(getattr(row, field) or "") for field in unique)
            name = f"{name}（{extra or position}）"
        result.append(name)
    return result


def said_by(name, field, value):
    """Whether a row's name already says this field's value (a bare count such as "5" is
    never taken as said, whatever digits the name holds)."""
    if value is None or isinstance(field, models.IntegerField | models.BooleanField):
        return False
    return value in name


def part_rows(disclosure, model):
    """{label: shown value} for every field of every row of one part of the version."""
    fields = [field for field in model._meta.concrete_fields if field.name not in SKIPPED_FIELDS]
    related = [  # what the rows' names and values read: their references and theirs
        path
        for field in fields
        if field.many_to_one
        for path in [
            field.name,
            *(
                f"{field.name}__{further.name}"
                for further in field.related_model._meta.concrete_fields
                if further.many_to_one
            ),
        ]
    ]
    rows = list(model._default_manager.filter(disclosure=disclosure).select_related(*related))
    flat = {}
    title = str(model._meta.verbose_name)
    for row, name in zip(rows, identities(model, rows), strict=True):
        # A field the row's name already says (its source, category, key) is not repeated:
        # when it changes, the row is listed under its new name.
        values = {
            label_of(field): value
            for field in fields
            if not said_by(name, field, value := shown(row, field))
        }
        for label, value in values.items():
            flat[f"{title}：{name}" + ("" if label == title else f" {label}")] = value
        if not values:
            flat[f"{title}：{name}"] = "列示"
    return flat


def flatten(disclosure, snapshot):
    """Every figure and text of a version as {label: shown value}, in document order."""
    d = disclosure
    flat = {}
    for model in part_models():
        flat.update(part_rows(d, model))
    for name in MONEY_FIELDS:
        flat[label_of(d._meta.get_field(name))] = wan(getattr(d, name))
    for field in d._meta.concrete_fields:
        if field.name.startswith("no_") and isinstance(field, models.BooleanField):
            flat[f"声明：{field.verbose_name}"] = "是" if getattr(d, field.name) else "否"
    for name in TEXT_FIELDS:
        flat[str(d._meta.get_field(name).verbose_name)] = getattr(d, name)
    for unit in snapshot.get("units", []):
        prefix = f"单位“{unit['name']}”"
        for number, duty in enumerate(unit["duties"], start=1):
            flat[f"{prefix}职责（{number}）"] = duty
        flat[f"{prefix}内设科室"] = "、".join(unit["sections"])
        for quota in unit["staffing"]:
            flat[f"{prefix}{quota['kind']}"] = f"{quota['count']}人"
    for term in snapshot.get("glossary", []):
        flat[f"名词“{term['name']}”"] = term["definition"]
    return flat


def diff(before, after):
    """[{label, before, after}] for every label whose value differs; '—' where absent."""
    labels = list(after) + [label for label in before if label not in after]
    return [
        {"label": label, "before": before.get(label) or "—", "after": after.get(label) or "—"}
        for label in labels
        if (before.get(label) or "") != (after.get(label) or "")
    ]
