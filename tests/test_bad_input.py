"""Whatever a query string holds, public pages answer with a message or a 4xx, never a 500.

The article is loaded once for the whole class: every test here only reads.
"""

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import published_deployment

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
PAGES = [
    "/en/",
    "/en/deployments/",
    "/en/deployments/belgrade-huawei-safe-city/",
    "/en/countries/",
    "/en/countries/serbia/",
    "/en/vendors/",
    "/en/vendors/huawei/",
    "/en/technologies/safe-city/",
    "/en/sources/",
    "/en/sources/qg-2021-08-28-surveillance-export/",
    "/en/findings/",
]


def text_of(response):
    """The body of a page or of a streamed export (``format=csv`` in any case streams), less
    the site's own scripts (static files from this host, e.g. the list's filters.js)."""
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return OUR_SCRIPTS.sub("", response.content.decode(errors="replace"))


OUR_SCRIPTS = re.compile(r'<script src="/static/js/[a-z-]+\.js" defer></script>')


def main_text(body):
    """The page between <main> and </main>: what the reader's input could end up in."""
    return body.split("<main", 1)[1].split("</main>", 1)[0]


query_values = st.one_of(
    st.text(max_size=300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        [
            "RS",
            "rs",
            "huawei",
            "facial-recognition",
            "Europe",
            "active",
            "2010",
            "unknown",
            "csv",
            "json",
            "999",
            SCRIPT,
            '"><script>alert(1)</script>',
        ]
    ),
)
query_keys = st.one_of(st.sampled_from(PARAMS), st.text(min_size=1, max_size=10))


@pytest.mark.django_db
@pytest.mark.usefixtures("article_for_class")
class TestBadInput:
    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("start_year_min=abc", "Enter a whole number."),
            ("start_year_max=99999999999999999999", "less than or equal to 2100"),
            ("start_year_min=1800", "greater than or equal to 1900"),
            ("country=ZZ", "“ZZ” is not a known country code"),
            ("vendor=nobody", "“nobody” is not a known vendor."),
            ("technology=telepathy", "“telepathy” is not a known technology."),
            ("region=Atlantis", "Select a valid choice."),
            ("status=lost", "Select a valid choice."),
            ("q=" + "x" * 10_000, "at most 200 characters"),
        ],
    )
    def test_bad_filter_values_get_a_clear_message_and_a_400(self, client, query, message):
        response = client.get("/en/deployments/?" + query)
        assert response.status_code == 400
        body = response.content.decode()
        assert message in body
        assert "No results" in body

    def test_a_10000_character_code_is_not_echoed_in_full(self, client):
        response = client.get("/en/deployments/?country=" + "A" * 10_000)
        assert response.status_code == 400
        assert "A" * 100 not in main_text(response.content.decode()).split("</form>", 1)[1]

    @pytest.mark.parametrize(
        "query",
        [
            "country=%00",
            "vendor=%00x",
            "q=%00",
            "q=a%00b",
            "%00=%00",
            "q=%ED%A0%80",  # a lone surrogate, as UTF-8 bytes
            "q=%FF%FE",  # not UTF-8 at all
            "q=%E2%80%AE%F0%9F%91%81%CC%81",  # right-to-left override, emoji, combining accent
            "q=e%CC%81%CC%81%CC%81%CC%81",  # stacked combining accents
            "q=%EF%BC%B3%EF%BD%81%EF%BD%86%EF%BD%85",  # full-width letters
            "page=abc",
            "page=-1",
            "page=999",
            "page=99999999999999999999",
            "decade=17",
            "sort=%27;drop table",
            "country=rs&country=RS&country=",
            "q=%27%22%5C%3B--",
        ],
    )
    def test_odd_input_never_breaks_the_list(self, client, query):
        response = client.get("/en/deployments/?" + query)
        assert response.status_code in (200, 400)
        body = response.content.decode()
        assert "\x00" not in body
        assert "deployment" in main_text(body)

    @pytest.mark.parametrize("query", ["page=999", "page=abc"])
    def test_a_page_that_does_not_exist_says_which_page_is_shown(self, client, query):
        response = client.get("/en/deployments/?" + query)
        assert response.status_code == 200
        assert "showing page 1" in response.content.decode()

    @pytest.mark.parametrize(
        "param", ["q", "country", "vendor", "region", "start_year_min", "page"]
    )
    def test_input_is_never_echoed_unescaped_on_the_list(self, client, param):
        body = text_of(client.get("/en/deployments/", {param: SCRIPT}))
        assert SCRIPT not in body
        assert "<script" not in body.lower()

    @pytest.mark.parametrize("path", PAGES)
    def test_input_is_never_echoed_unescaped_on_any_page(self, client, path):
        response = client.get(path, {"q": SCRIPT, "page": SCRIPT, SCRIPT: SCRIPT})
        assert response.status_code < 500
        assert "<script" not in text_of(response).lower()

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        path=st.sampled_from(PAGES),
        params=st.dictionaries(
            query_keys, st.lists(query_values, min_size=1, max_size=3), max_size=5
        ),
    )
    def test_no_query_string_makes_a_public_page_fail(self, client, path, params):
        response = client.get(path, params)
        assert response.status_code < 500
        assert "<script" not in text_of(response).lower()

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        params=st.dictionaries(
            st.sampled_from(PARAMS), st.lists(query_values, min_size=1, max_size=3), max_size=6
        )
    )
    @example(params={"format": ["CSV"]})  # an export, streamed: once mistaken for a page here
    @example(params={"format": ["CSV"], "country": ["<SCRIPT"]})  # echoed in a plain-text 400
    def test_the_list_answers_any_filters_with_results_or_a_message(self, client, params):
        response = client.get("/en/deployments/", params)
        assert response.status_code in (200, 400)
        body = text_of(response)
        assert "<script" not in body.lower()
        if response.status_code == 400 and "format" not in params:
            assert "could not be applied" in body

    def test_a_reader_can_still_use_a_page_after_bad_input(self, client):
        published_deployment(slug="still-here", title="Still here")
        response = client.get("/en/deployments/?start_year_min=abc&q=Still")
        assert response.status_code == 400
        body = response.content.decode()
        assert 'value="Still"' in body  # what they typed is kept in the form
        assert 'value="abc"' in body
