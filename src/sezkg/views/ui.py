"""The words of the pages, in one place (English). Names of things come from the data, in the
reader's language where the data has it (see chrome.py); these are the words around them."""

from __future__ import annotations

SITE_TITLE = "sezkg: governance of Kazakhstan's special economic zones"
LICENCE_HTML = ('Data and ontology: <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>; '
                'code: MIT. Every fact names the source that states it.')
CITE_AS = "Cite as:"
NAMES_IN = "Names in"

NAV_REPORT = (("index.html", "Overview"), ("network.html", "Overlap network"), ("map.html", "Zone map"),
              ("matrix.html", "Organisation × function matrix"), ("validation.txt", "Validation report"),
              ("index.html#downloads", "Downloads"))

# The front page's first screen.
AT_A_GLANCE = "At a glance"
ZONES_TODAY = "Zones in force on {date}"
ZONES_TODAY_NOTE = "{open} of them only because no source gives their end."
GOVERNED_BY = "Who governs them: bodies whose mandates reach every zone"
OVERLAPS_HEAD = "Overlapping responsibilities"
OVERLAPS_NOTE = "{n:,} found, strongest evidence first. The first three:"
FINDINGS_HEAD = "What the 2021 state audit found"
DISAGREE_HEAD = "Where sources disagree"
DISAGREE_NOTE = "{n:,} facts with two values from two sources; both are kept."
FIGURES_HEAD = "Key figures"
MORE = "More"
# Where a list on the front page is cut (a KG of thousands of zones): how many more, and where all are.
MORE_ROWS = "… and {n:,} more, not listed here; every one is in {where}."
MATRIX_MORE = ("… and {n:,} organisations more, not listed here (those above: first the ones with a cell in an "
               "overlap, then others); every mandate is in the mandates table: tables/mandates.csv in the report, "
               "or `sezkg tables DIR`.")
MORE_CHARTS = "… and {n:,} charts more, from other sources; every figure is in {where}."
# The downloads of a report too large to write the KG in every form (see views.report).
LEFT_OUT = ("Not written at this size ({quads:,} statements, over {limit:,}): the N-Quads file holds every "
            "statement with its source, overlaps.json every overlap. Each file below is one command away; "
            "{every} writes them all.")
EVERY_EXPORT = "sezkg report --every-export"

# Charts.
CHART_SOURCE = "Source: {sources}."
CHART_PERIOD = "Period: {period}."
CHART_NO_DATE = "The source gives no date."

# The network page.
NETWORK_TITLE = "sezkg: overlap network"
NETWORK_INTRO = ("Organisations, the governance functions they hold, the zones their mandates reach and the audit "
                 "findings that name them. Coloured edges join organisations whose responsibilities overlap. "
                 "Drag to pan, scroll or pinch to zoom, click a node for its facts and sources.")
SEARCH = "Find by name (any language)"
ZONE_FILTER = "Zone"
FUNCTION_FILTER = "Function"
ALL_ZONES = "all zones"
ALL_FUNCTIONS = "all functions"
DETAILS = "Details"
SELECT_A_NODE = "Select a node to see what the sources say about it."
FIT = "Fit to window"

# The map page.
MAP_TITLE = "sezkg: where the zones are"
MAP_INTRO = ("Kazakhstan's regions (Natural Earth boundaries, before the 2018 and 2022 changes); a region is shaded "
             "when a source places a zone in it. A zone is drawn as a point only where a cited source gives its "
             "coordinates; the others are listed beside the map, never placed by guess.")
MAP_NO_COORDINATES = "Zones without coordinates in any source"
MAP_BY_REGION = "Zones by region, as the sources place them"

# The query page.
QUERY_TITLE = "sezkg: ask the knowledge graph"
QUERY_INTRO = ("Pick a question from the catalogue, fill in its parameters by name, or write your own SPARQL. "
               "Results show names beside identifiers; download them as CSV or JSON.")

# Properties from outside the ontology, in plain words (the ontology's own have labels).
PROPERTY_WORDS = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": "is a",
    "http://www.w3.org/2000/01/rdf-schema#label": "name",
    "http://www.w3.org/2000/01/rdf-schema#comment": "note",
    "http://www.w3.org/2000/01/rdf-schema#seeAlso": "see also",
    "http://www.w3.org/2004/02/skos/core#altLabel": "also called",
    "http://www.w3.org/2004/02/skos/core#prefLabel": "name",
    "http://purl.org/dc/terms/title": "title",
    "http://purl.org/dc/terms/issued": "issued",
    "http://purl.org/dc/terms/date": "date",
    "http://purl.org/dc/terms/source": "source document",
    "http://www.w3.org/ns/prov#wasGeneratedBy": "made by",
    "http://www.w3.org/ns/prov#wasDerivedFrom": "taken from",
    "http://www.w3.org/ns/prov#wasAttributedTo": "attributed to",
    "http://www.w3.org/ns/org#subOrganizationOf": "part of",
    "https://schema.org/url": "web address",
}
