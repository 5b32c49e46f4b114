"""Query results: rows of RDF terms, the same type from the embedded store and from endpoints.

Every row is a `dict` from variable name to pyoxigraph term, holding the bound variables only.
Rows from the embedded store are `SolutionRow`s: a cell asked for by name (`row[k]`,
`row.get(k)`, `k in row`) is read from pyoxigraph's solution, and the dict is filled from it
the first time the row is used as a whole (iterated, compared, copied, changed), not when the
query runs. Making a Python object of every term of every row was most of what a query cost
through sezkg (up to 4x the query itself, at 100k triples); most callers read a few columns of
some rows, and a row nobody reads costs nothing beyond the solution pyoxigraph has already made.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence

import pyoxigraph as ox

TYPE_CHECKING = False  # not `from typing`: see sezkg.cli (start-up time)
if TYPE_CHECKING:
    from typing import Any

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = dict[str, Term]


class SolutionRow(dict[str, Term]):
    """A row of the embedded store: a dict, its cells read from a pyoxigraph solution until it
    is used as a whole, then filled from it.

    Every dict method but the three that read one cell fills the row first, so the row behaves
    as the plain dict of its bound variables in every way Python code can reach (lookups,
    iteration, equality, `dict(row)`, `**row`, json, copy and pickle, which give a plain dict).
    Only C code that reads a dict's storage directly without calling its methods would see an
    unfilled row as empty.
    """

    __slots__ = ("_names", "_solution")

    def __init__(self, names: Sequence[str] = (), solution: ox.QuerySolution | None = None):
        # dict.__init__ is not called: the new dict is already empty, and a row per solution
        # is the one cost every query pays.
        self._names = names
        self._solution = solution

    def _fill(self) -> None:
        solution = self._solution
        if solution is not None:
            # Fill before forgetting the solution: a second thread that reads the row meanwhile
            # fills it again with the same terms rather than finding it empty.
            dict.update(self, {n: v for n, v in zip(self._names, solution, strict=True) if v is not None})
            self._solution = None

    def terms(self, names: Sequence[str]) -> tuple[Term | None, ...]:
        """The terms bound to `names`, in that order, None where unbound; read straight from
        the solution, without filling the row, when `names` are the row's own variables."""
        solution = self._solution
        if solution is not None and tuple(names) == self._names:
            return tuple(solution)
        return tuple(self.get(n) for n in names)

    # The methods callers use most are written out, to spare them a second call. A cell is read
    # straight from the solution, without filling the row: most callers read a few cells of a
    # row, and filling makes a term of every cell (at ~5M triples, the front page's rows spent
    # more time filled than read).
    def _cell(self, solution: ox.QuerySolution, key: object) -> Term | None:
        try:
            term: Term | None = solution[self._names.index(key)]
        except ValueError:  # not a variable of the row
            return None
        return term

    def __getitem__(self, key: str) -> Term:
        solution = self._solution
        if solution is not None:
            term = self._cell(solution, key)
            if term is None:
                raise KeyError(key)
            return term
        return dict.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        solution = self._solution
        if solution is not None:
            term = self._cell(solution, key)
            return default if term is None else term
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        solution = self._solution
        if solution is not None:
            return self._cell(solution, key) is not None
        return dict.__contains__(self, key)

    def __iter__(self) -> Iterator[str]:
        if self._solution is not None:
            self._fill()
        return dict.__iter__(self)

    def __len__(self) -> int:
        if self._solution is not None:
            self._fill()
        return dict.__len__(self)

    def __eq__(self, other: object) -> bool:
        if self._solution is not None:
            self._fill()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        if self._solution is not None:
            self._fill()
        return dict.__ne__(self, other)

    __hash__ = None  # a dict: unhashable

    def __repr__(self) -> str:
        self._fill()
        return dict.__repr__(self)

    def __reduce__(self) -> tuple[type[dict[str, Term]], tuple[dict[str, Term]]]:
        """Copies and pickles are plain dicts: the solution is not picklable, the terms are."""
        self._fill()
        return dict, (dict(dict.items(self)),)


def _filling(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def filled(self: SolutionRow, *args: Any, **kwargs: Any) -> Any:
        self._fill()
        return method(self, *args, **kwargs)

    return filled


# The rest of dict's methods, filling first, so that an edit never lands on an unfilled row.
for _name in ("keys", "values", "items", "copy", "__reversed__", "__or__", "__ror__", "__ior__", "__setitem__",
              "__delitem__", "setdefault", "pop", "popitem", "update", "clear"):
    setattr(SolutionRow, _name, _filling(getattr(dict, _name)))
del _name


class Rows(list[Row]):
    """The rows of a SELECT, in order, with the projected variable names (unbound ones included)."""

    def __init__(self, variables: Iterable[str], rows: Iterable[Row]):
        super().__init__(rows)
        self.variables = list(variables)

    def tuples(self) -> Iterator[tuple[Term | None, ...]]:
        """Each row's terms in the order of `variables`, None where unbound: the cheap way to
        read every cell (a row kept as its solution is not turned into a dict)."""
        names = tuple(self.variables)
        for row in self:
            if isinstance(row, SolutionRow):
                yield row.terms(names)
            else:
                yield tuple(row.get(n) for n in names)

    @classmethod
    def from_solutions(cls, solutions: ox.QuerySolutions) -> Rows:
        """The rows of a pyoxigraph SELECT, each kept as its solution until it is read."""
        names = tuple(v.value for v in solutions.variables)
        return cls(names, [SolutionRow(names, s) for s in solutions])
