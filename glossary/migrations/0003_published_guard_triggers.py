"""The database refuses writes to the glossary of a published version (budgets/published_guard.py)."""

from django.db import migrations

from budgets.published_guard import GuardPublished


class Migration(migrations.Migration):
    dependencies = [
        ("glossary", "0002_workflow"),
        ("budgets", "0012_published_guard_triggers"),
    ]

    operations = [GuardPublished("DisclosureTerm")]
