"""The database refuses writes to published versions (see budgets/published_guard.py)."""

from django.db import migrations

from budgets.published_guard import GuardPublished


class Migration(migrations.Migration):
    dependencies = [("budgets", "0011_content_checksum")]

    operations = [
        GuardPublished("Disclosure"),
        GuardPublished("IncomeLine"),
        GuardPublished("ExpenditureLine"),
        GuardPublished("BasicExpenditureLine"),
        GuardPublished("OfficialExpenseLine"),
        GuardPublished("ProcurementLine"),
        GuardPublished("VehicleLine"),
        GuardPublished("KeyProject"),
        GuardPublished("DisclosureCheck"),
    ]
