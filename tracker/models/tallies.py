"""What the facets, the map, the timeline and the home page's totals count, kept ready.

Counting a million entries per facet on every request took seconds (docs/performance.md). So
each published entry's countable facts are kept as rows of ``FacetFact`` (its country, each
vendor, each technology, each origin, its status, kind of evidence, start year, each dataset and
each source it cites), and ``FacetTally`` holds their totals over every published entry.
``FacetPair`` holds, for each fact, the totals of the other facts over the entries that have
it (how many of Romania's entries name each vendor, each year…): a list filtered on one value,
and a country's or a vendor's page, read those instead of counting the entries.
The unfiltered list and the home page read the tallies (a few hundred rows, whatever the number
of entries); a filtered list counts the facts of the entries it matches, one narrow index-only
query for all facets at once. Both are derived: tracker.browse.tallies keeps them current when
anything they are made of changes, and can rebuild them from scratch.
"""

from django.db import models


class Fact(models.IntegerChoices):
    """What a fact's ``key`` is: a row id, or a code (status and evidence: their position)."""

    COUNTRY = 1, "country (id)"
    ORIGIN = 2, "technology from (country id)"
    VENDOR = 3, "vendor (id)"
    TECHNOLOGY = 4, "technology (id)"
    STATUS = 5, "status (position in Deployment.Status)"
    EVIDENCE = 6, "kind of evidence (position in Deployment.Evidence, 0: not stated)"
    YEAR = 7, "start year (0: not known)"
    DATASET = 8, "dataset cited (source id)"
    SOURCE = 9, "source cited (source id)"
    FLOW = 10, "from an origin to the country (origin id * FLOW_BASE + country id; origin 0: none)"


# Country ids stay below this: a flow's key holds two of them.
FLOW_BASE = 100_000


class FacetFact(models.Model):
    """One countable fact of one published entry; an entry not published has none."""

    pk = models.CompositePrimaryKey("deployment", "fact", "key")
    deployment = models.ForeignKey(
        "tracker.Deployment",
        on_delete=models.CASCADE,
        related_name="facet_facts",
        db_index=False,  # facetfact_by_entry_idx starts with it
    )
    fact = models.PositiveSmallIntegerField(choices=Fact)
    key = models.IntegerField()
    # Published and not marked "never completed": what every facet but the status one counts.
    counted = models.BooleanField()

    class Meta:
        indexes = [
            # A filtered list's facet counts: the facts of each matching entry, read from this
            # index alone (counted included), never from the table.
            models.Index(
                fields=["deployment", "fact", "key", "counted"], name="facetfact_by_entry_idx"
            ),
            # The tallies' recount after a change: how many entries have one fact, from here.
            models.Index(fields=["fact", "key", "counted"], name="facetfact_recount_idx"),
        ]

    def __str__(self):
        return f"{self.deployment_id}: {Fact(self.fact).label} {self.key}"


class FacetTally(models.Model):
    """How many published entries have a fact, over every published entry."""

    pk = models.CompositePrimaryKey("fact", "key")
    fact = models.PositiveSmallIntegerField(choices=Fact)
    key = models.IntegerField()
    counted = models.PositiveIntegerField(help_text="Published, less those never completed.")
    published = models.PositiveIntegerField(help_text="Every published entry.")

    class Meta:
        verbose_name_plural = "facet tallies"

    def __str__(self):
        return f"{Fact(self.fact).label} {self.key}: {self.counted}"


# The facts a pair can be "given" (those a filter or a profile page selects on), and those
# counted beside them (every facet's, the flows). Sources are neither: cited by few entries each,
# they would multiply the pairs without serving a page.
PAIRED_GIVEN = (
    Fact.COUNTRY,
    Fact.ORIGIN,
    Fact.VENDOR,
    Fact.TECHNOLOGY,
    Fact.STATUS,
    Fact.EVIDENCE,
    Fact.YEAR,
    Fact.DATASET,
)
PAIRED_COUNTED = (*PAIRED_GIVEN, Fact.FLOW)


class FacetPair(models.Model):
    """How many published entries with the given fact have another fact too.

    Kept by difference when an entry's facts are rewritten (tracker.browse.pairs), in the same
    transaction as the facts, and rebuilt from them by ``rebuild()``. Two facts of one kind pair
    only with themselves (the given country's own count: the map, the result count); "vendor A
    with vendor B" serves no page.
    """

    pk = models.CompositePrimaryKey("given_fact", "given_key", "fact", "key")
    given_fact = models.PositiveSmallIntegerField(choices=Fact)
    given_key = models.IntegerField()
    fact = models.PositiveSmallIntegerField(choices=Fact)
    key = models.IntegerField()
    counted = models.IntegerField(help_text="Published, less those never completed.")
    published = models.IntegerField(help_text="Every published entry with both facts.")

    def __str__(self):
        return (
            f"{Fact(self.given_fact).label} {self.given_key} → "
            f"{Fact(self.fact).label} {self.key}: {self.counted}"
        )


# Two facts given together, for the questions the site's own links ask ("facial recognition
# in Serbia", "from China to Serbia", "facial recognition from China", and from a vendor's page
# "this vendor in Serbia", "this vendor's facial recognition"): a list filtered on both reads
# its counts from ``FacetTriple``. Kinds in ascending fact order.
TRIPLE_KINDS = (
    (Fact.COUNTRY, Fact.ORIGIN),
    (Fact.COUNTRY, Fact.VENDOR),
    (Fact.COUNTRY, Fact.TECHNOLOGY),
    (Fact.ORIGIN, Fact.TECHNOLOGY),
    (Fact.VENDOR, Fact.TECHNOLOGY),
)


class FacetTriple(models.Model):
    """How many published entries with two given facts (of ``TRIPLE_KINDS``) have a third.

    Kept like ``FacetPair``: by difference with the facts, rebuilt from them by ``rebuild()``.
    """

    pk = models.CompositePrimaryKey(
        "given_fact", "given_key", "also_fact", "also_key", "fact", "key"
    )
    given_fact = models.PositiveSmallIntegerField(choices=Fact)
    given_key = models.IntegerField()
    also_fact = models.PositiveSmallIntegerField(choices=Fact)
    also_key = models.IntegerField()
    fact = models.PositiveSmallIntegerField(choices=Fact)
    key = models.IntegerField()
    counted = models.IntegerField(help_text="Published, less those never completed.")
    published = models.IntegerField(help_text="Every published entry with the three facts.")

    def __str__(self):
        return (
            f"{Fact(self.given_fact).label} {self.given_key} and "
            f"{Fact(self.also_fact).label} {self.also_key} → "
            f"{Fact(self.fact).label} {self.key}: {self.counted}"
        )
