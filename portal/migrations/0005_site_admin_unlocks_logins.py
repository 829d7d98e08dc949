"""Platform administrators unlock logins locked by django-axes: refresh the roles."""

import importlib

from django.db import migrations


def install_roles(apps, schema_editor):
    importlib.import_module("portal.migrations.0002_roles").install_roles(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_audit_lockout"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(install_roles, migrations.RunPython.noop)]
