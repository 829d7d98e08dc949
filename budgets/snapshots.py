"""What a disclosure page shows besides its own lines (the units' duties, sections and
staffing; the glossary) as plain data. While a version is open it is read live; at
publication it is frozen into `Disclosure.frozen`, so later edits of shared records (a unit's
duties, a term's definition) never change a published version.

Apps that hold such shared records (the glossary) register a provider here."""

from django.db.models import Prefetch

from organizations.models import StaffingQuota, Unit, UnitYear

providers = {}


def provider(key):
    """Register `func(disclosure) -> JSON-able value` as the snapshot's entry `key`."""

    def register(func):
        providers[key] = func
        return func

    return register


def live_snapshot(disclosure):
    """The snapshot as it would be frozen now."""
    return {key: func(disclosure) for key, func in providers.items()}


def snapshot_of(disclosure):
    """The frozen snapshot of a published version, else the live one."""
    return disclosure.frozen if disclosure.frozen is not None else live_snapshot(disclosure)


@provider("units")
def units_data(disclosure):
    """The units a disclosure describes with their duties, sections and staffing that year
    (a unit without a record for the year did not exist then; the rules flag a missing one),
    each after its parent (二级 under 一级), with its `depth` and its `parent`'s name."""
    units = Unit.objects.filter(
        department_id=disclosure.department_id, years__year=disclosure.year
    ).select_related("kind", "parent")
    if disclosure.unit_id:
        units = units.filter(pk=disclosure.unit_id)
    years = UnitYear.objects.filter(year=disclosure.year).prefetch_related(
        "duties",
        "sections",
        Prefetch("staffing", queryset=StaffingQuota.objects.select_related("kind")),
    )
    units = list(units.prefetch_related(Prefetch("years", queryset=years, to_attr="that_year")))
    return [
        {
            "name": unit.name,
            "is_own_office": unit.is_own_office,
            "relation": unit.get_relation_display() if unit.relation else "",
            "kind": unit.kind.name if unit.kind else "",
            "kind_order": unit.kind.order if unit.kind else 0,
            "count": unit.count,
            "parent": unit.parent.name if unit.parent else "",
            "depth": depth,
            "funding": unit.get_funding_display() if unit.funding else "",
            "rank": unit.rank,
            "merged_into_parent": unit.merged_into_parent,
            "preamble": unit.that_year[0].duties_preamble,
            "duties": [duty.text for duty in unit.that_year[0].duties.all()],
            "sections": [section.name for section in unit.that_year[0].sections.all()],
            "staffing": [
                {"kind": q.kind.name, "count": q.count} for q in unit.that_year[0].staffing.all()
            ],
        }
        for unit, depth in parents_first(units)
    ]


def parents_first(units):
    """(unit, depth) with each unit right after its parent and its earlier siblings' own
    children; a unit whose parent is not listed counts as a top one."""
    listed = {unit.pk for unit in units}
    children = {}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in listed else None
        children.setdefault(parent, []).append(unit)

    def walk(parent, depth):
        for unit in children.get(parent, []):
            yield unit, depth
            yield from walk(unit.pk, depth + 1)

    return list(walk(None, 0))


@provider("classification_names")
def classification_names(disclosure):
    """The names of the codes the page shows (each line's item and the 类/款 its table rolls
    up to) as they stand at publication, so renaming a reference item never changes a
    published page. The figures read them back (`DisclosureFigures`)."""
    f = disclosure.figures
    functional = dict(f.item_names)
    functional.update(
        (line.functional_item.code, line.functional_item.name) for line in f.classified_lines
    )
    economic = {line.economic_item.code: line.economic_item.name for line in f.basic_lines}
    return {"functional": functional, "economic": economic}
