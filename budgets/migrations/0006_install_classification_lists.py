from datetime import date

from django.db import migrations


def install(apps, schema_editor):
    """Put the items of earlier databases (one list per year) into their year's annual
    version, then install the shipped lists (budgets/data/*.csv)."""
    from budgets import reference_data

    Version = apps.get_model("budgets", "ClassificationVersion")
    for model_name, scheme in (("FunctionalItem", "functional"), ("EconomicItem", "economic")):
        model = apps.get_model("budgets", model_name)
        for year in model.objects.filter(version=None).values_list("year", flat=True).distinct():
            version = Version.objects.get_or_create(
                scheme=scheme, year=year, effective_on=date(year, 1, 1)
            )[0]
            model.objects.filter(version=None, year=year).update(version=version)
    reference_data.install_classifications(apps)
    freeze_names_of_published_versions(apps)


def freeze_names_of_published_versions(apps):
    """Versions published before names were frozen with them keep today's names from now on
    (the same entry budgets/snapshots.py writes at publication)."""
    Disclosure = apps.get_model("budgets", "Disclosure")
    FunctionalItem = apps.get_model("budgets", "FunctionalItem")
    for d in Disclosure.objects.exclude(frozen=None):
        if "classification_names" in d.frozen:
            continue
        functional = dict(
            d.expenditure_lines.exclude(functional_item=None).values_list(
                "functional_item__code", "functional_item__name"
            )
        )
        parents = {code[:n] for code in functional for n in (3, 5) if n < len(code)}
        items = FunctionalItem.objects.filter(year=d.year, code__in=parents - functional.keys())
        functional.update(items.values_list("code", "name"))
        economic = dict(
            d.basic_lines.values_list("economic_item__code", "economic_item__name")
        )
        d.frozen["classification_names"] = {"functional": functional, "economic": economic}
        Disclosure.objects.filter(pk=d.pk).update(frozen=d.frozen)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0005_classification_versions")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
