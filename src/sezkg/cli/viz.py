"""sezkg viz."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import EXIT_OK
from .common import data_option, endpoint_options, force_option, path, runner

EXAMPLE = "sezkg viz --out sezkg-viz"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=path("--out"), default=Path("sezkg-viz"), help="folder (default: ./sezkg-viz)")
    force_option(parser)
    endpoint_options(parser)
    data_option(parser)


def run(args: argparse.Namespace) -> int:
    from ..kg.files import building_folder, check_replaceable
    from ..views.viz import write_viz

    check_replaceable(Path(args.out).absolute(), args.force, "viz")
    source = runner(args)
    with building_folder(args.out, "viz", args.force) as folder:
        files = write_viz(source, folder)
    out = Path(args.out).absolute()
    for file in (files.network_html, files.matrix_html, files.map_html, *files.images, *files.graphs):
        print(out / file.name)
    return EXIT_OK
