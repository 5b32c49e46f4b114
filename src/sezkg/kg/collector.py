"""Python's cyclic garbage collector during a batch run: its full passes put off to the end.

A full pass walks every object the collector tracks. Python starts one after ten passes over
the middle generation whenever the objects promoted since the last one come to a quarter of
the rest, and a run at world scale promotes and frees millions of answer rows, figures and
page parts: at ~5M triples the report started 93-95 full passes, 29.7-33.9 s of the
collector's 34.2-38.9 s, and while one runs no other Python thread moves. The two younger
generations are still collected as before, and most garbage cycles die young; cycles that
reach the oldest generation are freed when the threshold is put back or the process ends.
`serve`, which runs for days, keeps Python's default.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

# Passes over the middle generation before a full pass: far more than any run makes (the ~5M
# report made 2,442), so none starts while the threshold holds.
DEFERRED_FULL_PASSES = 2**30


@contextlib.contextmanager
def full_passes_deferred() -> Iterator[None]:
    """No full collector pass while the block runs; the thresholds are put back as they were
    afterwards (process-wide: for a batch job's main thread, not for a library's callers)."""
    youngest, middle, oldest = gc.get_threshold()
    gc.set_threshold(youngest, middle, max(oldest, DEFERRED_FULL_PASSES))
    try:
        yield
    finally:
        gc.set_threshold(youngest, middle, oldest)
