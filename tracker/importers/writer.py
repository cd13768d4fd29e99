"""Writes import plans to the database, counting what it created, updated or left unchanged.

Matching rules (what makes a second run a no-op):

- Deployment: by external id, then by slug (derived from the external id). Its fields, vendors,
  origin countries and technologies are compared with the plan and saved only when they differ.
  A new entry is published through tracker.editorial.workflow.publish (which checks that it
  cites a source with a URL) or, if that refuses, kept as a draft and reported. An existing entry's
  publication state is left alone: an editor's unpublishing or retraction stands.
- Citation: by (deployment, source, locator, quote), the model's own uniqueness; a citation the
  import owns (see DeploymentSpec) and the file no longer gives is removed.
- Source: by URL, then by slug. A source the plan owns (``SourceSpec.owned``) and finds under its
  own slug is updated when its fields differ; any other existing source (an editor's, or one
  another importer created for the same URL) is used as it is. A source neither finds is looked
  for as the same work (sources.same_work: URL written differently, DOI, or title and publisher
  where one of the two has no URL); a match without a URL gets the spec's.
- Vendor: by slug (when the record gives one), then name, then alias, case-insensitively. New
  vendors get a slug from their name; an existing vendor's fields are never overwritten, except
  that a missing head office is filled in, from the first record (of this run, in file order)
  that ties the one company to one country. A variant spelling is kept as a VendorAlias.
- Technology: by slug; created from technologies.EXTRA when missing, never overwritten.
"""

from contextlib import contextmanager

from tracker.browse import search, tallies
from tracker.editorial import corroboration, workflow
from tracker.models import (
    Citation,
    Country,
    Deployment,
    Finding,
    Source,
    Technology,
    Vendor,
    VendorAlias,
)
from tracker.models.vendors import name_key
from tracker.ops import cache as page_cache

from . import technologies
from .base import ImportConflict, slugify_ascii
from .country_names import normalize
from .sources import same_work


@contextmanager
def deferred_search_refresh():
    """Rebuild each touched deployment's search document once, at the end of the block.

    tracker.signals refreshes a deployment's search document on every save of it, of its
    relations and of its citations: six times per imported entry, most of an import's time.
    Inside this block the refreshes are collected instead (tracker.browse.search.refresh is
    swapped for a collector) and run once per deployment when the block succeeds. Use it inside the
    run's transaction, in a single-threaded process (a management command, a test).
    """
    original, pending = search.refresh, set()
    # The facet facts and tallies too (tracker.browse.tallies): refreshed at every save, they
    # made an import four times slower; the entries they count are the same.
    original_tallies, pending_tallies = tallies.refresh, set()

    def collect(deployment_ids):
        pending.update(deployment_ids)

    def collect_tallies(deployment_ids):
        pending_tallies.update(deployment_ids)

    search.refresh, tallies.refresh = collect, collect_tallies
    try:
        # Readers' cached pages too: replaced once below, not at every save.
        with corroboration.deferred(), page_cache.deferred_bumps():
            yield
    finally:
        search.refresh, tallies.refresh = original, original_tallies
    original(sorted(pending))  # in chunks: tracker.browse.search.REFRESH_CHUNK
    original_tallies(pending_tallies)
    # The refreshes above write with update(), which no signal reports: readers' cached pages
    # (imports, load_site_data) are replaced here, and again when the run's transaction commits.
    page_cache.bump()


def _stated(objects, states):
    """The pks a citation states: all of ``objects`` (True), none (False), or those named."""
    if isinstance(states, list | tuple | set):
        names = {normalize(name) for name in states}
        return {obj.pk for obj in objects if normalize(obj.name) in names}
    return {obj.pk for obj in objects} if states else set()


class Writer:
    def __init__(self, tally, reason="import"):
        self.tally = tally
        self.reason = reason[:100]
        self.countries = dict(Country.objects.values_list("iso2", "pk"))
        self.sources = {}
        self.vendors = {}
        self.techs = {}
        self.aliases_seen = set()

    # --- Generic -------------------------------------------------------------------------------

    def _reason(self, obj):
        """The change reason the edit history shows (django-simple-history reads it)."""
        obj._change_reason = self.reason

    def sync(self, model, obj, lookup, values, label):
        """Create ``obj`` (None) from lookup+values, or update the fields that differ."""
        name = model._meta.model_name
        if obj is None:
            obj = model(**lookup, **values)
            self._reason(obj)
            obj.save()
            self.tally.add(name, "created", label)
            return obj
        changed = [key for key, value in values.items() if getattr(obj, key) != value]
        if changed:
            for key in changed:
                setattr(obj, key, values[key])
            self._reason(obj)
            obj.save()
            self.tally.add(name, "updated", f"{label} ({', '.join(changed)})")
        else:
            self.tally.add(name, "unchanged")
        return obj

    # --- Sources -------------------------------------------------------------------------------

    def source(self, spec):
        key = spec.url or f"slug:{spec.slug}"
        if key in self.sources:
            return self.sources[key]
        existing = Source.objects.filter(url=spec.url).first() if spec.url else None
        if existing is None:
            existing = Source.objects.filter(slug=spec.slug).first()
            if existing is not None and spec.url and existing.url and existing.url != spec.url:
                raise ImportConflict(
                    f"source slug {spec.slug!r} is taken by {existing.url}, not {spec.url}"
                )
        if existing is None and spec.match_title and not spec.url:
            existing = Source.objects.filter(title=spec.title).order_by("pk").first()
        if existing is None:
            # The same work under another URL spelling, DOI or citation (sources.same_work).
            same = same_work(url=spec.url, title=spec.title, publisher=spec.publisher)
            existing = same[0][0] if same else None
            if existing is not None and spec.url and not existing.url:
                # Filled in, as a vendor's missing head office is, and described as the
                # citation that gives the URL describes it. The slug a URL gives is the one a
                # site that loaded an earlier fixture (where the two were separate rows)
                # already holds for this URL, so later loads keep matching.
                if not Source.objects.filter(slug=spec.slug).exists():
                    existing.slug = spec.slug
                source = self.sync(Source, existing, {}, spec.values(), existing.slug)
                self.sources[key] = source
                return source
        if existing is not None and not (spec.owned and existing.slug == spec.slug):
            self.tally.add("source", "unchanged")
            source = existing
        else:
            values = spec.values()
            if existing is not None and existing.url and not spec.url:
                del values["url"]  # given by another citation of the same work: kept
            source = self.sync(Source, existing, {"slug": spec.slug}, values, spec.slug)
        self.sources[key] = source
        return source

    # --- Vendors -------------------------------------------------------------------------------

    def vendor(self, ref):
        key = (ref.slug or "", normalize(ref.name))
        vendor = self.vendors.get(key)
        cited = ref.headquarters and ref.headquarters_citation
        hq = self.countries.get(ref.headquarters) if cited else None
        if vendor is not None and vendor.headquarters_id is None and hq:
            # A later record ties the company to one country where the first did not (Verint:
            # "United States of America, Israel", then "Israel"): it fills the missing head
            # office. Read again first: another spelling's lookup may have filled it already.
            vendor.refresh_from_db(fields=["headquarters"])
            if vendor.headquarters_id is None:
                self._locate(vendor, hq, ref.headquarters_citation)
                vendor.save()
                self.tally.add("vendor", "updated", f"{vendor.slug} (headquarters)")
        if vendor is None:
            vendor = self._find_vendor(ref)
            if vendor is None:
                vendor = Vendor(name=ref.name, slug=ref.slug or self._vendor_slug(ref.name))
                self._locate(vendor, hq, ref.headquarters_citation)
                vendor.save()
                self.tally.add("vendor", "created", vendor.slug)
            elif vendor.headquarters_id is None and hq:
                self._locate(vendor, hq, ref.headquarters_citation)
                vendor.save()
                self.tally.add("vendor", "updated", f"{vendor.slug} (headquarters)")
            else:
                self.tally.add("vendor", "unchanged")
            self.vendors[key] = vendor
        for spelling in {ref.seen, ref.name}:
            self._alias(vendor, spelling)
        return vendor

    def _locate(self, vendor, country_id, citation):
        if country_id:
            vendor.headquarters_id = country_id
            vendor.headquarters_source = self.source(citation.source)
            vendor.headquarters_quote = citation.quote
            vendor.headquarters_locator = citation.locator

    def _find_vendor(self, ref):
        if ref.slug and (vendor := Vendor.objects.filter(slug=ref.slug).first()):
            return vendor
        for name in (ref.name, ref.seen):
            if not name:
                continue
            if vendor := Vendor.objects.filter(name_key=name_key(name)).first():
                return vendor
            alias = VendorAlias.objects.select_related("vendor").filter(name_key=name_key(name))
            if alias := alias.first():
                return alias.vendor
        return None

    def _vendor_slug(self, name):
        base = slugify_ascii(name, max_length=110) or "vendor"
        slug, n = base, 2
        while Vendor.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def _alias(self, vendor, spelling):
        """Keep a spelling that differs from the vendor's name (beyond case) as an alias."""
        spelling = " ".join((spelling or "").split())
        if not spelling or normalize(spelling) == normalize(vendor.name):
            return
        key = normalize(spelling)
        if key in self.aliases_seen:
            return
        self.aliases_seen.add(key)
        alias = VendorAlias.objects.filter(name_key=name_key(spelling)).first()
        if alias is None:
            VendorAlias.objects.create(vendor=vendor, name=spelling)
            self.tally.add("vendoralias", "created", f"{spelling} → {vendor.slug}")
        elif alias.vendor_id != vendor.pk:
            raise ImportConflict(
                f"the spelling {spelling!r} is already an alias of vendor #{alias.vendor_id}, "
                f"not of {vendor.name}"
            )
        else:
            self.tally.add("vendoralias", "unchanged")

    # --- Technologies --------------------------------------------------------------------------

    def technology(self, slug):
        if slug in self.techs:
            return self.techs[slug]
        tech = Technology.objects.filter(slug=slug).first()
        if tech is None:
            definition = technologies.definition(slug)
            if definition is None:
                raise ImportConflict(f"technology {slug!r} is not in the vocabulary")
            name, description = definition
            if Technology.objects.filter(name__iexact=name).exists():
                raise ImportConflict(f"a technology named {name!r} exists under another slug")
            name_fr, description_fr = technologies.french_definition(slug)
            tech = Technology.objects.create(
                slug=slug,
                name=name,
                description=description,
                name_fr=name_fr,
                description_fr=description_fr,
            )
            self.tally.add("technology", "created", slug)
        else:
            self.tally.add("technology", "unchanged")
        self.techs[slug] = tech
        return tech

    # --- Findings ------------------------------------------------------------------------------

    def finding(self, spec):
        """A country-level statement, matched by slug; its fields and links kept as planned."""
        source = self.source(spec.citation.source)
        values = {
            "statement": spec.statement,
            "as_of": spec.as_of,
            "as_of_precision": spec.as_of_precision,
            "source_id": source.pk,
            "quote": spec.citation.quote,
            "locator": spec.citation.locator[:200],
        }
        finding = Finding.objects.filter(slug=spec.slug).first()
        created = finding is None
        if created:
            finding = Finding(slug=spec.slug, **values)
        changed = [name for name, value in values.items() if getattr(finding, name) != value]
        if created or changed:
            for name, value in values.items():
                setattr(finding, name, value)
            self._reason(finding)
            finding.save()
        wanted = {
            "countries": {self.countries[iso2] for iso2 in spec.countries},
            "origin_countries": {self.countries[iso2] for iso2 in spec.origin_countries},
            "technologies": {self.technology(slug).pk for slug in spec.technologies},
        }
        for name, ids in wanted.items():
            manager = getattr(finding, name)
            if created or set(manager.values_list("pk", flat=True)) != ids:
                manager.set(ids)
                changed.append(name)
        if created:
            self.tally.add("finding", "created", spec.slug)
        elif changed:
            self.tally.add("finding", "updated", f"{spec.slug} ({', '.join(changed)})")
        else:
            self.tally.add("finding", "unchanged")
        return finding

    # --- Deployments ---------------------------------------------------------------------------

    def deployment(self, spec):
        vendors = [self.vendor(ref) for ref in spec.vendors]
        techs = [self.technology(slug) for slug in spec.technologies]
        stated = {self.countries[iso2] for iso2 in spec.origin_countries}
        located = {v.headquarters_id for v in vendors if v.headquarters_id}
        if spec.origin_from_vendors and vendors and len(located) == len(vendors):
            # The technology comes from where the companies the source names are based, each
            # head office cited (BAE Systems: the United Kingdom, even where a record wrote
            # Denmark for its Danish unit).
            origins = {v.headquarters_id for v in vendors}
        elif spec.origin_from_vendors:
            origins = located | stated
        else:
            origins = stated
        values = {
            "title": spec.title[:300],
            "country_id": self.countries[spec.country],
            "locality": spec.locality[:200],
            "operator": spec.operator[:300],
            "status": spec.status,
            "evidence": spec.evidence,
            "year_kind": spec.year_kind,
            "start_year": spec.start_year,
            "end_year": spec.end_year,
            "year_note": spec.year_note[:100],
            "scale": spec.scale[:300],
            "summary": spec.summary,
        }
        if spec.external_id:
            values["external_id"] = spec.external_id
        existing = self._find_deployment(spec)
        if existing is None:
            # A new entry is saved as a draft, cited, then published through the workflow,
            # which checks its sources. An existing entry keeps its state: an editor's
            # unpublishing or retraction is never undone by a re-import.
            deployment = Deployment(slug=spec.slug, state=Deployment.State.DRAFT, **values)
            self._reason(deployment)
            deployment.save()
        else:
            deployment = existing
        changed = []
        wanted = {
            "vendors": {v.pk for v in vendors},
            "origin_countries": origins,
            "technologies": {t.pk for t in techs},
        }
        for name, ids in wanted.items():
            manager = getattr(deployment, name)
            if existing is None:
                manager.add(*ids)  # a new entry has none yet: set() would ask which
            elif set(manager.values_list("pk", flat=True)) != ids:
                manager.set(ids)
                changed.append(name)
        self._citations(deployment, spec, vendors, techs, new=existing is None)
        if existing is not None:
            fields = [key for key, value in values.items() if getattr(deployment, key) != value]
            if fields:
                for key in fields:
                    setattr(deployment, key, values[key])
                self._reason(deployment)
                deployment.save()
                changed.extend(fields)
        elif spec.publishable:
            try:
                self._reason(deployment)
                workflow.publish(deployment)
            except workflow.WorkflowError as exc:
                self.tally.notes.append(f"{spec.where}: kept as a draft: {exc}")
        if existing is None:
            self.tally.add("deployment", "created", f"{spec.slug} — {spec.title}")
        elif changed:
            self.tally.add("deployment", "updated", f"{spec.slug} ({', '.join(changed)})")
        else:
            self.tally.add("deployment", "unchanged")
        return deployment

    @staticmethod
    def _find_deployment(spec):
        """By external id, else by slug (an entry imported before it had an external id)."""
        if spec.external_id:
            found = Deployment.objects.filter(external_id=spec.external_id).first()
            if found is not None:
                return found
        found = Deployment.objects.filter(slug=spec.slug).first()
        if found and spec.external_id and found.external_id not in (None, spec.external_id):
            raise ImportConflict(
                f"slug {spec.slug!r} belongs to {found.external_id}, not {spec.external_id}"
            )
        return found

    def _citations(self, deployment, spec, vendors, techs, new=False):
        """Each citation, with the facts of the entry it states (vendors, technologies…).

        ``new``: the entry was created by this import, so it has no citation to read yet."""
        wanted = {}
        for citation in spec.citations:
            source = self.source(citation.source)
            attributed = self.source(citation.attributed_to) if citation.attributed_to else None
            key = (source.pk, citation.locator[:200], citation.quote)
            wanted.setdefault(key, (attributed.pk if attributed else None, citation))
        existing = (
            {}
            if new
            else {
                (c.source_id, c.locator, c.quote): c
                for c in deployment.citations.select_related("source").prefetch_related(
                    "vendors", "technologies"
                )
            }
        )
        for key, (attributed_id, spec_citation) in wanted.items():
            citation = existing.get(key)
            label = f"on {deployment.slug}"
            flags = {
                "attributed_to_id": attributed_id,
                "states_year": spec_citation.states_year,
                "states_place": spec_citation.states_place,
                "states_evidence": spec_citation.states_evidence,
            }
            stated_vendors = _stated(vendors, spec_citation.states_vendors)
            stated_techs = _stated(techs, spec_citation.states_technologies)
            if citation is None:
                source_id, locator, quote = key
                citation = Citation(
                    deployment=deployment,
                    source_id=source_id,
                    locator=locator,
                    quote=quote,
                    **flags,
                )
                self._reason(citation)
                citation.save()
                citation.vendors.add(*stated_vendors)
                citation.technologies.add(*stated_techs)
                self.tally.add("citation", "created", label)
                continue
            changed = [name for name, value in flags.items() if getattr(citation, name) != value]
            if {v.pk for v in citation.vendors.all()} != stated_vendors:
                citation.vendors.set(stated_vendors)
                changed.append("vendors")
            if {t.pk for t in citation.technologies.all()} != stated_techs:
                citation.technologies.set(stated_techs)
                changed.append("technologies")
            if changed:
                for name, value in flags.items():
                    setattr(citation, name, value)
                self._reason(citation)
                citation.save()
                self.tally.add("citation", "updated", label)
            else:
                self.tally.add("citation", "unchanged")
        for key, citation in existing.items():
            if key in wanted:
                continue
            owned = (
                spec.owns_all_citations
                or citation.source.slug == spec.owned_source_slug
                or (
                    spec.owned_locator_prefix
                    and citation.locator.startswith(spec.owned_locator_prefix)
                )
            )
            if owned:
                citation.delete()
                self.tally.add("citation", "removed", f"on {deployment.slug}")
