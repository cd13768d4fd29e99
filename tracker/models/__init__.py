"""The tracker's data model, one concept per module."""

from .corrections import Correction
from .countries import Country
from .deployments import Citation, Deployment
from .designations import Designation
from .findings import Finding
from .site_data import SiteDataLoad
from .sources import DatePrecision, Source
from .tallies import FLOW_BASE, FacetFact, FacetPair, FacetTally, FacetTriple, Fact
from .technologies import Technology
from .vendors import Vendor, VendorAlias, VendorRelation

__all__ = [
    "FLOW_BASE",
    "Citation",
    "Correction",
    "Country",
    "DatePrecision",
    "Deployment",
    "Designation",
    "FacetFact",
    "FacetPair",
    "FacetTally",
    "FacetTriple",
    "Fact",
    "Finding",
    "SiteDataLoad",
    "Source",
    "Technology",
    "Vendor",
    "VendorAlias",
    "VendorRelation",
]
