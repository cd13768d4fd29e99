"""Vendor and alias names unique whatever their case, in Python's sense of case.

The former rule, a unique index on LOWER(name), held on PostgreSQL but not on SQLite, whose
LOWER() leaves accented letters alone ("Élan Vision" and "élan vision" were two vendors there).
"""

import unicodedata

from django.db import migrations, models


def name_key(name):
    # Frozen copy of tracker.models.vendors.name_key: a migration must not follow later edits.
    return " ".join(unicodedata.normalize("NFKC", name or "").casefold().split())


def fill_keys(apps, schema_editor):
    for model_name in ("Vendor", "VendorAlias", "HistoricalVendor"):
        model = apps.get_model("tracker", model_name)
        for obj in model.objects.only("pk", "name").iterator():
            model.objects.filter(pk=obj.pk).update(name_key=name_key(obj.name))


class Migration(migrations.Migration):
    dependencies = [("tracker", "0007_correction")]

    operations = [
        migrations.RemoveConstraint(model_name="vendor", name="vendor_name_ci_unique"),
        migrations.RemoveConstraint(model_name="vendoralias", name="vendoralias_name_ci_unique"),
        migrations.AddField(
            model_name="vendor",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=200),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="vendoralias",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=200),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalvendor",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=200),
            preserve_default=False,
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="vendor",
            name="name_key",
            field=models.CharField(editable=False, max_length=200, unique=True),
        ),
        migrations.AlterField(
            model_name="vendoralias",
            name="name_key",
            field=models.CharField(editable=False, max_length=200, unique=True),
        ),
        migrations.AlterField(
            model_name="historicalvendor",
            name="name_key",
            field=models.CharField(db_index=True, editable=False, max_length=200),
        ),
    ]
