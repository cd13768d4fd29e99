"""Small factories for unit tests.

Countries come from the migration (every ISO 3166-1 entry plus Kosovo): ``country("RS")`` and
CountryFactory return the existing row, and CountryFactory only creates one for a code the
migration does not know.
"""

import factory

from tracker.models import (
    Citation,
    Country,
    Deployment,
    Designation,
    Finding,
    Source,
    Technology,
    Vendor,
    VendorAlias,
)


def country(iso2):
    return Country.objects.get(iso2=iso2)


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("iso2",)

    iso2 = "RS"
    name = factory.LazyAttribute(lambda c: f"Country {c.iso2}")
    slug = factory.LazyAttribute(lambda c: f"country-{c.iso2.lower()}")


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Vendor {n}")
    slug = factory.Sequence(lambda n: f"vendor-{n}")
    headquarters = factory.LazyFunction(lambda: country("CN"))
    # A head office is recorded with the source that gives it (the model insists).
    headquarters_source = factory.Maybe(
        "headquarters", factory.SubFactory("tests.factories.SourceFactory"), None
    )
    headquarters_locator = factory.Maybe("headquarters", "page 1", "")


class VendorAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorAlias

    vendor = factory.SubFactory(VendorFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class TechnologyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Technology

    name = factory.Sequence(lambda n: f"Technology {n}")
    slug = factory.Sequence(lambda n: f"technology-{n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report number {n}")
    slug = factory.Sequence(lambda n: f"source-{n}")
    publisher = "Example Press"
    url = factory.Sequence(lambda n: f"https://news.example.org/report-{n}")
    language = "en"


class DeploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deployment
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Deployment {n}")
    slug = factory.Sequence(lambda n: f"deployment-{n}")
    country = factory.LazyFunction(lambda: country("RS"))
    state = Deployment.State.PUBLISHED

    @classmethod
    def _generate(cls, strategy, params):
        """The entry's derived data (search document, facet facts and tallies, corroboration,
        cached pages) is built once, when the entry is complete with its citation and
        relations, as an import or load_site_data builds it: at each of its saves it cost half
        the time of the tests that make entries. What each save and relation change does on its
        own is tested where an entry is changed afterwards, as editors change it
        (test_search_updates.py, test_facet_counts.py, test_facts_per_source.py,
        test_article_data.py's plain loaddata)."""
        from tracker.importers.writer import deferred_search_refresh

        with deferred_search_refresh():
            return super()._generate(strategy, params)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Published entries are created as readers get them: cited first, then published."""
        state = kwargs.pop("state")
        cited = kwargs.pop("cited", True)
        deployment = model_class(*args, state=Deployment.State.DRAFT, **kwargs)
        deployment.save()
        if cited:
            CitationFactory(deployment=deployment)
        if state != Deployment.State.DRAFT:
            deployment.state = state
            deployment.save()
        return deployment

    # The factory's citation states every fact the entry is given, as a real source would have
    # to for the entry to be published (Deployment.unstated_facts).
    @factory.post_generation
    def vendors(self, create, extracted, **kwargs):
        if create and extracted:
            self.vendors.set(extracted)
            for citation in self.citations.all():
                citation.vendors.add(*extracted)

    @factory.post_generation
    def technologies(self, create, extracted, **kwargs):
        if create and extracted:
            self.technologies.set(extracted)
            for citation in self.citations.all():
                citation.technologies.add(*extracted)

    @factory.post_generation
    def origin_countries(self, create, extracted, **kwargs):
        if create and extracted:
            self.origin_countries.set(extracted)


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    deployment = factory.SubFactory(DeploymentFactory, state=Deployment.State.DRAFT, cited=False)
    source = factory.SubFactory(SourceFactory)
    quote = factory.Sequence(lambda n: f"The exact words of claim {n}.")
    states_year = True


class DesignationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Designation

    vendor = factory.SubFactory(VendorFactory)
    authority = "United States government"
    list_name = factory.Sequence(lambda n: f"Restriction list {n}")
    source = factory.SubFactory(SourceFactory)
    quote = "Placed on the list."


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    slug = factory.Sequence(lambda n: f"finding-{n}")
    statement = factory.Sequence(lambda n: f"Finding number {n}.")
    source = factory.SubFactory(SourceFactory)
    quote = "The words of the finding."


def published_deployment(**kwargs):
    """A published deployment with one cited source, as readers would see it."""
    kwargs.setdefault("state", Deployment.State.PUBLISHED)
    return DeploymentFactory(**kwargs)


def publish(deployment):
    """Publish an entry whose citations are already in place, as a publisher would."""
    deployment.state = Deployment.State.PUBLISHED
    deployment.save()
    return deployment


# --- Helpers for tests that must tell published entries from everything else -----------------


def citing(source, state=Deployment.State.PUBLISHED, **kwargs):
    """An entry whose only citation is to ``source`` (stating all its facts), moved to ``state``."""
    deployment = DeploymentFactory(state=Deployment.State.DRAFT, cited=False, **kwargs)
    citation = CitationFactory(deployment=deployment, source=source, states_year=True)
    citation.vendors.set(deployment.vendors.all())
    citation.technologies.set(deployment.technologies.all())
    if state != Deployment.State.DRAFT:
        deployment.state = state
        deployment.save()
    return deployment


def published_on(deployment, when):
    """Give a published entry its own publication date (the factory gives them all "now")."""
    Deployment.objects.filter(pk=deployment.pk).update(published_at=when)
    deployment.refresh_from_db()
    return deployment


def retracted_deployment(reason="The source withdrew the story.", **kwargs):
    """An entry that was published, then retracted, as a publisher would do it."""
    from tracker.editorial import workflow

    deployment = published_deployment(**kwargs)
    workflow.retract(deployment, reason)
    return deployment


def account(role):
    """A user in one of the editorial roles ("editor", "publisher"), or a superuser."""
    from django.contrib.auth.models import User

    from tracker.editorial.roles import EDITOR, PUBLISHER, setup_roles

    user = User.objects.create_user(role, password="pw", is_staff=True)
    if role == "superuser":
        user.is_superuser = True
        user.save()
    elif role in ("editor", "publisher"):
        user.groups.add(setup_roles()[EDITOR if role == "editor" else PUBLISHER])
    return User.objects.get(pk=user.pk)  # a fresh permission cache
