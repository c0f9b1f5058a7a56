"""Listening queries: which brand, product or competitor a piece of text talks about.

Every mention from a listening source passes through here (sources that already search, such as
Reddit or Hacker News, too, so exclusions hold everywhere), so a query is compiled once into a
small tree of precompiled regular expressions and evaluated with short-circuits.

Syntax
    acme                 a term: the word, in any case, standing alone (see "Words" below)
    "acme cloud"         an exact phrase: these words in this order, any whitespace between
    acme AND cloud       both (AND, OR and NOT are operators only in upper case)
    acme cloud           the same: adjacent terms are joined by an implicit AND
    acme OR acmecloud    either
    NOT hotel, -hotel    exclusion; also -"acme hotel" and -(a OR b)
    (a OR b) c           parentheses group
    #acme                the hashtag only, not the plain word
    @acme                the handle, also as a Mastodon address "@acme@mastodon.social"

Precedence is the usual one: NOT (and -) binds tightest, then AND (explicit or implicit), then
OR. So ``acme OR "acme cloud" -hotel`` means ``acme OR ("acme cloud" AND NOT hotel)``: an
exclusion meant for every alternative needs parentheses, ``(acme OR "acme cloud") -hotel``.
A query must require something to be present: ``-acme`` alone would match nearly every post
ever written, so it is refused.

Words
    Matching is case-insensitive and on Unicode word boundaries: ``acme`` matches "Acme,",
    "ACME!", "acme's", "#acme" and "@acme" (a word is a word wherever it stands), but not
    "acmeology", "acme2" or "acme_x". Letters such as æ, ø, å and é are word characters, so
    ``blå`` does not match inside "blåbær". There are no wildcards: ``*`` is an ordinary character.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.model import Match

OPERATORS = frozenset({"AND", "OR", "NOT"})
TERM_END = re.compile(r'[\s()"]')


class QueryError(ValueError):
    """A listening query that cannot be compiled, with the 0-based position of the problem."""

    def __init__(self, message: str, position: int, query: str = "") -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.message = message
        self.position = position
        self.query = query

    def pointer(self) -> str:
        """The query and a caret under the problem, for showing in a terminal."""
        return f"{self.query}\n{' ' * self.position}^"


# --- the compiled tree --------------------------------------------------------------------


class _Node:
    __slots__ = ()

    def test(self, lowered: str) -> bool:  # pragma: no cover - every node overrides it
        raise NotImplementedError


class _Leaf(_Node):
    """One term or phrase: a substring check first (cheap), then the boundary-aware regex."""

    __slots__ = ("needle", "pattern", "words")

    def __init__(self, needle: str, pattern: re.Pattern[str], words: tuple[str, ...] = ()) -> None:
        self.needle = needle
        self.pattern = pattern
        self.words = words  # as written, for parse_query

    def test(self, lowered: str) -> bool:
        return self.needle in lowered and self.pattern.search(lowered) is not None


class _And(_Node):
    __slots__ = ("children",)

    def __init__(self, children: list[_Node]) -> None:
        # Positive parts first: most texts fail a required term, and that is the cheap exit.
        self.children = sorted(children, key=lambda c: isinstance(c, _Not))

    def test(self, lowered: str) -> bool:
        return all(child.test(lowered) for child in self.children)


class _Or(_Node):
    __slots__ = ("children",)

    def __init__(self, children: list[_Node]) -> None:
        self.children = children

    def test(self, lowered: str) -> bool:
        return any(child.test(lowered) for child in self.children)


class _Not(_Node):
    __slots__ = ("child",)

    def __init__(self, child: _Node) -> None:
        self.child = child

    def test(self, lowered: str) -> bool:
        return not self.child.test(lowered)


def _leaf(words: list[str]) -> _Leaf:
    """A leaf for a term (one word) or a phrase (several), lower-cased, on word boundaries."""
    lowered = [w.lower() for w in words]
    first, last = lowered[0], lowered[-1]
    body = r"\s+".join(re.escape(w) for w in lowered)
    if first.startswith("@"):
        head = r"(?<![\w@])"  # "@acme", not the tail of "x@acme" (an e-mail address)
    elif first.startswith("#"):
        head = r"(?<![\w#])"
    else:
        head = r"(?<!\w)" if _is_word_char(first[0]) else ""
    tail = r"(?!\w)" if _is_word_char(last[-1]) else ""
    return _Leaf(max(lowered, key=len), re.compile(head + body + tail), tuple(words))


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


# --- tokens -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "term", "phrase", "op", "(", ")", "-"
    text: str
    position: int


def _tokens(query: str) -> list[_Token]:
    """Split ``query`` into tokens, or raise QueryError at the first that cannot be read."""
    tokens: list[_Token] = []
    i = 0
    while i < len(query):
        char = query[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, char, i))
            i += 1
        elif char == '"':
            i = _phrase(query, i, tokens)
        elif char == "-" and i + 1 < len(query) and not query[i + 1].isspace():
            tokens.append(_Token("-", char, i))
            i += 1
        else:
            i = _term(query, i, tokens)
    return tokens


def _phrase(query: str, start: int, tokens: list[_Token]) -> int:
    end = query.find('"', start + 1)
    if end < 0:
        raise QueryError("this quote is never closed: add the closing '\"'", start, query)
    if not query[start + 1 : end].split():
        raise QueryError('an empty phrase "" matches nothing: put words in it', start, query)
    tokens.append(_Token("phrase", query[start + 1 : end], start))
    return end + 1


def _term(query: str, start: int, tokens: list[_Token]) -> int:
    found = TERM_END.search(query, start)
    end = found.start() if found else len(query)
    text = query[start:end]
    if text == "-":
        message = "'-' must be followed directly by what to exclude, as in -word"
        raise QueryError(message, start, query)
    if text in ("#", "@"):
        raise QueryError(f"'{text}' must be followed directly by a tag or handle", start, query)
    tokens.append(_Token("op" if text in OPERATORS else "term", text, start))
    return end


# --- parser (recursive descent: or > and > unary > atom) -----------------------------------


# Parentheses and NOTs nest at most this deep. A person writes three or four levels; the
# parser and the matcher recurse once per level, so an unbounded depth (300 "(" in a config)
# would end in RecursionError instead of a message.
MAX_DEPTH = 32


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.i = 0
        self.depth = 0

    def deeper(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"parentheses and NOTs nest more than {MAX_DEPTH} deep here: "
                             "simplify the query", token.position)

    def error(self, message: str, position: int) -> QueryError:
        return QueryError(message, position, self.query)

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> _Node:
        if not self.tokens:
            raise self.error("the query is empty: write at least one term", 0)
        node = self.parse_or()
        extra = self.peek()
        if extra is not None:  # only a ")" can stop parse_or early
            raise self.error("this ')' has no matching '('", extra.position)
        return node

    def parse_or(self) -> _Node:
        children = [self.parse_and()]
        while (token := self.peek()) is not None and token.text == "OR" and token.kind == "op":
            self.take()
            self.need_operand(token)
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else _Or(children)

    def parse_and(self) -> _Node:
        children = [self.parse_unary()]
        while (token := self.peek()) is not None:
            if token.kind == "op" and token.text == "AND":
                self.take()
                self.need_operand(token)
            elif not self.starts_operand(token):
                break
            children.append(self.parse_unary())
        return children[0] if len(children) == 1 else _And(children)

    def parse_unary(self) -> _Node:
        token = self.peek()
        if token is not None and (token.kind == "-" or (token.kind, token.text) == ("op", "NOT")):
            self.take()
            self.need_operand(token)
            self.deeper(token)
            node = _Not(self.parse_unary())
            self.depth -= 1
            return node
        return self.parse_atom()

    def parse_atom(self) -> _Node:
        token = self.take()
        if token.kind == "term":
            return _leaf([token.text])
        if token.kind == "phrase":
            return _leaf(token.text.split())
        if token.kind == "(":
            return self.parse_group(token)
        if token.kind == ")":
            raise self.error("this ')' has no matching '('", token.position)
        raise self.error(f"{token.text} needs a term before it", token.position)

    def parse_group(self, opening: _Token) -> _Node:
        inside = self.peek()
        if inside is None:
            raise self.error("this '(' is never closed: add the closing ')'", opening.position)
        if inside.kind == ")":
            raise self.error("these parentheses are empty: put a term inside", opening.position)
        self.deeper(opening)
        node = self.parse_or()
        self.depth -= 1
        closing = self.peek()
        if closing is None or closing.kind != ")":
            raise self.error("this '(' is never closed: add the closing ')'", opening.position)
        self.take()
        return node

    def need_operand(self, operator: _Token) -> None:
        """Refuse an operator with nothing usable after it ("acme AND", "acme OR )")."""
        following = self.peek()
        if following is None or not self.starts_operand(following):
            name = "'-'" if operator.kind == "-" else operator.text
            raise self.error(f"{name} needs a term after it", operator.position)

    @staticmethod
    def starts_operand(token: _Token) -> bool:
        return token.kind in ("term", "phrase", "(", "-") or token.text == "NOT"


# --- public API ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Query:
    """A compiled listening query; ``matches`` is safe to call from any thread."""

    text: str
    _root: _Node

    def matches(self, text: str) -> bool:
        """True when ``text`` satisfies the query."""
        return self._root.test(text.lower())

    def matches_lowered(self, lowered: str) -> bool:
        """``matches`` for text already lower-cased (lets a Matcher lower a text once)."""
        return self._root.test(lowered)


def compile_query(q: str) -> Query:
    """Compile listening query ``q``, or raise QueryError naming the problem and its position."""
    root = _Parser(q).parse()
    if root.test(""):
        raise QueryError(
            "this query only excludes: it would match almost everything; add a term that must "
            "be present, as in: acme -hotel",
            0,
            q,
        )
    return Query(q, root)


@dataclass(frozen=True, slots=True)
class Clause:
    """A parsed query as plain data, for translating it into another engine's syntax (the
    inbox's full-text search speaks the same language as listening).

    ``op`` is "words" (a term, or a phrase of several ``words``, as written), "and", "or" or
    "not" (one child).
    """

    op: str
    words: tuple[str, ...] = ()
    children: tuple[Clause, ...] = ()


def parse_query(q: str) -> Clause:
    """The syntax tree of query ``q``, refused exactly as ``compile_query`` refuses it."""
    return _clause(compile_query(q)._root)


def _clause(node: _Node) -> Clause:
    if isinstance(node, _Leaf):
        return Clause("words", node.words)
    if isinstance(node, _Not):
        return Clause("not", children=(_clause(node.child),))
    assert isinstance(node, _And | _Or)
    op = "and" if isinstance(node, _And) else "or"
    return Clause(op, children=tuple(_clause(child) for child in node.children))


class Matcher:
    """Every brand, product and competitor whose queries a text matches."""

    def __init__(self, sets: Sequence[tuple[Match, Sequence[str]]]) -> None:
        self._sets = [(match, _compile_all(match, queries)) for match, queries in sets]

    def match(self, text: str) -> list[Match]:
        """The matches, in the order the sets were given, each at most once."""
        lowered = text.lower()
        found: list[Match] = []
        for match, queries in self._sets:
            if match not in found and any(q.matches_lowered(lowered) for q in queries):
                found.append(match)
        return found


def _compile_all(match: Match, queries: Sequence[str]) -> tuple[Query, ...]:
    """Compile one set's queries; an error names the brand, product or competitor it is for."""
    compiled = []
    for n, q in enumerate(queries, 1):
        try:
            compiled.append(compile_query(q))
        except QueryError as error:
            message = f"{match.kind} {match.name!r}, query {n}: {error.message}"
            raise QueryError(message, error.position, q) from None
    return tuple(compiled)
