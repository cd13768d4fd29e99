"""The datasets' technology terms, mapped to the tracker's vocabulary (reviewed table).

Migration 0003 loads the starting vocabulary (facial-recognition, video-surveillance, safe-city,
predictive-policing, ai-video-analytics, qr-code-control). The datasets need more; ``EXTRA``
defines those entries, created the first time an import uses one (and never overwritten once they
exist: editors may reword them).

Decisions:
- AIGS "Smart Policing" is *not* folded into predictive-policing: the index uses it for police
  data platforms and analytics in general, of which forecasting is one kind. It gets its own
  entry, smart-policing.
- SII "Network infrastructure and services" and "Fibre taps / probes" are kept as the index's own
  categories (network-infrastructure, fibre-taps-probes) rather than folded into interception.
- The term as the dataset writes it is kept in the entry's summary, in quotation marks.

A term not in ``TERMS`` is refused with the term in the message; it is added here after review.
"""

from .country_names import normalize

# slug → (name, description). Names must not collide with existing Technology names.
EXTRA = {
    "lawful-interception": (
        "Lawful interception",
        "Systems telecom operators install so authorities can intercept calls and data on their "
        "networks (interception management and mediation).",
    ),
    "monitoring-centre": (
        "Monitoring centre",
        "Centres where intercepted communications are collected, stored and analysed.",
    ),
    "deep-packet-inspection": (
        "Deep packet inspection",
        "Equipment that reads the content of internet traffic to filter, throttle or record it.",
    ),
    "off-the-air-interception": (
        "Off-the-air interception (IMSI catchers)",
        "Equipment that intercepts mobile phone traffic over the air, such as IMSI catchers.",
    ),
    "intrusion-software": (
        "Intrusion software",
        "Spyware that infects phones or computers to read their data remotely.",
    ),
    "forensics": (
        "Forensics",
        "Tools that extract and analyse data from seized phones, computers and networks.",
    ),
    "biometrics": (
        "Biometrics",
        "Identification from fingerprints, voices, irises or other bodily features.",
    ),
    "location-tracking": (
        "Location tracking",
        "Systems that locate phones or people through the mobile network or other signals.",
    ),
    "internet-filtering": (
        "Internet filtering",
        "Equipment that blocks websites or online services for a whole network.",
    ),
    "fibre-taps-probes": (
        "Fibre taps and probes",
        "Devices attached to fibre-optic cables or network links to copy the traffic.",
    ),
    "network-infrastructure": (
        "Network infrastructure and services",
        "Telecom network equipment and services sold with, or as the base for, interception "
        "capabilities (the Surveillance Industry Index's category).",
    ),
    "laser-acoustic-detection": (
        "Laser acoustic detection",
        "Equipment that picks up speech from the vibrations of a window or other surface.",
    ),
    "smart-policing": (
        "Smart policing",
        "Data platforms and analytics for police forces: integrated databases, dashboards and "
        "forecasting (the AI Global Surveillance Index's category).",
    ),
    "social-media-surveillance": (
        "Social media surveillance",
        "Monitoring and analysis of what people publish on social media.",
    ),
}

# slug → (French name, French description) for EXTRA, shown on French pages (issue 14).
FRENCH = {
    "lawful-interception": (
        "Interception légale",
        "Systèmes que les opérateurs télécoms installent pour que les autorités puissent "
        "intercepter appels et données sur leurs réseaux (gestion et médiation de "
        "l'interception).",
    ),
    "monitoring-centre": (
        "Centre de surveillance",
        "Centres où les communications interceptées sont collectées, stockées et analysées.",
    ),
    "deep-packet-inspection": (
        "Inspection approfondie des paquets (DPI)",
        "Équipements qui lisent le contenu du trafic internet pour le filtrer, le ralentir ou "
        "l'enregistrer.",
    ),
    "off-the-air-interception": (
        "Interception hertzienne (IMSI-catchers)",
        "Équipements qui interceptent le trafic des téléphones mobiles par voie hertzienne, "
        "comme les IMSI-catchers.",
    ),
    "intrusion-software": (
        "Logiciels d'intrusion",
        "Logiciels espions qui infectent téléphones ou ordinateurs pour en lire les données à "
        "distance.",
    ),
    "forensics": (
        "Criminalistique numérique",
        "Outils qui extraient et analysent les données de téléphones, d'ordinateurs et de "
        "réseaux saisis.",
    ),
    "biometrics": (
        "Biométrie",
        "Identification par les empreintes digitales, la voix, l'iris ou d'autres traits "
        "corporels.",
    ),
    "location-tracking": (
        "Géolocalisation",
        "Systèmes qui localisent des téléphones ou des personnes par le réseau mobile ou "
        "d'autres signaux.",
    ),
    "internet-filtering": (
        "Filtrage d'internet",
        "Équipements qui bloquent des sites ou des services en ligne pour tout un réseau.",
    ),
    "fibre-taps-probes": (
        "Dérivations et sondes sur fibre",
        "Dispositifs branchés sur des câbles à fibre optique ou des liaisons réseau pour en "
        "copier le trafic.",
    ),
    "network-infrastructure": (
        "Infrastructures et services de réseau",
        "Équipements et services de réseaux télécoms vendus avec des capacités d'interception, "
        "ou comme leur base (la catégorie du Surveillance Industry Index).",
    ),
    "laser-acoustic-detection": (
        "Détection acoustique par laser",
        "Équipements qui captent la parole à partir des vibrations d'une vitre ou d'une autre "
        "surface.",
    ),
    "smart-policing": (
        "Police « intelligente »",
        "Plateformes de données et outils d'analyse pour la police : bases de données "
        "intégrées, tableaux de bord et prévision (la catégorie de l'AI Global Surveillance "
        "Index).",
    ),
    "social-media-surveillance": (
        "Surveillance des réseaux sociaux",
        "Suivi et analyse de ce que les gens publient sur les réseaux sociaux.",
    ),
}

# Normalized dataset term → slug. SII goods (with the case, spacing and spelling variants seen in
# sii-transfers.json) and the AIGS technology column headers.
TERMS = {
    "lawful interception": "lawful-interception",
    "lawful interception mediation": "lawful-interception",
    "monitoring centre": "monitoring-centre",
    "monitoring centres": "monitoring-centre",
    "monitoring center": "monitoring-centre",
    "deep packet inspection": "deep-packet-inspection",
    "deeo packet inspection": "deep-packet-inspection",  # SII typo, seen once
    "off the air interception": "off-the-air-interception",
    "off-the-air interception": "off-the-air-interception",
    "intrusion software": "intrusion-software",
    "forensics": "forensics",
    "biometrics": "biometrics",
    "location tracking": "location-tracking",
    "internet filters": "internet-filtering",
    "internet filtering": "internet-filtering",
    "fibre taps / probes": "fibre-taps-probes",
    "fiber taps / probes": "fibre-taps-probes",
    "network infrastructure and services": "network-infrastructure",
    "network infrastructure": "network-infrastructure",
    "laser acoustic detection equipment": "laser-acoustic-detection",
    # AIGS columns.
    "safe city system": "safe-city",
    "facial recognition system": "facial-recognition",
    "smart policing": "smart-policing",
    "social media surveillance": "social-media-surveillance",
}


def slug_for(term):
    """The vocabulary slug for a dataset term, or None when the term is not in the table."""
    return TERMS.get(normalize(term))


def definition(slug):
    """(name, description) for a slug this package may create, or None."""
    return EXTRA.get(slug)


def french_definition(slug):
    """(French name, French description) for a slug of EXTRA, or ("", "")."""
    return FRENCH.get(slug, ("", ""))
