"""Whatever a query string holds, public pages answer with a message or a 4xx, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import published_deployment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("article")]

SCRIPT = "<script>alert(1)</script>"
PARAMS = [
    "q",
    "country",
    "origin",
    "region",
    "vendor",
    "technology",
    "status",
    "dataset",
    "decade",
    "start_year_min",
    "start_year_max",
    "sort",
    "page",
    "format",
]
PAGES = ["/", "/deployments/", "/countries/serbia/", "/vendors/huawei/", "/sources/"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start_year_min=abc", "Enter a whole number."),
        ("start_year_max=99999999999999999999", "less than or equal to 2100"),
        ("country=ZZ", "“ZZ” is not a known country code"),
        ("vendor=nobody", "“nobody” is not a known vendor."),
        ("status=lost", "Select a valid choice."),
        ("q=" + "x" * 10_000, "at most 200 characters"),
    ],
)
def test_bad_filter_values_get_a_clear_message_and_a_400(client, query, message):
    response = client.get("/deployments/?" + query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_10000_character_code_is_not_echoed_in_full(client):
    response = client.get("/deployments/?country=" + "A" * 10_000)
    assert response.status_code == 400
    assert "A" * 100 not in response.content.decode().split("<main", 1)[1].split("</form>", 1)[1]


@pytest.mark.parametrize(
    "query",
    [
        "country=%00",
        "vendor=%00x",
        "q=%00",
        "q=%ED%A0%80",  # a lone surrogate, as UTF-8 bytes
        "q=%E2%80%AE%F0%9F%91%81%CC%81",  # right-to-left override, emoji, combining accent
        "page=abc",
        "page=-1",
        "page=99999999999999999999",
        "decade=17",
        "sort=%27;drop table",
        "country=rs&country=RS&country=",
    ],
)
def test_odd_input_never_breaks_a_page(client, query):
    response = client.get("/deployments/?" + query)
    assert response.status_code in (200, 400)
    assert "\x00" not in response.content.decode()


def test_input_is_never_echoed_unescaped(client):
    for param in ["q", "country", "vendor", "start_year_min", "page"]:
        body = client.get("/deployments/", {param: SCRIPT}).content.decode()
        assert SCRIPT not in body
        assert "<script" not in body.lower()


query_values = st.one_of(
    st.text(max_size=300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["RS", "rs", "huawei", "facial-recognition", "2010", "unknown", SCRIPT]),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from(PAGES),
    params=st.dictionaries(
        st.sampled_from(PARAMS), st.lists(query_values, min_size=1, max_size=3), max_size=5
    ),
)
def test_no_query_string_makes_a_public_page_fail(client, path, params):
    response = client.get(path, params)
    assert response.status_code < 500
    assert "<script>alert" not in response.content.decode(errors="replace")


def test_a_reader_can_still_use_a_page_after_bad_input(client):
    published_deployment(slug="still-here", title="Still here")
    response = client.get("/deployments/?start_year_min=abc&q=Still")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="Still"' in body  # what they typed is kept in the form
