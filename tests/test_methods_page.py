"""The Methods page, the honest footer, About's credits and the home page's "last updated" date.

Issue 10: say what each source says, and no more. Only the article's entries quote their
source; dataset entries cite the record they come from and that record's own sources.
"""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from tests.factories import DeploymentFactory, SourceFactory, published_deployment
from tracker.models import Deployment, SiteDataLoad, Source
from tracker.pages.home import last_updated

pytestmark = pytest.mark.django_db

ARTICLE = "qg-2021-08-28-surveillance-export"
SII = "privacy-international-sii"
AIGS = "carnegie-aigs-2019"

FALSE_PROMISE = "Every entry quotes its sources in their own words."
TRUE_PROMISE = (
    "Entries from the founding article quote it word for word, in its language; entries "
    "imported from datasets cite the record they come from and that record's own sources."
)


def datasets():
    """The two dataset sources, as the importers create them (slugs are what pages link by).

    The article's fixture already holds Carnegie's index (QG cites it), so it is reused."""
    aigs = Source.objects.filter(slug=AIGS).first() or SourceFactory(
        slug=AIGS,
        title="Carnegie Endowment for International Peace, AI Global Surveillance Index",
    )
    return (
        SourceFactory(slug=SII, title="Privacy International, Surveillance Industry Index"),
        aigs,
    )


def page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


class TestMethodsPage:
    def test_names_the_three_sources_on_an_empty_database(self, client):
        html = page(client, "methods")
        assert reverse("methods") == "/en/methods/"
        assert "QG" in html and "Julien Moschetti" in html
        assert "Privacy International" in html and "Surveillance Industry Index" in html
        assert "Carnegie" in html and "AI Global Surveillance Index" in html
        assert "No data has been loaded into this database yet." in html
        assert reverse("source-detail", args=[SII]) not in html

    def test_links_each_source_with_its_published_entry_count(self, client, article):
        sii, _aigs = datasets()
        published_deployment()  # cites another source: counts for none of the three
        for n in range(3):
            entry = DeploymentFactory(state=Deployment.State.DRAFT, cited=False)
            entry.citations.create(source=sii, locator=f"Vendor_Country_201{n}")
            if n < 2:  # two published, one left a draft, which must not be counted
                entry.state = Deployment.State.PUBLISHED
                entry.save()

        html = page(client, "methods")

        assert reverse("source-detail", args=[ARTICLE]) in html
        assert reverse("source-detail", args=[SII]) in html
        assert reverse("source-detail", args=[AIGS]) in html
        assert "2 published entries cite it." in html  # SII: the draft is not counted
        assert "0 published entries cite it." in html  # AIGS
        assert "<td>8</td>" in html  # the article's eight entries

    def test_shows_when_the_datasets_were_imported(self, client):
        datasets()
        html = page(client, "methods")
        assert "Imported on" not in html

        SiteDataLoad.objects.create(
            name="imported.json", sha256="0" * 64, loaded_at=datetime(2026, 11, 27, 9, tzinfo=UTC)
        )
        html = page(client, "methods")
        assert (
            html.count(
                'Imported on <time datetime="2026-11-27T09:00:00+00:00">27 November 2026</time>'
            )
            == 2
        )

    def test_is_linked_from_the_footer_and_about(self, client):
        methods = f'href="{reverse("methods")}"'
        assert methods in page(client, "home")
        about = page(client, "about")
        assert about.count(methods) >= 2  # the footer and About's own text


class TestPromises:
    def test_footer_no_longer_claims_every_entry_quotes_its_source(self, client):
        for name in ("home", "about", "methods", "deployment-list"):
            html = page(client, name)
            assert FALSE_PROMISE not in html
            assert TRUE_PROMISE in html

    def test_home_and_about_say_what_dataset_entries_cite(self, client):
        home = page(client, "home")
        assert "quoting each source in its own words" not in home
        assert "cite the record they come from and that record's own sources" in home
        about = page(client, "about")
        assert "quoting the exact words in the source's own language" not in about
        assert "cite the record they come from" in about


class TestAboutCredits:
    def test_about_credits_and_links_every_source_of_data(self, client, article):
        datasets()
        html = page(client, "about")
        for slug in (ARTICLE, SII, AIGS):
            assert f'href="{reverse("source-detail", args=[slug])}"' in html
        assert "Julien Moschetti" in html and "28 August 2021" in html
        assert "Surveillance Industry Index" in html
        assert "AI Global Surveillance Index 2019" in html and "Steven Feldstein" in html
        assert "CC BY 4.0" in html

    def test_about_renders_without_links_on_an_empty_database(self, client):
        html = page(client, "about")
        assert "Surveillance Industry Index" in html
        for slug in (ARTICLE, SII, AIGS):
            assert reverse("source-detail", args=[slug]) not in html


class TestLastUpdated:
    @staticmethod
    def edited_on(deployment, when):
        """Give an entry its last edit date (save() would set it to now)."""
        Deployment.objects.filter(pk=deployment.pk).update(updated_at=when)

    def test_home_shows_the_newest_edit_of_a_published_entry(self, client):
        older = published_deployment()
        newer = published_deployment()
        self.edited_on(older, datetime(2030, 1, 2, tzinfo=UTC))
        self.edited_on(newer, datetime(2031, 3, 5, 12, tzinfo=UTC))
        draft = DeploymentFactory(state=Deployment.State.DRAFT)
        self.edited_on(draft, datetime(2032, 7, 9, tzinfo=UTC))  # later, but not published
        in_review = DeploymentFactory(state=Deployment.State.REVIEW)
        self.edited_on(in_review, datetime(2033, 8, 10, tzinfo=UTC))

        html = page(client, "home")

        assert (
            'Data last updated <time datetime="2031-03-05T12:00:00+00:00">5 March 2031</time>'
            in html
        )
        assert "9 July 2032" not in html and "2032-07-09" not in html
        assert "10 August 2033" not in html

    def test_a_citation_added_to_a_published_entry_counts_as_an_update(self, client):
        entry = published_deployment()
        self.edited_on(entry, datetime(2020, 1, 1, tzinfo=UTC))
        citation = entry.citations.get()
        type(citation).objects.filter(pk=citation.pk).update(
            created_at=datetime(2024, 6, 1, tzinfo=UTC)
        )
        assert "1 June 2024" in page(client, "home")

    def test_omitted_when_nothing_is_published(self, client):
        DeploymentFactory(state=Deployment.State.DRAFT)
        assert "Data last updated" not in page(client, "home")

    def test_is_one_query(self, django_assert_num_queries):
        published_deployment()
        with django_assert_num_queries(1):
            assert last_updated(Deployment.objects.published()) is not None


class TestMethodsCounts:
    """Mutation testing of tracker.pages.about (issue 15): what the Methods page counts."""

    def test_an_entry_citing_a_dataset_twice_is_counted_once(self, client):
        sii, _aigs = datasets()
        entry = DeploymentFactory(state=Deployment.State.DRAFT, cited=False)
        entry.citations.create(source=sii, locator="Vendor_Country_2019")
        entry.citations.create(source=sii, locator="Vendor_Country_2020")
        entry.state = Deployment.State.PUBLISHED
        entry.save()

        html = page(client, "methods")

        assert "1 published entry cites it." in html
        assert "2 published entries cite it" not in html

    def test_says_how_many_published_dataset_entries_never_completed(self, client):
        sii, _aigs = datasets()
        for status, state in (
            (Deployment.Status.ACTIVE, Deployment.State.PUBLISHED),
            (Deployment.Status.NOT_COMPLETED, Deployment.State.PUBLISHED),
            (Deployment.Status.NOT_COMPLETED, Deployment.State.PUBLISHED),
            (Deployment.Status.NOT_COMPLETED, Deployment.State.DRAFT),  # not counted
        ):
            entry = DeploymentFactory(state=Deployment.State.DRAFT, cited=False, status=status)
            entry.citations.create(source=sii, locator=f"Vendor_Country_{entry.pk}")
            entry.citations.create(source=sii, locator=f"Vendor_Country_{entry.pk}_again")
            entry.state = state
            entry.save()

        html = page(client, "methods")

        assert (
            "3 published entries cite it, 2 of them marked not completed and left out of counts."
            in html
        )

    def test_a_dataset_without_entries_never_completed_says_nothing_of_them(self, client):
        sii, _aigs = datasets()
        entry = DeploymentFactory(state=Deployment.State.DRAFT, cited=False)
        entry.citations.create(source=sii, locator="Vendor_Country_2019")
        entry.state = Deployment.State.PUBLISHED
        entry.save()
        html = page(client, "methods")
        assert "1 published entry cites it." in html
        assert "marked not completed" not in html

    def test_shows_when_the_article_was_loaded(self, client, article):
        html = page(client, "methods")
        assert "Loaded into the tracker on" not in html

        SiteDataLoad.objects.create(
            name="article.json", sha256="0" * 64, loaded_at=datetime(2026, 10, 3, 9, tzinfo=UTC)
        )
        html = page(client, "methods")
        assert (
            'Loaded into the tracker on <time datetime="2026-10-03T09:00:00+00:00">'
            "3 October 2026</time>." in html
        )
        # The article's row in the table of sources too, and not the datasets' import date.
        assert html.count("3 October 2026") == 2
        assert "Imported on" not in html
