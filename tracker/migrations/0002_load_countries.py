"""Every ISO 3166-1 country from pycountry, plus Kosovo, so editors can pick any of them.

The list is taken from pycountry at the time the migration runs; re-running it updates names
and adds new codes without touching what deployments point at.
"""

import pycountry
from django.db import migrations
from django.utils.text import slugify

from tracker.graphics.regions import region_of

# Entries ISO 3166-1 does not list but sources name as countries. XK is the user-assigned code
# the European Commission, the IMF and others use for Kosovo.
NON_ISO = [{"iso2": "XK", "iso3": "XKX", "name": "Kosovo", "official_name": "Republic of Kosovo"}]


def country_rows():
    for entry in pycountry.countries:
        yield {
            "iso2": entry.alpha_2,
            "iso3": entry.alpha_3,
            "numeric": entry.numeric,
            "name": getattr(entry, "common_name", None) or entry.name,
            "official_name": getattr(entry, "official_name", ""),
            "is_iso": True,
        }
    for entry in NON_ISO:
        yield {**entry, "numeric": "", "is_iso": False}


def load(apps, schema_editor):
    Country = apps.get_model("tracker", "Country")
    for row in country_rows():
        region, subregion = region_of(row["iso2"])
        Country.objects.update_or_create(
            iso2=row["iso2"],
            defaults={
                **row,
                "region": region,
                "subregion": subregion,
                "slug": slugify(row["name"]),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
