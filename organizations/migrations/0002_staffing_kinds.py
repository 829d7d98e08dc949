from django.db import migrations

KINDS = ["行政编制", "事业编制", "工勤编制"]


def install(apps, schema_editor):
    StaffingKind = apps.get_model("organizations", "StaffingKind")
    for order, name in enumerate(KINDS, start=10):
        StaffingKind.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
