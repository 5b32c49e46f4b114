"""sezkg queries and sezkg query."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..errors import EXIT_OK, EXIT_VIOLATIONS, InputError, UsageError
from .common import data_option, endpoint_options, lang_option, runner, text

TYPE_CHECKING = False  # not `from typing`: see sezkg.cli (start-up time)
if TYPE_CHECKING:
    from ..kg.rows import Rows
    from ..questions.catalogue import Param, Params
    from ..questions.catalogue import Query as CatalogueQuery
    from ..questions.endpoint import Runner

EXAMPLE = "sezkg queries zone-governors   # or: sezkg queries incentive"

ROW_FORMATS = ("table", "csv", "json", "markdown")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", type=text("the query name or word", "leave it out to list every query"),
                        help="a query name for its details, or a word to search titles and questions")


def describe(query: CatalogueQuery) -> str:
    """A query for people: its question, each parameter with its type and default, an example."""
    lines = [f"{query.name}: {query.title}", f"  {query.question}"]
    for p in query.params:
        default = f" (default {p.default})" if p.default else ""
        lines.append(f"  --param {p.name}=<{p.kind}>{default}  {p.doc}")
    example = " ".join(f"--param {p.name}={_example(p)}" for p in query.params[:2])
    lines.append(f"  example: sezkg query {query.name} {example}".rstrip())
    return "\n".join(lines)


EXAMPLE_BY_NAME = {"function": "investment-promotion", "zone": "saryarka", "organisation": "\"Kazakh Invest\"",
                   "holder": "kazakh-invest", "region": "karaganda-region", "country": "china", "subject": "saryarka",
                   "measure": "zone-count", "tier": "\"Category B\"", "lang": "ru", "kind": "conflict"}
EXAMPLE_BY_TYPE = {"when": "2024", "gyear": "2030", "date": "2024-01-01", "string": "text", "decimal": "40",
                   "integer": "1", "boolean": "true"}


def _example(param: Param) -> str:
    return EXAMPLE_BY_NAME.get(param.name) or EXAMPLE_BY_TYPE.get(param.type, "saryarka")


def run(args: argparse.Namespace) -> int:
    from ..questions.catalogue import catalogue

    queries = catalogue()
    if args.name in queries:
        print(describe(queries[args.name]))
        return EXIT_OK
    word = (args.name or "").casefold()
    chosen = [q for q in queries.values()
              if not word or word in f"{q.name} {q.title} {q.question} {' '.join(p.doc for p in q.params)}".casefold()]
    if not chosen:
        raise UsageError(f"no query matches {args.name!r}; `sezkg queries` lists them all")
    for query in chosen:
        params = ", ".join(f"{p.name} ({p.kind})" for p in query.params) or "no parameters"
        print(f"{query.name}\n  {query.question}\n  parameters: {params}")
    return EXIT_OK


class Query:
    EXAMPLE = "sezkg query zone-governors --param zone=saryarka --param date=2024"

    @staticmethod
    def add_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("name", help="query name (see `sezkg queries`), or a .rq file of your own read-only SPARQL")
        parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                            help="bind a parameter (repeatable); the value is typed as the query declares. "
                                 "An iri or string parameter given several times answers for each value "
                                 "(--param zone=saryarka --param zone=pavlodar)")
        parser.add_argument("--format", choices=ROW_FORMATS, default="table")
        parser.add_argument("--iris", action="store_true", help="raw identifiers only, no labels (for scripts)")
        lang_option(parser)
        endpoint_options(parser)
        data_option(parser)

    @staticmethod
    def run(args: argparse.Namespace) -> int:
        from ..questions.catalogue import catalogue, run_select
        from ..questions.names import resolve_params
        from ..questions.overlaps import labels
        from ..views.text import rows_text

        queries = catalogue()
        own = args.name.endswith(".rq") or ("/" in args.name and args.name not in queries)
        if own:
            query = own_query(Path(args.name))
        elif args.name not in queries:
            raise UsageError(f"no query named {args.name!r}; `sezkg queries` lists them, or give a .rq file")
        else:
            query = queries[args.name]
        given = params(args.param, query)
        source = runner(args)
        bound = resolve_params(source, query, given)
        rows = _own_select(source, query, bound) if own else run_select(source, query, bound)
        names = None if args.iris else labels(source, queries, args.lang)
        sys.stdout.write(rows_text(rows.variables, rows, args.format, names, iris=args.iris))
        return EXIT_VIOLATIONS if query.is_violation and rows else EXIT_OK


# What Oxigraph 0.5.13 prints when a sort's comparison is not a total order, and then aborts the
# process: ORDER BY over values it cannot all compare (numbers beside text, say).
_SORT_PANIC = "does not correctly implement a total order"


def _own_select(source: Runner, query: CatalogueQuery, params: Params) -> Rows:
    """A user's own query, run on the embedded store in a forked child where one can be (see
    sezkg.kg.beside): pyoxigraph 0.5.13 aborts the whole process, with a Rust backtrace, on
    some ORDER BY over values of mixed types (`ORDER BY ?o` over every object of the bundled
    KG). In a child that is an error naming the file and what to do, not a crash."""
    import pickle
    import tempfile

    from ..kg.beside import Beside, ChildError
    from ..kg.load import KnowledgeGraph
    from ..kg.rows import Rows
    from ..questions.catalogue import run_select

    if not isinstance(source, KnowledgeGraph):
        return run_select(source, query, params)  # an endpoint: its server fails on its own
    parent = os.getpid()
    # The child's own work, not a shared task (which the parent may take first); its answer
    # comes back through a file, and what Oxigraph prints as it aborts through another.
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryFile() as answer:
        def select() -> None:
            if os.getpid() != parent:
                os.dup2(errors.fileno(), 2)
            rows = run_select(source, query, params)
            pickle.dump((list(rows.variables), [dict(row) for row in rows]), answer)
            answer.flush()

        try:
            with Beside(select) as child:
                child.join()
        except ChildError:
            errors.seek(0)
            if _SORT_PANIC in errors.read().decode("utf-8", "replace"):
                raise InputError(query.path, "Oxigraph stopped on this query: its ORDER BY compares values that "
                                             "cannot all be compared (numbers and text, say), which pyoxigraph "
                                             "0.5 cannot sort; order by STR(?x), or keep one kind of value with a "
                                             "FILTER") from None
            # Any other failure (a syntax error, a bad parameter): run here, to fail as it always did.
            return run_select(source, query, params)
        answer.seek(0)
        variables, found = pickle.load(answer)  # noqa: S301 - written just now by this process or its child
    return Rows(variables, found)


def own_query(path: Path) -> CatalogueQuery:
    """A user's .rq file: read-only SPARQL (no update, LOAD, SERVICE or FROM), a header optional.

    With a `# param:` header it takes typed parameters like a catalogue query."""
    from ..errors import InputError
    from ..kg.sparql_guard import check_read_only, tokenize
    from ..questions.catalogue import read_query

    if not path.is_file():
        raise UsageError(f"{path}: no such query file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read the query file: {exc}") from None
    try:
        check_read_only(text, allow_from=False)
    except UsageError as exc:
        raise UsageError(f"{path}: {exc}") from None
    # The first query-form keyword outside comments and strings: the store's own refusal of
    # another form names API functions and not the file.
    form = next((t.text.upper() for t in tokenize(text)
                 if t.kind == "word" and t.text.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")), None)
    if form not in (None, "SELECT"):
        article = "an" if form == "ASK" else "a"
        raise UsageError(f"{path}: sezkg query runs SELECT queries only (this is {article} {form})")
    return read_query(path, text, own=True)


def params(pairs: list[str], query: CatalogueQuery) -> dict[str, str | list[str]]:
    """The --param pairs by name: one value as it is, a name given several times as the list of
    its values (the query answers for each), refused for a type that takes one value only."""
    given: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--param takes NAME=VALUE, not {pair!r}")
        given.setdefault(name, []).append(value)
    for name, values in given.items():
        query.param(name).check_count(values)  # before any name is looked up
    return {name: values[0] if len(values) == 1 else values for name, values in given.items()}
