"""sezkg serve."""

from __future__ import annotations

import argparse

from ..errors import EXIT_OK
from .common import data_option

NAME = "serve"
HELP = "serve the KG read-only: SPARQL at /sparql, a query page and the linked-data site"
EXAMPLE = "sezkg serve --port 7878   # then open http://127.0.0.1:7878/"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    parser.add_argument("--port", type=int, default=7878)
    parser.add_argument("--query-timeout", type=float, default=30, metavar="SECONDS", help="deadline per query")
    data_option(parser)


def run(args: argparse.Namespace) -> int:
    import shutil
    import signal
    import tempfile
    import threading
    from pathlib import Path

    from ..kg.load import load
    from ..publish.serve import start_server
    from ..views.site import build_site

    kg = load(data=args.data)
    site_dir = Path(tempfile.mkdtemp(prefix="sezkg-site-")) / "site"
    try:
        build_site(kg, site_dir)
        server = start_server(kg, args.host, args.port, site_dir, args.query_timeout)
        print(f"serving read-only SPARQL at {server.url}/sparql and the site at {server.url}/ (Ctrl-C stops)", flush=True)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
    finally:
        shutil.rmtree(site_dir.parent, ignore_errors=True)
    return EXIT_OK
