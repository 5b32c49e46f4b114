"""Query templates: the date arithmetic the catalogue repeats, written once.

SPARQL has no functions of its own, so a query that compares dates of any precision (a year,
a month or a day) spells out, for every date it reads, the first or last day that date
covers as a yyyymmdd integer. The catalogue's `.rq` files stay plain SPARQL that runs on any
endpoint; the ones with that arithmetic are generated from `queries/templates/NAME.rq.in`,
where `{{first ?x}}` and `{{last ?x}}` stand for it, and a line `{{name-on-date ?x}}` for the
name a renamed body bore on the asked date:

    python -m sezkg.questions.templates            # rewrite queries/*.rq from the templates
    python -m sezkg.questions.templates --check    # exit 1 if a .rq differs from its template

`tests/test_query_templates.py` holds every generated file to its template, so a hand edit of
a generated file is caught.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_MACRO = re.compile(r"\{\{(first|last) (\?[A-Za-z_][A-Za-z0-9_]*)\}\}")
SUFFIX = ".rq.in"
# A line `{{name-on-date ?x}}`: the OPTIONAL that binds ?nameThen, the English name the body ?x
# bore on the asked date (?date, its bounds ?dS and ?dE): a dated name whose interval meets the
# date, unless a later name was already in use (valid from or attested) by then, or an earlier
# one still in use after it. Each name's bounds are worked out once, apart from the date.
_NAME_ON_DATE = re.compile(r"^  \{\{name-on-date (\?[A-Za-z_][A-Za-z0-9_]*)\}\}\n", re.MULTILINE)
_NAME_ON_DATE_BLOCK = "\n".join((
    "  # {var}'s name on the date: a dated name whose interval meets it, unless a later name was",
    "  # already in use (valid from or attested) by then, or an earlier one still in use after it.",
    "  # Each name's bounds are worked out once, apart from the date, and compared with it here.",
    "  OPTIONAL {",
    "    { SELECT {var} ?nameThen (MIN(?nS0) AS ?nS) (MAX(?nE0) AS ?nE) (MIN(?laterS0) AS ?laterS)"
    " (MAX(?earlierE0) AS ?earlierE) WHERE {",
    "      {var} sez:hasName ?name .",
    "      ?name rdfs:label ?nameThen FILTER(LANGMATCHES(LANG(?nameThen), \"en\"))",
    "      OPTIONAL { ?name sez:validFrom ?nameFrom } OPTIONAL { ?name sez:validUntil ?nameUntil }",
    "      BIND(COALESCE({{first ?nameFrom}}, 0) AS ?nS0)",
    "      BIND(COALESCE({{last ?nameUntil}}, 99999999) AS ?nE0)",
    "      OPTIONAL {",
    "        ?later sez:followsName+ ?name .",
    "        { ?later sez:validFrom ?laterFrom BIND({{first ?laterFrom}} AS ?laterS0) }",
    "        UNION { ?later sez:attestedOn ?laterSeen BIND({{last ?laterSeen}} AS ?laterS0) }",
    "      }",
    "      OPTIONAL {",
    "        ?name sez:followsName+ ?earlier .",
    "        { ?earlier sez:validUntil ?earlierUntil BIND({{last ?earlierUntil}} AS ?earlierE0) }",
    "        UNION { ?earlier sez:attestedOn ?earlierSeen BIND({{first ?earlierSeen}} AS ?earlierE0) }",
    "      }",
    "    } GROUP BY {var} ?name ?nameThen ORDER BY {var} ?nameThen }",
    "    FILTER(BOUND(?date) && ?nS <= ?dE && ?dS <= ?nE && (!BOUND(?laterS) || ?laterS > ?dS) &&"
    " (!BOUND(?earlierE) || ?earlierE < ?dE))",
    "  }",
    "",
))


def first_day(var: str) -> str:
    """The first day a date of any precision covers, as a yyyymmdd integer (2015 -> 20150101)."""
    return (f'xsd:integer(CONCAT(SUBSTR(STR({var}), 1, 4), IF(DATATYPE({var}) = xsd:gYear, "0101", '
            f'IF(DATATYPE({var}) = xsd:gYearMonth, CONCAT(SUBSTR(STR({var}), 6, 2), "01"), '
            f'CONCAT(SUBSTR(STR({var}), 6, 2), SUBSTR(STR({var}), 9, 2))))))')


def last_day(var: str) -> str:
    """The last day it covers (2015 -> 20151231; a month ends on its 31st for comparisons)."""
    return (f'xsd:integer(CONCAT(SUBSTR(STR({var}), 1, 4), IF(DATATYPE({var}) = xsd:gYear, "1231", '
            f'IF(DATATYPE({var}) = xsd:gYearMonth, CONCAT(SUBSTR(STR({var}), 6, 2), "31"), '
            f'CONCAT(SUBSTR(STR({var}), 6, 2), SUBSTR(STR({var}), 9, 2))))))')


def expand(template: str) -> str:
    template = _NAME_ON_DATE.sub(lambda m: _NAME_ON_DATE_BLOCK.replace("{var}", m.group(1)), template)
    return _MACRO.sub(lambda m: first_day(m.group(2)) if m.group(1) == "first" else last_day(m.group(2)), template)


def contract(text: str) -> str:
    """The template of a generated query: each spelled-out date bound back to its macro."""
    pattern = re.compile(re.escape(first_day("?VAR")).replace(re.escape("?VAR"), r"(\?[A-Za-z_][A-Za-z0-9_]*)"))
    text = pattern.sub(lambda m: "{{first " + m.group(1) + "}}", text)
    pattern = re.compile(re.escape(last_day("?VAR")).replace(re.escape("?VAR"), r"(\?[A-Za-z_][A-Za-z0-9_]*)"))
    return pattern.sub(lambda m: "{{last " + m.group(1) + "}}", text)


def generated(queries: Path) -> dict[Path, str]:
    """Each generated .rq with the text its template gives."""
    return {queries / (t.name[: -len(SUFFIX)] + ".rq"): expand(t.read_text(encoding="utf-8"))
            for t in sorted((queries / "templates").glob("*" + SUFFIX))}


def main(argv: list[str] | None = None) -> int:
    from ..kg.files import write_atomic
    from ..kg.resources import default_files

    args = sys.argv[1:] if argv is None else argv
    queries = default_files().queries
    stale = [p for p, text in generated(queries).items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    if "--check" in args:
        for p in stale:
            print(f"{p}: differs from its template {queries / 'templates' / (p.stem + SUFFIX)}", file=sys.stderr)
        return 1 if stale else 0
    for p, text in generated(queries).items():
        if p in stale:
            write_atomic(p, text.encode("utf-8"))
            print(f"wrote {p}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
