"""What the facets, the map, the timeline and the home page's totals count, kept ready.

Counting a million entries per facet on every request took seconds (docs/performance.md). So
each published entry's countable facts are kept as rows of ``FacetFact`` (its country, each
vendor, each technology, each origin, its status, kind of evidence, start year, each dataset and
each source it cites), and ``FacetTally`` holds their totals over every published entry.
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
