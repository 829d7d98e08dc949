from django.db import migrations


def install_roles(apps, schema_editor):
    from portal import roles

    # Models added later get their permissions from the later migration that reinstalls.
    roles.install_in_migration(apps, skip_missing=True)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_audit"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("organizations", "0003_workflow"),
        ("budgets", "0004_workflow"),
        ("glossary", "0002_workflow"),
    ]

    operations = [migrations.RunPython(install_roles, migrations.RunPython.noop)]
