"""Checks of the assessment keys of a module: question pools (`draw`) and the retake policy."""

from __future__ import annotations

from elearning.course.compilation import Compilation
from elearning.course.model import Course, Module
from elearning.course.problems import text
from elearning.i18n import N_


def check_assessment(comp: Compilation, course: Course) -> None:
    for module in course.modules:
        doc = comp.module_docs.get(module.id)
        if doc is None:
            continue
        if not module.retake and (module.max_attempts is not None or module.retake_wait_minutes is not None):
            key = "max_attempts" if module.max_attempts is not None else "retake_wait_minutes"
            comp.add(doc, (key,), text(N_("'{key}' has no effect without 'retake: true'"), key=key), "warning", key=True)
        _check_draws(comp, module)


def _check_draws(comp: Compilation, module: Module) -> None:
    doc = comp.module_docs[module.id]
    scenes = {s.id: s for s in module.scenes}
    seen: set[str] = set()
    for i, draw in enumerate(module.draw):
        points: dict[int, str] = {}
        for j, sid in enumerate(draw.pool):
            where = ("draw", i, "from", j)
            scene = scenes.get(sid)
            if scene is None or scene.type != "question":
                comp.add(doc, where, text(N_("'{scene}' in a pool is not a question of module '{module}'"), scene=sid, module=module.id))
                continue
            if sid in seen:
                comp.add(doc, where, text(N_("the question '{scene}' is in a pool twice"), scene=sid))
            seen.add(sid)
            best = sum(max(0, a.score) for a in scene.answers) if scene.multiple else max(a.score for a in scene.answers)
            points.setdefault(best, sid)
        if draw.count > len(draw.pool):
            comp.add(doc, ("draw", i, "count"), text(N_('the pool draws {count} questions but holds only {pool}'), count=draw.count, pool=len(draw.pool)))
        if len(points) > 1:
            (a_pts, a_id), (b_pts, b_id) = sorted(points.items())[:2]
            comp.add(doc, ("draw", i, "from"), text(N_("the questions of a pool must be worth the same, so that every draw has the same maximum: '{a_id}' gives at most {a_pts}, '{b_id}' {b_pts} points"), a_id=a_id, a_pts=a_pts, b_id=b_id, b_pts=b_pts))
