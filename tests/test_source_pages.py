"""/en/sources/ is sortable, searchable and paginated; a source's page shows its citations one page
at a time. Neither grows with the number of sources or citations."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CitationFactory, SourceFactory, published_deployment
from tracker.pages import paging

pytestmark = pytest.mark.django_db


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def titles(body):
    return re.findall(r'<li><a href="/en/sources/[\w-]+/">([^<]+)</a>', body)


@pytest.fixture
def library():
    """Three sources: Alpha (2019, cited twice), beta (2021, cited once), Gamma (no date)."""
    alpha = SourceFactory(
        title="Alpha report", publisher="Reuters", published_on=datetime.date(2019, 1, 1)
    )
    beta = SourceFactory(
        title="beta cables", authors="J. Smith", published_on=datetime.date(2021, 1, 1)
    )
    gamma = SourceFactory(title="Gamma leak", publisher="Example Press")
    for source, times in ((alpha, 2), (beta, 1)):
        for _ in range(times):
            CitationFactory(deployment=published_deployment(), source=source)
    return alpha, beta, gamma


def listed(client, query=""):
    """The titles on /sources/ among the fixture's three, in order."""
    ours = {"Alpha report", "beta cables", "Gamma leak"}
    return [t for t in titles(page(client, f"/en/sources/{query}")) if t in ours]


@pytest.mark.usefixtures("library")
class TestTheSourcesList:
    def test_it_lists_the_newest_first_and_undated_last_by_default(self, client):
        assert listed(client) == ["beta cables", "Alpha report", "Gamma leak"]

    def test_it_sorts_by_title_whatever_the_case(self, client):
        assert listed(client, "?sort=title") == ["Alpha report", "beta cables", "Gamma leak"]

    def test_it_sorts_the_most_cited_first(self, client):
        assert listed(client, "?sort=cited")[:2] == ["Alpha report", "beta cables"]

    def test_an_unknown_sort_falls_back_to_the_newest(self, client):
        assert listed(client, "?sort=nonsense") == ["beta cables", "Alpha report", "Gamma leak"]

    @pytest.mark.parametrize(
        "query, found",
        [
            ("reuters", ["Alpha report"]),
            ("smith", ["beta cables"]),
            ("LEAK example", ["Gamma leak"]),
            ("leak reuters", []),
        ],
    )
    def test_it_finds_sources_by_every_word_in_title_publisher_or_authors(
        self, client, query, found
    ):
        assert listed(client, f"?q={query}") == found

    def test_a_search_with_no_match_says_so_and_keeps_the_words(self, client):
        body = page(client, "/en/sources/?q=zebra")
        assert "No source matches “zebra”." in body
        assert 'value="zebra"' in body

    def test_a_search_ignores_control_characters_pasted_with_the_words(self, client):
        assert listed(client, "?q=reuters%07") == ["Alpha report"]

    def test_the_sort_menu_shows_the_sort_chosen(self, client):
        body = page(client, "/en/sources/?sort=title")
        assert '<option value="title" selected>Title</option>' in body
        assert '<option value="newest">Newest first</option>' in body

    def test_it_shows_one_page_at_a_time_keeping_the_search_and_sort(self, client, monkeypatch):
        monkeypatch.setattr(paging, "ROWS_PER_PAGE", 2)
        body = page(client, "/en/sources/?q=a&sort=title")
        assert len(titles(body)) == 2
        assert 'rel="next" href="?q=a&amp;sort=title&amp;page=2"' in body
        assert "Page 1 of" in body


def test_the_sources_list_makes_as_many_queries_with_many_sources_as_with_few(client):
    """Guards against a count query per source."""

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page(client, "/en/sources/?sort=cited")
        return len(captured)

    CitationFactory(deployment=published_deployment())
    few = queries()
    for _ in range(6):
        CitationFactory(deployment=published_deployment())
    assert queries() == few


def test_a_source_page_shows_its_citations_one_page_at_a_time(client, monkeypatch):
    monkeypatch.setattr(paging, "ROWS_PER_PAGE", 3)
    source = SourceFactory(slug="big")
    for n in range(7):
        CitationFactory(deployment=published_deployment(title=f"Entry {n}"), source=source)
    body = page(client, "/en/sources/big/")
    assert body.count('<article class="claim">') == 3
    assert 'rel="next" href="?page=2"' in body
    last = page(client, "/en/sources/big/?page=3")
    assert last.count('<article class="claim">') == 1
    assert "There is no page" in page(client, "/en/sources/big/?page=abc")


def test_a_source_page_makes_as_many_queries_with_many_citations_as_with_few(client, monkeypatch):
    """Guards against N+1 queries and against rendering every citation."""
    monkeypatch.setattr(paging, "ROWS_PER_PAGE", 3)
    source = SourceFactory(slug="big")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page(client, "/en/sources/big/")
        return len(captured)

    CitationFactory(deployment=published_deployment(), source=source)
    few = queries()
    for _ in range(6):
        CitationFactory(deployment=published_deployment(), source=source)
    assert queries() == few


def test_the_findings_page_shows_one_page_at_a_time_and_counts_them_all(client, monkeypatch):
    monkeypatch.setattr(paging, "ROWS_PER_PAGE", 2)
    from tests.factories import FindingFactory, country

    for n in range(3):
        finding = FindingFactory(statement=f"Statement {n}.")
        finding.origin_countries.add(country("CN"))
        finding.countries.add(country("RS" if n else "KE"))
    body = page(client, "/en/findings/?origin=CN")
    assert body.count('<article class="finding"') == 2
    assert "3 findings about 2 countries" in body
    assert 'rel="next" href="?origin=CN&amp;page=2"' in body
    assert page(client, "/en/findings/?origin=CN&page=2").count('<article class="finding"') == 1


def test_the_findings_page_shows_only_the_findings_about_the_technology_chosen(client):
    from tests.factories import FindingFactory, TechnologyFactory

    cameras = TechnologyFactory(name="Cameras", slug="cameras")
    FindingFactory(statement="About the cameras.").technologies.add(cameras)
    FindingFactory(statement="About something else.")
    body = page(client, "/en/findings/?technology=cameras")
    assert "About the cameras." in body
    assert "About something else." not in body
    assert '<option value="cameras" selected>Cameras</option>' in body


def test_the_findings_page_offers_the_countries_findings_name_as_origins(client):
    from tests.factories import FindingFactory, country

    FindingFactory().origin_countries.add(country("CN"))
    FindingFactory().countries.add(country("KE"))
    body = page(client, "/en/findings/")
    assert '<option value="CN">China</option>' in body
    assert '<option value="KE">' not in body


def test_a_findings_page_past_the_end_shows_the_last_with_a_note(client):
    from tests.factories import FindingFactory

    FindingFactory(statement="The only finding.")
    body = page(client, "/en/findings/?page=9")
    assert "There is no page “9”; showing page 1." in body
    assert "The only finding." in body


def test_a_page_that_exists_shows_no_note(client, monkeypatch):
    monkeypatch.setattr(paging, "ROWS_PER_PAGE", 3)
    source = SourceFactory(slug="big")
    for n in range(7):
        CitationFactory(deployment=published_deployment(title=f"Entry {n}"), source=source)
    for query in ("", "?page=1", "?page=2", "?page=3"):
        body = page(client, "/en/sources/big/" + query)
        assert 'class="notice"' not in body, query
        assert "There is no page" not in body, query


def test_a_long_page_value_is_echoed_in_its_first_twenty_characters_only(client):
    from tests.factories import FindingFactory

    FindingFactory(statement="The only finding.")
    body = page(client, "/en/findings/?page=" + "1234567890" * 5)
    assert (
        '<p class="notice" role="status">'
        "There is no page “12345678901234567890”; showing page 1.</p>" in body
    )


def test_a_source_page_lists_only_the_restrictions_that_cite_it_or_credit_it(client):
    from tests.factories import DesignationFactory, VendorFactory

    report = SourceFactory(slug="report")
    DesignationFactory(vendor=VendorFactory(name="Cited Vendor"), source=report)
    DesignationFactory(
        vendor=VendorFactory(name="Credited Vendor"), source=SourceFactory(), attributed_to=report
    )
    # Cites another source and credits nobody: nothing to do with this one.
    DesignationFactory(vendor=VendorFactory(name="Unrelated Vendor"))
    body = page(client, "/en/sources/report/")
    restrictions = body.split('id="designations-heading"')[1].split("</section>")[0]
    assert "Cited Vendor" in restrictions
    assert "Credited Vendor" in restrictions
    assert "Unrelated Vendor" not in body


def test_a_source_backing_more_findings_than_shown_says_how_many_and_leads_to_all(client):
    from tests.factories import FindingFactory
    from tracker.pages.sources import FINDINGS_SHOWN

    dataset = SourceFactory(slug="dataset")
    for n in range(FINDINGS_SHOWN + 2):
        FindingFactory(source=dataset, statement=f"Finding {n}.")
    body = page(client, "/en/sources/dataset/")
    findings = body.split('id="findings-heading"')[1].split("</section>")[0]
    assert findings.count('<article class="finding"') == FINDINGS_SHOWN
    link = '<a href="/en/findings/">all findings →</a>'
    assert f"The first {FINDINGS_SHOWN} of {FINDINGS_SHOWN + 2}: {link}" in findings


def test_a_country_name_typed_for_an_origin_code_is_refused_not_read_as_another_country(client):
    # "China" once became "CH" (Switzerland): the page listed Swiss findings as Chinese ones.
    from tests.factories import FindingFactory, country

    FindingFactory(statement="About Chinese technology.").origin_countries.add(country("CN"))
    FindingFactory(statement="About Swiss technology.").origin_countries.add(country("CH"))
    response = client.get("/en/findings/?origin=China")
    body = response.content.decode()
    assert response.status_code == 400
    assert "“China” is not a country code (two letters, such as CN)." in body
    assert "About Swiss technology." not in body
    assert "About Chinese technology." not in body
    assert "About Chinese technology." in page(client, "/en/findings/?origin=cn")


def test_an_unknown_technology_on_the_findings_page_is_refused_with_a_message(client):
    response = client.get("/en/findings/?technology=mind-reading")
    assert response.status_code == 400
    assert "“mind-reading” is not a technology of the vocabulary." in response.content.decode()
