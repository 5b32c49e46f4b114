"""The query catalogue: `queries/*.rq`, one question per file, each opening with a header.

Header lines, before the query proper:

    # title: Undocumented ontology terms
    # question: Which sez: terms lack an English label, a comment or rdfs:isDefinedBy?
    # param: zone iri - the zone to ask about
    # param: date date = 2024-01-01 - the day the answer holds on
    # param: kind string {conflict, change} - only this kind

A string parameter may list the values it takes in braces; any other value is refused with
the list, where the query would otherwise answer an unknown one with no rows.

A parameter is bound where the query body holds `VALUES ?name { UNDEF }` (exactly once): the
runner puts the value there as an RDF term written by pyoxigraph (an IRI checked as an IRI, a
literal escaped as a literal), so no value can change the query's text beyond that one term.
Left unbound, `UNDEF` makes the query run for every value, so each file is plain SPARQL that
runs as it stands on any endpoint.

Files named `*-violation.rq` are quality gates (ODK convention): on valid data they return
no rows, and `sezkg validate` fails when one does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError, UsageError
from ..kg.frozen import Frozen
from ..kg.resources import default_files
from ..kg.rows import Rows, Term

TYPE_CHECKING = False  # not `from typing`: see sezkg.cli (start-up time)
if TYPE_CHECKING:  # the endpoint client (http.client, SPARQLWrapper) costs ~90 ms to import
    from collections.abc import Iterator, Mapping, Sequence

    from ..kg.load import KnowledgeGraph
    from .endpoint import Runner

    # A parameter's value, or several values (a list or tuple) that it takes at once.
    Params = Mapping[str, str | Sequence[str]]

_HEADER = re.compile(r"^#\s*(title|question|param)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[a-z]+)(?:\s*\{(?P<values>[^{}]*)\})?"
                    r"(?:\s*=\s*(?P<default>\S+))?\s*(?:-\s*(?P<doc>.*))?$")
XSD = "http://www.w3.org/2001/XMLSchema#"
# Typed literal parameters: the datatype and its lexical form (pyoxigraph accepts ill-typed
# literals as they are, so the form is checked here). re.ASCII: a bare `\d` takes any
# script's digits ("٢٠٣٠"), which no XSD lexical form allows.
_LITERAL_TYPES = {
    "date": (XSD + "date", re.compile(r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(Z|[+-]\d{2}:\d{2})?", re.ASCII)),
    "gyear": (XSD + "gYear", re.compile(r"-?\d{4,}(Z|[+-]\d{2}:\d{2})?", re.ASCII)),
    "integer": (XSD + "integer", re.compile(r"[+-]?\d+", re.ASCII)),
    "decimal": (XSD + "decimal", re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)),
    "boolean": (XSD + "boolean", re.compile(r"true|false|1|0", re.ASCII)),
}
# A date of any precision: a year, a month or a day, typed by its precision. Four-digit years
# only, as the date bounds the queries compute read the year from the first four characters.
_WHEN = (
    (re.compile(r"[1-9]\d{3}", re.ASCII), XSD + "gYear"),
    (re.compile(r"[1-9]\d{3}-(0[1-9]|1[0-2])", re.ASCII), XSD + "gYearMonth"),
    (re.compile(r"[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", re.ASCII), XSD + "date"),
)
PARAM_TYPES = ("iri", "string", "when", *_LITERAL_TYPES)
# Each type as a message names a value of it (the type names are the files' shorthand).
_TYPE_READS = {
    "iri": "an IRI", "string": "a string", "when": "a year, a month or a day", "date": "a date",
    "gyear": "a year", "integer": "an integer", "decimal": "a decimal number", "boolean": "true or false",
}
# How usage lines show a value of a type: `--param date=<YYYY[-MM[-DD]]>`.
_TYPE_SHOWN = {"when": "YYYY[-MM[-DD]]", "date": "YYYY-MM-DD", "gyear": "YYYY"}
# The types a parameter may be given several values of at once: things and words to look for.
# A date, a year or a number is a point or a bound the answer is computed for, and the rows
# would not say which of several each holds for.
SEVERAL_TYPES = ("iri", "string")


class Param(Frozen):
    """One typed parameter of a catalogue query; `values`, when given, the only ones it takes."""

    __slots__ = ("name", "type", "default", "doc", "values")
    name: str
    type: str
    default: str | None
    doc: str
    values: tuple[str, ...]

    def __init__(self, name: str, type: str, default: str | None = None, doc: str = "",
                 values: tuple[str, ...] = ()):
        self._set(name, type, default, doc, tuple(values))

    def check_count(self, values: Sequence[str]) -> None:
        """UsageError if several values are given to a parameter that takes one (see SEVERAL_TYPES)."""
        if len(values) > 1 and self.type not in SEVERAL_TYPES:
            raise UsageError(f"parameter {self.name!r} takes one value ({self.reads}), not several ({', '.join(values)}): "
                             "the rows would not say which each holds for; run the query once for each")

    @property
    def reads(self) -> str:
        """The type in words, as messages give it: `an IRI`, `a year, a month or a day`."""
        return _TYPE_READS[self.type]

    @property
    def kind(self) -> str:
        """The type as people read it: `string`, `YYYY[-MM[-DD]]` for a year, month or day, or
        the values a closed string takes (`a|b|c`)."""
        return "|".join(self.values) if self.values else _TYPE_SHOWN.get(self.type, self.type)

    def term(self, value: str, what: str | None = None) -> ox.NamedNode | ox.Literal:
        """The value as an RDF term of this parameter's type; UsageError when it is not one,
        naming `what` (the option it came from) or else the parameter."""
        try:
            if self.type == "iri":
                node = ox.NamedNode(value)
                if ":" not in value or any(c in value for c in ' <>"{}|\\^`'):
                    raise ValueError("not an absolute IRI")
                return node
            if self.type == "string":
                if self.values and value not in self.values:
                    raise ValueError("")
                return ox.Literal(value)
            if self.type == "when":
                for form, datatype in _WHEN:
                    if form.fullmatch(value):
                        _check_day(value)
                        return ox.Literal(value, datatype=ox.NamedNode(datatype))
                raise ValueError("write it with a four-digit year: 2015, 2015-06 or 2015-06-30")
            datatype, form = _LITERAL_TYPES[self.type]
            if form.fullmatch(value) is None:
                raise ValueError  # the message names the type in words (`reads`); no reason to add
            if self.type == "date":
                _check_day(value)
            return ox.Literal(value, datatype=ox.NamedNode(datatype))
        except ValueError as exc:
            takes = f"one of {', '.join(self.values)}" if self.values else self.reads
            reason = f" ({exc})" if str(exc) else ""
            raise UsageError(f"{what or f'parameter {self.name!r}'} takes {takes}; {value!r} is not one{reason}") from None


def _check_day(value: str) -> None:
    """ValueError unless a day (YYYY-MM-DD, any year, a time zone after it) is on the calendar:
    the forms only bound the day to 31, and a query given 2021-02-30 would answer for a day
    that never was. The loader's check of dates in the data (sezkg.kg.load.real_day) decides."""
    from ..kg.load import real_day  # here, not at the top: `sezkg queries` starts without the loader

    if not real_day(value):
        parts = re.match(r"(-?[0-9]{4,}-[0-9]{2})-([0-9]{2})", value)
        assert parts is not None  # real_day passes anything that is not a day
        raise ValueError(f"not a date: {parts.group(1)} has no day {int(parts.group(2))}")


class Query(Frozen):
    """A catalogue query: its name, title, question, SPARQL text, file and parameters."""

    __slots__ = ("name", "title", "question", "text", "path", "params")
    name: str
    title: str
    question: str
    text: str
    path: Path
    params: tuple[Param, ...]

    def __init__(self, name: str, title: str, question: str, text: str, path: Path,
                 params: tuple[Param, ...] = ()):
        self._set(name, title, question, text, path, params)

    @property
    def is_violation(self) -> bool:
        return self.name.endswith("-violation")

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params) or "none"
        raise UsageError(f"query {self.name!r} has no parameter {name!r} (parameters: {known})")

    def bind(self, values: Params | None = None) -> str:
        """The query text with each given (or defaulted) parameter bound to its RDF term. A
        parameter given a list or tuple takes each of its values (`VALUES ?p { a b ... }`):
        one query answers for many things at once, as for one, in the same order."""
        values = dict(values or {})
        for name in values:
            self.param(name)
        terms = {}
        for p in self.params:
            raw = values.get(p.name, p.default)
            if raw is not None:
                several = [raw] if isinstance(raw, str) else list(raw)
                p.check_count(several)
                terms[p.name] = f"VALUES ?{p.name} {{ {' '.join(str(p.term(v)) for v in several)} }}"
        # One pass over the original text: a filled-in value is never searched again, so a
        # string holding "VALUES ?x { UNDEF }" cannot be taken for the slot of ?x.
        return _ANY_SLOT.sub(lambda m: terms.get(m.group("name"), m.group(0)), self.text)


def read_query(path: Path, text: str | None = None, own: bool = False) -> Query:
    """A query file: its header (title, question, typed parameters) and its SPARQL. An `own`
    query (a user's file) may leave out the title and question."""
    if text is None:
        text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    header = lines[: next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))]
    fields: dict[str, list[str]] = {"title": [], "question": []}
    params = []
    slots_of: dict[str, int] = {}  # the parameter slots of the text, read once
    for slot in _ANY_SLOT.finditer(text):
        slots_of[slot.group("name")] = slots_of.get(slot.group("name"), 0) + 1
    for number, line in enumerate(header, start=1):
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key != "param":
            fields[key].append(value)
            continue
        spec = _PARAM.match(value)
        if not spec or spec.group("type") not in PARAM_TYPES:
            raise InputError(path, f"bad parameter line (want 'name type [{{value, ...}}] [= default] - doc', "
                                   f"type one of {', '.join(PARAM_TYPES)}): {value}", number)
        allowed = tuple(v.strip() for v in spec.group("values").split(",")) if spec.group("values") is not None else ()
        if spec.group("values") is not None and (spec.group("type") != "string" or not all(allowed)):
            raise InputError(path, "only a string parameter lists its values, as {a, b, c} with none empty: "
                                   f"{value}", number)
        param = Param(spec.group("name"), spec.group("type"), spec.group("default"), spec.group("doc") or "",
                      allowed)
        slots = slots_of.get(param.name, 0)
        if slots != 1:
            raise InputError(path, f"parameter {param.name!r} needs exactly one 'VALUES ?{param.name} {{ UNDEF }}' "
                                   f"in the query body (found {slots})", number)
        if param.default is not None:
            try:
                param.term(param.default)
            except UsageError as exc:  # the file is at fault, at this line
                raise InputError(path, f"bad default: {exc}", number) from None
        params.append(param)
    if own:
        fields["title"] = fields["title"] or [path.stem]
        fields["question"] = fields["question"] or ["your own query"]
    if not fields["title"]:
        raise InputError(path, "query file has no '# title:' header line", 1)
    if not fields["question"]:
        raise InputError(path, "query file has no '# question:' header line", 1)
    return Query(
        name=path.stem,
        title=fields["title"][0],
        question=" ".join(fields["question"]),
        text=text,
        path=path,
        params=tuple(params),
    )


_ANY_SLOT = re.compile(r"VALUES\s+\?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\{\s*UNDEF\s*\}")


def catalogue(folder: Path | None = None) -> dict[str, Query]:
    """Every query of the catalogue by name, sorted by name."""
    folder = folder or default_files().queries
    return {q.name: q for q in (read_query(p) for p in sorted(folder.glob("*.rq")))}


_CLOSING_ORDER = re.compile(r"\nORDER BY [^\n#{}]*\s*\Z")


def store_with_bundled(runner: Runner, queries: dict[str, Query], name: str) -> KnowledgeGraph | None:
    """The embedded store, when `runner` is one and `queries[name]` is the bundled catalogue's
    query word for word: then a caller may read its answer off the statements (the labels, the
    names) rather than run it; None for an endpoint or a changed query, which are run."""
    from ..kg.load import KnowledgeGraph

    if isinstance(runner, KnowledgeGraph) and queries[name].text == catalogue()[name].text:
        return runner
    return None


def unordered(query: Query) -> Query:
    """The query without the ORDER BY line that closes it, if one does (nothing follows it),
    for a caller that files the answer by a column and sorts what it needs itself: Oxigraph
    took ~1 s to order the ~150k rows of `labels` at ~1M triples, Python sorts them in 0.1 s."""
    text = _CLOSING_ORDER.sub("\n", query.text)
    return query if text == query.text else Query(query.name, query.title, query.question, text, query.path,
                                                  query.params)


def run_select(runner: Runner, query: Query, params: Params | None = None) -> Rows:
    """Run a catalogue query with its parameters bound, on the embedded store or an endpoint."""
    try:
        return runner.select(query.bind(params))
    except SyntaxError as exc:
        raise _syntax_error(query, exc) from None


def stream_select(runner: Runner, query: Query, params: Params | None = None,
                  by_subject: bool = False) -> tuple[list[str], Iterator[tuple[Term | None, ...]]]:
    """Run a catalogue query; its variables, and its rows as tuples of terms in their order
    (None where unbound). The embedded store hands the rows over one at a time, never holding
    them all (see KnowledgeGraph.select_tuples), and with `by_subject` sorts a large answer
    ordered by ?subject a range of subjects at a time (KnowledgeGraph.select_tuples_by_subject);
    an endpoint's answer is read whole first."""
    try:
        select_tuples = (by_subject and getattr(runner, "select_tuples_by_subject", None)) \
            or getattr(runner, "select_tuples", None)
        if select_tuples is not None:
            variables, tuples = select_tuples(query.bind(params))
            return variables, tuples
        rows = runner.select(query.bind(params))
    except SyntaxError as exc:
        raise _syntax_error(query, exc) from None
    return list(rows.variables), rows.tuples()


def _syntax_error(query: Query, exc: SyntaxError) -> InputError:
    # One line: the parser's list of what it expected can run to a screenful of ranges.
    message = str(exc).splitlines()[0] if str(exc) else "unreadable query"
    if len(message) > 160:
        message = message[:160].rsplit(" ", 1)[0] + " …"
    return InputError(query.path, f"SPARQL syntax error: {message}")
