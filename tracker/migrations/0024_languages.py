"""French and English: French country and technology names, titles and summaries in either
language, and editors' translations of quotes (issue 14).

Country names in French come from pycountry's own catalogue (iso3166-1), translating the
stored name, except where ISO's form is inverted or official and readers say otherwise, as
tracker.models.countries.DISPLAY_NAMES does in English. The starting vocabulary (migration
0003) gets French names; the datasets' terms get theirs from tracker.importers.technologies.
Frozen here, as migrations must be: later edits by editors are never overwritten.
"""

import gettext

import pycountry
from django.conf import settings
from django.db import migrations, models

# Readers' French forms where pycountry's is inverted ("Russie, Fédération de").
FRENCH_DISPLAY_NAMES = {
    "BN": "Brunei",
    "CD": "République démocratique du Congo",
    "CG": "République du Congo",
    "FK": "Îles Malouines",
    "FM": "Micronésie",
    "IR": "Iran",
    "KP": "Corée du Nord",
    "KR": "Corée du Sud",
    "MF": "Saint-Martin",
    "PS": "Palestine",
    "RU": "Russie",
    "SX": "Saint-Martin (partie néerlandaise)",
    "TW": "Taïwan",
    "VA": "Vatican",
    "VG": "Îles Vierges britanniques",
    "VI": "Îles Vierges des États-Unis",
    "XK": "Kosovo",
}

VOCABULARY_FR = {
    "facial-recognition": (
        "Reconnaissance faciale",
        "Systèmes qui identifient ou authentifient des personnes à partir d'images de leur visage.",
    ),
    "video-surveillance": (
        "Vidéosurveillance",
        "Réseaux de caméras de surveillance et systèmes qui enregistrent et affichent leurs "
        "images.",
    ),
    "safe-city": (
        "Plateforme « ville sûre » / ville intelligente",
        "Plateformes à l'échelle d'une ville qui réunissent caméras, capteurs et données de "
        "police dans un centre de commandement, souvent vendues sous le nom de « Safe City ».",
    ),
    "predictive-policing": (
        "Police prédictive",
        "Logiciels qui prévoient où des crimes auront lieu ou qui y sera mêlé.",
    ),
    "ai-video-analytics": (
        "Analyse vidéo par IA",
        "Analyse automatique de la vidéo : suivi, détection de comportements, plaques "
        "d'immatriculation, foules.",
    ),
    "qr-code-control": (
        "Contrôle par QR code / passe sanitaire",
        "Contrôle d'accès par QR code, comme les passes sanitaires du Covid-19.",
    ),
}


def fill(apps, schema_editor):
    Country = apps.get_model("tracker", "Country")
    Technology = apps.get_model("tracker", "Technology")
    catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    for country in Country.objects.filter(name_fr=""):
        country.name_fr = FRENCH_DISPLAY_NAMES.get(country.iso2) or catalogue.gettext(country.name)
        country.save(update_fields=["name_fr"])
    for slug, (name, description) in VOCABULARY_FR.items():
        Technology.objects.filter(slug=slug, name_fr="").update(
            name_fr=name, description_fr=description
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0023_country_order_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="citation",
            name="translation",
            field=models.TextField(
                blank=True,
                help_text="An editor's translation, shown beside the quote and marked as such.",
                verbose_name="translation of the quote",
            ),
        ),
        migrations.AddField(
            model_name="citation",
            name="translation_language",
            field=models.CharField(
                blank=True,
                choices=[("en", "English"), ("fr", "French")],
                max_length=2,
                verbose_name="language of the translation",
            ),
        ),
        migrations.AddField(
            model_name="country",
            name="name_fr",
            field=models.CharField(
                blank=True,
                help_text="French name readers know, e.g. “Serbie”.",
                max_length=100,
                verbose_name="French name",
            ),
        ),
        migrations.AddField(
            model_name="deployment",
            name="summary_fr",
            field=models.TextField(blank=True, verbose_name="summary (French)"),
        ),
        migrations.AddField(
            model_name="deployment",
            name="title_fr",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (French)"),
        ),
        migrations.AddField(
            model_name="designation",
            name="translation",
            field=models.TextField(
                blank=True,
                help_text="An editor's translation, shown beside the quote and marked as such.",
                verbose_name="translation of the quote",
            ),
        ),
        migrations.AddField(
            model_name="designation",
            name="translation_language",
            field=models.CharField(
                blank=True,
                choices=[("en", "English"), ("fr", "French")],
                max_length=2,
                verbose_name="language of the translation",
            ),
        ),
        migrations.AddField(
            model_name="finding",
            name="translation",
            field=models.TextField(
                blank=True,
                help_text="An editor's translation, shown beside the quote and marked as such.",
                verbose_name="translation of the quote",
            ),
        ),
        migrations.AddField(
            model_name="finding",
            name="translation_language",
            field=models.CharField(
                blank=True,
                choices=[("en", "English"), ("fr", "French")],
                max_length=2,
                verbose_name="language of the translation",
            ),
        ),
        migrations.AddField(
            model_name="historicalcitation",
            name="translation",
            field=models.TextField(
                blank=True,
                help_text="An editor's translation, shown beside the quote and marked as such.",
                verbose_name="translation of the quote",
            ),
        ),
        migrations.AddField(
            model_name="historicalcitation",
            name="translation_language",
            field=models.CharField(
                blank=True,
                choices=[("en", "English"), ("fr", "French")],
                max_length=2,
                verbose_name="language of the translation",
            ),
        ),
        migrations.AddField(
            model_name="historicaldeployment",
            name="summary_fr",
            field=models.TextField(blank=True, verbose_name="summary (French)"),
        ),
        migrations.AddField(
            model_name="historicaldeployment",
            name="title_fr",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (French)"),
        ),
        migrations.AddField(
            model_name="historicaldesignation",
            name="translation",
            field=models.TextField(
                blank=True,
                help_text="An editor's translation, shown beside the quote and marked as such.",
                verbose_name="translation of the quote",
            ),
        ),
        migrations.AddField(
            model_name="historicaldesignation",
            name="translation_language",
            field=models.CharField(
                blank=True,
                choices=[("en", "English"), ("fr", "French")],
                max_length=2,
                verbose_name="language of the translation",
            ),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="translation",
            field=models.TextField(
                blank=True,
                help_text="An editor's translation, shown beside the quote and marked as such.",
                verbose_name="translation of the quote",
            ),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="translation_language",
            field=models.CharField(
                blank=True,
                choices=[("en", "English"), ("fr", "French")],
                max_length=2,
                verbose_name="language of the translation",
            ),
        ),
        migrations.AddField(
            model_name="historicaltechnology",
            name="description_fr",
            field=models.TextField(blank=True, verbose_name="French description"),
        ),
        migrations.AddField(
            model_name="historicaltechnology",
            name="name_fr",
            field=models.CharField(
                blank=True,
                help_text="Shown on French pages.",
                max_length=100,
                verbose_name="French name",
            ),
        ),
        migrations.AddField(
            model_name="technology",
            name="description_fr",
            field=models.TextField(blank=True, verbose_name="French description"),
        ),
        migrations.AddField(
            model_name="technology",
            name="name_fr",
            field=models.CharField(
                blank=True,
                help_text="Shown on French pages.",
                max_length=100,
                verbose_name="French name",
            ),
        ),
        migrations.AddField(
            model_name="vendorrelation",
            name="translation",
            field=models.TextField(
                blank=True,
                help_text="An editor's translation, shown beside the quote and marked as such.",
                verbose_name="translation of the quote",
            ),
        ),
        migrations.AddField(
            model_name="vendorrelation",
            name="translation_language",
            field=models.CharField(
                blank=True,
                choices=[("en", "English"), ("fr", "French")],
                max_length=2,
                verbose_name="language of the translation",
            ),
        ),
        migrations.AlterField(
            model_name="deployment",
            name="summary",
            field=models.TextField(
                blank=True,
                help_text="What the sources say, and no more.",
                verbose_name="summary (English)",
            ),
        ),
        migrations.AlterField(
            model_name="deployment",
            name="title",
            field=models.CharField(
                blank=True,
                help_text="English or French, or both.",
                max_length=300,
                verbose_name="title (English)",
            ),
        ),
        migrations.AlterField(
            model_name="historicaldeployment",
            name="summary",
            field=models.TextField(
                blank=True,
                help_text="What the sources say, and no more.",
                verbose_name="summary (English)",
            ),
        ),
        migrations.AlterField(
            model_name="historicaldeployment",
            name="title",
            field=models.CharField(
                blank=True,
                help_text="English or French, or both.",
                max_length=300,
                verbose_name="title (English)",
            ),
        ),
        migrations.AddConstraint(
            model_name="citation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("translation", ""),
                    models.Q(
                        models.Q(("quote", ""), _negated=True),
                        ("translation_language__in", ["en", "fr"]),
                    ),
                    _connector="OR",
                ),
                name="citation_translation_of_a_quote",
                violation_error_message="A translation needs its quote and its language.",
            ),
        ),
        migrations.AddConstraint(
            model_name="deployment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("title", ""), _negated=True),
                    models.Q(("title_fr", ""), _negated=True),
                    _connector="OR",
                ),
                name="deployment_has_a_title",
                violation_error_message="Give the entry a title, in English or in French.",
            ),
        ),
        migrations.AddConstraint(
            model_name="designation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("translation", ""),
                    models.Q(
                        models.Q(("quote", ""), _negated=True),
                        ("translation_language__in", ["en", "fr"]),
                    ),
                    _connector="OR",
                ),
                name="designation_translation_of_a_quote",
                violation_error_message="A translation needs its quote and its language.",
            ),
        ),
        migrations.AddConstraint(
            model_name="finding",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("translation", ""),
                    models.Q(
                        models.Q(("quote", ""), _negated=True),
                        ("translation_language__in", ["en", "fr"]),
                    ),
                    _connector="OR",
                ),
                name="finding_translation_of_a_quote",
                violation_error_message="A translation needs its quote and its language.",
            ),
        ),
        migrations.AddConstraint(
            model_name="vendorrelation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("translation", ""),
                    models.Q(
                        models.Q(("quote", ""), _negated=True),
                        ("translation_language__in", ["en", "fr"]),
                    ),
                    _connector="OR",
                ),
                name="vendorrelation_translation_of_a_quote",
                violation_error_message="A translation needs its quote and its language.",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
