"""sezkg: an open knowledge graph of how Kazakhstan's special economic zones are governed.

The public API (load, validate, query, overlaps, export, publish) is imported on first use,
so that `import sezkg` and the command line start at once.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

_API = {
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

__all__ = sorted([*_API, "__version__"])


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'sezkg' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
