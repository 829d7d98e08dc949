"""Contact persons and platform administrators read the e-mail notices: refresh the roles."""

from django.db import migrations


def install_roles(apps, schema_editor):
    from portal import roles

    roles.install_in_migration(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0007_audit_kind_notice"),
        ("budgets", "0019_notices"),
    ]

    operations = [migrations.RunPython(install_roles, migrations.RunPython.noop)]
