"""The `elearning` command: one click group; each area adds its commands from elearning/commands/."""

from __future__ import annotations

import click

from elearning.commands import (
    accreditation,
    author,
    certificates,
    credentials,
    ops,
    pe_online,
    reviewers,
    web,
)


@click.group()
@click.version_option(package_name="elearning")
def main() -> None:
    """Branching-scenario e-learning: author, validate, serve and certify courses."""


for _area in (author, web, certificates, accreditation, credentials, pe_online, ops, reviewers):
    for _command in _area.COMMANDS:
        main.add_command(_command)
