"""Exceptions of sezkg. Every input error names the file (and line and column where known)."""

from __future__ import annotations

from pathlib import Path


class SezkgError(Exception):
    """Base class of every error sezkg raises on purpose."""


class InputError(SezkgError):
    """Bad input: a file that does not parse, or data that breaks a loading rule.

    The CLI turns it into exit code 2.
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
    """A command was asked for something it cannot do (unknown format, graph, query)."""
