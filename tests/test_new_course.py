"""`elearning new` and `elearning schema --course`: a new author's first minutes.

The starter course validates clean; its files point at schemas that sit next to them (so
the `$schema` lines work wherever the folder is); those schemas accept the files as they
are, know the course's own ids for completion, describe every key and flag what the
compiler flags: a key on a scene of the wrong type, a choice's key one level too high.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result

from elearning.cli import main

EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "kennismaking"
KINDS = {"course.yaml": "course", "modules": "module", "tests": "playthrough"}


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    result = run("new", tmp_path / "demo")
    assert result.exit_code == 0, result.output
    return tmp_path / "demo"


def _validator(folder: Path, kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((folder / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(folder: Path, kind: str, data: Any) -> list[str]:
    return sorted(e.message for e in _validator(folder, kind).iter_errors(data))


def test_a_new_course_validates_clean_and_its_playthrough_passes(demo: Path) -> None:
    result = run("validate", "--strict", demo)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"geen problemen in {demo}"  # the starter course is Dutch
    tested = run("test", demo)
    assert tested.exit_code == 0, tested.output
    assert "1 passed, 0 failed" in tested.output


def test_new_refuses_a_folder_that_holds_files(demo: Path) -> None:
    result = run("new", demo)
    assert result.exit_code == 1
    assert "already exists and is not empty" in result.output


def test_every_file_points_at_a_schema_next_to_it_that_accepts_it(demo: Path) -> None:
    files = [demo / "course.yaml", *sorted((demo / "modules").glob("*.yaml")), *sorted((demo / "tests").glob("*.yaml"))]
    assert len(files) == 3
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        kind = KINDS[path.name if path.name == "course.yaml" else path.parent.name]
        assert target == (demo / "schemas" / f"{kind}.schema.json").resolve()
        assert target.is_file()
        assert _errors(demo, kind, yaml.safe_load(path.read_text(encoding="utf-8"))) == [], path


def test_the_schemas_flag_a_misplaced_key_as_the_compiler_does(demo: Path) -> None:
    module = yaml.safe_load((demo / "modules" / "start.yaml").read_text(encoding="utf-8"))
    end = module["scenes"][2]
    assert end["type"] == "end"
    end["choices"] = [{"label": "Nog een keer", "goto": "welkom"}]
    assert _errors(demo, "module", module) == ["Additional properties are not allowed ('choices' was unexpected)"]
    del end["choices"]
    module["scenes"][0]["feedback"] = "Dit hoort bij een keuze"  # a choice's key one level too high
    assert _errors(demo, "module", module) == ["Additional properties are not allowed ('feedback' was unexpected)"]
    del module["scenes"][0]["feedback"]
    module["scenes"][1]["feedback"] = "Bij een vraag mag het wel"
    assert _errors(demo, "module", module) == []


def test_the_course_schemas_offer_the_courses_own_ids(demo: Path) -> None:
    module = json.loads((demo / "schemas" / "module.schema.json").read_text(encoding="utf-8"))
    defs = module["$defs"]
    assert defs["Choice"]["properties"]["goto"]["enum"] == ["einde", "vraag", "welkom"]
    assert defs["Choice"]["properties"]["notebook"]["items"]["enum"] == ["luisteren"]
    course = json.loads((demo / "schemas" / "course.schema.json").read_text(encoding="utf-8"))
    assert course["properties"]["modules"]["items"]["enum"] == ["start"]
    assert course["$defs"]["NotebookEntry"]["properties"]["kind"]["enum"] == ["inzicht"]
    data = yaml.safe_load((demo / "modules" / "start.yaml").read_text(encoding="utf-8"))
    data["scenes"][0]["choices"][0]["goto"] = "vraagg"
    assert _errors(demo, "module", data) == ["'vraagg' is not one of ['einde', 'vraag', 'welkom']"]


def test_schema_course_writes_into_the_course_and_knows_a_new_scene(demo: Path) -> None:
    path = demo / "modules" / "start.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - id: extra\n    type: end\n    text: Nog een einde.\n",
                    encoding="utf-8")
    result = run("schema", "--course", demo)
    assert result.exit_code == 0, result.output
    module = json.loads((demo / "schemas" / "module.schema.json").read_text(encoding="utf-8"))
    assert module["$defs"]["Choice"]["properties"]["goto"]["enum"] == ["einde", "extra", "vraag", "welkom"]


def test_the_example_course_copied_elsewhere_gets_working_schemas(tmp_path: Path) -> None:
    target = tmp_path / "elders"
    shutil.copytree(EXAMPLE, target)
    assert run("schema", "--course", target).exit_code == 0
    data = yaml.safe_load((target / "modules" / "rondgang.yaml").read_text(encoding="utf-8"))
    assert _errors(target, "module", data) == []


@pytest.mark.parametrize("kind", ["course", "module", "playthrough"])
def test_every_key_has_a_description(demo: Path, kind: str) -> None:
    schema = json.loads((demo / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    defs = {"(top)": schema, **schema.get("$defs", {})}
    missing = []
    for name, definition in defs.items():
        for key, prop in definition.get("properties", {}).items():
            ref = prop.get("$ref", "").rsplit("/", 1)[-1]
            if "description" not in prop and "description" not in defs.get(ref, {}):
                missing.append(f"{name}.{key}")
    assert missing == []
