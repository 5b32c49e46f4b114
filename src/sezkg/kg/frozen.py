"""Immutable value classes without the dataclasses module.

`import dataclasses` pulls in `inspect` (ast, dis, tokenize): about 16 ms, as long as importing
pyoxigraph itself. The classes that `sezkg queries` and `sezkg --help` need (a catalogue query,
its parameters, the KG's folders) derive from Frozen instead, so those verbs start without it.
A subclass lists its fields in `__slots__` (annotated in the class body for mypy) and sets them
with `_set` from an __init__ taking them in that order; Frozen gives it value equality, a hash,
a repr, copy and pickle, and no assignment afterwards.
"""

from __future__ import annotations


class Frozen:
    __slots__: tuple[str, ...] = ()

    def _set(self, *values: object) -> None:
        for name, value in zip(self.__slots__, values, strict=True):
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        # copy and pickle rebuild through __init__, which takes the fields in slot order
        return type(self), self._values()

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"
