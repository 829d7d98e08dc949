"""Platform administrators no longer see, change or delete the role groups (only a
superuser does): refresh the roles."""

from django.db import migrations


def install_roles(apps, schema_editor):
    from portal import roles

    roles.install_in_migration(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0009_search_trigram_indexes"),
        ("budgets", "0025_equipment_order_help_text"),
        ("organizations", "0006_help_texts"),
        ("glossary", "0004_term_region_from_year"),
    ]

    operations = [migrations.RunPython(install_roles, migrations.RunPython.noop)]
