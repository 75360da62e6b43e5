"""Benchmark: load + validate (reachability analysis included) of synthetic courses.

    .venv/bin/python bench/validate.py [--sizes 2000,10000] [--repeat 3]

Each synthetic module looks like a real one: a short introduction, a hub with four
places (one locked until another was visited), small branching conversations that
collect notebook entries and set flags, questions, and an end scene with score
bands. Prints the best-of-N time per size and the growth factor against the
smallest size measured in the same run (target: 2,000 scenes under 1 s; 10,000 under
5.5 times the 2,000-scene time).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import yaml

from elearning.authoring import load_course

SCENES_PER_MODULE = 50


def _module(m: int) -> tuple[dict, list[dict]]:
    """About 50 scenes: an introduction, a hub with three places, reflection, questions, an end."""
    p = f"m{m}"
    scenes: list[dict] = []
    entries: list[dict] = []

    def plain(sid: str, text: str, goto: str, label: str = "Verder", **extra: object) -> None:
        scenes.append({"id": sid, "text": text, "choices": [{"label": label, "goto": goto}], **extra})

    for i in range(10):
        plain(f"{p}-intro{i}", "In deze wijk wonen veel verschillende mensen. " * 6,
              f"{p}-intro{i + 1}" if i < 9 else f"{p}-hub")
    locations = []
    for loc in range(3):
        base = f"{p}-l{loc}"
        entry = f"{p}-sig{loc}"
        entries.append({"id": entry, "kind": "signaal", "title": f"Signaal {loc} van module {m}"})
        location = {"id": f"{p}-loc{loc}", "label": f"Plek {loc}", "goto": f"{base}-s0", "x": 50 + loc * 80, "y": 100,
                    "when": f"not visited({base}-s0)", "reason": "Hier ben je al geweest."}
        if loc == 2:
            location["when"] = f"visited({p}-l0-s0) and not visited({base}-s0)"
            location["reason"] = "Eerst plek 0, en je kunt hier maar een keer komen."
        locations.append(location)
        scenes.append({
            "id": f"{base}-s0",
            "text": "Je spreekt een bewoner aan. " * 8,
            "choices": [
                {"label": "Stel een open vraag", "goto": f"{base}-s1", "points": 2, "notebook": [entry],
                 "feedback": "Goed: een open vraag nodigt uit."},
                {"label": "Vertel wat je vindt", "goto": f"{base}-s2", "feedback": "De bewoner voelt zich niet gehoord."},
            ],
        })
        plain(f"{base}-s1", "De bewoner vertelt meer. " * 8, f"{base}-s3", "Vraag door")
        plain(f"{base}-s2", "De bewoner klapt dicht. " * 8, f"{base}-s3")
        plain(f"{base}-s3", "Jullie praten verder. " * 6, f"{base}-s4",
              blocks=[{"when": f"has({entry})", "text": "Je noteert het signaal in je notitieboek."}])
        for k in range(4, 11):
            plain(f"{base}-s{k}", "Je kijkt om je heen in de straat. " * 5,
                  f"{base}-s{k + 1}" if k < 10 else f"{p}-hub", "Verder" if k < 10 else "Terug naar de kaart")
    scenes.append({
        "id": f"{p}-hub", "type": "hub", "text": "Kies een plek op de kaart.",
        "map": {"src": "media/map.svg", "alt": "Kaart van de wijk", "width": 400, "height": 300},
        "locations": locations,
        "choices": [{"label": "Naar de vragen", "goto": f"{p}-reflect", "when": "done_count() >= 2",
                     "unavailable": "show", "reason": "Bezoek eerst twee plekken."}],
    })
    plain(f"{p}-reflect", "Wat heb je gezien? " * 10, f"{p}-q0",
          blocks=[{"when": "count(signaal) >= 2", "text": "Je hebt al veel signalen verzameld."}])
    for q in range(4):
        scenes.append({
            "id": f"{p}-q{q}", "type": "question", "text": f"Vraag {q}: wat is een signaal van polarisatie?",
            "multiple": q == 3,
            "answers": [{"text": "Buren groeten elkaar niet meer", "correct": True, "feedback": "Juist."},
                        {"text": "Het regent vaak", "feedback": "Nee, dat zegt niets over de buurt."},
                        {"text": "Mensen praten over 'die lui'", "correct": q == 3}],
            "goto": f"{p}-q{q + 1}" if q < 3 else f"{p}-end",
        })
    scenes.append({
        "id": f"{p}-end", "type": "end", "text": "Einde van deze module.",
        "blocks": [{"when": "percentage >= 80", "text": "Heel goed."}, {"when": "percentage < 80", "text": "Oefen nog eens."}],
    })
    module = {"id": p, "title": f"Module {m}", "start": f"{p}-intro0", "pass_percentage": 50, "scenes": scenes}
    return module, entries


def write_course(root: Path, scenes: int) -> None:
    modules = max(1, scenes // SCENES_PER_MODULE)
    (root / "modules").mkdir(parents=True)
    (root / "media").mkdir()
    (root / "media" / "map.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300"/>')
    all_entries = []
    for m in range(modules):
        module, entries = _module(m)
        all_entries += entries
        (root / "modules" / f"m{m}.yaml").write_text(yaml.safe_dump(module, allow_unicode=True, sort_keys=False))
    meta = {
        "id": "synthetic", "title": "Synthetische cursus", "study_load_minutes": 60,
        "pass": {"percentage": 50}, "modules": [f"m{m}" for m in range(modules)],
        "notebook": {"kinds": [{"id": "signaal", "label": "Signalen"}], "entries": all_entries},
    }
    (root / "course.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False))


def measure(scenes: int, repeat: int) -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "course"
        write_course(root, scenes)
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            course, problems = load_course(root)
            best = min(best, time.perf_counter() - t0)
        if course is None:
            raise SystemExit("synthetic course has errors:\n" + "\n".join(map(str, problems[:20])))
        count = sum(len(m.scenes) for m in course.modules)
        lines = sum(len(p.read_text().splitlines()) for p in root.rglob("*.yaml"))
        return best, count, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    for size in sizes:
        seconds, count, lines = measure(size, args.repeat)
        results.append((size, seconds))
        print(f"{count:>6} scenes ({lines:,} YAML lines): load + validate {seconds:.3f} s (best of {args.repeat})")
    base_size, base = results[0]
    for size, seconds in results[1:]:
        print(f"{size} vs {base_size} scenes: {seconds / base:.2f}x the time for {size / base_size:.1f}x the scenes")


if __name__ == "__main__":
    main()
