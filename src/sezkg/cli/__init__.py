"""The `sezkg` command line: one module per verb, each parsing its arguments and calling the
library; this module assembles them and turns every error into one message and an exit code.

Exit codes a script can trust: 0 ok, 1 violations found, 2 usage, input or system error.
Heavy libraries (rdflib, pyshacl, networkx, matplotlib) are imported only by the verbs that
use them, so `sezkg --help` and `sezkg queries` start at once.
"""

from __future__ import annotations

import argparse
import sys
from typing import Protocol

from .. import __version__
from ..errors import EXIT_ERROR, EXIT_OK, SezkgError
from . import (
    export,
    graphs,
    overlaps,
    push,
    queries,
    report,
    serve,
    site,
    tables,
    validate,
    viz,
    zones,
)

DESCRIPTION = (
    "sezkg answers, from data you can check source by source, who is responsible for what in "
    "Kazakhstan's special economic zones, where their mandates overlap, and what the audits found."
)


class Verb(Protocol):
    """What each verb module (or class, for a second verb in one module) provides."""

    @property
    def NAME(self) -> str: ...
    @property
    def HELP(self) -> str: ...
    @property
    def EXAMPLE(self) -> str: ...
    def add_arguments(self, parser: argparse.ArgumentParser, /) -> None: ...
    def run(self, args: argparse.Namespace, /) -> int: ...


VERBS: list[Verb] = [report, overlaps, zones, zones.Completeness, queries, queries.Query, validate,
                                  tables, export, graphs, viz, site, push, serve]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sezkg", description=DESCRIPTION,
        epilog="Start with `sezkg report`; `sezkg VERB --help` shows each verb's options and an example.")
    parser.add_argument("--version", action="version", version=f"sezkg {__version__}")
    subparsers = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for verb in VERBS:
        sub = subparsers.add_parser(verb.NAME, help=verb.HELP, description=verb.HELP[:1].upper() + verb.HELP[1:] + ".",
                                    epilog=f"example: {verb.EXAMPLE}",
                                    formatter_class=argparse.RawDescriptionHelpFormatter)
        verb.add_arguments(sub)
        sub.set_defaults(run=verb.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except SezkgError as exc:
        print(f"sezkg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        print("sezkg: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("sezkg: error: out of memory", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:  # a system error no layer turned into an OutputError: still one line, exit 2
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"sezkg: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
