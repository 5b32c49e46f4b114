"""sezkg site."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import EXIT_OK
from .common import data_option, force_option, path, text

EXAMPLE = "sezkg site public/ --endpoint https://example.org/sparql"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=path("DIR"), help="folder to write (replaced whole if `sezkg site` built it)")
    parser.add_argument("--endpoint", metavar="URL", type=text("--endpoint"),
                        help="SPARQL endpoint to name in the VoID description")
    force_option(parser)
    data_option(parser)


def run(args: argparse.Namespace) -> int:
    from ..kg.files import check_replaceable
    from ..kg.load import load
    from ..views.site import build_site

    if args.endpoint is not None:
        from ..questions.endpoint import check_url

        check_url(args.endpoint)  # it becomes an IRI in void.ttl
    check_replaceable(Path(args.dir).absolute(), args.force, "site")
    pages = build_site(load(data=args.data), args.dir, args.endpoint, force=args.force)
    print(f"wrote {pages} entity pages, the ontology page and void.ttl to {args.dir}")
    return EXIT_OK
