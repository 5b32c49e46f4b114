"""sezkg zones and sezkg completeness."""

from __future__ import annotations

import argparse
import datetime
import sys

from ..errors import EXIT_OK
from .common import data_option, endpoint_options, lang_option, path, runner, text
from .queries import ROW_FORMATS

EXAMPLE = "sezkg zones --as-of 2026-02-10"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--as-of", metavar="DATE", type=text("--as-of"),
                      help="a year, month or day, e.g. 2019 or 2026-02-10 (default: today)")
    when.add_argument("--all", action="store_true", help="every zone the graph knows, in force or not, with its dates")
    parser.add_argument("--format", choices=ROW_FORMATS, default="table")
    lang_option(parser)
    endpoint_options(parser)
    data_option(parser)


def run(args: argparse.Namespace) -> int:
    from ..questions.catalogue import catalogue, run_select
    from ..questions.overlaps import labels
    from ..views.text import rows_text

    queries = catalogue()
    date = datetime.date.today().isoformat() if args.as_of is None else args.as_of
    params = None if args.all else {"date": date}
    queries["zones-in-force"].param("date").term(date, what="--as-of")  # before loading anything
    source = runner(args)
    rows = run_select(source, queries["zones-in-force"], params)
    names = labels(source, queries, args.lang)
    shown = ["zone", "nameOnDate", "status", "from", "until", "lastSeen", "sources"]
    out = rows_text(shown, rows, args.format, names)
    if args.format == "table":
        if args.all:
            out += f"{len(rows)} zones.\n"
        else:
            open_ended = sum(1 for r in rows if "status" in r and r["status"].value == "no end on record")
            out += f"{len(rows)} zones in force on {date}"
            out += (f", {open_ended} of them because no source gives their end (\"no end on record\").\n"
                    if open_ended else ".\n")
    sys.stdout.write(out)
    return EXIT_OK


class Completeness:
    EXAMPLE = "sezkg completeness --format csv --output completeness.csv"

    @staticmethod
    def add_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--format", choices=ROW_FORMATS, default="table")
        parser.add_argument("--output", type=path("--output"), help="file to write (atomically); stdout when absent")
        lang_option(parser)
        endpoint_options(parser)
        data_option(parser)

    @staticmethod
    def run(args: argparse.Namespace) -> int:
        from ..kg.files import write_atomic
        from ..questions.catalogue import catalogue, run_select
        from ..questions.overlaps import labels
        from ..views.text import rows_text

        queries = catalogue()
        source = runner(args)
        rows = run_select(source, queries["completeness"])
        text = rows_text([v for v in rows.variables if v != "label"], rows, args.format,
                         labels(source, queries, args.lang))
        if args.output is not None:
            write_atomic(args.output, text.encode("utf-8"))
            print(f"wrote {len(rows)} zones to {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return EXIT_OK
