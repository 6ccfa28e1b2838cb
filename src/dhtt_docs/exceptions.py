"""Errors that stop a command, printed by click as one clean line (no traceback).

Problems in a dossier are never exceptions: they are findings. These are for
the few things that stop a command outright.
"""

from __future__ import annotations

import click

from dhtt_docs.i18n import tr


class DhttError(click.ClickException):
    """A command cannot go on; the message says why and what to do. Exit 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.secho(tr("Lỗi: ", "Error: ") + self.format_message(), err=True, fg="red")


class ToolMissing(DhttError):
    """A program the command needs is not installed (e.g. LibreOffice). Exit 2."""

    exit_code = 2


class UsageProblem(DhttError):
    """The command was used wrongly in a way click cannot see by itself. Exit 2."""

    exit_code = 2


class OutputBusy(DhttError):
    """Another build holds the output folder's lock. Exit 2: run again when it has finished."""

    exit_code = 2
