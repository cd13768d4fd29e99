"""Text kept in English and French: which version a reader sees, and whether it is the other one.

Editors may write a title or a summary in either language or both. A reader sees their own
language's version, else the other one, and the page says so (the ``lang`` attribute and a
note), so a French reader is never shown English as if it were French.
"""

from django.conf import settings
from django.utils import translation

ENGLISH, FRENCH = "en", "fr"


def reader_language():
    """The language of the page being rendered ("en" outside a request)."""
    return FRENCH if (translation.get_language() or "").startswith(FRENCH) else ENGLISH


class Translated(str):
    """A text that knows its language and whether it stands in for the reader's own."""

    language = ENGLISH
    fallback = False

    def __new__(cls, text, language, fallback):
        value = super().__new__(cls, text)
        value.language = language
        value.fallback = fallback
        return value


def pick(english, french):
    """The reader's version of a text written in English and/or French (either may be empty)."""
    wanted = reader_language()
    versions = {ENGLISH: english or "", FRENCH: french or ""}
    if versions[wanted]:
        return Translated(versions[wanted], wanted, False)
    other = FRENCH if wanted == ENGLISH else ENGLISH
    if versions[other]:
        return Translated(versions[other], other, True)
    return Translated("", wanted, False)


def permalink(path):
    """A page's address without its language prefix ("/deployments/x/" for "/fr/deployments/x/").

    The address that lasts: it opens the page in each reader's own language (LocaleMiddleware
    redirects by Accept-Language), so feeds' entry ids and the exports' links stay the same
    whatever language they were made in.
    """
    for code, _name in settings.LANGUAGES:
        if path.startswith(f"/{code}/"):
            return path[len(code) + 1 :]
    return path
