"""sezkg: an open knowledge graph of how Kazakhstan's special economic zones are governed.

The public API: load the KG, validate it, run catalogue queries (on the embedded store or a
remote endpoint), find overlaps, export, visualise, publish.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .catalogue import Query, catalogue, run_select
from .endpoint import EndpointError, RemoteRunner
from .errors import InputError, SezkgError, UsageError
from .export import FORMATS, export, serialize, write_atomic
from .load import KnowledgeGraph, load
from .overlaps import Overlap, OverlapReport, find_overlaps, overlap_network
from .publish import PushError, push, start_server
from .report import build_report
from .site import build_site
from .validate import ValidationReport, Violation, validate
from .viz import write_viz

__all__ = [
    "FORMATS",
    "EndpointError",
    "InputError",
    "KnowledgeGraph",
    "Overlap",
    "OverlapReport",
    "PushError",
    "Query",
    "RemoteRunner",
    "SezkgError",
    "UsageError",
    "ValidationReport",
    "Violation",
    "__version__",
    "build_report",
    "build_site",
    "catalogue",
    "export",
    "find_overlaps",
    "load",
    "overlap_network",
    "push",
    "run_select",
    "serialize",
    "start_server",
    "validate",
    "write_atomic",
    "write_viz",
]
