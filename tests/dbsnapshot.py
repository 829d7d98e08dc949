"""Load shared data once per test session and replay it cheaply in every test that needs it.

Loading the reference disclosure through its data file runs the loader, the rules and the
publication (about 900 queries). `capture()` runs a loader once inside a transaction that is
rolled back, and keeps what it did to every table as plain rows: rows added, rows changed and
rows deleted. `replay()` writes those rows back with one INSERT per table inside the test's
own transaction, so each test still starts from, and rolls back to, the same database.

Rows of a published version cannot be inserted (the database's guard refuses them,
budgets/published_guard.py): disclosures are written as drafts first and given their
recorded status once their parts are in. Foreign keys are deferred on both databases, so
tables are written in any order.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction

from budgets.published_guard import DISCLOSURE, PUBLISHED


def _models():
    return [m for m in apps.get_models(include_auto_created=True) if not m._meta.proxy]


def _rows(model):
    """The table's rows as {pk: values}, values in concrete-field order, as Python values."""
    names = [f.attname for f in model._meta.concrete_fields]
    return {
        row[names.index(model._meta.pk.attname)]: row
        for row in model._base_manager.values_list(*names)
    }


@dataclass
class TableChange:
    model: type
    added: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    deleted: list = field(default_factory=list)


@dataclass
class Snapshot:
    changes: list
    result: object  # what the loader returned, as (model label, pk) where it is a model instance
    baseline: dict  # rows per table before the load: replay needs the same starting point

    def fits(self):
        """Are the tables the replay writes in the state the load started from? Not if the
        database was flushed, or if the test wrote rows in one of them before asking for the
        snapshot (their keys could collide). Rows elsewhere (a user logged in first) are fine."""
        return all(
            change.model._base_manager.count() == self.baseline[change.model]
            for change in self.changes
        )


def capture(load):
    """Run `load()` in a rolled-back transaction and keep its effect on every table."""
    models = _models()
    with transaction.atomic():
        before = {model: _rows(model) for model in models}
        result = load()
        changes = []
        for model in models:
            old, new = before[model], _rows(model)
            change = TableChange(
                model,
                added=[row for pk, row in new.items() if pk not in old],
                changed=[row for pk, row in new.items() if pk in old and old[pk] != row],
                deleted=[pk for pk in old if pk not in new],
            )
            if change.added or change.changed or change.deleted:
                changes.append(change)
        transaction.set_rollback(True)
    if hasattr(result, "_meta"):
        result = (result._meta.label, result.pk)
    baseline = {model: len(rows) for model, rows in before.items()}
    return Snapshot(changes, result, baseline)


def _q(name):
    return connection.ops.quote_name(name)


def _write(cursor, change, disclosure_model, published):
    """Write one table's captured rows; note published disclosures, written as drafts."""
    model = change.model
    fields = model._meta.concrete_fields
    table, pk = _q(model._meta.db_table), _q(model._meta.pk.column)
    at = [f.primary_key for f in fields].index(True)
    status = [f.attname for f in fields].index("status") if model is disclosure_model else None

    def prepared(row):
        values = [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
        if status is not None and row[status] == PUBLISHED:
            published.append(row[at])
            values[status] = "draft"
        return values

    if change.deleted:
        cursor.executemany(f"DELETE FROM {table} WHERE {pk} = %s", [[p] for p in change.deleted])
    if change.changed:
        sets = ", ".join(f"{_q(f.column)} = %s" for f in fields)
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE {pk} = %s",
            [prepared(row) + [row[at]] for row in change.changed],
        )
    if change.added:
        columns = ", ".join(_q(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",
            [prepared(row) for row in change.added],
        )


def replay(snapshot):
    """Write the captured rows into the current database; return the loader's result."""
    disclosure_model = apps.get_model(*DISCLOSURE)
    published = []
    with connection.cursor() as cursor:
        for change in snapshot.changes:
            _write(cursor, change, disclosure_model, published)
        if published:
            status = _q(disclosure_model._meta.get_field("status").column)
            cursor.executemany(
                f"UPDATE {_q(disclosure_model._meta.db_table)} SET {status} = %s"
                f" WHERE {_q(disclosure_model._meta.pk.column)} = %s",
                [[PUBLISHED, pk] for pk in published],
            )
    if isinstance(snapshot.result, tuple):
        label, pk = snapshot.result
        return apps.get_model(label)._base_manager.get(pk=pk)
    return snapshot.result
