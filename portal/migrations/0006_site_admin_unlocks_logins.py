"""Platform administrators unlock logins locked by django-axes: refresh the roles."""

from django.db import migrations


def install_roles(apps, schema_editor):
    from portal import roles

    roles.install_in_migration(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_audit_lockout"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(install_roles, migrations.RunPython.noop)]
