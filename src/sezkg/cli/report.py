"""sezkg report: the main job."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import EXIT_OK, EXIT_VIOLATIONS
from .common import data_option, force_option, path

EXAMPLE = "sezkg report --out sezkg-report && xdg-open sezkg-report/index.html"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=path("--out"), default=Path("sezkg-report"), help="report folder (default: ./sezkg-report)")
    parser.add_argument("--png", action="store_true",
                        help="also draw PNG and SVG pictures of the network and the matrix (needs matplotlib)")
    parser.add_argument("--one-process", action="store_true",
                        help="validate and write the RDF exports and the tables one after the other in the "
                             "main thread, not shared with a second process (up to 2,000,000 quads) or thread "
                             "(above): slower, but less memory")
    parser.add_argument("--every-export", action="store_true",
                        help="write the KG in every RDF format, as entities and as the statements table, and "
                             "the overlap network as GraphML and GEXF, at any size (above 1,000,000 quads the "
                             "report writes the KG as N-Quads only and names the command for each file left out)")
    force_option(parser)
    data_option(parser)


def run(args: argparse.Namespace) -> int:
    from ..views.report import build_report
    from ..views.text import validation_text

    result = build_report(args.out, data=args.data, force=args.force, png=args.png,
                          fork=False if args.one_process else None, every_export=True if args.every_export else None,
                          progress=lambda line: print(line, file=sys.stderr, flush=True))
    if not result.validation.conforms:
        print(validation_text(result.validation), file=sys.stderr)
    print(f"report written to {result.folder}; open {result.folder / 'index.html'}")
    return EXIT_OK if result.validation.conforms else EXIT_VIOLATIONS
