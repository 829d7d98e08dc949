"""Search (portal.search): trigram indexes on the searched columns, on PostgreSQL only.

pg_trgm lets `LIKE '%行政运行%'` use a GIN index, so a Chinese substring is found without a
word segmenter. SQLite has no such index and scans, which is fast enough for a small site.
Also gives the platform administrators the reorganisations (organizations 0004) to manage.
"""

from django.db import migrations

# (app, model, field) of every column portal.search matches with `contains`.
SEARCHED = [
    ("organizations", "Department", "name"),
    ("organizations", "Department", "short_name"),
    ("organizations", "Unit", "name"),
    ("budgets", "FunctionalItem", "name"),
    ("budgets", "KeyProject", "name"),
    ("glossary", "Term", "name"),
    ("glossary", "Term", "definition"),
]


def _index_name(model, field):
    return f"search_trgm_{model._meta.db_table}_{field}"[:63]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    q = schema_editor.quote_name
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for app_label, model_name, field in SEARCHED:
        model = apps.get_model(app_label, model_name)
        column = model._meta.get_field(field).column
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {q(_index_name(model, field))} "
            f"ON {q(model._meta.db_table)} USING gin ({q(column)} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model_name, field in SEARCHED:
        model = apps.get_model(app_label, model_name)
        schema_editor.execute(
            f"DROP INDEX IF EXISTS {schema_editor.quote_name(_index_name(model, field))}"
        )


def install_roles(apps, schema_editor):
    from portal import roles

    roles.install_in_migration(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0008_roles_view_notices"),
        ("organizations", "0005_department_succession"),
        ("budgets", "0020_help_texts"),
        ("glossary", "0003_published_guard_triggers"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.RunPython(install_roles, migrations.RunPython.noop),
    ]
