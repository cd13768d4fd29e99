"""Give every existing citation the facts its entry showed, so published entries stay valid.

Before 0012 a citation supported its whole entry. Each citation now says which facts it states;
this carries the old meaning over (vendors, technologies, year), except for Carnegie's index,
whose company rows never stated technologies: those are taken off the citation and off entries
that nothing else supports. ``load_site_data --update`` then loads the regenerated fixtures.
"""

from django.db import migrations

AIGS = "carnegie-aigs-2019"


def carry_over(apps, schema_editor):
    Citation = apps.get_model("tracker", "Citation")
    Deployment = apps.get_model("tracker", "Deployment")
    for citation in Citation.objects.select_related("deployment", "source").iterator():
        deployment = citation.deployment
        citation.vendors.set(deployment.vendors.all())
        if citation.source.slug != AIGS:
            citation.technologies.set(deployment.technologies.all())
        if deployment.start_year or deployment.year_note:
            citation.states_year = True
            citation.save(update_fields=["states_year"])
    aigs_only = Deployment.objects.filter(citations__source__slug=AIGS).exclude(
        citations__source__kind="news_article"
    )
    for deployment in aigs_only.distinct():
        if not deployment.citations.exclude(source__slug=AIGS).exists():
            deployment.technologies.clear()
            deployment.evidence = "supplier_named"
            deployment.save(update_fields=["evidence"])


def merge_carnegie(apps, schema_editor):
    """QG's "Fondation Carnegie, September 2019" and the index's dataset are one work."""
    Source = apps.get_model("tracker", "Source")
    old = Source.objects.filter(slug="carnegie-endowment-2019-09").first()
    new = Source.objects.filter(slug=AIGS).first()
    if old is None or new is None:
        return
    for name in ("Citation", "Finding", "Designation"):
        model = apps.get_model("tracker", name)
        model.objects.filter(source=old).update(source=new)
        model.objects.filter(attributed_to=old).update(attributed_to=new)
    old.delete()


class Migration(migrations.Migration):
    dependencies = [("tracker", "0012_facts_per_source")]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.RunPython(merge_carnegie, migrations.RunPython.noop),
    ]
