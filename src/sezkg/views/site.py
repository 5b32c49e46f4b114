"""A static linked-data site: a page for the path of every IRI of the KG, with Turtle and
JSON-LD alternates, an ontology documentation page, a VoID/DCAT description generated from
the data, dumps, and content-negotiation rules for Apache and nginx.

IRI https://w3id.org/sezkg/id/zone/saryarka -> DIR/id/zone/saryarka/index.html (+ .ttl, .jsonld)
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from ..kg.beside import Beside
from ..kg.files import building_folder
from ..kg.load import KnowledgeGraph, graph_iri, quad_key, term_value
from ..kg.namespaces import BASE, ONTOLOGY_IRI, PREFIXES
from ..publish.export import serialize, serialize_many
from ..publish.jsonld import Compactor, load_context, to_jsonld
from ..questions.catalogue import catalogue, run_select
from ..questions.overlaps import labels
from .chrome import link_to, names_in_other_languages, newest_source_date, page
from .query_page import QUERY_SCRIPTS, query_page_html
from .viz import copy_assets

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
DATASET = BASE + "dataset"
DUMPS = {"nquads": "sezkg.nq", "trig": "sezkg.trig", "jsonld": "sezkg.jsonld", "turtle": "sezkg.ttl"}
MEDIA = {"nquads": "application/n-quads", "trig": "application/trig", "jsonld": "application/ld+json",
         "turtle": "text/turtle"}

HTACCESS = """# Content negotiation for the sezkg site (Apache, mod_rewrite and mod_negotiation-free).
# /id/zone/saryarka -> index.html for an Accept that names text/html (a browser's), else index.ttl
# for text/turtle, index.jsonld for application/ld+json, else index.html. The q weights are not
# read (`sezkg serve` reads them): a client that names text/html at all gets the page.
Options -MultiViews
DirectoryIndex index.html
AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/n-quads .nq
AddType application/trig .trig
Header append Vary Accept
RewriteEngine On
RewriteCond %{HTTP_ACCEPT} !text/html
RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteCond %{REQUEST_FILENAME}/index.ttl -f
RewriteRule ^(.*?)/?$ $1/index.ttl [L]
RewriteCond %{HTTP_ACCEPT} !text/html
RewriteCond %{HTTP_ACCEPT} application/ld\\+json
RewriteCond %{REQUEST_FILENAME}/index.jsonld -f
RewriteRule ^(.*?)/?$ $1/index.jsonld [L]
"""

NGINX = """# Content negotiation for the sezkg site (nginx). Include in a server block whose root is the site.
# An Accept that names text/html (a browser's) gets the page; the q weights are not read.
map $http_accept $sezkg_alternate {
    default                   index.html;
    ~text/html                index.html;
    ~text/turtle              index.ttl;
    ~application/ld\\+json     index.jsonld;
}
types {
    text/turtle ttl;
    application/ld+json jsonld;
    application/n-quads nq;
    application/trig trig;
}
location / {
    add_header Vary Accept;
    try_files $uri $uri/$sezkg_alternate $uri/index.html =404;
}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def site_path(iri: str) -> str | None:
    """The site folder for an IRI of the KG ('id/zone/saryarka'), or None for other IRIs."""
    if not iri.startswith(BASE) or "#" in iri:
        return None
    path = iri[len(BASE):].strip("/")
    if not path or any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return path


def _page_path(iri: str) -> str:
    """The site folder of an IRI the site has a page for (one of `SiteBuilder.pages`)."""
    path = site_path(iri)
    if path is None:
        raise ValueError(f"no page in the site for <{iri}>")
    return path


def _turtle(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    if data is None:  # pyoxigraph gives None only when it has written to an output it was given
        raise RuntimeError("pyoxigraph returned no Turtle")
    return data


LINKS_REMEMBERED = 1 << 16  # IRIs whose link target and text a SiteBuilder keeps


class SiteBuilder:
    def __init__(self, kg: KnowledgeGraph, base_url: str = BASE, endpoint: str | None = None):
        self.kg = kg
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.endpoint = endpoint
        self.queries = catalogue()
        self.labels = labels(kg, self.queries, "en")
        self.compactor = Compactor(load_context())
        # A thing's quads are looked up in the store as its page is written, not held: held as
        # Python objects, every quad by subject and by object took the ~5M site to a 9.3 GiB peak.
        self.subjects = sorted(s.value for s in kg.subjects() if isinstance(s, ox.NamedNode))
        self.pages = [s for s in self.subjects if site_path(s)]
        self.page_set = {_page_path(i) for i in self.pages}
        self.graph_set = set(kg.graph_names())
        self.names = names_in_other_languages(kg, self.queries, english=self.labels)
        self.data_date = newest_source_date(kg)
        # A link's target page and its text depend on the IRI alone, and the properties, types,
        # sources and common values recur on page after page (~24 links a page): remembered,
        # within a bound so that memory stays flat however many things the KG holds.
        self._target = functools.lru_cache(maxsize=LINKS_REMEMBERED)(self._target_of)
        self._link_text = functools.lru_cache(maxsize=LINKS_REMEMBERED)(self._link_text_of)

    def label(self, iri: str) -> str:
        return self.labels.get(iri, self.compactor.iri(iri))

    def href(self, from_path: str, iri: str) -> str | None:
        """A relative link from the page at from_path to the page of iri, if the site has one."""
        target = self._target(iri)
        if target is None:
            return None
        return _relative(target, from_path) if from_path else target

    def _target_of(self, iri: str) -> str | None:
        """The page of iri, from the site's root, if the site has one."""
        if iri.startswith(ONTOLOGY_IRI + "#") or iri == ONTOLOGY_IRI:
            return "ontology/index.html" + (iri[len(ONTOLOGY_IRI):] if "#" in iri else "")
        path = site_path(iri)
        if path is None or path not in self.page_set:
            return None
        return f"{path}/index.html"

    def _link_text_of(self, iri: str) -> str:
        text = _e(self.label(iri))
        return f'<span data-iri="{_e(iri)}">{text}</span>' if iri in self.labels else text

    def link(self, from_path: str, iri: str) -> str:
        href = self.href(from_path, iri)
        text = self._link_text(iri)
        return f'<a href="{_e(href)}">{text}</a>' if href else link_to(iri, text)

    def value_html(self, from_path: str, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
        if isinstance(term, ox.NamedNode):
            return self.link(from_path, term.value)
        if not isinstance(term, ox.Literal):  # the loader lets no blank node in; sezkg quotes no triple
            raise TypeError(f"a value that is neither an IRI nor a literal: {term}")
        suffix = f' <span class="kind">@{_e(term.language)}</span>' if term.language else ""
        return _e(term.value) + suffix

    # -- pages -------------------------------------------------------------------------------

    def quads_about(self, iri: str) -> list[ox.Quad]:
        """The quads with `iri` as subject, in every graph, sorted as `kg.sorted_quads` sorts."""
        return sorted(self.kg.store.quads_for_pattern(ox.NamedNode(iri), None, None, None), key=quad_key)

    def entity_page(self, iri: str, quads: list[ox.Quad] | None = None) -> str:
        """The page of a thing; `quads`, if given, are `quads_about(iri)`."""
        path = _page_path(iri)
        quads = self.quads_about(iri) if quads is None else quads
        types = sorted({term_value(q.object) for q in quads if q.predicate.value == RDF_TYPE})
        groups: dict[str, list[ox.Quad]] = defaultdict(list)
        for q in quads:
            if q.predicate.value != RDF_TYPE:
                groups[q.predicate.value].append(q)
        rows = []
        for prop in sorted(groups, key=lambda p: (self.label(p), p)):
            for q in groups[prop]:
                rows.append(f"<tr><td>{self.link(path, prop)}</td><td>{self.value_html(path, q.object)}</td>"
                            f"<td>{self.link(path, graph_iri(q))}</td></tr>")
        incoming = sorted({(term_value(q.subject), q.predicate.value)
                           for q in self.kg.store.quads_for_pattern(None, None, ox.NamedNode(iri), None)
                           if q.predicate.value != RDF_TYPE})
        incoming_html = "".join(f"<li>{self.link(path, s)} — {self.link(path, p)}</li>" for s, p in incoming[:500])
        graph_facts = ""
        if iri in self.graph_set:  # a source: list what it states
            statements = list(self.kg.store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))
            stated = sorted({term_value(q.subject) for q in statements})
            graph_facts = (f"<h2>What this source states</h2><p>{len(statements)} statements about "
                           f"{len(stated)} things:</p><ul>"
                           + "".join(f"<li>{self.link(path, s)}</li>" for s in stated) + "</ul>")
        body = (
            f'<p class="kind">{_e(iri)}</p>'
            f'<p>Type: {", ".join(self.link(path, t) for t in types) or "—"}. '
            f'Also as <a href="index.ttl" type="text/turtle">Turtle</a> and '
            f'<a href="index.jsonld" type="application/ld+json">JSON-LD</a> (with source graphs).</p>'
            '<h2>Facts</h2><div class="scroll" tabindex="0" role="region" aria-label="Facts"><table class="data"><thead>'
            '<tr><th scope="col">Property</th><th scope="col">Value</th>'
            f'<th scope="col">Source</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
            + (f"<h2>Referred to by</h2><ul>{incoming_html}</ul>" if incoming_html else "")
            + graph_facts
        )
        home = _relative("index.html", path)
        nav = f'<nav><a href="{_e(home)}">sezkg home</a></nav>'
        head_links = ('<link rel="alternate" type="text/turtle" href="index.ttl">'
                      '<link rel="alternate" type="application/ld+json" href="index.jsonld">')
        return page(self.label(iri), body, nav, names=self.names, data_date=self.data_date,
                    head=head_links)

    def ontology_page(self) -> str:
        terms = [s for s in self.subjects if s.startswith(ONTOLOGY_IRI + "#")]
        # A class's and a property's example: the subject of the first quad that uses it, in the
        # order of `kg.sorted_quads` (the smallest key), found without sorting every quad.
        first_use: dict[tuple[bool, str], tuple[tuple[str, str, str, str], str]] = {}
        for q in self.kg.store:
            if q.graph_name.value in (ONTOLOGY_IRI, BASE + "scheme"):
                continue
            use = (True, q.object.value) if q.predicate.value == RDF_TYPE else (False, q.predicate.value)
            known = first_use.get(use)
            key = quad_key(q)
            if known is None or key < known[0]:
                first_use[use] = (key, q.subject.value)
        used_as_class = {term: subject for (is_class, term), (_, subject) in first_use.items() if is_class}
        used_as_property = {term: subject for (is_class, term), (_, subject) in first_use.items() if not is_class}

        def one(iri: str, prop: str) -> str:
            values = [q.object for q in self.quads_about(iri) if q.predicate.value == prop]
            return ", ".join(self.value_html("ontology", v) for v in values) or "—"

        sections: dict[str, list[str]] = {"Classes": [], "Properties": []}
        for term in terms:
            kinds = {term_value(q.object) for q in self.quads_about(term) if q.predicate.value == RDF_TYPE}
            is_class = OWL + "Class" in kinds
            example = used_as_class.get(term) if is_class else used_as_property.get(term)
            local = term.split("#", 1)[1]
            rows = [f"<dt>Definition</dt><dd>{one(term, RDFS + 'comment')}</dd>"]
            if is_class:
                rows.append(f"<dt>Subclass of</dt><dd>{one(term, RDFS + 'subClassOf')}</dd>")
            else:
                rows.append(f"<dt>Domain</dt><dd>{one(term, RDFS + 'domain')}</dd>"
                            f"<dt>Range</dt><dd>{one(term, RDFS + 'range')}</dd>")
            rows.append(f"<dt>Example from the data</dt><dd>{self.link('ontology', example) if example else '—'}</dd>")
            sections["Classes" if is_class else "Properties"].append(
                f'<section id="{_e(local)}"><h3>{_e(self.label(term))} <code>sez:{_e(local)}</code></h3>'
                f'<dl>{"".join(rows)}</dl></section>')
        body = (f'<p class="kind">{_e(ONTOLOGY_IRI)}</p><p>{one(ONTOLOGY_IRI, DCT + "description")}</p>'
                f'<p>Version {one(ONTOLOGY_IRI, OWL + "versionInfo")}; licence {one(ONTOLOGY_IRI, DCT + "license")}.</p>'
                + "".join(f"<h2>{name} ({len(items)})</h2>{''.join(items)}" for name, items in sections.items()))
        return page("sezkg ontology", body, '<nav><a href="../index.html">sezkg home</a></nav>', names=self.names,
                    data_date=self.data_date)

    def void(self) -> bytes:
        """VoID and DCAT description, computed from the data by catalogue queries."""
        d = ox.NamedNode(DATASET)
        t: list[ox.Triple] = []

        def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
            t.append(ox.Triple(s, ox.NamedNode(p), o))

        lit = ox.Literal
        integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
        for kind in (VOID + "Dataset", DCAT + "Dataset"):
            add(d, RDF_TYPE, ox.NamedNode(kind))
        add(d, DCT + "title", lit("sezkg: governance of Kazakhstan's special economic zones", language="en"))
        add(d, DCT + "description", lit("Zones, organisations, mandates, audit findings, indicators and legal acts, "
                                        "each fact in the named graph of the source that states it.", language="en"))
        add(d, DCT + "license", ox.NamedNode("https://creativecommons.org/licenses/by/4.0/"))
        add(d, VOID + "vocabulary", ox.NamedNode(ONTOLOGY_IRI))
        triples = self.kg.store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE "
                                      "{ { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } }")
        assert isinstance(triples, ox.QuerySolutions)
        add(d, VOID + "triples", lit(next(iter(triples))[0].value, datatype=integer))
        if self.endpoint:
            add(d, VOID + "sparqlEndpoint", ox.NamedNode(self.endpoint))
        for fmt, name in sorted(DUMPS.items()):
            dump = ox.NamedNode(f"{self.base_url}dumps/{name}")
            dist = ox.NamedNode(f"{DATASET}/distribution/{fmt}")
            add(d, VOID + "dataDump", dump)
            add(d, DCAT + "distribution", dist)
            add(dist, RDF_TYPE, ox.NamedNode(DCAT + "Distribution"))
            add(dist, DCAT + "downloadURL", dump)
            add(dist, DCAT + "mediaType", ox.NamedNode(f"https://www.iana.org/assignments/media-types/{MEDIA[fmt]}"))
        for row in run_select(self.kg, self.queries["graph-sizes"]):
            graph = row["graph"].value
            subset = ox.NamedNode(f"{DATASET}/graph/{graph[len(BASE):].replace('/', '-')}")
            add(d, VOID + "subset", subset)
            add(subset, RDF_TYPE, ox.NamedNode(VOID + "Dataset"))
            add(subset, DCT + "source", ox.NamedNode(graph))
            add(subset, VOID + "triples", lit(row["triples"].value, datatype=integer))
            if graph.startswith(BASE + "source/"):
                add(d, DCT + "source", ox.NamedNode(graph))
        for name, key, count in (("class-partition", "class", "entities"), ("property-partition", "property", "triples")):
            for row in run_select(self.kg, self.queries[name]):
                iri = row[key].value
                short = self.compactor.iri(iri)
                slug = short.replace(":", "-") if short != iri else hashlib.sha1(iri.encode()).hexdigest()[:12]
                part = ox.NamedNode(f"{DATASET}/{key}/{slug}")
                add(d, VOID + f"{key}Partition", part)
                add(part, VOID + key, ox.NamedNode(iri))
                add(part, VOID + count, lit(row[count].value, datatype=integer))
        prefixes = {**PREFIXES, "void": VOID, "dcat": DCAT}
        return _turtle(sorted(set(t), key=str), prefixes)

    def index_page(self) -> str:
        groups: dict[str, list[str]] = defaultdict(list)
        for iri in self.pages:
            groups[_page_path(iri).split("/")[0 if not iri.startswith(BASE + "id/") else 1]].append(iri)
        parts = []
        for name in sorted(groups):
            items = "".join(f"<li>{self.link('', i)}</li>" for i in sorted(groups[name], key=self.label))
            parts.append(f"<h2>{_e(name)} ({len(groups[name])})</h2><ul>{items}</ul>")
        dumps = "".join(f'<li><a href="dumps/{n}">{n}</a></li>' for n in sorted(DUMPS.values()))
        body = (f'<p><a href="query/index.html">Ask the knowledge graph</a> (the query page; it needs '
                f"<code>sezkg serve</code> to answer).</p>"
                f"<p>{len(self.pages)} pages, one per thing in the knowledge graph, each with Turtle and JSON-LD "
                f"alternates. <a href=\"ontology/index.html\">Ontology documentation</a>; "
                f"<a href=\"void.ttl\">dataset description (VoID and DCAT)</a>.</p><h2>Dumps</h2><ul>{dumps}</ul>"
                + "".join(parts))
        return page("sezkg: linked data", body, names=self.names, data_date=self.data_date)

    def build(self, out: Path, force: bool = False, fork: bool | None = None) -> int:
        """Write the whole site into a fresh folder swapped in at the end; returns the page count.
        `fork`: write the dumps in a child beside the pages (True), here after them (False), or
        where a core and the memory are spare (None; see sezkg.kg.beside)."""
        with building_folder(out, "site", force) as building:
            (building / "dumps").mkdir()
            # The dumps (the whole KG in four formats, ~a sixth of the site's CPU at ~1M) are
            # written beside the pages, in a child where a core and the memory are spare.
            with Beside(functools.partial(self._write_dumps, building / "dumps"), fork=fork) as dumps:
                self._write_pages(building)
                dumps.join()
        return len(self.pages)

    def _write_dumps(self, folder: Path) -> None:
        with contextlib.ExitStack() as stack:  # streamed, not held in memory; N-Quads and TriG in one read
            handles = {fmt: stack.enter_context((folder / name).open("wb")) for fmt, name in DUMPS.items()}
            serialize_many(self.kg, handles, spool_dir=folder)

    def _write_pages(self, building: Path) -> None:
        for iri in self.pages:
            folder = building / _page_path(iri)
            folder.mkdir(parents=True, exist_ok=True)
            quads = self.quads_about(iri)
            (folder / "index.html").write_text(self.entity_page(iri, quads), encoding="utf-8")
            triples = sorted({q.triple for q in quads}, key=str)
            (folder / "index.ttl").write_bytes(_turtle(triples, PREFIXES))
            (folder / "index.jsonld").write_bytes(to_jsonld(quads, compactor=self.compactor))
        (building / "ontology").mkdir(exist_ok=True)
        (building / "ontology" / "index.html").write_text(self.ontology_page(), encoding="utf-8")
        (building / "ontology" / "index.ttl").write_bytes(serialize(self.kg, "turtle", ONTOLOGY_IRI))
        (building / "void.ttl").write_bytes(self.void())
        (building / "index.html").write_text(self.index_page(), encoding="utf-8")
        (building / "query").mkdir()
        (building / "query" / "index.html").write_text(
            query_page_html(self.kg, names=self.names, data_date=self.data_date), encoding="utf-8")
        copy_assets(building, tuple(p for p, _ in QUERY_SCRIPTS), ("query.js",))
        (building / ".htaccess").write_text(HTACCESS, encoding="utf-8")
        (building / "nginx.conf").write_text(NGINX, encoding="utf-8")


def _relative(target: str, start: str) -> str:
    """posixpath.relpath for two clean paths under the site's root (a folder `start`), without
    its normalising and cwd lookups, which were a tenth of the site's time."""
    to, at = target.split("/"), start.split("/")
    shared = 0
    while shared < min(len(to), len(at)) and to[shared] == at[shared]:
        shared += 1
    return "/".join([".."] * (len(at) - shared) + to[shared:]) or "."


def build_site(kg: KnowledgeGraph, out: Path, endpoint: str | None = None, force: bool = False,
               fork: bool | None = None) -> int:
    return SiteBuilder(kg, endpoint=endpoint).build(out, force, fork)
