"""sezkg graphs."""

from __future__ import annotations

import argparse

from ..errors import EXIT_OK
from .common import data_option

EXAMPLE = "sezkg graphs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    data_option(parser)


def run(args: argparse.Namespace) -> int:
    from ..kg.load import load
    from ..kg.resources import default_files

    kg = load(data=args.data)
    root = default_files().ontology.parent
    for graph in kg.graph_names():
        count = len(kg.sorted_quads(graph))
        paths = ", ".join(str(p.relative_to(root)) if p.is_relative_to(root) else str(p)
                          for p in kg.files_of_graph(graph))
        print(f"{graph}\t{count}\t{paths}")
    return EXIT_OK
