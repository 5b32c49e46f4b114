"""A synthetic world of special economic zones in the real KG's shape, at a chosen size.

The world has about 5,400 zones (UNCTAD's 2019 count), each stated by one source graph of its
own: the zone, its management company and other organisations, the act that founds it,
mandates, audit findings with their recommendation, and figures (see bench/synthetic.py, which
writes each zone; this module only chooses how many and streams them to disk). Sizes:

- below ~760k triples, fewer zones with the facts of bench/synthetic.py (~142 triples a zone):
  a region of the world, as ~100k is about 700 zones;
- from ~760k, all 5,400 zones, with each zone's organisations, mandates, findings and figures
  multiplied by the factor that comes closest to the size (x1.3 at ~1M, x8 at ~5M).

Files are written zone block by zone block (100 source graphs a file), so memory stays flat.
The output is valid under ontology/shapes.ttl (bench/bench.py validates it and says so).

    python bench/world.py --triples 1000000 OUT_FOLDER
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402  (bench/ is not a package)

WORLD_ZONES = 5_400  # UNCTAD World Investment Report 2019; the Open Zone Map lists about 5,000


@dataclass(frozen=True)
class WorldShape:
    zones: int
    per_zone: synthetic.PerZone


@dataclass(frozen=True)
class Written:
    shape: WorldShape
    triples: int
    graphs: int
    files: list[Path]
    seconds: float


def _triples_per_zone(per_zone: synthetic.PerZone) -> float:
    """Triples of one zone's source graph with these counts (measured on 20 generated zones)."""
    builder = synthetic.Builder(20, seed=0, per_zone=per_zone)
    for i in range(20):
        builder.zone(i)
    return synthetic.Dataset(builder.graphs, []).triples() / 20


def shape_for(triples: int) -> WorldShape:
    """The world that comes closest to `triples`: fewer zones below the full world's base size,
    more facts per zone above it."""
    base = synthetic.PerZone()
    per_zone = _triples_per_zone(base)
    if triples < WORLD_ZONES * per_zone:
        return WorldShape(max(1, round(triples / per_zone)), base)
    extra = _triples_per_zone(base.times(2)) - per_zone  # what a zone gains per unit of the factor
    factor = 1 + (triples / WORLD_ZONES - per_zone) / extra
    return WorldShape(WORLD_ZONES, base.times(round(factor, 1)))


def write_world(folder: Path, triples: int, seed: int = 2019) -> Written:
    """Write the world to `folder` as TriG files, one block of zones at a time."""
    started = time.perf_counter()
    shape = shape_for(triples)
    folder.mkdir(parents=True, exist_ok=True)
    builder = synthetic.Builder(shape.zones, seed, shape.per_zone)
    builder.national()
    files: list[Path] = []
    total = graphs = 0
    for start in range(0, shape.zones, synthetic.ZONES_PER_FILE):
        for i in range(start, min(start + synthetic.ZONES_PER_FILE, shape.zones)):
            builder.zone(i)
        block = synthetic.Dataset(builder.graphs, [])
        path = folder / f"world-{len(files):05d}.trig"
        path.write_text(block.trig(), encoding="utf-8")
        files.append(path)
        total += block.triples()
        graphs += len(block.graphs)
        builder.graphs = {}  # written: let the block go
    return Written(shape, total, graphs, files, time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--triples", type=int, default=1_000_000, help="about how many triples to write")
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args(argv)
    written = write_world(args.folder, args.triples, args.seed)
    print(f"{written.triples:,} triples: {written.shape.zones:,} zones x {written.shape.per_zone}, "
          f"{written.graphs:,} source graphs in {len(written.files)} files, {written.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
