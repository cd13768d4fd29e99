"""The original sources a dataset cites, as Source specs: URL, title, publisher and date where the
citation text gives them reliably, and the citation text itself in the notes.

- URLs come from the record's list of links (the dataset's structured field); each link is
  cleaned (angle brackets, stray spaces and line breaks inside it removed; a missing ``http://``
  added to "www.…" links and to bare "host.tld/…" ones) and checked with Django's URLValidator.
  A link that is not a URL (a title, an empty value) gives no URL. The URL as the dataset wrote
  it stays in the notes.
- A source the text cites with no usable link ("'Title', Publisher, 4 Sep. 2013, <>", a null in
  the list of links) is still a source, without a URL, when the text around it gives its quoted
  title: after the last link, before a link when "&" or ";" separates two titled citations, or
  in place of a link that is not a URL.
- Title: the first quoted title in the citation text (curly or straight quotes, double or
  single; a straight single quote only when a comma follows it); if there is none, the
  citation text itself, which describes the source plainly.
- Date: "9 July 2013" (day), "Nov. 2014" (month), "05/11/2015" and "18.08.2014" (day; European
  order, as in every such date in the SII), else a lone year after a quoted title (year). Dates
  after "accessed" are access dates, not publication dates, and are skipped. No date is better
  than a guess.
- Publisher: from ``PUBLISHERS`` (the site's host, reviewed by hand), else the short text between
  the title and the date ("…”, The Register, 20 May 2015").
- Slugs are stable: derived from the URL (host and path, plus a hash), or for a source without a
  URL from its citation text (plus a hash), so the same source always gets the same slug.
- One work, one Source: ``same_work`` finds an existing Source for a spec that neither its URL
  nor its slug finds: the same URL written differently (scheme, "www.", trailing slash), the
  same DOI, or, when one of the two has no URL, the same title and publisher (``text_key``:
  case, spacing and surrounding quotes ignored). The admin's Source form uses the same keys.
"""

import re
import unicodedata
from datetime import date
from urllib.parse import quote, unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from tracker.models import Source

from .base import SourceSpec, clean, short_hash, slugify_ascii

OTHER, NEWS, REPORT, OFFICIAL, ACADEMIC, STATEMENT = (
    "other",
    "news_article",
    "report",
    "official_record",
    "academic",
    "statement",
)

# Host (without "www.") → (publisher, kind, language of the text, "" when unknown).
PUBLISHERS = {
    "advocacy.globalvoicesonline.org": ("Global Voices Advocacy", NEWS, "en"),
    "africaintelligence.com": ("Africa Intelligence", NEWS, "en"),
    "alternet.org": ("AlterNet", NEWS, "en"),
    "amabhungane.co.za": ("amaBhungane", NEWS, "en"),
    "amnesty.eu": ("Amnesty International", REPORT, "en"),
    "articles.economictimes.indiatimes.com": ("The Economic Times", NEWS, "en"),
    "bahrainwatch.org": ("Bahrain Watch", REPORT, "en"),
    "bis.doc.gov": ("US Department of Commerce, Bureau of Industry and Security", OFFICIAL, "en"),
    "blog.operationreality.org": ("Operation Reality", NEWS, "en"),
    "bloomberg.com": ("Bloomberg", NEWS, "en"),
    "businesspost.ie": ("The Business Post", NEWS, "en"),
    "buzzfeed.com": ("BuzzFeed News", NEWS, "en"),
    "citizenlab.org": ("Citizen Lab", REPORT, "en"),
    "corpwatch.org": ("CorpWatch", NEWS, "en"),
    "cphpost.dk": ("The Copenhagen Post", NEWS, "en"),
    "digitalcommons.wcl.american.edu": (
        "American University International Law Review",
        ACADEMIC,
        "en",
    ),
    "dipbt.bundestag.de": ("Deutscher Bundestag", OFFICIAL, "de"),
    "dn.se": ("Dagens Nyheter", NEWS, ""),
    "dw.de": ("Deutsche Welle", NEWS, "en"),
    "eff.org": ("Electronic Frontier Foundation", NEWS, "en"),
    "euobserver.com": ("EUobserver", NEWS, "en"),
    "eurasianet.org": ("Eurasianet", NEWS, "en"),
    "exportcontroldb.bis.gov.uk": (
        "UK Department for Business, Innovation and Skills",
        OFFICIAL,
        "en",
    ),
    "fidh.org": ("FIDH", REPORT, ""),
    "forbes.com": ("Forbes", NEWS, "en"),
    "foreignpolicy.com": ("Foreign Policy", NEWS, "en"),
    "fpds.gov": ("Federal Procurement Data System", OFFICIAL, "en"),
    "ft.com": ("Financial Times", NEWS, "en"),
    "global.handelsblatt.com": ("Handelsblatt", NEWS, "en"),
    "globes.co.il": ("Globes", NEWS, "en"),
    "haaretz.com": ("Haaretz", NEWS, "en"),
    "huffingtonpost.com": ("The Huffington Post", NEWS, "en"),
    "humanrightsfirst.org": ("Human Rights First", REPORT, "en"),
    "ifex.org": ("IFEX", NEWS, "en"),
    "ihrb.org": ("Institute for Human Rights and Business", REPORT, "en"),
    "ilfattoquotidiano.it": ("Il Fatto Quotidiano", NEWS, "it"),
    "indexoncensorship.org": ("Index on Censorship", REPORT, "en"),
    "information.dk": ("Information", NEWS, "da"),
    "inside-it.ch": ("Inside IT", NEWS, ""),
    "lastampa.it": ("La Stampa", NEWS, "it"),
    "networks.nokia.com": ("Nokia Networks", STATEMENT, "en"),
    "news.bbc.co.uk": ("BBC News", NEWS, "en"),
    "nytimes.com": ("The New York Times", NEWS, "en"),
    "premiumtimesng.com": ("Premium Times", NEWS, "en"),
    "privacyinternational.org": ("Privacy International", REPORT, "en"),
    "reflets.info": ("Reflets", NEWS, ""),
    "reportingproject.net": ("Organized Crime and Corruption Reporting Project", NEWS, "en"),
    "reuters.com": ("Reuters", NEWS, "en"),
    "saharareporters.com": ("Sahara Reporters", NEWS, "en"),
    "seco.admin.ch": ("Swiss State Secretariat for Economic Affairs (SECO)", OFFICIAL, "de"),
    "slate.com": ("Slate", NEWS, "en"),
    "speechpro-usa.com": ("Speech Technology Center (SpeechPro)", STATEMENT, "en"),
    "spiegel.de": ("Der Spiegel", NEWS, "en"),
    "stockholmnews.com": ("Stockholm News", NEWS, "en"),
    "thebureauinvestigates.com": ("The Bureau of Investigative Journalism", NEWS, "en"),
    "theintercept.com": ("The Intercept", NEWS, "en"),
    "thelocal.se": ("The Local", NEWS, "en"),
    "theregister.co.uk": ("The Register", NEWS, "en"),
    "transparency.ge": ("Transparency International Georgia", REPORT, "en"),
    "trinidadexpress.com": ("Trinidad Express", NEWS, "en"),
    "verdade.co.mz": ("@Verdade", NEWS, "pt"),
    "wikileaks.org": ("WikiLeaks", OTHER, "en"),
    "wired.com": ("Wired", NEWS, "en"),
    "wsj.com": ("The Wall Street Journal", NEWS, "en"),
    "zdnet.com": ("ZDNet", NEWS, "en"),
}

# Publisher name (case aside) → (kind, language), for citations of a known publisher without a URL.
BY_PUBLISHER = {name.casefold(): (kind, language) for name, kind, language in PUBLISHERS.values()}

# Citations without a URL that begin with a known body's name → (publisher, kind).
ISSUERS = {
    "ministry for foreign affairs of finland": (
        "Ministry for Foreign Affairs of Finland",
        OFFICIAL,
    ),
    "us department of commerce": (
        "US Department of Commerce, Bureau of Industry and Security",
        OFFICIAL,
    ),
}

MONTHS = {
    month: n
    for n, month in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
MONTH = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{MONTH},?\s+(\d{{4}})\b", re.I)
MONTH_YEAR = re.compile(rf"\b{MONTH}\s+(\d{{4}})\b", re.I)
NUMERIC = re.compile(r"(?<![\d/.])(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?![\d/.])")
YEAR = re.compile(r"(?<![\d/.\w])((?:19|20)\d{2})(?![\d/.\w])")
TITLES = [
    re.compile(r"“(.+?)[”“]"),
    re.compile("\u2018(.+?)\u2019"),  # curly single quotes
    re.compile(r'"(.+?)"'),
    re.compile(r"(?:^|[\s,])'(.+?)',"),
]
# A URL: with its scheme, "www.…", or a bare host that is a plausible domain ("host.tld/…": dotted
# labels ending in a letters-only top-level domain, then a slash), not inside a word or address.
URLISH = re.compile(
    r"(https?://\S+|www\.\S+|(?<![\w@.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}/\S*)", re.I
)
VALIDATE_URL = URLValidator(schemes=["http", "https"])


def clean_url(raw):
    """A usable URL from a link as the dataset gives it, or None."""
    if not raw:
        return None
    text = re.sub(r"\s*\n\s*", "", str(raw)).strip().strip("<>,. ")
    match = URLISH.search(text)
    if not match:
        return None
    url = match.group(1).rstrip(">,;")
    if not url.lower().startswith(("http://", "https://")):
        url = "http://" + url
    url = quote(url, safe=":/?#[]@!$&'()*+,;=%~")
    try:
        VALIDATE_URL(url)
    except ValidationError:
        return None
    return url[:800]


def host_of(url):
    return (urlsplit(url).hostname or "").removeprefix("www.")


def find_title(text):
    for pattern in TITLES:
        if match := pattern.search(text):
            title = clean(match.group(1)).strip(" ,.;")
            if len(title) > 3:
                return title, match.end()
    return "", 0


def find_date(text, allow_year=True):
    """(date, precision, start offset) of the publication date, or (None, "day", -1).

    A lone year is only trusted when asked (after a quoted title: "“Title”, 2004"); elsewhere
    it is as likely to be part of a reference number or of quoted prose.
    """

    def usable(match):
        return "accessed" not in text[max(0, match.start() - 20) : match.start()].lower()

    for match in DAY_MONTH_YEAR.finditer(text):
        if usable(match):
            day, month, year = match.group(1), MONTHS[match.group(2)[:3].lower()], match.group(3)
            if result := _date(year, month, day):
                return result, "day", match.start()
    for match in NUMERIC.finditer(text):
        if usable(match) and (result := _date(match.group(3), match.group(2), match.group(1))):
            return result, "day", match.start()
    for match in MONTH_YEAR.finditer(text):
        if usable(match) and (result := _date(match.group(2), MONTHS[match.group(1).lower()], 1)):
            return result, "month", match.start()
    years = [m for m in YEAR.finditer(text) if usable(m)]
    if allow_year and len(years) == 1:
        return date(int(years[0].group(1)), 1, 1), "year", years[0].start()
    return None, "day", -1


def _date(year, month, day):
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return value if 1900 <= value.year <= 2100 else None


def segments(text, links):
    """Pairs (link, the citation text before it) for each link, in order. A link that does not
    occur in the text gets None; so does everything when there are no links."""
    return segments_and_rest(text, links)[0]


def segments_and_rest(text, links):
    """``segments`` and the text after the last link found in it (the whole text if none is)."""
    pairs, cursor = [], 0
    for link in links:
        needle = (link or "").strip()
        pos = text.find(needle, cursor) if needle else -1
        if pos < 0:
            pairs.append((link, None))
            continue
        # A link that is a whole citation ("'Title', Publisher, 2015, https://…") describes
        # itself: its text before the URL joins the segment.
        match = URLISH.search(needle)
        prefix = needle[: match.start()] if match else needle
        pairs.append((link, text[cursor:pos] + " " + prefix))
        cursor = pos + len(needle)
    return pairs, text[cursor:]


def titled_citations(segment):
    """The citations in a stretch of citation text, each with its quoted title: the stretch cut
    at "&" or ";" when every piece has a title of its own ("'A', PI, 2014 & B, “C”, Access"),
    else the stretch itself. None of them when it has no quoted title (a stray bracket, a
    comma, a list of authors)."""
    text = re.sub(r"<[^<>]*>?|>", " ", segment or "")
    pieces = [piece for piece in re.split(r"\s+&\s+|;\s+", text) if clean(piece)]
    titled = [piece for piece in pieces if find_title(describe(piece))[0]]
    if len(pieces) > 1 and len(titled) == len(pieces):
        return pieces
    return [text] if find_title(describe(text))[0] else []


def links_in(text):
    """URLs written in a citation text: in angle brackets, or bare."""
    found = [m.group(1) for m in re.finditer(r"<\s*([^<>]+?)\s*>", text)]
    found = [link for link in found if clean_url(link)]
    if not found:
        found = [m.group(1) for m in URLISH.finditer(text)]
    return found


def describe(segment):
    """The citation text of one source, tidied: no brackets, no trailing "available at"."""
    text = clean(segment)
    text = re.sub(r"(?i)[,\s]*(available at:?|at:?)\s*$", "", text)
    return text.strip(" ,.<>&").strip()


def source_spec(*, url, segment, full_text, cited_by, raw_link=None, slug_text=None):
    """A SourceSpec for one cited source (``url`` may be None). A source without a URL gets its
    slug from ``slug_text`` (its own citation) when given, else from the whole citation text."""
    text = describe(segment or "")
    title, title_end = find_title(text)
    published_on, precision, date_start = find_date(
        text[title_end:] if title else text, allow_year=bool(title)
    )
    publisher, kind, language = PUBLISHERS.get(host_of(url), ("", OTHER, "")) if url else ("",) * 3
    kind = kind or OTHER
    if not publisher and title:
        rest = text[title_end:]
        between = (rest[:date_start] if date_start >= 0 else rest).strip(" ,.”’'\"")
        if 0 < len(between) <= 60 and not re.search(r"\d", between):
            publisher = between
    if not publisher and not url:
        for prefix, (issuer, issuer_kind) in ISSUERS.items():
            if text.lower().startswith(prefix):
                publisher, kind = issuer, issuer_kind
    if not url and (known := BY_PUBLISHER.get(publisher.casefold())):
        # A publisher we know by its site, cited without a link: the same kind of text.
        kind, language = known
    if not title:
        title = text if len(text) <= 300 else text[:299].rstrip() + "…"
    if not title:
        where = host_of(url) if url else "an unnamed place"
        title = f"Document at {where} (title not given by {cited_by})"
    notes = f"Cited by {cited_by} as: {clean(full_text)}"
    if raw_link and url and clean(raw_link) != url:
        notes += f"\nLink as the dataset gives it: {clean(raw_link)}"
    if url:
        slug = f"{slugify_ascii(host_of(url) + urlsplit(url).path, 90)}-{short_hash(url, 6)}"
    else:
        key = clean(slug_text or full_text)
        slug = f"{slugify_ascii(key, 70)}-{short_hash(key, 6)}"
    return SourceSpec(
        slug=slug,
        title=title,
        url=url,
        publisher=publisher,
        published_on=published_on,
        published_on_precision=precision,
        language=language,
        kind=kind,
        notes=notes,
    )


def cited_sources(text, links, *, cited_by):
    """SourceSpecs for a record's citation text and link list (at least one if there is text).

    One source per distinct URL, and one without a URL for each titled citation that has no
    usable link (see ``titled_citations``); when no link is a URL, one source for the whole text.
    """
    text = text if isinstance(text, str) else ""
    links = [link for link in (links or []) if isinstance(link, str) and link.strip()]
    if not any(clean_url(link) for link in links):
        links = links_in(text) or links
    specs, seen = [], set()

    def unlinked(segment):
        for piece in titled_citations(segment):
            spec = source_spec(
                url=None,
                segment=piece,
                full_text=text,
                cited_by=cited_by,
                slug_text=describe(piece),
            )
            if spec.slug not in seen:
                seen.add(spec.slug)
                specs.append(spec)

    pairs, rest = segments_and_rest(text, links)
    if not any(clean_url(link) for link in links):
        pairs, rest = [], ""
    for link, segment in pairs:
        url = clean_url(link)
        if url is None:
            unlinked(segment)  # a link that is not one: the citation before it may have a title
            continue
        if url in seen:
            continue
        seen.add(url)
        if segment is None and len(links) == 1:
            # The only link, written differently in the text: the whole text describes it.
            segment = re.sub(r"<[^<>]*>", "", text)
            if len(titled_citations(rest)) <= 1:
                rest = ""  # its one titled citation is this link's, not a second source
        elif segment is not None and len(pieces := titled_citations(segment)) > 1:
            # Citations without a link of their own precede this one's: each is a source.
            for piece in pieces[:-1]:
                unlinked(piece)
            segment = pieces[-1]
        specs.append(
            source_spec(url=url, segment=segment, full_text=text, cited_by=cited_by, raw_link=link)
        )
    unlinked(rest)  # titled citations after the last link ("…, Russia Today, 2013, <>")
    if not specs and clean(text):
        segment = re.sub(r"<[^<>]*>", "", text)
        specs.append(source_spec(url=None, segment=segment, full_text=text, cited_by=cited_by))
    return specs


# --- One work, one Source ------------------------------------------------------------------------

DOI = re.compile(r"\b(10\.\d{4,9}/[^\s?#]+)", re.I)
GENERIC_TITLE = re.compile(r"^document at .* \(title not given by .*\)$")


def text_key(text):
    """A title or publisher as compared: case, spacing, surrounding quotes and stops ignored."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(text.split()).strip(" .,;:'\"“”\u2018\u2019«»")


def url_key(url):
    """A URL as compared: no scheme, no "www.", host in lower case, no trailing slash, no "#…"."""
    if not url:
        return ""
    parts = urlsplit(url.strip() if "://" in url else "http://" + url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def doi_of(url):
    """The DOI a URL holds ("https://doi.org/10.17632/x.1" → "10.17632/x.1"), lower case, or ""."""
    match = DOI.search(unquote(url or ""))
    return match.group(1).rstrip(".,;/").lower() if match else ""


def same_work(*, url=None, title="", publisher="", exclude_pk=None, need_one_without_url=True):
    """Existing Sources that are the same work: (Source, why) pairs, best first.

    - the same URL written differently (``url_key``), or the same DOI;
    - the same title and publisher (``text_key``; not a "Document at …" placeholder). With
      ``need_one_without_url`` (the importers), only when both are given and the spec or the
      existing source has no URL: two different URLs under one title may be two works. Without
      it (the admin's warning, which an editor can overrule), two empty publishers also match.
    """
    found, seen = [], {exclude_pk}

    def add(source, why):
        if source.pk not in seen:
            seen.add(source.pk)
            found.append((source, why))

    sources = Source.objects.order_by("pk")
    if key := url_key(url):
        host_path = key.split("?")[0]
        for source in sources.filter(url__icontains=host_path):
            if url_key(source.url) == key:
                add(source, "the same URL")
    if doi := doi_of(url):
        for source in sources.filter(url__icontains=doi.split("/", 1)[1][:50]):
            if doi_of(source.url) == doi:
                add(source, "the same DOI")
    title_k, publisher_k = text_key(title), text_key(publisher)
    if title_k and (publisher_k or not need_one_without_url) and not GENERIC_TITLE.match(title_k):
        words = sorted(re.findall(r"[a-z0-9]{3,}", title_k), key=len, reverse=True)
        candidates = sources.filter(title__icontains=words[0]) if words else sources
        if need_one_without_url and url:
            candidates = candidates.filter(url__isnull=True)
        for source in candidates:
            if text_key(source.title) == title_k and text_key(source.publisher) == publisher_k:
                add(source, "the same title and publisher")
    return found
