"""SHACL validation: the SPARQL engine against pyshacl -- a benchmark, not a test.

Validates the real KG and synthetic KGs of the real one's shape (bench/synthetic.py) against
ontology/shapes.ttl with each engine, each run in a fresh process (load, then validate) so
that the peak memory is the validation's own. Prints seconds, peak resident memory while
validating, the memory the loaded KG already held, and pyshacl/sparql ratios. Both engines
must report the same number of violations; a run past --budget-seconds is stopped.
Figures depend on the machine and its load: compare ratios.

    python bench/bench_shacl.py [--sizes 100000 1000000] [--engines sparql pyshacl] [--budget-seconds 1800]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Linux lets a process reset its peak resident set (VmHWM) to the current one."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def child(engine: str, folder: str | None) -> None:
    """Load, then validate once; print one JSON line."""
    import sezkg
    from sezkg.kg.resources import default_files
    from sezkg.questions.validate import check_shapes

    kg = sezkg.load(data=[Path(folder)]) if folder else sezkg.load()
    loaded = _status_kib("VmRSS")
    exact_peak = _reset_peak()
    start = time.perf_counter()
    checked = check_shapes(kg, default_files().shapes, engine)
    seconds = time.perf_counter() - start
    peak = _status_kib("VmHWM") if exact_peak else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"engine": engine, "triples": len(kg), "seconds": seconds, "violations": len(checked.violations),
                      "notes": len(checked.notes), "loaded_mib": (loaded or 0) / 1024, "peak_mib": (peak or 0) / 1024,
                      "peak_is_validation_only": exact_peak}))


def run(engine: str, folder: Path | None, budget: float) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", engine]
    if folder is not None:
        command += ["--folder", str(folder)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=budget, check=False)
    except subprocess.TimeoutExpired:
        return {"engine": engine, "timeout": budget}
    if done.returncode != 0:
        return {"engine": engine, "error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cell(r: dict) -> str:
    if "timeout" in r:
        return f"> {r['timeout']:.0f} s (stopped)"
    if "error" in r:
        return f"error: {r['error']}"
    return f"{r['seconds']:.2f} s, peak {r['peak_mib']:.0f} MiB (loaded {r['loaded_mib']:.0f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000], help="synthetic triples")
    parser.add_argument("--engines", nargs="*", default=["sparql", "pyshacl"])
    parser.add_argument("--no-real", action="store_true", help="skip the real KG")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--budget-seconds", type=float, default=1800)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.folder)
        return 0

    sys.path.insert(0, str(HERE))
    import synthetic

    print(f"# SHACL engines: {platform.machine()}, {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; Python {platform.python_version()}, "
          f"pyoxigraph {version('pyoxigraph')}, pyshacl {version('pyshacl')}, rdflib {version('rdflib')}")
    print("| data | triples | " + " | ".join(args.engines) + " | pyshacl / sparql |")
    print("|---|---|" + "---|" * len(args.engines) + "---|")
    cases: list[tuple[str, int | None]] = ([] if args.no_real else [("real KG", None)]) + [
        (f"synthetic ~{size:,}", size) for size in args.sizes]
    for label, size in cases:
        with tempfile.TemporaryDirectory(prefix="sezkg-shacl-bench-") as tmp:
            folder = None
            if size is not None:
                folder = Path(tmp)
                synthetic.generate(synthetic.zones_for(size), args.seed).write(folder)
            results = {engine: run(engine, folder, args.budget_seconds) for engine in args.engines}
        triples = next((r["triples"] for r in results.values() if "triples" in r), "?")
        ratio = ""
        ours, theirs = results.get("sparql", {}), results.get("pyshacl", {})
        if "seconds" in ours and "seconds" in theirs:
            ratio = (f"{theirs['seconds'] / ours['seconds']:.1f}x time, "
                     f"{theirs['peak_mib'] / ours['peak_mib']:.1f}x memory")
            if ours["violations"] != theirs["violations"]:
                ratio += f" -- VIOLATION COUNTS DIFFER ({ours['violations']} vs {theirs['violations']})"
        elif "timeout" in theirs and "seconds" in ours:
            ratio = f"> {theirs['timeout'] / ours['seconds']:.0f}x time"
        print(f"| {label} | {triples:,} | " + " | ".join(_cell(results[e]) for e in args.engines) + f" | {ratio} |",
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
