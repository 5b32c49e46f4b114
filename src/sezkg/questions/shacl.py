"""SHACL on the store: shapes compiled into SPARQL and run on pyoxigraph, with pyshacl's results.

The data graph is what `use_default_graph_as_union=True` shows: the union of every graph of
the store (for a KnowledgeGraph: the ontology, the concept schemes and every source graph,
exactly what pyshacl gets from `union_graph`). Each constraint of each shape becomes one
SPARQL query that returns the violating (focus node, value) rows for all focus nodes at
once, so the work grows with the data, not with the number of queries. Shapes referenced by
sh:node, sh:not, sh:and, sh:or, sh:xone and sh:qualifiedValueShape are compiled into
conformance tests (FILTER [NOT] EXISTS) inside those queries. An sh:sparql query is joined to
the focus nodes and run once; one that cannot be (a sub-select, UNION, GROUP BY, LIMIT, ...)
runs once per focus node with $this substituted, as pyshacl runs every one.

Supported (everything ontology/shapes.ttl uses, marked *, and more):
  targets: sh:targetClass* (instances of rdfs:subClassOf* subclasses in the data graph),
    sh:targetNode, sh:targetSubjectsOf*, sh:targetObjectsOf, implicit class targets;
  paths: predicate*, sh:inversePath*, sequence, sh:alternativePath*, sh:zeroOrMorePath,
    sh:oneOrMorePath, sh:zeroOrOnePath;
  components: sh:property*, sh:minCount*, sh:maxCount*, sh:datatype*, sh:class*,
    sh:nodeKind*, sh:in, sh:hasValue*, sh:languageIn*, sh:uniqueLang*, sh:pattern (+ sh:flags),
    sh:minLength, sh:maxLength, sh:minInclusive*, sh:minExclusive*, sh:maxInclusive*,
    sh:maxExclusive, sh:node*, sh:not*, sh:and, sh:or*, sh:xone*, sh:equals, sh:disjoint,
    sh:lessThan*, sh:lessThanOrEquals*, sh:closed (+ sh:ignoredProperties),
    sh:qualifiedValueShape (+ min/max counts, sh:qualifiedValueShapesDisjoint),
    sh:sparql* (SELECT constraints: $this, $PATH, sh:prefixes/sh:declare, sh:message
    templates, ?path/?value/?failure);
  sh:deactivated, sh:severity, sh:message* (and pyshacl's own message where a shape has none).

pyshacl's semantics are kept where they differ from a literal reading of the spec: sh:datatype
judges well-formedness as rdflib does (e.g. "2020-02-30"^^xsd:date fails, an xsd:gYear is
never checked), sh:languageIn matches a tag or its first subtag, case-insensitively;
sh:minInclusive & co. and sh:lessThan compare as rdflib does; sh:pattern is a Python regular
expression searched in the string (only the i and m flags count); an inverse sequence path is
walked in its written order; a path that can match no step (p*, p?) has the focus node among
its values even where that node is nowhere in the data (oxigraph alone would drop it); sh:xone
counts a shape listed twice twice; sh:uniqueLang "1"^^xsd:boolean is on. Those exact checks
are Python functions that SPARQL calls only for values its own fast tests cannot decide.
Results are pyshacl's as a set: where pyshacl repeats a result (one per failing pair of
sh:lessThan, one per parent of a shared property shape) the engine may give it once. Two
knowing differences: where sh:lessThan meets a blank node pyshacl stops with an error and the
engine reports a violation; a message that pyshacl prints from a set (sh:in, sh:hasValue with
several values) lists it in the shapes' order, where pyshacl's order changes from run to run.

Not compiled (the shape whose targets reach it is validated by pyshacl instead, and the report
says so in a note): sh:sparql inside a nested shape or with $currentShape, $shapesGraph,
MINUS, VALUES or SERVICE; sh:minCount, sh:maxCount or a qualified count above 4 inside a
nested shape; a blank node as a constant
(sh:hasValue, sh:in, sh:targetNode, ...); custom (SPARQL-based) constraint components; shapes
that pyshacl refuses to load (its error is then the answer). sh:target and other SHACL-AF
features are ignored, as pyshacl does without advanced=True. A recursive shape (found by
reading the shapes, not by meeting it in the data) is an InputError. The store is read only.
"""

from __future__ import annotations

import datetime
import logging
import re
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import InputError

if TYPE_CHECKING:  # for annotations only: rdflib is imported where it is used, as everywhere here
    from rdflib import Graph, URIRef
    from rdflib import Literal as RdflibLiteral
    from rdflib.term import IdentifiedNode, Node

    RdflibTerm = IdentifiedNode | RdflibLiteral  # what to_rdflib makes of a Term, and what pyshacl prints

Term = ox.NamedNode | ox.BlankNode | ox.Literal

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
FN = "urn:x-sezkg:shacl#"  # the Python checks SPARQL calls

RDF_TYPE = ox.NamedNode(RDF + "type")
RDF_NIL = ox.NamedNode(RDF + "nil")
INSTANCE_OF = f"<{RDF}type>/<{RDFS}subClassOf>*"
NUMERIC_TYPES = f"(<{XSD}integer>, <{XSD}decimal>)"
MAX_NESTED_COUNT = 4  # counts inside nested shapes become joins of this many values at most
TARGET_PREDICATES = {SH + p for p in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")}


class Unsupported(Exception):
    """A shape (or a shape it reaches) that this engine does not compile: pyshacl runs it."""


# ---------------------------------------------------------------------------------------------
# The shapes graph
# ---------------------------------------------------------------------------------------------


class ShapesGraph:
    """The shapes as triples, with the few lookups SHACL needs."""

    def __init__(self, triples: Iterable[tuple[Term, ox.NamedNode, Term]], prefixes: dict[str, str] | None = None,
                 source: FilePath | None = None):
        self.triples = sorted(set(triples), key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
        self.prefixes = dict(prefixes or {})
        self.source = source
        self._out: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self._in: dict[str, dict[Term, list[Term]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in self.triples:
            self._out[s][p.value].append(o)
            self._in[p.value][o].append(s)

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad | ox.Triple], prefixes: dict[str, str] | None = None,
                   source: FilePath | None = None) -> ShapesGraph:
        # Through a store, so that literals take the same canonical form as the data's.
        store = ox.Store()
        store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
        return cls(((q.subject, q.predicate, q.object) for q in store), prefixes, source)

    @classmethod
    def from_rdflib(cls, graph: Graph, source: FilePath | None = None) -> ShapesGraph:
        """The same triples as an rdflib graph, blank node labels kept (to name pyshacl's results)."""
        from ..kg.convert import to_oxigraph

        def triple(s: Node, p: Node, o: Node) -> tuple[Term, ox.NamedNode, Term]:
            subject, predicate, obj = to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)
            if not isinstance(predicate, ox.NamedNode):  # rdflib takes any node there, RDF only an IRI
                raise InputError(source or "shapes", f"a predicate that is not an IRI: {p.n3()}")
            return subject, predicate, obj

        return cls((triple(s, p, o) for s, p, o in graph),
                   {prefix: str(ns) for prefix, ns in graph.namespaces()}, source)

    @classmethod
    def from_file(cls, path: FilePath | str, base_iri: str | None = None) -> ShapesGraph:
        path = FilePath(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(path, f"cannot read shapes: {exc.strerror or exc}") from None
        parser = ox.parse(input=data, format=ox.RdfFormat.TURTLE, base_iri=base_iri)
        try:
            quads = list(parser)
        except SyntaxError as exc:
            raise InputError(path, f"cannot parse shapes: {exc.msg or exc}", exc.lineno, exc.offset) from None
        return cls.from_quads(quads, dict(parser.prefixes), path)

    def objects(self, s: Term, p: str) -> list[Term]:
        return self._out[s][p] if s in self._out else []

    def value(self, s: Term, p: str) -> Term | None:
        found = self.objects(s, p)
        return found[0] if found else None

    def predicates(self, s: Term) -> list[str]:
        return sorted(self._out[s]) if s in self._out else []

    def subjects(self, p: str, o: Term) -> list[Term]:
        return self._in[p][o] if p in self._in else []

    def subjects_with(self, p: str) -> list[Term]:
        return sorted({s for subjects in self._in[p].values() for s in subjects}, key=str) if p in self._in else []

    def objects_of(self, p: str) -> list[Term]:
        return sorted(self._in[p], key=str) if p in self._in else []

    def items(self, head: Term) -> list[Term] | None:
        """The members of an RDF list, or None if it is not a well-formed list."""
        found: list[Term] = []
        seen = set()
        while head != RDF_NIL:
            first, rest = self.objects(head, RDF + "first"), self.objects(head, RDF + "rest")
            if len(first) != 1 or len(rest) != 1 or head in seen:
                return None
            seen.add(head)
            found.append(first[0])
            head = rest[0]
        return found


# ---------------------------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Path:
    """A SHACL property path: its node in the shapes graph, how it reads, how it is walked."""

    node: Term
    text: str  # SPARQL 1.1 syntax, as written
    sparql: str  # what the queries walk (pyshacl's reading, see _walk)
    nullable: bool = False  # can match no step at all (p*, p?): the start node is then a value

    @property
    def is_predicate(self) -> bool:
        return isinstance(self.node, ox.NamedNode)

    @classmethod
    def predicate(cls, iri: ox.NamedNode) -> Path:
        return cls(iri, f"<{iri.value}>", f"<{iri.value}>")


def parse_path(sg: ShapesGraph, node: Term) -> Path:
    return Path(node, _path_text(sg, node, 0), _walk(sg, node, False, 0), _nullable(sg, node))


def _nullable(sg: ShapesGraph, node: Term) -> bool:
    kind, inner = _path_kind(sg, node)
    if kind == "iri":
        return False
    if kind == "sequence":
        return all(_nullable(sg, m) for m in inner)
    if kind == "alternativePath":
        return any(_nullable(sg, m) for m in inner)
    return kind in ("zeroOrMorePath", "zeroOrOnePath") or _nullable(sg, inner[0])


def walk(x: str, path: Path, v: str, top: bool = False) -> str:
    """A pattern binding v to the values of a path from x, which is bound before it (top) or
    substituted into the EXISTS around it. pyshacl counts x itself among the values of a path
    that can match no step (p*, p?) even where x is nowhere in the data; oxigraph does not, so
    that value is added explicitly (under LATERAL at the top, so that x is known inside)."""
    if not path.nullable:
        return f"{x} {path.sparql} {v} ."
    pattern = f"{{ BIND({x} AS {v}) }} UNION {{ {x} {path.sparql} {v} }}"
    return f"LATERAL {{ {pattern} }}" if top else f"{{ {pattern} }}"


def _path_kind(sg: ShapesGraph, node: Term) -> tuple[str, list[Term]]:
    """Which path construct a node is, in the order pyshacl tries them, and what it is made of:
    the members of a sequence or an alternative, else the one path inside (an IRI: itself)."""
    if isinstance(node, ox.Literal):
        raise Unsupported("a literal as a path")
    if isinstance(node, ox.NamedNode):
        return "iri", [node]
    if sg.objects(node, RDF + "first"):
        members = sg.items(node)
        if members is None:
            raise Unsupported("a sequence path that is not a well-formed list")
        return "sequence", members
    for kind in ("inversePath", "alternativePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"):
        inner = sg.objects(node, SH + kind)
        if inner:
            if kind == "alternativePath":
                members = sg.items(inner[0])
                if members is None or len(members) < 2:
                    raise Unsupported("sh:alternativePath with fewer than two paths")
                return kind, members
            return kind, [inner[0]]
    raise Unsupported(f"a malformed path {node}")


def _path_text(sg: ShapesGraph, node: Term, depth: int) -> str:
    kind, inner = _path_kind(sg, node)
    if depth > 10:
        raise Unsupported("a path nested too deep")
    if kind == "iri":
        return f"<{inner[0].value}>"
    if kind in ("sequence", "alternativePath"):
        return "(" + ("/" if kind == "sequence" else "|").join(_path_text(sg, m, depth + 1) for m in inner) + ")"
    text = _path_text(sg, inner[0], depth + 1)
    return {"inversePath": f"^{text}", "zeroOrMorePath": f"{text}*", "oneOrMorePath": f"{text}+",
            "zeroOrOnePath": f"{text}?"}[kind]


def _walk(sg: ShapesGraph, node: Term, inverse: bool, depth: int) -> str:
    """The path as pyshacl walks it: an inverse is pushed down to the predicates, and an inverse
    sequence keeps its written order (^(a/b) is walked as ^a/^b)."""
    kind, inner = _path_kind(sg, node)
    if kind == "iri":
        return f"^<{inner[0].value}>" if inverse else f"<{inner[0].value}>"
    if kind == "sequence":
        if depth == 0 and len(inner) < 2:
            raise Unsupported("a sequence path with fewer than two paths")
        return "(" + "/".join(_walk(sg, m, inverse, depth + 1) for m in inner) + ")"
    if kind == "alternativePath":
        return "(" + "|".join(_walk(sg, m, inverse, depth + 1) for m in inner) + ")"
    if kind == "inversePath":
        return _walk(sg, inner[0], not inverse, depth + 1)
    suffix = {"zeroOrMorePath": "*", "oneOrMorePath": "+", "zeroOrOnePath": "?"}[kind]
    return f"({_walk(sg, inner[0], inverse, depth + 1)}){suffix}"


# ---------------------------------------------------------------------------------------------
# SPARQL text helpers
# ---------------------------------------------------------------------------------------------


def term(t: Term) -> str:
    """A constant in SPARQL syntax; SPARQL has no way to name a blank node of the data."""
    if isinstance(t, ox.BlankNode):
        raise Unsupported("a blank node as a constant")
    return str(t)


def string(text: str) -> str:
    return str(ox.Literal(text))


def fn(name: str, *args: str) -> str:
    return f"<{FN}{name}>({', '.join(args)})"


def safe(expression: str) -> str:
    """A test that is false, not an error, where SPARQL cannot evaluate it."""
    return f"COALESCE({expression}, false)"


def all_of(tests: list[str]) -> str:
    return "(" + " && ".join(tests) + ")" if tests else "true"


# ---------------------------------------------------------------------------------------------
# Constraints. Value constraints test one value node (`ok`); the others test a focus node
# (`holds`, in nested shapes) and make their own top-level queries (`checks`).
# ---------------------------------------------------------------------------------------------


@dataclass
class Check:
    """One query of the compiled validation and how its rows become results."""

    shape: Shape
    component: str
    sparql: str
    constraint: Constraint
    path_var: str | None = None  # the row variable that overrides the shape's path
    per_focus: Focus | None = None  # if set: run once per node of this focus, ?this substituted


class Constraint:
    component = ""
    value_level = False

    def __init__(self, shape: Shape, parameter: Term | None = None):
        self.shape = shape
        self.parameter = parameter

    @property
    def argument(self) -> Term:
        """The parameter, for the components that read it: each is built with one."""
        if self.parameter is None:
            raise RuntimeError(f"{type(self).__name__} of {self.shape.node} was built without its parameter")
        return self.parameter

    def ok(self, c: Compiler, v: str) -> str:
        raise NotImplementedError

    def holds(self, c: Compiler, x: str) -> str:
        raise NotImplementedError

    def checks(self, c: Compiler, focus: Focus) -> Iterator[Check]:
        shape = self.shape
        ok = self.ok(c, "?value")
        if shape.path is None:
            body = f"{focus('?this')} BIND(?this AS ?value) FILTER(!{ok})"
        else:
            body = f"{focus('?this')} {walk('?this', shape.path, '?value', top=True)} FILTER(!{ok})"
        yield Check(shape, self.component, f"SELECT DISTINCT ?this ?value WHERE {{ {body} }}", self)


class ValueConstraint(Constraint):
    value_level = True


class ClassConstraint(ValueConstraint):
    component = SH + "ClassConstraintComponent"

    def ok(self, c: Compiler, v: str) -> str:
        return safe(f"EXISTS {{ {v} {INSTANCE_OF} {term(self.argument)} }}")

    def checks(self, c: Compiler, focus: Focus) -> Iterator[Check]:
        # MINUS against all instances at once is some three times faster than EXISTS per value.
        shape = self.shape
        own = "BIND(?this AS ?value)" if shape.path is None else walk("?this", shape.path, "?value", top=True)
        sparql = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus('?this')} {own} "
                  f"MINUS {{ ?value {INSTANCE_OF} {term(self.argument)} }} }}")
        yield Check(shape, self.component, sparql, self)


class DatatypeConstraint(ValueConstraint):
    component = SH + "DatatypeConstraintComponent"

    def ok(self, c: Compiler, v: str) -> str:
        rule = self.argument.value
        if rule == RDFS + "Literal":
            return f"isLiteral({v})"
        if rule == RDFS + "Datatype":  # any typed literal: rdflib sees xsd:string and tagged ones untyped
            return safe(f"isLiteral({v}) && datatype({v}) != <{XSD}string> && lang({v}) = \"\"")
        if rule == XSD + "string":
            return safe(f"isLiteral({v}) && datatype({v}) = <{XSD}string>")
        if rule == RDF + "langString":
            return safe(f"isLiteral({v}) && lang({v}) != \"\"")
        same = f"isLiteral({v}) && datatype({v}) = <{rule}>"
        if not _rdflib_checks_lexical(rule):
            return safe(same)
        fast = _FAST_WELL_TYPED.get(rule)
        exact = fn("datatype", v, f"<{rule}>")
        # IF, not && and ||: Oxigraph evaluates both sides of those in a FILTER, so the Python
        # check ran for every value (~43k figures at ~1M triples), not only where the fast test
        # fails. An IF evaluates one branch; the outcome is the same, errors included (false).
        test = f"IF({fast.format(v=v)}, true, {exact})" if fast else exact
        return safe(f"IF({same}, {test}, false)")


class NodeKindConstraint(ValueConstraint):
    component = SH + "NodeKindConstraintComponent"
    TESTS = {"IRI": "isIRI({v})", "BlankNode": "isBlank({v})", "Literal": "isLiteral({v})",
             "BlankNodeOrIRI": "!isLiteral({v})", "BlankNodeOrLiteral": "!isIRI({v})",
             "IRIOrLiteral": "!isBlank({v})"}

    def ok(self, c: Compiler, v: str) -> str:
        kind = self.parameter.value.removeprefix(SH) if isinstance(self.parameter, ox.NamedNode) else ""
        return self.TESTS.get(kind, "false").format(v=v)


class InConstraint(ValueConstraint):
    component = SH + "InConstraintComponent"

    def __init__(self, shape: Shape, parameter: Term, members: list[Term]):
        super().__init__(shape, parameter)
        self.members = members

    def ok(self, c: Compiler, v: str) -> str:
        return "(" + " || ".join(f"sameTerm({v}, {term(m)})" for m in self.members) + ")" if self.members else "false"


class LanguageInConstraint(ValueConstraint):
    component = SH + "LanguageInConstraintComponent"

    def __init__(self, shape: Shape, parameter: Term, languages: list[str]):
        super().__init__(shape, parameter)
        self.languages = sorted({lang.lower() for lang in languages})

    def ok(self, c: Compiler, v: str) -> str:
        tagged = f"isLiteral({v}) && lang({v}) != \"\""
        if "*" in self.languages:
            return safe(tagged)
        listed = ", ".join(string(lang) for lang in self.languages)
        first_subtag = f"LCASE(STRBEFORE(CONCAT(lang({v}), \"-\"), \"-\"))"
        return safe(f"{tagged} && (LCASE(lang({v})) IN ({listed}) || {first_subtag} IN ({listed}))")


class PatternConstraint(ValueConstraint):
    component = SH + "PatternConstraintComponent"

    def __init__(self, shape: Shape, parameter: Term, regex: re.Pattern[str]):
        super().__init__(shape, parameter)
        self.regex = regex

    def ok(self, c: Compiler, v: str) -> str:
        return safe(fn("pattern", v, str(ox.Literal(c.exact.pattern_index(self.regex)))))


class LengthConstraint(ValueConstraint):
    def __init__(self, shape: Shape, parameter: Term, limit: int, minimum: bool):
        super().__init__(shape, parameter)
        self.limit, self.minimum = limit, minimum
        self.component = SH + ("MinLengthConstraintComponent" if minimum else "MaxLengthConstraintComponent")

    def ok(self, c: Compiler, v: str) -> str:
        if self.minimum and self.limit == 0:
            return "true"
        plain = f"isIRI({v}) || datatype({v}) = <{XSD}string> || lang({v}) != \"\""
        length = f"IF({plain}, STRLEN(STR({v})), {fn('length', v)})"
        return safe(f"!isBlank({v}) && {length} {'>=' if self.minimum else '<='} {self.limit}")


class RangeConstraint(ValueConstraint):
    OPERATORS = {"minExclusive": ">", "minInclusive": ">=", "maxExclusive": "<", "maxInclusive": "<="}

    def __init__(self, shape: Shape, parameter: Term, kind: str):
        super().__init__(shape, parameter)
        self.operator = self.OPERATORS[kind]
        self.kind = kind
        self.component = SH + kind[0].upper() + kind[1:] + "ConstraintComponent"

    def ok(self, c: Compiler, v: str) -> str:
        bound = term(self.argument)
        exact = f"{fn('order', v, bound)} {self.operator} 0"
        if (isinstance(self.parameter, ox.Literal)
                and self.parameter.datatype.value in (XSD + "integer", XSD + "decimal")):
            fast = f"datatype({v}) IN {NUMERIC_TYPES} && isNumeric({v})"
            return safe(f"isLiteral({v}) && IF({fast}, {v} {self.operator} {bound}, {exact})")
        return safe(f"isLiteral({v}) && {exact}")


class ShapeConstraint(ValueConstraint):
    """sh:node, sh:not, sh:and, sh:or, sh:xone: the value's conformance to other shapes."""

    def __init__(self, shape: Shape, parameter: Term, kind: str, members: list[Term]):
        super().__init__(shape, parameter)
        self.kind, self.members = kind, members
        self.component = SH + {"node": "Node", "not": "Not", "and": "And", "or": "Or", "xone": "Xone"}[kind] \
            + "ConstraintComponent"

    def ok(self, c: Compiler, v: str) -> str:
        tests = [c.conforms(m, v) for m in self.members]
        if self.kind == "node":
            return tests[0]
        if self.kind == "not":
            return f"!{tests[0]}"
        if self.kind == "and":
            return all_of(tests)
        if self.kind == "or":
            return "(" + " || ".join(tests) + ")"
        return "((" + " + ".join(f"IF({t}, 1, 0)" for t in tests) + ") = 1)"


class CountConstraint(Constraint):
    def __init__(self, shape: Shape, parameter: Term, limit: int, minimum: bool):
        super().__init__(shape, parameter)
        self.limit, self.minimum = limit, minimum
        self.component = SH + ("MinCountConstraintComponent" if minimum else "MaxCountConstraintComponent")

    def holds(self, c: Compiler, x: str) -> str:
        if self.minimum:
            return c.at_least(x, self.shape.property_path, self.limit)
        return f"!{c.at_least(x, self.shape.property_path, self.limit + 1)}"

    def checks(self, c: Compiler, focus: Focus) -> Iterator[Check]:
        path, v = self.shape.property_path, c.var("v")
        if self.minimum and self.limit == 0:
            return
        if self.minimum and self.limit == 1:
            sparql = (f"SELECT DISTINCT ?this WHERE {{ {focus('?this')} "
                      f"FILTER NOT EXISTS {{ {walk('?this', path, v)} }} }}")
        elif not self.minimum and self.limit == 1:  # pairs of values: twice as fast as counting
            w = c.var("w")
            sparql = (f"SELECT DISTINCT ?this WHERE {{ {focus('?this')} {walk('?this', path, v, top=True)} "
                      f"{walk('?this', path, w, top=True)} FILTER(!sameTerm({v}, {w})) }}")
        elif self.minimum:
            sparql = (f"SELECT ?this WHERE {{ {focus('?this')} "
                      f"LATERAL {{ OPTIONAL {{ {walk('?this', path, v)} }} }} }} "
                      f"GROUP BY ?this HAVING (COUNT(DISTINCT {v}) < {self.limit})")
        else:
            sparql = (f"SELECT ?this WHERE {{ {focus('?this')} {walk('?this', path, v, top=True)} }} "
                      f"GROUP BY ?this HAVING (COUNT(DISTINCT {v}) > {self.limit})")
        yield Check(self.shape, self.component, sparql, self)


class HasValueConstraint(Constraint):
    component = SH + "HasValueConstraintComponent"

    def holds(self, c: Compiler, x: str) -> str:
        if self.shape.path is None:
            return f"sameTerm({x}, {term(self.argument)})"
        v = c.var("v")
        return f"EXISTS {{ {walk(x, self.shape.path, v)} FILTER(sameTerm({v}, {term(self.argument)})) }}"

    def checks(self, c: Compiler, focus: Focus) -> Iterator[Check]:
        sparql = f"SELECT DISTINCT ?this WHERE {{ {focus('?this')} FILTER(!{self.holds(c, '?this')}) }}"
        yield Check(self.shape, self.component, sparql, self)


class UniqueLangConstraint(Constraint):
    component = SH + "UniqueLangConstraintComponent"

    def _pairs(self, c: Compiler, x: str, top: bool) -> tuple[str, str]:
        a, b, path = c.var("a"), c.var("b"), self.shape.property_path
        return a, (f"{walk(x, path, a, top)} {walk(x, path, b, top)} FILTER(isLiteral({a}) && isLiteral({b}) "
                   f"&& lang({a}) != \"\" && !sameTerm({a}, {b}) && LCASE(lang({a})) = LCASE(lang({b})))")

    def holds(self, c: Compiler, x: str) -> str:
        return f"NOT EXISTS {{ {self._pairs(c, x, False)[1]} }}" if self.argument.value == "true" else "true"

    def checks(self, c: Compiler, focus: Focus) -> Iterator[Check]:
        if self.argument.value != "true":
            return
        a, pairs = self._pairs(c, "?this", True)
        # One result per duplicated language, as pyshacl gives.
        sparql = f"SELECT DISTINCT ?this (LCASE(lang({a})) AS ?lang) WHERE {{ {focus('?this')} {pairs} }}"
        yield Check(self.shape, self.component, sparql, self)


class PairConstraint(Constraint):
    """sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals: values against another property."""

    def __init__(self, shape: Shape, parameter: Term, kind: str):
        super().__init__(shape, parameter)
        self.kind = kind
        self.component = SH + kind[0].upper() + kind[1:] + "ConstraintComponent"

    def _own(self, x: str, v: str, top: bool) -> str:
        """A pattern that binds v to the value nodes of x (for a node shape: x itself)."""
        if self.shape.path is None:
            return f"BIND({x} AS {v})"
        return walk(x, self.shape.path, v, top)

    def _bodies(self, c: Compiler, x: str, v: str, top: bool) -> list[str]:
        other = term(self.argument)
        if self.kind == "equals":
            path = self.shape.path
            is_own = f"EXISTS {{ {x} {path.sparql} {v} }}" if path is not None else "false"
            if path is None or path.nullable:  # v is already bound: test it, do not BIND it again
                is_own = f"(sameTerm({x}, {v}) || {is_own})"
            return [f"{self._own(x, v, top)} FILTER NOT EXISTS {{ {x} {other} {v} }}",
                    f"{x} {other} {v} . FILTER(!{is_own})"]
        if self.kind == "disjoint":
            return [f"{self._own(x, v, top)} {x} {other} {v} ."]
        w = c.var("w")
        strict = self.kind == "lessThan"
        numbers = (f"isLiteral({v}) && isLiteral({w}) && datatype({v}) IN {NUMERIC_TYPES} && "
                   f"datatype({w}) IN {NUMERIC_TYPES} && isNumeric({v}) && isNumeric({w})")
        strings = " && ".join(f"(isIRI({t}) || (isLiteral({t}) && "
                              f"(datatype({t}) = <{XSD}string> || lang({t}) != \"\")))"
                              for t in (v, w))
        op = "<" if strict else "<="
        ordered = safe(f"IF({numbers}, {v} {op} {w}, IF({strings}, STR({v}) {op} STR({w}), "
                       f"{fn('less', v, w, 'true' if strict else 'false')}))")
        return [f"{self._own(x, v, top)} {x} {other} {w} . FILTER(!{ordered})"]

    def holds(self, c: Compiler, x: str) -> str:
        if self.shape.path is None:  # no BIND of x inside EXISTS: the value node is x itself
            other, v = term(self.argument), c.var("v")
            if self.kind == "equals":
                return all_of([f"EXISTS {{ {x} {other} {x} }}",
                               f"NOT EXISTS {{ {x} {other} {v} . FILTER(!sameTerm({v}, {x})) }}"])
            return f"NOT EXISTS {{ {x} {other} {x} }}"
        return all_of([f"NOT EXISTS {{ {b} }}" for b in self._bodies(c, x, c.var("v"), False)])

    def checks(self, c: Compiler, focus: Focus) -> Iterator[Check]:
        for body in self._bodies(c, "?this", "?value", True):
            yield Check(self.shape, self.component,
                        f"SELECT DISTINCT ?this ?value WHERE {{ {focus('?this')} {body} }}", self)


class ClosedConstraint(Constraint):
    component = SH + "ClosedConstraintComponent"

    def __init__(self, shape: Shape, parameter: Term, allowed: list[Term]):
        super().__init__(shape, parameter)
        self.allowed = allowed

    def _unexpected(self, node: str, predicate: str, value: str) -> str:
        allowed = ", ".join(term(a) for a in self.allowed)
        return (f"{node} {predicate} {value} . FILTER({predicate} NOT IN ({allowed})) "
                f"FILTER(!(sameTerm({predicate}, <{RDF}type>) && sameTerm({value}, <{RDFS}Resource>)))")

    def holds(self, c: Compiler, x: str) -> str:
        p, o = c.var("p"), c.var("o")
        if self.shape.path is None:  # the value node is x itself
            return f"NOT EXISTS {{ {self._unexpected(x, p, o)} }}"
        vn = c.var("n")
        return f"NOT EXISTS {{ {walk(x, self.shape.path, vn)} {self._unexpected(vn, p, o)} }}"

    def checks(self, c: Compiler, focus: Focus) -> Iterator[Check]:
        vn = c.var("n")
        own = f"BIND(?this AS {vn})" if self.shape.path is None else walk("?this", self.shape.path, vn, top=True)
        sparql = (f"SELECT DISTINCT ?this ?value ?rpath WHERE {{ {focus('?this')} {own} "
                  f"{self._unexpected(vn, '?rpath', '?value')} }}")
        yield Check(self.shape, self.component, sparql, self, path_var="rpath")


class QualifiedConstraint(Constraint):
    def __init__(self, shape: Shape, parameter: Term, siblings: list[Term], minimum: int | None,
                 maximum: int | None, at_least_one: bool):
        super().__init__(shape, parameter)
        self.siblings, self.minimum, self.maximum = siblings, minimum, maximum
        self.component = SH + ("QualifiedMinCountConstraintComponent" if at_least_one
                               else "QualifiedMaxCountConstraintComponent")
        limit = minimum if at_least_one else maximum
        if limit is None:
            raise ValueError(f"{self.component} without its count")
        self.limit = limit
        self.at_least_one = at_least_one

    def qualifies(self, c: Compiler, v: str) -> str:
        test = c.conforms(self.argument, v)
        if self.siblings:
            test = f"({test} && !(" + " || ".join(c.conforms(s, v) for s in self.siblings) + "))"
        return test

    def holds(self, c: Compiler, x: str) -> str:
        path = self.shape.property_path
        if self.at_least_one:
            return c.at_least(x, path, self.limit, lambda v: self.qualifies(c, v))
        return f"!{c.at_least(x, path, self.limit + 1, lambda v: self.qualifies(c, v))}"

    def checks(self, c: Compiler, focus: Focus) -> Iterator[Check]:
        path, v = self.shape.property_path, c.var("q")
        if self.at_least_one:
            if self.limit <= 0:
                return
            sparql = (f"SELECT ?this WHERE {{ {focus('?this')} LATERAL {{ OPTIONAL {{ {walk('?this', path, v)} "
                      f"FILTER({self.qualifies(c, v)}) }} }} }} "
                      f"GROUP BY ?this HAVING (COUNT(DISTINCT {v}) < {self.limit})")
        else:
            sparql = (f"SELECT ?this WHERE {{ {focus('?this')} {walk('?this', path, v, top=True)} "
                      f"FILTER({self.qualifies(c, v)}) }} GROUP BY ?this HAVING (COUNT(DISTINCT {v}) > {self.limit})")
        yield Check(self.shape, self.component, sparql, self)


@dataclass
class SparqlQuery:
    """The parts of an sh:select text that batching needs."""

    text: str  # with prefixes and $PATH applied
    projects_this: bool
    batchable: bool


class SparqlConstraint(Constraint):
    component = SH + "SPARQLConstraintComponent"

    def __init__(self, shape: Shape, parameter: Term, query: SparqlQuery, messages: list[ox.Literal]):
        super().__init__(shape, parameter)
        self.query, self.messages = query, messages

    def holds(self, c: Compiler, x: str) -> str:
        raise Unsupported("sh:sparql inside a nested shape")

    def checks(self, c: Compiler, focus: Focus) -> Iterator[Check]:
        if self.query.batchable:
            yield Check(self.shape, self.component, _inject_focus(self.query.text, focus("?this")), self)
        else:
            yield Check(self.shape, self.component, self.query.text, self, per_focus=focus)


# Fast SPARQL tests for well-typed values of the datatypes rdflib converts; anything they do not
# accept goes to the exact Python check. Each accepts only lexical forms rdflib accepts too.
_FAST_WELL_TYPED = {
    XSD + "integer": "isNumeric({v})",
    XSD + "decimal": "isNumeric({v})",
    XSD + "double": "isNumeric({v})",
    XSD + "float": "isNumeric({v})",
    XSD + "boolean": "(STR({v}) = \"true\" || STR({v}) = \"false\")",
    # Every day of every month but 29 February, which leap years make the exact check's.
    XSD + "date": "REGEX(STR({v}), \"^[1-9][0-9]{{3}}-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
                  "|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)$\")",
}


def _rdflib_checks_lexical(datatype: str) -> bool:
    """Whether rdflib can find a literal of this datatype ill-typed (it has a converter or a checker)."""
    from rdflib import URIRef
    from rdflib import term as rdflib_term

    uri = URIRef(datatype)
    checkers = getattr(rdflib_term, "_check_well_formed_types", {})
    return uri in rdflib_term.XSDToPython or uri in checkers or datatype in _FAST_WELL_TYPED


# ---------------------------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------------------------


@dataclass
class Shape:
    node: Term
    path: Path | None
    severity: str = SH + "Violation"
    messages: tuple[ox.Literal, ...] = ()
    deactivated: bool = False
    target_nodes: list[Term] = field(default_factory=list)
    target_classes: list[Term] = field(default_factory=list)
    subjects_of: list[Term] = field(default_factory=list)
    objects_of: list[Term] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Term] = field(default_factory=list)
    references: list[Term] = field(default_factory=list)  # every shape it refers to
    problems: list[str] = field(default_factory=list)  # why it cannot be compiled

    @property
    def has_targets(self) -> bool:
        return bool(self.target_nodes or self.target_classes or self.subjects_of or self.objects_of)

    @property
    def property_path(self) -> Path:
        """The path, for what only a property shape has (counts, sh:uniqueLang, qualified shapes):
        those are read from a shape only when it has one."""
        if self.path is None:
            raise RuntimeError(f"{self.node} is a node shape, read as a property shape")
        return self.path


class ShapeModel:
    """Every shape of a shapes graph, found the way pyshacl finds them, with its constraints."""

    def __init__(self, sg: ShapesGraph):
        self.sg = sg
        self.shapes: dict[Term, Shape] = {}
        self.fatal: list[str] = []  # what pyshacl refuses as soon as it reads the shapes
        for node in self._shape_nodes():
            self.shapes[node] = self._read(node)
        for shape in self.shapes.values():
            self._read_constraints(shape)

    def _shape_nodes(self) -> list[Term]:
        sg = self.sg
        found = set(sg.subjects(RDF + "type", ox.NamedNode(SH + "NodeShape")))
        found |= set(sg.subjects(RDF + "type", ox.NamedNode(SH + "PropertyShape")))
        for p in (*TARGET_PREDICATES, SH + "property", SH + "node"):
            found |= set(sg.subjects_with(p))
        for p in (SH + "property", SH + "node", SH + "not", SH + "qualifiedValueShape"):
            found |= set(sg.objects_of(p))
        for p in (SH + "and", SH + "or", SH + "xone"):
            for head in sg.objects_of(p):
                found |= set(sg.items(head) or [])
        return sorted((n for n in found if not isinstance(n, ox.Literal)), key=str)

    def _read(self, node: Term) -> Shape:
        sg = self.sg
        problems = []
        paths = sg.objects(node, SH + "path")
        path = None
        if len(paths) > 1:
            problems.append("more than one sh:path")
            self.fatal.append(f"{node} has more than one sh:path")
        elif paths:
            try:
                path = parse_path(sg, paths[0])
            except Unsupported as why:
                problems.append(str(why))
                path = Path(paths[0], "(unreadable path)", "")
        severity = sg.objects(node, SH + "severity")
        deactivated = sg.objects(node, SH + "deactivated")
        if len(deactivated) > 1:
            problems.append("more than one sh:deactivated")
        shape = Shape(
            node, path,
            severity=severity[0].value if severity and isinstance(severity[0], ox.NamedNode) else SH + "Violation",
            messages=tuple(m for m in sg.objects(node, SH + "message") if isinstance(m, ox.Literal)),
            deactivated=bool(deactivated) and _python_value(deactivated[0]) is True,
            target_nodes=sg.objects(node, SH + "targetNode"),
            target_classes=list(sg.objects(node, SH + "targetClass")),
            subjects_of=sg.objects(node, SH + "targetSubjectsOf"),
            objects_of=sg.objects(node, SH + "targetObjectsOf"),
            problems=problems,
        )
        if severity and not isinstance(severity[0], ox.NamedNode):
            problems.append("a severity that is not an IRI")
        classes = {ox.NamedNode(RDFS + "Class"), *sg.subjects(RDFS + "subClassOf", ox.NamedNode(RDFS + "Class"))}
        if any(t in classes for t in sg.objects(node, RDF + "type")):
            shape.target_classes.append(node)  # an implicit class target
        return shape

    def _read_constraints(self, shape: Shape) -> None:
        sg, node = self.sg, shape.node
        problems, constraints = shape.problems, shape.constraints
        declared_node = ox.NamedNode(SH + "NodeShape") in sg.objects(node, RDF + "type")
        if declared_node and shape.path is not None:
            problems.append("a sh:NodeShape with a sh:path")
            self.fatal.append(f"{node} is a sh:NodeShape with a sh:path")
        if ox.NamedNode(SH + "PropertyShape") in sg.objects(node, RDF + "type") and shape.path is None:
            self.fatal.append(f"{node} is a sh:PropertyShape without a sh:path")

        def one(parameter: str) -> Term | None:
            values = sg.objects(node, SH + parameter)
            if len(values) > 1:
                problems.append(f"more than one sh:{parameter}")
            return values[0] if values else None

        def property_only(parameter: str) -> bool:
            if shape.path is None:
                problems.append(f"sh:{parameter} on a node shape")
            return shape.path is not None

        def shape_list(parameter: str, head: Term) -> list[Term]:
            members = sg.items(head)
            if not members:
                problems.append(f"sh:{parameter} without a well-formed list of shapes")
                self.fatal.append(f"{node} has sh:{parameter} without a well-formed list of shapes")
                return []
            return members

        for parameter in sg.predicates(node):
            if not parameter.startswith(SH):
                continue
            name = parameter.removeprefix(SH)
            values = sg.objects(node, parameter)
            if name == "class":
                constraints += [ClassConstraint(shape, v) for v in values]
            elif name == "datatype" and one(name) is not None:
                constraints.append(DatatypeConstraint(shape, values[0]))
            elif name == "nodeKind" and one(name) is not None:
                constraints.append(NodeKindConstraint(shape, values[0]))
            elif name in ("minCount", "maxCount") and one(name) is not None and property_only(name):
                limit = _integer(values[0], (XSD + "integer",))
                if limit is None or limit < 0:
                    problems.append(f"sh:{name} is not a non-negative xsd:integer")
                else:
                    constraints.append(CountConstraint(shape, values[0], limit, name == "minCount"))
            elif name in RangeConstraint.OPERATORS:
                for v in values:
                    if isinstance(v, ox.Literal):
                        constraints.append(RangeConstraint(shape, v, name))
                    else:
                        problems.append(f"sh:{name} is not a literal")
            elif name in ("minLength", "maxLength") and one(name) is not None:
                limit = _integer(values[0], _WHOLE_NUMBER_TYPES)
                if limit is None or limit < 0:
                    problems.append(f"sh:{name} is not a non-negative integer")
                else:
                    constraints.append(LengthConstraint(shape, values[0], limit, name == "minLength"))
            elif name == "pattern":
                constraints += self._patterns(shape, values)
            elif name == "languageIn" and one(name) is not None:
                members = sg.items(values[0])
                if members is None or not all(isinstance(m, ox.Literal) for m in members):
                    problems.append("sh:languageIn is not a list of strings")
                else:
                    constraints.append(LanguageInConstraint(shape, values[0], [m.value for m in members]))
            elif name == "uniqueLang" and one(name) is not None and property_only(name):
                if _python_value(values[0]) not in (True, False):
                    problems.append("sh:uniqueLang is not a boolean")
                else:
                    constraints.append(UniqueLangConstraint(shape, ox.Literal(bool(_python_value(values[0])))))
            elif name in ("equals", "disjoint"):
                constraints += [PairConstraint(shape, v, name) for v in values]
            elif name in ("lessThan", "lessThanOrEquals") and property_only(name):
                for v in values:
                    if isinstance(v, ox.NamedNode):
                        constraints.append(PairConstraint(shape, v, name))
                    else:
                        problems.append(f"sh:{name} is not an IRI")
            elif name in ("node", "not"):
                constraints += [ShapeConstraint(shape, v, name, [v]) for v in values]
                shape.references += values
                if name == "node" and any(self.sg.objects(v, SH + "path") for v in values):
                    problems.append("sh:node refers to a property shape")
            elif name in ("and", "or", "xone"):
                for head in values:
                    members = shape_list(name, head)
                    if name != "xone":  # pyshacl reads sh:and and sh:or lists as sets
                        members = list(dict.fromkeys(members))
                    if members:
                        constraints.append(ShapeConstraint(shape, head, name, members))
                        shape.references += members
            elif name == "property":
                shape.properties += values
                shape.references += values
            elif name == "qualifiedValueShape":
                constraints += self._qualified(shape, values)
            elif name == "closed" and one(name) is not None:
                constraints += self._closed(shape, values[0])
            elif name == "ignoredProperties" and not sg.objects(node, SH + "closed"):
                problems.append("sh:ignoredProperties without sh:closed")
            elif name == "hasValue":
                constraints += [HasValueConstraint(shape, v) for v in values]
            elif name == "in" and one(name) is not None:
                members = sg.items(values[0])
                if members is None:
                    problems.append("sh:in is not a list")
                else:
                    constraints.append(InConstraint(shape, values[0], members))
            elif name == "sparql":
                constraints += self._sparql(shape, values)
        if any(self._custom_component_applies(node, c) for c in self._custom_components()):
            problems.append("a custom (SPARQL-based) constraint component")
        for ref in shape.references:
            if ref not in self.shapes:
                problems.append(f"a reference to {ref}, which is not a shape")

    def _patterns(self, shape: Shape, values: list[Term]) -> list[Constraint]:
        flags_values = self.sg.objects(shape.node, SH + "flags")
        flags = 0
        if flags_values:
            text = flags_values[0].value.lower() if isinstance(flags_values[0], ox.Literal) else ""
            flags = (re.IGNORECASE if "i" in text else 0) | (re.MULTILINE if "m" in text else 0)
        found: list[Constraint] = []
        for v in values:
            if not isinstance(v, ox.Literal):
                shape.problems.append("sh:pattern is not a literal")
                continue
            try:
                found.append(PatternConstraint(shape, v, re.compile(v.value, flags)))
            except re.error as exc:
                shape.problems.append(f"sh:pattern {v.value!r} is not a regular expression: {exc}")
        return found

    def _qualified(self, shape: Shape, values: list[Term]) -> list[Constraint]:
        sg, node = self.sg, shape.node
        if shape.path is None:
            return []  # pyshacl warns and ignores sh:qualifiedValueShape on a node shape
        counts = {}
        for name in ("qualifiedMinCount", "qualifiedMaxCount"):
            found = sg.objects(node, SH + name)
            if len(found) > 1:
                shape.problems.append(f"more than one sh:{name}")
            counts[name] = _integer(found[0], _WHOLE_NUMBER_TYPES) if found else None
            if found and counts[name] is None:
                shape.problems.append(f"sh:{name} is not an integer")
        minimum, maximum = counts["qualifiedMinCount"], counts["qualifiedMaxCount"]
        if minimum is None and maximum is None:
            shape.problems.append("sh:qualifiedValueShape without sh:qualifiedMinCount or sh:qualifiedMaxCount")
            return []
        disjoint = any(_python_value(d) is True for d in sg.objects(node, SH + "qualifiedValueShapesDisjoint"))
        constraints: list[Constraint] = []
        for value_shape in values:
            siblings: list[Term] = []
            if disjoint:
                for parent in sg.subjects(SH + "property", node):
                    for sibling_property in sg.objects(parent, SH + "property"):
                        siblings += [s for s in sg.objects(sibling_property, SH + "qualifiedValueShape")
                                     if s != value_shape]
                siblings = sorted(set(siblings), key=str)
            shape.references += [value_shape, *siblings]
            if maximum is not None:
                constraints.append(QualifiedConstraint(shape, value_shape, siblings, minimum, maximum, False))
            if minimum is not None:
                constraints.append(QualifiedConstraint(shape, value_shape, siblings, minimum, maximum, True))
        return constraints

    def _closed(self, shape: Shape, closed: Term) -> list[Constraint]:
        if _python_value(closed) is not True:
            return []
        allowed: list[Term] = []
        for p in self.sg.objects(shape.node, SH + "property"):
            paths = self.sg.objects(p, SH + "path")
            if len(paths) != 1:
                shape.problems.append("sh:closed with a sh:property that is not a property shape")
            elif isinstance(paths[0], ox.NamedNode):
                allowed.append(paths[0])
        for head in self.sg.objects(shape.node, SH + "ignoredProperties"):
            allowed += self.sg.items(head) or []
        if any(isinstance(a, ox.BlankNode) for a in allowed):
            shape.problems.append("a blank node among the allowed properties of sh:closed")
        return [ClosedConstraint(shape, closed, sorted(set(allowed), key=str))]

    def _sparql(self, shape: Shape, values: list[Term]) -> list[Constraint]:
        found: list[Constraint] = []
        for node in values:
            selects = self.sg.objects(node, SH + "select")
            if len(selects) != 1 or not isinstance(selects[0], ox.Literal):
                shape.problems.append("sh:sparql without exactly one sh:select string")
                continue
            deactivated = self.sg.objects(node, SH + "deactivated")
            if deactivated and _python_value(deactivated[0]) is True:
                continue
            try:
                query = _prepare_select(self.sg, shape, node, selects[0].value)
            except Unsupported as why:
                shape.problems.append(str(why))
                continue
            messages = [m for m in self.sg.objects(node, SH + "message") if isinstance(m, ox.Literal)]
            found.append(SparqlConstraint(shape, node, query, messages))
        return found

    def _custom_components(self) -> list[Term]:
        return self.sg.subjects(RDF + "type", ox.NamedNode(SH + "ConstraintComponent"))

    def _custom_component_applies(self, node: Term, component: Term) -> bool:
        mandatory = []
        for parameter in self.sg.objects(component, SH + "parameter"):
            if _python_value(self.sg.value(parameter, SH + "optional") or ox.Literal(False)) is not True:
                mandatory += self.sg.objects(parameter, SH + "path")
        return bool(mandatory) and all(isinstance(p, ox.NamedNode) and self.sg.objects(node, p.value)
                                       for p in mandatory)

    def roots(self) -> list[Shape]:
        """The shapes validated on their own: those with targets."""
        return [s for s in self.shapes.values() if s.has_targets]

    def node_shape_count(self) -> int:
        return len(self.sg.subjects(RDF + "type", ox.NamedNode(SH + "NodeShape")))

    def check_recursion(self) -> None:
        """SHACL leaves recursive shapes undefined: refuse them rather than guess."""
        state: dict[Term, int] = {}

        def visit(node: Term, trail: list[Term]) -> None:
            if state.get(node) == 2 or node not in self.shapes:
                return
            if state.get(node) == 1:
                cycle = trail[trail.index(node):] + [node]
                raise InputError(self.sg.source or "shapes", "recursive SHACL shape (a pass would mean nothing): "
                                 + " -> ".join(self.name(n) for n in cycle))
            state[node] = 1
            for ref in self.shapes[node].references:
                visit(ref, [*trail, node])
            state[node] = 2

        for shape in self.shapes.values():
            visit(shape.node, [])

    def name(self, node: Term) -> str:
        """A readable name: the IRI, or for an anonymous property shape its parent and path."""
        if isinstance(node, ox.NamedNode):
            return node.value
        shape = self.shapes.get(node)
        parents = sorted(self.name(p) for p in self.sg.subjects(SH + "property", node) if p != node)
        if shape is not None and shape.path is not None:
            path = shape.path.node.value if shape.path.is_predicate else shape.path.text
            return f"{parents[0]} property {path}" if parents else f"property shape on {path}"
        return f"{parents[0]} property (anonymous shape)" if parents else "(anonymous shape)"


_WHOLE_NUMBER_TYPES = tuple(XSD + t for t in ("integer", "int", "long", "negativeInteger", "nonNegativeInteger",
                                              "nonPositiveInteger", "positiveInteger", "short", "unsignedLong",
                                              "unsignedInt", "unsignedShort", "byte", "unsignedByte"))


def _integer(value: Term, datatypes: tuple[str, ...]) -> int | None:
    if isinstance(value, ox.Literal) and value.datatype.value in datatypes:
        try:
            return int(value.value)
        except ValueError:
            return None
    return None


def _python_value(value: Term) -> object:
    """What rdflib makes of a literal (pyshacl tests shape parameters on that)."""
    from ..kg.convert import to_rdflib

    converted = to_rdflib(value)
    return getattr(converted, "value", None)


# ---------------------------------------------------------------------------------------------
# SPARQL-based constraints
# ---------------------------------------------------------------------------------------------

_MASK = re.compile(r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|<[^<>\"{}|^`\\\s]*>|#[^\n]*",
                   re.DOTALL)


def _masked(text: str) -> str:
    """The query with strings, IRIs and comments blanked out (same length), for keyword scans."""
    return _MASK.sub(lambda m: " " * len(m.group(0)), text)


def _prefixes(sg: ShapesGraph, constraint: Term) -> dict[str, str]:
    """sh:prefixes -> sh:declare, the way pyshacl collects them."""
    found: dict[str, str] = {}
    ontologies = sg.subjects(RDF + "type", ox.NamedNode(OWL + "Ontology"))
    global_declares = [d for o in ontologies for d in sg.objects(o, SH + "declare")]
    for holder in sg.objects(constraint, SH + "prefixes"):
        own = sg.objects(holder, SH + "declare")
        declares = own if (own and holder in ontologies) else [*global_declares, *own]
        for declare in declares:
            prefix, namespace = sg.value(declare, SH + "prefix"), sg.value(declare, SH + "namespace")
            if not isinstance(prefix, ox.Literal) or not isinstance(namespace, ox.Literal | ox.NamedNode):
                raise Unsupported("an sh:declare without sh:prefix and sh:namespace")
            found[prefix.value] = namespace.value
    return found


def _prepare_select(sg: ShapesGraph, shape: Shape, node: Term, select: str) -> SparqlQuery:
    masked = _masked(select)
    for keyword in ("MINUS", "VALUES", "SERVICE"):
        if re.search(rf"\b{keyword}\b", masked, re.IGNORECASE):
            raise Unsupported(f"sh:sparql with {keyword} (which pyshacl refuses)")
    if re.search(r"[$?](currentShape|shapesGraph)\b", masked):
        raise Unsupported("sh:sparql with $currentShape or $shapesGraph")
    text = select
    if re.search(r"[$?]PATH\b", masked):
        if shape.path is None:
            raise Unsupported("sh:sparql with $PATH on a node shape")
        path = shape.path.sparql
        text = re.sub(r"([\s{}()])[$?]PATH\b", lambda m: m.group(1) + path, text)
        masked = _masked(text)
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in _prefixes(sg, node).items())
    select_at = re.search(r"\bSELECT\b", masked, re.IGNORECASE)
    if select_at is None or masked.find("{") < 0:
        raise Unsupported("sh:sparql that is not a SELECT query")
    projection = masked[select_at.end():masked.find("{")]
    projection = re.split(r"\bWHERE\b", projection, flags=re.IGNORECASE)[0]
    select_all = re.match(r"\s*(DISTINCT|REDUCED)?\s*\*", projection, re.IGNORECASE)
    projects_this = bool(select_all) or bool(re.search(r"[$?]this\b", projection))
    if not projects_this:  # the rows must name their focus node
        modifier = re.match(r"\s*(DISTINCT|REDUCED)?", masked[select_at.end():], re.IGNORECASE)
        insert_at = select_at.end() + (len(modifier.group(0)) if modifier else 0)
        text = text[:insert_at] + " ?this " + text[insert_at:]
        masked = _masked(text)
    body = masked[masked.find("{"):]
    # Joining the focus nodes in front of the body means the same as binding $this first only
    # while $this is not hidden in a sub-select, a nested group or a union: then go one by one.
    nested_groups = len(re.findall(r"\{", body)) - len(re.findall(r"\b(OPTIONAL|EXISTS)\s*\{", body, re.IGNORECASE)) - 1
    blocking = re.search(r"\b(SELECT|GROUP|HAVING|LIMIT|OFFSET|BIND|GRAPH|UNION|ORDER)\b", body, re.IGNORECASE)
    aggregates = re.search(r"\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", masked, re.IGNORECASE)
    batchable = nested_groups == 0 and not blocking and not aggregates
    return SparqlQuery(prologue + text, projects_this, batchable)


def _inject_focus(query: str, focus: str) -> str:
    where = _masked(query).find("{")
    return query[:where + 1] + f" {focus} " + query[where + 1:]


# ---------------------------------------------------------------------------------------------
# Exact checks (pyshacl's semantics on the rdflib terms pyshacl would see)
# ---------------------------------------------------------------------------------------------


def _rdflib(value: Term | ox.Triple) -> RdflibTerm:
    from rdflib import Literal
    from rdflib.term import IdentifiedNode

    from ..kg.convert import to_rdflib

    converted = to_rdflib(value)
    if not isinstance(converted, IdentifiedNode | Literal):  # to_rdflib's own promise is only a Node
        raise TypeError(f"{value} became {converted!r}, not an rdflib IRI, blank node or literal")
    return converted


def _actual_type(python_value: object, rule: str) -> bool:
    checks = {XSD + "string": (str, bytes), RDF + "langString": (str, bytes), XSD + "integer": int,
              XSD + "float": float, XSD + "decimal": __import__("decimal").Decimal, XSD + "boolean": bool,
              XSD + "date": datetime.date, XSD + "time": datetime.time, XSD + "dateTime": datetime.datetime}
    return isinstance(python_value, checks[rule]) if rule in checks else True


def datatype_ok(value: Term, rule: str) -> bool:
    """sh:datatype as pyshacl judges it."""
    from rdflib import Literal

    v = _rdflib(value)
    if not isinstance(v, Literal):
        return False
    datatype = str(v.datatype) if v.datatype is not None else None
    if datatype == rule:
        return getattr(v, "ill_typed", None) is not True and _actual_type(v.value, rule)
    if rule == RDFS + "Literal":
        return True
    if rule == RDFS + "Datatype":
        return datatype is not None
    if datatype is None and v.language is None and rule == XSD + "string":
        return _actual_type(v.value, rule)
    return rule == RDF + "langString" and bool(v.language) and _actual_type(v.value, rule)


def _string_of(v: Node) -> str:
    from rdflib import Literal

    if isinstance(v, Literal) and v.value is not None and v.datatype in (None, RDF + "langString", XSD + "string"):
        return str(v.value)
    return str(v)


def order(value: Term, bound: Term) -> int | None:
    """How a value compares with a sh:min/maxIn/Exclusive bound for pyshacl; None if it cannot."""
    from rdflib import Literal

    v, b = _rdflib(value), _rdflib(bound)
    if not isinstance(v, Literal) or not isinstance(b, Literal):
        return None
    if isinstance(v.value, str) != isinstance(b.value, str):
        return None
    try:
        if v.eq(b):
            return 0
        if v.value.__class__ in (datetime.datetime, datetime.time):
            return 0 if v.value == b.value else (1 if v.value > b.value else -1)
        return 1 if v > b else -1
    except (TypeError, NotImplementedError):
        return None


def less(first: Term, second: Term, strict: bool) -> bool | None:
    """sh:lessThan (strict) and sh:lessThanOrEquals between two values, as pyshacl compares them."""
    from rdflib import BNode, Literal, URIRef

    a, b = _rdflib(first), _rdflib(second)
    if isinstance(a, BNode) or isinstance(b, BNode):
        return None

    def comparable(x: RdflibTerm) -> tuple[bool, str | RdflibTerm]:
        if isinstance(x, URIRef):
            return True, str(x)
        if isinstance(x, Literal) and isinstance(x.value, str):
            return True, x.value
        return False, x

    (a_string, a_key), (b_string, b_key) = comparable(a), comparable(b)
    if a_string != b_string:
        return False
    try:
        return bool(a_key < b_key) if strict else bool(a_key <= b_key)
    except TypeError:
        return None


class Exact:
    """The Python checks SPARQL calls, cached per validation run."""

    def __init__(self) -> None:
        self.patterns: list[re.Pattern[str]] = []
        self._cache: dict[tuple[object, ...], ox.Literal | None] = {}

    def pattern_index(self, regex: re.Pattern[str]) -> int:
        if regex not in self.patterns:
            self.patterns.append(regex)
        return self.patterns.index(regex)

    def _cached(self, key: tuple[object, ...], compute: Callable[[], bool | int | None]) -> ox.Literal | None:
        if key not in self._cache:
            result = compute()
            self._cache[key] = None if result is None else ox.Literal(result)
        return self._cache[key]

    # The value type is the one store.query asks for: a dict is invariant in it.
    def functions(self) -> dict[ox.NamedNode, Callable[..., Term | ox.Triple | None]]:
        def datatype(value: Term, rule: ox.NamedNode) -> ox.Literal | None:
            return self._cached(("d", value, rule), lambda: datatype_ok(value, rule.value))

        def pattern(value: Term, index: ox.Literal) -> ox.Literal | None:
            def compute() -> bool:
                if isinstance(value, ox.BlankNode):
                    return False
                text = _string_of(_rdflib(value))
                regex = self.patterns[int(index.value)]
                return bool(regex.match(text) or regex.search(text))
            return self._cached(("p", value, index), compute)

        def length(value: Term) -> ox.Literal | None:
            return self._cached(("l", value), lambda: None if isinstance(value, ox.BlankNode)
                                else len(_string_of(_rdflib(value))))

        def ordering(value: Term, bound: Term) -> ox.Literal | None:
            return self._cached(("o", value, bound), lambda: order(value, bound))

        def less_than(first: Term, second: Term, strict: ox.Literal) -> ox.Literal | None:
            return self._cached(("<", first, second, strict), lambda: less(first, second, strict.value == "true"))

        return {ox.NamedNode(FN + name): f for name, f in
                (("datatype", datatype), ("pattern", pattern), ("length", length), ("order", ordering),
                 ("less", less_than))}


# ---------------------------------------------------------------------------------------------
# Compilation
# ---------------------------------------------------------------------------------------------

Focus = Callable[[str], str]  # a group pattern that binds the given variable to the focus nodes


class Compiler:
    def __init__(self, model: ShapeModel, exact: Exact):
        self.model = model
        self.exact = exact
        self._n = 0

    def var(self, hint: str = "v") -> str:
        self._n += 1
        return f"?_{hint}{self._n}"

    def shape(self, node: Term) -> Shape:
        shape = self.model.shapes.get(node)
        if shape is None:
            raise Unsupported(f"{node} is not a shape")
        if shape.problems:
            raise Unsupported(f"{self.model.name(node)}: " + "; ".join(shape.problems))
        return shape

    # -- focus nodes ---------------------------------------------------------------------------

    def targets(self, shape: Shape) -> Focus:
        """The focus nodes of a shape's targets. Written inline, not as a DISTINCT sub-select:
        oxigraph then starts from them (five times faster); the queries drop duplicates."""
        def pattern(v: str) -> str:
            ways = []
            if shape.target_nodes:
                ways.append(f"VALUES {v} {{ {' '.join(term(n) for n in shape.target_nodes)} }}")
            ways += [f"{v} {INSTANCE_OF} {term(c)} ." for c in shape.target_classes]
            ways += [f"{v} {term(p)} {self.var('o')} ." for p in shape.subjects_of]
            ways += [f"{self.var('s')} {term(p)} {v} ." for p in shape.objects_of]
            return ways[0] if len(ways) == 1 else " UNION ".join(f"{{ {w} }}" for w in ways)
        pattern("?_probe")  # raise Unsupported now, not in the middle of a query
        return pattern

    def values_of(self, shape: Shape, focus: Focus) -> Focus:
        path = shape.property_path

        def pattern(v: str) -> str:
            f = self.var("f")
            return f"{{ {focus(f)} }} {walk(f, path, v, top=True)}"
        return pattern

    # -- nested conformance --------------------------------------------------------------------

    def conforms(self, node: Term, x: str) -> str:
        """A SPARQL test: does the node bound to x conform to the shape?"""
        if node in self.model.shapes and self.model.shapes[node].deactivated:
            return "true"
        shape = self.shape(node)
        tests = []
        value_tests = []
        if shape.path is None:
            tests += [c.ok(self, x) for c in shape.constraints if c.value_level]
        else:
            v = self.var("v")
            value_tests = [c.ok(self, v) for c in shape.constraints if c.value_level]
            if value_tests:
                tests.append(f"NOT EXISTS {{ {walk(x, shape.path, v)} FILTER(!{all_of(value_tests)}) }}")
        tests += [c.holds(self, x) for c in shape.constraints if not c.value_level]
        for p in shape.properties:
            if p not in self.model.shapes or self.model.shapes[p].path is None:
                raise Unsupported(f"sh:property {p} is not a property shape")
            if shape.path is None:
                tests.append(self.conforms(p, x))
            else:
                w = self.var("w")
                tests.append(f"NOT EXISTS {{ {walk(x, shape.path, w)} FILTER(!{self.conforms(p, w)}) }}")
        return all_of(tests)

    def at_least(self, x: str, path: Path, count: int, test: Callable[[str], str] | None = None) -> str:
        """A SPARQL test: does x have at least `count` distinct values (passing `test`) on the path?"""
        if count <= 0:
            return "true"
        if count > MAX_NESTED_COUNT:
            raise Unsupported(f"a count of {count} inside a nested shape")
        vs = [self.var("c") for _ in range(count)]
        patterns = " ".join(walk(x, path, v) for v in vs)
        conditions = [f"!sameTerm({a}, {b})" for i, a in enumerate(vs) for b in vs[i + 1:]]
        if test is not None:
            conditions += [test(v) for v in vs]
        condition = f" FILTER({all_of(conditions)})" if conditions else ""
        return f"EXISTS {{ {patterns}{condition} }}"

    # -- top level -----------------------------------------------------------------------------

    def checks(self, root: Shape) -> list[Check]:
        if root.deactivated:  # pyshacl reads nothing else of a deactivated shape
            return []
        focus = self.targets(self.shape(root.node))
        return list(self._shape_checks(root, focus))

    def _shape_checks(self, shape: Shape, focus: Focus) -> Iterator[Check]:
        if shape.deactivated:
            return
        shape = self.shape(shape.node)
        for constraint in shape.constraints:
            yield from constraint.checks(self, focus)
        for p in shape.properties:
            child = self.model.shapes.get(p)
            if child is None:
                raise Unsupported(f"sh:property {p} is not a shape")
            if child.path is None:
                raise Unsupported(f"sh:property {self.model.name(p)} is not a property shape")
            yield from self._shape_checks(child, focus if shape.path is None else self.values_of(shape, focus))


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShaclResult:
    """One validation result, as pyshacl would report it."""

    focus: Term
    value: Term | None
    path: Path | None
    component: str
    shape: Term
    shape_name: str
    severity: str
    messages: tuple[str, ...]
    source_constraint: Term | None = None


@dataclass
class ShaclReport:
    results: list[ShaclResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was not compiled and went to pyshacl
    fallback_shapes: list[Term] = field(default_factory=list)
    node_shapes: int = 0

    @property
    def conforms(self) -> bool:
        return not self.results


class Engine:
    """Validates the union of a store's graphs against a shapes graph."""

    def __init__(self, shapes: ShapesGraph):
        self.sg = shapes
        self.model = ShapeModel(shapes)
        self.exact = Exact()
        self._functions = self.exact.functions()
        self._messages: GenericMessages | None = None
        self._store: ox.Store | None = None

    def validate(self, store: ox.Store, *, fallback: bool = True) -> ShaclReport:
        if self.model.fatal:
            raise InputError(self.sg.source or "shapes",
                             "malformed shapes: " + "; ".join(sorted(set(self.model.fatal))))
        self.model.check_recursion()
        self._store, self._messages = store, None
        with _quiet_rdflib():
            return self._validate(store, fallback)

    def _validate(self, store: ox.Store, fallback: bool) -> ShaclReport:
        compiler = Compiler(self.model, self.exact)
        report = ShaclReport(node_shapes=self.model.node_shape_count())
        unsupported: list[Shape] = []
        for root in self.model.roots():
            try:
                checks = compiler.checks(root)
            except Unsupported as why:
                unsupported.append(root)
                report.notes.append(f"shape {self.model.name(root.node)} was validated by pyshacl: the SPARQL "
                                    f"engine does not compile {why}")
                continue
            for check in checks:
                report.results += self._run(store, check)
        if unsupported:
            report.fallback_shapes = [s.node for s in unsupported]
            if not fallback:
                raise Unsupported("; ".join(report.notes))
            report.results += pyshacl_results(store, self.sg, self.model, [s.node for s in unsupported])
        for note in report.notes:
            logging.getLogger("sezkg").warning(note)
        report.results.sort(key=_result_key)
        return report

    def _rows(self, store: ox.Store, sparql: str,
              substitutions: dict[ox.Variable, Term | ox.Triple] | None = None) -> Iterator[dict[str, Term]]:
        """The bound variables of each row."""
        try:
            solutions = store.query(sparql, use_default_graph_as_union=True, custom_functions=self._functions,
                                    substitutions=substitutions)
        except SyntaxError as exc:
            raise RuntimeError(f"the SHACL compiler wrote a query oxigraph cannot parse ({exc}):\n{sparql}") from None
        if not isinstance(solutions, ox.QuerySolutions):
            raise RuntimeError(f"a SHACL check that is not a SELECT query:\n{sparql}")
        names = [v.value for v in solutions.variables]
        for row in solutions:
            yield {n: t for n, t in zip(names, row, strict=True) if t is not None}

    def _run(self, store: ox.Store, check: Check) -> list[ShaclResult]:
        if isinstance(check.constraint, SparqlConstraint):
            return self._run_sparql(store, check, check.constraint)
        shape = check.shape
        results = []
        for row in self._rows(store, check.sparql):
            path = shape.path
            if check.path_var is not None and check.path_var in row:
                predicate = row[check.path_var]
                if not isinstance(predicate, ox.NamedNode):
                    raise RuntimeError(f"the SHACL compiler bound ?{check.path_var} to {predicate}, not a predicate")
                path = Path.predicate(predicate)
            results.append(self._result(shape, check.component, row["this"], row.get("value"), path))
        return results

    def _run_sparql(self, store: ox.Store, check: Check, constraint: SparqlConstraint) -> list[ShaclResult]:
        """Rows of an sh:select (the check's constraint) become results the way pyshacl reads them
        (?failure, ?path, ?value, message templates, duplicate rows dropped)."""
        shape = check.shape
        if check.per_focus is not None:
            focus = check.per_focus
            focus_nodes = [row["this"]
                           for row in self._rows(store, f"SELECT DISTINCT ?this WHERE {{ {focus('?this')} }}")]
            rows = [(f, row) for f in focus_nodes
                    for row in self._rows(store, check.sparql, {ox.Variable("this"): f})]
        else:
            rows = [(row["this"], row) for row in self._rows(store, check.sparql)]
        results, seen, failed = [], set(), set()
        for f, bound in rows:
            if "failure" in bound:
                if f in failed:
                    continue
                failed.add(f)
                this, path, value = None, None, None
                variables: dict[str, Term | None] = {k: v for k, v in bound.items() if k != "failure"}
            else:
                path, value = bound.pop("path", None), bound.pop("value", None)
                this = bound.pop("this", None)
                if not constraint.query.projects_this:
                    this = None  # pyshacl only knows $this if the query selects it
                if path is None and value is None and this is None:
                    continue
                key = (f, this, path, value, tuple(sorted(bound.items(), key=lambda kv: kv[0])))
                if key in seen:
                    continue
                seen.add(key)
                variables = {**bound, "this": this, "path": path, "value": value if value is not None else (
                    f if shape.path is None else None)}
            if value is None and shape.path is None:
                value = f
            messages = {_fill(m.value, variables) for m in (*constraint.messages, *shape.messages)}
            result_path = Path.predicate(path) if isinstance(path, ox.NamedNode) else shape.path
            results.append(ShaclResult(this or f, value, result_path, check.component, shape.node,
                                       self.model.name(shape.node), shape.severity, tuple(sorted(messages)),
                                       constraint.parameter))
        return results

    def _result(self, shape: Shape, component: str, focus: Term, value: Term | None, path: Path | None) -> ShaclResult:
        messages = tuple(sorted({m.value for m in shape.messages}))
        if not messages:
            generic = self.generic_messages().message(shape, component, focus, value)
            messages = (generic,) if generic else ()
        return ShaclResult(focus, value, path, component, shape.node, self.model.name(shape.node), shape.severity,
                           messages)

    def generic_messages(self) -> GenericMessages:
        if self._messages is None:
            if self._store is None:
                raise RuntimeError("pyshacl's messages print nodes of the data: validate a store first")
            self._messages = GenericMessages(self.sg, self.model, self._store)
        return self._messages


class _RdflibNoise(logging.Filter):
    """rdflib logs a traceback for every ill-typed literal it meets; judging them is our job here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    noise = _RdflibNoise()
    logger = logging.getLogger("rdflib.term")
    logger.addFilter(noise)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Parsing weird boolean")
            yield
    finally:
        logger.removeFilter(noise)


def _fill(message: str, variables: dict[str, Term | None]) -> str:
    """pyshacl's {?var} / {$var} templates in messages of SPARQL constraints."""
    for name, value in variables.items():
        if value is not None:
            message = re.sub(r"\{[?$]" + re.escape(name) + r"\}", str(_rdflib(value)).replace("\\", "\\\\"), message)
    return message


def _result_key(r: ShaclResult) -> tuple[str, str, str, str, str, tuple[str, ...]]:
    return (str(r.focus), r.shape_name, r.component, r.path.text if r.path else "", str(r.value), r.messages)


def validate_store(store: ox.Store, shapes: ShapesGraph, *, fallback: bool = True) -> ShaclReport:
    return Engine(shapes).validate(store, fallback=fallback)


# ---------------------------------------------------------------------------------------------
# pyshacl, for the shapes the compiler leaves out
# ---------------------------------------------------------------------------------------------


@contextmanager
def refuse_recursion(shapes_path: FilePath | str) -> Iterator[None]:
    """pyshacl meets a recursive shape with a warning and a silent pass; we make it an error.

    It warns through `warnings` (ShapeRecursionWarning) and, in places, through its logger:
    both are watched.
    """
    from pyshacl.errors import ShapeRecursionWarning

    logged: list[str] = []

    class Watch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "recurs" in record.getMessage().lower():
                logged.append(record.getMessage())

    handler = Watch(level=logging.WARNING)
    logger = logging.getLogger("pyshacl")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        logger.removeHandler(handler)
    found = logged + [str(w.message).splitlines()[0] for w in caught
                      if isinstance(w.message, ShapeRecursionWarning) or "recurs" in str(w.message).lower()]
    if found:
        raise InputError(shapes_path, "recursive SHACL shape met while validating (a pass would mean nothing): "
                         + "; ".join(sorted(set(found))))


def shapes_as_rdflib(sg: ShapesGraph, keep_targets: set[Term] | None = None) -> Graph:
    """The shapes graph for pyshacl; with keep_targets, only those shapes keep their targets."""
    from rdflib import Graph

    from ..kg.convert import to_rdflib

    graph = Graph()
    for prefix, namespace in sg.prefixes.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    class_like = {ox.NamedNode(RDFS + "Class"), *sg.subjects(RDFS + "subClassOf", ox.NamedNode(RDFS + "Class"))}
    for s, p, o in sg.triples:
        targeting = p.value in TARGET_PREDICATES or (p == RDF_TYPE and o in class_like)
        if keep_targets is not None and s not in keep_targets and targeting:
            continue
        graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return graph


def pyshacl_results(store: ox.Store, sg: ShapesGraph, model: ShapeModel, roots: list[Term]) -> list[ShaclResult]:
    """Run pyshacl on the union of the store's graphs for the given shapes only."""
    from pyshacl import validate as pyshacl_validate

    from ..kg.convert import triples_to_graph

    data = triples_to_graph(store.quads_for_pattern(None, None, None, None))
    shapes = shapes_as_rdflib(sg, set(roots))
    source = sg.source or "shapes"
    try:
        with refuse_recursion(source):
            _, report, _ = pyshacl_validate(data, shacl_graph=shapes, inference="none", abort_on_first=False,
                                            allow_warnings=False, inplace=True)
    except InputError:
        raise
    except Exception as exc:  # pyshacl's own errors about malformed shapes
        raise InputError(source, f"pyshacl cannot validate these shapes: {str(exc).splitlines()[0]}") from None
    return results_from_report(report, sg, model)


def results_from_report(report: Graph, sg: ShapesGraph, model: ShapeModel) -> list[ShaclResult]:
    """pyshacl's report graph as results (only the report's own results: sh:detail repeats them)."""
    from rdflib.namespace import SH as RSH

    from ..kg.convert import to_oxigraph

    results = []
    for r in report.objects(None, RSH.result):
        def one(p: URIRef, r: Node = r) -> Node | None:
            return report.value(r, p)

        def required(p: URIRef) -> Node:
            found = one(p)
            if found is None:
                raise ValueError(f"a result of pyshacl's report without {p}")
            return found

        shape_node = to_oxigraph(required(RSH.sourceShape))
        path_node = one(RSH.resultPath)
        path: Path | None = None
        if path_node is not None:
            path_term = to_oxigraph(path_node)
            shape = model.shapes.get(shape_node)
            if isinstance(path_term, ox.NamedNode):
                path = Path.predicate(path_term)
            elif shape is not None and shape.path is not None and shape.path.node == path_term:
                path = shape.path
            else:
                path = parse_path(sg, path_term)
        value = one(RSH.value)
        constraint = one(RSH.sourceConstraint)
        results.append(ShaclResult(
            to_oxigraph(required(RSH.focusNode)), to_oxigraph(value) if value is not None else None, path,
            str(one(RSH.sourceConstraintComponent)), shape_node, model.name(shape_node),
            str(one(RSH.resultSeverity)), tuple(sorted({str(m) for m in report.objects(r, RSH.resultMessage)})),
            to_oxigraph(constraint) if constraint is not None else None))
    results.sort(key=_result_key)
    return results


# ---------------------------------------------------------------------------------------------
# pyshacl's own messages, for shapes without sh:message
# ---------------------------------------------------------------------------------------------


def _printed(node: Term | None) -> Term:
    """A node that a message prints: only the results that have one print it."""
    if node is None:
        raise TypeError("a message prints a node that its result does not have")
    return node


class GenericMessages:
    """The text pyshacl gives a result when its shape has no sh:message (rendered with pyshacl's
    own node printer; sets that pyshacl prints in hash order are printed sorted here)."""

    def __init__(self, sg: ShapesGraph, model: ShapeModel, store: ox.Store):
        from pyshacl.rdfutil.stringify import stringify_blank_node, stringify_node
        from rdflib import Graph

        self.stringify = stringify_node
        # pyshacl caches printed blank nodes by id(graph); a new graph may reuse a freed one's id.
        getattr(stringify_blank_node, "dict_cache", {}).clear()
        self.model = model
        self.store = store
        self.shapes_graph = shapes_as_rdflib(sg)
        self.data_graph = Graph()  # pyshacl prints data nodes with a fresh graph's prefixes

    def s(self, node: Term | None) -> str:
        return self.stringify(self.shapes_graph, _rdflib(_printed(node)))

    def d(self, node: Term | None) -> str:
        node = _printed(node)
        graph = self.data_graph
        if isinstance(node, ox.BlankNode):  # pyshacl prints a blank node by what the data says of it
            from rdflib import Graph

            graph = Graph()
            todo, seen = [node], set()
            while todo:
                subject = todo.pop()
                seen.add(subject)
                for q in self.store.quads_for_pattern(subject, None, None, None):
                    graph.add((_rdflib(q.subject), _rdflib(q.predicate), _rdflib(q.object)))
                    if isinstance(q.object, ox.BlankNode) and q.object not in seen:
                        todo.append(q.object)
        try:
            return self.stringify(graph, _rdflib(node))
        except (LookupError, ValueError):
            return str(_rdflib(node))

    def message(self, shape: Shape, component: str, focus: Term, value: Term | None) -> str | None:
        name = component.removeprefix(SH).removesuffix("ConstraintComponent")
        sg = self.model.sg
        def params(p: str) -> list[Term]:
            return sg.objects(shape.node, SH + p)

        def has_values() -> list[str]:
            return [self.s(v) for v in params("hasValue")]

        path = self.s(shape.path.node) if shape.path is not None else None
        on = f"{self.d(focus)}->{path}" if path else self.d(focus)

        def listed(p: str, word: str, single: str) -> str:
            values = params(p)
            if len(values) < 2:
                return single.format(self.s(values[0]))
            return word.format(", ".join(self.s(v) for v in values))

        def shape_lists(p: str) -> str:
            heads = params(p)
            groups = [" , ".join(self.s(m) for m in sg.items(h) or []) for h in heads]
            return groups[0] if len(groups) < 2 else " and ".join(f"({g})" for g in groups)

        texts: dict[str, Callable[[], str]] = {
            "MinCount": lambda: f"Less than {params('minCount')[0].value} values on {on}",
            "MaxCount": lambda: f"More than {params('maxCount')[0].value} values on {on}",
            "Class": lambda: listed("class", "Value class is not in classes ({})", "Value does not have class {}"),
            "Datatype": lambda: f"Value is not Literal with datatype {self.s(params('datatype')[0])}",
            "NodeKind": lambda: f"Value is not of Node Kind {self.s(params('nodeKind')[0])}",
            "MinExclusive": lambda: listed("minExclusive", "Value is not > in ({})", "Value is not > {}"),
            "MinInclusive": lambda: listed("minInclusive", "Value is not >= in ({})", "Value is not >= {}"),
            "MaxExclusive": lambda: listed("maxExclusive", "Value is not < in ({})", "Value is not < {}"),
            "MaxInclusive": lambda: listed("maxInclusive", "Value is not <= in ({})", "Value is not <= {}"),
            "MinLength": lambda: f"String length not >= {self.d(params('minLength')[0])}",
            "MaxLength": lambda: f"String length not <= {self.d(params('maxLength')[0])}",
            "Pattern": lambda: (f"Value does not match pattern '{params('pattern')[0].value}'"
                                if len(params('pattern')) < 2
                                else "Value does not match every pattern in ('{}')".format(
                                    "', '".join(p.value for p in params('pattern')))),
            "LanguageIn": lambda: f"String language is not in {self.s(params('languageIn')[0])}",
            "UniqueLang": lambda: "More than one String shares the same Language",
            "In": lambda: "Value {} not in list {}".format(
                self.d(value), [self.s(m) for m in sg.items(params("in")[0]) or []]),
            "HasValue": lambda: (f"Node {on} does not contain a value in the set: {has_values()}" if path else
                                 f"Node {on} value is not a in the set of values: {has_values()}"),
            "Node": lambda: ((f"Value does not conform to Shape {self.s(params('node')[0])}" if len(params("node")) < 2
                              else "Value must conform to every Shape in ('{}')".format(
                                  "', '".join(self.s(n) for n in params("node"))))
                             + ". See details for more information."),
            "Not": lambda: (f"Node {self.d(value)} must not conform to shape {self.s(params('not')[0])}"
                            if len(params("not")) == 1 else
                            f"Node {self.d(value)} must not conform to any shapes in "
                            + " , ".join(self.s(n) for n in params("not"))),
            "And": lambda: f"Node {self.d(value)} must conform to all shapes in {shape_lists('and')}",
            "Or": lambda: f"Node {self.d(value)} must conform to one or more shapes in {shape_lists('or')}",
            "Xone": lambda: f"Node {self.d(value)} must conform to exactly one shape in {shape_lists('xone')}",
            "Equals": lambda: f"Value of {self.d(focus)}->{self._pair('equals', shape)} != {self.d(value)}",
            "Disjoint": lambda: f"Value of {self.d(focus)}->{self._pair('disjoint', shape)} == {self.d(value)}",
            "LessThan": lambda: f"Value of {self.d(focus)}->{self._pair('lessThan', shape)} <= {self.d(value)}",
            "LessThanOrEquals": lambda: (f"Value of {self.d(focus)}->{self._pair('lessThanOrEquals', shape)} "
                                         f"< {self.d(value)}"),
            "QualifiedMinCount": lambda: self._qualified(shape),
            "QualifiedMaxCount": lambda: self._qualified(shape),
            "Closed": lambda: f"Node {self.d(focus)} is closed. It cannot have value: {self.d(value)}",
        }
        make = texts.get(name)
        return make() if make else None

    def _pair(self, parameter: str, shape: Shape) -> str:
        return ", ".join(self.s(p) for p in self.model.sg.objects(shape.node, SH + parameter))

    def _qualified(self, shape: Shape) -> str:
        sg = self.model.sg
        value_shapes = sg.objects(shape.node, SH + "qualifiedValueShape")
        count = ""
        for word, p in (("MinCount", "qualifiedMinCount"), ("MaxCount", "qualifiedMaxCount")):
            if sg.objects(shape.node, SH + p):
                count += f" {word} {sg.objects(shape.node, SH + p)[0].value}"
        names = ",".join(self.s(v) for v in value_shapes)
        if len(value_shapes) > 1:
            return f"Focus node does not conform to shapes{count}: ({names})"
        return f"Focus node does not conform to shape{count}: {names}"
