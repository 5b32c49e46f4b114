"""Pictures of the overlaps: an interactive network page, an organisation x function matrix,
static PNG and SVG of both, and GraphML / GEXF of the overlap network.

Everything is built from catalogue queries (zone-governors, who-says-so, labels) and the
overlap report, so it shows exactly what `sezkg overlaps` says. The pages are self-contained:
the data and the JavaScript are inlined, nothing is fetched, so they work offline.
"""

from __future__ import annotations

import html
import json
import random
import shutil
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from ..kg.files import write_text_atomic
from ..kg.rows import Row
from ..questions.catalogue import Query, catalogue, run_select, store_with_bundled, stream_select, unordered
from ..questions.endpoint import Runner
from ..questions.kinds import KINDS, OverlapKind
from ..questions.kinds import kind as kind_named
from ..questions.overlaps import OverlapReport, find_overlaps
from . import ui
from .chrome import Names, names_in_other_languages, page_parts, script_json
from .text import compact_iri

KIND_LABELS = {k.name: k.label for k in KINDS}
NETWORK_KINDS = tuple(k.name for k in KINDS if k.drawn)

# The facts of the network's nodes, by node IRI: property, value, source, sourceIri and url of each.
Facts = dict[str, list[dict[str, str]]]


@dataclass(frozen=True)
class VizFiles:
    network_html: Path
    matrix_html: Path
    map_html: Path
    images: tuple[Path, ...]
    graphs: tuple[Path, ...]


# ---------------------------------------------------------------- data

def _v(row: Row, name: str) -> str:
    term = row.get(name)
    return term.value if term is not None else ""


def _short(label: str) -> str:
    """A thing's label for a crowded picture, cut with an ellipsis past 34 characters (its other
    names are not used: an alternative label is often a former name)."""
    return label if len(label) <= 34 else label[:32] + "…"


def network_data(runner: Runner, report: OverlapReport | None = None,
                 queries: dict[str, Query] | None = None, names: Names | None = None) -> dict[str, Any]:
    """The network page's data: nodes with a layout, their names in other languages and every
    other name they go by (for search), mandate links, overlap edges, facts."""
    queries = queries or catalogue()
    report = report or find_overlaps(runner, queries=queries)
    label = report.label
    holds: dict[tuple[str, str], set[str]] = defaultdict(set)  # (org, function) -> zones
    reaches: dict[tuple[str, str], set[str]] = defaultdict(set)  # (org, zone) -> functions
    # Unordered: the mandates are filed into sets here and sorted below (Oxigraph's sort of the
    # 124,200 rows at ~5M triples took 2.7 s of the 5.7).
    variables, tuples = stream_select(runner, unordered(queries["zone-governors"]))
    at = [variables.index(v) for v in ("holder", "function", "zone")]
    for terms in tuples:
        org, fn, zone = (t.value if t is not None else "" for t in (terms[i] for i in at))
        holds[(org, fn)].add(zone)
        reaches[(org, zone)].add(fn)

    orgs = {o for o, _ in holds} | {o for ov in report.overlaps if ov.kind in NETWORK_KINDS for o in ov.organisations}
    functions = {f for _, f in holds}
    zones = {z for _, z in reaches}
    findings = {f for ov in report.overlaps if ov.kind in NETWORK_KINDS for f in ov.findings}
    kinds_of = {**{o: "organisation" for o in orgs}, **{f: "function" for f in functions},
                **{z: "zone" for z in zones}, **{f: "finding" for f in findings}}

    overlaps = []
    for ov in report.overlaps:
        if ov.kind not in NETWORK_KINDS:
            continue
        k = kind_named(ov.kind)
        common = {"kind": ov.kind, "weight": 1, "functions": list(ov.functions), "zones": list(ov.zones),
                  "everyZone": ov.national, "summary": f"#{ov.rank} {ov.summary}"}
        if k.documented and not k.inferred:  # a finding is one hyperedge: the finding and its bodies
            pairs = [(f, o) for f in ov.findings for o in ov.organisations]
        else:
            members = ov.organisations
            pairs = [(a, b) for i, a in enumerate(members) for b in members[i + 1:]] or \
                [(f, m) for f in ov.findings for m in members]
        overlaps += [{"source": a, "target": b, **common} for a, b in pairs]
    links = (
        [{"source": o, "target": f, "kind": "holds", "zones": sorted(z), "functions": [f]} for (o, f), z in sorted(holds.items())]
        + [{"source": o, "target": z, "kind": "reaches", "zones": [z], "functions": sorted(f)} for (o, z), f in sorted(reaches.items())]
    )
    named = sorted({(f, o, ov.zones, tuple(ov.functions)) for ov in report.overlaps if ov.kind in NETWORK_KINDS
                    for f in ov.findings for o in ov.organisations})
    links += [{"source": f, "target": o, "kind": "names", "zones": list(z), "functions": list(fs)}
              for f, o, z, fs in named]

    graph = nx.Graph()
    graph.add_nodes_from(sorted(kinds_of))
    # Place nodes by mandates and by the overlaps themselves (a finding is a star to the bodies
    # it names, never a clique among them), so that findings and bodies known only from
    # findings sit beside what they concern instead of drifting off as separate components.
    graph.add_edges_from((link["source"], link["target"]) for link in links)
    graph.add_edges_from((o["source"], o["target"]) for o in overlaps)
    graph.add_edges_from((f, o) for ov in report.overlaps if ov.kind in NETWORK_KINDS
                         for f in ov.findings for o in ov.organisations)
    positions = _layout(graph)

    facts = _facts(runner, queries, set(kinds_of), report.labels)
    other = names.other if names is not None else {}
    known = _names_of(runner, queries, kinds_of)
    broader: dict[str, list[str]] = defaultdict(list)
    for row in run_select(runner, queries["function-hierarchy"]):
        broader[_v(row, "function")].append(_v(row, "broader"))
    return {
        "broader": {f: sorted(b) for f, b in sorted(broader.items()) if f in functions},
        "nodes": [{"id": n, "label": label(n), "short": _short(label(n)), "kind": kinds_of[n],
                   "x": positions[n][0], "y": positions[n][1],
                   "names": {lang: found[n] for lang, found in sorted(other.items()) if n in found},
                   "alt": sorted(set(known.get(n, ())) - {label(n)})} for n in sorted(kinds_of)],
        "links": links,
        "overlaps": overlaps,
        "facts": facts,
        "zones": sorted(({"id": z, "label": label(z)} for z in zones), key=lambda z: z["label"]),
        "functions": sorted(({"id": f, "label": label(f)} for f in functions), key=lambda f: f["label"]),
        "kinds": [k.name for k in KINDS if any(o["kind"] == k.name for o in overlaps)],
    }


_NAME_PROPERTIES = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#altLabel",
                    "http://www.w3.org/2004/02/skos/core#prefLabel")


def _names_of(runner: Runner, queries: dict[str, Query], nodes: Collection[str]) -> dict[str, list[str]]:
    """Every name each node goes by: the `names` query's ?name for each ?thing among `nodes`
    (each thing's names are made a set and sorted by the caller). On the embedded store, the
    nodes' rdfs:label, skos:altLabel and skos:prefLabel statements are asked for directly,
    without the kinds the query works out for every named thing (~150k rows at ~1M triples,
    most not the network's)."""
    known: dict[str, list[str]] = defaultdict(list)
    kg = store_with_bundled(runner, queries, "names")
    if kg is not None:
        # The nodes' names only, NAMES_BATCH nodes a query: reading every name statement of the
        # KG made a Python quad of each (~4 s holding the GIL at ~5M triples, most not the
        # network's); a name the query finds twice is the same name (the caller makes a set).
        # A path, not VALUES ?p: with both in VALUES Oxigraph read every statement for each
        # batch (9.9 s against 0.013 s for 2,000 nodes at ~1M triples).
        properties = "|".join(f"<{p}>" for p in _NAME_PROPERTIES)
        wanted = [str(node) for node in map(_iri_or_none, sorted(nodes)) if node is not None]
        for start in range(0, len(wanted), NAMES_BATCH):
            things = " ".join(wanted[start:start + NAMES_BATCH])
            solutions = kg.store.query(
                f"SELECT DISTINCT ?thing ?name WHERE {{ VALUES ?thing {{ {things} }} ?thing {properties} ?name }}",
                use_default_graph_as_union=True)
            assert isinstance(solutions, ox.QuerySolutions)
            for thing, name in solutions:
                if thing is not None and name is not None and not isinstance(name, ox.Triple):
                    known[thing.value].append(name.value)
        return known
    # Read as tuples: a row made into a dict costs more than the query; unordered: the caller sorts.
    variables, tuples = stream_select(runner, unordered(queries["names"]))
    at_thing, at_name = variables.index("thing"), variables.index("name")
    for terms in tuples:
        thing = terms[at_thing]
        if thing is not None and thing.value in nodes:
            name = terms[at_name]
            known[thing.value].append(name.value if name is not None else "")
    return known


def _iri_or_none(text: str) -> ox.NamedNode | None:
    """The IRI, or None for text that is none (a node made of an unbound cell is ""): nothing is
    said about it, and it cannot go into a query."""
    try:
        return ox.NamedNode(text)
    except ValueError:
        return None


def _layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """A seeded spring layout scaled into the unit square (same picture on every run)."""
    if graph.number_of_nodes() == 0:
        return {}
    n = graph.number_of_nodes()
    if n <= 400:
        raw = nx.spring_layout(graph, seed=7, iterations=300, k=2.2 / n ** 0.5)
    else:
        raw = nx.random_layout(graph, seed=7)
    xs = [p[0] for p in raw.values()]
    ys = [p[1] for p in raw.values()]
    low_x, low_y = min(xs), min(ys)
    span_x = (max(xs) - low_x) or 1.0
    span_y = (max(ys) - low_y) or 1.0
    # float(): networkx gives numpy floats, which json cannot write.
    return {n: (round(float((p[0] - low_x) / span_x), 4), round(float((p[1] - low_y) / span_y), 4))
            for n, p in raw.items()}


def _label_or_short(labels: dict[str, str], iri: str) -> str:
    label = labels.get(iri)
    return label if label is not None else compact_iri(iri)


FACTS_BATCH = 1000  # subjects asked for by one who-says-so query
NAMES_BATCH = 2000  # things whose names one query asks for (see _names_of)


def _facts(runner: Runner, queries: dict[str, Query], nodes: set[str], labels: dict[str, str]) -> Facts:
    facts: Facts = defaultdict(list)
    # The facts of the nodes only, a thousand at a time: the whole of who-says-so is every fact
    # of the KG (~1M rows at ~1M triples: 20 s and GBs, for a tenth of the rows used).
    ordered = sorted(nodes)
    wanted = ("subject", "property", "value", "source", "sourceLabel", "url")
    for start in range(0, len(ordered), FACTS_BATCH):
        variables, tuples = stream_select(runner, queries["who-says-so"], {"subject": ordered[start:start + FACTS_BATCH]})
        at = [variables.index(v) if v in variables else None for v in wanted]
        for terms in tuples:
            subject, prop, value, source, source_label, url = (
                terms[i] if i is not None else None for i in at)
            prop_iri = prop.value if prop is not None else ""
            if isinstance(value, ox.NamedNode):
                text = _label_or_short(labels, value.value)
            else:
                text = value.value if value is not None else ""
            source_iri = source.value if source is not None else ""
            facts[subject.value if subject is not None else ""].append({
                "property": ui.PROPERTY_WORDS.get(prop_iri) or _label_or_short(labels, prop_iri),
                "value": text,
                "source": (source_label.value if source_label is not None else "") or source_iri,
                "sourceIri": source_iri,
                "url": url.value if url is not None else "",
            })
    return dict(sorted(facts.items()))


def synthetic_network_data(organisations: int, functions: int, zones: int, seed: int = 7) -> dict[str, Any]:
    """A network of the real data's shape and any size (for the 1,000-node responsiveness check)."""
    rng = random.Random(seed)
    org_ids = [f"https://example.org/org/{i}" for i in range(organisations)]
    fn_ids = [f"https://example.org/function/{i}" for i in range(functions)]
    zone_ids = [f"https://example.org/zone/{i}" for i in range(zones)]
    nodes: list[dict[str, Any]] = (
        [{"id": o, "label": f"Organisation {i}", "short": f"Org {i}", "kind": "organisation"} for i, o in enumerate(org_ids)]
        + [{"id": f, "label": f"Function {i}", "short": f"Fn {i}", "kind": "function"} for i, f in enumerate(fn_ids)]
        + [{"id": z, "label": f"Zone {i}", "short": f"Zone {i}", "kind": "zone"} for i, z in enumerate(zone_ids)])
    for n in nodes:
        n["x"], n["y"] = round(rng.random(), 4), round(rng.random(), 4)
    links, overlaps = [], []
    for o in org_ids:
        f, z = rng.choice(fn_ids), rng.choice(zone_ids)
        links.append({"source": o, "target": f, "kind": "holds", "zones": [z], "functions": [f]})
        links.append({"source": o, "target": z, "kind": "reaches", "zones": [z], "functions": [f]})
    for _ in range(organisations * 2):
        a, b = rng.sample(org_ids, 2)
        overlaps.append({"source": a, "target": b, "kind": rng.choice(["shared-mandate", "documented-duplication"]),
                         "weight": 1, "functions": [rng.choice(fn_ids)], "zones": [rng.choice(zone_ids)],
                         "summary": "synthetic overlap"})
    return {"nodes": nodes, "links": links, "overlaps": overlaps, "facts": {},
            "zones": [{"id": z, "label": f"Zone {i}"} for i, z in enumerate(zone_ids)],
            "functions": [{"id": f, "label": f"Function {i}"} for i, f in enumerate(fn_ids)],
            "kinds": ["documented-duplication", "shared-mandate", "unexercised-mandate", "exception"]}


# ---------------------------------------------------------------- pages

# The browser libraries each page needs, as vendored (views/assets/vendor/<name>/<file>), in load order.
NETWORK_SCRIPTS = (("layout-base", "layout-base.js"), ("cose-base", "cose-base.js"),
                   ("cytoscape", "cytoscape.min.js"), ("cytoscape-fcose", "cytoscape-fcose.js"))


def copy_assets(out: Path, packages: tuple[str, ...], own: tuple[str, ...] = ()) -> None:
    """Copy vendored packages (their files and licences) and our own scripts into out/assets/,
    so the pages load them from beside themselves and work offline."""
    import shutil

    root = resources.files("sezkg").joinpath("views/assets")
    for package in packages:
        target = out / "assets" / "vendor" / package
        target.mkdir(parents=True, exist_ok=True)
        # A name a call: before Python 3.11, a Traversable's joinpath is promised one name only.
        for item in root.joinpath("vendor").joinpath(package).iterdir():
            if item.is_file():
                with resources.as_file(item) as path:
                    shutil.copyfile(path, target / item.name)
    for name in own:
        (out / "assets").mkdir(parents=True, exist_ok=True)
        with resources.as_file(root.joinpath(name)) as path:
            shutil.copyfile(path, out / "assets" / name)


def script_tags(scripts: tuple[tuple[str, str], ...], own: tuple[str, ...] = (), prefix: str = "") -> str:
    return ("".join(f'<script src="{prefix}assets/vendor/{p}/{f}"></script>\n' for p, f in scripts)
            + "".join(f'<script src="{prefix}assets/{f}"></script>\n' for f in own))


NETWORK_CSS = """
.net-layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(16rem, 1fr); gap: 1rem; }
@media (max-width: 900px) { .net-layout { grid-template-columns: minmax(0, 1fr); } }
#network { width: 100%; height: min(72vh, 680px); min-height: 320px; border: 1px solid var(--line); background: #fff; }
.controls { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; margin: 0.6rem 0; }
.controls label { font-size: 0.95rem; }
.controls select { max-width: 14rem; }
#status { color: var(--muted); font-size: 0.9rem; }
.legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1.2rem; list-style: none; padding: 0; font-size: 0.92rem; }
.legend svg { vertical-align: middle; }
#node-list { columns: 18rem; font-size: 0.9rem; }
#node-list button { background: none; border: 0; color: var(--accent); text-decoration: underline; cursor: pointer;
                    text-align: left; padding: 0.1rem 0; }
"""


def _legend(kinds: list[str]) -> str:
    def line(k: OverlapKind) -> str:
        dash = f' stroke-dasharray="{k.dash}"' if k.dash else ""
        return (f'<li><svg width="46" height="10" aria-hidden="true"><line x1="2" y1="5" x2="44" y2="5" '
                f'stroke="{k.colour}" stroke-width="4"{dash}/></svg> {html.escape(k.label)}</li>')
    shapes = (
        '<li><svg width="18" height="18" aria-hidden="true"><circle cx="9" cy="9" r="7" fill="#f2c14e" stroke="#1b1b1b"/></svg> organisation</li>'
        '<li><svg width="18" height="18" aria-hidden="true"><rect x="3" y="3" width="12" height="12" rx="2" fill="#7fb3d5" stroke="#1b1b1b"/></svg> governance function</li>'
        '<li><svg width="18" height="18" aria-hidden="true"><path d="M 9 1 L 17 15 L 1 15 Z" fill="#8fce8f" stroke="#1b1b1b"/></svg> zone</li>'
        '<li><svg width="18" height="18" aria-hidden="true"><path d="M 9 1 L 17 9 L 9 17 L 1 9 Z" fill="#f4a6a0" stroke="#1b1b1b"/></svg> finding</li>'
        '<li><svg width="46" height="10" aria-hidden="true"><line x1="2" y1="5" x2="44" y2="5" stroke="#9a9a9a"/></svg> holds a function</li>'
        '<li><svg width="46" height="10" aria-hidden="true"><line x1="2" y1="5" x2="44" y2="5" stroke="#9a9a9a" stroke-dasharray="2 3"/></svg> reaches a zone</li>'
        '<li><svg width="46" height="10" aria-hidden="true"><line x1="2" y1="5" x2="44" y2="5" stroke="#d98a84" stroke-width="2"/></svg> a finding names it</li>')
    return '<ul class="legend" aria-label="Legend">' + shapes + "".join(line(kind_named(k)) for k in kinds) + "</ul>"


def script_json_parts(data: dict[str, object], items: int = 2_000) -> list[str]:
    """`script_json(data)` (JSON that no text in the data can break out of the <script> it sits
    in), as parts whose concatenation it is: a top-level list
    or dict is written `items` entries at a time, so the network's data (~190 MB at ~5M
    triples) is never one string, nor two around the escaping. Each part ends with a whole
    value, a key's `: ` or a bracket."""
    def dumps(value: object) -> str:
        return script_json(value)

    parts = ["{"]
    for n, key in enumerate(sorted(data)):
        value = data[key]
        parts.append((", " if n else "") + dumps(key) + ": ")
        if isinstance(value, dict) and value:
            keys = sorted(value)
            parts.append("{")
            parts += [(", " if start else "") + ", ".join(f"{dumps(k)}: {dumps(value[k])}" for k in keys[start:start + items])
                      for start in range(0, len(keys), items)]
            parts.append("}")
        elif isinstance(value, list) and value:
            parts.append("[")
            parts += [(", " if start else "") + ", ".join(dumps(x) for x in value[start:start + items])
                      for start in range(0, len(value), items)]
            parts.append("]")
        else:
            parts.append(dumps(value))
    parts.append("}")
    return parts


# Over FACTS_INLINE facts the network page's facts are not in the page but in files beside it,
# FACTS_PER_FILE nodes a file, each read when one of its nodes is opened (~1M triples: 99,357
# facts, 22 MiB of the page's 39 MiB; ~5M: most of 190 MB).
FACTS_INLINE = 20_000
FACTS_PER_FILE = 500
FACTS_FOLDER = "network-facts"


def split_facts(data: dict[str, Any]) -> tuple[dict[str, Any], list[Facts]]:
    """The network page's data and its facts files: up to FACTS_INLINE facts, the data as it is
    and no file; over, the data without its facts, each node that has any saying in which file
    they are (`factsIn`), and the files' facts in order (the nodes by IRI, FACTS_PER_FILE a file)."""
    facts: Facts = data["facts"]
    if sum(len(rows) for rows in facts.values()) <= FACTS_INLINE:
        return data, []
    ids = sorted(facts)
    files = [{node: facts[node] for node in ids[start:start + FACTS_PER_FILE]}
             for start in range(0, len(ids), FACTS_PER_FILE)]
    where = {node: i for i, chunk in enumerate(files) for node in chunk}
    nodes = [{**n, "factsIn": where[n["id"]]} if n["id"] in where else n for n in data["nodes"]]
    return {**data, "nodes": nodes, "facts": {}, "factsFolder": FACTS_FOLDER}, files


def facts_script(index: int, facts: Facts) -> str:
    """A facts file: a script that hands the network page its facts (a <script src> is read from
    file:// where a fetch is refused). JSON is a JavaScript expression (U+2028 and U+2029 written
    as escapes, which JavaScript before 2019 read as line ends), and a script file has no
    </script> to end it early."""
    text = json.dumps(facts, ensure_ascii=False, sort_keys=True).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"sezkgFacts({index}, {text});\n"


def write_facts_files(out: Path, files: list[Facts]) -> None:
    """The facts files in out/FACTS_FOLDER, put in place whole (a folder of an earlier run is
    replaced; one sezkg did not build is refused); with none, such an earlier folder is removed."""
    from ..kg.files import MARKER, building_folder

    target = out / FACTS_FOLDER
    if not files:
        if (target / MARKER).is_file():
            shutil.rmtree(target)
        return
    with building_folder(target, "viz") as folder:
        for i, chunk in enumerate(files):
            (folder / f"{i}.js").write_text(facts_script(i, chunk), encoding="utf-8")


# Nodes the network page draws at once. Above, it draws what the filters keep, one zone to start
# with (~1M triples: 21,394 nodes took Chromium 48 s to draw, and no label could be read).
NETWORK_DRAW_LIMIT = 3_000


def network_html(data: dict[str, Any], title: str = ui.NETWORK_TITLE, nav: str = "", names: Names | None = None,
                 data_date: str = "", prefix: str = "") -> str:
    """The network page; its scripts are loaded from `prefix`assets/ (see copy_assets)."""
    return "".join(network_page_parts(data, title, nav, names, data_date, prefix))


def network_page_parts(data: dict[str, Any], title: str = ui.NETWORK_TITLE, nav: str = "", names: Names | None = None,
                       data_date: str = "", prefix: str = "") -> list[str]:
    """`network_html` in parts (see chrome.page_parts): the data's JSON is one, never copied."""
    kinds = "".join(
        f'<label><input type="checkbox" name="kind" value="{k}" checked> {html.escape(KIND_LABELS[k])}</label>'
        for k in data["kinds"])
    data = {**data, "nodes": [compact_node(n) for n in data["nodes"]], **compact_links(data["links"]),
            "words": NODE_WORDS, "drawLimit": NETWORK_DRAW_LIMIT,
            "kindStyles": [{"name": k.name, "colour": k.colour, "dash": k.dash} for k in KINDS if k.name in data["kinds"]]}
    payload = script_json_parts(data)
    e = html.escape
    before = f"""
<p>{e(ui.NETWORK_INTRO)}</p>
<div class="controls">
  <label>{e(ui.SEARCH)} <input id="search" type="search" list="names" autocomplete="off"></label>
  <datalist id="names"></datalist><span id="search-status" role="status"></span>
  <label>{e(ui.ZONE_FILTER)} <select id="zone-filter"><option value="">{e(ui.ALL_ZONES)}</option></select></label>
  <label>{e(ui.FUNCTION_FILTER)} <select id="function-filter"><option value="">{e(ui.ALL_FUNCTIONS)}</option></select></label>
  <span><button type="button" id="zoom-in" aria-label="Zoom in">+</button>
  <button type="button" id="zoom-out" aria-label="Zoom out">−</button> <button type="button" id="fit">{e(ui.FIT)}</button></span>
</div>
<div class="controls"><span>Overlap kinds:</span>{kinds}<span id="status" role="status"></span></div>
<div class="net-layout">
  <div id="network" role="img" aria-label="Overlap network; the list below the legend reaches every node by keyboard"></div>
  <aside id="details" aria-live="polite"><h2>{e(ui.DETAILS)}</h2><p>{e(ui.SELECT_A_NODE)}</p></aside>
</div>
{_legend(data["kinds"])}
<details><summary>Every node, for keyboard and screen-reader users</summary><ul id="node-list"></ul></details>
<script type="application/json" id="sezkg-data">"""
    after = """</script>
"""
    scripts = script_tags(NETWORK_SCRIPTS, ("network.js",), prefix)
    extra = '<script>document.addEventListener("sezkg:lang", function () {});</script>\n' if names else ""
    return page_parts(title, [before, *payload, after], nav, names=names, data_date=data_date,
                      head=f"<style>{NETWORK_CSS}</style>", scripts=extra + scripts)


def compact_links(links: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The network's links as the page carries them: each IRI once, in `linkIris`, and each link
    as [kind, source, target, functions, zones] with numbers for the IRIs (network.js reads them
    back into objects). Links are most of the page at world scale and an IRI is ~60 bytes:
    ~1M triples, 37,298 links took 11.4 MB as objects."""
    iris = sorted({i for link in links for i in (link["source"], link["target"], *link["functions"], *link["zones"])})
    at = {iri: n for n, iri in enumerate(iris)}
    return {"linkIris": iris,
            "links": [[link["kind"], at[link["source"]], at[link["target"]], [at[f] for f in link["functions"]],
                       [at[z] for z in link["zones"]]] for link in links]}


def compact_node(node: dict[str, Any]) -> dict[str, Any]:
    """A node as the page carries it: without an empty `alt` or `names`, or a `short` that is
    its label (network.js reads a missing one as empty or as the label)."""
    return {k: v for k, v in node.items()
            if not ((k in ("alt", "names") and not v) or (k == "short" and v == node["label"]))}


def expand_links(page_data: dict[str, Any]) -> list[dict[str, Any]]:
    """The links of a page's data as `network_data` made them (the inverse of compact_links)."""
    iris = page_data["linkIris"]
    return [{"source": iris[s], "target": iris[t], "kind": kind, "zones": [iris[z] for z in zones],
             "functions": [iris[f] for f in functions]} for kind, s, t, functions, zones in page_data["links"]]


NODE_WORDS = {"organisation": "organisation", "function": "governance function", "zone": "special economic zone",
              "finding": "audit or brief finding"}


def matrix_data(data: dict[str, Any], report: OverlapReport) -> tuple[
        list[dict[str, Any]], list[dict[str, Any]], dict[tuple[str, str], int], set[tuple[str, str]]]:
    orgs = [n for n in data["nodes"] if n["kind"] == "organisation"]
    fns = data["functions"]
    counts: dict[tuple[str, str], int] = {}
    for link in data["links"]:
        if link["kind"] == "holds":
            counts[(link["source"], link["target"])] = len(link["zones"])
    held: dict[str, list[str]] = defaultdict(list)  # the functions each organisation holds
    for (o, f) in counts:
        held[o].append(f)
    marked: set[tuple[str, str]] = set()
    broader = data.get("broader", {})
    for ov in report.overlaps:
        if kind_named(ov.kind).inferred and ov.function:
            for org in ov.organisations:
                for f in held.get(org, ()):
                    # The overlap's function, or a function held that is part of it.
                    if ov.function in broader.get(f, [f]):
                        marked.add((org, f))
    fn_ids = {f["id"] for f in fns}
    orgs = [o for o in orgs if any(f in fn_ids for f in held.get(o["id"], ()))]
    return orgs, fns, counts, marked


# Organisations (rows) the matrix page shows: at ~1M triples every organisation made a 38 MB page.
MATRIX_ROWS = 2_000


def matrix_html(data: dict[str, Any], report: OverlapReport, nav: str = "", data_date: str = "") -> str:
    return "".join(matrix_page_parts(data, report, nav, data_date))


def matrix_page_parts(data: dict[str, Any], report: OverlapReport, nav: str = "", data_date: str = "") -> list[str]:
    """`matrix_html` in parts (see chrome.page_parts): a row per organisation, never joined."""
    orgs, fns, counts, marked = matrix_data(data, report)
    top = max(counts.values(), default=1)
    left_out = max(len(orgs) - MATRIX_ROWS, 0)
    if left_out:  # the organisations with a cell in an overlap first, then the others, each in their order
        overlapping = {o for o, _ in marked}
        orgs = ([o for o in orgs if o["id"] in overlapping] + [o for o in orgs if o["id"] not in overlapping])[:MATRIX_ROWS]
    head = "".join(f'<th class="fn" scope="col">{html.escape(f["label"])}</th>' for f in fns)
    rows = []
    for org in orgs:
        cells = []
        for fn in fns:
            n = counts.get((org["id"], fn["id"]), 0)
            over = (org["id"], fn["id"]) in marked
            shade = f"background: rgba(40, 90, 160, {0.12 + 0.6 * n / top:.2f});" if n else ""
            text = (f"{n}{' ◆' if over else ''}") if n else ""
            tip = f'{org["label"]} holds {fn["label"]} over {n} zone(s)' + ("; overlaps with another holder" if over else "")
            cls = ' class="overlap-cell"' if over else ""
            cells.append(f'<td{cls} style="{shade}" title="{html.escape(tip)}">{text}</td>')
        rows.append(f'<tr><th class="org" scope="row">{html.escape(org["label"])}</th>{"".join(cells)}</tr>')
    before = f"""
<p>Each cell counts the zones over which an organisation holds a governance function. A cell
marked ◆ (and outlined) is part of an overlap: another organisation holds the same function
(or a broader one) over the same zone, or a finding says the function was not performed.</p>
<div class="scroll" tabindex="0" role="region" aria-label="Matrix"><table class="matrix"><thead><tr>
<th scope="col">Organisation</th>{head}</tr></thead><tbody>"""
    after = "</tbody></table></div>\n" + (f'<p class="muted more">{html.escape(ui.MATRIX_MORE.format(n=left_out))}</p>\n'
                                           if left_out else "")
    return page_parts("sezkg: organisation × function matrix", [before, *rows, after], nav,
                      data_date=data_date, head=f"<style>{MATRIX_CSS}</style>")


MATRIX_CSS = """
table.matrix { border-collapse: collapse; font-size: 0.85rem; }
table.matrix th, table.matrix td { border: 1px solid var(--line); padding: 0.2rem 0.35rem; text-align: center; }
table.matrix th.org { text-align: left; min-width: 12rem; }
table.matrix th.fn { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
td.overlap-cell { outline: 3px solid #a1221b; outline-offset: -3px; font-weight: bold; }
"""


def write_map(runner: Runner, out: Path, queries: dict[str, Query], labels: dict[str, str], nav: str = "",
              names: Names | None = None, data_date: str = "") -> Path:
    """The map page and its regions: they need the labels, not the overlaps."""
    from .maps import map_html

    copy_assets(out, ("kazakhstan-regions",))
    map_page = out / "map.html"
    write_text_atomic(map_page, map_html(runner, queries, labels, nav=nav, names=names, data_date=data_date))
    return map_page


def write_viz(runner: Runner, out: Path, report: OverlapReport | None = None, nav: str = "", png: bool = False,
              names: Names | None = None, data_date: str = "", with_map: bool = True,
              with_graph_files: bool = True) -> VizFiles:
    """The network, matrix and map pages with their scripts, the graph files, and with `png`
    also PNG and SVG pictures of the network and the matrix (the one use of matplotlib).
    `with_map=False` leaves the map to the caller (`write_map`); `with_graph_files=False` the
    GraphML and GEXF files out (the report above its size)."""
    out.mkdir(parents=True, exist_ok=True)
    queries = catalogue()
    report = report or find_overlaps(runner, queries=queries)
    if names is None:
        names = names_in_other_languages(runner, queries, english=report.labels_in("en"))
    data = network_data(runner, report, queries, names)
    copy_assets(out, tuple(p for p, _ in NETWORK_SCRIPTS), ("network.js", "map.js"))
    net = out / "network.html"
    page_data, facts_files = split_facts(data)
    write_facts_files(out, facts_files)
    write_text_atomic(net, network_page_parts(page_data, nav=nav, names=names, data_date=data_date))
    del page_data, facts_files
    mat = out / "matrix.html"
    write_text_atomic(mat, matrix_page_parts(data, report, nav=nav, data_date=data_date))
    map_page = (write_map(runner, out, queries, report.labels, nav=nav, names=names, data_date=data_date)
                if with_map else out / "map.html")
    from .pictures import graph_files, matrix_images, network_images

    images = tuple(network_images(data, out / "network") + matrix_images(data, report, out / "matrix")) if png else ()
    graphs = tuple(graph_files(report, out / "overlaps")) if with_graph_files else ()
    return VizFiles(net, mat, map_page, images, graphs)
