"""The learner's state in one attempt: immutable, hashable, and JSON round-trippable."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")
STATE_FORMAT = 2  # 2: seed, rounds, drawn, answered, reviewing; a format-1 state reads as unshuffled, no pools
RECENT_STATES = 1024  # parsed states kept by their JSON text; a page and its choice parse it once


@dataclass(frozen=True)
class ModuleResult:
    score: int
    max: int
    passed: bool
    tries: int = 1
    at: int | None = None  # when the latest try finished (seconds since 1970, from the caller), if known

    def to_json(self) -> dict[str, Any]:
        return {"score": self.score, "max": self.max, "passed": self.passed, "tries": self.tries, "at": self.at}


@dataclass(frozen=True)
class State:
    """Everything the engine needs to continue an attempt.

    Collections are stored as sorted tuples so that two states that mean the same
    thing are equal and hash alike (the explorer relies on that).
    """

    course_hash: str
    module: str
    scene: str
    step: int = 0
    score: int = 0  # points in the current module (this try)
    flags: frozenset[str] = frozenset()
    vars: tuple[tuple[str, int], ...] = ()
    notebook: frozenset[str] = frozenset()
    visits: tuple[tuple[str, int], ...] = ()
    once: frozenset[str] = frozenset()  # "scene/choice" of once-only choices taken
    results: tuple[tuple[str, ModuleResult], ...] = ()  # best result per finished module
    feedback: tuple[str, ...] = ()  # Markdown shown on the current page, from the last action
    finished: bool = False
    passed: bool = False
    # assessments (see assessment.py): None = an attempt from before shuffling: file order, first of each pool
    seed: int | None = None
    rounds: tuple[tuple[str, int], ...] = ()  # module -> which try of it this is (1, 2, ...)
    drawn: tuple[tuple[str, tuple[str, ...]], ...] = ()  # module -> the pool questions drawn for this try
    answered: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (question, answer ids) of this module's try, in order
    reviewing: bool = False  # on a question just answered, showing how it went until "continue"
    _lookup: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    # -- reading ---------------------------------------------------------
    def visit_count(self, scene: str) -> int:
        return self._dict("visits").get(scene, 0)

    def var(self, name: str) -> int:
        return self._dict("vars").get(name, 0)

    def result(self, module: str) -> ModuleResult | None:
        return self._dict("results").get(module)

    def round(self, module: str) -> int:
        return self._dict("rounds").get(module, 0)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """compute() once for this state: for facts derived from it and its course alone."""
        if key in self._lookup:
            return self._lookup[key]  # type: ignore[no-any-return]
        value = self._lookup[key] = compute()
        return value

    def _dict(self, name: str) -> dict[str, Any]:
        cached = self._lookup.get(name)
        if cached is None:
            cached = dict(getattr(self, name))
            self._lookup[name] = cached
        return cached

    # -- changing (returns new states) -------------------------------------
    def evolve(self, **changes: Any) -> State:
        # dataclasses.replace re-runs __init__ and costs ~20 µs; the explorer calls this a lot
        new = object.__new__(State)
        fields = new.__dict__
        fields.update(self.__dict__)
        fields.update(changes)
        fields["_lookup"] = {}
        return new

    # -- JSON --------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "course_hash": self.course_hash,
            "module": self.module,
            "scene": self.scene,
            "step": self.step,
            "score": self.score,
            "flags": sorted(self.flags),
            "vars": dict(self.vars),
            "notebook": sorted(self.notebook),
            "visits": dict(self.visits),
            "once": sorted(self.once),
            "results": {k: r.to_json() for k, r in self.results},
            "feedback": list(self.feedback),
            "finished": self.finished,
            "passed": self.passed,
            "seed": self.seed,
            "rounds": dict(self.rounds),
            "drawn": {k: list(v) for k, v in self.drawn},
            "answered": [[q, list(a)] for q, a in self.answered],
            "reviewing": self.reviewing,
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, data: dict[str, Any] | str) -> State:
        if isinstance(data, str):
            known = _recent.get(data)
            if known is not None:
                return known
            state = cls.from_json(json.loads(data))  # json.JSONDecodeError is a ValueError
            remember(data, state)
            return state
        if not isinstance(data, dict):
            raise ValueError(f"A saved state is a JSON object, not {type(data).__name__}.")
        if data.get("format") not in (1, STATE_FORMAT):
            raise ValueError(f"Unknown state format {data.get('format')!r}; expected {STATE_FORMAT}.")  # or 1
        try:
            return cls._from_dict(data)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(f"The saved state is damaged ({type(exc).__name__}: {exc}).") from exc

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> State:
        return cls(
            course_hash=data["course_hash"],
            module=data["module"],
            scene=data["scene"],
            step=int(data["step"]),
            score=int(data["score"]),
            flags=frozenset(data["flags"]),
            vars=tuple(sorted((k, int(v)) for k, v in data["vars"].items())),
            notebook=frozenset(data["notebook"]),
            visits=tuple(sorted((k, int(v)) for k, v in data["visits"].items())),
            once=frozenset(data["once"]),
            results=tuple(sorted((k, ModuleResult(**r)) for k, r in data["results"].items())),
            feedback=tuple(data["feedback"]),
            finished=bool(data["finished"]),
            passed=bool(data["passed"]),
            seed=None if data.get("seed") is None else int(data["seed"]),
            rounds=tuple(sorted((k, int(v)) for k, v in data.get("rounds", {}).items())),
            drawn=tuple(sorted((k, tuple(map(str, v))) for k, v in data.get("drawn", {}).items())),
            answered=tuple((str(q), tuple(map(str, a))) for q, a in data.get("answered", [])),
            reviewing=bool(data.get("reviewing", False)),
        )


# States are immutable, so one parsed from a text may be handed out again for the same text.
_recent: dict[str, State] = {}


def remember(text: str, state: State) -> None:
    """`state` is what `text` parses to (it is `state.dumps()`): the next from_json(text) returns it."""
    if len(_recent) >= RECENT_STATES:
        _recent.clear()  # simpler than LRU bookkeeping, and safe when threads share the module
    _recent[text] = state


def with_item(pairs: tuple[tuple[str, Any], ...], key: str, value: Any) -> tuple[tuple[str, Any], ...]:
    """A sorted pairs-tuple with key set to value."""
    d = dict(pairs)
    d[key] = value
    return tuple(sorted(d.items()))
