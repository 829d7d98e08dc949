from django.db import migrations


def install_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_contenttypes(app_config, apps=apps, verbosity=0)
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    from portal import roles

    roles.install(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_audit"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("organizations", "0003_workflow"),
        ("budgets", "0004_workflow"),
        ("glossary", "0002_workflow"),
    ]

    operations = [migrations.RunPython(install_roles, migrations.RunPython.noop)]
