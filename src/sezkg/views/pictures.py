"""Static pictures and graph files of the overlap network: PNG and SVG of the network and the
matrix (matplotlib, only when asked for with `sezkg report --png`), and GraphML / GEXF of the
organisation overlap network for Gephi or Cytoscape desktop."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..questions.kinds import KINDS
from ..questions.overlaps import OverlapReport, overlap_graph
from .viz import KIND_LABELS, matrix_data

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _start_pyplot() -> None:
    """Ready matplotlib to draw into files. The caller imports pyplot itself after this (a module
    handed back as a value loses its types); never at the top: only `--png` needs matplotlib."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "sezkg"  # stable ids in SVG output
    plt.rcParams["font.size"] = 9


def _save(fig: Figure, stem: Path) -> list[Path]:
    paths = []
    for suffix, metadata in ((".png", {"Software": None}), (".svg", {"Date": None, "Creator": None})):
        path = stem.with_suffix(suffix)
        tmp = path.with_name(f".{path.name}.tmp")
        fig.savefig(tmp, format=suffix[1:], dpi=150, bbox_inches="tight", metadata=metadata)
        tmp.replace(path)
        paths.append(path)
    return paths


def network_images(data: dict[str, Any], stem: Path) -> list[Path]:
    _start_pyplot()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(13, 9))
    pos = {n["id"]: (n["x"], 1 - n["y"]) for n in data["nodes"]}
    for link in data["links"]:
        (x1, y1), (x2, y2) = pos[link["source"]], pos[link["target"]]
        ax.plot([x1, x2], [y1, y2], color="#9a9a9a", linewidth=0.5, alpha=0.5, zorder=1)
    styles = {k.name: (k.colour, (0, tuple(float(x) / 2 for x in k.dash.split())) if k.dash else "-")
              for k in KINDS if k.drawn}
    for ov in data["overlaps"]:
        color, style = styles[ov["kind"]]
        (x1, y1), (x2, y2) = pos[ov["source"]], pos[ov["target"]]
        ax.plot([x1, x2], [y1, y2], color=color, linestyle=style, linewidth=1.6, alpha=0.7, zorder=2)
    markers = {"organisation": ("o", "#f2c14e"), "function": ("s", "#7fb3d5"), "zone": ("^", "#8fce8f"),
               "finding": ("D", "#f4a6a0")}
    for kind, (marker, color) in markers.items():
        pts = [pos[n["id"]] for n in data["nodes"] if n["kind"] == kind]
        if pts:
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], marker=marker, s=70, c=color,
                       edgecolors="#1b1b1b", linewidths=0.8, zorder=3, label=f"{kind} ({marker})")
    for n in data["nodes"]:
        x, y = pos[n["id"]]
        ax.annotate(n["short"], (x, y), xytext=(5, 3), textcoords="offset points", fontsize=7, zorder=4)
    for kind, (color, style) in styles.items():
        ax.plot([], [], color=color, linestyle=style, linewidth=1.6, label=KIND_LABELS[kind])
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=True)
    ax.set_axis_off()
    ax.set_title("Overlapping responsibilities in Kazakhstan's special economic zones")
    paths = _save(fig, stem)
    plt.close(fig)
    return paths


def matrix_images(data: dict[str, Any], report: OverlapReport, stem: Path) -> list[Path]:
    _start_pyplot()
    import matplotlib.pyplot as plt

    orgs, fns, counts, marked = matrix_data(data, report)
    if not orgs or not fns:
        return _placeholder(stem, "No mandates in the data: nothing to draw.")
    grid = [[counts.get((o["id"], f["id"]), 0) for f in fns] for o in orgs]
    fig, ax = plt.subplots(figsize=(max(8, 0.45 * len(fns) + 5), max(5, 0.32 * len(orgs) + 2)))
    image = ax.imshow(grid, cmap="Blues", aspect="auto", vmin=0)
    for i, org in enumerate(orgs):
        for j, fn in enumerate(fns):
            n = grid[i][j]
            if n:
                over = (org["id"], fn["id"]) in marked
                dark = n > 0.5 * max(max(r) for r in grid)
                color = ("#ffd0cc" if dark else "#b3261e") if over else ("#ffffff" if dark else "#1b1b1b")
                ax.text(j, i, f"{n}{'◆' if over else ''}", ha="center", va="center", fontsize=7,
                        color=color, fontweight="bold" if over else "normal")
    ax.set_xticks(range(len(fns)), [f["label"] for f in fns], rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(len(orgs)), [o["short"] for o in orgs], fontsize=7)
    fig.colorbar(image, ax=ax, label="zones reached")
    ax.set_title("Organisation × governance function (◆ = overlap)")
    paths = _save(fig, stem)
    plt.close(fig)
    return paths


def _placeholder(stem: Path, text: str) -> list[Path]:
    import matplotlib.pyplot as plt  # set up by the caller (_start_pyplot)

    fig, ax = plt.subplots(figsize=(6, 1.2))
    ax.text(0.5, 0.5, text, ha="center", va="center")
    ax.set_axis_off()
    paths = _save(fig, stem)
    plt.close(fig)
    return paths


def graph_files(report: OverlapReport, stem: Path) -> list[Path]:
    """The organisation overlap network as GraphML and GEXF, for Gephi or Cytoscape."""
    source = overlap_graph(report)
    graph = nx.Graph()  # rebuilt in sorted order so the files are the same on every run
    for node in sorted(source.nodes):
        graph.add_node(node, **source.nodes[node])
    for a, b in sorted(tuple(sorted(e)) for e in source.edges):
        graph.add_edge(a, b, **source.edges[a, b])
    paths = []
    for suffix, writer in ((".graphml", nx.write_graphml), (".gexf", nx.write_gexf)):
        path = stem.with_suffix(suffix)
        tmp = path.with_name(f".{path.name}.tmp")
        writer(graph, tmp)
        if suffix == ".gexf":  # networkx stamps the date of writing; keep the file reproducible
            text = tmp.read_text(encoding="utf-8")
            import re

            tmp.write_text(re.sub(r'lastmodifieddate="[^"]*"', 'lastmodifieddate="2026-01-01"', text), encoding="utf-8")
        tmp.replace(path)
        paths.append(path)
    return paths


