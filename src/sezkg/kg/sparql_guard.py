"""Refuse SPARQL that would write, load or reach another server, before any store sees it.

`check_read_only(query)` raises UsageError for update operations (INSERT, DELETE, LOAD,
CLEAR, CREATE, DROP, COPY, MOVE, ADD), for SERVICE (federated queries make the server
fetch a URL of the caller's choice), for brackets nested deeper than MAX_NESTING or more than
MAX_OPERATORS operators in one expression (either would crash the parser) and, when asked, for
FROM / FROM NAMED.

It reads the query with a small tokenizer, so keywords inside IRIs, strings (all four quote
forms), comments, variables, language tags and prefixed names (`ex:service`) do not count,
and keywords count in any case. Two places where a reader could be led astray are read
both ways, and the query is refused if either reading finds a forbidden keyword:
- `\\uXXXX` escapes: SPARQL 1.1 expands them before parsing, Oxigraph 0.5 only inside
  strings and IRIs; a `\\u005C` before a quote would end a string in one reading only.
- `<`: in `FILTER(?a<?b)'...` the `<` is an operator, but `<?b)'>` also looks like an IRI;
  where both are possible inside parentheses and the would-be IRI holds a `'` or `#`
  (which would open a string or a comment in the other reading), both are followed.
A keyword used as a prefix right before a group (`SERVICE:x {`) counts too: Oxigraph reads
it as SERVICE followed by the IRI `:x`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import UsageError

_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
         "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + "\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = f"(?:[{_CHARS_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"

# Order matters: the first pattern that matches at a position makes the token.
_PATTERNS = [
    ("space", r"\s+"),
    ("comment", r"#[^\r\n]*"),
    ("iri", r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>"),
    ("string", r"'''(?:(?:'|'')?(?:[^'\\]|\\[\s\S]))*'''"),
    ("string", r'"""(?:(?:"|"")?(?:[^"\\]|\\[\s\S]))*"""'),
    ("string", r"'(?:[^'\\\r\n]|\\[\s\S])*'"),
    ("string", r'"(?:[^"\\\r\n]|\\[\s\S])*"'),
    ("var", f"[?$][{_CHARS_U}0-9][{_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"),
    ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("pname", f"(?:{_PREFIX}|_)?:(?:{_LOCAL})?"),
    ("number", r"[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?"),
    ("word", f"[{_BASE}_][{_CHARS_U}0-9]*"),
    ("punct", r"[\s\S]"),
]
_TOKEN = re.compile("|".join(f"(?P<{kind}{i}>{pattern})" for i, (kind, pattern) in enumerate(_PATTERNS)))
_ESCAPE = re.compile(r"\\(\\|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})")

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"})
_OPERAND_END = frozenset({"var", "string", "number", "iri", "pname", "langtag", "word"})
_MAX_READINGS = 64
# Oxigraph parses SPARQL by recursion: ~2,500 nested groups or parentheses overflow its stack and
# kill the process (a segmentation fault, in the CLI and in a server's backend alike), and so do
# ~8,000 operators in one expression (`1 + 1 + ...`, `!!!...`: each is a level of the expression
# tree). Brackets are counted as they nest, operators as the open groups hold them. No real
# question comes within a tenth of either.
MAX_NESTING = 256
MAX_OPERATORS = 2_000
_OPERATORS = frozenset("!+-*/=<>|&^")


class TooDeep(UsageError):
    """A query nested too deep for Oxigraph's parser: malformed rather than forbidden."""


@dataclass(frozen=True)
class Token:
    kind: str  # space comment iri string var langtag pname number word punct
    text: str
    offset: int


@dataclass
class _Reading:
    tokens: list[Token]
    ambiguous: list[int]  # offsets of '<' that could also be an operator


def tokenize(query: str, operators: frozenset[int] = frozenset()) -> list[Token]:
    """The query's tokens; a `<` at an offset in `operators` is read as an operator."""
    return _read(query, operators).tokens


def _read(text: str, operators: frozenset[int]) -> _Reading:
    tokens: list[Token] = []
    ambiguous: list[int] = []
    brackets: list[str] = []
    operators_in: list[int] = [0]  # operators in each open group, the query's top level first
    operators_open = 0  # their sum
    last: Token | None = None  # the last token that is neither space nor comment
    pos = 0
    while pos < len(text):
        if text[pos] == "<" and pos in operators:
            token = Token("punct", "<", pos)
        else:
            match = _TOKEN.match(text, pos)
            assert match is not None and match.lastgroup is not None  # "punct" matches any character
            token = Token(match.lastgroup.rstrip("0123456789"), match.group(), pos)
            if token.kind == "iri" and brackets[-1:] == ["("] and last is not None \
                    and (last.kind in _OPERAND_END or last.text == ")") and ("'" in token.text or "#" in token.text):
                ambiguous.append(pos)
        tokens.append(token)
        pos += len(token.text)
        if token.kind in ("space", "comment"):
            continue
        if token.text in "({[" and token.kind == "punct":
            brackets.append(token.text)
            operators_in.append(0)
            if len(brackets) > MAX_NESTING:
                raise TooDeep(f"the query nests brackets more than {MAX_NESTING} deep ({_where(text, pos)}): "
                              "too deep to be read safely")
        elif (token.kind == "punct" and token.text in ")}]" and brackets
              and brackets[-1] == "({["[")}]".index(token.text)]):
            brackets.pop()
            operators_open -= operators_in.pop()
        elif token.kind == "punct" and token.text in _OPERATORS:
            operators_in[-1] += 1
            operators_open += 1
            if operators_open > MAX_OPERATORS:
                raise TooDeep(f"the query has more than {MAX_OPERATORS:,} operators in one expression "
                              f"({_where(text, pos)}): too deep to be read safely")
        last = token
    return _Reading(tokens, ambiguous)


def _unescape_codepoints(text: str) -> str:
    """Expand \\uXXXX and \\UXXXXXXXX everywhere, as SPARQL 1.1 section 19.2 says (a `\\\\` pair stays)."""

    def replace(match: re.Match[str]) -> str:
        body = match.group(1)
        if body == "\\":
            return match.group()
        code = int(body[1:], 16)
        return match.group() if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else chr(code)

    return _ESCAPE.sub(replace, text)


def _readings(query: str) -> list[tuple[str, list[Token]]]:
    """Every reading worth checking: each text view, each choice at an ambiguous `<`."""
    views = [query]
    unescaped = _unescape_codepoints(query)
    if unescaped != query:
        views.append(unescaped)
    found: list[tuple[str, list[Token]]] = []
    for text in views:
        pending = [frozenset[int]()]
        seen = set(pending)
        while pending:
            operators = pending.pop()
            reading = _read(text, operators)
            found.append((text, reading.tokens))
            for offset in reading.ambiguous:
                choice = operators | {offset}
                if choice not in seen:
                    seen.add(choice)
                    pending.append(choice)
            if len(seen) > _MAX_READINGS:
                raise UsageError("the query has too many places where '<' could be an IRI or an operator "
                                 "to be checked; add spaces around comparison operators")
    return found


def _where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _next_significant(tokens: list[Token], index: int) -> Token | None:
    for token in tokens[index + 1:]:
        if token.kind not in ("space", "comment"):
            return token
    return None


def _refusal(text: str, token: Token, keyword: str, allow_from: bool) -> UsageError | None:
    where = _where(text, token.offset)
    if keyword == "SERVICE":
        return UsageError(f"SPARQL SERVICE is refused ({where}): this endpoint does not query other servers")
    if keyword == "LOAD":
        return UsageError(f"SPARQL LOAD is refused ({where}): the knowledge graph is read-only and fetches nothing")
    if keyword in UPDATE_KEYWORDS:
        return UsageError(f"SPARQL update operation {keyword} is refused ({where}): the knowledge graph is read-only")
    if keyword == "FROM" and not allow_from:
        return UsageError(f"FROM and FROM NAMED are refused here ({where}): "
                          "queries run on the whole knowledge graph, with GRAPH to pick named graphs")
    return None


def check_read_only(query: str, allow_from: bool = True) -> None:
    """Raise UsageError if the query holds an update operation, SERVICE or LOAD (or FROM,
    with allow_from=False); return None for a query that only reads this store."""
    for text, tokens in _readings(query):
        for index, token in enumerate(tokens):
            keyword = None
            if token.kind == "word":
                keyword = token.text.upper()
            elif token.kind == "pname" and token.text.split(":", 1)[0].upper() == "SERVICE":
                after = _next_significant(tokens, index)
                if after is not None and after.text == "{":
                    keyword = "SERVICE"
            if keyword is not None:
                refusal = _refusal(text, token, keyword, allow_from)
                if refusal is not None:
                    raise refusal
