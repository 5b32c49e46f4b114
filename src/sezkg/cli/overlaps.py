"""sezkg overlaps."""

from __future__ import annotations

import argparse
import sys

from ..errors import EXIT_OK
from .common import data_option, endpoint_options, lang_option, runner, text
from .queries import ROW_FORMATS

EXAMPLE = "sezkg overlaps --zone \"Astana New City\""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--zone", metavar="NAME", type=text("--zone"),
                        help="only overlaps that reach this zone (a name, slug or IRI)")
    parser.add_argument("--network", action="store_true",
                        help="print the overlap network: centrality of organisations and burden per zone")
    parser.add_argument("--format", choices=ROW_FORMATS, default="table")
    lang_option(parser)
    endpoint_options(parser)
    data_option(parser)


def run(args: argparse.Namespace) -> int:
    from ..questions.names import resolver
    from ..questions.overlaps import find_overlaps, overlap_network
    from ..views.text import network_text, overlaps_text

    source = runner(args)
    zone = resolver(source).resolve(args.zone, "zone", what="--zone") if args.zone is not None else None
    report = find_overlaps(source, zone, lang=args.lang)
    if args.network:
        sys.stdout.write(network_text(overlap_network(source, report), args.format))
    else:
        sys.stdout.write(overlaps_text(report, args.format))
    return EXIT_OK
