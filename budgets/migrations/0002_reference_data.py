from django.db import migrations


def install(apps, schema_editor):
    from budgets import reference_data

    reference_data.install_lists(apps)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
