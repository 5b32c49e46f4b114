"""Query results: rows of RDF terms, the same type from the embedded store and from endpoints."""

from __future__ import annotations

import pyoxigraph as ox

Row = dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]


class Rows(list):
    """The rows of a SELECT, in order, with the projected variable names (unbound ones included)."""

    def __init__(self, variables: list[str], rows: list[Row]):
        super().__init__(rows)
        self.variables = list(variables)
