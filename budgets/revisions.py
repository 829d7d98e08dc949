"""What changed between two versions of a disclosure, as a readable list for the public
revision history (figures before → after, texts changed)."""

from .money import format_wan

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


def wan(value):
    return "—" if value is None else f"{format_wan(value)}万元"


def flatten(disclosure, snapshot):
    """Every figure and text of a version as {label: shown value}, in document order."""
    d, f = disclosure, disclosure.figures
    flat = {}
    for line in f.income_lines:
        flat[f"收入：{line.source.name}"] = wan(line.amount)
        flat[f"收入：{line.source.name}（上年）"] = wan(line.prior_amount)
    for line in f.expenditure_lines:
        item = line.functional_item
        label = f"支出（{line.source.name}）：{f'{item.code} {item.name}' if item else '不分科目'}"
        if line.is_split:
            flat[f"{label} 基本支出"] = wan(line.basic)
            flat[f"{label} 项目支出"] = wan(line.project)
        else:
            flat[f"{label} 合计"] = wan(line.total)
    flat["上年基本支出"] = wan(d.prior_basic)
    flat["上年项目支出"] = wan(d.prior_project)
    for line in f.basic_lines:
        flat[f"基本支出（经济分类）：{line.economic_item.code} {line.economic_item.name}"] = wan(
            line.amount
        )
    for project in f.key_projects:
        flat[f"重点项目{project.order}"] = project.name + (
            "" if project.amount is None else f"（{wan(project.amount)}）"
        )
    for line in f.official_expense_lines:
        flat[f"“三公”经费：{line.item.name}"] = wan(line.amount)
        flat[f"“三公”经费：{line.item.name}（上年）"] = wan(line.prior_amount)
        flat[f"“三公”经费：{line.item.name} 增减原因"] = line.change_reason
    flat["机关运行经费"] = wan(d.operating_cost)
    flat["上年机关运行经费"] = wan(d.prior_operating_cost)
    flat["实行绩效目标管理的项目支出"] = wan(d.performance_amount)
    for line in f.procurement_lines:
        flat[f"政府采购：{line.source.name}·{line.category.name}"] = wan(line.amount)
    for line in f.vehicle_lines:
        flat[f"车辆：{line.kind.name} 实有"] = f"{line.held}辆"
        flat[f"车辆：{line.kind.name} 拟购置"] = f"{line.planned}辆"
    flat["面向中小企业预留"] = wan(d.procurement_sme_amount)
    flat["其中面向小微企业预留"] = wan(d.procurement_micro_amount)
    for line in f.equipment_lines:
        flat[f"设备：{line.category}（单位价值{wan(line.threshold)}以上）"] = (
            f"{line.count}台（套）"
        )
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
