"""The layers of the package, read from the source (see docs/architecture.md).

Every import in every module under elearning/ counts: at module level, inside functions and
under `if TYPE_CHECKING:`. Each must follow LAYERS, and no group of elearning modules may
import each other in a circle, however lazily: a cycle is broken by moving the shared type
down, never by hiding an import in a function. (Imports by name in a string, such as
uvicorn's "elearning.web.app:create_app" or importlib.import_module, are not seen.)
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parent.parent

# package (or top-level module) -> the packages it may import, besides itself and LEAVES
LAYERS: dict[str, frozenset[str]] = {
    "course": frozenset(),
    "engine": frozenset({"course"}),
    "authoring": frozenset({"course", "engine"}),
    "analytics": frozenset({"course", "engine"}),
    "certificates": frozenset({"course", "engine"}),
    "storage": frozenset({"course", "engine", "analytics", "certificates"}),
    "web": frozenset({"course", "engine", "authoring", "analytics", "certificates", "storage"}),
    "commands": frozenset({"course", "engine", "authoring", "analytics", "certificates", "storage", "web"}),
    "cli": frozenset({"commands"}),
    # the test suite's and the benchmarks' server helper, on top: nothing in the package imports it
    "testing": frozenset({"course", "engine", "authoring", "analytics", "certificates", "storage", "web", "commands"}),
    "": frozenset(),  # elearning/__init__.py
}
# modules anyone may import; they import nothing of elearning themselves (i18n: the gettext
# helper of the text catalogue, where texts.py is headed)
LEAVES = frozenset({"settings", "texts", "i18n"})
# the pure layers run without the web, the database, PDF rendering or the command line
PURE = frozenset({"course", "engine", "authoring", "analytics"})
NOT_IN_PURE = frozenset({"starlette", "tortoise", "jinja2", "weasyprint", "click", "uvicorn", "itsdangerous"})
# the engine runs a compiled Course, as ink's runtime does: it never reads source syntax
SOURCE_SYNTAX = frozenset({"yaml", "jsonschema", "elearning.course.loader", "elearning.course.schema",
                           "elearning.course.compiler", "elearning.course.compilation", "elearning.course.checks"})


@dataclass(frozen=True)
class Import:
    file: str  # elearning/course/x.py
    line: int
    importer: str  # elearning.course.x
    target: str  # elearning.engine.play, or the top-level name of another library


def module_name(file: str) -> str:
    parts = list(Path(file).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(file: str, source: str, modules: frozenset[str]) -> Iterator[Import]:
    """Every import of one file, each resolved to the module it loads."""
    importer = module_name(file)
    package = importer if file.endswith("__init__.py") else importer.rpartition(".")[0]
    for node in ast.walk(ast.parse(source, filename=file)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(file, node.lineno, importer, _resolve(alias.name, modules))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield Import(file, node.lineno, importer, _resolve(full if full in modules else base, modules))


def _resolve(name: str, modules: frozenset[str]) -> str:
    if name.split(".")[0] != "elearning":
        return name.split(".")[0]
    while name not in modules and "." in name:
        name = name.rpartition(".")[0]
    return name


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def allowed(own: str) -> list[str]:
    if own in LEAVES:
        return []
    return sorted({f"elearning.{p}" for p in {own, *LAYERS[own], *LEAVES}} - {"elearning."})


def check(sources: Mapping[str, str]) -> list[str]:
    """What breaks the layers in these files (path under the repository -> source)."""
    modules = frozenset(module_name(f) for f in sources)
    # one per line and module: `from x import a, b` loads x once
    found = list(dict.fromkeys(imp for file, source in sorted(sources.items()) for imp in imports(file, source, modules)))
    failures = []
    for module in sorted(modules):
        own = layer(module)
        if own not in LAYERS and own not in LEAVES:
            failures.append(f"{module} is in no layer: add 'elearning.{own}' to LAYERS or LEAVES in tests/test_layers.py")
    for imp in found:
        own, target = layer(imp.importer), imp.target
        if own not in LAYERS and own not in LEAVES:
            continue
        if own == "engine" and target in SOURCE_SYNTAX:
            failures.append(f"{imp.file}:{imp.line} imports {target} (the engine runs a compiled Course, "
                            "it reads no source syntax)")
            continue
        if target.split(".")[0] != "elearning":
            if own in PURE and target in NOT_IN_PURE:
                failures.append(f"{imp.file}:{imp.line} imports {target} (the {own} layer runs without it)")
            continue
        theirs = layer(target)
        if target == "elearning" or theirs == own:
            continue
        if own in LEAVES or (theirs not in LAYERS[own] and theirs not in LEAVES):
            may = ", ".join(allowed(own)) or "nothing of elearning"
            failures.append(f"{imp.file}:{imp.line} imports {target} ({own or 'elearning'} may import only: {may})")
    return failures + cycles(found)


def cycles(found: list[Import]) -> list[str]:
    """One message per group of modules that import each other in a circle (lazily or not)."""
    edges: dict[str, dict[str, Import]] = {}
    for imp in found:
        if imp.target.startswith("elearning") and imp.target != imp.importer:
            edges.setdefault(imp.importer, {}).setdefault(imp.target, imp)
    out = []
    for group in _strongly_connected(edges):
        if len(group) > 1:
            path = _circle(edges, group)
            steps = [edges[a][b] for a, b in zip(path, path[1:], strict=False)]
            others = sorted(set(group) - set(path))
            out.append("import cycle: " + " -> ".join(path) + " ("
                       + ", ".join(f"{s.file}:{s.line}" for s in steps) + ")"
                       + (f"; also in this cycle: {', '.join(others)}" if others else ""))
    return out


def _strongly_connected(edges: dict[str, dict[str, Import]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively; groups in a stable order."""
    nodes = sorted(set(edges) | {t for ts in edges.values() for t in ts})
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, {}))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    groups.append(sorted(group))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges.get(child, {})))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return sorted(groups)


def _circle(edges: dict[str, dict[str, Import]], group: list[str]) -> list[str]:
    """A shortest way from the group's first module back to itself, inside the group."""
    start = group[0]
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for node in frontier:
            for target in sorted(edges.get(node, {})):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if target in group and target not in came_from:
                    came_from[target] = node
                    nxt.append(target)
        frontier = nxt
    raise AssertionError(f"no cycle through {start}")  # a strongly connected group always has one


def package_sources() -> dict[str, str]:
    files = sorted((ROOT / "elearning").rglob("*.py"))
    return {f.relative_to(ROOT).as_posix(): f.read_text(encoding="utf-8") for f in files}


# -- the package ---------------------------------------------------------------------------------
def test_every_import_in_the_package_follows_the_layers_and_no_modules_import_each_other_in_a_circle() -> None:
    sources = package_sources()
    assert len(sources) > 50 and "elearning/authoring/load.py" in sources
    assert check(sources) == []


def test_the_checker_sees_the_imports_that_matter() -> None:
    """Function-level and TYPE_CHECKING imports of the real package are read, not only the top."""
    sources = package_sources()
    modules = frozenset(module_name(f) for f in sources)
    found = {(i.importer, i.target) for f, s in sources.items() for i in imports(f, s, modules)}
    assert ("elearning.authoring.load", "elearning.authoring.explore") in found
    assert ("elearning.course", "elearning.course.compiler") in found  # from the package's __init__
    assert ("elearning.engine.play", "elearning.course.conditions") in found  # `from elearning.course import conditions`


# -- the checker on a made-up package -------------------------------------------------------------
BROKEN = {
    "elearning/__init__.py": "",
    "elearning/settings.py": "import os\n",
    "elearning/course/__init__.py": "from elearning.course.model import Course\n",
    "elearning/course/model.py": "from elearning import settings\n\nclass Course: ...\n",
    "elearning/course/compiler.py": (
        "from elearning.course.model import Course\n"
        "\n"
        "\n"
        "def load(path):\n"
        "    from elearning.engine.play import start  # the compiler reaching up, lazily\n"
        "    return start\n"
    ),
    "elearning/engine/__init__.py": "",
    "elearning/engine/play.py": (
        "from elearning.course.model import Course\n"
        "from elearning.engine.state import State\n"
        "import starlette\n"
        "from elearning.course.compiler import load, Problem\n"
        "import yaml\n"
    ),
    "elearning/engine/state.py": (
        "from typing import TYPE_CHECKING\n"
        "\n"
        "if TYPE_CHECKING:\n"
        "    from .play import start\n"
    ),
    "elearning/web/__init__.py": "",
    "elearning/web/app.py": "from elearning.engine import play\nfrom elearning.commands import serve\n",
    "elearning/commands/__init__.py": "",
    "elearning/commands/serve.py": "from elearning.web import app\n",
    "elearning/plugins/__init__.py": "",
}


def test_an_upward_import_a_lazy_cycle_and_a_package_in_no_layer_fail_with_where_and_why() -> None:
    assert check(BROKEN) == [
        "elearning.plugins is in no layer: add 'elearning.plugins' to LAYERS or LEAVES in tests/test_layers.py",
        "elearning/course/compiler.py:5 imports elearning.engine.play "
        "(course may import only: elearning.course, elearning.i18n, elearning.settings, elearning.texts)",
        "elearning/engine/play.py:3 imports starlette (the engine layer runs without it)",
        "elearning/engine/play.py:4 imports elearning.course.compiler (the engine runs a compiled Course, "
        "it reads no source syntax)",
        "elearning/engine/play.py:5 imports yaml (the engine runs a compiled Course, it reads no source syntax)",
        "elearning/web/app.py:2 imports elearning.commands.serve (web may import only: elearning.analytics, "
        "elearning.authoring, elearning.certificates, elearning.course, elearning.engine, elearning.i18n, "
        "elearning.settings, elearning.storage, elearning.texts, elearning.web)",
        "import cycle: elearning.commands.serve -> elearning.web.app -> elearning.commands.serve "
        "(elearning/commands/serve.py:1, elearning/web/app.py:2)",
        "import cycle: elearning.course.compiler -> elearning.engine.play -> elearning.course.compiler "
        "(elearning/course/compiler.py:5, elearning/engine/play.py:4); also in this cycle: elearning.engine.state",
    ]


def test_a_cycle_held_together_only_by_type_checking_imports_fails_too() -> None:
    sources = {
        "elearning/__init__.py": "",
        "elearning/storage/__init__.py": "",
        "elearning/storage/a.py": "from elearning.storage.b import B\n\nclass A: ...\n",
        "elearning/storage/b.py": (
            "from __future__ import annotations\n"
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n"
            "    from elearning.storage.a import A\n"
            "class B: ...\n"
        ),
    }
    assert check(sources) == [
        "import cycle: elearning.storage.a -> elearning.storage.b -> elearning.storage.a "
        "(elearning/storage/a.py:1, elearning/storage/b.py:4)",
    ]


def test_a_leaf_may_import_nothing_of_elearning() -> None:
    sources = {"elearning/__init__.py": "", "elearning/texts.py": "def f():\n    from elearning.course import model\n",
               "elearning/course/__init__.py": "", "elearning/course/model.py": ""}
    assert check(sources) == [
        "elearning/texts.py:2 imports elearning.course.model (texts may import only: nothing of elearning)",
    ]


def test_the_same_package_without_the_breaks_passes() -> None:
    fixed = dict(BROKEN)
    del fixed["elearning/plugins/__init__.py"]
    fixed["elearning/course/compiler.py"] = "from elearning.course.model import Course\n"
    fixed["elearning/engine/play.py"] = "from elearning.course.model import Course\nfrom elearning.engine.state import State\n"
    fixed["elearning/engine/state.py"] = "from elearning.course.model import Course\n"
    fixed["elearning/web/app.py"] = "from elearning.engine import play\n"
    assert check(fixed) == []
