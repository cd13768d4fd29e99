"""A reader searches in French or English and finds the same entries either way.

A country or a technology named in one language finds what its name in the other finds
("Serbie" and "Serbia", "reconnaissance faciale" and "facial recognition"), with or without
accents, on SQLite and on PostgreSQL (the suite runs on both).
"""

import pytest

from tests.factories import country, published_deployment
from tracker.models import Technology

pytestmark = pytest.mark.django_db


def found(client, text, language="en"):
    response = client.get(f"/{language}/deployments/", {"q": text})
    assert response.status_code == 200
    return {d.slug for d in response.context["deployments"]}


def technology(slug):
    return Technology.objects.get(slug=slug)


@pytest.fixture
def entries(db):
    published_deployment(
        slug="belgrade",
        title="Cameras in Belgrade",
        country=country("RS"),
        technologies=[technology("facial-recognition")],
    )
    published_deployment(
        slug="shenzhen",
        title="Street cameras in Shenzhen",
        country=country("CN"),
        technologies=[technology("video-surveillance")],
    )
    # Says "facial recognition" only in its summary: not tagged with the technology.
    published_deployment(
        slug="chicago",
        title="Police platform in Chicago",
        country=country("US"),
        summary="Its vendor advertises facial recognition as an option.",
        technologies=[technology("predictive-policing")],
    )
    # Written in French only, and its English summary uses the French word.
    published_deployment(
        slug="nice",
        title="",
        title_fr="Caméras à Nice",
        summary="The city calls it vidéosurveillance.",
        country=country("FR"),
    )
    published_deployment(slug="quito", title="ECU 911 centre", country=country("EC"))


@pytest.mark.parametrize(
    ("french", "english", "expected"),
    [
        ("Serbie", "Serbia", {"belgrade"}),
        ("Chine", "China", {"shenzhen"}),
        ("États-Unis", "United States", {"chicago"}),
        ("Etats-Unis", "united states", {"chicago"}),
        ("reconnaissance faciale", "facial recognition", {"belgrade", "chicago"}),
        ("RECONNAISSANCE FACIALE", "Facial Recognition", {"belgrade", "chicago"}),
        ("vidéosurveillance", "video surveillance", {"shenzhen", "nice"}),
        ("videosurveillance", "CCTV", {"shenzhen", "nice"}),
    ],
)
def test_a_name_in_either_language_finds_the_same_entries(
    client, entries, french, english, expected
):
    assert found(client, french) == found(client, english) == expected


def test_the_french_pages_search_the_same_way(client, entries):
    assert found(client, "Serbie", language="fr") == found(client, "Serbia") == {"belgrade"}
    assert found(client, "caméras à nice", language="fr") == {"nice"}


def test_a_name_beside_other_words_still_narrows_the_search(client, entries):
    assert found(client, "cameras Serbie") == found(client, "cameras Serbia") == {"belgrade"}
    assert found(client, "platform reconnaissance faciale") == {"chicago"}


def test_a_country_name_inside_another_word_is_not_taken_for_it(client, entries):
    # "chine" is a French country name, but "machine" is not China.
    assert found(client, "machine") == set()


def test_a_country_known_by_a_common_english_name_finds_its_french_name(client):
    # "Russia" is not the ISO name ("Russian Federation"), but readers type it.
    published_deployment(
        slug="supplied", title="Belgrade cameras", summary_fr="Caméras fournies par la Russie."
    )
    assert found(client, "Russia") == found(client, "Russie") == {"supplied"}


def test_a_longer_country_name_is_translated_whole_not_the_shorter_name_inside_it(client):
    published_deployment(slug="south", title="Juba cameras", summary="Sold to South Sudan.")
    published_deployment(slug="north", title="Khartoum cameras", summary="Sold to Sudan.")
    assert found(client, "Soudan du Sud") == found(client, "South Sudan") == {"south"}


def test_two_names_in_one_query_are_each_translated_in_place(client):
    published_deployment(
        slug="both",
        title="Juba cameras",
        summary="Cameras from China and Afghanistan, sold to South Sudan.",
    )
    published_deployment(slug="one", title="Beijing cameras", summary="Cameras from China.")
    assert found(client, "Chine Soudan du Sud") == found(client, "Soudan du Sud Chine") == {"both"}
    # "Soudan" inside "Soudan du Sud" stays part of it, whichever other names were found since.
    assert found(client, "Soudan du Sud Afghanistan") == {"both"}
