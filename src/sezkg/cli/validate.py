"""sezkg validate."""

from __future__ import annotations

import argparse
import sys

from ..errors import EXIT_OK, EXIT_VIOLATIONS
from .common import data_option

EXAMPLE = "sezkg validate --data my-zone.trig --format json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")
    data_option(parser)


def run(args: argparse.Namespace) -> int:
    from ..kg.load import load
    from ..questions.validate import validate
    from ..views.text import validation_json, validation_text

    report = validate(load(data=args.data))
    sys.stdout.write(validation_json(report) if args.format == "json" else validation_text(report))
    return EXIT_OK if report.conforms else EXIT_VIOLATIONS
