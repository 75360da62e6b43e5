"""What a YAML mistake in real Dutch text means, and how to fix it, said in plain words.

libyaml reports where it lost its way ("did not find expected key"); an author needs to know
what in their line caused it: a text that starts with a quote mark and goes on after it
(`text: "Bent u er?" fluistert ze.`), a text that starts with an apostrophe (`'s Nachts`), a
line indented a space too far or too little, a tab. `syntax_hint` recognises these from the
lines around the error; `comment_in_text` finds texts that YAML silently cut at ` #`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from elearning.course.problems import Text, text
from elearning.i18n import N_

# keys whose value is prose: a ' #' in it is far more likely meant as text than as a comment
_PROSE = {"text", "label", "title", "feedback", "reason", "description", "alt"}
_PREFIX = re.compile(r"""^(\s*(?:-\s+)?(?:[^\s:#'"\-][^:#]*:\s+)?)(["'])""")
_KEY_LINE = re.compile(r"^( *)(-\s+)?([\w-]+):(\s|$)")
_INDENT_PROBLEMS = ("did not find expected '-' indicator", "mapping values are not allowed",
                    "did not find expected key", "expected <block end>")

Where = tuple[int, int]  # 1-based line and column


def syntax_hint(exc: yaml.MarkedYAMLError, source: str, alias_message: Text) -> tuple[Where, Text]:
    """Where the author should look and what to do, for a syntax error libyaml found."""
    problem = exc.problem or exc.context or "invalid YAML"
    mark = exc.problem_mark or exc.context_mark
    opened = exc.context_mark
    lines = source.split("\n")
    if problem == "found undefined alias" or (exc.context or "").startswith("while scanning an anchor"):
        return _at(mark), alias_message
    if mark is not None and mark.line < len(lines):
        found = _quote_then_more(mark.line, lines)
        if found is not None:
            return found
    if "tab" in problem or (problem == "found character that cannot start any token" and mark is not None
                            and source[mark.index: mark.index + 1] == "\t"):
        row = mark.line if mark is not None else 0
        return (row + 1, 1), text(N_("this line is indented with a tab; indent with spaces (2 for every level)"))
    if problem == "found unexpected end of stream" and "quoted" in (exc.context or "") and opened is not None:
        return _unclosed_quote(opened, lines)
    if mark is not None and problem.startswith(_INDENT_PROBLEMS):
        found = _indentation(mark.line, lines)
        if found is not None:
            return found
    hint = _generic(problem, exc, source)
    if hint is None:
        return _at(mark), text(N_("YAML syntax error: {problem}"), problem=problem)
    return _at(mark), text(N_("YAML syntax error: {problem}; {hint}"), problem=problem, hint=hint)


def _generic(problem: str, exc: yaml.MarkedYAMLError, source: str) -> Text | None:
    mark, opened = exc.problem_mark or exc.context_mark, exc.context_mark
    if problem.startswith("mapping values are not allowed"):
        return text(N_("a ':' followed by a space cannot stand here: put a text that contains ': ' between double "
                       "quotes, or check the indentation of this line"))
    if problem == "found character that cannot start any token" and mark is not None:
        char = source[mark.index] if mark.index < len(source) else ""
        return text(N_("a text cannot start with '{char}'; put the text between double quotes"), char=char)
    if problem.startswith("did not find expected ',' or") and opened is not None:
        if problem.endswith("']'"):
            return text(N_("the list that opens on line {line} is not closed with ']', or a text in it needs double "
                           "quotes"), line=opened.line + 1)
        return text(N_("the mapping that opens on line {line} is not closed with '}}', or a text in it needs double "
                       "quotes"), line=opened.line + 1)
    if problem == "found unknown escape character":
        return text(N_("between double quotes a backslash (\\) starts a special character; write \\\\ or use single "
                       "quotes"))
    if problem == "did not find expected key":
        return text(N_("this line does not line up with the keys above it; check its indentation, and put a text "
                       "with special characters between double quotes"))
    if problem == "did not find expected '-' indicator":
        return text(N_("this line does not line up with the list above it; start a list item with '- ' at the same "
                       "indentation"))
    if problem == "could not find expected ':'":
        return text(N_("a line above has no ':' after its key, or a text runs over several lines; put such a text "
                       "between double quotes"))
    return None


def _at(mark: yaml.Mark | None) -> Where:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _quoted_fix(value: str) -> str:
    """The value as one quoted YAML text: double quotes, or single ones when it holds double quotes."""
    if '"' in value:
        return "'" + value.replace("'", "''") + "'"
    return '"' + value.replace("\\", "\\\\") + '"'


def _quote_then_more(row: int, lines: list[str]) -> tuple[Where, Text] | None:
    """`text: "Bent u er?" fluistert ze.`: a quoted text that goes on after its closing quote."""
    line = lines[row]
    match = _PREFIX.match(line)
    if match is None:
        return None
    prefix, quote = match.group(1), match.group(2)
    start = len(prefix)
    i = start + 1
    while i < len(line):
        if line[i] == quote:
            if quote == "'" and line[i + 1: i + 2] == "'":
                i += 2
                continue
            if quote == '"' and line[i - 1] == "\\":
                i += 1
                continue
            break
        i += 1
    else:
        return None
    rest = line[i + 1:]
    if not rest.strip() or rest.lstrip().startswith("#"):
        return None
    value = line[start:].rstrip()
    fixed = f"{prefix.strip().removeprefix('-').strip()} {_quoted_fix(value)}".strip()
    return (row + 1, start + 1), text(N_(
        "this text starts with a quote mark, so YAML takes only {quoted} as the text and cannot read what follows; "
        "put the whole text between quotes: {fixed}"), quoted=line[start: i + 1], fixed=fixed)


def _unclosed_quote(opened: yaml.Mark, lines: list[str]) -> tuple[Where, Text]:
    line = lines[opened.line] if opened.line < len(lines) else ""
    value = line[opened.column:].rstrip()
    where = (opened.line + 1, opened.column + 1)
    if value.startswith("'") and re.match(r"'\w", value):
        prefix = line[: opened.column].strip().removeprefix("-").strip()
        return where, text(N_(
            "a text that starts with an apostrophe (such as 's Nachts or 't Is) looks to YAML like a quoted text "
            "that never ends; put the whole text between double quotes: {fixed}"),
            fixed=f"{prefix} {_quoted_fix(value)}".strip())
    return where, text(N_("YAML syntax error: {problem}; {hint}"), problem="found unexpected end of stream",
                       hint=text(N_("this quote is never closed; end the text with the same quote mark")))


def _content(lines: list[str], row: int) -> Iterator[tuple[int, str]]:
    """The lines above row that hold something (not blank, not only a comment), nearest first."""
    for r in range(row - 1, -1, -1):
        stripped = lines[r].strip()
        if stripped and not stripped.startswith("#"):
            yield r, lines[r]


def _indentation(row: int, lines: list[str]) -> tuple[Where, Text] | None:
    """A `key: value` line that does not line up with the keys above it: the nearest key it
    could belong with, and how far to move it."""
    match = _KEY_LINE.match(lines[row])
    if match is None or match.group(2):
        return None
    indent, key = len(match.group(1)), match.group(3)
    deeper: tuple[int, str, int] | None = None  # the nearest key above that stands to the right of this line
    for r, above in _content(lines, row):
        other = _KEY_LINE.match(above)
        if other is None:
            return None
        dash = len(other.group(1))
        column = dash + len(other.group(2) or "")
        if indent == column:
            return None  # lines up with a key: the mistake is elsewhere
        if indent > column:
            if deeper is not None and (deeper[0] - indent <= indent - column or above.rstrip().endswith(":")):
                return _move(row, indent, deeper[0], key, deeper[1], deeper[2])
            if deeper is None and above.rstrip().endswith(":"):
                return None  # the first line of the block that this key opens
            return _move(row, indent, column, key, other.group(3), r)
        if other.group(2) and dash <= indent:
            return _move(row, indent, column, key, other.group(3), r)  # below the '-' of a list item
        deeper = (column, other.group(3), r)
    return None


def _move(row: int, indent: int, column: int, key: str, other: str, other_row: int) -> tuple[Where, Text]:
    n = abs(column - indent)
    values = {"key": key, "other": other, "line": other_row + 1, "n": n}
    if column > indent:
        message = text(N_("indent this line 1 more space, so that '{key}' lines up with '{other}' on line {line}"),
                       **values) if n == 1 else \
            text(N_("indent this line {n} more spaces, so that '{key}' lines up with '{other}' on line {line}"),
                 **values)
    else:
        message = text(N_("indent this line 1 space less, so that '{key}' lines up with '{other}' on line {line}"),
                       **values) if n == 1 else \
            text(N_("indent this line {n} spaces less, so that '{key}' lines up with '{other}' on line {line}"),
                 **values)
    return (row + 1, indent + 1), message


def comment_in_text(root: yaml.Node | None, source: str) -> list[tuple[int, int, str]]:
    """(line, column of the '#', the text as YAML read it) of every text cut short at ' #'."""
    found: list[tuple[int, int, str]] = []
    stack: list[yaml.Node] = [root] if root is not None else []
    seen: set[int] = set()  # an alias shares its anchor's node: walk each node once (alias bombs)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(value, yaml.ScalarNode):
                    _check_comment(key.value if isinstance(key, yaml.ScalarNode) else "", value, source, found)
                else:
                    stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return sorted(found)


def _check_comment(key: str, value: yaml.ScalarNode, source: str, found: list[tuple[int, int, str]]) -> None:
    if value.style or value.tag != "tag:yaml.org,2002:str":
        return
    if key not in _PROSE and " " not in value.value:
        return
    end = value.end_mark
    tail = source[end.index: source.find("\n", end.index) if "\n" in source[end.index:] else len(source)]
    match = re.match(r"([ \t]+)#(.?)", tail)
    # `groep #5`: one space before the '#', or a character right after it, is text; a comment
    # set apart by several spaces and starting with '# ' is what the author meant
    if match is None or (len(match.group(1)) > 1 and match.group(2) in ("", " ")):
        return
    shown = value.value if len(value.value) <= 40 else "…" + value.value[-30:]
    found.append((end.line + 1, end.column + len(match.group(1)) + 1, shown))
