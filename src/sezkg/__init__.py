"""sezkg: an open knowledge graph of how Kazakhstan's special economic zones are governed.

The public API: load the KG, validate it, run catalogue queries, export it.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .catalogue import Query, catalogue
from .errors import InputError, SezkgError, UsageError
from .export import FORMATS, export, serialize, write_atomic
from .load import KnowledgeGraph, load
from .validate import ValidationReport, Violation, validate

__all__ = [
    "FORMATS",
    "InputError",
    "KnowledgeGraph",
    "Query",
    "SezkgError",
    "UsageError",
    "ValidationReport",
    "Violation",
    "__version__",
    "catalogue",
    "export",
    "load",
    "serialize",
    "validate",
    "write_atomic",
]
