"""Checks across files: references, ids, scene rules, conditions, media."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from elearning.course import conditions, interpolation
from elearning.course.compilation import Compilation
from elearning.course.loader import Document, Located, PathKey
from elearning.course.media import check_media
from elearning.course.messages import suggest
from elearning.course.model import Audio, Course, Image, Module, Scene, Video
from elearning.course.pe_checks import check_pe
from elearning.course.problems import Text, text
from elearning.i18n import N_

RESERVED_CHOICE_IDS = {"next", "retake"}
LEARNER = "me"  # the speaker id of the learner's own lines in a dialogue
MAX_MULTIPLE_ANSWERS = 10


class _Ctx:
    """What the checks need to know about the whole course, gathered once."""

    def __init__(self, comp: Compilation, course: Course) -> None:
        self.comp = comp
        self.course = course
        self.meta = course.meta
        self.scene_home: dict[str, tuple[str, int]] = {}  # scene id -> (module id, raw index)
        self.scene_type: dict[str, str] = {}
        self.duplicates: set[str] = set()  # scene ids used twice (reported once, not at every goto)
        for module_id, doc in comp.module_docs.items():
            raw = doc.data.get("scenes") if isinstance(doc.data, dict) else None
            for i, scene in enumerate(raw if isinstance(raw, list) else []):
                if isinstance(scene, dict) and isinstance(scene.get("id"), str):
                    sid = scene["id"]
                    if sid in self.scene_home:
                        first_mod, first_i = self.scene_home[sid]
                        first = comp.module_docs[first_mod]
                        line = first.locate(("scenes", first_i, "id")).line
                        comp.add(doc, ("scenes", i, "id"),
                                 text(N_("the scene id '{scene}' is used twice; it is also used at {file}:{line}"), scene=sid, file=first.display, line=line))
                        self.duplicates.add(sid)
                        continue
                    self.scene_home[sid] = (module_id, i)
                    self.scene_type[sid] = str(scene.get("type", "scene"))
        self.hubs = {sid for sid, kind in self.scene_type.items() if kind == "hub"}
        self.entries = {e.id for e in self.meta.notebook.entries}
        self.kinds = {k.id for k in self.meta.notebook.kinds}
        self.variables = set(self.meta.variables)
        # parts of course.yaml that were invalid: what refers to them cannot be checked now
        self.unsound = comp.unsound_meta
        self.characters = {c.id for c in self.meta.characters}
        self.snippets = set(self.meta.snippets)
        self.file_lines: dict[str, list[str]] = {}  # file -> its lines, to place a value inside a text
        self.locations: dict[str, str] = {}  # location id -> hub scene id
        self.flags_set: set[str] = set()
        self.entries_collected: set[str] = set()
        self.flag_reads: list[tuple[Document, PathKey, int, str]] = []
        # From the raw files, so that a scene with a typo elsewhere still counts as setting its flags.
        for doc in comp.module_docs.values():
            for raw_scene in _raw_list(doc.data, "scenes"):
                enter = raw_scene.get("on_enter")
                effects = [*_raw_list(raw_scene, "choices"), *_raw_list(raw_scene, "answers")]
                for raw_choice in effects + ([enter] if isinstance(enter, dict) else []):
                    flags = raw_choice.get("flags")
                    if isinstance(flags, dict):
                        self.flags_set.update(str(f) for f, on in flags.items() if on)
                    self.entries_collected.update(str(e) for e in _raw_list(raw_choice, "notebook", dict_only=False))

    def doc(self, module_id: str) -> Document:
        return self.comp.module_docs[module_id]

    def scene_path(self, scene_id: str) -> PathKey:
        return ("scenes", self.scene_home[scene_id][1])


def _raw_list(data: Any, key: str, *, dict_only: bool = True) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, dict)] if dict_only else value


def scene_homes(comp: Compilation) -> dict[str, tuple[str, int]]:
    """scene id -> (module id, index in the module file's scenes), first occurrence."""
    homes: dict[str, tuple[str, int]] = {}
    for module_id, doc in comp.module_docs.items():
        for i, scene in enumerate(_raw_list(doc.data, "scenes", dict_only=False)):
            if isinstance(scene, dict) and isinstance(scene.get("id"), str):
                homes.setdefault(scene["id"], (module_id, i))
    return homes


def check_course(comp: Compilation, course: Course) -> None:
    ctx = _Ctx(comp, course)
    _check_meta(ctx)
    for module in course.modules:
        for scene in module.scenes:
            if scene.id in ctx.scene_home:
                for loc in scene.locations:
                    if loc.id in ctx.locations:
                        _add_scene(ctx, module, scene, ("locations", scene.locations.index(loc), "id"),
                                   text(N_("the location id '{location}' is used twice"), location=loc.id))
                    ctx.locations[loc.id] = scene.id
    for module in course.modules:
        _check_module(ctx, module)
    if not comp.all_modules_read:
        return  # a module that could not be read may set the flags and add the entries
    for doc, path, offset, name in ctx.flag_reads:
        if name not in ctx.flags_set:
            comp.add(doc, path, text(N_("the flag '{name}' is read here but no choice, answer or scene ever sets it{hint}"), name=name, hint=suggest(name, ctx.flags_set)), "warning", offset=offset)
    for i, entry in enumerate(ctx.meta.notebook.entries):
        if entry.id not in ctx.entries_collected:
            comp.add(comp.course_doc, ("notebook", "entries", i, "id"),
                     text(N_("the notebook entry '{entry}' can never be collected: no choice, answer or scene adds it"), entry=entry.id), "warning")


def _check_meta(ctx: _Ctx) -> None:
    comp, meta, doc = ctx.comp, ctx.meta, ctx.comp.course_doc
    cover_problem = _image_problem(ctx, meta.cover) if meta.cover else None
    if cover_problem:
        comp.add(doc, ("cover", "src"), cover_problem)
    seen: set[str] = set()
    for i, mid in enumerate(meta.modules):
        if mid in seen:
            comp.add(doc, ("modules", i), text(N_("the module '{module}' is listed twice"), module=mid))
        seen.add(mid)
    for what, key, item_ids in ((N_("notebook kind"), "kinds", [k.id for k in meta.notebook.kinds]),
                                (N_("notebook entry"), "entries", [e.id for e in meta.notebook.entries])):
        ids: set[str] = set()
        for i, item_id in enumerate(item_ids):
            if item_id in ids:
                comp.add(doc, ("notebook", key, i, "id"), text(N_("the {what} id '{id}' is used twice"), what=text(what), id=item_id))
            ids.add(item_id)
    for i, entry in enumerate(meta.notebook.entries):
        if entry.kind not in ctx.kinds:
            comp.add(doc, ("notebook", "entries", i, "kind"),
                     text(N_("notebook entry '{entry}' has the unknown kind '{kind}'{hint}; declare it under notebook: kinds:"), entry=entry.id, kind=entry.kind, hint=suggest(entry.kind, ctx.kinds)))
    for i, mid in enumerate(meta.passing.modules or []):
        if mid not in meta.modules:
            comp.add(doc, ("pass", "modules", i), text(N_("'pass' names the unknown module '{module}'{hint}"), module=mid, hint=suggest(mid, meta.modules)))
    check_pe(comp, ctx.course)
    _check_characters(ctx)
    for name, snippet in meta.snippets.items():
        if doc is not None:
            _check_text(ctx, doc, ("snippets", name), snippet, in_snippet=True)


def _check_characters(ctx: _Ctx) -> None:
    doc = ctx.comp.course_doc
    seen: set[str] = set()
    for i, character in enumerate(ctx.meta.characters):
        if character.id == LEARNER:
            ctx.comp.add(doc, ("characters", i, "id"),
                         text(N_("the character id '{character}' is reserved for the learner's own lines; pick another"), character=LEARNER))
        elif character.id in seen:
            ctx.comp.add(doc, ("characters", i, "id"), text(N_("the character id '{character}' is used twice"), character=character.id))
        seen.add(character.id)
        if character.portrait is not None:
            problem = _file_problem(ctx, character.portrait.src, "image", "media/map.svg")
            if problem:
                ctx.comp.add(doc, ("characters", i, "portrait", "src"), problem)


def _check_text(ctx: _Ctx, doc: Document, path: PathKey, value: str, *, in_snippet: bool = False) -> None:
    """Every {{ ... }} in a text: readable, and naming what exists."""
    for ph in interpolation.find(value):
        if ph.error:
            problem: str | Text | None = ph.error
        elif ph.word == "snippet":
            if in_snippet:
                problem = text(N_("a snippet cannot use another snippet; write its text out"))
            elif ph.arg not in ctx.snippets and "snippets" not in ctx.unsound:
                problem = text(N_("snippet({name}): there is no snippet '{name}'{hint}; declare it under 'snippets:' in course.yaml"),
                               name=ph.arg, hint=suggest(str(ph.arg), ctx.snippets))
            else:
                problem = None
        else:
            problem = _reference_problem(ctx, ph.word, ph.arg) if ph.arg is not None else None
        if problem:
            ctx.comp.add_at(doc, _place(ctx, doc, path, value, ph), problem)


def _place(ctx: _Ctx, doc: Document, path: PathKey, text: str, ph: interpolation.Placeholder) -> Located:
    """Line and column of a {{ ... }} inside a text, which may run over several lines of the file."""
    start = doc.locate(path)
    lines = ctx.file_lines.get(doc.display)
    if lines is None:
        try:
            lines = doc.path.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError):
            lines = []
        ctx.file_lines[doc.display] = lines
    needle = text[ph.start:ph.end].split("\n", 1)[0]
    skip = text[:ph.start].count(needle)
    for number in range(start.line - 1, len(lines)):
        col = lines[number].find(needle, start.col - 1 if number == start.line - 1 else 0)
        while col >= 0:
            if skip == 0:
                return Located(number + 1, col + 1)
            skip -= 1
            col = lines[number].find(needle, col + 1)
    return start


def _add_scene(ctx: _Ctx, module: Module, scene: Scene, sub: PathKey, message: str | Text,
               level: str = "error", *, key: bool = False) -> None:
    ctx.comp.add(ctx.doc(module.id), ctx.scene_path(scene.id) + sub, message, level, key=key)  # type: ignore[arg-type]


def _check_module(ctx: _Ctx, module: Module) -> None:
    doc = ctx.doc(module.id)
    start = module.start if isinstance(module.start, str) else None
    if start is not None and ctx.scene_home.get(start, (None,))[0] != module.id:
        if start in ctx.scene_home:
            ctx.comp.add(doc, ("start",), text(N_("the start scene '{scene}' belongs to another module; start with a scene of this module"), scene=start))
        else:
            ctx.comp.add(doc, ("start",), text(N_("the start scene '{scene}' does not exist{hint}"), scene=start, hint=suggest(start, _own(ctx, module))))
    raw_types = [str(raw.get("type", "scene")) for raw in _raw_list(doc.data, "scenes")]
    if not any(s.type == "end" for s in module.scenes) and set(raw_types) <= {"scene", "hub", "question", "open"}:
        ctx.comp.add(doc, ("scenes",), text(N_("module '{module}' has no end scene (type: end); learners could never finish it"), module=module.id))
    for scene in module.scenes:
        if ctx.scene_home.get(scene.id, (None,))[0] == module.id:
            _check_scene(ctx, module, scene)


def _own(ctx: _Ctx, module: Module) -> list[str]:
    return [sid for sid, (mid, _) in ctx.scene_home.items() if mid == module.id]


def _check_target(ctx: _Ctx, module: Module, scene: Scene, sub: PathKey, target: str) -> None:
    home = ctx.scene_home.get(target)
    if target in ctx.duplicates:
        return
    if home is None:
        _add_scene(ctx, module, scene, sub,
                   text(N_("scene '{scene}' leads to '{target}', but there is no scene with that id{hint}"), scene=scene.id, target=target, hint=suggest(target, _own(ctx, module))))
    elif home[0] != module.id:
        _add_scene(ctx, module, scene, sub,
                   text(N_("scene '{scene}' leads to '{target}' in module '{module}'; a choice can only lead to a scene of its own module (modules follow each other after their end scene)"), scene=scene.id, target=target, module=home[0]))


def _check_scene(ctx: _Ctx, module: Module, scene: Scene) -> None:
    kind = scene.type
    if kind == "scene" and not scene.choices:
        _add_scene(ctx, module, scene, ("id",),
                   text(N_("scene '{scene}' has no choices, so learners get stuck; add a choice or make it an end scene (type: end)"), scene=scene.id))
    if kind == "hub":
        if scene.map is None:
            _add_scene(ctx, module, scene, ("id",), text(N_("hub '{scene}' needs a map (map: src, alt, width, height)"), scene=scene.id))
        if not scene.locations:
            _add_scene(ctx, module, scene, ("id",), text(N_("hub '{scene}' needs at least one location"), scene=scene.id))
    if kind == "question":
        _check_question(ctx, module, scene)
    if kind == "open":
        _check_open(ctx, module, scene)

    seen_ids: set[str] = set()
    for i, ch in enumerate(scene.choices):
        cid = ch.id or f"c{i + 1}"
        if ch.id in RESERVED_CHOICE_IDS or (ch.id or "").startswith("loc-"):
            _add_scene(ctx, module, scene, ("choices", i, "id"), text(N_("the choice id '{choice}' is reserved; pick another"), choice=ch.id))
        if cid in seen_ids:
            _add_scene(ctx, module, scene, ("choices", i, "id"), text(N_("the choice id '{choice}' is used twice in scene '{scene}'"), choice=cid, scene=scene.id))
        seen_ids.add(cid)
        _check_target(ctx, module, scene, ("choices", i, "goto"), ch.goto)
        _check_effects(ctx, module, scene, ("choices", i), ch)
        _check_condition(ctx, module, scene, ("choices", i, "when"), ch.when)
        if ch.unavailable == "show" and not ch.reason and (ch.when or ch.once):
            _add_scene(ctx, module, scene, ("choices", i, "unavailable"),
                       text(N_("choice '{label}' is shown when unavailable, but has no 'reason' telling the learner why"), label=ch.label), "warning")
    for i, block in enumerate(scene.blocks):
        _check_condition(ctx, module, scene, ("blocks", i, "when"), block.when)
    for i, loc in enumerate(scene.locations):
        _check_target(ctx, module, scene, ("locations", i, "goto"), loc.goto)
        _check_condition(ctx, module, scene, ("locations", i, "when"), loc.when)
        _check_condition(ctx, module, scene, ("locations", i, "done_when"), loc.done_when)
        if loc.when and not loc.reason:
            _add_scene(ctx, module, scene, ("locations", i, "when"),
                       text(N_("location '{location}' is locked until its condition holds, but has no 'reason' telling the learner why"), location=loc.id), "warning")
        if scene.map and (loc.x > scene.map.width or loc.y > scene.map.height):
            _add_scene(ctx, module, scene, ("locations", i, "x"),
                       text(N_("location '{location}' at ({x}, {y}) lies outside the map ({width} x {height})"), location=loc.id, x=f"{loc.x:g}", y=f"{loc.y:g}", width=f"{scene.map.width:g}", height=f"{scene.map.height:g}"), "warning")
    if scene.image:
        _check_image(ctx, module, scene, ("image",), scene.image)
    if scene.map:
        _check_image(ctx, module, scene, ("map",), scene.map)
    if scene.on_enter is not None:
        _check_effects(ctx, module, scene, ("on_enter",), scene.on_enter)
    _check_dialogue(ctx, module, scene)
    for key, media in (("audio", scene.audio), ("video", scene.video)):
        if media is not None:
            _check_media(ctx, module, scene, key, media)
    doc = ctx.doc(module.id)
    raw_scene = _raw_list(doc.data, "scenes", dict_only=False)[ctx.scene_home[scene.id][1]]
    for path, value in interpolation.scene_texts(raw_scene):
        _check_text(ctx, doc, ctx.scene_path(scene.id) + path, value)
    if scene.title and "{{" in scene.title:
        _add_scene(ctx, module, scene, ("title",), text(N_("a title cannot hold '{braces}'; values and snippets work in a scene's texts, dialogue, labels and feedback"),
                                                     braces="{{ ... }}"))


def _check_dialogue(ctx: _Ctx, module: Module, scene: Scene) -> None:
    for i, line in enumerate(scene.dialogue):
        if line.speaker is not None and line.speaker != LEARNER and line.speaker not in ctx.characters \
                and "characters" not in ctx.unsound:
            _add_scene(ctx, module, scene, ("dialogue", i, "speaker"),
                       text(N_("the speaker '{speaker}' is not a character{hint}; declare it under 'characters:' in course.yaml (or write '{learner}' for the learner)"),
                            speaker=line.speaker, hint=suggest(line.speaker, ctx.characters), learner=LEARNER))
        _check_condition(ctx, module, scene, ("dialogue", i, "when"), line.when)
    if scene.style == "chat" and "style" in scene.model_fields_set and not scene.dialogue:
        _add_scene(ctx, module, scene, ("style",), text(N_("scene '{scene}' has 'style: chat' but no dialogue to show"), scene=scene.id),
                   "warning", key=True)


def _check_media(ctx: _Ctx, module: Module, scene: Scene, key: str, media: Audio | Video) -> None:
    what = "audio" if isinstance(media, Audio) else "video"
    problem = _file_problem(ctx, media.src, what, f"media/fragment.{'mp3' if what == 'audio' else 'mp4'}",
                            in_media=True)
    files: list[tuple[str, str]] = [("transcript", media.transcript)]
    if isinstance(media, Video):
        files.append(("captions", media.captions))
    if problem is None:
        problem = check_media(ctx.comp.root / media.src, media.src, what)
    if problem:
        _add_scene(ctx, module, scene, (key, "src"), problem)
    for name, src in files:
        problem = _file_problem(ctx, src, "transcript" if name == "transcript" else "captions file",
                                "media/fragment.txt" if name == "transcript" else "media/fragment.vtt", in_media=True)
        if problem is None:
            problem = check_media(ctx.comp.root / src, src, name)
        if problem:
            _add_scene(ctx, module, scene, (key, name), problem)
    if isinstance(media, Video) and media.poster is not None:
        problem = _file_problem(ctx, media.poster, "image", "media/poster.png", in_media=True)
        if problem:
            _add_scene(ctx, module, scene, (key, "poster"), problem)


def _check_question(ctx: _Ctx, module: Module, scene: Scene) -> None:
    if len(scene.answers) < 2:
        _add_scene(ctx, module, scene, ("answers",), text(N_("question '{scene}' needs at least two answers"), scene=scene.id))
    if scene.answers and not any(a.correct for a in scene.answers):
        _add_scene(ctx, module, scene, ("answers",), text(N_("question '{scene}' has no answer marked 'correct: true'"), scene=scene.id))
    if scene.multiple and len(scene.answers) > MAX_MULTIPLE_ANSWERS:
        _add_scene(ctx, module, scene, ("answers",),
                   text(N_("question '{scene}' has {n} answers; a multiple-answer question has at most {most}"), scene=scene.id, n=len(scene.answers), most=MAX_MULTIPLE_ANSWERS))
    if not scene.multiple and sum(1 for a in scene.answers if a.correct) > 1:
        _add_scene(ctx, module, scene, ("answers",),
                   text(N_("question '{scene}' has several correct answers; add 'multiple: true' or keep one correct"), scene=scene.id), "warning")
    ids = [a.id or chr(ord("a") + i) for i, a in enumerate(scene.answers)]
    for i, aid in enumerate(ids):
        if aid in ids[:i]:
            _add_scene(ctx, module, scene, ("answers", i, "id"), text(N_("the answer id '{answer}' is used twice in question '{scene}'"), answer=aid, scene=scene.id))
    branching = [i for i, a in enumerate(scene.answers) if a.goto]
    pooled = any(scene.id in pool.pool for pool in module.draw)
    if scene.goto is None and (pooled or not branching or len(branching) < len(scene.answers)):
        if branching:
            _add_scene(ctx, module, scene, ("id",), text(N_("question '{scene}' needs 'goto': the scene after answering (for the answers without a 'goto' of their own)"), scene=scene.id))
        else:
            _add_scene(ctx, module, scene, ("id",), text(N_("question '{scene}' needs 'goto': the scene after answering"), scene=scene.id))
    elif scene.goto is not None:
        _check_target(ctx, module, scene, ("goto",), scene.goto)
    for i in branching:
        target = scene.answers[i].goto
        assert target is not None  # noqa: S101 - chosen for having one
        if scene.multiple:
            _add_scene(ctx, module, scene, ("answers", i, "goto"),
                       text(N_("an answer of the multiple-answer question '{scene}' cannot have its own 'goto'; only a question with one answer can branch"), scene=scene.id), key=True)
        elif pooled:
            _add_scene(ctx, module, scene, ("answers", i, "goto"),
                       text(N_("question '{scene}' is drawn from a pool, so its answers cannot have their own 'goto'; a learner who is not asked it goes on to the question's goto"), scene=scene.id), key=True)
        else:
            _check_target(ctx, module, scene, ("answers", i, "goto"), target)
    for i, ans in enumerate(scene.answers):
        _check_effects(ctx, module, scene, ("answers", i), ans)


def _check_open(ctx: _Ctx, module: Module, scene: Scene) -> None:
    spec = scene.open
    if spec is None:
        _add_scene(ctx, module, scene, ("id",), text(N_("open scene '{scene}' needs 'open:' with a model_answer or a checklist"), scene=scene.id))
    else:
        if spec.min_length > spec.max_length:
            _add_scene(ctx, module, scene, ("open", "min_length"),
                       text(N_("open scene '{scene}' asks for at least {least} characters but allows at most {most}"), scene=scene.id, least=spec.min_length, most=spec.max_length))
        if spec.model_answer is None and not spec.checklist:
            _add_scene(ctx, module, scene, ("open",),
                       text(N_("open scene '{scene}' needs a model_answer or a checklist: learners see it after handing in"), scene=scene.id))
        if spec.self_assessment and not spec.checklist:
            _add_scene(ctx, module, scene, ("open", "self_assessment"),
                       text(N_("open scene '{scene}' has self_assessment but no checklist to assess against"), scene=scene.id))
        if module.assessment and not spec.review:
            _add_scene(ctx, module, scene, ("id",),
                       text(N_("open scene '{scene}' is in an assessment module but nobody reviews it, so it proves nothing; add 'review: true' under 'open:' or move it to another module"), scene=scene.id), "warning")
    if scene.goto is None:
        _add_scene(ctx, module, scene, ("id",), text(N_("open scene '{scene}' needs 'goto': the scene after handing in"), scene=scene.id))
    else:
        _check_target(ctx, module, scene, ("goto",), scene.goto)


def _check_effects(ctx: _Ctx, module: Module, scene: Scene, sub: PathKey, ch: Any) -> None:
    for key in ("set", "add"):
        for name in getattr(ch, key):
            if name not in ctx.variables and "variables" not in ctx.unsound:
                _add_scene(ctx, module, scene, sub + (key, name),
                           text(N_("the variable '{name}' is not declared{hint}; declare it under 'variables:' in course.yaml"), name=name, hint=suggest(name, ctx.variables)), key=True)
    for i, entry in enumerate(ch.notebook):
        if entry not in ctx.entries and "notebook" not in ctx.unsound:
            _add_scene(ctx, module, scene, sub + ("notebook", i),
                       text(N_("the notebook entry '{entry}' does not exist{hint}; declare it under notebook: entries: in course.yaml"), entry=entry, hint=suggest(entry, ctx.entries)))


def _check_condition(ctx: _Ctx, module: Module, scene: Scene, sub: PathKey, condition: str | None) -> None:
    if condition is None:
        return
    doc = ctx.doc(module.id)
    path = ctx.scene_path(scene.id) + sub
    _, quote = doc.scalar_start(path)
    try:
        node = conditions.parse(condition)
    except conditions.ConditionError as exc:
        ctx.comp.add(doc, path, text(N_("cannot read the condition '{condition}': {problem}"), condition=condition,
                                     problem=exc.message), offset=quote + exc.column)
        return
    for fn, arg, col in conditions.references(node):
        problem = _reference_problem(ctx, fn, arg)
        if fn == "flag":
            ctx.flag_reads.append((doc, path, quote + col, arg))
        if problem:
            ctx.comp.add(doc, path, problem, offset=quote + col)


def _reference_problem(ctx: _Ctx, fn: str, arg: str) -> Text | None:
    known: dict[str, tuple[str, Any]] = {
        "visited": (N_("scene"), ctx.scene_home),
        "var": (N_("variable"), ctx.variables),
        "has": (N_("notebook entry"), ctx.entries),
        "count": (N_("notebook kind"), ctx.kinds),
        "done": (N_("location"), ctx.locations),
        "done_count": (N_("hub"), ctx.hubs),
    }
    if fn not in known or (fn == "var" and "variables" in ctx.unsound) or (
            fn in ("has", "count") and "notebook" in ctx.unsound):
        return None
    noun, ids = known[fn]
    if arg not in ids:
        return text(N_("{call}: there is no {noun} '{id}'{hint}"), call=f"{fn}({arg})", noun=text(noun), id=arg,
                    hint=suggest(arg, ids))
    return None


def _check_image(ctx: _Ctx, module: Module, scene: Scene, sub: PathKey, image: Image) -> None:
    problem = _file_problem(ctx, image.src, "image", "media/map.svg")
    if problem:
        _add_scene(ctx, module, scene, sub + ("src",), problem)


def _image_problem(ctx: _Ctx, image: Image) -> str | Text | None:
    return _file_problem(ctx, image.src, "image", "media/map.svg")


# what a file is for -> how a message names it
_THE = {"image": N_("the image"), "audio": N_("the audio"), "video": N_("the video"),
        "transcript": N_("the transcript"), "captions file": N_("the captions file")}


def _file_problem(ctx: _Ctx, src: str, what: str, example: str, *, in_media: bool = False) -> str | Text | None:
    """Why the file `src` cannot be used: outside the course folder (or, in_media, outside its
    media/ folder, the one the player serves and the course version covers), or not there."""
    path = PurePosixPath(src)
    if path.is_absolute() or ".." in path.parts or "://" in src:
        if what == "image" and example == "media/map.svg":
            return text(N_("the image '{image}' must be a path inside the course folder, such as media/map.svg"), image=src)
        return text(N_("{the_what} '{src}' must be a path inside the course folder, such as {example}"), the_what=text(_THE[what]), src=src, example=example)
    if in_media and path.parts[0] != "media":
        return text(N_("{the_what} '{src}' must be in the course's media folder, such as {example}"), the_what=text(_THE[what]), src=src, example=example)
    try:
        exists = (ctx.comp.root / path).is_file()
        folder = ctx.comp.root / path.parent
        nearby = [(path.parent / f.name).as_posix() for f in folder.iterdir()] if not exists and folder.is_dir() else []
    except OSError:  # a name too long for the file system, for one
        exists, nearby = False, []
    if not exists:
        if what == "image":
            return text(N_("the image '{image}' does not exist in the course folder{hint}"), image=src, hint=suggest(src, nearby))
        return text(N_("{the_what} '{src}' does not exist in the course folder{hint}"), the_what=text(_THE[what]), src=src, hint=suggest(src, nearby))
    return None


def iter_conditions(course: Course, *, blocks: bool = True) -> Iterator[tuple[Scene, str]]:
    """Every condition text in the course with its scene; blocks=False leaves out the conditions
    of text blocks (those change what a page says, never where a learner can go)."""
    for module in course.modules:
        for scene in module.scenes:
            if blocks:
                for block in scene.blocks:
                    if block.when:
                        yield scene, block.when
                for line in scene.dialogue:
                    if line.when:
                        yield scene, line.when
            for ch in scene.choices:
                if ch.when:
                    yield scene, ch.when
            for loc in scene.locations:
                if loc.when:
                    yield scene, loc.when
                if loc.done_when:
                    yield scene, loc.done_when
