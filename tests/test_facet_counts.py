"""The list's facet counts, result count and map, read from the facet facts and tallies.

Every option of every facet must show exactly the number of results ticking it gives, on the
bare list (counted from the tallies kept over every entry) and on filtered lists (counted from
the matching entries' facts), after entries were published, edited, retracted and deleted,
since the tallies are kept current by signals rather than counted afresh.
"""

import pytest
from django.db import connection
from django.db.models import F
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from tests.conftest import rows_for_class
from tests.factories import (
    CitationFactory,
    DeploymentFactory,
    SourceFactory,
    TechnologyFactory,
    VendorFactory,
    country,
    published_deployment,
)
from tracker.browse import tallies
from tracker.browse.facets import tally
from tracker.browse.filters import DeploymentFilter
from tracker.editorial import workflow
from tracker.graphics.flows import flow_counts
from tracker.models import Deployment, FacetFact, FacetPair, FacetTally, FacetTriple, Source

pytestmark = pytest.mark.django_db
State, Status, Evidence = Deployment.State, Deployment.Status, Deployment.Evidence

PAGES = [
    "",
    "country=RS",
    "vendor=huawei&technology=faces",
    "region=Europe&decade=2010",
    "status=not_completed",
    "status=active&status=not_completed&vendor=dahua",
    "dataset=sii&origin=CN",
    "q=entry&sources_min=1",
    "start_year_min=2010&technology=cctv&technology=plates&decade=unknown",
    # One filter: counted from the pairs of facts, not from the matching entries.
    "country=RS&country=KE",
    "region=Europe",
    "vendor=dahua",
    "vendor=huawei&vendor=hikvision",  # two of a multi-valued filter: from the entries again
    "technology=cctv",
    "origin=CN",
    "dataset=aigs",
    "status=active&status=planned",
    "evidence=contract",
    "decade=2010&decade=unknown",
    # Two of country, origin, technology, or a vendor with a country or a technology: from
    # the triples ("vendor=huawei&technology=faces" above too).
    "country=RS&technology=faces",
    "country=RS&vendor=dahua",
    "region=Europe&origin=CN",
    "origin=CN&technology=cctv",
    "country=RS&country=KE&technology=plates",
]


@pytest.fixture(scope="class")
def entries(django_db_setup, django_db_blocker):
    """Entries over countries, vendors, technologies, origins, statuses (never-completed
    included), kinds of evidence, years and datasets; then edited as editors do: a vendor
    removed, a citation deleted, a status changed, one retracted, one deleted, one unpublished,
    a source made a dataset. Drafts share every attribute, so that counting them would show."""
    with rows_for_class(django_db_blocker):
        yield make_entries()


def make_entries():
    vendors = [VendorFactory(name=n, slug=n.lower()) for n in ("Huawei", "Hikvision", "Dahua")]
    techs = [TechnologyFactory(name=n, slug=n.lower()) for n in ("Faces", "CCTV", "Plates")]
    sii = SourceFactory(slug="sii", title="SII", kind=Source.Kind.DATASET)
    later_dataset = SourceFactory(slug="aigs", title="AIGS")
    made = []
    for n in range(30):
        entry = DeploymentFactory(
            title=f"Entry {n}",
            country=country(["RS", "KE", "FR", "EC", "US"][n % 5]),
            status=[Status.ACTIVE, Status.PLANNED, Status.NOT_COMPLETED, Status.REPORTED][n % 4],
            evidence=["", Evidence.CONTRACT, Evidence.DEPLOYMENT][n % 3],
            start_year=[None, 2008, 2010, 2015, 2019, 2020][n % 6],
            vendors=[vendors[n % 3], *([vendors[(n + 1) % 3]] if n % 4 == 0 else [])],
            technologies=techs[: n % 4],
            origin_countries=[country("CN")] if n % 2 else [],
            state=State.DRAFT if n % 7 == 6 else State.PUBLISHED,
        )
        if n % 3 == 0:
            CitationFactory(deployment=entry, source=sii)
        if n % 5 == 1:
            CitationFactory(deployment=entry, source=later_dataset)
        made.append(entry)
    made[0].vendors.remove(vendors[1])
    made[3].citations.filter(source=sii).delete()
    made[4].status = Status.NOT_COMPLETED
    made[4].save()
    workflow.retract(made[8], "The source withdrew it.")
    made[9].delete()
    workflow.unpublish(made[10])
    made[12].technologies.clear()
    later_dataset.kind = Source.Kind.DATASET
    later_dataset.save()
    return made


def query(page):
    return QueryDict(page)


def results(page):
    """The number of results of a list, counted by filtering the entries (no facts, tallies)."""
    filterset = DeploymentFilter(query(page), queryset=Deployment.objects.published())
    assert filterset.is_valid(), filterset.errors
    return filterset.qs.count()


def ticked(page, param, value):
    params = query(page).copy()
    params.setlist(param, [value])
    return params.urlencode()


@pytest.mark.usefixtures("entries")
class TestCounts:
    @pytest.mark.parametrize("page", PAGES)
    def test_every_option_of_every_facet_counts_the_results_of_ticking_it(self, page):
        filterset = DeploymentFilter(query(page), queryset=Deployment.objects.published())
        counted = tally(filterset)
        assert counted.total == results(page)
        for facet in counted.facets:
            for option in facet["options"]:
                with_it = results(ticked(page, facet["param"], option["value"]))
                assert option["count"] == with_it, (facet["param"], option)

    @pytest.mark.parametrize("page", PAGES)
    def test_the_map_counts_the_results_in_each_country(self, page):
        filterset = DeploymentFilter(query(page), queryset=Deployment.objects.published())
        shown = {c.iso2: n for c, n in tally(filterset).countries}
        expected = {}
        for iso2 in filterset.qs.values_list("country__iso2", flat=True):
            expected[iso2] = expected.get(iso2, 0) + 1
        assert shown == expected

    @pytest.mark.parametrize("page", PAGES)
    def test_the_flows_count_the_results_from_each_origin_to_each_country(self, page):
        filterset = DeploymentFilter(query(page), queryset=Deployment.objects.published())
        assert sorted(tally(filterset).flows, key=str) == sorted(flow_counts(filterset.qs), key=str)

    def test_the_list_shows_the_result_count_counted_with_the_facets(self, client):
        response = client.get("/en/deployments/?vendor=huawei&technology=faces")
        assert response.context["paginator"].count == results("vendor=huawei&technology=faces")

    def test_counts_kept_by_each_change_equal_counts_made_afresh(self):
        def snapshot():
            facts = set(FacetFact.objects.values_list("deployment_id", "fact", "key", "counted"))
            totals = set(FacetTally.objects.values_list("fact", "key", "counted", "published"))
            names = set(Deployment.objects.values_list("pk", "names_supplier"))
            pairs = set(
                FacetPair.objects.values_list(
                    "given_fact", "given_key", "fact", "key", "counted", "published"
                )
            )
            triples = set(
                FacetTriple.objects.values_list(
                    "given_fact",
                    "given_key",
                    "also_fact",
                    "also_key",
                    "fact",
                    "key",
                    "counted",
                    "published",
                )
            )
            return facts, totals, names, pairs, triples

        kept = snapshot()
        tallies.rebuild()
        assert snapshot() == kept
        assert kept[1], "the tallies are not empty"
        assert kept[3], "the pairs are not empty"
        assert kept[4], "the triples are not empty"


def test_publishing_and_retracting_move_an_entry_in_and_out_of_every_count():
    vendor = VendorFactory(name="Acme", slug="acme")
    entry = DeploymentFactory(state=State.DRAFT, vendors=[vendor], country=country("KE"))

    def vendor_count():
        filterset = DeploymentFilter(QueryDict(), queryset=Deployment.objects.published())
        (facet,) = [f for f in tally(filterset).facets if f["param"] == "vendor"]
        return {o["value"]: o["count"] for o in facet["options"]}.get("acme", 0)

    assert vendor_count() == 0
    workflow.publish(entry)
    assert vendor_count() == 1
    workflow.retract(entry, "Withdrawn by the source.")
    assert vendor_count() == 0


def test_options_are_sorted_by_count_then_by_name_whatever_its_case():
    for name, n in (("ZTE", 1), ("iFlytek", 1), ("IBM", 1), ("Axis", 2)):
        vendor = VendorFactory(name=name, slug=name.lower())
        for _ in range(n):
            published_deployment(vendors=[vendor])
    filterset = DeploymentFilter(QueryDict(), queryset=Deployment.objects.published())
    (facet,) = [f for f in tally(filterset).facets if f["param"] == "vendor"]
    assert [o["label"] for o in facet["options"]] == ["Axis", "IBM", "iFlytek", "ZTE"]


def test_rebuild_counts_makes_a_list_right_again_after_a_change_made_in_sql(client):
    """A start year set in SQL, behind the site's back: the decade's list knows nothing of it
    until the counts are rebuilt from the entries."""
    from io import StringIO

    from django.core.management import call_command

    entry = published_deployment(title="Harbour cameras", start_year=None)
    Deployment.objects.filter(pk=entry.pk).update(start_year=2015)  # no signal

    def decade_list():
        response = client.get("/en/deployments/", {"decade": "2010"})
        return response.context["paginator"].count, [d.pk for d in response.context["deployments"]]

    assert decade_list() == (0, [])  # stale: the counts still say "year not known"
    call_command("rebuild_counts", stdout=StringIO())
    assert decade_list() == (1, [entry.pk])


def test_an_entry_whose_kind_of_evidence_the_site_does_not_know_is_counted_as_not_stated():
    # Only code can store such a value (the admin and the importers refuse it); the entry still
    # counts, as rebuild_counts counts it.
    published_deployment(title="Harbour cameras", evidence="rumour")

    def total():
        return tally(DeploymentFilter(QueryDict(), queryset=Deployment.objects.published())).total

    assert total() == 1
    tallies.rebuild()
    assert total() == 1


@pytest.mark.parametrize(
    "page",
    [
        "country=RS",
        "region=Europe",
        "vendor=acme",
        "technology=gait",
        "origin=CN",
        "status=active",
        "evidence=contract",
        "decade=2010",
        "decade=2010&decade=unknown",
    ],
)
def test_a_list_with_one_filter_counts_its_facets_without_reading_every_matching_entry(
    client, page
):
    # At a million entries the pairs answer in one small query where the matching entries'
    # facts took seconds (docs/performance.md).
    vendor = VendorFactory(name="Acme", slug="acme")
    gait = TechnologyFactory(name="Gait", slug="gait")
    published_deployment(
        vendors=[vendor],
        technologies=[gait],
        origin_countries=[country("CN")],
        status=Status.ACTIVE,
        evidence=Evidence.CONTRACT,
        start_year=2015,
    )
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/en/deployments/?" + page)
    assert response.context["paginator"].count == 1
    assert not [q["sql"] for q in captured if "tracker_facetfact" in q["sql"]]


def test_recounting_a_batch_of_entries_takes_as_many_queries_whatever_its_size():
    # Imports recount the entries they wrote all at once (tracker.importers.writer): the recount
    # must not make queries per start year or country it counts.
    def queries_to_recount(n):
        entries = [
            published_deployment(start_year=1990 + i, country=country(code))
            for i, code in enumerate(["RS", "KE", "FR", "EC", "US", "DE", "BR", "GB"][:n])
        ]
        ids = [entry.pk for entry in entries]
        Deployment.objects.filter(pk__in=ids).update(start_year=F("start_year") + 20)  # no signal
        with CaptureQueriesContext(connection) as captured:
            tallies.refresh(ids)
        return len(captured)

    assert queries_to_recount(2) == queries_to_recount(8)
    assert results("start_year_min=2010") == 10
