"""Assessment rules: answer and choice order, question pools, opaque answer values, retakes.

All pure functions of (course, state): the order of a question's answers and the questions
drawn from a pool follow from the attempt's seed (`State.seed`, drawn by the caller of
`start`) and the module's try (`State.rounds`), so a page looks the same on every reload and
a retake gets a new draw and a new order. A state without a seed (an attempt started before
shuffling existed, or a tool's run) sees the file order and the first questions of each pool.
Ids never change: events, playthrough tests and analytics speak of the ids in the file.
"""

from __future__ import annotations

import base64
import hashlib
import random
from collections.abc import Sequence
from typing import TypeVar

from elearning.course.model import Answer, Choice, Course, Module, Scene
from elearning.engine.state import State

T = TypeVar("T")
VALUE_LENGTH = 10  # characters of an opaque answer value (base32: 50 bits)


def _rng(state: State, module: str, what: str) -> random.Random:
    seed = f"{state.seed}:{module}:{state.round(module)}:{what}"  # a str seed is hashed with SHA-512
    return random.Random(seed)  # noqa: S311 - an order to show, not a secret: the 64-bit seed stays on the server


# -- order ------------------------------------------------------------------------------------
def answer_id(ans: Answer, index: int) -> str:
    if ans.id:
        return ans.id
    return chr(ord("a") + index) if index < 26 else f"a{index + 1}"


def shuffles_answers(module: Module, scene: Scene) -> bool:
    return scene.shuffle if scene.shuffle is not None else module.assessment


def answers_in_order(course: Course, state: State, scene: Scene) -> list[tuple[str, Answer]]:
    """(id, answer) as the learner sees them: shuffled per try where the module asks it, pinned ones last."""
    pairs = [(answer_id(a, i), a) for i, a in enumerate(scene.answers)]
    module = course.module_of(scene.id)
    if state.seed is None or not shuffles_answers(module, scene):
        return pairs
    free = [p for p in pairs if not p[1].pinned]
    _rng(state, module.id, f"answers:{scene.id}").shuffle(free)
    return free + [p for p in pairs if p[1].pinned]


def shuffles_choices(course: Course, scene: Scene) -> bool:
    module = course.module_of(scene.id)
    return scene.shuffle_choices if scene.shuffle_choices is not None else module.shuffle_choices


def choices_in_order(course: Course, state: State, scene: Scene, items: Sequence[T]) -> list[T]:
    """A scene's own choices, shuffled per try where the scene or its module opts in."""
    out = list(items)
    if state.seed is not None and shuffles_choices(course, scene):
        _rng(state, course.module_of(scene.id).id, f"choices:{scene.id}").shuffle(out)
    return out


# -- opaque values: what a form posts instead of an answer (or shuffled choice) id -------------------------------------
def answer_value(state: State, scene_id: str, aid: str) -> str:
    """A value that tells nothing about the answer's place in the file or whether it is right."""
    module_round = state.round(state.module)
    digest = hashlib.blake2b(f"{state.seed}:{module_round}:{scene_id}:{aid}".encode(), digest_size=8).digest()
    return base64.b32encode(digest).decode().lower()[:VALUE_LENGTH]


def choice_value(course: Course, state: State, scene: Scene, cid: str) -> str:
    """What a form posts for a choice: its id, or an opaque value where the choices are shuffled
    (else `c2` would tell the place in the file). Engine choices (`next`, `retake`, `continue`)
    and places on a map keep their ids."""
    if state.seed is None or not shuffles_choices(course, scene) or not any(
            choice_id(ch, i) == cid for i, ch in enumerate(scene.choices)):
        return cid
    return answer_value(state, scene.id, f"choice:{cid}")


def choice_from_value(course: Course, state: State, value: str) -> str:
    """The choice id behind a posted value on the current scene (one that maps to none stays as it is)."""
    scene = course.scene(state.scene)
    if state.seed is None or not shuffles_choices(course, scene):
        return value
    by_value = {choice_value(course, state, scene, choice_id(ch, i)): choice_id(ch, i)
                for i, ch in enumerate(scene.choices)}
    own_ids = set(by_value.values())
    return by_value.get(value, value if value not in own_ids else f"?{value}")


def choice_id(choice: Choice, index: int) -> str:
    return choice.id or f"c{index + 1}"


def answer_ids(course: Course, state: State, values: Sequence[str]) -> list[str]:
    """The answer ids behind the posted values of the current question. A value that is none of
    them (made up, from another attempt or try, or an answer id itself) becomes an id that no
    answer has, so that `answer` refuses it as unavailable."""
    scene = course.scene(state.scene)
    by_value = {answer_value(state, scene.id, answer_id(a, i)): answer_id(a, i) for i, a in enumerate(scene.answers)}
    return [by_value.get(v, f"?{v}") for v in values]


# -- pools ----------------------------------------------------------------------------------------
def draw(module: Module, state: State) -> tuple[str, ...]:
    """The pool questions asked in this try of the module (fresh per try; the first ones without a seed),
    in the order the learner meets them: their place in the module's chain, not the order drawn."""
    out: list[str] = []
    for i, pool in enumerate(module.draw):
        if state.seed is None:
            out += pool.pool[: pool.count]
        else:
            out += _rng(state, module.id, f"draw:{i}").sample(list(pool.pool), pool.count)
    place = _chain_order(module)
    return tuple(sorted(out, key=lambda sid: place.get(sid, len(place))))


def _chain_order(module: Module) -> dict[str, int]:
    """Scene id -> its place on the module's chain (from the start, each scene's `goto` or first
    choice), then the scenes off the chain in file order."""
    scenes = {s.id: s for s in module.scenes}
    place: dict[str, int] = {}
    sid: str | None = module.start
    while sid is not None and sid in scenes and sid not in place:
        place[sid] = len(place)
        scene = scenes[sid]
        sid = scene.goto or (scene.choices[0].goto if scene.choices else None)
    for scene in module.scenes:
        place.setdefault(scene.id, len(place))
    return place


def drawn(module: Module, state: State) -> tuple[str, ...]:
    """This try's draw as stored in the state (computed the same way if a tool skipped storing it)."""
    stored = dict(state.drawn).get(module.id)
    return stored if stored is not None else draw(module, state)


def skipped(course: Course, state: State, scene_id: str) -> bool:
    """A pool question that this try did not draw: the learner passes by it without seeing it."""
    module = course.module_of(scene_id)
    if not module.draw:
        return False
    pooled = {sid for pool in module.draw for sid in pool.pool}
    return scene_id in pooled and scene_id not in drawn(module, state)


def new_round(course: Course, state: State, module_id: str) -> State:
    """The state at the start of a (new) try of a module: its round counted, its pools drawn."""
    module = course.module(module_id)
    rounds = dict(state.rounds)
    rounds[module_id] = rounds.get(module_id, 0) + 1
    state = state.evolve(rounds=tuple(sorted(rounds.items())), answered=(), reviewing=False)
    if module.draw:
        pools = dict(state.drawn)
        pools[module_id] = draw(module, state)
        state = state.evolve(drawn=tuple(sorted(pools.items())))
    return state


# -- retakes ----------------------------------------------------------------------------------------
def retake_block(module: Module, state: State, now: int | None) -> tuple[str, int | None] | None:
    """Why a retake of the module is not allowed yet: ("max_attempts", None) or ("wait", until); None if it is.

    Without `now` (tools that explore the course) there is no waiting time.
    """
    result = state.result(module.id)
    tries = result.tries if result else 0
    if module.max_attempts is not None and tries >= module.max_attempts:
        return ("max_attempts", None)
    if module.retake_wait_minutes and now is not None and result is not None and result.at is not None:
        until = result.at + int(module.retake_wait_minutes * 60)
        if now < until:
            return ("wait", until)
    return None


def reveals_now(module: Module, state: State) -> bool:
    """On the module's end page: may the learner see which answers were right?"""
    if module.reveal == "after_submit":
        return True
    if module.reveal == "after_pass":
        result = state.result(module.id)
        return bool(result and result.passed)
    return False


def restart_block(course: Course, state: State, now: int | None) -> tuple[str, int | None] | None:
    """Why starting the course all over (a new attempt) is not allowed yet after this one: a
    module's retake policy would be dodged (all tries used, or its waiting time not over). A
    passed course may always be started again."""
    if state.passed:
        return None
    for module in course.modules:
        if module.retake and state.result(module.id) is not None and (
                module.max_attempts is not None or module.retake_wait_minutes):
            block = retake_block(module, state, now)
            if block is not None:
                return block
    return None
