"""sezkg push."""

from __future__ import annotations

import argparse

from ..errors import EXIT_OK
from .common import data_option, text

EXAMPLE = "sezkg push --endpoint http://127.0.0.1:7878/query"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", required=True, metavar="URL", type=text("--endpoint"),
                        help="the store's SPARQL query URL")
    parser.add_argument("--update", metavar="URL", type=text("--update"),
                        help="the store's SPARQL Update URL (default: the endpoint's .../update)")
    parser.add_argument("--graph-store", metavar="URL", type=text("--graph-store"),
                        help="the store's Graph Store Protocol URL, for reading graphs, and writing them "
                             "with --graph-by-graph (default: the endpoint's .../store)")
    parser.add_argument("--graph-by-graph", action="store_true",
                        help="write with one Graph Store PUT per graph, for stores without SPARQL Update "
                             "(readers may then see some graphs old and others new while the push runs)")
    parser.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                        help="deadline for each request to the store (default: 60)")
    data_option(parser)


def run(args: argparse.Namespace) -> int:
    from ..errors import UsageError
    from ..kg.load import load
    from ..publish.push import graph_store_url, push, update_url
    from ..questions.endpoint import check_url, url_problem

    check_url(args.endpoint)  # each URL before the data loads, by the option that gave it
    for option, url in (("--update", args.update), ("--graph-store", args.graph_store)):
        if url and (problem := url_problem(url)):
            raise UsageError(f"{option} {url}: {problem}")
    store = args.graph_store or graph_store_url(args.endpoint)
    update = None if args.graph_by_graph else (args.update or update_url(args.endpoint))
    result = push(load(data=args.data), store, args.timeout, update)
    how = "in one update" if result.atomic else "graph by graph"
    print(f"pushed {len(result.graphs)} graphs ({result.triples:,} triples) to {update or store} {how}; "
          "each read back and verified")
    return EXIT_OK
