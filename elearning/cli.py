"""The `elearning` command: one click group; each area adds its commands from elearning/commands/."""

from __future__ import annotations

import click

from elearning.commands import author


@click.group()
@click.version_option(package_name="elearning")
def main() -> None:
    """Branching-scenario e-learning: author, validate, serve and certify courses."""


for command in author.COMMANDS:
    main.add_command(command)


def _optional(module: str) -> None:
    """Attach the commands of an area that may not be installed in this checkout yet."""
    import importlib

    try:
        mod = importlib.import_module(f"elearning.commands.{module}")
    except ModuleNotFoundError as exc:  # pragma: no cover - only while an area is being built
        if exc.name != f"elearning.commands.{module}":
            raise
        return
    for command in mod.COMMANDS:
        main.add_command(command)


for _area in ("web", "certificates", "studio"):
    _optional(_area)
