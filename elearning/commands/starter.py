"""The small course `elearning new` writes: valid, with the `$schema` line in every file.

Dutch only for now: an English course also needs an English certificate template, and
certificates/ has none yet.

Its schemas are written next to it (schemas/), so that the `$schema` lines work wherever
the folder is. Course text is in plain language; the Dutch addresses the learner as "je".
"""

from __future__ import annotations

import re
from pathlib import Path

_COURSE = {
    "nl": """\
# yaml-language-server: $schema=schemas/course.schema.json
# Je nieuwe cursus. Alle sleutels staan in docs/authoring.md.
# Controleer na elke wijziging: elearning validate --strict {folder}
id: {id}
title: Mijn eerste cursus
language: nl
description: Een korte cursus om mee te beginnen.
study_load_minutes: 5
modules: [start]
notebook:
  kinds:
    - {{id: inzicht, label: Inzichten}}
  entries:
    - id: luisteren
      kind: inzicht
      title: Eerst luisteren, dan praten
# Nog zonder toets: wie de cursus afmaakt, slaagt, ook wie gokt. Voeg een toetsmodule toe
# (assessment: true, pass_percentage) en haal dan deze twee regels weg.
assessment:
  max_guess_pass: 100
""",
}

_MODULE = {
    "nl": """\
# yaml-language-server: $schema=../schemas/module.schema.json
id: start
title: Kennismaken
start: welkom
scenes:
  - id: welkom
    title: Welkom
    text: |
      Je komt binnen in het buurthuis. Een bewoner wil iets met je bespreken.
    choices:
      - label: Luister eerst naar het verhaal
        goto: vraag
        notebook: [luisteren]
        feedback: Goed dat je eerst luistert.
      - label: Vertel meteen wat je komt doen
        goto: vraag
  - id: vraag
    type: question
    text: Wat helpt om iemand echt te horen?
    answers:
      - text: Zo snel mogelijk een oplossing bedenken voor het probleem
        feedback: Een oplossing helpt pas als je weet wat er speelt.
      - text: Doorvragen naar wat de ander bedoelt
        correct: true
        feedback: Ja. Zo merkt de ander dat je luistert.
    goto: einde
  - id: einde
    type: end
    title: Klaar
    text: Je hebt de eerste module afgerond.
""",
}

_TEST = {
    "nl": """\
# yaml-language-server: $schema=../schemas/playthrough.schema.json
name: Wie eerst luistert, heeft het inzicht in het notitieboek
steps:
  - choose: Luister eerst naar het verhaal
  - expect:
      has: [luisteren]
  - answer: b
  - expect:
      scene: einde
""",
}


def course_id(folder: Path) -> str:
    """An id for the course from its folder name (lower case, digits, - and _)."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", folder.resolve().name.lower()).strip("-_")[:64]
    return slug or "mijn-cursus"


def write_starter(folder: Path, lang: str = "nl") -> None:
    """Write the starter course's files into folder (which is new or empty)."""
    (folder / "modules").mkdir(parents=True, exist_ok=True)
    (folder / "tests").mkdir(exist_ok=True)
    (folder / "media").mkdir(exist_ok=True)
    (folder / "course.yaml").write_text(_COURSE[lang].format(id=course_id(folder), folder=folder), encoding="utf-8")
    (folder / "modules" / "start.yaml").write_text(_MODULE[lang], encoding="utf-8")
    (folder / "tests" / "doorloop.yaml").write_text(_TEST[lang], encoding="utf-8")
