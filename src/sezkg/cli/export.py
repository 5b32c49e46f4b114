"""sezkg export."""

from __future__ import annotations

import argparse
import sys

from ..errors import EXIT_OK, UsageError
from .common import data_option, path, text

TYPE_CHECKING = False  # not `from typing`: see sezkg.cli (start-up time)
if TYPE_CHECKING:
    from ..kg.load import KnowledgeGraph

EXAMPLE = 'sezkg export --format trig --output sezkg.trig; sezkg export --format turtle --graph "Gout (2025)"'
FORMAT_NAMES = ("jsonld", "nquads", "ntriples", "trig", "turtle", "xml", "entities")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", required=True, choices=FORMAT_NAMES,
                        help="an RDF format, or `entities`: FtM-style line-delimited JSON with sources as proof")
    parser.add_argument("--output", type=path("--output"), help="file to write (atomically); stdout when absent")
    parser.add_argument("--graph", metavar="NAME", type=text("--graph"),
                        help="export only this named graph: its IRI, or the source's name or slug")
    data_option(parser)


def run(args: argparse.Namespace) -> int:
    from ..kg.load import load

    kg = load(data=args.data)
    if args.format == "entities":
        return _entities(kg, args)
    from ..publish.export import FORMATS, export, serialize

    graph = _graph(kg, args.graph) if args.graph is not None else None
    if args.output is None:
        sys.stdout.buffer.write(serialize(kg, args.format, graph))
        sys.stdout.flush()
    else:
        size = export(kg, args.format, args.output, graph)
        print(f"wrote {size:,} bytes to {args.output}", file=sys.stderr)
    if graph is None and not FORMATS[args.format].keeps_graphs:
        print(f"note: {args.format} holds no graph names; this is the union of "
              f"{len(kg.graph_names())} graphs (use trig, nquads or jsonld to keep sources)", file=sys.stderr)
    return EXIT_OK


def _graph(kg: KnowledgeGraph, text: str) -> str:
    from ..questions.names import resolver

    iri = resolver(kg).resolve(text, "source", what="--graph")
    if iri not in set(kg.graph_names()):
        raise UsageError(f"--graph: {text} names {iri}, which is not a named graph of the knowledge graph "
                         f"(`sezkg graphs` lists them)")
    return iri


def _entities(kg: KnowledgeGraph, args: argparse.Namespace) -> int:
    from ..kg.files import atomic_writer
    from ..publish.entities import write_entities

    if args.graph is not None:
        raise UsageError("--graph does not go with --format entities: each entity lists its sources as proof")
    if args.output is None:
        count = write_entities(kg, sys.stdout.buffer)
        sys.stdout.flush()
    else:
        with atomic_writer(args.output) as handle:
            count = write_entities(kg, handle)
        print(f"wrote {count:,} entities to {args.output}", file=sys.stderr)
    return EXIT_OK
