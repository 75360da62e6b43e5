"""The course courses/polarisatie: compiles without a single problem, every ending can be
reached, the study time matches the claim, the scripted playthroughs pass, and the
images (the map above all) can be understood without seeing them."""

from __future__ import annotations

import re
import subprocess  # noqa: S404 - pdfinfo and pdftotext read our own PDF
import xml.etree.ElementTree as ET  # noqa: S405 - parses only the course's own SVG files
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from elearning.authoring import load_course
from elearning.authoring.assessment import report_lines
from elearning.authoring.explore import Exploration, explore
from elearning.authoring.guessing import question_set
from elearning.authoring.playthrough import run_course_tests, run_file
from elearning.certificates.templates import certificate_templates
from elearning.course import Course
from elearning.engine import start
from elearning.engine.assessment import new_round

COURSE_DIR = Path(__file__).resolve().parent.parent / "courses" / "polarisatie"
SVG = "{http://www.w3.org/2000/svg}"
MARKER = "#1f3a93"


# What validate says of the course as it stands: nothing. The register's activity id is an
# administrator's accreditation record, not course text; a guesser passes the final test within
# its three tries with a chance of about 0.12%, and its correct answers are seldom the longest.
KNOWN_WARNINGS: list[str] = [
]


@pytest.fixture(scope="module")
def course() -> Course:
    compiled, problems = load_course(COURSE_DIR, templates=certificate_templates())
    assert [str(p).replace(f"{COURSE_DIR}/", "") for p in problems] == KNOWN_WARNINGS
    assert compiled is not None
    return compiled


def test_the_guessing_analysis_of_the_course(course: Course, exploration: Exploration) -> None:
    found = exploration.assessment
    assert found is not None and found.guess is not None and found.guess.exact
    toets = course.module("toets")
    assert (toets.max_attempts, toets.reveal, toets.assessment) == (3, "after_submit", True)
    # the toets is a row of 12 single-answer questions of four answers, 1 point each: count the
    # guesser's score distribution by hand, answer by answer (the explorer takes the first draw)
    scores = {0: Fraction(1)}
    for question in question_set(toets):
        assert not question.multiple and len(question.answers) == 4
        assert sorted(a.score for a in question.answers) == [0, 0, 0, 1]  # announced: no negative marking
        new: dict[int, Fraction] = defaultdict(Fraction)
        for score, p in scores.items():
            for a in question.answers:
                new[score + a.score] += p / len(question.answers)
        scores = new
    once = sum(p for score, p in scores.items() if score * 100 >= 70 * 12)
    assert found.guess.p == pytest.approx(float(once), rel=1e-9)
    assert found.modules["toets"].p == pytest.approx(found.guess.p, rel=1e-12)  # only the toets can fail
    within = 1 - (1 - once) ** 3
    assert (found.attempts, found.reachable) == (3, True)
    assert found.within == pytest.approx(float(within), rel=1e-9)
    assert found.within < 0.05
    # what `elearning explore courses/polarisatie` prints of it
    assert report_lines(course, found)[1:5] == [
        "pass rule: module 'toets' passed (70%) and module 'praktijkopdracht' passed (0%); can be met",
        "random guesser passes the course: 0.039% in one attempt; 3 attempts: 0.12%",
        "  module 'toets' passed in one try: 0.039%",
        "  module 'praktijkopdracht' passed in one try: 100%",  # handing it in is enough; a reviewer approves it
    ]


@pytest.fixture(scope="module")
def exploration(course: Course) -> Exploration:
    return explore(course)


def test_the_course_compiles_without_errors_or_warnings(course: Course) -> None:
    assert course.meta.modules == ["intro", "rondgang", "analyse", "stappenplan", "toets", "praktijkopdracht"]


def test_every_scene_and_ending_is_reachable(course: Course, exploration: Exploration) -> None:
    assert not exploration.bound_hit
    for report in exploration.modules:
        assert report.unreached == [], f"{report.module}: never reached: {report.unreached}"
        assert report.ends_unreached == [], f"{report.module}: endings never reached: {report.ends_unreached}"
    endings = exploration.module("stappenplan").ends_reached
    assert set(endings) == {"eind-verbinding", "eind-olie", "eind-halfbeeld", "eind-stilstand", "eind-wantrouwen"}


def test_the_state_space_stays_small(exploration: Exploration) -> None:
    # trust (2 values), missed signals (4) and the eight places visited make the tour the largest
    # part (about 39,000); the tour hands the later modules two flags, not its connectors
    assert sum(r.states for r in exploration.modules) < 50_000


def test_study_time_fits_the_hour_and_the_study_load_carries_the_points(course: Course, exploration: Exploration) -> None:
    _, online, _ = exploration.minutes
    assert 45 <= online <= 75, f"median path online {online} min"
    offline = exploration.offline_minutes
    assert offline == sum(s.offline_minutes or 0 for s in course.module("praktijkopdracht").scenes) > 0
    claimed = course.meta.study_load_minutes
    pe = course.meta.pe
    assert pe is not None
    # Registerplein: one point per net hour of study, online and offline together
    assert online + offline >= 60 * pe.points
    assert claimed >= 60 * pe.points
    assert abs(online + offline - claimed) <= 0.2 * claimed, f"{online} + {offline} min, course.yaml claims {claimed}"


def test_the_scripted_playthroughs_pass(course: Course) -> None:
    results = run_course_tests(course, COURSE_DIR / "tests")
    failures = [f"{r.file}: {r.name}\n  " + "\n  ".join(str(f) for f in r.failures) for r in results if not r.passed]
    assert not failures, "\n".join(failures)
    names = {Path(r.file).stem for r in results}
    assert {"zorgvuldig", "haastig", "moraliserend", "herkansing", "grens", "henny"} <= names


def _toets_playthrough(tmp_path: Path, name: str, answers: list[str]) -> Path:
    """The careful learner's way to the final test (from zorgvuldig.yaml), then these answers."""
    careful = yaml.safe_load((COURSE_DIR / "tests" / "zorgvuldig.yaml").read_text(encoding="utf-8"))
    steps = careful["steps"]
    begin = steps.index({"choose": "Begin de toets"})
    steps = [*steps[:begin + 1], *({"answer": a} for a in answers),
             {"expect": {"scene": "toets-einde", "module_passed": {"toets": False}, "passed": False,
                         "text_contains": "Je bent nog niet geslaagd."}}]
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"name": name, "steps": steps}, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("letter", ["a", "b", "c", "d"])
def test_always_the_same_option_fails_the_final_test(course: Course, tmp_path: Path, letter: str) -> None:
    """"Always the first option" and "always b": a playthrough sees the file's order, and there
    every position holds the right answer in 3 of the 12 questions drawn."""
    results = run_file(course, _toets_playthrough(tmp_path, f"altijd-{letter}", [letter] * 12))
    assert [(r.passed, r.failures) for r in results] == [(True, ())]


def test_a_retake_draws_other_questions(course: Course) -> None:
    toets = course.module("toets")
    pools = {q for pool in toets.draw for q in pool.pool}
    assert len(pools) > sum(pool.count for pool in toets.draw) == 12
    for seed in range(10):
        state = new_round(course, start(course, seed=seed)[0].evolve(module="toets"), "toets")
        first = dict(state.drawn)["toets"]
        state = new_round(course, state, "toets")
        second = dict(state.drawn)["toets"]
        assert len(first) == len(second) == 12 and set(first) <= pools
        assert first != second, f"seed {seed}: the retake asks the same questions"


def test_every_question_asks_about_de_molenhoek_with_four_answers_of_one_point(course: Course) -> None:
    toets = course.module("toets")
    assert "De Molenhoek" in course.scene(toets.start).text
    assert "Klaverveld" not in " ".join(q.text for q in question_set(toets))  # a neighbourhood not seen before
    for q in (s for s in toets.scenes if s.type == "question"):
        assert len(q.answers) == 4 and [a.score for a in q.answers].count(1) == 1, q.id
        assert all(a.score >= 0 for a in q.answers), f"{q.id}: no hidden negative marking"
    # prevention is work in the calm phase too (the old feedback said there was nothing to prevent)
    rust = course.scene("fase-rust")
    right = next(a for a in rust.answers if a.correct)
    assert "voorkomen" in (right.feedback or "").lower() and "rust" in (right.feedback or "").lower()


def test_the_job_aid_is_one_tagged_page_that_says_what_its_source_says(course: Course) -> None:
    pdf = COURSE_DIR / "media" / "werkkaart.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)],  # noqa: S603, S607 - poppler's pdfinfo on our own file
                          capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M) and re.search(r"^Tagged:\s+yes$", info, re.M)
    assert "Title:           Werkkaart: van polarisatie naar verbinding" in info
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"],  # noqa: S603, S607 - poppler on our own file
                                   capture_output=True, text=True, check=True).stdout.split())
    source = (COURSE_DIR / "werkkaart" / "werkkaart.html").read_text(encoding="utf-8")
    items = [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in re.findall(r"<(?:li|h2)>(.*?)</(?:li|h2)>", source)]
    assert len(items) >= 30
    for item in items:
        assert item in text, f"the PDF lacks {item!r}: make it again (courses/polarisatie/werkkaart/README.md)"
    for cell in re.findall(r"<td>(.*?)</td>", source):
        assert all(word in text for word in cell.split()), cell
    # the signals, phases, roles and the seven steps of the course are on it
    for word in ["Rust", "Ongemak", "Spanningen", "Incidenten", "Aanjager", "Meeloper", "Stille middengroep",
                 "Bruggenbouwer", "Zondebok", "Voorbereiden", "Evalueren", "Wij-zij-taal"]:
        assert word in text
    # the course links to it, and every link into media/ points to a file that is there
    linked = [m for mod in course.modules for sc in mod.scenes for m in re.findall(r"\]\((media/[^)]+)\)", sc.text)]
    assert "media/werkkaart.pdf" in linked
    assert all((COURSE_DIR / m).is_file() for m in linked)


def test_metadata_for_the_register(course: Course) -> None:
    pe = course.meta.pe
    assert pe is not None
    assert pe.points == 4
    assert pe.register_name == "Registerplein"
    # the register's activity id is the provider's accreditation (`elearning accreditation set`), not course text
    assert pe.activity_id is None
    assert "activity_id" not in (COURSE_DIR / "course.yaml").read_text(encoding="utf-8")


def test_the_shape_the_issue_asks_for(course: Course) -> None:
    kinds = [e.kind for e in course.meta.notebook.entries]
    assert kinds.count("signaal") >= 12
    assert kinds.count("verbinder") >= 5
    hub = course.scene("rondgang-kaart")
    assert len(hub.locations) >= 8
    assert any(loc.when for loc in hub.locations), "some places open only after others"
    toets = course.module("toets")
    questions = [s for s in toets.scenes if s.type == "question"]
    assert len(questions) >= 12
    assert (toets.pass_percentage, toets.retake, toets.assessment) == (70, True, True)
    for q in questions:
        assert all(a.feedback for a in q.answers), f"{q.id}: every answer has feedback"


def test_every_image_has_a_meaningful_text_alternative(course: Course) -> None:
    for module in course.modules:
        for scene in module.scenes:
            for image in filter(None, (scene.image, scene.map)):
                assert len(image.alt.split()) >= 12, f"{scene.id}: alt text too short: {image.alt!r}"
                root = _svg(image.src)
                assert root.get("role") == "img"
                title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
                assert title is not None and (title.text or "").strip(), f"{image.src}: <title>"
                assert desc is not None and len((desc.text or "").split()) >= 20, f"{image.src}: <desc>"
                assert set(root.get("aria-labelledby", "").split()) == {title.get("id"), desc.get("id")}


def test_the_map_can_be_used_without_seeing_it(course: Course) -> None:
    hub = course.scene("rondgang-kaart")
    assert hub.map is not None
    root = _svg(hub.map.src)
    assert root.get("viewBox") == f"0 0 {hub.map.width:g} {hub.map.height:g}"
    desc = (root.find(f"{SVG}desc").text or "").lower()  # type: ignore[union-attr]
    alt = hub.map.alt.lower()
    markers = {(float(c.get("cx", -1)), float(c.get("cy", -1))) for c in root.iter(f"{SVG}circle")}
    for loc in hub.locations:
        assert loc.description, f"{loc.id}: a one-line description for the list of places"
        if loc.when:
            assert loc.reason, f"{loc.id}: a locked place says why"
        name = next(w for w in re.findall(r"\w+", loc.label.lower()) if len(w) >= 5)
        assert name in alt and name in desc, f"{loc.id}: '{name}' is named in the map's alt text and <desc>"
        assert (loc.x, loc.y) in markers, f"{loc.id}: the SVG draws a marker at ({loc.x:g}, {loc.y:g})"


@pytest.mark.parametrize("name", ["wijk.svg", "fasen.svg", "rollen.svg", "stappenplan.svg"])
def test_svg_text_has_enough_contrast(name: str) -> None:
    root = ET.parse(COURSE_DIR / "media" / name).getroot()  # noqa: S314 - our own file
    fills = {el.get("fill") for el in root.iter() if el.tag in (f"{SVG}rect", f"{SVG}path")} - {None, "none"}
    light = [c for c in fills if _luminance(c) > 0.4]  # type: ignore[arg-type]
    for colour in _text_colours(root):
        # dark text sits on the light areas; light text only on the blue place markers
        against = [MARKER] if _luminance(colour) > 0.4 else light
        worst = min(_contrast(colour, bg) for bg in against)
        assert worst >= 4.5, f"{name}: text in {colour} has contrast {worst:.2f} on some background"


def test_the_course_files_are_plain_yaml() -> None:
    # No anchors, aliases or tabs: authors copy scenes around, and editors show them as written.
    for path in [COURSE_DIR / "course.yaml", *sorted((COURSE_DIR / "modules").glob("*.yaml"))]:
        text = path.read_text(encoding="utf-8")
        assert "\t" not in text, path.name
        assert isinstance(yaml.safe_load(text), dict), path.name


# -- helpers -------------------------------------------------------------------------------
def _svg(src: str) -> ET.Element:
    return ET.parse(COURSE_DIR / src).getroot()  # noqa: S314 - our own file


def _text_colours(root: ET.Element) -> set[str]:
    out: set[str] = set()

    def walk(el: ET.Element, inherited: str | None) -> None:
        fill = el.get("fill", inherited)
        if el.tag == f"{SVG}text":
            out.add(fill or "#000000")
        for child in el:
            walk(child, fill)

    walk(root, None)
    return out


def _luminance(colour: str) -> float:
    hexes = colour.lstrip("#")
    if len(hexes) == 3:
        hexes = "".join(c * 2 for c in hexes)
    channels = [int(hexes[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
