"""Names instead of IRIs: a parameter may name a thing by its full IRI, the prefixed name that
the tables print (zone:saryarka), its slug (saryarka) or any label or alternative label in any
language ("Astana New City", «Астана – новый город»), matched without regard to case, spaces,
dashes, quotes or diacritics.

An unknown name is an error that lists the closest names; an ambiguous one lists the
candidates with their kinds; an IRI that names nothing in the knowledge graph is an error too,
never an empty answer. The names come from the catalogue's `names` query, so this works the
same on the embedded store and on an endpoint.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from ..errors import UsageError
from ..kg.namespaces import PREFIXES

if TYPE_CHECKING:
    from ..kg.rows import Row
    from .catalogue import Params, Query
    from .endpoint import Runner

# What kind of thing a parameter wants, by the parameter's name: used to choose among candidates.
WANTED = {
    "zone": "zone", "subject": None, "holder": "organisation", "organisation": "organisation",
    "country": "region", "region": "region", "function": "function", "graph": "source", "source": "source",
}
# Words that name a kind rather than a thing: "Pavlodar" finds the Pavlodar SEZ when a zone is wanted.
_GENERIC = re.compile(
    r"\b(sez|special economic zone|special economic zones|free economic zone|"
    r"сэз|специальная экономическая зона|арнайы экономикалық аймақ|аэа)\b")


def normalise(text: str) -> str:
    """Case, diacritics, spaces, dashes, quotes and punctuation do not matter."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in kept if c.isalnum())


def _without_kind_words(text: str) -> str:
    return normalise(_GENERIC.sub(" ", text.casefold()))


@dataclass
class Resolver:
    """The names of every labelled thing, ready to look up."""

    names: dict[str, set[str]] = field(default_factory=dict)  # normalised name -> IRIs
    loose: dict[str, set[str]] = field(default_factory=dict)  # the same without kind words
    kinds: dict[str, set[str]] = field(default_factory=dict)  # IRI -> kinds
    labels: dict[str, str] = field(default_factory=dict)  # IRI -> a name to show
    slugs: dict[str, set[str]] = field(default_factory=dict)  # normalised slug -> IRIs
    runner: Any = None  # to ask whether an unlabelled IRI (a property, a graph) is used at all

    @classmethod
    def from_rows(cls, rows: list[Row]) -> Resolver:
        resolver = cls()
        for row in rows:
            iri, name, kind = row["thing"].value, row["name"].value, row["kind"].value
            language = getattr(row["name"], "language", None)  # the names query gives literals
            resolver.names.setdefault(normalise(name), set()).add(iri)
            resolver.loose.setdefault(_without_kind_words(name), set()).add(iri)
            resolver.kinds.setdefault(iri, set()).add(kind)
            if iri not in resolver.labels or language == "en":
                resolver.labels[iri] = name
            slug = re.split(r"[/#]", iri.rstrip("/"))[-1]
            resolver.slugs.setdefault(normalise(slug), set()).add(iri)
        return resolver

    def known(self, iri: str) -> bool:
        if iri in self.kinds:
            return True
        if self.runner is None or any(c in iri for c in '<>" {}|\\^`'):
            return False
        term = f"<{iri}>"
        rows = self.runner.select(f"SELECT (1 AS ?used) WHERE {{ {{ {term} ?p ?o }} UNION {{ ?s {term} ?o }} "
                                  f"UNION {{ ?s ?p {term} }} UNION {{ GRAPH {term} {{ ?s ?p ?o }} }} }} LIMIT 1")
        return bool(rows)

    def resolve(self, text: str, wanted: str | None = None, what: str = "name") -> str:
        """The IRI the text names; UsageError when it names nothing or more than one thing."""
        text = text.strip()
        if not text:
            raise UsageError(f"{what}: an empty name names nothing")
        iri = _expand(text)
        if iri is not None:
            if self.known(iri):
                return iri
            raise UsageError(f"{what}: {text} names nothing in the knowledge graph{self._suggest(text, wanted)}")
        key = normalise(text)
        named: set[str] = set()  # everything the text names, of any kind
        for index, lookup in ((self.names, key), (self.slugs, key), (self.loose, _without_kind_words(text))):
            found = index.get(lookup, set())
            named |= found
            if wanted:
                found = {i for i in found if wanted in self.kinds.get(i, ())}
            if len(found) == 1:
                return next(iter(found))
            if len(found) > 1:
                listed = "; ".join(f"{self.labels.get(i, i)} ({', '.join(sorted(self.kinds.get(i, ())))}: {i})"
                                   for i in sorted(found))
                raise UsageError(f"{what}: {text!r} is ambiguous; it names {listed}. Give one of these IRIs")
        if named:
            listed = "; ".join(f"{self.labels.get(i, i)} ({', '.join(sorted(self.kinds.get(i, ())))})"
                               for i in sorted(named))
            raise UsageError(f"{what}: {text!r} names no {wanted}, only {listed}{self._suggest(text, wanted)}")
        raise UsageError(f"{what}: no thing is named {text!r}{self._suggest(text, wanted)}")

    def _suggest(self, text: str, wanted: str | None = None) -> str:
        keys = [k for k, iris in self.names.items()
                if not wanted or any(wanted in self.kinds.get(i, ()) for i in iris)]
        close = difflib.get_close_matches(normalise(text), keys, n=5, cutoff=0.6)
        iris = []
        for key in close:
            for iri in sorted(self.names[key]):
                if iri not in iris and (not wanted or wanted in self.kinds.get(iri, ())):
                    iris.append(iri)
        if not iris:
            return ""
        return "; closest: " + "; ".join(f"{self.labels.get(i, i)} ({i})" for i in iris[:5])


def _expand(text: str) -> str | None:
    """A full IRI as it is, a prefixed name expanded; None for anything else."""
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE) or text.startswith("urn:"):
        return text
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and local and " " not in local:
        return PREFIXES[prefix] + local
    return None


def resolver(runner: Runner, queries: dict[str, Query] | None = None) -> Resolver:
    """The resolver of a store or endpoint, built once per runner (kept on the runner)."""
    from .catalogue import catalogue, run_select

    cached = getattr(runner, "_sezkg_names", None)
    if isinstance(cached, Resolver):
        return cached
    built = Resolver.from_rows(run_select(runner, (queries or catalogue())["names"]))
    built.runner = runner
    try:
        cast(Any, runner)._sezkg_names = built  # the Runner protocol does not declare the cache
    except AttributeError:  # a runner with slots is simply not cached
        pass
    return built


def resolve_params(runner: Runner, query: Query, params: Params | None) -> dict[str, str | list[str]]:
    """Each IRI parameter given by name, replaced by the IRI it names; a parameter given several
    values (a list) has each resolved, and a thing named twice is kept once (saryarka and
    zone:saryarka would otherwise double every row)."""
    if not params:
        return {}
    resolved: dict[str, str | list[str]] = {}
    names: Resolver | None = None
    for name, value in params.items():
        param = query.param(name)
        if param.type == "iri":
            names = names or resolver(runner)
            what = f"parameter {name!r}"
            if isinstance(value, str):
                resolved[name] = names.resolve(value, WANTED.get(name), what=what)
            else:
                resolved[name] = list(dict.fromkeys(names.resolve(v, WANTED.get(name), what=what) for v in value))
        else:
            resolved[name] = value if isinstance(value, str) else list(dict.fromkeys(value))
    return resolved
