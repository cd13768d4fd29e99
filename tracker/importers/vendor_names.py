"""Vendor names as the datasets write them: one reviewed table of spellings, and the rules for
cells that name several companies, none, or a company in a particular role.

- ``VARIANTS`` folds a spelling into the vendor it means ("Hikvsion" → Hikvision). The
  variant is kept as a VendorAlias, so search and later imports find the one vendor. Case alone
  is not a variant: vendor names are unique whatever their case.
- ``UNNAMED_SEVERAL`` ("Mult" in the AIGS) means several companies the dataset does not name:
  no vendor is invented; importers note it in the entry's summary and in their report.
- A cell listing several companies ("Huawei, ZTE, …, and Yixin") is split on commas and a final
  "and": each company becomes a vendor of its own.
- A role in brackets ("MI Marathon (broker)", "TNS-Service (reseller)") is taken off the name
  and stated in the summary. Decision: the broker or reseller *is* recorded as the vendor, since
  it is the company the source names as selling; the manufacturer is not known from the record.
- Head offices are not in this module. A vendor's head office is a fact like any other: it is
  recorded only where a source gives it (the SII's ``supplier_company_hq`` when a record names
  one company and one country; the article for the Chinese vendors it names), never from a
  table of what "everyone knows". The AIGS gives none, so a vendor known only from it has no
  head office until an editor adds one with a source, and its AIGS entries no origin.

Matching is exact on the normalized name (case, accents and spacing ignored), never fuzzy.
"""

import re

from .country_names import normalize

# Normalized variant → the vendor's canonical name.
VARIANTS = {
    "hikvsion": "Hikvision",  # AIGS, United Arab Emirates row
    "iomnicient": "iOmniscient",  # AIGS, Bahrain and Hong Kong rows
    "zte corporation": "ZTE",  # SII
    "bae": "BAE Systems",  # AIGS and SII ("ETI A/S, BAE")
    "elbit": "Elbit Systems",  # AIGS; SII writes "Elbit Systems"
    "nice": "NICE Systems",  # AIGS; SII writes "NICE Systems"
    "face++": "Megvii",  # AIGS China row: Face++ is Megvii's platform, named beside Megvii
    "net app": "NetApp",  # SII
    "gatekeeper": "Gatekeeper",  # AIGS writes both "Gatekeeper" and "GateKeeper"
}

# Canonical spellings for names that only differ in case between rows.
CANONICAL = {normalize(name): name for name in ("iOmniscient", "Gatekeeper", "NetApp", "ZTE")}

UNNAMED_SEVERAL = {"mult", "multiple", "several"}

ROLE = re.compile(r"\s*\((broker|reseller)\)\s*$", re.IGNORECASE)
# Commas, and a spaced "and" or "&" ("…, CEIEC, and Yixin"); "AT&T" stays whole. A company
# whose name contains a spaced "and" would need an entry in VARIANTS written without it.
SPLIT = re.compile(r"\s*[,;]\s*(?:and\s+)?|\s+(?:and|&)\s+", re.IGNORECASE)


class VendorName:
    """One company named in a cell: the canonical name, the spelling seen, and its role."""

    def __init__(self, seen, role=""):
        self.seen = " ".join(seen.split())
        self.role = role
        key = normalize(self.seen)
        self.name = VARIANTS.get(key) or CANONICAL.get(key) or self.seen

    @property
    def is_variant(self):
        """True when the spelling seen is not the canonical name (case aside)."""
        return normalize(self.seen) != normalize(self.name)

    def __repr__(self):
        return f"VendorName({self.seen!r} → {self.name!r})"

    def __eq__(self, other):
        return isinstance(other, VendorName) and (self.seen, self.role) == (other.seen, other.role)

    def __hash__(self):
        return hash((self.seen, self.role))


def parse_cell(text):
    """The companies a cell names, and whether it says "several unnamed companies".

    Returns ``(names, several_unnamed)``; an empty cell gives ``([], False)``.
    """
    names, several = [], False
    for part in SPLIT.split(str(text or "")):
        part = part.strip(" .")
        if not part:
            continue
        if normalize(part) in UNNAMED_SEVERAL:
            several = True
            continue
        role = ""
        if match := ROLE.search(part):
            role = match.group(1).lower()
            part = part[: match.start()].strip()
        if part:
            names.append(VendorName(part, role))
    return names, several
