"""The report in a real headless Chromium: pages load without console errors and fetch
nothing from the network, the network draws its nodes, filters change what is shown, a
click shows a node's facts with sources, and every link between pages resolves."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from conftest import TESTS

from sezkg.views.report import build_report
from sezkg.views.viz import network_html, synthetic_network_data

ARTIFACTS = TESTS.parent / "test-artifacts"
PAGES = ["index.html", "network.html", "matrix.html"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


def chromium_path() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Chromium is not installed: the browser tests need Debian's chromium (apt-get install chromium); "
                    ".ci/run installs it")
    return found


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report"
    build_report(out)
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Visit:
    """A page opened with every console message, page error and non-file request recorded."""

    def __init__(self, browser, url: str, viewport=(1400, 1000)):
        self.page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        self.console: list[str] = []
        self.remote: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))

        def guard(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                self.remote.append(route.request.url)
                route.abort()

        self.page.route("**/*", guard)
        self.page.goto(url)

    def close(self) -> None:
        self.page.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_without_console_errors(browser, report_dir, name):
    visit = Visit(browser, (report_dir / name).as_uri())
    visit.page.wait_for_load_state("load")
    assert visit.console == []
    assert visit.remote == [], "the page fetched something from the network"
    ARTIFACTS.mkdir(exist_ok=True)
    visit.page.screenshot(path=str(ARTIFACTS / f"{Path(name).stem}.png"), full_page=True)
    assert (ARTIFACTS / f"{Path(name).stem}.png").stat().st_size > 10_000
    visit.close()


def test_network_draws_every_node_and_filters(browser, report_dir):
    visit = Visit(browser, (report_dir / "network.html").as_uri())
    page = visit.page
    page.wait_for_selector("body[data-ready=true]")
    total = page.locator("svg#network .node").count()
    assert total > 40
    assert page.get_attribute("svg#network", "data-visible-nodes") == str(total)
    overlaps_all = int(page.get_attribute("svg#network", "data-visible-overlaps"))
    assert overlaps_all > 5

    page.select_option("#zone-filter", "https://w3id.org/sezkg/id/zone/saryarka")
    shown = int(page.get_attribute("svg#network", "data-visible-nodes"))
    assert 5 < shown < total
    assert page.locator("[data-id='https://w3id.org/sezkg/id/zone/pavlodar']").is_hidden()
    assert page.locator("[data-id='https://w3id.org/sezkg/id/org/sez-management-companies']").is_visible()
    assert "Showing" in page.inner_text("#status")

    page.select_option("#zone-filter", "")
    page.uncheck("input[name=kind][value=documented-duplication]")
    fewer = int(page.get_attribute("svg#network", "data-visible-overlaps"))
    assert 0 < fewer < overlaps_all

    # By keyboard, as a screen-reader user would (zones sit close together in this layout).
    page.focus("[data-id='https://w3id.org/sezkg/id/zone/astana-new-city']")
    page.keyboard.press("Enter")
    details = page.inner_text("#details")
    assert "Astana New City" in details
    assert "15421" in details and "7600" in details  # both areas, each with its source
    assert "Gout (2025), Box 1" in details
    assert visit.console == []
    visit.close()


def test_matrix_marks_overlapping_cells(browser, report_dir):
    visit = Visit(browser, (report_dir / "matrix.html").as_uri())
    marked = visit.page.locator("td.overlap-cell")
    assert marked.count() >= 3
    assert "◆" in marked.first.inner_text()  # not colour alone
    visit.close()


def test_every_link_between_pages_resolves(report_dir):
    def ids_of(page: Path) -> set[str]:
        return set(re.findall(r'id="([^"]+)"', page.read_text(encoding="utf-8")))

    checked = 0
    for name in PAGES:
        text = (report_dir / name).read_text(encoding="utf-8")
        for target in re.findall(r'(?:href|src)="([^"]+)"', text):
            parsed = urlparse(target)
            if parsed.scheme in ("http", "https"):
                continue  # an IRI of the KG or a source's address: not a page of the report
            path, fragment = unquote(parsed.path), parsed.fragment
            page = report_dir / path if path else report_dir / name
            assert page.exists(), f"{name} links to missing {target}"
            if fragment:
                assert fragment in ids_of(page), f"{name} links to missing anchor {target}"
            checked += 1
    assert checked > 20


def test_images_and_graph_files_are_written(report_dir):
    for name in ("network.png", "network.svg", "matrix.png", "matrix.svg", "overlaps.graphml", "overlaps.gexf",
                 "charts/migration.png", "charts/infrastructure.svg"):
        assert (report_dir / name).stat().st_size > 1000, name
    import networkx as nx

    graph = nx.read_graphml(report_dir / "overlaps.graphml")
    # Findings are nodes of their own; overlaps are typed edges with their evidence.
    finding = "https://w3id.org/sezkg/id/finding/duplication-and-poor-coordination"
    assert graph.nodes[finding]["type"] == "finding"
    assert graph.has_edge(finding, "https://w3id.org/sezkg/id/org/mid")
    edge = graph.edges["https://w3id.org/sezkg/id/org/kazakh-invest", "https://w3id.org/sezkg/id/org/sez-management-companies"]
    assert edge["kind"] == "shared-mandate" and edge["corroborated"] and edge["zones"] == "every zone"
    assert nx.read_gexf(report_dir / "overlaps.gexf").number_of_nodes() == graph.number_of_nodes()


def test_network_with_1200_nodes_stays_usable(browser, tmp_path):
    data = synthetic_network_data(organisations=1000, functions=40, zones=160)
    path = tmp_path / "big.html"
    path.write_text(network_html(data), encoding="utf-8")
    visit = Visit(browser, path.as_uri())
    page = visit.page
    started = time.perf_counter()
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    assert page.locator("svg#network .node").count() == 1200
    page.select_option("#zone-filter", data["zones"][0]["id"])
    shown = int(page.get_attribute("svg#network", "data-visible-nodes"))
    assert 1 <= shown < 1200
    print(f"1,200-node network drawn and filtered in {time.perf_counter() - started:.2f} s")
    assert visit.console == []
    visit.close()


def test_index_shows_the_network_and_the_matrix(browser, report_dir):
    visit = Visit(browser, (report_dir / "index.html").as_uri())
    page = visit.page
    for src in ("network.png", "matrix.png", "charts/migration.png"):
        image = page.locator(f"img[src='{src}']")
        assert image.count() == 1
        assert image.evaluate("img => img.complete && img.naturalWidth > 100"), src
        assert image.get_attribute("alt")
    assert "Duplicated responsibilities" in page.inner_text("#overlaps + p + figure + figure + ol")
    visit.close()
