"""How much of pyoxigraph's in-memory store a forked child comes to copy by reading it.

`sezkg report` forks a child after loading, so that the validation, the exports and the tables
run beside the overlaps and the network, on a store both processes share. A page stays shared
only until either process writes to it, and reading the store writes to its pages. This loads
a world's TriG files into a plain `pyoxigraph.Store`, forks, and has the child run one query
that reads every quad; it prints the pages the child holds on its own (Private_Dirty in
/proc/PID/smaps_rollup) before and after, against the store's own size. Linux only.

    python bench/shared_pages.py WORLD_DIR
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pyoxigraph as ox

EVERY_QUAD = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def private_dirty_mib() -> float:
    """The pages this process holds on its own and has written to."""
    with open("/proc/self/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            if line.startswith("Private_Dirty:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no Private_Dirty line in /proc/self/smaps_rollup")


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    files = sorted(Path(argv[0]).glob("*.trig"))
    store = ox.Store()
    started = time.perf_counter()
    for path in files:
        store.bulk_load(path=path, format=ox.RdfFormat.TRIG)
    loaded = private_dirty_mib()
    print(f"{len(store):,} quads from {len(files)} files in {time.perf_counter() - started:.1f} s; "
          f"this process holds {loaded:,.0f} MiB of its own")
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, read every quad, measure again
        os.close(reader)
        before = private_dirty_mib()
        count = next(iter(store.query(EVERY_QUAD)))[0].value
        after = private_dirty_mib()
        os.write(writer, f"{before} {after} {count}".encode())
        os._exit(0)
    os.close(writer)
    before, after, count = os.read(reader, 200).decode().split()
    os.waitpid(pid, 0)
    print(f"the child, forked: {float(before):,.0f} MiB of its own; after reading every quad "
          f"({int(count):,}): {float(after):,.0f} MiB, {float(after) / loaded:.0%} of what the parent holds")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
