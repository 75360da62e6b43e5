"""Conditions: a tiny, safe expression language for `when:` fields.

    visited(bakkerij) and not flag(boos)
    count(signaal) >= 3 or score >= 10
    var(vertrouwen) > 2 and has(sig-groeten)

Parsed once at load time into a tuple tree; evaluated by `evaluate` over a
`Facts` view of the learner's state. No Python eval, no attribute access.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

# A node is one of:
#   ("num", int) | ("score",) | ("percentage",)
#   ("call", fn, arg-or-None)
#   ("cmp", op, left, right) | ("and", a, b) | ("or", a, b) | ("not", a)
Node = tuple

FUNCTIONS: dict[str, str] = {
    "visited": "scene",  # how often a scene was visited
    "flag": "flag",  # true when the flag is set
    "var": "variable",  # the value of a variable
    "has": "entry",  # true when the notebook holds the entry
    "count": "kind?",  # notebook entries (of a kind, or all)
    "done": "location",  # a hub location counts as done
    "done_count": "hub?",  # how many locations of a hub (or the current hub) are done
}
KEYWORDS = {"and", "or", "not", "score", "percentage", "true", "false"}
# Evaluation recurses over the tree: keep it far from Python's recursion limit.
MAX_DEPTH = 100
_TOO_DEEP = f"the condition has more than {MAX_DEPTH} levels of brackets, 'not', 'and' or 'or'; split it into simpler ones"
COMPARISONS = ("==", "!=", ">=", "<=", ">", "<")

_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+)|(?P<name>[a-z0-9][a-z0-9_-]*)|(?P<op>==|!=|>=|<=|>|<|\(|\)))",
    re.IGNORECASE,
)


_HINTS = {
    "=": "; to compare, write '==' (equal), '!=', '>=' or '<='",
    "&": "; write 'and'",
    "|": "; write 'or'",
    "!": "; write 'not', or '!=' for 'not equal'",
}


class ConditionError(ValueError):
    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column  # 0-based offset inside the condition text


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            bad = text[pos:].lstrip()
            where = len(text) - len(bad)
            raise ConditionError(f"unexpected character {bad[0]!r}{_HINTS.get(bad[0], '')}", where)
        kind = m.lastgroup or ""
        tokens.append(Token(kind, m.group(kind), m.start(kind)))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    def deeper(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionError(_TOO_DEEP, tok.pos)

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> Token:
        tok = self.take()
        if tok.text != text:
            found = f"{tok.text!r}" if tok.kind != "end" else "the end of the condition"
            raise ConditionError(f"expected {text!r} but found {found}", tok.pos)
        return tok

    def parse(self) -> Node:
        node = self.or_()
        tok = self.peek()
        if tok.kind != "end":
            raise ConditionError(f"unexpected {tok.text!r}; join conditions with 'and' or 'or'", tok.pos)
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.peek().text.lower() == "or":
            self.take()
            node = ("or", node, self.and_())
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.peek().text.lower() == "and":
            self.take()
            node = ("and", node, self.not_())
        return node

    def not_(self) -> Node:
        if self.peek().text.lower() == "not":
            self.deeper(self.take())
            node = ("not", self.not_())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> Node:
        left = self.value()
        if self.peek().text in COMPARISONS:
            op = self.take().text
            right = self.value()
            return ("cmp", op, left, right)
        return left

    def value(self) -> Node:
        tok = self.take()
        if tok.text == "(":
            self.deeper(tok)
            node = self.or_()
            self.expect(")")
            self.depth -= 1
            return node
        if tok.kind == "num":
            return ("num", int(tok.text))
        if tok.kind == "name":
            word = tok.text.lower()
            if word in ("score", "percentage"):
                return (word,)
            if word in ("true", "false"):
                return ("num", 1 if word == "true" else 0)
            if word in FUNCTIONS:
                return self.call(word, tok)
            if word in KEYWORDS:
                raise ConditionError(f"{word!r} cannot stand here", tok.pos)
            raise ConditionError(
                f"unknown word {tok.text!r}; write flag({tok.text}), var({tok.text}), "
                f"visited({tok.text}) or has({tok.text})",
                tok.pos,
            )
        found = "the end of the condition" if tok.kind == "end" else repr(tok.text)
        raise ConditionError(f"expected a value but found {found}", tok.pos)

    def call(self, fn: str, tok: Token) -> Node:
        self.expect("(")
        optional = FUNCTIONS[fn].endswith("?")
        if optional and self.peek().text == ")":
            self.take()
            return ("call", fn, None, tok.pos)
        arg = self.take()
        if arg.kind not in ("name", "num"):
            raise ConditionError(f"{fn}() needs a {FUNCTIONS[fn].rstrip('?')} id", arg.pos)
        self.expect(")")
        return ("call", fn, arg.text, arg.pos)


def parse(text: str) -> Node:
    """Parse a condition; raises ConditionError with the column of the problem."""
    node = _Parser(text).parse()
    if _depth(node) > MAX_DEPTH + 2:  # a comparison and its value sit below the last level
        raise ConditionError(_TOO_DEEP, 0)
    return node


def _depth(node: Node) -> int:
    deepest = 0
    stack = [(node, 1)]
    while stack:
        n, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((x, d + 1) for x in n[1:] if isinstance(x, tuple))
    return deepest


def references(node: Node) -> list[tuple[str, str, int]]:
    """Every (function, argument, column) the condition refers to."""
    out: list[tuple[str, str, int]] = []
    stack = [node]
    while stack:
        n = stack.pop()
        kind = n[0]
        if kind == "call":
            if n[2] is not None:
                out.append((n[1], n[2], n[3]))
        elif kind == "cmp":
            stack.extend((n[2], n[3]))
        elif kind in ("and", "or"):
            stack.extend((n[1], n[2]))
        elif kind == "not":
            stack.append(n[1])
    return out


def uses(node: Node, what: str) -> bool:
    """True when the condition reads `score`, `percentage`, or calls function `what`."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n[0] == what or (n[0] == "call" and n[1] == what):
            return True
        stack.extend(x for x in n[1:] if isinstance(x, tuple))
    return False


class Facts(Protocol):
    def visited(self, scene: str) -> int: ...
    def flag(self, name: str) -> bool: ...
    def var(self, name: str) -> int: ...
    def has(self, entry: str) -> bool: ...
    def count(self, kind: str | None) -> int: ...
    def done(self, location: str) -> bool: ...
    def done_count(self, hub: str | None) -> int: ...
    def score(self) -> int: ...
    def percentage(self) -> int: ...


def value(node: Node, facts: Facts) -> int:
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "score":
        return facts.score()
    if kind == "percentage":
        return facts.percentage()
    if kind == "call":
        return int(getattr(facts, node[1])(node[2]))
    if kind == "cmp":
        left, right = value(node[2], facts), value(node[3], facts)
        op = node[1]
        result = {
            "==": left == right,
            "!=": left != right,
            ">=": left >= right,
            "<=": left <= right,
            ">": left > right,
            "<": left < right,
        }[op]
        return int(result)
    if kind == "and":
        return int(bool(value(node[1], facts)) and bool(value(node[2], facts)))
    if kind == "or":
        return int(bool(value(node[1], facts)) or bool(value(node[2], facts)))
    if kind == "not":
        return int(not value(node[1], facts))
    raise ValueError(f"unknown condition node {kind!r}")


def holds(node: Node | None, facts: Facts) -> bool:
    return node is None or bool(value(node, facts))
