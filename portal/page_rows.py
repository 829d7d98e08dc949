"""The row a published version's public page is framed with, read in one written-out
statement (issue 12): the version's own columns that the frame shows, its department, the
department's region and up to three ancestors, its unit, the checks printed on the page and
the page's state (the latest published revision of the same document, for the ETag and the
"已被更正" notice). Compiling the same query through the ORM (six joined tables,
`select_related` four levels deep) took longer than running it and rendering the frame
together; here the ORM only converts the values (`raw()`). One statement, not three: on
PostgreSQL each statement costs the server a parse and a plan, which under load was as much
CPU as the rest of the request."""

import functools
import json

from django.db import connection

from budgets.models import Disclosure, DisclosureCheck
from organizations.models import Department, Region, Unit

from .prepared import prepared

# What the frame reads of the version (its stored body included; the frozen snapshot and the
# amounts are the body's, already rendered).
COLUMNS = (
    "id", "department_id", "unit_id", "year", "kind", "status", "revision",
    "correction_reason", "changes", "published_body", "pdf", "pdf_checksum",
    "npc_approved_on", "finance_approved_on", "published_on", "published_at", "index_number",
    "publisher",
)  # fmt: skip
REGION_LEVELS = 4  # the region and three ancestors, as `select_related` reached before


def latest_revision_sql(table, column, version="d"):
    """A scalar subquery: `column` of the latest published revision of the document (same
    department, year, kind and unit) that the version aliased `version` belongs to. Written
    as a subquery per column, not a join, so the planner looks up the department's few
    versions by index instead of hashing the whole table."""
    published = Disclosure.Status.PUBLISHED.value
    return (
        f"(SELECT r.{column} FROM {table} r WHERE r.department_id = {version}.department_id "
        f"AND r.year = {version}.year AND r.kind = {version}.kind "
        f"AND COALESCE(r.unit_id, 0) = COALESCE({version}.unit_id, 0) "
        f"AND r.status = '{published}' ORDER BY r.revision DESC LIMIT 1)"
    )


def _checks_sql(vendor, q):
    """The version's checks as one JSON array of [id, kind, conclusion] (sorted on reading)."""
    checks = q(DisclosureCheck._meta.db_table)
    item, aggregate = (
        ("json_build_array", "json_agg")
        if vendor == "postgresql"
        else ("json_array", "json_group_array")
    )
    return (
        f"(SELECT {aggregate}({item}(c.id, c.kind, c.conclusion)) FROM {checks} c "
        f"WHERE c.{q('disclosure_id')} = d.id)"
    )


@functools.cache
def _sql(vendor):
    """The statement; `vendor` keys the cache and names the JSON functions."""
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
    columns.append(f"{latest_revision_sql(table[Disclosure], 'id')} AS page_latest_id")
    columns.append(f"{latest_revision_sql(table[Disclosure], 'published_at')} AS page_latest_at")
    columns.append(f"{_checks_sql(vendor, q)} AS page_checks_json")
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


@functools.cache
def _reading(vendor):
    """How COLUMNS become a Disclosure, worked out once per process (raw() does it for every
    query, which took longer than running the statement): the model's field order that
    `from_db` takes and each column's converters (SQLite returns dates and times as text)."""
    fields = {name: Disclosure._meta.get_field(name) for name in COLUMNS}
    model_order = [f.attname for f in Disclosure._meta.concrete_fields if f.attname in COLUMNS]
    table = Disclosure._meta.db_table
    converters = []
    for name in model_order:
        column = fields[name].get_col(table)
        found = connection.ops.get_db_converters(column) + fields[name].get_db_converters(
            connection
        )
        converters.append((COLUMNS.index(name), column, found))
    return model_order, converters


def _disclosure(alias, values):
    """The Disclosure of the statement's first len(COLUMNS) values, converted as the ORM does."""
    model_order, converters = _reading(connection.vendor)
    converted = []
    for index, column, found in converters:
        value = values[index]
        for converter in found:
            value = converter(value, column, connection)
        converted.append(value)
    return Disclosure.from_db(alias, model_order, converted)


def published_page_row(pk):
    """The published version `pk` with its department, region chain, unit and checks attached
    (their other columns deferred) and the state columns `page_latest_id`, `page_latest_at`,
    or None when `pk` is not a published version."""
    with prepared(), connection.cursor() as cursor:
        cursor.execute(_sql(connection.vendor), [pk])
        values = cursor.fetchone()
        names = [column[0] for column in cursor.description]
    if values is None:
        return None
    alias = connection.alias
    row = _disclosure(alias, values)
    for name, value in zip(names[len(COLUMNS) :], values[len(COLUMNS) :], strict=True):
        setattr(row, name, value)  # the frame's other columns, as raw() would set them
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
    checks = row.page_checks_json  # PostgreSQL: already a list (or NULL); SQLite: text
    if isinstance(checks, str):
        checks = json.loads(checks)
    fields = ["id", "disclosure_id", "kind", "conclusion"]
    row.checks_on_page = sorted(
        (
            DisclosureCheck.from_db(alias, fields, [check_id, row.pk, kind, text])
            for check_id, kind, text in checks or ()
        ),
        key=lambda check: check.kind,
    )
    return row


def page_checks(disclosure):
    """The checks printed on a version's page (kind and conclusion), in the order of kind: read
    with the row when it came from `published_page_row`, else queried."""
    read = getattr(disclosure, "checks_on_page", None)
    if read is not None:
        return read
    return list(
        disclosure.checks.only("id", "disclosure_id", "kind", "conclusion").order_by("kind")
    )
