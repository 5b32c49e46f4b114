"""The `sezkg` command line: parse arguments, call the library, print, exit.

Exit codes a script can trust: 0 ok, 1 violations found, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import threading
from pathlib import Path

from . import __version__
from .catalogue import Param, catalogue, run_select
from .endpoint import RemoteRunner, Runner
from .errors import SezkgError, UsageError
from .export import FORMATS, export, serialize
from .load import load
from .overlaps import find_overlaps, overlap_network
from .render import ROW_FORMATS, network_text, overlaps_text, rows_text, validation_json, validation_text
from .report import build_report
from .resources import default_files
from .validate import validate
from .publish import graph_store_url, push, start_server
from .site import build_site
from .viz import write_viz

EXIT_OK, EXIT_VIOLATIONS, EXIT_INPUT = 0, 1, 2


def _data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", action="append", type=Path, metavar="PATH",
        help="TriG file or folder to load instead of the bundled data/ (repeatable)",
    )


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sezkg", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"sezkg {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    report = verbs.add_parser("report", help="load, validate and export the KG into one folder (the main job)")
    report.add_argument("--out", type=Path, default=Path("sezkg-report"), help="report folder (default: ./sezkg-report)")
    _data_option(report)

    val = verbs.add_parser("validate", help="check the KG against the SHACL shapes and the violation queries")
    val.add_argument("--format", choices=("text", "json"), default="text")
    _data_option(val)

    exp = verbs.add_parser("export", help="write the whole KG (or one graph) in an RDF format")
    exp.add_argument("--format", required=True, choices=sorted(FORMATS))
    exp.add_argument("--output", type=Path, help="file to write (atomically); stdout when absent")
    exp.add_argument("--graph", metavar="IRI", help="export only this named graph")
    _data_option(exp)

    graphs = verbs.add_parser("graphs", help="list the named graphs with their quad counts and files")
    _data_option(graphs)

    viz = verbs.add_parser("viz", help="write the interactive overlap network, the matrix, images and GraphML/GEXF")
    viz.add_argument("--out", type=Path, default=Path("sezkg-viz"), help="folder (default: ./sezkg-viz)")
    _endpoint_options(viz)
    _data_option(viz)

    site = verbs.add_parser("site", help="write the static linked-data site (a page per IRI, VoID/DCAT, dumps)")
    site.add_argument("dir", type=Path, help="folder to write (replaced whole)")
    site.add_argument("--endpoint", metavar="URL", help="SPARQL endpoint to name in the VoID description")
    _data_option(site)

    push = verbs.add_parser("push", help="write every named graph to a triple store (Graph Store Protocol PUT)")
    push.add_argument("--endpoint", required=True, metavar="URL", help="the store's SPARQL query URL")
    push.add_argument("--graph-store", metavar="URL",
                      help="the store's Graph Store Protocol URL (default: the endpoint's .../store)")
    push.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS")
    _data_option(push)

    serve = verbs.add_parser("serve", help="serve the KG read-only: SPARQL at /sparql (Oxigraph) and the site at /")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    serve.add_argument("--port", type=int, default=7878)
    serve.add_argument("--query-timeout", type=int, default=30, metavar="SECONDS", help="time limit per query")
    _data_option(serve)

    verbs.add_parser("queries", help="list the query catalogue (name and title)")

    query = verbs.add_parser("query", help="run one catalogue query")
    query.add_argument("name", help="query name (see `sezkg queries`)")
    query.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                       help="bind a parameter (repeatable); the value is typed as the query declares")
    query.add_argument("--format", choices=ROW_FORMATS, default="table")
    _endpoint_options(query)
    _data_option(query)

    over = verbs.add_parser("overlaps", help="every overlapping responsibility, ranked, with evidence and sources")
    over.add_argument("--zone", metavar="IRI", help="only overlaps that reach this zone")
    over.add_argument("--network", action="store_true",
                      help="print the overlap network: centrality of organisations and burden per zone")
    over.add_argument("--format", choices=ROW_FORMATS, default="table")
    _endpoint_options(over)
    _data_option(over)
    return parser


def _endpoint_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", metavar="URL",
                        help="run on this SPARQL 1.1 endpoint instead of the embedded store "
                             "(its default graph must be the union of the named graphs)")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                        help="time limit for each request to the endpoint (default: 30)")


def _runner(args: argparse.Namespace) -> Runner:
    if args.endpoint:
        if args.data:
            raise UsageError("--data and --endpoint do not go together: the endpoint holds its own data")
        return RemoteRunner(args.endpoint, args.timeout)
    return load(data=args.data)


def _params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--param takes NAME=VALUE, not {pair!r}")
        params[name] = value
    return params


def _cmd_report(args: argparse.Namespace) -> int:
    result = build_report(args.out, data=args.data, progress=lambda line: print(line, file=sys.stderr, flush=True))
    if not result.validation.conforms:
        print(validation_text(result.validation), file=sys.stderr)
    print(f"report written to {result.folder}; open {result.folder / 'index.html'}")
    return EXIT_OK if result.validation.conforms else EXIT_VIOLATIONS


def _cmd_validate(args: argparse.Namespace) -> int:
    kg = load(data=args.data)
    report = validate(kg)
    sys.stdout.write(validation_json(report) if args.format == "json" else validation_text(report))
    return EXIT_OK if report.conforms else EXIT_VIOLATIONS


def _cmd_export(args: argparse.Namespace) -> int:
    kg = load(data=args.data)
    if args.output is None:
        sys.stdout.buffer.write(serialize(kg, args.format, args.graph))
        sys.stdout.flush()
    else:
        size = export(kg, args.format, args.output, args.graph)
        print(f"wrote {size:,} bytes to {args.output}", file=sys.stderr)
    if args.graph is None and not FORMATS[args.format].keeps_graphs:
        print(f"note: {args.format} holds no graph names; this is the union of "
              f"{len(kg.graph_names())} graphs (use trig, nquads or jsonld to keep sources)", file=sys.stderr)
    return EXIT_OK


def _cmd_graphs(args: argparse.Namespace) -> int:
    kg = load(data=args.data)
    root = default_files().ontology.parent
    for graph in kg.graph_names():
        count = len(kg.sorted_quads(graph))
        paths = ", ".join(str(p.relative_to(root)) if p.is_relative_to(root) else str(p) for p in kg.files_of_graph(graph))
        print(f"{graph}\t{count}\t{paths}")
    return EXIT_OK


def _cmd_viz(args: argparse.Namespace) -> int:
    files = write_viz(_runner(args), args.out)
    for path in (files.network_html, files.matrix_html, *files.images, *files.graphs):
        print(path)
    return EXIT_OK


def _cmd_site(args: argparse.Namespace) -> int:
    pages = build_site(load(data=args.data), args.dir, args.endpoint)
    print(f"wrote {pages} entity pages, the ontology page and void.ttl to {args.dir}")
    return EXIT_OK


def _cmd_push(args: argparse.Namespace) -> int:
    store = args.graph_store or graph_store_url(args.endpoint)
    result = push(load(data=args.data), store, args.timeout)
    print(f"pushed {len(result.graphs)} graphs ({result.triples:,} triples) to {store}; each read back and verified")
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    import signal
    import tempfile

    kg = load(data=args.data)
    site_dir = Path(tempfile.mkdtemp(prefix="sezkg-site-")) / "site"
    build_site(kg, site_dir)
    server = start_server(kg, args.host, args.port, site_dir, args.query_timeout)
    print(f"serving read-only SPARQL at {server.url}/sparql and the site at {server.url}/ (Ctrl-C stops)", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        shutil.rmtree(site_dir.parent, ignore_errors=True)
    return EXIT_OK


def _cmd_queries(args: argparse.Namespace) -> int:
    for name, query in catalogue().items():
        print(f"{name}\t{query.title}")
    return EXIT_OK


def _cmd_query(args: argparse.Namespace) -> int:
    queries = catalogue()
    if args.name not in queries:
        raise UsageError(f"no query named {args.name!r}; `sezkg queries` lists them")
    query = queries[args.name]
    rows = run_select(_runner(args), query, _params(args.param))
    sys.stdout.write(rows_text(rows.variables, rows, args.format))
    return EXIT_VIOLATIONS if query.is_violation and rows else EXIT_OK


def _cmd_overlaps(args: argparse.Namespace) -> int:
    runner = _runner(args)
    zone = Param("zone", "iri").term(args.zone).value if args.zone else None
    report = find_overlaps(runner, zone)
    if args.network:
        sys.stdout.write(network_text(overlap_network(runner, report), args.format))
    else:
        sys.stdout.write(overlaps_text(report, args.format))
    return EXIT_OK


COMMANDS = {
    "report": _cmd_report,
    "validate": _cmd_validate,
    "export": _cmd_export,
    "graphs": _cmd_graphs,
    "viz": _cmd_viz,
    "site": _cmd_site,
    "push": _cmd_push,
    "serve": _cmd_serve,
    "queries": _cmd_queries,
    "query": _cmd_query,
    "overlaps": _cmd_overlaps,
}


def main(argv: list[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    try:
        return COMMANDS[args.verb](args)
    except SezkgError as exc:  # bad input, bad usage, an endpoint or a push that failed: all exit 2
        print(f"sezkg: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
