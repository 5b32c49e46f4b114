"""sezkg tables."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import EXIT_OK
from .common import data_option, endpoint_options, force_option, lang_option, path

EXAMPLE = "sezkg tables sezkg-tables/ --lang ru"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=path("DIR"), help="folder to write (replaced whole if `sezkg tables` built it)")
    lang_option(parser)
    force_option(parser)
    endpoint_options(parser)
    data_option(parser)


def run(args: argparse.Namespace) -> int:
    from ..kg.files import check_replaceable
    from ..publish.tables import build_tables, write_tables
    from .common import runner

    check_replaceable(Path(args.dir).absolute(), args.force, "tables")
    tables = build_tables(runner(args), args.lang)
    write_tables(tables, args.dir, args.lang, force=args.force)
    counts = ", ".join(f"{len(t.rows)} {t.name}" for t in tables)
    print(f"wrote {len(tables)} CSV tables ({counts}), sezkg.xlsx and datapackage.json to {args.dir}")
    return EXIT_OK
