"""French and English: the same pages in both languages, addressed by a prefix (/fr/, /en/).

A French-speaking reader gets French interface text, French country and technology names,
French dates and numbers; a link keeps its filters from one language to the other; quotes stay
in the source's language, with the editors' translation beside them when the reader's language
is another; feeds and exports keep their stable English names.
"""

import csv
import io
import re

import pytest
from django.utils import translation

from tests.factories import published_deployment
from tracker.browse.selection import entries

pytestmark = pytest.mark.django_db

BELGRADE = "belgrade-huawei-safe-city"


def text_of(response):
    """The page's visible text, tags removed and spaces collapsed."""
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def html_lang(response):
    return re.search(r'<html lang="([^"]+)">', response.content.decode()).group(1)


def slugs(response):
    return [deployment.slug for deployment in response.context["deployments"]]


def test_the_french_list_speaks_french_and_names_serbia_serbie(client, article):
    response = client.get("/fr/deployments/", {"country": "RS"})

    assert response.status_code == 200
    assert html_lang(response) == "fr"
    text = text_of(response)
    assert "Serbie" in text
    assert "Déploiements" in text  # the site's own navigation
    assert "Aller au contenu" in text
    assert "Skip to content" not in text
    assert BELGRADE in slugs(response)


def test_the_english_list_is_the_same_selection_in_english(client, article):
    french = client.get("/fr/deployments/", {"country": "RS"})
    english = client.get("/en/deployments/", {"country": "RS"})

    assert html_lang(english) == "en"
    text = text_of(english)
    assert "Serbia" in text and "Serbie" not in text
    assert "Skip to content" in text
    assert slugs(english) == slugs(french)


@pytest.mark.parametrize(
    ("path", "accept", "expected"),
    [
        ("/", "fr-FR,fr;q=0.9,en;q=0.5", "/fr/"),
        ("/", "en-GB,en;q=0.8", "/en/"),
        ("/", "de-DE", "/en/"),  # neither: the site's default
        (
            "/deployments/?country=RS&technology=facial-recognition",
            "fr",
            "/fr/deployments/?country=RS&technology=facial-recognition",
        ),
    ],
)
def test_an_address_without_language_leads_to_the_browsers_language(
    client, article, path, accept, expected
):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=accept)

    assert response.status_code == 302
    assert response["Location"] == expected


def test_the_language_switch_and_alternates_keep_the_filters(client, article):
    query = "?country=RS&technology=facial-recognition&sort=newest"
    response = client.get(f"/en/deployments/{query}")
    html = response.content.decode().replace("&amp;", "&")

    switch = re.search(r'<nav class="language-switch".*?</nav>', html, re.S).group(0)
    assert f'href="/fr/deployments/{query}" hreflang="fr" lang="fr"' in switch
    assert f'href="/en/deployments/{query}" hreflang="en" lang="en" aria-current="true"' in switch
    assert f'hreflang="fr" href="http://testserver/fr/deployments/{query}"' in html
    assert f'hreflang="en" href="http://testserver/en/deployments/{query}"' in html
    assert f'hreflang="x-default" href="http://testserver/deployments/{query}"' in html


def test_entry_pages_alternate_between_their_two_addresses(client, article):
    html = client.get(f"/fr/deployments/{BELGRADE}/").content.decode()

    assert f'<a href="/en/deployments/{BELGRADE}/" hreflang="en" lang="en">' in html
    assert f'hreflang="fr" href="http://testserver/fr/deployments/{BELGRADE}/"' in html


def test_dates_are_written_the_readers_way(client, article):
    french = text_of(client.get(f"/fr/deployments/{BELGRADE}/"))
    english = text_of(client.get(f"/en/deployments/{BELGRADE}/"))

    assert "28 août 2021" in french
    assert "28 August 2021" in english
    assert "August" not in french


def test_numbers_are_grouped_the_readers_way():
    with translation.override("fr"):
        french = entries(1234)
    with translation.override("en"):
        english = entries(1234)

    assert english == "1,234 entries"
    assert re.fullmatch(r"1[\u202f\u00a0 ]234 fiches", french), french


def test_a_french_quote_has_its_translation_beside_it_on_english_pages(client, article):
    html = client.get(f"/en/deployments/{BELGRADE}/").content.decode()

    quote = re.search(r'<blockquote lang="fr"[^>]*><p>À l’image de Belgrade', html)
    assert quote, "the quote stays in French, marked as French"
    translated = re.search(
        r'<p class="quote-translation" lang="en"><span class="translation-label">'
        r"Translation by the editors:</span> ([^<]+)</p>",
        html[quote.start() :],
    )
    assert translated and "Belgrade" in translated.group(1)
    assert "facial recognition" in translated.group(1)


def test_a_french_quote_stands_alone_on_french_pages(client, article):
    html = client.get(f"/fr/deployments/{BELGRADE}/").content.decode()

    assert '<blockquote lang="fr"' in html
    assert "quote-translation" not in html
    assert "Traduction de la rédaction" not in html


def test_feeds_stay_in_english_whatever_the_browser_asks(client, article):
    feed = client.get("/feeds/latest.atom", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Serbia" in feed
    assert "Serbie" not in feed


def test_exports_keep_their_english_column_names_in_french(client, article):
    def header(language):
        response = client.get(f"/{language}/deployments/", {"format": "csv"})
        content = b"".join(response.streaming_content).decode("utf-8-sig")
        return next(csv.reader(io.StringIO(content)))

    assert header("fr") == header("en")
    assert "title" in header("fr")


def test_the_data_page_is_translated(client, article):
    french = text_of(client.get("/fr/data/"))
    english = text_of(client.get("/en/data/"))

    assert "Données" in french
    assert french != english


def test_the_technologies_are_listed_in_the_readers_alphabet(client, article):
    def names(language):
        html = client.get(f"/{language}/technologies/").content.decode()
        return re.findall(rf'<a href="/{language}/technologies/[^"]+/">([^<]+)</a>', html)

    french, english = names("fr"), names("en")
    assert french[:2] == ["Analyse vidéo par IA", "Contrôle par QR code / passe sanitaire"]
    assert english[:2] == ["AI video analytics", "Facial recognition"]
    assert "Reconnaissance faciale" in french and "Facial recognition" not in french


def test_a_french_speaking_editor_gets_the_admin_in_french(admin_client):
    form = admin_client.get(
        "/admin/tracker/deployment/add/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9"
    ).content.decode()
    english = admin_client.get(
        "/admin/tracker/deployment/add/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "Titre (français)" in form and "Traduction de la citation" in form
    assert "Title (French)" in english and "Translation of the quote" in english


def test_an_entry_written_in_one_language_says_so_in_the_other(client):
    published_deployment(
        slug="nice",
        title="",
        title_fr="Caméras à Nice",
        summary_fr="La ville a posé des caméras.",
    )

    english = client.get("/en/deployments/nice/").content.decode()
    french = client.get("/fr/deployments/nice/").content.decode()

    assert '<h1 lang="fr">Caméras à Nice</h1>' in english
    assert '<p class="lede" lang="fr">La ville a posé des caméras.</p>' in english
    assert "Shown in French: this entry's text has not been written in English yet." in english
    assert "<h1>Caméras à Nice</h1>" in french
    assert "Affiché en" not in french
    listed = client.get("/en/deployments/").content.decode()
    assert '<a href="/en/deployments/nice/" lang="fr">Caméras à Nice</a>' in listed


def test_an_entry_written_only_in_french_is_named_in_the_admin_list(admin_client):
    published_deployment(title="", title_fr="Caméras à Nice")

    assert "Caméras à Nice" in admin_client.get("/admin/tracker/deployment/").content.decode()


def test_an_entrys_json_is_the_same_whatever_the_browser_asks(client, article):
    path = f"/deployments/{BELGRADE}.json"
    french = client.get(path, HTTP_ACCEPT_LANGUAGE="fr").content
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content

    assert french == english
    assert b"Serbia" in english and b"Serbie" not in english


def test_an_entry_written_only_in_english_says_so_on_french_pages(client):
    published_deployment(
        slug="lyon", title="Cameras in Lyon", title_fr="", summary="The city installed cameras."
    )

    french = client.get("/fr/deployments/lyon/").content.decode()
    english = client.get("/en/deployments/lyon/").content.decode()

    assert '<h1 lang="en">Cameras in Lyon</h1>' in french
    assert '<p class="lede" lang="en">The city installed cameras.</p>' in french
    assert "Affiché en anglais" in french and "pas encore été rédigé en français" in french
    assert "<h1>Cameras in Lyon</h1>" in english
    assert "language-note" not in english
    listed = client.get("/fr/deployments/").content.decode()
    assert '<a href="/fr/deployments/lyon/" lang="en">Cameras in Lyon</a>' in listed


def test_an_entry_with_no_summary_in_either_language_shows_none_and_no_language_note(client):
    published_deployment(slug="lyon", title="Cameras in Lyon", summary="", summary_fr="")

    html = client.get("/en/deployments/lyon/").content.decode()

    # The page's description falls back to the title when there is no summary to give.
    assert '<meta name="description" content="Cameras in Lyon">' in html
    assert 'class="lede"' not in html
    assert "language-note" not in html
