import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("budgets", "0006_install_classification_lists")]

    operations = [
        migrations.AlterField(
            model_name=model_name,
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="budgets.classificationversion",
                verbose_name="版本",
            ),
        )
        for model_name in ("economicitem", "functionalitem")
    ]
