"""The timeline: deployments per start year, with undated entries counted, not dropped."""

import re

import pytest

from tests.factories import VendorFactory, country, published_deployment
from tracker.graphics.charts import Timeline, nice_step, render_timeline, year_counts
from tracker.models import Deployment

pytestmark = pytest.mark.django_db


def bars(body):
    return re.findall(r"<title>(\d{4}: \d+ deployments?)</title>", str(body))


def test_it_counts_deployments_per_year_with_gaps_as_zero(client):
    for year in (2015, 2015, 2018):
        published_deployment(start_year=year)
    published_deployment()
    body = client.get("/en/").content.decode()
    assert bars(body) == [
        "2015: 2 deployments",
        "2016: 0 deployments",
        "2017: 0 deployments",
        "2018: 1 deployment",
    ]
    assert "<strong>1</strong> entry with no known start year" in body
    assert (
        "3 deployments with a known start year, from 2015 to 2018; most in 2015 (2). "
        "By year: 2015: 2; 2018: 1. None in the other years." in body
    )


def test_year_counts_is_one_query_and_counts_each_entry_once(django_assert_num_queries):
    first, second = VendorFactory(), VendorFactory()
    published_deployment(start_year=2019).vendors.set([first, second])
    published_deployment(start_year=2019).vendors.set([first])
    published_deployment().vendors.set([first, second])
    published_deployment(start_year=2020)  # no vendor: filtered out below
    filtered = Deployment.objects.published().filter(vendors__slug__in=[first.slug, second.slug])
    with django_assert_num_queries(1):
        counts = year_counts(filtered)
    assert counts == {2019: 2, None: 1}


def test_entries_without_a_year_are_reported_apart():
    timeline = Timeline({2019: 3, None: 4})
    assert timeline.undated == 4
    assert timeline.years == [(2019, 3)]
    svg, undated = render_timeline({2019: 3, None: 4})
    assert undated == 4
    assert bars(svg) == ["2019: 3 deployments"]


@pytest.mark.parametrize(
    "path, caption",
    [
        ("/en/countries/serbia/", "Deployments in Serbia"),
        ("/en/vendors/acme/", "Deployments naming Acme Vision"),
    ],
)
def test_a_profile_has_its_own_timeline_of_its_entries(client, path, caption):
    acme = VendorFactory(name="Acme Vision", slug="acme")
    for year in (2016, 2018):
        published_deployment(start_year=year, country=country("RS"), vendors=[acme])
    published_deployment(start_year=2010, country=country("FR"))
    body = client.get(path).content.decode()
    figure = body.split('class="timeline-figure"')[1].split("</figure>")[0]
    assert bars(figure) == ["2016: 1 deployment", "2017: 0 deployments", "2018: 1 deployment"]
    assert f"<figcaption>{caption}." in figure


def test_with_no_year_at_all_it_says_so_instead_of_drawing_nothing(client, article):
    body = client.get("/en/").content.decode()
    assert "No start year known yet." in body
    assert "<strong>8</strong> entries with no known start year" in body
    assert 'class="timeline"' not in body


def test_with_no_data_at_all_it_says_so(client):
    body = client.get("/en/").content.decode()
    assert "No deployments to show yet." in body
    assert 'class="timeline"' not in body
    assert Timeline({}).svg() == ""
    assert Timeline({2020: 0}).svg() == ""


def test_a_single_year_draws_one_bar():
    svg = Timeline({2020: 3}).svg()
    assert bars(svg) == ["2020: 3 deployments"]
    assert "3 deployments with a known start year, in 2020. By year: 2020: 3." in svg


def test_many_years_draw_every_bar_and_label_some():
    counts = {year: year % 3 for year in range(1950, 2025)}
    svg = Timeline(counts).svg()
    assert len(bars(svg)) == 2024 - 1951 + 1  # 1950 has 0 and is before the first entry
    labels = re.findall(
        r'<text class="tick year" x="[^"]+" y="[^"]+" text-anchor="middle">(\d+)</text>', svg
    )
    assert 5 <= len(labels) <= 13
    assert labels[0] == "1951"


def test_the_chart_is_labelled_for_everyone():
    svg = Timeline({2019: 3, 2021: 1}, title="Huawei <&> per year", dom_id="vendor-timeline").svg()
    assert 'role="img" aria-labelledby="vendor-timeline-title vendor-timeline-desc"' in svg
    assert '<title id="vendor-timeline-title">Huawei &lt;&amp;&gt; per year</title>' in svg
    assert ">Start year</text>" in svg and ">Deployments</text>" in svg


def test_the_value_axis_has_round_steps():
    assert [nice_step(n) for n in (1, 3, 4, 5, 9, 17, 40, 130)] == [1, 1, 1, 2, 5, 5, 10, 50]
