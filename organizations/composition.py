"""A department's composition (单位构成) from its units as a disclosure's snapshot lists
them (plain dicts, see budgets.snapshots.units_data): the units nested under their parents,
and the counts by kind, computed, never typed. The wording is the region's template's."""

from dataclasses import dataclass


@dataclass(frozen=True)
class KindCount:
    kind: str
    count: int


def unit_tree(units):
    """The units nested under their parents (二级, 三级 …): the top ones, each with its
    `children` (a new dict per unit; the snapshot's own dicts are left as they are)."""
    nodes = [{**unit, "children": []} for unit in units]
    by_name = {node["name"]: node for node in nodes}
    roots = []
    for node in nodes:
        parent = by_name.get(node.get("parent") or "")
        (parent["children"] if parent is not None and parent is not node else roots).append(node)
    return roots


def counts_by_kind(units):
    """How many units of each kind (a group of N units counts N), in the kinds' order; units
    whose kind the document does not state are counted in the total only."""
    counts, order = {}, {}
    for unit in units:
        if unit.get("kind"):
            counts[unit["kind"]] = counts.get(unit["kind"], 0) + unit.get("count", 1)
            order[unit["kind"]] = unit.get("kind_order", 0)
    return [KindCount(kind, counts[kind]) for kind in sorted(counts, key=lambda k: (order[k], k))]


def composition(units):
    """What a template's 单位构成 part reads: the tree, the counts by kind, the total, and
    the units whose budget is merged into their parent's (不单列预算)."""
    return {
        "tree": unit_tree(units),
        "by_kind": counts_by_kind(units),
        "total": sum(unit.get("count", 1) for unit in units),
        "merged": [unit for unit in units if unit.get("merged_into_parent")],
    }
