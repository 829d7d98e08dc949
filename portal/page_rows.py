"""The row a published version's public page is framed with, read in one written-out
statement (issue 12): the version's own columns that the frame shows, its department, the
department's region and up to three ancestors, and its unit. Compiling the same query through
the ORM (six joined tables, `select_related` four levels deep) took longer than running it
and rendering the frame together; here the ORM only converts the values (`raw()`). The
checks printed on the page are read the same way."""

import functools

from django.db import connection

from budgets.models import Disclosure, DisclosureCheck
from organizations.models import Department, Region, Unit

# What the frame reads of the version (its stored body included; the frozen snapshot and the
# amounts are the body's, already rendered).
COLUMNS = (
    "id", "department_id", "unit_id", "year", "kind", "status", "revision",
    "correction_reason", "changes", "published_body", "pdf", "pdf_checksum",
    "npc_approved_on", "finance_approved_on", "published_on", "index_number", "publisher",
)  # fmt: skip
REGION_LEVELS = 4  # the region and three ancestors, as `select_related` reached before


@functools.cache
def _sql(vendor):
    """The statement; `vendor` only keys the cache (quoting is the backend's)."""
    q = connection.ops.quote_name
    table = {model: q(model._meta.db_table) for model in (Disclosure, Department, Region, Unit)}
    columns = [f"d.{q(Disclosure._meta.get_field(name).column)}" for name in COLUMNS]
    columns += ["p.name AS page_department_name", "p.region_id AS page_region_0_id"]
    joins = [
        f"INNER JOIN {table[Department]} p ON p.id = d.{q('department_id')}",
        f"INNER JOIN {table[Region]} r0 ON r0.id = p.region_id",
    ]
    for n in range(REGION_LEVELS):
        columns += [
            f"r{n}.name AS page_region_{n}_name",
            f"r{n}.parent_id AS page_region_{n}_parent",
        ]
        if n:
            joins.append(f"LEFT JOIN {table[Region]} r{n} ON r{n}.id = r{n - 1}.parent_id")
    columns.append("u.name AS page_unit_name")
    joins.append(f"LEFT JOIN {table[Unit]} u ON u.id = d.{q('unit_id')}")
    published = Disclosure.Status.PUBLISHED.value
    return (
        f"SELECT {', '.join(columns)} FROM {table[Disclosure]} d {' '.join(joins)} "
        f"WHERE d.id = %s AND d.{q('status')} = '{published}'"
    )


def _region_chain(row, alias):
    """The department's region with its loaded ancestors (a deeper one loads when read)."""
    region = child = None
    region_id = row.page_region_0_id
    for n in range(REGION_LEVELS):
        if region_id is None:
            break
        name, parent_id = (
            getattr(row, f"page_region_{n}_name"),
            getattr(row, f"page_region_{n}_parent"),
        )
        current = Region.from_db(alias, ["id", "name", "parent_id"], [region_id, name, parent_id])
        if child is None:
            region = current
        else:
            child.parent = current
        child, region_id = current, parent_id
    return region


def published_page_row(pk):
    """The published version `pk` with its department, region chain and unit attached (their
    other columns deferred), or None when `pk` is not a published version."""
    found = list(Disclosure.objects.raw(_sql(connection.vendor), [pk]))
    if not found:
        return None
    row = found[0]
    alias = row._state.db
    # from_db takes the values in the model's field order.
    department = Department.from_db(
        alias,
        ["id", "region_id", "name"],
        [row.department_id, row.page_region_0_id, row.page_department_name],
    )
    department.region = _region_chain(row, alias)
    row.department = department
    if row.unit_id is not None:
        row.unit = Unit.from_db(alias, ["id", "name"], [row.unit_id, row.page_unit_name])
    return row


@functools.cache
def _checks_sql(vendor):
    q = connection.ops.quote_name
    return (
        f"SELECT id, {q('disclosure_id')}, kind, conclusion FROM "
        f"{q(DisclosureCheck._meta.db_table)} WHERE {q('disclosure_id')} = %s ORDER BY kind"
    )


def page_checks(disclosure):
    """The checks printed on a version's page (kind and conclusion), in the order of kind."""
    return list(DisclosureCheck.objects.raw(_checks_sql(connection.vendor), [disclosure.pk]))
