"""The `sezkg` command line: one module per verb, each parsing its arguments and calling the
library; this module assembles them and turns every error into one message and an exit code.

Exit codes a script can trust: 0 ok, 1 violations found, 2 usage, input or system error.
Only the module of the verb being run is imported, and heavy libraries (rdflib, pyshacl,
networkx, matplotlib) only by the verbs that use them, so `sezkg --help` and `sezkg queries`
start at once.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .. import __version__
from ..errors import EXIT_ERROR, EXIT_OK, SezkgError
from ..kg.collector import full_passes_deferred

TYPE_CHECKING = False  # typing itself costs ~5 ms at start-up; mypy reads the name all the same
if TYPE_CHECKING:
    from typing import Protocol

    class Verb(Protocol):
        """What a verb module (or a class, for a second verb in one module) provides."""

        @property
        def EXAMPLE(self) -> str: ...
        def add_arguments(self, parser: argparse.ArgumentParser, /) -> None: ...
        def run(self, args: argparse.Namespace, /) -> int: ...


DESCRIPTION = (
    "sezkg answers, from data you can check source by source, who is responsible for what in "
    "Kazakhstan's special economic zones, where their mandates overlap, and what the audits found."
)

# Verbs that run until stopped: they keep Python's collector as it is (see sezkg.kg.collector);
# every other verb is a batch run.
LONG_RUNNING = frozenset({"serve"})

# Every verb: the module (and class, for a second verb in one module) that runs it, and its
# one-line help. Only the verb being run is imported, so `sezkg --help` imports none of them.
VERBS: dict[str, tuple[str, str | None, str]] = {
    "report": ("report", None,
               "load, validate, find the overlaps and write a browsable report folder (the main job)"),
    "overlaps": ("overlaps", None, "every overlapping responsibility, ranked, with its evidence and sources"),
    "zones": ("zones", None,
              "the special economic zones in force on a date (default today), with their names then and status"),
    "completeness": ("zones", "Completeness",
                     "per zone, which facts the graph knows and from how many sources: the gaps, in a table or CSV"),
    "queries": ("queries", None,
                "the query catalogue: each question with its parameters; give a name (or a word) for details"),
    "query": ("queries", "Query", "run one catalogue query"),
    "validate": ("validate", None,
                 "check the KG against the SHACL shapes and the violation queries (exit 1 on violations)"),
    "tables": ("tables", None,
               "write flat tables for spreadsheets and data portals: zones, organisations, mandates, findings, "
               "figures, overlaps, sources and legal acts as labelled CSVs, one .xlsx and a Frictionless "
               "datapackage.json"),
    "export": ("export", None,
               "write the whole KG (or one source's graph) in an RDF format, or as a FollowTheMoney-style "
               "entity stream (one JSON entity per line)"),
    "graphs": ("graphs", None, "list the named graphs (one per source) with their quad counts and files"),
    "viz": ("viz", None,
            "write the interactive overlap network, the matrix, images and GraphML/GEXF into a folder"),
    "site": ("site", None,
             "write the static linked-data site: a page per IRI with Turtle and JSON-LD, VoID/DCAT, dumps"),
    "push": ("push", None,
             "write every named graph to a triple store in one SPARQL Update, read back and verified"),
    "serve": ("serve", None,
              "serve the KG read-only: SPARQL at /sparql, a query page and the linked-data site"),
}


def verb(name: str) -> Verb:
    """The module (or class) of one verb, imported now."""
    module_name, attribute, _ = VERBS[name]
    module = importlib.import_module(f"{__name__}.{module_name}")
    found: Verb = getattr(module, attribute) if attribute else module
    return found


def _verb_named_in(argv: list[str]) -> str | None:
    """The verb the arguments ask for: the first one not an option (sezkg's own are --help and --version)."""
    for arg in argv:
        if arg == "--":
            return None
        if not arg.startswith("-"):
            return arg if arg in VERBS else None
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser, with the options of the verb `argv` names (of every verb when argv is None).

    When argv names a verb, the parser knows that verb alone: argparse only ever reaches the
    one named, and each sub-parser costs start-up time. Without one (`sezkg --help`, a typo),
    every verb is listed so that the help and the error can name them all."""
    named = None if argv is None else _verb_named_in(argv)
    chosen = set(VERBS) if argv is None else {named}
    parser = argparse.ArgumentParser(
        prog="sezkg", description=DESCRIPTION,
        epilog="Start with `sezkg report`; `sezkg VERB --help` shows each verb's options and an example.")
    parser.add_argument("--version", action="version", version=f"sezkg {__version__}")
    subparsers = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for name, (_, _, help_text) in VERBS.items():
        if named is not None and name != named:
            continue
        sub = subparsers.add_parser(name, help=help_text, description=help_text[:1].upper() + help_text[1:] + ".",
                                    formatter_class=argparse.RawDescriptionHelpFormatter)
        if name in chosen:
            runner = verb(name)
            sub.epilog = f"example: {runner.EXAMPLE}"
            runner.add_arguments(sub)
            sub.set_defaults(run=runner.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser(sys.argv[1:] if argv is None else argv).parse_args(argv)  # types may refuse a value
        if args.verb in LONG_RUNNING:
            return int(args.run(args))
        with full_passes_deferred():  # a batch: the collector's full passes wait for its end
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
