"""Every error sezkg raises on purpose, under one base class that carries its exit code.

Exit codes a script can trust: 0 ok, 1 violations found (never an error), 2 anything the user
can cause or meet — bad input, bad usage, an unreachable or misbehaving endpoint, a failed
push, a file system that refuses a write. The CLI prints `sezkg: error: <message>` and exits
with `exit_code`; nothing else escapes as a traceback.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2


class SezkgError(Exception):
    """Base class of every error sezkg raises on purpose."""

    exit_code = EXIT_ERROR


class InputError(SezkgError):
    """Bad input: a file that does not parse, or data that breaks a loading rule.

    Names the file, and the line and column where known.
    """

    def __init__(self, path: Path | str, message: str, line: int | None = None, column: int | None = None):
        self.path = Path(path)
        self.line = line
        self.column = column
        self.message = message
        super().__init__(str(self))

    @property
    def location(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class UsageError(SezkgError):
    """A command was asked for something it cannot do (unknown format, graph, query, name)."""


class OutputError(SezkgError):
    """The file system refused what sezkg had to write or replace (full disk, read-only folder,
    missing folder, a folder where a file was asked for, a folder sezkg did not make)."""

    def __init__(self, path: Path | str, message: str):
        self.path = Path(path)
        super().__init__(f"{path}: {message}")


class EndpointError(SezkgError):
    """A remote SPARQL endpoint could not answer. Subclasses say why."""

    def __init__(self, url: str, message: str):
        self.url = url
        super().__init__(f"SPARQL endpoint {url}: {message}")


class EndpointHTTPError(EndpointError):
    """The endpoint answered with an HTTP error status."""


class EndpointResponseError(EndpointError):
    """The endpoint answered, but not with well-formed SPARQL results."""


class EndpointTimeout(EndpointError):
    """The endpoint did not answer in full within the deadline."""


class EndpointUnreachable(EndpointError):
    """Nothing answered at that address (refused connection, unknown host)."""


class EndpointDatasetError(EndpointError):
    """The endpoint answers, but its default graph is not the union of its named graphs."""


class PushError(SezkgError):
    """A push failed; the server holds what it held before (unless `restored` is False)."""

    def __init__(self, graph: str, reason: str, restored: bool = True):
        self.graph = graph
        self.reason = reason
        self.restored = restored
        state = ("every graph the push touched was put back as it was" if restored
                 else "WARNING: restoring the previous state failed too; check the server")
        super().__init__(f"push failed at graph <{graph}>: {reason}; {state}")


class ServerError(SezkgError):
    """The local Oxigraph server could not be started or stopped as asked."""


def os_error(path: Path | str, exc: OSError, doing: str) -> OutputError:
    """An OSError turned into one plain sentence that names the path and what was being done."""
    reason = exc.strerror or str(exc)
    return OutputError(path, f"cannot {doing}: {reason}")
