"""The SKOS concept schemes, kept as tables and written out as `ontology/schemes.ttl`.

Every concept of every scheme repeats the same nine triples (two labels, two definitions,
scheme, top concept, defined by, types), so the schemes live as rows of CSV in
`ontology/schemes/` -- in the manner of ROBOT templates -- and this module writes the Turtle:

    schemes.csv       scheme, section, label, comment
    concepts.csv      scheme, concept, types, label, definition, broader
    labels.csv        scheme, concept, lang, label   (names in other languages than English)
    collections.csv   collection, label, comment, members
    header.ttl.in     the prefixes and the owl:Ontology block, as they are

`concept` is the last segment of the concept's IRI (`<scheme IRI>/<concept>`); `types` are
extra classes as `sez:` or `org:` names; `broader` and `members` name concepts of the same
scheme, or `scheme/concept`. A concept without `broader` is a top concept of its scheme.

    python -m sezkg.kg.schemes            # write ontology/schemes.ttl
    python -m sezkg.kg.schemes --check    # exit 1 if ontology/schemes.ttl is not what the tables give

The loader reads the Turtle as before, with the same strictness; the tables are checked here
as strictly, and a bad row stops the build with its file and line. The Turtle is generated at
build time rather than the loader reading CSV so that the ontology stays one standard file
any RDF tool opens; tests/test_schemes.py holds the committed file to the tables.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

BASE = "https://w3id.org/sezkg/scheme"
DEFINED_BY = f"<{BASE}>"
TYPE_PREFIXES = {"sez": "https://w3id.org/sezkg/ontology#", "org": "http://www.w3.org/ns/org#"}
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
COLUMNS = {
    "schemes.csv": ["scheme", "section", "label", "comment"],
    "concepts.csv": ["scheme", "concept", "types", "label", "definition", "broader"],
    "collections.csv": ["collection", "label", "comment", "members"],
    "labels.csv": ["scheme", "concept", "lang", "label"],
}
# The languages of the KG's names besides English (the pages switch between the three).
OTHER_LANGS = ("ru", "kk")


@dataclass
class Concept:
    scheme: str
    slug: str
    types: list[str]
    label: str
    definition: str
    broader: list[str]
    other_labels: dict[str, str] = field(default_factory=dict)  # language -> label

    @property
    def iri(self) -> str:
        return f"{BASE}/{self.scheme}/{self.slug}"


@dataclass
class Scheme:
    slug: str
    section: str
    label: str
    comment: str
    concepts: list[Concept] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return f"{BASE}/{self.slug}"


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames != COLUMNS[path.name]:
        wanted, found = ",".join(COLUMNS[path.name]), ",".join(reader.fieldnames or [])
        raise InputError(path, f"the header must be {wanted}, not {found}", 1)
    rows = []
    for row in reader:
        line = reader.line_num
        if None in row or any(v is None for v in row.values()):
            raise InputError(path, f"expected {len(COLUMNS[path.name])} columns", line)
        for key, value in row.items():
            if value != value.strip():
                raise InputError(path, f"{key}: leading or trailing space in {value!r}", line)
        rows.append((line, row))
    return rows


def _text(path: Path, line: int, row: dict[str, str], *keys: str) -> None:
    for key in keys:
        if not row[key]:
            raise InputError(path, f"{key} is empty", line)
        if any(c in row[key] for c in "\n\r\t"):
            raise InputError(path, f"{key}: no line breaks or tabs in a label or text", line)


def read_tables(folder: Path) -> tuple[list[Scheme], list[tuple[str, str, str, list[str]]]]:
    """The schemes with their concepts, and the collections, checked row by row."""
    schemes: dict[str, Scheme] = {}
    path = folder / "schemes.csv"
    for line, row in _rows(path):
        if not _SLUG.fullmatch(row["scheme"]):
            raise InputError(path, f"scheme {row['scheme']!r} is not a lower-case slug", line)
        if row["scheme"] in schemes:
            raise InputError(path, f"scheme {row['scheme']!r} appears twice", line)
        _text(path, line, row, "section", "label", "comment")
        schemes[row["scheme"]] = Scheme(row["scheme"], row["section"], row["label"], row["comment"])
    concepts: dict[str, Concept] = {}
    path = folder / "concepts.csv"
    rows = _rows(path)
    for line, row in rows:
        if row["scheme"] not in schemes:
            raise InputError(path, f"unknown scheme {row['scheme']!r} (schemes.csv has {', '.join(schemes)})", line)
        if not _SLUG.fullmatch(row["concept"]):
            raise InputError(path, f"concept {row['concept']!r} is not a lower-case slug", line)
        _text(path, line, row, "label", "definition")
        types = row["types"].split()
        for t in types:
            prefix, _, local = t.partition(":")
            if prefix not in TYPE_PREFIXES or not re.fullmatch(r"[A-Z][A-Za-z]*", local):
                raise InputError(path, f"type {t!r}: give a class as sez:Name or org:Name", line)
        concept = Concept(row["scheme"], row["concept"], types, row["label"], row["definition"], row["broader"].split())
        if concept.iri in concepts:
            raise InputError(path, f"concept {row['scheme']}/{row['concept']} appears twice", line)
        concepts[concept.iri] = concept
        schemes[row["scheme"]].concepts.append(concept)
    for line, row in rows:
        for b in row["broader"].split():
            target = f"{BASE}/{row['scheme']}/{b}"
            if target not in concepts:
                raise InputError(path, f"broader concept {b!r} is not a concept of scheme {row['scheme']!r}", line)
            if b == row["concept"]:
                raise InputError(path, f"concept {b!r} cannot be broader than itself", line)
    path = folder / "labels.csv"
    seen_labels: dict[tuple[str, str, str], int] = {}  # (scheme, lang, label) -> line
    for line, row in _rows(path):
        named = concepts.get(f"{BASE}/{row['scheme']}/{row['concept']}")
        if named is None:
            raise InputError(path, f"{row['scheme']}/{row['concept']} is not a concept of concepts.csv", line)
        if row["lang"] not in OTHER_LANGS:
            raise InputError(path, f"lang {row['lang']!r}: give one of {', '.join(OTHER_LANGS)}", line)
        _text(path, line, row, "label")
        if row["lang"] in named.other_labels:
            raise InputError(path, f"{row['scheme']}/{row['concept']} has a {row['lang']} label already", line)
        key = (row["scheme"], row["lang"], row["label"].casefold())
        if key in seen_labels:
            raise InputError(path, f"the {row['lang']} label {row['label']!r} names another concept of "
                                   f"{row['scheme']} too (line {seen_labels[key]})", line)
        seen_labels[key] = line
        named.other_labels[row["lang"]] = row["label"]
    collections = []
    path = folder / "collections.csv"
    for line, row in _rows(path):
        if not _SLUG.fullmatch(row["collection"]) or row["collection"] in schemes:
            raise InputError(path, f"collection {row['collection']!r} must be a new lower-case slug", line)
        _text(path, line, row, "label", "comment", "members")
        members = []
        for m in row["members"].split():
            if f"{BASE}/{m}" not in concepts:
                raise InputError(path, f"member {m!r} is not a concept (give scheme/concept)", line)
            members.append(f"{BASE}/{m}")
        collections.append((row["collection"], row["label"], row["comment"], members))
    return list(schemes.values()), collections


def _lit(text: str, lang: str = "en") -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + f'"@{lang}'


def _list(iris: list[str]) -> str:
    return " ,\n        ".join(f"<{i}>" for i in iris)


def to_turtle(folder: Path) -> str:
    header = (folder / "header.ttl.in").read_text(encoding="utf-8").rstrip("\n")
    schemes, collections = read_tables(folder)
    out = [header, "",
           "# Generated from ontology/schemes/*.csv by `python -m sezkg.kg.schemes`: edit the tables, not this file.",
           ""]
    rule = "#" * 65
    for s in schemes:
        tops = [c.iri for c in s.concepts if not c.broader]
        out += [rule, f"#    {s.section}", rule, "", f"<{s.iri}>", "    a skos:ConceptScheme ;",
                f"    skos:prefLabel {_lit(s.label)} ;", f"    rdfs:label {_lit(s.label)} ;",
                f"    rdfs:comment {_lit(s.comment)} ;", f"    rdfs:isDefinedBy {DEFINED_BY}"
                + (f" ;\n    skos:hasTopConcept {_list(tops)} ." if tops else " ."), ""]
        for c in s.concepts:
            types = "".join(f" , <{TYPE_PREFIXES[t.split(':')[0]]}{t.split(':')[1]}>" for t in c.types)
            place = (f"    skos:topConceptOf <{s.iri}> ;" if not c.broader
                     else f"    skos:broader {_list([f'{BASE}/{s.slug}/{b}' for b in c.broader])} ;")
            others = [(lang, c.other_labels[lang]) for lang in OTHER_LANGS if lang in c.other_labels]
            out += [f"<{c.iri}>", f"    a skos:Concept{types} ;", f"    skos:prefLabel {_lit(c.label)} ;",
                    f"    rdfs:label {_lit(c.label)} ;",
                    *(f"    skos:prefLabel {_lit(text, lang)} ;\n    rdfs:label {_lit(text, lang)} ;"
                      for lang, text in others),
                    f"    skos:definition {_lit(c.definition)} ;",
                    f"    rdfs:comment {_lit(c.definition)} ;", f"    skos:inScheme <{s.iri}> ;", place,
                    f"    rdfs:isDefinedBy {DEFINED_BY} .", ""]
    if collections:
        out += [rule, "#    collections (read by queries, e.g. self-oversight)", rule, ""]
        for slug, label, comment, members in collections:
            out += [f"<{BASE}/{slug}>", "    a skos:Collection ;", f"    skos:prefLabel {_lit(label)} ;",
                    f"    rdfs:label {_lit(label)} ;", f"    rdfs:comment {_lit(comment)} ;",
                    f"    rdfs:isDefinedBy {DEFINED_BY} ;", f"    skos:member {_list(members)} .", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    from .files import write_atomic
    from .resources import default_files

    args = sys.argv[1:] if argv is None else argv
    ontology = default_files().ontology
    try:
        text = to_turtle(ontology / "schemes")
    except InputError as exc:
        print(f"sezkg: error: {exc}", file=sys.stderr)
        return 2
    target = ontology / "schemes.ttl"
    current = target.read_text(encoding="utf-8") if target.exists() else ""
    if "--check" in args:
        if current != text:
            print(f"{target}: differs from the tables in {ontology / 'schemes'}", file=sys.stderr)
            return 1
        return 0
    if current != text:
        write_atomic(target, text.encode("utf-8"))
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
