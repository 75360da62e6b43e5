"""compile_course: a course folder -> the course and every problem found, in one pass.

Phases: read every YAML file (syntax), validate each against the format (shape), then
check references and rules across files (meaning). A phase that depends on a sound course
runs only when the earlier phases found no errors, so an author is never shown problems
that are only echoes of an earlier one. Exploring the real state space (reachability, dead
ends, scores) needs the engine, so it runs above both: elearning.authoring.load_course.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from elearning.course.assessment_keys import check_assessment
from elearning.course.checks import check_course
from elearning.course.compilation import Compilation, collector_paused
from elearning.course.interpolation import with_snippets
from elearning.course.keys import check_keys
from elearning.course.messages import friendly, without_echoes
from elearning.course.model import Course, CourseMeta, Module, Scene
from elearning.course.problems import Level, text
from elearning.i18n import N_


def compile_course(path: str | Path) -> Compilation:
    """Read and check the course folder at path: every problem of syntax, shape and meaning.

    `course` of the result is the course when none of them is an error; its max_scores are
    still empty (exploring the course with the engine finds them: elearning.authoring).
    """
    with collector_paused():
        return _compile(path)


def _compile(path: str | Path) -> Compilation:
    comp = Compilation(Path(path))
    if not _is_dir(comp.root):
        comp.add(None, (), text(N_("there is no course folder at '{path}'"), path=path))
        return comp
    if not (comp.root / "course.yaml").is_file():
        comp.add(None, (), text(N_('this folder has no course.yaml; a course folder holds course.yaml and modules/*.yaml')))
        return comp

    meta, raw_meta = _read_meta(comp)
    modules = _read_modules(comp, meta, raw_meta)
    course = Course.model_construct(
        meta=meta, modules=modules, content_hash=_content_hash(comp.root), max_scores={}, sources=_sources(comp, modules)
    )
    if meta is not None:
        comp.draft = course
        check_course(comp, course)
        check_assessment(comp, course)
    if comp.errors == 0 and meta is not None:
        comp.course = Course(
            meta=meta, modules=modules, content_hash=course.content_hash, max_scores={}, sources=course.sources,
            transcripts=_transcripts(comp.root, modules),
        )
    return comp


def _read_meta(comp: Compilation) -> tuple[CourseMeta | None, dict[str, Any]]:
    doc = comp.read("course.yaml")
    comp.course_doc = doc
    if doc.root is None:
        return None, {}
    if not isinstance(doc.data, dict):
        comp.add(doc, (), text(N_('course.yaml must be a mapping of keys such as id, title and modules')))
        return None, {}
    try:
        return CourseMeta.model_validate(doc.data), doc.data
    except ValidationError as exc:
        for err in without_echoes(exc.errors()):
            path, key, message = friendly(err, CourseMeta, doc.data, source=doc.source)  # type: ignore[arg-type]
            comp.unsound_meta.add(str(path[0]) if path else "")
            if not doc.is_refused(path):
                comp.add(doc, path, message, key=key)
        return _salvage_meta(doc.data, comp.unsound_meta), doc.data


_META_PLACEHOLDERS: dict[str, Any] = {"id": "course", "title": "course", "study_load_minutes": 1}


def _salvage_meta(data: dict[str, Any], unsound: set[str]) -> CourseMeta | None:
    """The metadata without its invalid keys (defaults in their place), so that the modules can
    still be checked in the same pass; None when even that is not possible."""
    fields = {k: v for k, v in data.items() if k not in unsound}
    for name, placeholder in _META_PLACEHOLDERS.items():
        fields.setdefault(name, placeholder)
    try:
        return CourseMeta.model_validate(fields)
    except ValidationError:
        return None


def _read_modules(comp: Compilation, meta: CourseMeta | None, raw_meta: dict[str, Any]) -> list[Module]:
    raw_listed = raw_meta.get("modules")
    if meta is not None:
        listed: list[str] | None = meta.modules
    elif isinstance(raw_listed, list):  # only names that can be files in modules/ (no '../')
        listed = [m for m in raw_listed if isinstance(m, str) and _MODULE_NAME.fullmatch(m)]
    else:
        listed = None  # course.yaml cannot say which modules there are: check every module file
    folder = comp.root / "modules"
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    if listed is None:
        comp.all_modules_read = False
        for file in files:
            if file.suffix == ".yaml" and file.is_file():
                _read_module(comp, f"modules/{file.name}", file.stem, {})
        return []
    modules: list[Module] = []
    for index, module_id in enumerate(listed):
        rel = f"modules/{module_id}.yaml"
        if not _is_file(comp.root / rel):
            comp.add(comp.course_doc, ("modules", index), text(N_("module '{module}' is listed, but there is no file {rel}"), module=module_id, rel=rel))
            comp.all_modules_read = False
            continue
        module = _read_module(comp, rel, module_id, meta.snippets if meta is not None else {})
        if module is not None:
            modules.append(module)
        else:
            comp.all_modules_read = False
    if files:
        for file in files:
            if file.suffix in (".yaml", ".yml") and file.stem not in listed:
                level: Level = "warning" if file.suffix == ".yaml" else "error"
                hint = "add it to 'modules' in course.yaml" if file.suffix == ".yaml" else "rename it to .yaml"
                comp.add(comp.course_doc, ("modules",), text(N_('the file modules/{name} is not used: {hint}'), name=file.name, hint=hint), level)
    return modules


_MODULE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system, for one
        return False


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _transcripts(root: Path, modules: list[Module]) -> dict[str, str]:
    """The text of every transcript the scenes name (the checks found them readable)."""
    out: dict[str, str] = {}
    for module in modules:
        for scene in module.scenes:
            for media in (scene.audio, scene.video):
                if media is not None and media.transcript not in out:
                    out[media.transcript] = (root / media.transcript).read_text(encoding="utf-8-sig")
    return out


def _read_module(comp: Compilation, rel: str, module_id: str, snippets: dict[str, str]) -> Module | None:
    doc = comp.read(rel)
    comp.module_docs[module_id] = doc
    if doc.root is None:
        return None
    data = doc.data
    if not isinstance(data, dict):
        comp.add(doc, (), text(N_('a module file must be a mapping of keys such as id, title, start and scenes')))
        return None
    if isinstance(data.get("id"), str) and data["id"] != module_id:
        comp.add(doc, ("id",), text(N_("the module id '{data_id}' differs from its file name '{module}'; make them equal"), data_id=data['id'], module=module_id))
        data = {**data, "id": module_id}  # the file name is how the course knows the module
    data = with_snippets(data, snippets)
    keys = check_keys(doc, data)
    for path, message in keys.found:
        comp.add(doc, path, message, key=True)
    try:
        module = Module.model_validate(data)
    except ValidationError as exc:
        for err in without_echoes(exc.errors()):
            if keys.echoes(tuple(err["loc"]), err["type"]):
                continue
            path, key, message = friendly(err, Module, data, source=doc.source)  # type: ignore[arg-type]
            if not doc.is_refused(path):
                comp.add(doc, path, message, key=key)
    else:
        return module
    # Keep what is sound, so later checks do not report echoes of these errors.
    scenes = []
    raw_scenes = data.get("scenes")
    for raw in raw_scenes if isinstance(raw_scenes, list) else []:
        scene = _salvage_scene(raw)
        if scene is not None:
            scenes.append(scene)
    fields = {k: v for k, v in data.items() if k in Module.model_fields and k != "scenes"}
    fields["id"] = module_id
    if not isinstance(fields.get("start"), str):
        fields["start"] = None
    return Module.model_construct(**fields, scenes=scenes)


# without these (or with them at their defaults) a scene would seem broken in other ways too
_STRUCTURAL = ("id", "type")
_SHAPING = ("choices", "answers", "locations", "map", "goto", "multiple")
_RISKY = (*_STRUCTURAL, *_SHAPING, "correct")


def _salvage_scene(raw: Any) -> Scene | None:
    """The scene, or the scene without its unknown keys and wrongly typed optional values (all
    reported already), so that its other keys (gotos, conditions) are still checked in this
    pass; None when its id, type or a required key is wrong. Keys are only removed, never list
    items, so positions stay as in the file."""
    try:
        return Scene.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
    if not isinstance(raw, dict):
        return None
    data = copy.deepcopy(raw)
    for err in errors:
        loc = tuple(err["loc"])
        if loc and loc[-1] == "[key]":
            loc = loc[:-1]
        if err["type"] == "missing" or not loc or loc[0] in _STRUCTURAL or (len(loc) == 1 and loc[0] in _SHAPING):
            return None
        if err["type"] == "extra_forbidden" and difflib.get_close_matches(str(loc[-1]), _RISKY, n=1, cutoff=0.6):
            return None  # a misspelt 'multiple' or 'correct': its default would be reported as a problem too
        parent: Any = data
        for part in loc[:-1]:
            if isinstance(parent, dict):
                parent = parent.get(part)
            elif isinstance(parent, list) and isinstance(part, int) and part < len(parent):
                parent = parent[part]
            else:
                parent = None
        if not isinstance(parent, dict):
            return None
        parent.pop(loc[-1], None)
    try:
        return Scene.model_validate(data)
    except ValidationError:
        return None  # a required key had the wrong type


def _sources(comp: Compilation, modules: list[Module]) -> dict[str, str]:
    out: dict[str, str] = {}
    for module in modules:
        doc = comp.module_docs.get(module.id)
        if doc is None or not isinstance(doc.data, dict):
            continue
        rel = f"modules/{module.id}.yaml"
        raw_scenes = doc.data.get("scenes")
        for i, scene in enumerate(raw_scenes if isinstance(raw_scenes, list) else []):
            if isinstance(scene, dict) and isinstance(scene.get("id"), str):
                out.setdefault(scene["id"], f"{rel}:{doc.locate(('scenes', i)).line}")
    return out


def _content_hash(root: Path) -> str:
    """sha256 over every file of the course that shapes what learners see."""
    digest = hashlib.sha256()
    files = [root / "course.yaml"]
    for sub in ("modules", "media"):
        if (root / sub).is_dir():
            files += sorted(p for p in (root / sub).rglob("*") if p.is_file())
    for file in files:
        digest.update(file.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
