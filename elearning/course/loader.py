"""Reading YAML files while keeping the line and column of every value.

`read_yaml` parses with libyaml's composer (fast, and every node keeps its marks)
and turns the node tree into plain Python data. The node tree is kept so that a
problem found later, at a path like ("scenes", 3, "choices", 0, "goto"), can be
pointed at its exact line and column with `Document.locate`.

Hostile input is refused with a located message, never an exception: anchors and
aliases (the YAML bomb), duplicate keys, files that are too large, too deeply
nested or not UTF-8.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml is much faster; fall back to the pure-Python parser where it is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 5_000_000
MAX_DEPTH = 40
_constructor = yaml.constructor.SafeConstructor()

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Located:
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class Document:
    """One YAML file: its data, its node tree, and the problems met while reading it."""

    path: Path
    display: str  # the path as shown in messages
    data: Any = None
    root: yaml.Node | None = None
    problems: list[tuple[Located, str]] = field(default_factory=list)
    refused: list[PathKey] = field(default_factory=list)  # values left out (aliases, too deep)

    def is_refused(self, path: PathKey) -> bool:
        """True when path lies inside a value that was left out; errors there only echo that refusal."""
        return any(path[: len(r)] == r for r in self.refused)

    def locate(self, path: PathKey, *, key: bool = False) -> Located:
        """Line and column of the value at `path` (of its key when key=True).

        Walks as deep as the path exists; a missing tail points at the nearest
        existing parent, which is where the author has to add something.
        """
        node = self.root
        if node is None:
            return Located(1, 1)
        target: yaml.Node = node
        key_node: yaml.Node | None = None
        for part in path:
            nxt, nxt_key = _child(target, part)
            if nxt is None:
                break
            target, key_node = nxt, nxt_key
        chosen = key_node if key and key_node is not None else target
        return Located(chosen.start_mark.line + 1, chosen.start_mark.column + 1)

    def scalar_start(self, path: PathKey) -> tuple[Located, int]:
        """Where the text of a scalar starts, and how many quote characters precede it."""
        loc = self.locate(path)
        node = self.root
        for part in path:
            node, _ = _child(node, part) if node is not None else (None, None)
        style = getattr(node, "style", None)
        return loc, (1 if style in ("'", '"') else 0)


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node | None, yaml.Node | None]:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == part:
                return v, k
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        if 0 <= part < len(node.value):
            return node.value[part], None
    return None, None


def read_yaml(path: Path, display: str) -> Document:
    doc = Document(path=path, display=display)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        doc.problems.append((Located(1, 1), f"cannot read the file: {exc.strerror}"))
        return doc
    if len(raw) > MAX_FILE_BYTES:
        doc.problems.append(
            (Located(1, 1), f"the file is {len(raw):,} bytes; files larger than {MAX_FILE_BYTES:,} bytes are refused")
        )
        return doc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - raw.rfind(b"\n", 0, exc.start)
        doc.problems.append((Located(line, col), "the file is not UTF-8 text; save it as UTF-8"))
        return doc
    if "\x00" in text:
        doc.problems.append((Located(1, 1), "the file contains binary data, not YAML text"))
        return doc
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        doc.problems.append(_syntax_problem(exc, text))
        return doc
    except yaml.reader.ReaderError as exc:
        # libyaml counts bytes of the UTF-8 text, the pure-Python reader characters
        before = text.encode()[: exc.position].decode(errors="ignore") if _Loader is not yaml.SafeLoader else text[: exc.position]
        where = Located(before.count("\n") + 1, len(before) - before.rfind("\n"))
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        doc.problems.append((where, f"the file contains the invisible control character U+{code:04X}, which YAML "
                                    "does not allow; remove it (retype the text around it)"))
        return doc
    except (yaml.YAMLError, RecursionError) as exc:
        doc.problems.append((Located(1, 1), f"YAML syntax error: {exc}"))
        return doc
    if not nodes or nodes[0] is None:
        doc.problems.append((Located(1, 1), "the file is empty"))
        return doc
    if len(nodes) > 1:
        second = nodes[1]
        doc.problems.append((Located(second.start_mark.line + 1, 1), "a file holds one YAML document; remove the '---'"))
    doc.root = nodes[0]
    doc.data = _to_python(nodes[0], doc)
    if doc.refused and any(message == ALIAS_MESSAGE for _, message in doc.problems):
        doc.problems = [p for p in doc.problems if p[1] != ALIAS_MESSAGE] + _aliases(text)
    return doc


ALIAS_MESSAGE = "anchors and aliases (& and *) are not supported; write the value out"


def _aliases(text: str) -> list[tuple[Located, str]]:
    """Where each alias (*name) is used: the composed node tree only knows where its anchor is."""
    out = []
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            if mark is None:
                continue
            out.append((Located(mark.line + 1, mark.column + 1),
                        f"anchors and aliases (& and *) are not supported; write the value of '*{event.anchor}' out here"))
    return out


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> tuple[Located, str]:
    """libyaml's problem, with what it means for an author and where to look."""
    problem = exc.problem or exc.context or "invalid YAML"
    mark = exc.problem_mark or exc.context_mark
    opened = exc.context_mark
    hint = ""
    if problem.startswith("mapping values are not allowed"):
        hint = "a ':' followed by a space cannot stand here: put a text that contains ': ' between double quotes, " \
               "or check the indentation of this line"
    elif problem == "found character that cannot start any token" and mark is not None:
        char = text[mark.index] if mark.index < len(text) else ""
        hint = ("this line is indented with a tab; indent with spaces" if char == "\t"
                else f"a text cannot start with '{char}'; put the text between double quotes")
    elif problem.startswith("did not find expected ',' or") and opened is not None:
        bracket, name = ("]", "list") if problem.endswith("']'") else ("}", "mapping")
        hint = (f"the {name} that opens on line {opened.line + 1} is not closed with '{bracket}', "
                "or a text in it needs double quotes")
    elif problem == "found unexpected end of stream" and "quoted" in (exc.context or "") and opened is not None:
        mark = opened
        hint = "this quote is never closed; end the text with the same quote mark"
    elif problem == "found unknown escape character":
        hint = "between double quotes a backslash (\\) starts a special character; write \\\\ or use single quotes"
    elif problem == "did not find expected key":
        hint = "this line does not line up with the keys above it; check its indentation, " \
               "and put a text with special characters between double quotes"
    elif problem == "did not find expected '-' indicator":
        hint = "this line does not line up with the list above it; start a list item with '- ' at the same indentation"
    elif problem == "could not find expected ':'":
        hint = "a line above has no ':' after its key, or a text runs over several lines; put such a text between double quotes"
    elif problem == "found undefined alias" or (exc.context or "").startswith("while scanning an anchor"):
        return _located(mark), ALIAS_MESSAGE
    return _located(mark), f"YAML syntax error: {problem}" + (f"; {hint}" if hint else "")


def _located(mark: yaml.Mark | None) -> Located:
    return Located(mark.line + 1, mark.column + 1) if mark is not None else Located(1, 1)


BRACES_MESSAGE = "a text that starts with '{{' must stand between double quotes: \"{{ ... }}\""


def _braces(node: yaml.MappingNode) -> bool:
    """`{{ name }}` unquoted: YAML reads a mapping inside a mapping, where the author meant a text."""
    return bool(node.flow_style and node.value and isinstance(node.value[0][0], yaml.MappingNode)
                and node.value[0][0].flow_style)


def _to_python(root: yaml.Node, doc: Document) -> Any:
    """Iterative conversion (no recursion limit to hit), refusing aliases and duplicate keys."""
    seen: set[int] = set()
    result: list[Any] = [None]
    # work items: (node, container, key-in-container, path); popped in document order, so the
    # first time a node is met is where its anchor stands, and every later time is an alias
    stack: list[tuple[yaml.Node, Any, Any, PathKey]] = [(root, result, 0, ())]
    while stack:
        node, container, slot, path = stack.pop()
        if id(node) in seen:
            doc.problems.append((Located(node.start_mark.line + 1, node.start_mark.column + 1), ALIAS_MESSAGE))
            doc.refused.append(path)
            container[slot] = None
            continue
        seen.add(id(node))
        if len(path) > MAX_DEPTH:
            mark = node.start_mark
            doc.problems.append((Located(mark.line + 1, mark.column + 1), f"nested more than {MAX_DEPTH} levels deep"))
            doc.refused.append(path)
            container[slot] = None
            continue
        if isinstance(node, yaml.ScalarNode):
            try:
                container[slot] = _constructor.construct_object(node)
            except (yaml.YAMLError, ValueError, OverflowError):
                container[slot] = node.value
        elif isinstance(node, yaml.SequenceNode):
            items: list[Any] = [None] * len(node.value)
            container[slot] = items
            for i in range(len(node.value) - 1, -1, -1):
                stack.append((node.value[i], items, i, path + (i,)))
        elif isinstance(node, yaml.MappingNode) and _braces(node):
            mark = node.start_mark
            doc.problems.append((Located(mark.line + 1, mark.column + 1), BRACES_MESSAGE))
            doc.refused.append(path)
            container[slot] = None
        elif isinstance(node, yaml.MappingNode):
            mapping: dict[Any, Any] = {}
            container[slot] = mapping
            pending: list[tuple[yaml.Node, Any, Any, PathKey]] = []
            for knode, vnode in node.value:
                if not isinstance(knode, yaml.ScalarNode):
                    mark = knode.start_mark
                    doc.problems.append((Located(mark.line + 1, mark.column + 1), "a key must be a plain word"))
                    continue
                key = knode.value
                if key == "<<":
                    mark = knode.start_mark
                    doc.problems.append((Located(mark.line + 1, mark.column + 1), "merge keys (<<) are not supported"))
                    continue
                if key in mapping:
                    mark = knode.start_mark
                    doc.problems.append(
                        (Located(mark.line + 1, mark.column + 1), f"the key '{key}' appears twice here; keep one")
                    )
                    continue
                mapping[key] = None
                pending.append((vnode, mapping, key, path + (key,)))
            stack.extend(reversed(pending))
    return result[0]
