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

from elearning.course.problems import Level, Text, text
from elearning.course.yaml_hints import comment_in_text, syntax_hint
from elearning.i18n import N_

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
    problems: list[tuple[Located, Text, Level]] = field(default_factory=list)
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

    def source(self, path: PathKey) -> str | None:
        """The text of the scalar at path as written (before YAML read `no` as false), or None."""
        node = self.root
        for part in path:
            node, _ = _child(node, part) if node is not None else (None, None)
        return node.value if isinstance(node, yaml.ScalarNode) and not node.style else None

    def error(self, where: Located, message: Text, level: Level = "error") -> None:
        self.problems.append((where, message, level))


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
        doc.error(Located(1, 1), text(N_("cannot read the file: {reason}"), reason=exc.strerror))
        return doc
    if len(raw) > MAX_FILE_BYTES:
        doc.error(Located(1, 1), text(N_("the file is {size} bytes; files larger than {limit} bytes are refused"),
                                      size=f"{len(raw):,}", limit=f"{MAX_FILE_BYTES:,}"))
        return doc
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - raw.rfind(b"\n", 0, exc.start)
        doc.error(Located(line, col), text(N_("the file is not UTF-8 text; save it as UTF-8")))
        return doc
    if "\x00" in source:
        doc.error(Located(1, 1), text(N_("the file contains binary data, not YAML text")))
        return doc
    try:
        nodes = list(yaml.compose_all(source, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        (line, col), message = syntax_hint(exc, source, ALIAS_MESSAGE)
        doc.error(Located(line, col), message)
        return doc
    except yaml.reader.ReaderError as exc:
        # libyaml counts bytes of the UTF-8 text, the pure-Python reader characters
        before = source.encode()[: exc.position].decode(errors="ignore") if _Loader is not yaml.SafeLoader \
            else source[: exc.position]
        where = Located(before.count("\n") + 1, len(before) - before.rfind("\n"))
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        doc.error(where, text(N_("the file contains the invisible control character {code}, which YAML does not "
                                 "allow; remove it (retype the text around it)"), code=f"U+{code:04X}"))
        return doc
    except (yaml.YAMLError, RecursionError) as exc:
        doc.error(Located(1, 1), text(N_("YAML syntax error: {problem}"), problem=str(exc)))
        return doc
    if not nodes or nodes[0] is None:
        doc.error(Located(1, 1), text(N_("the file is empty")))
        return doc
    if len(nodes) > 1:
        second = nodes[1]
        doc.error(Located(second.start_mark.line + 1, 1), text(N_("a file holds one YAML document; remove the '---'")))
    doc.root = nodes[0]
    doc.data = _to_python(nodes[0], doc)
    if doc.refused and any(message == ALIAS_MESSAGE for _, message, _ in doc.problems):
        doc.problems = [p for p in doc.problems if p[1] != ALIAS_MESSAGE] + _aliases(source)
    for line, col, shown in comment_in_text(doc.root, source):
        doc.error(Located(line, col), text(N_(
            "YAML reads ' #' and the rest of this line as a comment, so the text ends at '{shown}'; to keep the "
            "'#', put the whole text between double quotes (a comment belongs on a line of its own)"), shown=shown),
            "warning")
    return doc


ALIAS_MESSAGE = text(N_("anchors and aliases (& and *) are not supported; write the value out"))


def _aliases(source: str) -> list[tuple[Located, Text, Level]]:
    """Where each alias (*name) is used: the composed node tree only knows where its anchor is."""
    out: list[tuple[Located, Text, Level]] = []
    for event in yaml.parse(source, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            if mark is None:
                continue
            out.append((Located(mark.line + 1, mark.column + 1),
                        text(N_("anchors and aliases (& and *) are not supported; write the value of '{alias}' out here"),
                             alias=f"*{event.anchor}"), "error"))
    return out


BRACES_MESSAGE = N_("a text that starts with '{{' must stand between double quotes: \"{{ ... }}\"")


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
            doc.error(Located(node.start_mark.line + 1, node.start_mark.column + 1), ALIAS_MESSAGE)
            doc.refused.append(path)
            container[slot] = None
            continue
        seen.add(id(node))
        if len(path) > MAX_DEPTH:
            mark = node.start_mark
            doc.error(Located(mark.line + 1, mark.column + 1),
                      text(N_("nested more than {depth} levels deep"), depth=MAX_DEPTH))
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
            doc.error(Located(mark.line + 1, mark.column + 1), text(BRACES_MESSAGE))
            doc.refused.append(path)
            container[slot] = None
        elif isinstance(node, yaml.MappingNode):
            mapping: dict[Any, Any] = {}
            container[slot] = mapping
            pending: list[tuple[yaml.Node, Any, Any, PathKey]] = []
            for knode, vnode in node.value:
                if not isinstance(knode, yaml.ScalarNode):
                    mark = knode.start_mark
                    doc.error(Located(mark.line + 1, mark.column + 1), text(N_("a key must be a plain word")))
                    continue
                key = knode.value
                if key == "<<":
                    mark = knode.start_mark
                    doc.error(Located(mark.line + 1, mark.column + 1), text(N_("merge keys (<<) are not supported")))
                    continue
                if key in mapping:
                    mark = knode.start_mark
                    doc.error(Located(mark.line + 1, mark.column + 1),
                              text(N_("the key '{key}' appears twice here; keep one"), key=key))
                    continue
                mapping[key] = None
                pending.append((vnode, mapping, key, path + (key,)))
            stack.extend(reversed(pending))
    return result[0]
