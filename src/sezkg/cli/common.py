"""What several verbs share: the --data, --endpoint and --lang options and the runner they choose."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UsageError

TYPE_CHECKING = False  # not `from typing`: see sezkg.cli (start-up time)
if TYPE_CHECKING:
    from collections.abc import Callable

    from ..questions.endpoint import Runner


# argparse types for options whose empty value would mean something else silently: `--zone ""`
# or `--as-of ""` dropped the filter (each was tested for truth), `--out ""` and `--data ""`
# were the working folder, `--host ""` every interface. They raise a UsageError, which argparse
# lets through (it catches only ValueError, TypeError and ArgumentTypeError), so the message is
# one `sezkg: error:` line like any other.

def text(option: str, instead: str = "leave the option out") -> Callable[[str], str]:
    """A string option that refuses ""."""
    def parse(value: str) -> str:
        if not value:
            raise UsageError(f"{option} is empty; give a value, or {instead}")
        return value
    return parse


def path(option: str) -> Callable[[str], Path]:
    """A path option that refuses "" (Path("") is the working folder)."""
    def parse(value: str) -> Path:
        if not value:
            raise UsageError(f"{option} is empty; give a path")
        return Path(value)
    return parse


def data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", action="append", type=path("--data"), metavar="PATH",
        help="data file (.trig, .nq, or .jsonld as sezkg exports it) or folder of them to load "
             "instead of the bundled data/ (repeatable)",
    )


def force_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true",
                        help="replace the folder even if sezkg did not build it (its files are deleted)")


def endpoint_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", metavar="URL", type=text("--endpoint"),
                        help="run on this SPARQL 1.1 endpoint instead of the embedded store "
                             "(its default graph must be the union of the named graphs)")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                        help="deadline for each whole request to the endpoint (default: 30)")


LANGUAGES = ("en", "ru", "kk")


def lang_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="language of the names shown (English where a thing has no name in it)")


def runner(args: argparse.Namespace) -> Runner:
    """The embedded store (loaded from --data or the bundled data) or a remote endpoint."""
    if getattr(args, "endpoint", None) is not None:
        if args.data:
            raise UsageError("--data and --endpoint do not go together: the endpoint holds its own data")
        from ..questions.endpoint import RemoteRunner

        return RemoteRunner(args.endpoint, args.timeout)
    from ..kg.load import load

    return load(data=args.data)
