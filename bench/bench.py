"""Benchmark of sezkg against the naive rdflib way -- a benchmark, not a test.

Times load, SHACL validation, the violation queries, export (N-Quads, TriG) and two SPARQL
queries on the bundled KG and on synthetic KGs of the same shape (~10k, ~100k, ~1M triples),
the sezkg way and the naive way (rdflib.Dataset + pyshacl defaults) in the same process.
Figures depend on the machine, its load and the library versions: compare ratios, not seconds.

    python bench/bench.py [--sizes 10000 100000 1000000] [--quick] [--budget-seconds 300]
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import random
import resource
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
import rdflib

import sezkg
from sezkg.kg.load import KnowledgeGraph, data_paths, ontology_paths
from sezkg.kg.resources import KGFiles, default_files
from sezkg.publish.export import serialize
from sezkg.questions.catalogue import catalogue
from sezkg.questions.validate import run_shacl, run_violation_queries

COUNT_PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
ZONES_WITHOUT_COMPANY = """PREFIX sez: <https://w3id.org/sezkg/ontology#>
SELECT ?zone WHERE { ?zone a sez:SpecialEconomicZone FILTER NOT EXISTS { ?zone sez:managementCompany ?c } }"""
SKIPPED = "skipped (over budget at smaller size)"
PREFIXES = """@prefix sez: <https://w3id.org/sezkg/ontology#> .
@prefix zone: <https://w3id.org/sezkg/id/zone/> .
@prefix orgid: <https://w3id.org/sezkg/id/org/> .
@prefix region: <https://w3id.org/sezkg/id/region/> .
@prefix src: <https://w3id.org/sezkg/source/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
ORG_CLASSES = ["Company", "PrivateCompany", "ForeignCompany", "Bank", "ThinkTank", "Ministry",
               "LocalExecutiveBody", "EducationInstitution", "InternationalOrganisation", "Association"]
ZONES_PER_GRAPH, ORGS_PER_GRAPH, GRAPHS_PER_FILE, REGIONS = 10, 8, 100, 20


class OverBudget(BaseException):  # not Exception: rdflib and pyshacl catch those
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt Python code (pyshacl, rdflib) that runs past the budget; no-op off Unix."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise OverBudget

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Bench:
    budget: float
    rows: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    previous: dict[tuple[str, str], float] = field(default_factory=dict)  # (step, side) -> s

    def measure(self, step: str, side: str, fn: Callable[[], Any], repeats: int,
                scaled: bool) -> tuple[float | str, Any]:
        """Best of `repeats` runs: the time as text (or why there is none) and the result."""
        key = (step, side)
        if scaled and self.previous.get(key, 0.0) > self.budget / 10:
            self.previous[key] = math.inf
            return SKIPPED, None
        best, result = math.inf, None
        for _ in range(repeats):
            gc.collect()
            start = time.perf_counter()
            try:
                with time_limit(self.budget):
                    result = fn()
            except OverBudget:
                if scaled:
                    self.previous[key] = math.inf
                return f"aborted (> {self.budget:g} s budget)", None
            best = min(best, time.perf_counter() - start)
        if scaled:
            self.previous[key] = best
        return best, result

    def add(self, dataset: str, triples: int, step: str, ours: float | str, naive: float | str) -> None:
        ratio = f"{naive / ours:,.1f}x" if isinstance(ours, float) and isinstance(naive, float) and ours > 0 else "-"
        self.rows.append((dataset, f"{triples:,}", step, seconds(ours), seconds(naive), ratio))


def seconds(t: float | str) -> str:
    return t if isinstance(t, str) else f"{t:.2f}" if t >= 10 else f"{t:.4f}"


def concepts(files: KGFiles) -> tuple[list[str], list[str]]:
    """The real zone-type and sector concept IRIs of ontology/schemes.ttl."""
    store = ox.Store()
    store.load(path=str(files.ontology / "schemes.ttl"), format=ox.RdfFormat.TURTLE)
    in_scheme = ox.NamedNode("http://www.w3.org/2004/02/skos/core#inScheme")

    def members(scheme: str) -> list[str]:
        node = ox.NamedNode(f"https://w3id.org/sezkg/scheme/{scheme}")
        quads = store.quads_for_pattern(None, in_scheme, node, None)
        return sorted(q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode))

    return members("zone-type"), members("sector")


def zone(rng: random.Random, zid: str, label: str, zone_types: list[str], sectors: list[str]) -> tuple[str, int, bool]:
    """One zone like data/zones.trig: its TriG, its triple count, whether it has a management company."""
    picked = " , ".join(f"<{x}>" for x in rng.sample(sectors, rng.randint(1, 3)))
    company = rng.random() < 0.9  # one zone in ten has no management company
    lines = [f'zone:{zid} a sez:SpecialEconomicZone ; rdfs:label "{label}"@en ;',
             f"    sez:zoneType <{rng.choice(zone_types)}> ; sez:prioritySector {picked} ;",
             f"    sez:locatedIn region:r{rng.randrange(REGIONS):02d} ;",
             f'    sez:establishedYear "{rng.randint(1990, 2024)}"^^xsd:gYear ;',
             f'    sez:areaHectares "{rng.randint(50, 30000)}"^^xsd:decimal ;',
             *([f"    sez:managementCompany orgid:mc-{zid} ;"] if company else []),
             f'    rdfs:comment "Synthetic zone {zid}."@en .']
    return "\n".join(lines), 7 + picked.count("<") + company, company


def write_synthetic(folder: Path, target: int, files: KGFiles, seed: int = 20261128) -> None:
    """TriG like data/: sources, zones and organisations spread over many source graphs."""
    rng = random.Random(seed)
    zone_types, sectors = concepts(files)
    blocks: dict[str, list[str]] = {"sources": [], "zones": [], "organisations": []}
    regions = ['region:kazakhstan a sez:Country ; rdfs:label "Kazakhstan"@en .']
    regions += [f'region:r{r:02d} a sez:Oblast ; rdfs:label "Region {r}"@en ; sez:locatedIn region:kazakhstan .'
                for r in range(REGIONS)]
    written, g = 2 + 3 * REGIONS, 0
    while written < target or g == 0:
        s = f"s{g:05d}"  # one source document, one named graph
        ref = f" ;\n    dcterms:references src:s{g - 1:05d}" if g else ""
        blocks["sources"].append(
            f'GRAPH src:{s} {{\n  src:{s} a sez:Source ; rdfs:label "Synthetic source {g}"@en ;\n'
            f'    dcterms:issued "{rng.randint(1995, 2025)}"^^xsd:gYear ; dcterms:creator orgid:o{s}-0{ref} .\n}}')
        written += 5 if g else 4
        zones, orgs = (list(regions) if g == 0 else []), []
        for z in range(ZONES_PER_GRAPH):
            text, count, company = zone(rng, f"z{s}-{z}", f"Zone {g}-{z} SEZ", zone_types, sectors)
            zones.append(text)
            written += count
            if company:
                orgs.append(f'orgid:mc-z{s}-{z} a sez:ManagementCompany ; rdfs:label "Management company {g}-{z}"@en ;'
                            " sez:basedInCountry region:kazakhstan .")
                written += 3
            if g and rng.random() < 0.2:  # a later source restates an earlier zone's area
                zones.append(f'zone:zs{g - 1:05d}-{z} sez:areaHectares "{rng.randint(50, 30000)}"^^xsd:decimal .')
                written += 1
        for o in range(ORGS_PER_GRAPH):
            parent = f" ; org:subOrganizationOf orgid:o{s}-0" if o else ""
            orgs.append(f'orgid:o{s}-{o} a sez:{rng.choice(ORG_CLASSES)} ; rdfs:label "Organisation {g}-{o}"@en ;'
                        f" sez:basedInCountry region:kazakhstan{parent} .")
            written += 4 if o else 3
        blocks["zones"].append(f"GRAPH src:{s} {{\n" + "\n".join(zones) + "\n}")
        blocks["organisations"].append(f"GRAPH src:{s} {{\n" + "\n".join(orgs) + "\n}")
        g += 1
    for topic, texts in blocks.items():  # a graph spans three files, as gout-2025 does in data/
        for start in range(0, len(texts), GRAPHS_PER_FILE):
            chunk = "\n\n".join(texts[start:start + GRAPHS_PER_FILE])
            (folder / f"{topic}-{start // GRAPHS_PER_FILE:04d}.trig").write_text(PREFIXES + "\n" + chunk + "\n")


def naive_load(files: KGFiles, data: list[Path]) -> rdflib.Dataset:
    ds = rdflib.Dataset(default_union=True)  # union as default graph, as kg.select and pyshacl use
    for path in ontology_paths(files.ontology):
        ds.graph(rdflib.URIRef(path.as_uri())).parse(path, format="turtle")
    for path in data:
        ds.parse(path, format="trig")
    return ds


def run_dataset(bench: Bench, name: str, files: KGFiles, data: list[Path], repeats: int, scaled: bool) -> None:
    """Every step on one dataset, sezkg and naive side by side."""
    ours, kg = bench.measure("load", "sezkg", lambda: sezkg.load(files, data=data), repeats, scaled)
    naive, ds = bench.measure("load", "naive", lambda: naive_load(files, data), repeats, scaled)
    if kg is None:
        bench.add(name, 0, "load", ours, naive)
        bench.notes.append(f"{name}: sezkg load did not run, so no other step did")
        return
    assert isinstance(kg, KnowledgeGraph)
    n = len(kg)
    bench.add(name, n, "load", ours, naive)

    def both(step: str, mine: Callable[[], Any], theirs: Callable[[rdflib.Dataset], Any]) -> tuple[Any, Any]:
        """Time both sides now (so closures over loop variables are safe) and add one row."""
        t_ours, r_ours = bench.measure(step, "sezkg", mine, repeats, scaled)
        t_naive, r_naive = bench.measure(step, "naive", lambda: theirs(ds), repeats, scaled) if ds is not None \
            else ("skipped (no naive dataset)", None)
        bench.add(name, n, step, t_ours, t_naive)
        return r_ours, r_naive

    shacl, report = both("validate: SHACL", lambda: run_shacl(kg, files.shapes),
                         lambda d: pyshacl.validate(d, shacl_graph=str(files.shapes)))
    if shacl is not None and report is not None and (not shacl[0]) != report[0]:
        bench.notes.append(f"{name}: SHACL disagrees: sezkg {len(shacl[0])} violations, pyshacl conforms={report[0]}")
    if shacl is not None and shacl[0]:
        bench.notes.append(f"{name}: sezkg found {len(shacl[0])} SHACL violations, e.g. {shacl[0][0].message}")
    gates = catalogue(files.queries)
    t_gates, found = bench.measure("violation queries", "sezkg", partial(run_violation_queries, kg, gates),
                                   repeats, scaled)
    bench.add(name, n, "validate: violation queries", t_gates, "-")
    if found is not None and found[0]:
        bench.notes.append(f"{name}: {len(found[0])} violation-query rows, e.g. {found[0][0].check}")
    for fmt in ("nquads", "trig"):
        both(f"export: {fmt}", partial(serialize, kg, fmt), lambda d: d.serialize(format=fmt))
    for label, sparql in (("query: count per graph", COUNT_PER_GRAPH), ("query: NOT EXISTS", ZONES_WITHOUT_COMPANY)):
        mine, theirs = both(label, partial(kg.select, sparql), lambda d: list(d.query(sparql)))
        if mine is not None and theirs is not None and len(mine) != len(theirs):
            bench.notes.append(f"{name}: {label}: sezkg {len(mine)} rows, rdflib {len(theirs)} rows")


def print_table(bench: Bench) -> None:
    header = ("dataset", "triples", "step", "sezkg s", "naive s", "naive/sezkg")
    widths = [max(len(r[i]) for r in [header, *bench.rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *bench.rows]:
        print(" | ".join(c.rjust(w) if i in (1, 3, 4, 5) else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000],
                        help="target triple counts of the synthetic KGs")
    parser.add_argument("--quick", action="store_true", help="real data and ~10k triples only, one run each")
    parser.add_argument("--budget-seconds", type=float, default=300.0,
                        help="per step: abort a run past this, skip a size when the previous took > budget/10")
    args = parser.parse_args(argv)
    sizes = [10_000] if args.quick else sorted(args.sizes)
    files = default_files()
    print(f"python {platform.python_version()} ({platform.python_implementation()}), {platform.platform()}")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"nproc {cores}; pyoxigraph {ox.__version__}, rdflib {rdflib.__version__}, "
          f"pyshacl {pyshacl.__version__}; budget {args.budget_seconds:g} s per step")
    bench = Bench(args.budget_seconds)
    ontology_triples = sum(f.quads for f in sezkg.load(files).files if f.kind == "ontology")
    run_dataset(bench, "real data", files, data_paths([files.data]), 1 if args.quick else 3, scaled=False)
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="sezkg-bench-") as tmp:
            write_synthetic(Path(tmp), size - ontology_triples, files)
            repeats = 3 if size <= 10_000 and not args.quick else 1
            run_dataset(bench, f"synthetic ~{size:,}", files, data_paths([Path(tmp)]), repeats, scaled=True)
        gc.collect()
        sys.stdout.flush()
        print(f"... done ~{size:,} triples", file=sys.stderr, flush=True)
    print(flush=True)
    print_table(bench)
    for note in bench.notes:
        print(f"note: {note}")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"peak memory (ru_maxrss, whole run): {peak_kib / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
