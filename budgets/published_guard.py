"""The database's own guard of a published version: triggers on PostgreSQL and SQLite that
refuse INSERT, UPDATE and DELETE of the rows of a published disclosure, and UPDATE or DELETE
of the published `Disclosure` row itself (its frozen snapshot included).

The model layer (`Disclosure.save`, `DisclosurePart.save`, the querysets) refuses first with
a readable message; the triggers catch what skips it: `bulk_create`, raw SQL, a bug. Their
error carries the same Chinese message, and `readable_refusal()` turns it back into
`PublishedDisclosureError` where our code meets it.

A table is guarded by one migration operation, generated from its model:

    GuardPublished("IncomeLine")

SQLite rebuilds a table for many schema changes (AddField of a NOT NULL column, for one) and
the table's triggers go with it: a migration that alters a guarded table ends with
`GuardPublished(...)` for it again (the operation is idempotent). Rebuilding the disclosure
table itself also breaks the other tables' triggers, which name it: such a migration starts
with `UnguardPublished(...)` for every part table (`app_label=` for another app's) and ends
with `GuardPublished(...)` for each of them and for "Disclosure". A test compares the triggers
in the database with `guarded_models()`, so a forgotten one fails the suite.

History tables are not guarded: they record every change, publication included.
"""

from contextlib import contextmanager

from django.db import IntegrityError, migrations

# The same sentence as PublishedDisclosureError() (kept literal: migrations import this module
# before the models are ready); tests check that the two agree.
MESSAGE = "该文件已公开，不能修改或删除；如需更正，请发起更正，形成新的版本。"
PUBLISHED = "published"
DISCLOSURE = ("budgets", "Disclosure")


def _q(name):
    return '"' + name.replace('"', '""') + '"'


def _text(value):
    return "'" + value.replace("'", "''") + "'"


def _names(model, disclosure):
    """Table and column names of a guarded model, from its (migration-state) model."""
    is_disclosure = model._meta.label_lower == disclosure._meta.label_lower
    return {
        "table": model._meta.db_table,
        "disclosures": disclosure._meta.db_table,
        "id": disclosure._meta.pk.column,
        "status": disclosure._meta.get_field("status").column,
        "link": None if is_disclosure else model._meta.get_field("disclosure").column,
    }


def _trigger_names(table):
    return [f"{table}_published_guard_{op}" for op in ("insert", "update", "delete")]


def create_sql(vendor, model, disclosure):
    """The statements that install the guard of `model`'s table on `vendor`."""
    n = _names(model, disclosure)
    table, message = n["table"], _text(MESSAGE)

    def published(alias):
        # Does the row's version (alias NEW or OLD) exist and is it published?
        if n["link"] is None:
            return f"{alias}.{_q(n['status'])} = {_text(PUBLISHED)}"
        return (
            f"EXISTS (SELECT 1 FROM {_q(n['disclosures'])} WHERE {_q(n['id'])} = {alias}.{_q(n['link'])}"
            f" AND {_q(n['status'])} = {_text(PUBLISHED)})"
        )

    # A new Disclosure row may be inserted (never published yet in practice); a new row of a
    # published version may not. Updates are checked on both sides (a row moved in or out).
    conditions = {
        "insert": None if n["link"] is None else published("NEW"),
        "update": published("OLD")
        if n["link"] is None
        else f"{published('OLD')} OR {published('NEW')}",
        "delete": published("OLD"),
    }
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {_q(name)} BEFORE {op.upper()} ON {_q(table)} FOR EACH ROW "
            f"WHEN {condition} BEGIN SELECT RAISE(ABORT, {message}); END"
            for name, (op, condition) in zip(_trigger_names(table), conditions.items(), strict=True)
            if condition
        ]
    if vendor == "postgresql":
        function = _q(f"{table}_published_guard")
        checks = "\n".join(
            f"  IF TG_OP = {_text(op.upper())} AND ({condition}) THEN\n"
            f"    RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', "
            f"MESSAGE = {message};\n  END IF;"
            for op, condition in conditions.items()
            if condition
        )
        return [
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n{checks}\n  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;\n"
            f"  RETURN NEW;\nEND $$",
            f"CREATE TRIGGER {_q(_trigger_names(table)[0])} BEFORE INSERT OR UPDATE OR DELETE "
            f"ON {_q(table)} FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
    return []  # another backend: the model layer still guards


def drop_sql(vendor, model):
    """The statements that remove the guard of `model`'s table."""
    table = model._meta.db_table
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {_q(name)}" for name in _trigger_names(table)]
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {_q(_trigger_names(table)[0])} ON {_q(table)}",
            f"DROP FUNCTION IF EXISTS {_q(table + '_published_guard')}()",
        ]
    return []


class GuardPublished(migrations.operations.base.Operation):
    """Migration operation: install (or, backwards, remove) the guard on one model's table."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name, app_label=None):
        self.model_name, self.app_label = model_name, app_label

    def deconstruct(self):
        kwargs = {"app_label": self.app_label} if self.app_label else {}
        return (self.__class__.__qualname__, [self.model_name], kwargs)

    def state_forwards(self, app_label, state):
        pass  # triggers are not part of Django's model state

    def _run(self, app_label, schema_editor, state, make_sql):
        model = state.apps.get_model(self.app_label or app_label, self.model_name)
        disclosure = state.apps.get_model(*DISCLOSURE)
        vendor = schema_editor.connection.vendor
        for sql in make_sql(vendor, model, disclosure):
            schema_editor.execute(sql, params=None)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(app_label, schema_editor, to_state, lambda v, m, d: drop_sql(v, m))
        self._run(app_label, schema_editor, to_state, create_sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(app_label, schema_editor, from_state, lambda v, m, d: drop_sql(v, m))

    def describe(self):
        return f"Refuse writes to published versions in {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"guard_{self.model_name.lower()}"


class UnguardPublished(GuardPublished):
    """Migration operation: lift one table's guard until the same migration restores it."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(app_label, schema_editor, from_state, lambda v, m, d: drop_sql(v, m))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(app_label, schema_editor, to_state, create_sql)

    def describe(self):
        return f"Lift the published-version guard of {self.model_name} for this migration"

    @property
    def migration_name_fragment(self):
        return f"unguard_{self.model_name.lower()}"


def guarded_models():
    """Every model whose table carries the guard: Disclosure and each DisclosurePart."""
    from django.apps import apps

    from .models import Disclosure, DisclosurePart

    parts = [m for m in apps.get_models() if issubclass(m, DisclosurePart)]
    return [Disclosure, *parts]


@contextmanager
def suspended(connection):
    """Lift the guard while `connection` empties whole tables (`manage.py flush`, which the
    test suite runs between transactional tests). Only SQLite needs it: PostgreSQL empties
    tables with TRUNCATE, which row triggers do not see."""
    if connection.vendor != "sqlite":
        yield
        return
    from .models import Disclosure

    models = guarded_models()
    with connection.cursor() as cursor:
        for model in models:
            for sql in drop_sql(connection.vendor, model):
                cursor.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for model in models:
                for sql in create_sql(connection.vendor, model, Disclosure):
                    cursor.execute(sql)


@contextmanager
def readable_refusal():
    """Turn the triggers' refusal into PublishedDisclosureError (the model layer's message);
    any other database error passes through unchanged."""
    try:
        yield
    except IntegrityError as error:
        if MESSAGE not in str(error):
            raise
        from .models import PublishedDisclosureError

        raise PublishedDisclosureError() from error
