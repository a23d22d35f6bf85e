"""The query language: words, "quoted phrases", #tag, -word, OR, parentheses.

Parsing never fails: an unbalanced quote is ignored, an unbalanced parenthesis is
closed or ignored, lone operators are dropped, and what is left is searched as words.
The result is a small tree of already-normalised tokens that each back end turns into its
own syntax (FTS5 MATCH or tsquery).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import analysis

MAX_QUERY_LENGTH = 500
MAX_TERMS = 32


@dataclass(frozen=True)
class Phrase:
    """Tokens in a row (one token: a plain term); ``tag`` restricts it to a tag's key."""

    tokens: tuple[str, ...]
    tag: bool = False


@dataclass(frozen=True)
class Either:
    """Either spelling of a word: its French and its English normalisation."""

    options: tuple[Phrase, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class And:
    """Every ``include`` matches and no ``exclude`` does."""

    include: tuple[Node, ...]
    exclude: tuple[Node, ...] = ()


Node = Phrase | Either | Or | And


@dataclass
class Query:
    """A parsed query: the tree (None when nothing is left to search) and the tokens to
    highlight."""

    text: str
    tree: Node | None
    highlight: frozenset[str] = field(default_factory=frozenset)
    # What an extract must show to cover the query: for each of its terms, the sets of
    # tokens any one of which does (a word's French or English spelling, either side of an
    # OR). A tag needs nothing: it does not show in the text.
    terms: tuple[tuple[frozenset[str], ...], ...] = ()


_LEXER = re.compile(
    r"""
    (?P<phrase>"[^"]*")            # "quoted phrase"
    | (?P<quote>")                  # an unmatched quote: ignored, the words stay words
    | (?P<open>\()
    | (?P<close>\))
    | (?P<neg>-(?=[\w#"(]))         # minus glued to what follows
    | (?P<tag>\#[^\s()"]+)
    | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)


def _lex(text: str) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for match in _LEXER.finditer(text):
        kind = match.lastgroup or "word"
        value = match.group(kind)
        if kind == "quote":
            continue
        if kind == "word" and value in {"OR", "|"}:
            kind = "or"
        items.append((kind, value))
    return items


def _word_node(value: str, *, in_phrase: bool = False) -> Node | None:
    """A word (or a phrase's text) in both languages; stop words dropped outside phrases."""
    options: list[Phrase] = []
    for language in analysis.LANGUAGES:
        words = analysis.words(value)
        if not in_phrase:
            # "l'emploi" → "emploi": leading and trailing function words say nothing here.
            while words and analysis.is_stop_word(words[0]):
                words.pop(0)
            while words and analysis.is_stop_word(words[-1]):
                words.pop()
        tokens = tuple(analysis.normalise_word(word, language) for word in words)
        if tokens and Phrase(tokens) not in options:
            options.append(Phrase(tokens))
    if not options:
        return None
    return options[0] if len(options) == 1 else Either(tuple(options))


class _Parser:
    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.items = items
        self.pos = 0
        self.terms = 0

    def peek(self) -> str | None:
        return self.items[self.pos][0] if self.pos < len(self.items) else None

    def parse(self) -> Node | None:
        node = self.parse_or()
        while self.pos < len(self.items):  # a stray ")" ends a group early: read on
            self.pos += 1
            rest = self.parse_or()
            node = _and([n for n in (node, rest) if n is not None], [])
        return node

    def parse_or(self) -> Node | None:
        branches: list[Node] = []
        node = self.parse_and()
        if node is not None:
            branches.append(node)
        while self.peek() == "or":
            self.pos += 1
            node = self.parse_and()
            if node is not None:
                branches.append(node)
        if not branches:
            return None
        return branches[0] if len(branches) == 1 else Or(tuple(branches))

    def parse_and(self) -> Node | None:
        include: list[Node] = []
        exclude: list[Node] = []
        while (kind := self.peek()) is not None and kind not in {"or", "close"}:
            negate = False
            if kind == "neg":
                negate = True
                self.pos += 1
            node = self.parse_primary()
            if node is None:
                continue
            (exclude if negate else include).append(node)
        return _and(include, exclude)

    def parse_primary(self) -> Node | None:
        if self.pos >= len(self.items):
            return None
        kind, value = self.items[self.pos]
        self.pos += 1
        if kind == "open":
            node = self.parse_or()
            if self.peek() == "close":
                self.pos += 1
            return node
        if kind in {"close", "or", "neg"}:
            return None
        if self.terms >= MAX_TERMS:
            return None
        self.terms += 1
        if kind == "phrase":
            return _word_node(value.strip('"'), in_phrase=True)
        if kind == "tag":
            key = analysis.tag_key(value.lstrip("#"))
            return Phrase((key,), tag=True) if key != "tag" else None
        return _word_node(value)


def _and(include: list[Node], exclude: list[Node]) -> Node | None:
    if not include:
        return None  # nothing to subtract from: "-word" alone matches nothing
    if len(include) == 1 and not exclude:
        return include[0]
    return And(tuple(include), tuple(exclude))


def _positive_tokens(node: Node | None) -> set[str]:
    if node is None:
        return set()
    if isinstance(node, Phrase):
        return set() if node.tag else set(node.tokens)
    if isinstance(node, Either):
        return set().union(*(_positive_tokens(option) for option in node.options))
    if isinstance(node, Or):
        return set().union(*(_positive_tokens(child) for child in node.children))
    return set().union(*(_positive_tokens(child) for child in node.include))


def _alternatives(node: Node) -> tuple[frozenset[str], ...]:
    if isinstance(node, Phrase):
        return (frozenset() if node.tag else frozenset(node.tokens),)
    if isinstance(node, Either):
        return tuple(alt for option in node.options for alt in _alternatives(option))
    if isinstance(node, Or):
        return tuple(alt for child in node.children for alt in _alternatives(child))
    return (frozenset(_positive_tokens(node)),)  # a group inside an OR: all its words


def _terms(tree: Node | None) -> tuple[tuple[frozenset[str], ...], ...]:
    if tree is None:
        return ()
    children = tree.include if isinstance(tree, And) else (tree,)
    return tuple(_alternatives(child) for child in children)


def parse(text: str) -> Query:
    """Parse what a person typed; never raises."""
    text = text[:MAX_QUERY_LENGTH]
    tree = _Parser(_lex(text)).parse()
    return Query(
        text=text, tree=tree, highlight=frozenset(_positive_tokens(tree)), terms=_terms(tree)
    )
