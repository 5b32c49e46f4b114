"""sezkg serve."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import EXIT_OK
from .common import data_option, path, text

EXAMPLE = "sezkg serve --port 7878   # then open http://127.0.0.1:7878/"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", type=text("--host"),
                        help="address to listen on (default: loopback only)")
    parser.add_argument("--port", type=int, default=7878)
    parser.add_argument("--query-timeout", type=float, default=30, metavar="SECONDS",
                        help="deadline per query, from its arrival to its last byte (default: 30)")
    parser.add_argument("--max-answer-mb", type=float, default=64, metavar="MB",
                        help="an answer larger than this is cut, and the client sees an incomplete answer "
                             "(default: 64)")
    parser.add_argument("--backends", type=int, default=2, metavar="N",
                        help="Oxigraph processes answering queries, one query each at a time (default: 2)")
    parser.add_argument("--request-timeout", type=float, default=20, metavar="SECONDS",
                        help="time a client has to send a whole request, and for each write to it (default: 20)")
    parser.add_argument("--site", type=path("--site"), metavar="DIR",
                        help="serve this site folder (from `sezkg site`) instead of building one at start")
    data_option(parser)


class _Stopped(Exception):
    """SIGTERM: stop serving and clean up, wherever the server is (even while starting)."""


def _stopped(*_: object) -> None:
    raise _Stopped


def run(args: argparse.Namespace) -> int:
    import shutil
    import signal
    import tempfile
    import threading

    from ..errors import UsageError
    from ..publish.serve import Limits, bind, start_server

    if not 0 < args.max_answer_mb < 1e6 or not 1 <= args.backends <= 64 or not 0 < args.request_timeout < 1e6:
        raise UsageError("--max-answer-mb and --request-timeout must be above 0, --backends between 1 and 64")
    if args.site is not None and not (args.site / "index.html").is_file():
        raise UsageError(f"{args.site}: not a site folder (no index.html); build one with `sezkg site`")
    limits = Limits(max_answer_bytes=int(args.max_answer_mb * 1024 * 1024), backends=args.backends,
                    socket_timeout=args.request_timeout)
    front = bind(args.host, args.port, limits)  # first: a busy port is reported before any work
    signal.signal(signal.SIGTERM, _stopped)
    temp = None
    server = None
    try:
        from ..kg.load import load

        kg = load(data=args.data)
        if args.site is None:
            temp = Path(tempfile.mkdtemp(prefix="sezkg-site-"))
            site = temp / "site"
        else:
            site = args.site
        server = start_server(kg, site=site, timeout_s=args.query_timeout, front=front,
                              site_ready=args.site is not None)
        print(f"serving read-only SPARQL at {server.url}/sparql and the site at {server.url}/ (Ctrl-C stops)",
              flush=True)
        if args.site is None:  # SPARQL answers meanwhile; requests for pages wait for the site
            from ..views.site import build_site

            # no child forked beside the server's threads: the dumps are written after the pages
            build_site(kg, site, endpoint=f"{server.url}/sparql", fork=False)
            server.site_built()
            print("site ready", flush=True)
        threading.Event().wait()  # until Ctrl-C or SIGTERM
    except (_Stopped, KeyboardInterrupt):
        pass
    finally:
        if server is not None:
            server.stop()
        else:
            front.server_close()
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    return EXIT_OK
