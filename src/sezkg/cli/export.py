"""sezkg export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import EXIT_OK
from .common import data_option

NAME = "export"
HELP = "write the whole KG (or one graph) in an RDF format"
EXAMPLE = "sezkg export --format trig --output sezkg.trig"
FORMAT_NAMES = ("jsonld", "nquads", "ntriples", "trig", "turtle", "xml")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", required=True, choices=FORMAT_NAMES)
    parser.add_argument("--output", type=Path, help="file to write (atomically); stdout when absent")
    parser.add_argument("--graph", metavar="IRI", help="export only this named graph")
    data_option(parser)


def run(args: argparse.Namespace) -> int:
    from ..kg.load import load
    from ..publish.export import FORMATS, export, serialize

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
