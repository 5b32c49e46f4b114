"""sezkg: an open knowledge graph of how Kazakhstan's special economic zones are governed.

For notebooks and scripts (`__all__`):

    import sezkg
    kg = sezkg.open()                                        # bundled data, TriG files, or endpoint=URL
    kg.query("zone-governors", zone="Saryarka", date="2024").to_pandas()
    kg.overlaps(zone="Astana New City"); kg.network(); kg.zones(as_of="2026-02-10")

The building blocks (load, validate, export, push, ...) stay importable from sezkg and its
modules. Everything is imported on first use, so `import sezkg` and the CLI start at once.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # `typing` is not imported at start-up (~5 ms); mypy reads the name all the same
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.2.0"

_API = {
    "open": "api",
    "KG": "api",
    "Result": "api",
    "FORMATS": "publish.export",
    "serialize": "publish.export",
    "export": "publish.export",
    "write_atomic": "kg.files",
    "KnowledgeGraph": "kg.load",
    "load": "kg.load",
    "Query": "questions.catalogue",
    "catalogue": "questions.catalogue",
    "run_select": "questions.catalogue",
    "RemoteRunner": "questions.endpoint",
    "Overlap": "questions.overlaps",
    "OverlapReport": "questions.overlaps",
    "find_overlaps": "questions.overlaps",
    "overlap_network": "questions.overlaps",
    "ValidationReport": "questions.validate",
    "Violation": "questions.validate",
    "validate": "questions.validate",
    "push": "publish.push",
    "start_server": "publish.serve",
    "build_report": "views.report",
    "build_site": "views.site",
    "write_viz": "views.viz",
    "SezkgError": "errors",
    "InputError": "errors",
    "UsageError": "errors",
    "EndpointError": "errors",
    "PushError": "errors",
}

__all__ = ["KG", "Result", "SezkgError", "UsageError", "__version__", "open"]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'sezkg' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*_API, "__version__"])
