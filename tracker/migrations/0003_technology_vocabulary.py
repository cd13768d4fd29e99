"""The starting vocabulary of technologies. Editors add more in the admin."""

from django.db import migrations

VOCABULARY = [
    (
        "facial-recognition",
        "Facial recognition",
        "Systems that identify or verify people from images of their faces.",
    ),
    (
        "video-surveillance",
        "Video surveillance / CCTV",
        "Networks of surveillance cameras and the systems that record and display them.",
    ),
    (
        "safe-city",
        "Safe city / smart city platform",
        "City-wide platforms that join cameras, sensors and police data under one control "
        "centre, often sold as “Safe City”.",
    ),
    (
        "predictive-policing",
        "Predictive policing",
        "Software that forecasts where crime will happen or who will be involved in it.",
    ),
    (
        "ai-video-analytics",
        "AI video analytics",
        "Automated analysis of video: tracking, behaviour detection, licence plates, crowds.",
    ),
    (
        "qr-code-control",
        "QR-code / health-pass control",
        "Access control through QR codes, such as Covid-19 health passes.",
    ),
]


def load(apps, schema_editor):
    Technology = apps.get_model("tracker", "Technology")
    for slug, name, description in VOCABULARY:
        Technology.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0002_load_countries")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
