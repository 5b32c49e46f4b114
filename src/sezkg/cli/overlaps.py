"""sezkg overlaps."""

from __future__ import annotations

import argparse
import sys

from ..errors import EXIT_OK
from .common import data_option, endpoint_options, runner
from .queries import ROW_FORMATS

NAME = "overlaps"
HELP = "every overlapping responsibility, ranked, with its evidence and sources"
EXAMPLE = "sezkg overlaps --zone https://w3id.org/sezkg/id/zone/astana-new-city"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--zone", metavar="IRI", help="only overlaps that reach this zone")
    parser.add_argument("--network", action="store_true",
                        help="print the overlap network: centrality of organisations and burden per zone")
    parser.add_argument("--format", choices=ROW_FORMATS, default="table")
    endpoint_options(parser)
    data_option(parser)


def run(args: argparse.Namespace) -> int:
    from ..questions.catalogue import Param
    from ..questions.overlaps import find_overlaps, overlap_network
    from ..views.text import network_text, overlaps_text

    source = runner(args)
    zone = Param("zone", "iri").term(args.zone).value if args.zone else None
    report = find_overlaps(source, zone)
    if args.network:
        sys.stdout.write(network_text(overlap_network(source, report), args.format))
    else:
        sys.stdout.write(overlaps_text(report, args.format))
    return EXIT_OK
