"""An install that is not a checkout: build the wheel, install it into a fresh virtualenv, and run
it from a folder outside the checkout (no PYTHONPATH, no editable install, no system packages).

The wheel is built from a copy of the files a build reads (so the checkout gets no build/ folder);
its dependencies come from the package index pip is configured with (or pip's cache). The PDF is
read back with pypdf; the scene page over HTTP from `elearning serve` of that virtualenv.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import httpx
import pytest
from conftest import WEB_COURSE, Web
from pypdf import PdfReader

from elearning.testing import free_port, running_server, server_env

ROOT = Path(__file__).resolve().parent.parent
BUILD_INPUTS = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "elearning", "certificates"]
pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path, timeout: float = 600) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{args}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh virtualenv with the wheel of this checkout installed."""
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "source"
    source.mkdir()
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", source, cwd=tmp)
    wheel = next((tmp / "dist").glob("elearning-*.whl"))
    venv.create(tmp / "venv", with_pip=True, system_site_packages=False)
    bin_dir = tmp / "venv" / "bin"
    _run(bin_dir / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel, cwd=tmp)
    return bin_dir


def test_the_installed_package_is_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    where = _run(installed / "python", "-c", "import elearning; print(elearning.__file__)", cwd=tmp_path)
    assert Path(where.strip()).is_relative_to(installed.parent / "lib")
    assert not where.startswith(str(ROOT))


def test_the_installed_package_ships_the_json_ld_contexts(installed: Path, tmp_path: Path) -> None:
    """The credentials are canonicalised with the contexts in the wheel, never fetched."""
    script = ("from elearning.certificates import credentials as c; "
              "print(c.canonical_nquads({'@context': [c.VC_V2, c.OB_V3], 'type': ['VerifiableCredential', "
              "'OpenBadgeCredential'], 'issuer': 'did:web:example.org', 'validFrom': '2026-11-28T00:00:00Z', "
              "'credentialSubject': {'type': ['AchievementSubject']}}).count(chr(10)))")
    assert int(_run(installed / "python", "-c", script, cwd=tmp_path)) >= 5


def test_the_installed_command_previews_a_certificate(installed: Path, tmp_path: Path) -> None:
    out = _run(installed / "elearning", "certificates", "preview", "--language", "en", cwd=tmp_path)
    assert out.strip() == "certificate-preview-standaard.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / out.strip()).pages)
    assert "Buurtacademie Oost certifies that" in text and "Alex Morgan" in text and "4 PE points" in text


def test_the_installed_server_serves_a_scene(installed: Path, tmp_path: Path) -> None:
    shutil.copytree(WEB_COURSE, tmp_path / "courses" / "buurtronde")
    port = free_port()
    env = server_env(tmp_path, port)
    with (running_server(tmp_path, "--migrate", port=port, env=env, bin_dir=installed) as server,
          httpx.Client(base_url=server.url) as client):
        web = Web(client)  # type: ignore[arg-type]
        attempt = web.start()
        scene = client.get(f"/play/{attempt}")
        assert scene.status_code == 200
        assert re.search(r"<h1[^>]*>\s*Welkom in De Horst\s*</h1>", scene.text), scene.text[:2000]
        assert client.get("/static/style.css").status_code == 200
