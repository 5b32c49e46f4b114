"""ORDER BY keys that pyoxigraph can always sort.

pyoxigraph 0.5.13 sorts with Rust's `sort_unstable_by`, which aborts the whole process (a
panic, "comparison function does not correctly implement a total order", exit 134) when the
comparison it is given is not a total order. Oxigraph's comparison of two terms is not one
over values of mixed kinds: a number and a string that cannot be compared count as equal,
so 9 < 10 while "10" = 9 and "10" = 10 ... and thirty-odd mixed `rdfs:comment`s on one thing in
a data file were enough to stop `sezkg tables`.

`total_order(query)` rewrites each ORDER BY of a query so that every key is a node, a
number or a plain string, kinds Oxigraph compares totally. A condition `ASC(E)` (or `E`)
becomes

    ASC(IF(isLiteral(E), IF(isNumeric(E) && E = E, xsd:double(E), INF), E))
    ASC(STR(E)) ASC(LANG(E)) ASC(STR(DATATYPE(E)))

and `DESC(E)` the same with DESC. For the values the KG holds this is the order SPARQL gives:
unbound first, then blank nodes (in Oxigraph's order of them), then IRIs by their text, then
numbers by value, then other literals by their text (so dates and years of one form in time
order). Where SPARQL sets no order it sets one: numbers before other literals, plain and
language-tagged text together by text, then by language tag. Numbers compare as doubles (an
xsd:decimal of more than 15 digits may tie with its neighbour, and the tie goes by its text);
NaN goes with the non-numbers; dates compare by their text, so "2011-05-01Z" and
"2011-05-01+06:00" go by their characters.

Oxigraph evaluates a key only when the keys before it tie, but each key it evaluates costs
about what a plain condition does (ORDER BY ?s ?p ?o over ~1M quads: 5.6 s; 9.9 s with every
condition as keys). So a condition is left as it is where its values compare totally already:
a variable that every solution binds to an IRI or a blank node (the subject or the variable
predicate of a triple pattern with a plain predicate, or the name of a GRAPH, in a part of the
WHERE group that is not optional, a UNION branch, a MINUS, a sub-select or a SERVICE; see
`_node_variables`), and STR(...), always plain text. A query whose ORDER BY this reader cannot
follow is returned as it was.
"""

from __future__ import annotations

import functools

from .sparql_guard import Token, tokenize

_DOUBLE = "<http://www.w3.org/2001/XMLSchema#double>"
_END = frozenset({"LIMIT", "OFFSET", "VALUES"})
_SKIP = frozenset({"space", "comment"})


def keys(direction: str, expression: str) -> str:
    """The four keys that order like `direction(expression)` in a total order."""
    e = expression
    first = f'IF(isLiteral({e}), IF(isNumeric({e}) && {e} = {e}, {_DOUBLE}({e}), "INF"^^{_DOUBLE}), {e})'
    return " ".join(f"{direction}({key})" for key in (first, f"STR({e})", f"LANG({e})", f"STR(DATATYPE({e}))"))


@functools.lru_cache(maxsize=128)  # texts with VALUES lists run to ~50 KB
def total_order(query: str) -> str:
    """The query with every ORDER BY condition replaced by `keys`; unchanged where it has no
    ORDER BY or one this reader cannot follow."""
    try:
        tokens = tokenize(query)
    except Exception:  # a query too deep to read is refused by the guard, not here
        return query
    significant = [t for t in tokens if t.kind not in _SKIP]
    pieces: list[str] = []
    done = 0
    i = 0
    while i < len(significant) - 1:
        if _word(significant[i], "ORDER") and _word(significant[i + 1], "BY"):
            found = _conditions(significant, i + 2)
            if found is None:
                return query
            end, conditions = found
            if not conditions:
                return query
            nodes = _nodes_of_group_before(significant, i)
            start = significant[i + 2].offset
            stop = significant[end - 1].offset + len(significant[end - 1].text)
            pieces += [query[done:start], " ".join(
                f"{d}({e})" if e in nodes or _is_str_call(e) else keys(d, e) for d, e in conditions)]
            done = stop
            i = end
        else:
            i += 1
    return "".join(pieces) + query[done:] if pieces else query


def _word(token: Token, word: str) -> bool:
    return token.kind == "word" and token.text.upper() == word


def _conditions(tokens: list[Token], i: int) -> tuple[int, list[tuple[str, str]]] | None:
    """The ORDER BY conditions from tokens[i]: the index after the last one, and each as
    (direction, expression text); None where a condition is not one this reader knows."""
    found: list[tuple[str, str]] = []
    while i < len(tokens):
        token = tokens[i]
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        opens = after is not None and after.kind == "punct" and after.text == "("
        if token.kind == "var":
            found.append(("ASC", token.text))
            i += 1
        elif token.kind == "word" and token.text.upper() in ("ASC", "DESC") and opens:
            close = _closing(tokens, i + 1)
            if close is None:
                return None
            found.append((token.text.upper(), _text(tokens[i + 1:close + 1])))
            i = close + 1
        elif token.kind == "punct" and token.text == "(":
            close = _closing(tokens, i)
            if close is None:
                return None
            found.append(("ASC", _text(tokens[i:close + 1])))
            i = close + 1
        elif token.kind in ("word", "pname", "iri") and token.text.upper() not in _END and opens:
            close = _closing(tokens, i + 1)  # a built-in or a function call: STR(?x), xsd:integer(?x)
            if close is None:
                return None
            found.append(("ASC", _text(tokens[i:close + 1])))
            i = close + 1
        else:
            break
    if i < len(tokens) and not (tokens[i].text == "}" or (tokens[i].kind == "word" and tokens[i].text.upper() in _END)):
        return None  # something after the conditions this reader does not know
    return i, found


_PAIRS = {"(": ")", "[": "]", "{": "}"}


def _closing(tokens: list[Token], i: int) -> int | None:
    """The index of the bracket that closes the one at tokens[i] (`(`, `[` or `{`), the
    brackets between matched in pairs; None where tokens[i] opens none or none closes it."""
    if i >= len(tokens) or tokens[i].kind != "punct" or tokens[i].text not in _PAIRS:
        return None
    stack: list[str] = []
    for j in range(i, len(tokens)):
        text = tokens[j].text if tokens[j].kind == "punct" else ""
        if text in _PAIRS:
            stack.append(_PAIRS[text])
        elif stack and text == stack[-1]:
            stack.pop()
            if not stack:
                return j
    return None


def _after(tokens: list[Token], i: int) -> int:
    """The index after the bracketed part that opens at tokens[i]; the end where it does not close."""
    end = _closing(tokens, i)
    return len(tokens) if end is None else end + 1


def _text(tokens: list[Token]) -> str:
    """The expression the tokens spell: as written, with one space where there was space or a
    comment between two of them (a comment would swallow the rest of the rewritten line)."""
    parts = [tokens[0].text]
    for before, token in zip(tokens, tokens[1:], strict=False):
        parts += ([] if before.offset + len(before.text) == token.offset else [" "]) + [token.text]
    return "".join(parts)


def _is_str_call(expression: str) -> bool:
    """Whether the expression is one STR(...) call: plain text, or unbound."""
    tokens = [t for t in tokenize(expression) if t.kind not in _SKIP]
    while len(tokens) >= 2 and tokens[0].text == "(" and _closing(tokens, 0) == len(tokens) - 1:
        tokens = tokens[1:-1]  # DESC(STR(?x)) gives (STR(?x))
    return (len(tokens) >= 3 and _word(tokens[0], "STR") and tokens[1].text == "("
            and _closing(tokens, 1) == len(tokens) - 1)


_PATH = frozenset("/|*+?^!")
_NAMES = frozenset({"var", "iri", "pname"})


def _nodes_of_group_before(tokens: list[Token], order: int) -> set[str]:
    """The variables certainly bound to a node in the group that the ORDER BY at tokens[order]
    sorts the solutions of: the last group closed, before it, at its own depth."""
    depth = 0  # of braces and parentheses
    opened: dict[int, int] = {}  # depth -> the bracket last opened there
    closed: dict[int, tuple[int, int]] = {}  # depth -> the last {...} group closed back to it
    for i, token in enumerate(tokens[:order]):
        if token.kind == "punct" and token.text in "({":
            opened[depth] = i
            depth += 1
        elif token.kind == "punct" and token.text in ")}":
            depth -= 1
            if token.text == "}" and depth in opened and tokens[opened[depth]].text == "{":
                closed[depth] = (opened[depth], i)
    group = closed.get(depth)
    return set() if group is None else _node_variables(tokens, *group)


def _node_variables(tokens: list[Token], opening: int, closing: int) -> set[str]:
    """Variables bound to an IRI or a blank node in every solution of the group between the
    braces tokens[opening] and tokens[closing]: the subject of a triple pattern whose
    predicate is one IRI, prefixed name, `a` or variable (not a path: `?x :p* ?y` binds ?x to
    objects too), a variable predicate, or the name of a GRAPH; in the group itself, a GRAPH
    group or a plain nested group, never in an OPTIONAL, a MINUS, a UNION branch, a sub-select,
    a SERVICE, a FILTER or a VALUES block. Anything this reader does not know stops it, with
    what it has found so far (a variable it misses only costs a slower sort)."""
    found: set[str] = set()

    def simple_predicate(k: int) -> bool:
        if k + 1 >= closing:
            return False
        predicate, after = tokens[k], tokens[k + 1]
        return ((predicate.kind in _NAMES or (predicate.kind == "word" and predicate.text == "a"))
                and not (after.kind == "punct" and after.text in _PATH))

    def note(subject: Token | None, k: int) -> None:
        """The predicate at tokens[k], after `subject` (None where it is not a variable)."""
        if simple_predicate(k):
            if subject is not None:
                found.add(subject.text)
            if tokens[k].kind == "var":
                found.add(tokens[k].text)

    i = opening + 1
    start = True  # at the start of a triple pattern
    subject: Token | None = None
    while i < closing:
        token = tokens[i]
        word = token.text.upper() if token.kind == "word" else ""
        punct = token.text if token.kind == "punct" else ""
        if punct == "{":
            end = _closing(tokens, i)
            if end is None or end > closing:
                return found
            branch = _word(tokens[i - 1], "UNION") or (end + 1 < len(tokens) and _word(tokens[end + 1], "UNION"))
            if not branch and not _word(tokens[i + 1], "SELECT"):
                found |= _node_variables(tokens, i, end)
            i, start = end + 1, True
        elif word in ("OPTIONAL", "MINUS", "SERVICE", "VALUES"):
            j = i + 1
            while j < closing and tokens[j].text != "{":
                j += 1
            i, start = _after(tokens, j), True
        elif word == "GRAPH":
            name, opened = tokens[i + 1], i + 2
            if opened >= closing or tokens[opened].text != "{":
                return found
            end = _closing(tokens, opened)
            if end is None or end > closing:
                return found
            if name.kind == "var":
                found.add(name.text)
            found |= _node_variables(tokens, opened, end)
            i, start = end + 1, True
        elif word in ("FILTER", "BIND"):
            j = i + 1
            if _word(tokens[j], "NOT"):
                j += 1
            if _word(tokens[j], "EXISTS"):
                j += 1
            elif tokens[j].text != "(" and j + 1 < closing:  # FILTER isIRI(?x), FILTER regex(...)
                j += 1
            i, start = _after(tokens, j), True
        elif punct == ".":
            i, start = i + 1, True
        elif punct == ";":
            while i + 1 < closing and tokens[i + 1].text == ";":
                i += 1
            note(subject, i + 1)
            i += 1
        elif punct in ("(", "["):
            i, start, subject = _after(tokens, i), False, None
        elif start and token.kind in _NAMES:
            subject = token if token.kind == "var" else None
            note(subject, i + 1)
            i, start = i + 1, False
        elif token.kind in _NAMES or token.kind in ("string", "number", "langtag") or punct in (",", "^", "/",
                                                                                                "|", "*", "+",
                                                                                                "?", "!", ")"):
            i += 1  # a predicate or an object, read already or not needed
        elif word in ("A", "TRUE", "FALSE") or punct == "^^":
            i += 1
        else:
            return found  # something this reader does not know
    return found
