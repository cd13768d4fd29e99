"""manage.py generate_synthetic: synthetic entries that keep every rule, and only where safe."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from tests.conftest import rows_for_class
from tracker.browse import search
from tracker.editorial import corroboration
from tracker.models import Deployment, SiteDataLoad, Vendor

pytestmark = pytest.mark.django_db
N = 200


def generate(*args):
    call_command("generate_synthetic", "--deployments", str(N), *args, verbosity=0)


@pytest.fixture(scope="class")
def generated(django_db_setup, django_db_blocker):
    """The entries, built once for the class rather than for each test (0.3 to 0.5 s each
    time on PostgreSQL): what a test writes, its own savepoint undoes."""
    with rows_for_class(django_db_blocker):
        generate("--seed", "7")
        yield


@pytest.fixture
def synthetic(generated):
    return Deployment.objects.all()


class TestEntriesItBuilds:
    def test_it_builds_n_published_entries_that_keep_the_publishing_rules(self, synthetic):
        assert synthetic.count() == N
        assert synthetic.published().count() == N
        for deployment in synthetic.prefetch_related("vendors", "technologies"):
            assert deployment.slug.startswith("synthetic-")
            assert deployment.published_at is not None
            assert deployment.unstated_facts() == [], deployment.slug
            assert deployment.publish_problems() == [], deployment.slug

    def test_it_has_the_skew_of_real_data(self, synthetic):
        counts = sorted(
            synthetic.values("country").annotate(n=Count("pk")).values_list("n", flat=True),
            reverse=True,
        )
        assert counts[0] >= 5 * counts[len(counts) // 2]  # a few countries get many entries
        undated = synthetic.filter(start_year__isnull=True).count()
        assert 0.15 * N < undated < 0.35 * N
        assert synthetic.filter(vendors__isnull=True).exists()
        assert Vendor.objects.filter(deployments__isnull=False).distinct().count() >= 10

    def test_its_derived_fields_are_what_the_signals_would_write(self, synthetic):
        documents = dict(synthetic.values_list("pk", "search_document"))
        pairs = dict(synthetic.values_list("pk", "pair_sources"))
        vectors = dict(synthetic.values_list("pk", "search_vector"))
        search.refresh(documents)
        corroboration.refresh()
        assert dict(synthetic.values_list("pk", "search_document")) == documents
        assert dict(synthetic.values_list("pk", "pair_sources")) == pairs
        assert dict(synthetic.values_list("pk", "search_vector")) == vectors
        assert max(pairs.values()) > 1

    def test_they_are_listed_with_the_right_count(self, client, synthetic):
        response = client.get("/en/deployments/")
        assert response.status_code == 200
        # The list leaves out entries a source says never completed, unless asked for.
        assert response.context["paginator"].count == synthetic.counted().count()
        every_status = "&".join(f"status={s}" for s in Deployment.Status.values)
        response = client.get("/en/deployments/?" + every_status)
        assert response.context["paginator"].count == N

    def test_a_search_finds_them(self, client, synthetic):
        vendor = Vendor.objects.filter(deployments__isnull=False).first()
        response = client.get("/en/deployments/", {"q": vendor.name})
        supplied = Deployment.objects.counted().filter(vendors=vendor).count()
        assert response.context["paginator"].count >= supplied > 0

    def test_the_same_seed_builds_the_same_entries(self, synthetic):
        before = list(synthetic.order_by("pk").values_list("title", "country__iso2", "start_year"))
        generate("--seed", "7", "--replace")
        after = list(synthetic.order_by("pk").values_list("title", "country__iso2", "start_year"))
        assert after == before

    def test_it_asks_before_adding_to_earlier_synthetic_entries(self, synthetic):
        with pytest.raises(CommandError, match="--replace"):
            generate()
        assert synthetic.count() == N


def test_it_refuses_a_database_holding_the_article(article):
    before = Deployment.objects.count()
    with pytest.raises(CommandError, match="real data") as refused:
        generate()
    assert refused.value.returncode == 1
    assert Deployment.objects.count() == before
    with pytest.raises(CommandError, match="real data"):
        generate("--replace")  # replacing synthetic rows never removes real ones
    assert Deployment.objects.count() == before


def test_it_refuses_a_database_where_site_data_was_loaded():
    SiteDataLoad.objects.create(name="article.json", sha256="0" * 64)
    with pytest.raises(CommandError, match="SiteDataLoad"):
        generate()
    assert not Deployment.objects.exists()
