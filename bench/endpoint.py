"""The catalogue and the overlap report through an Oxigraph server on disk -- a benchmark.

Writes a world (bench/world.py) of the given size, loads it with sezkg, exports it as N-Quads
(ontology graphs included, as `sezkg export` writes it), loads that into an on-disk Oxigraph
store with the `oxigraph` CLI, serves it read-only with the union of the graphs as default
graph, and runs through sezkg's RemoteRunner: every catalogue query (`run_select`), the overlap
report (`find_overlaps`) and the network (`overlap_network`). The same calls on the embedded
store are timed beside them. Prints time and the peak RSS of the server and of this process.

    python bench/endpoint.py [--triples 5000000] [--work DIR] [--port 7879] [--timeout 600]
                             [--skip NAME... | --skip all] [--reuse-store] [--catalogue-only]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import world  # noqa: E402  (bench/ is not a package)

OXIGRAPH = Path(sys.executable).with_name("oxigraph")


def timed(label: str, fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - start
    print(f"  {label}: {seconds:,.2f} s", file=sys.stderr, flush=True)
    return seconds, value


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def server(location: Path, port: int) -> Iterator[tuple[str, dict[str, float]]]:
    """`oxigraph serve-read-only` on the store, its peak RSS sampled while the block runs."""
    proc = subprocess.Popen([str(OXIGRAPH), "serve-read-only", "--location", str(location),
                             "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = {"mib": 0.0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            try:
                peak["mib"] = max(peak["mib"], rss_mib(proc.pid))
            except OSError:
                return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # up to a minute for the server to open the store
            try:
                urllib.request.urlopen(base + "/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield base + "/query", peak
    finally:
        done.set()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=5_000_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sezkg-endpoint-bench"))
    parser.add_argument("--port", type=int, default=7879)
    parser.add_argument("--timeout", type=float, default=600.0, help="deadline of each request, seconds")
    parser.add_argument("--skip", nargs="*", default=["probable-duplicate-violation"],
                        help="catalogue queries not to run (the default one is quadratic since 53a6229); "
                             "'all' for none of them (only the overlaps and the network)")
    parser.add_argument("--reuse-store", action="store_true",
                        help="serve the on-disk store an earlier run left in WORK/store instead of exporting "
                             "and loading the world again")
    parser.add_argument("--catalogue-only", action="store_true",
                        help="run the catalogue queries only, not the overlap report and the network")
    args = parser.parse_args(argv)

    import pyoxigraph

    from sezkg.kg.load import load
    from sezkg.publish.export import export
    from sezkg.questions.catalogue import catalogue, run_select
    from sezkg.questions.endpoint import RemoteRunner
    from sezkg.questions.overlaps import find_overlaps, overlap_network

    version = subprocess.run([str(OXIGRAPH), "--version"], capture_output=True, text=True).stdout.strip()
    print(f"{time.strftime('%Y-%m-%d')}; {os.cpu_count()} cores; {version}; pyoxigraph {pyoxigraph.__version__}; "
          f"load average {os.getloadavg()[0]:.1f}")
    folder = args.work / f"world-{args.triples}"
    if not folder.exists():
        written = world.write_world(folder, args.triples)
        print(f"world: {written.triples:,} triples, {written.shape.zones:,} zones, {written.seconds:.0f} s")
    _, kg = timed("sezkg load", lambda: load(data=[folder]))
    location = args.work / "store"
    if args.reuse_store and location.is_dir():
        load_cell = "reused from an earlier run"
    else:
        dump = args.work / "kg.nq"
        timed("sezkg export nquads", lambda: export(kg, "nquads", dump))
        shutil.rmtree(location, ignore_errors=True)
        t_load, _ = timed("oxigraph load", lambda: subprocess.run(
            [str(OXIGRAPH), "load", "--location", str(location), "--file", str(dump)], check=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        load_cell = f"{t_load:,.1f} s"
    store_mib = sum(f.stat().st_size for f in location.rglob("*") if f.is_file()) / 2**20
    print("| step | embedded (pyoxigraph in process) | endpoint (oxigraph server on disk) |")
    print("|---|---|---|")
    print(f"| load | (above) | {load_cell}, store {store_mib:,.0f} MiB on disk |")
    queries = catalogue()
    if "all" in args.skip:
        args.skip = list(queries)
    with server(location, args.port) as (url, peak):
        runner = RemoteRunner(url, timeout=args.timeout)
        total = {"embedded": 0.0, "endpoint": 0.0}
        for name, query in queries.items():
            if name in args.skip:
                print(f"| {name} | skipped (--skip) | skipped (--skip) |")
                continue
            local, rows = timed(f"embedded {name}", lambda query=query: run_select(kg, query))
            try:
                remote, remote_rows = timed(f"endpoint {name}", lambda query=query: run_select(runner, query))
                cell = f"{remote:,.2f} s, {len(remote_rows):,} rows"
                total["endpoint"] += remote
            except Exception as exc:  # a query the server refuses or times out is a finding
                cell = f"failed: {type(exc).__name__}: {str(exc)[:80]}"
            total["embedded"] += local
            print(f"| {name} | {local:,.2f} s, {len(rows):,} rows | {cell} |", flush=True)
        print(f"| every catalogue query | {total['embedded']:,.1f} s | {total['endpoint']:,.1f} s |")
        if args.catalogue_only:
            print(f"\nserver peak RSS {peak['mib']:,.0f} MiB")
            return 0
        local, report = timed("embedded overlaps", lambda: find_overlaps(kg))
        remote, remote_report = timed("endpoint overlaps", lambda: find_overlaps(runner))
        print(f"| overlaps | {local:,.1f} s, {len(report.overlaps):,} | {remote:,.1f} s, "
              f"{len(remote_report.overlaps):,} |")
        local, _ = timed("embedded network", lambda: overlap_network(kg, report))
        remote, _ = timed("endpoint network", lambda: overlap_network(runner, remote_report))
        print(f"| overlaps --network | {local:,.1f} s | {remote:,.1f} s |")
        same = [o.summary for o in report.overlaps] == [o.summary for o in remote_report.overlaps]
        print(f"\nsame overlaps from both: {same}; server peak RSS {peak['mib']:,.0f} MiB; this process "
              f"(with the embedded store) {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
