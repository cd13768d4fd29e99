"""Atom feeds of newly published deployments: all of them, per country and per vendor.

Each feed lists 50 entries in the order of ``?sort=newest`` (Deployment.newest_first: first
published on this site, newest first, then the entry created last). An entry's id is its
permalink, its summary the entry's summary followed by the first quoted source, its
``published`` date when it was published and its ``updated`` date when it last changed. The
feed's own id is its URL. Drafts never appear.
"""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.feedgenerator import Atom1Feed, Stylesheet
from django.utils.html import escape, format_html, format_html_join
from django.utils.xmlutils import SimplerXMLGenerator

from .exports import LICENCE, SITE_NAME
from .models import Citation, Country, Deployment, Vendor
from .models.languages import permalink

FEED_LENGTH = 50


class TrackerAtomFeed(Atom1Feed):
    """Atom whose feed id is the feed's own URL (Django's default is the page it links to),
    with the feed's stylesheets named before the root element, as Django does only for RSS."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed["id"] = self.feed["feed_url"] or self.feed["id"]

    def write(self, outfile, encoding):
        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", str(stylesheet))
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")


class DeploymentFeed(Feed):
    """What every deployment feed shares; subclasses choose the deployments and the titles."""

    feed_type = TrackerAtomFeed
    # A browser opening a feed shows it as a page (its title, entries, and that it is meant
    # for a feed reader) instead of raw XML; feed readers ignore the stylesheet.
    stylesheets = [Stylesheet(reverse_lazy("feed-stylesheet"), mimetype="text/xsl")]
    author_name = SITE_NAME
    feed_copyright = (
        f"Data: {SITE_NAME}, {LICENCE}. Quotations remain the property of their publishers."
    )

    def __call__(self, request, *args, **kwargs):
        # Feeds keep one address and stay in English, whatever the browser's Accept-Language
        # (an entry written only in French shows its French title, said by its xml:lang).
        with translation.override("en"):
            response = super().__call__(request, *args, **kwargs)
        # Chromium shows application/atom+xml as plain text, stylesheet or not; a browser (it
        # asks for HTML) gets the same document as XML, which it renders with the stylesheet.
        # Feed readers keep the Atom type.
        if "text/html" in request.headers.get("Accept", ""):
            response["Content-Type"] = "application/xml; charset=utf-8"
        patch_vary_headers(response, ["Accept"])
        # Two versions of one URL: saying how to cache it keeps it out of the page cache
        # (tracker.ops.cache), which keys by URL alone; caches asked to revalidate honour Vary.
        patch_cache_control(response, public=True, no_cache=True)
        return response

    def deployments(self, obj):
        raise NotImplementedError

    def item_link(self, item):
        # Entry ids are their links: permalinks, so they never change with a language prefix.
        return permalink(item.get_absolute_url())

    def items(self, obj):
        return (
            self.deployments(obj)
            .counted()
            .select_related("country")
            .defer("search_document", "search_vector")
            .prefetch_related(
                "technologies",
                Prefetch("citations", queryset=Citation.objects.select_related("source")),
            )
            .newest_first()[:FEED_LENGTH]
        )

    def item_title(self, item):
        # Atom titles are text: Django's default escapes them once more for RSS's sake.
        return item.display_title

    def item_description(self, item):
        """The summary, then the first source's exact words and where they come from (HTML)."""
        summary = item.display_summary
        parts = [format_html("<p>{}</p>", summary)] if summary else []
        citation = next(iter(item.citations.all()), None)
        if citation and citation.quote:
            parts.append(
                format_html(
                    "<blockquote><p>{}</p></blockquote><p>— {}</p>",
                    citation.quote,
                    citation.source.title,
                )
            )
        return format_html_join("", "{}", ((part,) for part in parts)) or escape(item.display_title)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [
            item.country.display_name,
            *(technology.name for technology in item.technologies.all()),
        ]


class LatestDeploymentsFeed(DeploymentFeed):
    title = f"{SITE_NAME}: newly published deployments"
    subtitle = "Where surveillance technology has been exported, by whom, and the sources' words."

    def link(self):
        return permalink(reverse("deployment-list")) + "?sort=newest"

    def deployments(self, obj):
        return Deployment.objects.all()


class CountryDeploymentsFeed(DeploymentFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Country, slug=slug)

    def title(self, country):
        return f"{SITE_NAME}: deployments in {country.display_name}"

    def subtitle(self, country):
        return f"Surveillance technology deployments newly recorded in {country.display_name}."

    def link(self, country):
        return permalink(country.get_absolute_url())

    def deployments(self, country):
        return Deployment.objects.filter(country=country)


class VendorDeploymentsFeed(DeploymentFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Vendor, slug=slug)

    def title(self, vendor):
        return f"{SITE_NAME}: deployments supplied by {vendor.name}"

    def subtitle(self, vendor):
        return f"Deployments of surveillance technology newly attributed to {vendor.name}."

    def link(self, vendor):
        return permalink(vendor.get_absolute_url())

    def deployments(self, vendor):
        return Deployment.objects.filter(vendors=vendor)
