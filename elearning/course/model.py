"""The course format: what authors write in YAML, and what the engine plays.

The same immutable models serve as the source schema (validated with pydantic,
exported as JSON Schema for editors) and as the compiled runtime course. The
compiler adds what it derives (content hash, maximum scores, source locations)
on the `Course` object.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints

from elearning.course.conditions import parse as parse_condition

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", min_length=1, max_length=64),
    Field(description="Lower-case letters, digits, - and _; starts with a letter or digit."),
]
Condition = Annotated[
    str,
    Field(
        description="A condition such as: visited(bakkerij) and count(signaal) >= 3. "
        "See docs/authoring.md, 'Conditions'."
    ),
]
Markdown = Annotated[str, Field(description="Text in Markdown.")]
MAX_OPEN_LENGTH = 20000  # characters of one open answer, at most


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)


class Image(Model):
    src: str = Field(description="Path of the image inside the course folder, e.g. media/bakkerij.svg.")
    alt: str = Field(min_length=1, description="Text alternative: what the image shows, for people who cannot see it.")


class Block(Model):
    """A piece of text shown only when its condition holds."""

    when: Condition | None = Field(default=None, description="The text is shown only when this holds.")
    text: Markdown


class Effects(Model):
    """What a choice, an answer or entering a scene changes in the learner's state."""

    flags: dict[Id, bool] = Field(default_factory=dict, description="Flags to set (true) or clear (false).")
    set: dict[Id, int] = Field(default_factory=dict, description="Variables to set to a value.")
    add: dict[Id, int] = Field(default_factory=dict, description="Numbers to add to variables (may be negative).")
    notebook: list[Id] = Field(default_factory=list, description="Notebook entries the learner collects.")


class Choice(Effects):
    id: Id | None = Field(default=None, description="Optional id; needed only to refer to the choice elsewhere.")
    label: str = Field(min_length=1, description="The text of the choice, as the learner sees it.")
    goto: Id = Field(description="The scene this choice leads to.")
    feedback: Markdown | None = Field(default=None, description="Shown on the next page, after choosing.")
    points: int = Field(default=0, description="Points for taking this choice (may be negative).")
    when: Condition | None = Field(default=None, description="The choice is available only when this holds.")
    once: bool = Field(default=False, description="The choice can be taken only once per attempt.")
    unavailable: Literal["hide", "show"] = Field(
        default="hide", description="When not available: hide it, or show it disabled with the reason."
    )
    reason: str | None = Field(default=None, description="Why the choice is not available yet (with unavailable: show).")


class Location(Model):
    id: Id
    label: str = Field(min_length=1, description="The name of the place, on the map and in the list.")
    goto: Id = Field(description="The first scene at this place.")
    x: float = Field(ge=0, description="Horizontal position of the marker on the map, in map units.")
    y: float = Field(ge=0, description="Vertical position of the marker on the map, in map units.")
    description: str | None = Field(default=None, description="One line about the place, shown in the list.")
    when: Condition | None = Field(default=None, description="The place is locked until this holds.")
    reason: str | None = Field(default=None, description="Why the place is still locked.")
    done_when: Condition | None = Field(
        default=None, description="When the place counts as done; by default: its first scene was visited."
    )


class Map(Image):
    width: float = Field(gt=0, description="Width of the map in map units (the SVG viewBox width).")
    height: float = Field(gt=0, description="Height of the map in map units.")


class Answer(Effects):
    id: Id | None = Field(default=None, description="Optional id; default a, b, c... in file order.")
    text: str = Field(min_length=1, description="The text of the answer.")
    correct: bool = Field(default=False, description="This answer is (one of) the right one(s).")
    points: int | None = Field(default=None, description="Points for this answer; default 1 if correct, else 0.")
    feedback: Markdown | None = Field(default=None, description="Shown after the learner picked this answer.")
    pinned: bool = Field(
        default=False, description="When the answers are shuffled, this one stays last (e.g. 'all of the above')."
    )
    goto: Id | None = Field(
        default=None, description="The scene after this answer (a branching question); default: the question's goto."
    )

    @property
    def score(self) -> int:
        if self.points is not None:
            return self.points
        return 1 if self.correct else 0


class Line(Model):
    """One line of a conversation: who says it (a character of course.yaml, or `me`: the learner)."""

    speaker: Id | None = Field(
        default=None, description="The character who speaks (its id in course.yaml), or 'me' for the learner; "
        "none: a line of narration."
    )
    text: Markdown = Field(min_length=1)
    when: Condition | None = Field(default=None, description="The line is shown only when this holds.")


class Audio(Model):
    src: str = Field(description="Path of the audio file inside the course folder: .mp3, .m4a, .ogg, .oga, .wav or .flac.")
    transcript: str = Field(description="Path of a text file (.txt or .md) with everything that is said and heard.")
    title: str | None = Field(default=None, description="What the recording is, shown above the player.")


class Video(Model):
    src: str = Field(description="Path of the video file inside the course folder: .mp4, .m4v, .webm or .ogv.")
    captions: str = Field(description="Path of the captions file (WebVTT, .vtt) in the course's language.")
    transcript: str = Field(description="Path of a text file (.txt or .md) with what is said and what is shown.")
    title: str | None = Field(default=None, description="What the video is, shown above the player.")
    poster: str | None = Field(default=None, description="Path of an image shown before the video plays.")


class OpenAnswer(Model):
    """What an open scene asks: the learner writes plain text, then sees a model answer or a checklist."""

    min_length: int = Field(default=1, ge=1, le=MAX_OPEN_LENGTH, description="The fewest characters the answer may have.")
    max_length: int = Field(default=2000, ge=1, le=MAX_OPEN_LENGTH, description="The most characters the answer may have.")
    model_answer: Markdown | None = Field(default=None, description="Shown after the learner hands in the answer.")
    checklist: list[Annotated[str, StringConstraints(min_length=1)]] = Field(
        default_factory=list, description="Points a good answer covers; shown after handing in.")
    self_assessment: bool = Field(
        default=False, description="The learner ticks the checklist points their answer covers (needs a checklist).")
    review: bool = Field(
        default=False, description="A reviewer of the course approves the answer (or returns it) before the module counts.")


SceneType = Literal["scene", "hub", "question", "open", "end"]
SCENE_TYPES: tuple[SceneType, ...] = ("scene", "hub", "question", "open", "end")

# The keys that only some types of scene take; every other key of a Scene belongs to all types.
# The compiler (course/keys.py) and the JSON Schema (course/schema.py) both read this table,
# so a key for one type of scene is one line here.
SCENE_TYPE_KEYS: dict[str, tuple[SceneType, ...]] = {
    "choices": ("scene", "hub"),
    "shuffle_choices": ("scene", "hub"),
    "map": ("hub",),
    "locations": ("hub",),
    "answers": ("question",),
    "multiple": ("question",),
    "feedback": ("question",),
    "goto": ("question", "open"),
    "shuffle": ("question",),
    "open": ("open",),
}


class Scene(Model):
    id: Id
    type: SceneType = Field(default="scene", description="scene (text and choices), hub (a map with places), "
                            "question (answers to pick), open (an answer the learner writes) or end (the end of the module).")
    title: str | None = Field(default=None, description="The heading of the page.")
    text: Markdown = ""
    image: Image | None = Field(default=None, description="An image with its alt text (src, alt).")
    blocks: list[Block] = Field(default_factory=list, description="Extra text shown only when a condition holds.")
    dialogue: list[Line] = Field(default_factory=list, description="A conversation: lines that name their speaker.")
    style: Literal["conversation", "chat"] = Field(
        default="conversation", description="How the dialogue is shown: a conversation, or chat messages on a phone."
    )
    audio: Audio | None = Field(default=None, description="An audio recording with its transcript.")
    video: Video | None = Field(default=None, description="A video with its captions and transcript.")
    on_enter: Effects | None = Field(
        default=None, description="Effects applied every time a learner enters the scene (not on reloading the page)."
    )
    choices: list[Choice] = Field(default_factory=list, description="Scene and hub only: what the learner can do next.")
    # hub
    map: Map | None = Field(default=None, description="Hub only: the map of the neighbourhood.")
    locations: list[Location] = Field(default_factory=list, description="Hub only: the places to visit.")
    # question
    multiple: bool = Field(default=False, description="Question only: more than one answer may be chosen.")
    answers: list[Answer] = Field(default_factory=list, description="Question only: the answers.")
    feedback: Markdown | None = Field(default=None, description="Question only: shown after any answer.")
    goto: Id | None = Field(default=None, description="Question and open only: the scene after answering.")
    open: OpenAnswer | None = Field(default=None, description="Open only: what the learner writes and sees afterwards.")
    minutes: float | None = Field(default=None, ge=0, description="Extra study time for this scene (a video, an exercise).")
    offline_minutes: float | None = Field(
        default=None, ge=0, description="Study time for work away from the screen (an interview, a walk): "
        "counted in the study load, not in the time online.")
    shuffle: bool | None = Field(
        default=None, description="Question only: show the answers in a new order per attempt; "
        "default: yes in an assessment module, no elsewhere."
    )
    shuffle_choices: bool | None = Field(
        default=None, description="Show the choices in a new order per attempt; default: the module's shuffle_choices."
    )


class Draw(Model):
    """Draw `count` questions from a pool of question scenes, fresh for every try of the module."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False, populate_by_name=True)

    pool: list[Id] = Field(alias="from", min_length=1, description="The question scenes to draw from.")
    count: int = Field(ge=1, description="How many of them a learner gets.")


Reveal = Literal["after_each", "after_submit", "after_pass", "never"]


class Module(Model):
    id: Id
    title: str = Field(min_length=1, description="The title of the module, as learners see it.")
    description: Markdown = ""
    start: Id = Field(description="The first scene of the module.")
    pass_percentage: float | None = Field(
        default=None, ge=0, le=100, description="Share of the module's maximum score needed to pass."
    )
    retake: bool = Field(default=False, description="The learner may do this module again from its start after finishing it.")
    max_attempts: int | None = Field(
        default=None, ge=1, description="With retake: how many tries in all (the first one included); default: no limit."
    )
    retake_wait_minutes: float | None = Field(
        default=None, gt=0, description="With retake: minutes to wait after finishing a try before the next one."
    )
    assessment: bool = Field(default=False, description="This module is the (final) assessment.")
    reveal: Reveal = Field(
        default="after_each", description="When a learner sees which answers were right: after_each question, "
        "after_submit (at the end of the module), after_pass (at the end, once passed) or never."
    )
    shuffle_choices: bool = Field(default=False, description="Show the choices of every scene in a new order per attempt.")
    draw: list[Draw] = Field(
        default_factory=list, description="Question pools: per try, each pool's drawn questions are asked and the others skipped."
    )
    scenes: list[Scene] = Field(min_length=1, description="The scenes of the module: scene, hub, question or end.")


class NotebookKind(Model):
    id: Id
    label: str = Field(description="The name of the kind, as a heading in the notebook.")
    description: str | None = Field(default=None, description="One line about this kind of note.")


class NotebookEntry(Model):
    id: Id
    kind: Id
    title: str = Field(min_length=1, description="The title of the note, as the learner sees it.")
    text: Markdown = ""


class Notebook(Model):
    title: str = Field(default="Notitieboek", description="The name of the notebook, as learners see it.")
    kinds: list[NotebookKind] = Field(default_factory=list, description="The kinds of notes (signals, connectors...).")
    entries: list[NotebookEntry] = Field(default_factory=list, description="The notes a learner can collect.")


class Character(Model):
    id: Id
    name: str = Field(min_length=1, description="The name shown with every line the character speaks.")
    role: str | None = Field(default=None, description="Who the character is, e.g. 'bakker', shown with the name.")
    portrait: Image | None = Field(default=None, description="A portrait; the name is always shown as text too.")


class PE(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False, populate_by_name=True)

    points: float = Field(
        ge=0, description="The permanent-education points the course is written for. A certificate carries points "
        "only when an accreditation (entered by an administrator) covers it.",
    )
    register_name: str = Field(
        alias="register", min_length=1, description="The register the points count for, e.g. Registerplein."
    )
    activity_id: str | None = Field(
        default=None, description="No longer part of the course: the register's activity id is the provider's "
        "record, entered with `elearning accreditation set`. Still read from older course files, with a warning.",
    )


class CertificateRules(Model):
    template: str = Field(default="standaard", min_length=1, description="The folder in certificates/ with the certificate template.")
    min_active_minutes: float | None = Field(
        default=None, ge=0, description="Active study time, in minutes, before a certificate is issued; "
        "default: half of study_load_minutes (the online study load).",
    )


class PassRules(Model):
    percentage: float = Field(default=0, ge=0, le=100, description="Share of the whole course's maximum score needed.")
    modules: list[Id] | None = Field(
        default=None, description="Modules that must each be passed; default: every module with a pass_percentage."
    )


class AssessmentRules(Model):
    max_guess_pass: float = Field(
        default=5, ge=0, le=100,
        description="The highest chance, in percent, that a learner who guesses every answer and choice may have "
        "of passing the course within the attempts allowed; `elearning validate` warns above it.",
    )


class CourseMeta(Model):
    id: Id
    title: str = Field(min_length=1, description="The title of the course, on every page and the certificate.")
    language: Literal["nl", "en"] = Field(default="nl", description="The language of the course: nl or en.")
    description: Markdown = ""
    cover: Image | None = Field(default=None, description="A cover image for the catalogue (src and alt), optional.")
    version: str = Field(default="1", description="The version of the course text, for the authors.")
    study_load_minutes: int = Field(gt=0, description="How long the course takes, in minutes.")
    pe: PE | None = Field(default=None, description="Permanent-education points: points, register, activity_id.")
    passing: PassRules = Field(default_factory=PassRules, alias="pass", description="What a learner needs to pass.")
    assessment: AssessmentRules = Field(
        default_factory=AssessmentRules, description="What the validator demands of the assessment (guessing)."
    )
    modules: list[Id] = Field(min_length=1, description="The modules in the order learners take them (file names without .yaml).")
    certificate: str | CertificateRules = Field(
        default="standaard", description="The certificate template's folder name in certificates/, or "
        "{template: ..., min_active_minutes: ...}.",
    )
    notebook: Notebook = Field(default_factory=Notebook, description="The notebook: its kinds and entries.")
    variables: dict[Id, int] = Field(default_factory=dict, description="Variables with their starting value.")
    characters: list[Character] = Field(default_factory=list, description="The people who speak in dialogues.")
    snippets: dict[Id, Markdown] = Field(
        default_factory=dict, description="Reusable texts, used in a text as {{ snippet(id) }}."
    )
    seconds_per_decision: float = Field(default=15, ge=0, description="Estimated thinking time per choice, for study time estimates.")
    words_per_minute: float = Field(default=200, gt=0, description="Reading speed, for study time estimates.")

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False, populate_by_name=True)

    @property
    def certificate_template(self) -> str:
        return self.certificate if isinstance(self.certificate, str) else self.certificate.template

    @property
    def own_min_active_minutes(self) -> float | None:
        """The minimum study time the course sets itself (engine/study_time.py has the default)."""
        return None if isinstance(self.certificate, str) else self.certificate.min_active_minutes


class Course(Model):
    """A compiled course: metadata, modules in order, and what the compiler derived."""

    meta: CourseMeta
    modules: list[Module]
    content_hash: str
    max_scores: dict[str, int] = Field(default_factory=dict)
    sources: dict[str, str] = Field(default_factory=dict, description="scene id -> file:line")
    transcripts: dict[str, str] = Field(default_factory=dict, description="transcript path -> its text")
    _idx: tuple | None = PrivateAttr(default=None)  # type: ignore[type-arg]
    _conds: dict[str, tuple] = PrivateAttr(default_factory=dict)  # type: ignore[type-arg]

    def condition(self, text: str | None) -> tuple | None:  # type: ignore[type-arg]
        """The parsed form of a condition (cached); None when there is none."""
        if text is None:
            return None
        conds = self.__pydantic_private__["_conds"]  # type: ignore[index]
        node = conds.get(text)
        if node is None:
            node = parse_condition(text)
            conds[text] = node
        return node  # type: ignore[no-any-return]

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def has_open(self) -> bool:
        """The course has open scenes (whose answers are stored apart from the state)."""
        return any(s.type == "open" for m in self.modules for s in m.scenes)

    def module(self, module_id: str) -> Module:
        return self._index()[0][module_id]

    def scene(self, scene_id: str) -> Scene:
        return self._index()[1][scene_id]

    def module_of(self, scene_id: str) -> Module:
        return self._index()[2][scene_id]

    def entry(self, entry_id: str) -> NotebookEntry:
        return self._index()[3][entry_id]

    def character(self, character_id: str) -> Character | None:
        return next((c for c in self.meta.characters if c.id == character_id), None)

    def location(self, location_id: str) -> tuple[Scene, Location]:
        """The hub a location belongs to, and the location."""
        return self._index()[4][location_id]

    def _index(self) -> tuple[  # type: ignore[type-arg]
        dict[str, Module], dict[str, Scene], dict[str, Module], dict[str, NotebookEntry], dict[str, tuple]
    ]:
        private = self.__pydantic_private__  # direct access: pydantic's __getattr__ is slow on hot paths
        cached = private["_idx"] if private else None
        if cached is None:
            mods = {m.id: m for m in self.modules}
            scenes = {s.id: s for m in self.modules for s in m.scenes}
            owner = {s.id: m for m in self.modules for s in m.scenes}
            entries = {e.id: e for e in self.meta.notebook.entries}
            locs = {loc.id: (s, loc) for s in scenes.values() for loc in s.locations}
            cached = (mods, scenes, owner, entries, locs)
            self._idx = cached
        return cached  # type: ignore[no-any-return]
