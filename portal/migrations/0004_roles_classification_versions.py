from django.db import migrations


def install_roles(apps, schema_editor):
    from portal import roles

    roles.install_in_migration(apps, skip_missing=True)  # LoginLock comes in 0005


class Migration(migrations.Migration):
    """Site administrators manage classification list versions (budgets 0005)."""

    dependencies = [
        ("portal", "0003_audit_other"),
        ("budgets", "0007_classification_item_version_required"),
    ]

    operations = [migrations.RunPython(install_roles, migrations.RunPython.noop)]
