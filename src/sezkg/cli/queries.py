"""sezkg queries and sezkg query."""

from __future__ import annotations

import argparse
import sys

from ..errors import EXIT_OK, EXIT_VIOLATIONS, UsageError
from .common import data_option, endpoint_options, runner

NAME = "queries"
HELP = "list the query catalogue"
EXAMPLE = "sezkg queries"

ROW_FORMATS = ("table", "csv", "json", "markdown")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    from ..questions.catalogue import catalogue

    for name, query in catalogue().items():
        print(f"{name}\t{query.title}")
    return EXIT_OK


class Query:
    NAME = "query"
    HELP = "run one catalogue query"
    EXAMPLE = "sezkg query zone-governors --param zone=https://w3id.org/sezkg/id/zone/saryarka"

    @staticmethod
    def add_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("name", help="query name (see `sezkg queries`)")
        parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                            help="bind a parameter (repeatable); the value is typed as the query declares")
        parser.add_argument("--format", choices=ROW_FORMATS, default="table")
        endpoint_options(parser)
        data_option(parser)

    @staticmethod
    def run(args: argparse.Namespace) -> int:
        from ..questions.catalogue import catalogue, run_select
        from ..views.text import rows_text

        queries = catalogue()
        if args.name not in queries:
            raise UsageError(f"no query named {args.name!r}; `sezkg queries` lists them")
        query = queries[args.name]
        rows = run_select(runner(args), query, params(args.param))
        sys.stdout.write(rows_text(rows.variables, rows, args.format))
        return EXIT_VIOLATIONS if query.is_violation and rows else EXIT_OK


def params(pairs: list[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--param takes NAME=VALUE, not {pair!r}")
        result[name] = value
    return result
