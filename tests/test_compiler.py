"""The compiler finds every kind of author error, in one pass, with its exact message and place.

Each folder in tests/fixtures/errors/ is the mini course with one author error in it (see
the table below). For each, the test pins the exact `file:line:col: level: message` lines
(paths relative to the folder), that the course is refused on errors and returned on
warnings, and that line and column really point at the offending text.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from elearning.authoring import load_course
from elearning.certificates.templates import certificate_templates
from elearning.course import Problem
from elearning.course.loader import read_yaml

FIXTURES = Path(__file__).parent / "fixtures"
ERRORS = FIXTURES / "errors"
MINI = FIXTURES / "courses" / "mini"

# kind -> (is the course still usable?, [(expected line, the text at line:col)])
CASES: dict[str, tuple[bool, list[tuple[str, str | bytes]]]] = {
    # -- reading the files
    "yaml-syntax": (False, [
        ("modules/wijk.yaml:7:30: error: YAML syntax error: mapping values are not allowed in this context; "
         "a ':' followed by a space cannot stand here: put a text that contains ': ' between double quotes, "
         "or check the indentation of this line", ": wat doe je eerst?"),
    ]),
    "alias-anchor": (False, [
        ("modules/wijk.yaml:59:9: error: anchors and aliases (& and *) are not supported; "
         "write the value of '*terug' out here", "*terug"),
    ]),
    "duplicate-key": (False, [
        ("modules/wijk.yaml:37:9: error: the key 'goto' appears twice here; keep one", "goto: kaart"),
    ]),
    "not-utf8": (False, [
        ("modules/toets.yaml:2:14: error: the file is not UTF-8 text; save it as UTF-8", b"\xe9\xe9n"),
    ]),
    "empty-file": (False, [
        ("modules/toets.yaml:1:1: error: the file is empty", ""),
    ]),
    # -- the shape of the files
    "unknown-key": (False, [
        ("modules/wijk.yaml:37:9: error: unknown key 'pionts' in scene 'bakker', choice 1 (did you mean 'points'?)",
         "pionts: 2"),
    ]),
    "wrong-type": (False, [
        ("modules/wijk.yaml:37:17: error: 'points' in scene 'bakker', choice 1 must be a whole number, not 'twee'",
         "twee"),
    ]),
    "missing-field": (False, [
        ("modules/wijk.yaml:9:9: error: missing required key 'goto' in scene 'welkom', choice 1",
         "label: Naar de kaart"),
    ]),
    "image-no-alt": (False, [
        ("modules/wijk.yaml:15:10: error: the image in scene 'kaart' has no alt text; add 'alt:' that describes "
         "what it shows", "{src: media/kaart.svg"),
    ]),
    "image-empty-alt": (False, [
        ("modules/wijk.yaml:15:38: error: the image in scene 'kaart' has no alt text; describe what it shows", '""'),
    ]),
    "module-missing": (False, [
        ("course.yaml:12:24: error: module 'slot' is listed, but there is no file modules/slot.yaml", "slot]"),
    ]),
    "module-not-listed": (True, [
        ("course.yaml:12:10: warning: the file modules/oefen.yaml is not used: add it to 'modules' in course.yaml",
         "[wijk, toets]"),
    ]),
    # -- references and rules
    "duplicate-scene-id": (False, [
        ("modules/toets.yaml:15:9: error: the scene id 'bakker' is used twice; it is also used at "
         "modules/wijk.yaml:31", "bakker"),
    ]),
    "duplicate-entry-id": (False, [
        ("course.yaml:20:12: error: the notebook entry id 'sig-app' is used twice", "sig-app, kind"),
    ]),
    "goto-missing-scene": (False, [
        ("modules/wijk.yaml:36:15: error: scene 'bakker' leads to 'bakker2', but there is no scene with that id "
         "(did you mean 'bakker-2'?)", "bakker2"),
    ]),
    "goto-other-module": (False, [
        ("modules/wijk.yaml:46:38: error: scene 'bakker-2' leads to 'v1' in module 'toets'; a choice can only lead "
         "to a scene of its own module (modules follow each other after their end scene)", "v1}"),
    ]),
    "condition-syntax": (False, [
        ("modules/wijk.yaml:28:28: error: cannot read the condition 'done_count() = 2': unexpected character '='; "
         "to compare, write '==' (equal), '!=', '>=' or '<='", "= 2"),
    ]),
    "condition-unknown-scene": (False, [
        ("modules/wijk.yaml:23:23: error: visited(bakkr): there is no scene 'bakkr' (did you mean 'bakker'?)",
         "bakkr)"),
    ]),
    "condition-unknown-variable": (False, [
        ("modules/wijk.yaml:50:19: error: var(vertrouwn): there is no variable 'vertrouwn' "
         "(did you mean 'vertrouwen'?)", "vertrouwn)"),
    ]),
    "condition-unknown-entry": (False, [
        ("modules/wijk.yaml:64:19: error: has(sig-groetn): there is no notebook entry 'sig-groetn' "
         "(did you mean 'sig-groeten'?)", "sig-groetn)"),
    ]),
    "condition-unknown-kind": (False, [
        ("modules/wijk.yaml:64:21: error: count(signalen): there is no notebook kind 'signalen' "
         "(did you mean 'signaal'?)", "signalen)"),
    ]),
    "condition-unknown-location": (False, [
        ("modules/wijk.yaml:28:39: error: done(pleintje): there is no location 'pleintje' (did you mean 'plein'?)",
         "pleintje)"),
    ]),
    "flag-never-set": (True, [
        ("modules/wijk.yaml:66:24: warning: the flag 'app-gezein' is read here but no choice, answer or scene ever sets it "
         "(did you mean 'app-gezien'?)", "app-gezein)"),
    ]),
    "no-way-out": (False, [
        ("modules/wijk.yaml:43:9: error: scene 'bakker-2' has no choices, so learners get stuck; add a choice or "
         "make it an end scene (type: end)", "bakker-2"),
    ]),
    "pool-invalid": (False, [
        ("modules/toets.yaml:8:11: error: the questions of a pool must be worth the same, so that every draw has "
         "the same maximum: 'v1' gives at most 1, 'v2' 2 points", "[v1, v2, klaar]"),
        ("modules/toets.yaml:8:20: error: 'klaar' in a pool is not a question of module 'toets'", "klaar]"),
        ("modules/toets.yaml:9:12: error: the pool draws 4 questions but holds only 3", "4"),
    ]),
    "question-no-correct": (False, [
        ("modules/toets.yaml:12:7: error: question 'v1' has no answer marked 'correct: true'",
         "- {text: Wij-zij-denken"),
    ]),
    "end-with-choices": (False, [
        ("modules/toets.yaml:27:5: error: a scene of type 'end' cannot have 'choices' (an end scene offers 'next' "
         "and 'retake' by itself)", "choices:"),
    ]),
    "hub-without-map": (False, [
        ("modules/wijk.yaml:11:9: error: hub 'kaart' needs a map (map: src, alt, width, height)", "kaart"),
    ]),
    "location-without-reason": (True, [
        ("modules/wijk.yaml:23:15: warning: location 'plein' is locked until its condition holds, but has no "
         "'reason' telling the learner why", "visited(bakker)"),
    ]),
    "image-missing": (False, [
        ("modules/wijk.yaml:15:16: error: the image 'media/wijkkaart.svg' does not exist in the course folder "
         "(did you mean 'media/kaart.svg'?)", "media/wijkkaart.svg"),
    ]),
    "notebook-never-collected": (True, [
        ("course.yaml:21:12: warning: the notebook entry 'verb-juf' can never be collected: no choice, answer or scene adds it",
         "verb-juf,"),
    ]),
    # -- found by exploring every path
    "notebook-choice-never-taken": (True, [
        ("course.yaml:21:12: warning: the notebook entry 'verb-juf' can never be collected: the choices that add "
         "it can never be taken", "verb-juf,"),
    ]),
    "unreachable-scene": (True, [
        ("modules/wijk.yaml:68:9: warning: the scene 'zijstraat' can never be reached: no choice leads to it",
         "zijstraat"),
    ]),
    "loop-no-exit": (False, [
        ("modules/wijk.yaml:70:9: error: a learner who reaches scene 'park' can never finish module 'wijk': every "
         "way from there loops back without reaching an end scene", "park"),
        ("modules/wijk.yaml:74:9: error: a learner who reaches scene 'vijver' can never finish module 'wijk': every "
         "way from there loops back without reaching an end scene", "vijver"),
    ]),
    "point-farming": (False, [
        ("modules/wijk.yaml:55:17: error: scene 'plein' gives +1 points on a choice that a learner can take again "
         "and again (by coming back to it): 'Kijk op je telefoon naar de buurtapp'; make that choice 'once: true' "
         "or move the points", "1"),
    ]),
    "pass-no-points": (False, [
        ("modules/wijk.yaml:4:18: error: module 'wijk' has a pass mark of 50%, but no path earns any points; give "
         "points on choices or answers, or remove 'pass_percentage'", "50"),
    ]),
    "pass-unreachable": (False, [  # only points taken away: the best path ends with 0 of 0
        ("modules/wijk.yaml:4:18: error: module 'wijk' has a pass mark of 50%, but no path earns any points; give "
         "points on choices or answers, or remove 'pass_percentage'", "50"),
    ]),
    # -- the assessment: guessing, answer positions, the reach of the pass rule (assessment_checks.py)
    "guessing-passes": (True, [
        ("course.yaml:10:1: warning: a random guesser passes the course with a chance of 33% in one attempt, and module "
         "'toets' may be retaken without limit, so guessing passes in the end (more than the 5% that "
         "'assessment: max_guess_pass' allows; the course awards 0.01 PE points); limit the retakes, ask more questions "
         "or raise the pass mark", "pass:"),
    ]),
    "correct-answer-position": (True, [
        ("modules/toets.yaml:1:5: warning: the correct answer is answer 1 in 5 of the 5 questions of module 'toets' "
         "with one correct answer; a learner who always picks answer 1 scores 6 of the 7 points and passes; vary the "
         "position of the correct answer", "toets"),
    ]),
    "longest-answer": (True, [
        ("modules/toets.yaml:1:5: warning: in 6 of the 6 questions of module 'toets' the longest answer is the correct "
         "one, so a learner can pick it without knowing; make the wrong answers as long and as careful as the right "
         "one", "toets"),
    ]),
    "pass-mark-unreachable": (False, [  # 1 point in the wijk or 1 in the toets, never both
        ("course.yaml:10:1: error: the course pass mark cannot be reached: no path through the course passes module "
         "'toets' and reaches 100% of the 7 points of the course (the course total ranges from 1 to 6); lower the "
         "pass mark or give more points on the paths that pass", "pass:"),
        ("course.yaml:11:15: warning: module 'wijk' cannot be retaken, and a learner who scores 0 of its 3 points "
         "there stays below the course pass mark of 100% (7 points in all) for good, however well they do in the "
         "rest; allow 'retake: true' on module 'wijk' or lower 'percentage' under 'pass'", "100"),
    ]),
    "pass-sink": (True, [
        ("course.yaml:11:15: warning: module 'wijk' cannot be retaken, and a learner who scores -2 of its 1 points "
         "there stays below the course pass mark of 50% (4 points in all) for good, however well they do in the "
         "rest; allow 'retake: true' on module 'wijk' or lower 'percentage' under 'pass'", "50"),
    ]),
    # -- what goes on the certificate
    "placeholder-activity-id": (True, [
        ("course.yaml:9:16: warning: the activity id 'TODO' is a placeholder; the register's activity id, points and "
         "period are the provider's accreditation: remove 'activity_id' here and enter it with 'elearning "
         "accreditation set' (or on the administrator's accreditation page)", '"TODO"'),
    ]),
    "activity-id-in-course": (True, [
        ("course.yaml:9:16: warning: the activity id 'PE-123456' is no longer read from the course file; the "
         "register's activity id, points and period are the provider's accreditation: remove 'activity_id' here and "
         "enter it with 'elearning accreditation set' (or on the administrator's accreditation page)", '"PE-123456"'),
    ]),
    "points-above-norm": (True, [
        ("course.yaml:7:11: warning: the course is written for 1 PE point with Registerplein, but its study load of 5 "
         "minutes is worth at most 0.08 (1 point per net hour of study); lower 'points' or check "
         "'study_load_minutes'", "1"),
    ]),
    "points-in-text": (True, [
        ("modules/toets.yaml:29:15: warning: the text names a number of PE points ('2 PE-punten'); the points a "
         "certificate carries come from the accreditation and can change, so leave the number out (the course page "
         "and the certificate show it)", "Je bent geslaagd"),
    ]),
    "certificate-unknown": (False, [
        ("course.yaml:13:14: error: there is no certificate template 'standard' in certificates/ (did you mean "
         "'standaard'?); the templates in 'nl': standaard", "standard"),
    ]),
    "certificate-language": (False, [
        ("course.yaml:13:14: error: the certificate template 'standard-en' has its texts in 'en', not in the course "
         "language 'nl'; the templates in 'nl': standaard", "standard-en"),
    ]),
    "open-answer-incomplete": (False, [
        ("modules/wijk.yaml:47:7: error: open scene 'bakker-2' needs a model_answer or a checklist: learners see it "
         "after handing in", "min_length"),
        ("modules/wijk.yaml:47:19: error: open scene 'bakker-2' asks for at least 500 characters but allows at most "
         "100", "500"),
    ]),
    "values-media-dialogue": (False, [
        ("modules/wijk.yaml:44:71: error: unknown value 'vertrouwen'; write one of name, score, percentage, total, "
         "var(...), count(...), visited(...), done_count(...), snippet(...)", "{{ vertrouwen }}"),
        ("modules/wijk.yaml:46:19: error: the speaker 'bakkr' is not a character; declare it under 'characters:' in "
         "course.yaml (or write 'me' for the learner)", "bakkr"),
        ("modules/wijk.yaml:48:12: error: the audio 'media/groet.mp3' is not what its name says: a .mp3 file holds "
         "MP3, but this file is a PDF document", "media/groet.mp3"),
        ("modules/wijk.yaml:49:19: error: the transcript 'media/groet.txt' does not exist in the course folder (did "
         "you mean 'media/groet.mp3'?)", "media/groet.txt"),
    ]),
    # -- several errors in several files: all of them, in one pass
    "many-errors": (False, [
        ("course.yaml:5:1: error: unknown key 'study_load_minuten' (did you mean 'study_load_minutes'?)",
         "study_load_minuten"),
        ("modules/toets.yaml:12:7: error: question 'v1' has no answer marked 'correct: true'",
         "- {text: Wij-zij-denken"),
        ("modules/wijk.yaml:36:15: error: scene 'bakker' leads to 'bakker2', but there is no scene with that id "
         "(did you mean 'bakker-2'?)", "bakker2"),
    ]),
    # -- mistakes in real Dutch text, keys in the wrong place, and problems said at their root
    "feedback-misplaced": (False, [
        ('modules/wijk.yaml:43:5: error: this key belongs to a choice: indent it under the choice, in line '
         "with 'label' on line 41 (now it stands on scene 'bakker', where it means nothing)",
         'feedback: Je l'),
    ]),
    "quote-then-text": (False, [
        ('modules/wijk.yaml:33:11: error: this text starts with a quote mark, so YAML takes only '
         '"Goedemorgen!" as the text and cannot read what follows; put the whole text between quotes: text: '
         '\'"Goedemorgen!" roept de bakker.\'',
         '"Goedemorgen!"'),
    ]),
    "apostrophe-text": (False, [
        ("modules/wijk.yaml:48:11: error: a text that starts with an apostrophe (such as 's Nachts or 't Is) "
         'looks to YAML like a quoted text that never ends; put the whole text between double quotes: text: '
         '"\'s Ochtends is het stil op het plein."',
         "'s Ochtends is"),
    ]),
    "hash-in-text": (True, [
        ("modules/wijk.yaml:44:29: warning: YAML reads ' #' and the rest of this line as a comment, so the "
         "text ends at 'Mensen in portiek'; to keep the '#', put the whole text between double quotes (a "
         'comment belongs on a line of its own)',
         '#5 groeten elk'),
    ]),
    "yes-no-text": (False, [
        ("modules/wijk.yaml:46:17: error: 'label' in scene 'bakker-2', choice 1 must be text, not False; YAML "
         'reads no as false (yes, no, on, off, true and false are true or false to YAML): to show the word, '
         'put it between double quotes: "no"',
         'no, goto: kaar'),
    ]),
    "tab-indent": (False, [
        ('modules/wijk.yaml:32:1: error: this line is indented with a tab; indent with spaces (2 for every '
         'level)',
         '\ttitle: De bak'),
    ]),
    "odd-indent": (False, [
        ("modules/wijk.yaml:37:8: error: indent this line 1 more space, so that 'points' lines up with "
         "'label' on line 35",
         'points: 2'),
    ]),
    "goto-too-little": (False, [
        ("modules/wijk.yaml:10:7: error: indent this line 2 more spaces, so that 'goto' lines up with 'label' "
         'on line 9',
         'goto: kaart'),
    ]),
    "exit-never-opens": (False, [
        ("modules/wijk.yaml:28:15: error: the condition 'done_count() >= 3' never holds when a learner is at "
         "scene 'kaart', so 'Klaar met de wandeling' is never available; because of that, a learner who "
         "reaches scene 'kaart' can never finish module 'wijk'",
         'done_count() >'),
    ]),
    "key-wrong-scene-type": (False, [
        ("modules/wijk.yaml:7:5: error: a scene of type 'scene' cannot have 'shuffle'; only a scene of type "
         "'question' can",
         'shuffle: true'),
    ]),
    "stuck": (False, [
        ("modules/wijk.yaml:47:9: error: a learner can get stuck at scene 'plein': none of its choices is "
         "available in this situation: once-only choices taken: 'Vraag hoe het gaat in de straat' in scene "
         "'bakker', 'Kijk op je telefoon naar de buurtapp' in scene 'plein'; flags that hold: app-gezien; "
         'variables: vertrouwen = 1',
         'plein'),
    ]),
    "unreachable-by-condition": (True, [
        ("modules/wijk.yaml:13:15: warning: the condition 'var(vertrouwen) >= 1' never holds when a learner "
         "is at scene 'welkom', so 'Naar het park' is never available and scene 'park' is never reached that "
         'way',
         'var(vertrouwen'),
    ]),
    "end-unreachable": (True, [
        ("modules/wijk.yaml:33:15: warning: the condition 'var(vertrouwen) >= 3' never holds when a learner "
         "is at scene 'kaart', so 'Naar huis' is never available and scene 'thuis' is never reached that way",
         'var(vertrouwen'),
    ]),
}


# The same problems said in Dutch: `elearning validate` follows the course's language (nl here).
DUTCH: dict[str, list[str]] = {
    "values-media-dialogue": [
        "modules/wijk.yaml:44:71: error: onbekende waarde 'vertrouwen'; schrijf een van name, score, percentage, "
        "total, var(...), count(...), visited(...), done_count(...), snippet(...)",
        "modules/wijk.yaml:46:19: error: de spreker 'bakkr' is geen personage; zet het onder 'characters:' in "
        "course.yaml (of schrijf 'me' voor de deelnemer)",
        "modules/wijk.yaml:48:12: error: het geluidsbestand 'media/groet.mp3' is niet wat de naam zegt: een "
        ".mp3-bestand bevat MP3, maar dit bestand is een PDF-document",
        "modules/wijk.yaml:49:19: error: het transcript 'media/groet.txt' bestaat niet in de cursusmap (bedoel je "
        "'media/groet.mp3'?)",
    ],
    "open-answer-incomplete": [
        "modules/wijk.yaml:47:7: error: open scène 'bakker-2' heeft een model_answer of een checklist nodig: "
        "deelnemers zien die na het inleveren",
        "modules/wijk.yaml:47:19: error: open scène 'bakker-2' vraagt minstens 500 tekens, maar staat er hoogstens "
        "100 toe",
    ],
    "points-in-text": [
        "modules/toets.yaml:29:15: warning: de tekst noemt een aantal PE-punten ('2 PE-punten'); de punten op een "
        "certificaat komen uit de accreditatie en kunnen veranderen, dus laat het aantal weg (de cursuspagina en "
        "het certificaat tonen het)",
    ],
    "feedback-misplaced": [
        'modules/wijk.yaml:43:5: error: deze sleutel hoort bij een keuze: laat hem inspringen onder de '
        "keuze, gelijk met 'label' op regel 41 (nu staat hij bij scène 'bakker', waar hij niets betekent)",
    ],
    "quote-then-text": [
        'modules/wijk.yaml:33:11: error: deze tekst begint met een aanhalingsteken, dus YAML neemt alleen '
        '"Goedemorgen!" als tekst en kan niet lezen wat erna komt; zet de hele tekst tussen '
        'aanhalingstekens: text: \'"Goedemorgen!" roept de bakker.\'',
    ],
    "apostrophe-text": [
        "modules/wijk.yaml:48:11: error: een tekst die met een apostrof begint (zoals 's Nachts of 't Is), "
        'lijkt voor YAML op een tekst tussen aanhalingstekens die nooit eindigt; zet de hele tekst tussen '
        'dubbele aanhalingstekens: text: "\'s Ochtends is het stil op het plein."',
    ],
    "hash-in-text": [
        "modules/wijk.yaml:44:29: warning: YAML leest ' #' en de rest van deze regel als commentaar, dus de "
        "tekst houdt op bij 'Mensen in portiek'; wil je de '#' houden, zet dan de hele tekst tussen dubbele "
        'aanhalingstekens (commentaar hoort op een eigen regel)',
    ],
    "yes-no-text": [
        "modules/wijk.yaml:46:17: error: 'label' in scène 'bakker-2', keuze 1 moet tekst zijn, niet False; "
        'YAML leest no als false (yes, no, on, off, true en false zijn voor YAML waar of onwaar): wil je het '
        'woord tonen, zet het dan tussen dubbele aanhalingstekens: "no"',
    ],
    "tab-indent": [
        'modules/wijk.yaml:32:1: error: deze regel springt in met een tab; spring in met spaties (2 per '
        'niveau)',
    ],
    "odd-indent": [
        "modules/wijk.yaml:37:8: error: laat deze regel 1 spatie verder inspringen, zodat 'points' gelijk "
        "staat met 'label' op regel 35",
    ],
    "goto-too-little": [
        "modules/wijk.yaml:10:7: error: laat deze regel 2 spaties verder inspringen, zodat 'goto' gelijk "
        "staat met 'label' op regel 9",
    ],
    "exit-never-opens": [
        "modules/wijk.yaml:28:15: error: de voorwaarde 'done_count() >= 3' geldt nooit als een cursist in "
        "scène 'kaart' is, dus 'Klaar met de wandeling' is nooit beschikbaar; daardoor kan een cursist die "
        "scène 'kaart' bereikt, module 'wijk' nooit afmaken",
    ],
    "key-wrong-scene-type": [
        "modules/wijk.yaml:7:5: error: een scène van type 'scene' kan geen 'shuffle' hebben; alleen een "
        "scène van type 'question' kan dat",
    ],
    "stuck": [
        "modules/wijk.yaml:47:9: error: een cursist kan vastlopen in scène 'plein': geen van de keuzes is "
        "beschikbaar in deze situatie: eenmalige keuzes gemaakt: 'Vraag hoe het gaat in de straat' in scène "
        "'bakker', 'Kijk op je telefoon naar de buurtapp' in scène 'plein'; vlaggen die aan staan: "
        'app-gezien; variabelen: vertrouwen = 1',
    ],
    "unreachable-by-condition": [
        "modules/wijk.yaml:13:15: warning: de voorwaarde 'var(vertrouwen) >= 1' geldt nooit als een cursist "
        "in scène 'welkom' is, dus 'Naar het park' is nooit beschikbaar en scène 'park' wordt langs die weg "
        'nooit bereikt',
    ],
    "end-unreachable": [
        "modules/wijk.yaml:33:15: warning: de voorwaarde 'var(vertrouwen) >= 3' geldt nooit als een cursist "
        "in scène 'kaart' is, dus 'Naar huis' is nooit beschikbaar en scène 'thuis' wordt langs die weg "
        'nooit bereikt',
    ],
}


def relative(problems: list[Problem], folder: Path) -> list[str]:
    return [str(p).replace(f"{folder}/", "") for p in problems]


def text_at(folder: Path, problem: Problem, length: int, *, raw: bool = False) -> str | bytes:
    """The text of the file at the problem's line and column (libyaml counts characters)."""
    data = Path(problem.file).read_bytes()
    if raw:
        line = data.split(b"\n")[problem.line - 1]
        return line[problem.col - 1: problem.col - 1 + length]
    lines = data.decode("utf-8").split("\n")
    return lines[problem.line - 1][problem.col - 1: problem.col - 1 + length]


def test_every_fixture_folder_is_a_case_and_every_case_has_a_folder() -> None:
    assert sorted(p.name for p in ERRORS.iterdir() if p.is_dir()) == sorted(CASES)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_kind_of_author_error(kind: str) -> None:
    folder = ERRORS / kind
    usable, expected = CASES[kind]
    course, problems = load_course(folder, templates=certificate_templates())
    assert relative(problems, folder) == [line for line, _ in expected]
    assert (course is not None) is usable
    if usable:
        assert all(p.level == "warning" for p in problems)
    for problem, (_, token) in zip(problems, expected, strict=True):
        found = text_at(folder, problem, len(token), raw=isinstance(token, bytes))
        assert found == token, f"{problem} points at {found!r}, not at {token!r}"


@pytest.mark.parametrize("kind", sorted(DUTCH))
def test_each_kind_of_author_error_in_dutch(kind: str) -> None:
    folder = ERRORS / kind
    _, problems = load_course(folder, templates=certificate_templates())
    assert [p.line_in("nl").replace(f"{folder}/", "") for p in problems] == DUTCH[kind]
    assert [p.line_in("en") for p in problems] == [str(p) for p in problems]


EXAMPLES = Path(__file__).parent.parent / "docs" / "examples"
EVERY_COURSE = sorted(p for p in [*ERRORS.iterdir(), *(FIXTURES / "courses").iterdir(), *EXAMPLES.iterdir()]
                      if (p / "course.yaml").is_file())
_ONLY_IDS = re.compile(r"[\w./:'()-]+")


@pytest.mark.parametrize("folder", EVERY_COURSE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_problem_is_said_in_dutch(folder: Path) -> None:
    """A problem whose message is a plain English string (or a catalogue entry without Dutch)
    comes out in English under `validate --lang nl`: each must read differently in Dutch, unless
    it is nothing but ids and paths."""
    _, problems = load_course(folder, templates=certificate_templates())
    untranslated = [str(p) for p in problems
                    if p.text is None or (p.say("nl") == p.say("en") and not _ONLY_IDS.fullmatch(p.message))]
    assert untranslated == []


def test_the_dutch_check_covers_the_new_kinds_of_message() -> None:
    """The fixtures behind the check above do reach the open-answer, dialogue, value, media and
    PE messages (otherwise it would pass for want of problems)."""
    folders = {p.name for p in EVERY_COURSE}
    assert {"values-media-dialogue", "open-answer-incomplete", "points-in-text", "activity-id-in-course",
            "points-above-norm"} <= folders
    assert {"buurthuis", "praktijkopdracht"} <= folders


def test_the_mini_course_has_no_problems() -> None:
    course, problems = load_course(MINI)
    assert problems == []
    assert course is not None
    assert course.id == "mini"
    assert [m.id for m in course.modules] == ["wijk", "toets"]
    assert course.max_scores == {"wijk": 3, "toets": 3}
    assert course.sources["bakker"] == "modules/wijk.yaml:31"
    assert course.sources["klaar"] == "modules/toets.yaml:24"
    assert len(course.content_hash) == 64


def test_a_problem_prints_as_file_line_col_level_message() -> None:
    problem = Problem("c/course.yaml", 3, 7, "warning", "the flag 'x' is read here but no choice, answer or scene ever sets it")
    assert str(problem) == "c/course.yaml:3:7: warning: the flag 'x' is read here but no choice, answer or scene ever sets it"
    assert problem.to_json() == {"file": "c/course.yaml", "line": 3, "col": 7, "level": "warning",
                                 "message": "the flag 'x' is read here but no choice, answer or scene ever sets it"}


# -- edits on a private copy of the mini course -----------------------------------------------
@pytest.fixture
def course(tmp_path: Path) -> Path:
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(folder: Path, **kwargs: int) -> list[str]:
    _, problems = load_course(folder, **kwargs)
    return relative(problems, folder)


def test_the_state_bound_stops_exploring_with_one_error_and_no_echoes() -> None:
    course, problems = load_course(MINI, max_states=5)
    assert course is None
    assert relative(problems, MINI) == [
        "course.yaml:12:10: error: the course has more than 5 distinct situations, so it could not be checked "
        "completely; use fewer independent flags, variables or notebook entries in conditions",
    ]
    assert load_course(MINI, max_states=1_000)[0] is not None


def test_a_broken_course_yaml_does_not_hide_the_problems_of_the_modules(course: Path) -> None:
    edit(course / "course.yaml", "title: Een kleine wijkwandeling", "title: [Een kleine wijkwandeling")
    edit(course / "modules" / "toets.yaml", "multiple: true", "multipel: true")
    assert problems_of(course) == [
        "course.yaml:3:9: error: YAML syntax error: did not find expected ',' or ']'; the list that opens on "
        "line 2 is not closed with ']', or a text in it needs double quotes",
        "modules/toets.yaml:17:5: error: unknown key 'multipel' in scene 'v2' (did you mean 'multiple'?)",
    ]


def test_an_invalid_key_in_course_yaml_does_not_hide_reference_errors(course: Path) -> None:
    edit(course / "course.yaml", "study_load_minutes: 5", "study_load_minutes: vijf")
    edit(course / "course.yaml", "  vertrouwen: 0", "  Vertrouwen: 0")
    edit(course / "modules" / "wijk.yaml", "goto: bakker-2", "goto: bakker_2")
    assert problems_of(course) == [
        "course.yaml:5:21: error: 'study_load_minutes' must be a whole number, not 'vijf'",
        "course.yaml:22:3: error: 'Vertrouwen' in 'variables' is not a valid id: use lower-case letters, digits, "
        "- and _ (no spaces), starting with a letter or digit",
        "modules/wijk.yaml:36:15: error: scene 'bakker' leads to 'bakker_2', but there is no scene with that id "
        "(did you mean 'bakker-2'?)",
    ]


def test_a_module_id_that_differs_from_its_file_name(course: Path) -> None:
    edit(course / "modules" / "toets.yaml", "id: toets", "id: eindtoets")
    assert problems_of(course) == [
        "modules/toets.yaml:1:5: error: the module id 'eindtoets' differs from its file name 'toets'; make them equal",
    ]


def test_a_yml_file_and_a_second_document(course: Path) -> None:
    (course / "modules" / "extra.yml").write_text("id: extra\n", encoding="utf-8")
    with (course / "modules" / "toets.yaml").open("a", encoding="utf-8") as f:
        f.write("---\nid: nog-een\n")
    assert problems_of(course) == [
        "course.yaml:12:10: error: the file modules/extra.yml is not used: rename it to .yaml",
        "modules/toets.yaml:33:1: error: a file holds one YAML document; remove the '---'",
    ]


def test_binary_data_and_invisible_control_characters(course: Path) -> None:
    (course / "modules" / "toets.yaml").write_bytes(b"id: toets\x00\n")
    edit(course / "modules" / "wijk.yaml", "title: De wijk in", "title: De wijk\x07 in")
    assert problems_of(course) == [
        "modules/toets.yaml:1:1: error: the file contains binary data, not YAML text",
        "modules/wijk.yaml:2:15: error: the file contains the invisible control character U+0007, which YAML does "
        "not allow; remove it (retype the text around it)",
    ]


def test_a_missing_folder_and_a_folder_without_course_yaml(tmp_path: Path) -> None:
    assert load_course(tmp_path / "nope") == (None, [
        Problem(str(tmp_path / "nope"), 1, 1, "error", f"there is no course folder at '{tmp_path / 'nope'}'"),
    ])
    course, problems = load_course(tmp_path)
    assert course is None
    assert [p.message for p in problems] == [
        "this folder has no course.yaml; a course folder holds course.yaml and modules/*.yaml",
    ]


def test_a_module_file_that_is_a_list_and_a_course_yaml_that_is_text(course: Path) -> None:
    (course / "modules" / "toets.yaml").write_text("- id: toets\n", encoding="utf-8")
    assert problems_of(course) == [
        "modules/toets.yaml:1:1: error: a module file must be a mapping of keys such as id, title, start and scenes",
    ]
    (course / "course.yaml").write_text("Een cursus over polarisatie\n", encoding="utf-8")
    assert problems_of(course) == [
        "course.yaml:1:1: error: course.yaml must be a mapping of keys such as id, title and modules",
        "modules/toets.yaml:1:1: error: a module file must be a mapping of keys such as id, title, start and scenes",
    ]


def test_a_choice_may_not_use_a_reserved_id_or_an_unknown_variable(course: Path) -> None:
    edit(course / "modules" / "wijk.yaml", "      - label: Naar de kaart\n",
         "      - label: Naar de kaart\n        id: next\n        set: {vertrouwn: 2}\n")
    assert problems_of(course) == [
        "modules/wijk.yaml:10:13: error: the choice id 'next' is reserved; pick another",
        "modules/wijk.yaml:11:15: error: the variable 'vertrouwn' is not declared (did you mean 'vertrouwen'?); "
        "declare it under 'variables:' in course.yaml",
    ]


def test_questions_need_two_answers_and_a_goto(course: Path) -> None:
    edit(course / "modules" / "toets.yaml",
         "      - {text: Een ruzie tussen twee buren, feedback: Dat is een conflict.}\n    goto: v2\n", "")
    assert problems_of(course) == [
        "modules/toets.yaml:8:9: error: question 'v1' needs 'goto': the scene after answering",
        "modules/toets.yaml:12:7: error: question 'v1' needs at least two answers",
    ]


def test_course_pass_percentage_without_points(course: Path) -> None:
    for name in ("wijk", "toets"):
        path = course / "modules" / f"{name}.yaml"
        text = path.read_text(encoding="utf-8").replace("points: 2", "points: 0").replace("points: 1", "points: 0")
        text = text.replace("correct: true", "correct: true, points: 0").replace("pass_percentage: 50\n", "")
        path.write_text(text, encoding="utf-8")
    assert problems_of(course) == [
        "course.yaml:11:15: error: the course has a pass percentage, but no path earns any points; give points on "
        "choices or answers, or remove 'percentage' under 'pass'",
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("a:\n\tb: 1\n", (2, 1, "this line is indented with a tab; indent with spaces (2 for every level)")),
    ("a: @b\n", (1, 4, "YAML syntax error: found character that cannot start any token; a text cannot start "
                       "with '@'; put the text between double quotes")),
    ('a: 1\nb: "open\n', (2, 4, "YAML syntax error: found unexpected end of stream; this quote is never closed; "
                                "end the text with the same quote mark")),
    ("a: {b: 1\n", (2, 1, "YAML syntax error: did not find expected ',' or '}'; the mapping that opens on line 1 "
                          "is not closed with '}', or a text in it needs double quotes")),
    ('a: "C:\\pad"\n', (1, 7, "YAML syntax error: found unknown escape character; between double quotes a "
                              "backslash (\\) starts a special character; write \\\\ or use single quotes")),
    ("a:\n  - 1\n - 2\n", (3, 2, "YAML syntax error: did not find expected key; this line does not line up with "
                                 "the keys above it; check its indentation, and put a text with special characters "
                                 "between double quotes")),
    ("a:\n  - x: 1\n  y: 2\n", (3, 3, "indent this line 2 more spaces, so that 'y' lines up with 'x' on line 2")),
    ("a:\n  -  x: 1\n      y: 2\n", (3, 7, "indent this line 1 space less, so that 'y' lines up with 'x' on line 2")),
    ("a:\n  - x: 1\n\n    # z\n     y: 2\n", (5, 6, "indent this line 1 space less, so that 'y' lines up with 'x' on "
                                                "line 2")),
    ("a: 1\nb\nc: 2\n", (3, 1, "YAML syntax error: could not find expected ':'; a line above has no ':' after its "
                               "key, or a text runs over several lines; put such a text between double quotes")),
    ("a: *nergens\n", (1, 4, "anchors and aliases (& and *) are not supported; write the value out")),
    ("a: [1, [2]]\n[x]: 1\n", (2, 1, "a key must be a plain word")),
])
def test_yaml_syntax_errors_say_what_to_do(tmp_path: Path, text: str, expected: tuple[int, int, str]) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    doc = read_yaml(path, "f.yaml")
    assert [(w.line, w.col, str(m)) for w, m, _ in doc.problems] == [expected]


def test_an_anchor_without_alias_is_harmless_and_every_alias_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("a: &x {b: 1}\nc: *x\nd: [*x, &y 2]\n", encoding="utf-8")
    doc = read_yaml(path, "f.yaml")
    assert doc.data == {"a": {"b": 1}, "c": None, "d": [None, 2]}
    assert [(w.line, w.col) for w, _, _ in doc.problems] == [(2, 4), (3, 5)]
    assert doc.refused == [("c",), ("d", 0)]


def test_the_content_hash_follows_the_files(course: Path) -> None:
    first, _ = load_course(course)
    again, _ = load_course(course)
    assert first is not None and again is not None
    assert first.content_hash == again.content_hash
    (course / "media" / "kaart.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    changed, _ = load_course(course)
    assert changed is not None and changed.content_hash != first.content_hash


def test_numbers_out_of_range_say_the_bound(course: Path) -> None:
    edit(course / "course.yaml", "study_load_minutes: 5", "study_load_minutes: 0")
    edit(course / "course.yaml", "  percentage: 50", "  percentage: 120")
    edit(course / "modules" / "wijk.yaml", "x: 100, y: 100", "x: -5, y: .inf")
    assert problems_of(course) == [
        "course.yaml:5:21: error: 'study_load_minutes' must be more than 0, not 0",
        "course.yaml:11:15: error: 'percentage' in 'pass' must be at most 100, not 120",
        "modules/wijk.yaml:17:58: error: 'x' in scene 'kaart', location 'bakkerij' must be at least 0, not -5",
        "modules/wijk.yaml:17:65: error: 'y' in scene 'kaart', location 'bakkerij' must be a number, not inf",
    ]


def test_several_errors_in_one_scene_are_all_reported_without_echoes(course: Path) -> None:
    edit(course / "modules" / "wijk.yaml", "        points: 2\n", "        pionts: 2\n")
    edit(course / "modules" / "wijk.yaml", "goto: bakker-2", "goto: bakker2")
    edit(course / "modules" / "wijk.yaml", "    type: end\n    text: Je wandeling", "    type: einde\n    text: Je wandeling")
    edit(course / "modules" / "toets.yaml", "    multiple: true", "    multiple: ja")
    assert problems_of(course) == [
        "modules/toets.yaml:17:15: error: 'multiple' in scene 'v2' must be true or false, not 'ja'",
        "modules/wijk.yaml:36:15: error: scene 'bakker' leads to 'bakker2', but there is no scene with that id "
        "(did you mean 'bakker-2'?)",
        "modules/wijk.yaml:37:9: error: unknown key 'pionts' in scene 'bakker', choice 1 (did you mean 'points'?)",
        "modules/wijk.yaml:61:11: error: 'type' in scene 'einde' must be one of 'scene', 'hub', 'question', 'open' or "
        "'end', not 'einde'",
    ]


def test_unknown_keys_in_sections_and_optional_parts_get_a_suggestion(course: Path) -> None:
    edit(course / "course.yaml", "  points: 0.01", "  pointz: 0.01")
    edit(course / "course.yaml", "{id: sig-app, kind: signaal,", "{id: sig-app, knd: signaal,")
    edit(course / "modules" / "wijk.yaml", "map: {src:", "map: {scr:")
    assert problems_of(course) == [
        "course.yaml:7:3: error: unknown key 'pointz' in 'pe' (did you mean 'points'?)",
        "course.yaml:19:21: error: unknown key 'knd' in notebook entry 'sig-app' (did you mean 'kind'?)",
        "modules/wijk.yaml:15:11: error: unknown key 'scr' in scene 'kaart' (did you mean 'src'?)",
    ]


def test_a_comma_in_a_text_inside_braces_says_to_quote_it(course: Path) -> None:
    edit(course / "course.yaml", "title: Buren groeten elkaar niet meer}", "title: Buren groeten, elkaar niet meer}")
    _, problems = load_course(course)
    assert [p.line_in("en").replace(f"{course}/", "") for p in problems] == [
        "course.yaml:18:62: error: unknown key 'elkaar niet meer' in notebook entry 'sig-groeten'; "
        "inside { } a comma ends a value, so the words after it became a key: put a text with a comma between "
        "double quotes",
    ]
    assert [p.line_in("nl").replace(f"{course}/", "") for p in problems] == [
        "course.yaml:18:62: error: onbekende sleutel 'elkaar niet meer' in notitieboek-item 'sig-groeten'; binnen "
        "{ } sluit een komma een waarde af, dus de woorden erna werden een sleutel: zet een tekst met een komma "
        "tussen dubbele aanhalingstekens",
    ]


def test_a_goto_on_the_scene_instead_of_its_choice_is_one_error_not_two(course: Path) -> None:
    edit(course / "modules" / "wijk.yaml", "      - label: Naar de kaart\n        goto: kaart\n",
         "      - label: Naar de kaart\n    goto: kaart\n")
    assert problems_of(course) == [  # not also "missing required key 'goto' in scene 'welkom', choice 1"
        "modules/wijk.yaml:10:5: error: this key belongs to a choice: indent it under the choice, in line with "
        "'label' on line 9 (now it stands on scene 'welkom', where it means nothing)",
    ]


def test_no_problem_is_reported_with_a_plain_english_string() -> None:
    """Where the compiler and the checks report a problem, the message is `text(N_(...))`, not
    a str or f-string (those cannot be said in Dutch); this also covers messages that no fixture
    reaches."""
    import ast

    root = Path(__file__).parent.parent / "elearning"
    plain: list[str] = []
    for path in sorted([*(root / "course").glob("*.py"), *(root / "authoring").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            args: list[ast.expr] = []
            if name in ("add", "add_at") and isinstance(node.func, ast.Attribute) and \
                    ast.unparse(node.func.value).endswith("comp") and len(node.args) > 2:
                args = [node.args[2]]
            elif name == "_add_scene" and len(node.args) > 4:
                args = [node.args[4]]
            elif name == "Placeholder":
                args = [k.value for k in node.keywords if k.arg == "error"]
            plain += [f"{path.name}:{a.lineno}" for a in args
                      if isinstance(a, ast.JoinedStr) or (isinstance(a, ast.Constant) and isinstance(a.value, str))]
    assert plain == []
