"""The branching graph of one module as Graphviz DOT text, and its SVG rendering.

    dot = module_dot(course, "rondgang")
    svg = render_svg(dot)          # runs Graphviz `dot -Tsvg`

Nodes are scenes coloured (and shaped, for readers who cannot tell the colours apart) by
kind; edges are choices, hub locations, a question's way on and an end scene's retake.
The optional overlays serve the author studio: how many learners reached a scene or took
a choice, which scenes have problems, and a link on every node.

The text the graph adds (legend, counts, edge names) comes from the catalogue in `lang`; the
course's own text (titles, choice labels) stays as written.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import quote

from elearning.course.model import Course, Module, Scene
from elearning.engine.assessment import answer_id
from elearning.i18n import N_, translator

KINDS: dict[str, dict[str, str]] = {
    "hub": {"shape": "house", "fillcolor": "#cfe2ff", "label": N_("hub (map)")},
    "scene": {"shape": "box", "fillcolor": "#ffffff", "label": N_("scene")},
    "question": {"shape": "hexagon", "fillcolor": "#fff3cd", "label": N_("question"), "style": "filled"},
    "open": {"shape": "note", "fillcolor": "#e2d9f3", "label": N_("open answer"), "style": "filled"},
    "end": {"shape": "doubleoctagon", "fillcolor": "#d1e7dd", "label": N_("end"), "style": "filled"},
}
PROBLEM_FILL = "#f8d7da"
PROBLEM_LINE = "#b02a37"
LOCATION_LINE = "#0a58ca"
LABEL_WIDTH = 28


class GraphvizError(RuntimeError):
    """Graphviz is missing, failed, or took too long."""


def module_dot(
    course: Course,
    module_id: str,
    *,
    counts: Mapping[str, int] | None = None,
    choice_counts: Mapping[tuple[str, str], int] | None = None,
    problems: Mapping[str, Sequence[str]] | None = None,
    link: Callable[[str], str] | None = None,
    lang: str = "nl",
) -> str:
    """The DOT text of the module's graph, with the optional overlays, its own text in `lang`."""
    _ = translator(lang)
    module = _module(course, module_id)
    own = {s.id for s in module.scenes}
    counts = counts or {}
    choice_counts = choice_counts or {}
    problems = problems or {}
    top_count = max(choice_counts.values(), default=0)
    start_tip = _("start")
    lines = [
        f"digraph {_q(module.id)} {{",
        f"  graph [{_attrs(label=module.title, labelloc='t', fontname='DejaVu Sans', rankdir='TB')}];",
        f"  node [{_attrs(style='filled,rounded', fontname='DejaVu Sans', fontsize='11')}];",
        f"  edge [{_attrs(fontname='DejaVu Sans', fontsize='9')}];",
        f"  {_q('_start')} [{_attrs(shape='point', width='0.15', label='', tooltip=start_tip)}];",
        f"  {_q('_start')} -> {_q(module.start)};",
    ]
    outside: dict[str, str] = {}
    for scene in module.scenes:
        lines.append(_node(scene, counts, problems.get(scene.id), link, scene.id == module.start, bool(counts), _))
        for edge in _edges(course, module, scene, _):
            target, cid, label, condition = edge
            if target not in own:
                outside[target] = _outside_label(course, target, _)
            n = choice_counts.get((scene.id, cid))
            attrs: dict[str, str] = {"label": label, "id": f"choice-{scene.id}-{cid}"}
            if n is not None:
                attrs["label"] = f"{label}\n({n})"
                attrs["penwidth"] = f"{1 + 4 * n / top_count:.2f}" if top_count else "1"
            if condition:
                attrs.update(style="dashed", tooltip=_("when: {condition}", condition=condition))
            if cid.startswith("loc-"):
                attrs.update(color=LOCATION_LINE, fontcolor=LOCATION_LINE)
            if cid == "retake":
                attrs.update(style="dotted", constraint="false")
            lines.append(f"  {_q(scene.id)} -> {_q(target)} [{_attrs(**attrs)}];")
    for target, label in outside.items():
        lines.append(f"  {_q(target)} [{_attrs(label=label, shape='box', style='dashed', fillcolor='white')}];")
    lines += _legend(bool(problems), _)
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_svg(dot: str, *, timeout: float = 30) -> str:
    """SVG text from DOT text, by Graphviz's `dot -Tsvg`."""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizError(
            "Graphviz is not installed: the program 'dot' was not found. "
            "Install it (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz)."
        )
    try:
        done = subprocess.run(  # noqa: S603 - fixed program found by shutil.which, list args, no shell
            [exe, "-Tsvg"], input=dot, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise GraphvizError(f"Graphviz 'dot' took longer than {timeout:g} seconds and was stopped.") from exc
    if done.returncode != 0:
        raise GraphvizError(f"Graphviz 'dot' failed (exit {done.returncode}): {done.stderr.strip()}")
    return done.stdout


# -- nodes and edges -------------------------------------------------------------------
def _module(course: Course, module_id: str) -> Module:
    for module in course.modules:
        if module.id == module_id:
            return module
    known = ", ".join(m.id for m in course.modules)
    raise ValueError(f"Unknown module {module_id!r}; the course has: {known}.")


def _node(
    scene: Scene,
    counts: Mapping[str, int],
    problems: Sequence[str] | None,
    link: Callable[[str], str] | None,
    is_start: bool,
    with_counts: bool,
    _: Callable[..., str],
) -> str:
    kind = KINDS[scene.type]
    text = [scene.id]
    if scene.title:
        text += _wrap(scene.title)
    if with_counts:
        n = counts.get(scene.id, 0)
        text.append(_("1 learner") if n == 1 else _("{n} learners", n=n))
    attrs = {
        "id": f"scene-{scene.id}",
        "label": "\n".join(text),
        "shape": kind["shape"],
        "fillcolor": kind["fillcolor"],
        "tooltip": _(kind["label"]) + f": {scene.title or scene.id}",
    }
    if "style" in kind:
        attrs["style"] = kind["style"]
    if is_start:
        attrs["penwidth"] = "2.5"
    if with_counts and counts.get(scene.id, 0) == 0:
        attrs["fontcolor"] = "#495057"
    if problems:
        attrs.update(
            fillcolor=PROBLEM_FILL, color=PROBLEM_LINE, penwidth="3",
            tooltip="\n".join([_("Problems:"), *problems]),
        )
    if link is not None:
        attrs.update(URL=link(scene.id), target="_top")
    return f"  {_q(scene.id)} [{_attrs(**attrs)}];"


def _edges(course: Course, module: Module, scene: Scene,
           _: Callable[..., str]) -> list[tuple[str, str, str, str | None]]:
    """(target scene, choice id, label, condition) for every way out of the scene."""
    out: list[tuple[str, str, str, str | None]] = []
    for loc in scene.locations:
        out.append((loc.goto, f"loc-{loc.id}", "\n".join(_wrap(loc.label)), loc.when))
    for i, choice in enumerate(scene.choices):
        cid = choice.id or f"c{i + 1}"
        label = _wrap(choice.label)
        if choice.points:
            label[-1] += f" ({choice.points:+d})"
        if choice.once:
            label[-1] += _(" [once]")
        out.append((choice.goto, cid, "\n".join(label), choice.when))
    if scene.type == "question":
        for i, ans in enumerate(scene.answers):
            if ans.goto:
                # the answer's id, as analytics count answers: the map's overlay shows how often it was picked
                out.append((ans.goto, answer_id(ans, i), "\n".join(_wrap(ans.text)), None))
    if scene.type in ("question", "open") and scene.goto and not (scene.answers and all(a.goto for a in scene.answers)):
        out.append((scene.goto, "answer", _("answer"), None))
    if scene.type == "end":
        if module.retake:
            out.append((module.start, "retake", _("retake"), None))
        ids = course.meta.modules
        if module.id in ids and ids.index(module.id) + 1 < len(ids):
            nxt = ids[ids.index(module.id) + 1]
            start = next((m.start for m in course.modules if m.id == nxt), None)
            if start is not None:
                out.append((start, "next", _("next module"), None))
    return out


def _outside_label(course: Course, scene_id: str, _: Callable[..., str]) -> str:
    for module in course.modules:
        if any(s.id == scene_id for s in module.scenes):
            return f"{scene_id}\n" + _("(module {module})", module=module.id)
    return f"{scene_id}\n" + _("(no such scene)")


def _legend(with_problem: bool, _: Callable[..., str]) -> list[str]:
    legend = _("Legend")
    lines = [
        "  subgraph cluster_legend {",
        f"    graph [{_attrs(label=legend, fontsize='10', style='rounded', color='#adb5bd')}];",
    ]
    kinds = [(f"_legend_{kind}", {**style, "label": _(style["label"])}) for kind, style in KINDS.items()]
    if with_problem:
        problem = {"label": _("has problems"), "shape": "box", "fillcolor": PROBLEM_FILL}
        kinds.append(("_legend_problem", {**problem, "color": PROBLEM_LINE, "penwidth": "3"}))
    for name, style in kinds:
        lines.append(f"    {_q(name)} [{_attrs(**style)}];")
    lines += [f"    {_q(a)} -> {_q(b)} [style=invis];" for (a, _), (b, _) in zip(kinds, kinds[1:], strict=False)]
    samples = [
        (_("only when…"), {"style": "dashed"}),
        (_("place on the map"), {"color": LOCATION_LINE, "fontcolor": LOCATION_LINE}),
        (_("retake"), {"style": "dotted"}),
    ]
    for i, (label, style) in enumerate(samples):
        a, b = f"_legend_edge{i}a", f"_legend_edge{i}b"
        lines.append(f"    {_q(a)}, {_q(b)} [{_attrs(label='', shape='point', width='0.05')}];")
        lines.append(f"    {_q(a)} -> {_q(b)} [{_attrs(label=label, **style)}];")
    lines.append("  }")
    return lines


# -- DOT text --------------------------------------------------------------------------
def _q(text: str) -> str:
    """A DOT quoted string that shows `text` literally (also in Graphviz's SVG output)."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text.replace("\r\n", "\n"))
    # Graphviz reads &name; as an entity in every label, so & must be written as &amp;.
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return '"' + text.replace("\n", "\\n") + '"'


def _attrs(**attrs: str) -> str:
    return " ".join(f"{key}={_url(value) if key == 'URL' else _q(value)}" for key, value in attrs.items())


def _url(url: str) -> str:
    # Graphviz copies URLs into the SVG without escaping them (it leaves `&amp;` alone), so
    # percent-encode what may not stand in an attribute and write & as &amp;.
    safe = quote(url, safe="/:?=&#%@+,;~!$*()[]-._")
    return '"' + safe.replace("&", "&amp;") + '"'


def _wrap(text: str, width: int = LABEL_WIDTH, lines: int = 2) -> list[str]:
    words = text.split()
    out: list[str] = []
    line = ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return out or [""]
