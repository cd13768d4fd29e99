"""The timeline: deployments per start year, with undated entries counted, not dropped."""

import re

import pytest

from tests.factories import published_deployment
from tracker.charts import Timeline

pytestmark = pytest.mark.django_db


def bars(body):
    return re.findall(r"<title>(\d{4}: \d+ deployments?)</title>", body)


def test_it_counts_deployments_per_year_with_gaps_as_zero(client):
    for year in (2015, 2015, 2018):
        published_deployment(start_year=year)
    published_deployment()
    body = client.get("/").content.decode()
    assert bars(body) == [
        "2015: 2 deployments",
        "2016: 0 deployments",
        "2017: 0 deployments",
        "2018: 1 deployment",
    ]
    assert "<strong>1</strong> entry with no known start year" in body


def test_with_no_year_at_all_it_says_so_instead_of_drawing_nothing(client, article):
    body = client.get("/").content.decode()
    assert "No start year known yet." in body
    assert "<strong>8</strong> entries with no known start year" in body


def test_a_single_year_draws_one_bar():
    timeline = Timeline({2020: 3})
    assert bars(str(timeline.svg())) == ["2020: 3 deployments"]
    assert Timeline({}).svg() == ""
