"""Only a build step pyproject.toml cannot declare: the certificate templates in the wheel.

Template authors edit the top-level certificates/ folder; the installed package reads them from
elearning/certificate_templates/ (elearning/certificates/templates.py), so the build copies the
folder there. An editable install (`pip install -e .`) reads certificates/ in place.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TEMPLATES = Path(__file__).resolve().parent / "certificates"


class BuildWithTemplates(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "elearning" / "certificate_templates"
        shutil.copytree(TEMPLATES, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md"))


setup(cmdclass={"build_py": BuildWithTemplates})
