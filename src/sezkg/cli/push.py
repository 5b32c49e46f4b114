"""sezkg push."""

from __future__ import annotations

import argparse

from ..errors import EXIT_OK
from .common import data_option

NAME = "push"
HELP = "write every named graph to a triple store (Graph Store Protocol PUT), read back and verified"
EXAMPLE = "sezkg push --endpoint http://127.0.0.1:7878/query"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", required=True, metavar="URL", help="the store's SPARQL query URL")
    parser.add_argument("--graph-store", metavar="URL",
                        help="the store's Graph Store Protocol URL (default: the endpoint's .../store)")
    parser.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS")
    data_option(parser)


def run(args: argparse.Namespace) -> int:
    from ..kg.load import load
    from ..publish.push import graph_store_url, push

    store = args.graph_store or graph_store_url(args.endpoint)
    result = push(load(data=args.data), store, args.timeout)
    print(f"pushed {len(result.graphs)} graphs ({result.triples:,} triples) to {store}; each read back and verified")
    return EXIT_OK
