"""The command line (`dhtt-docs`): see `app` for the group, `commands/` for each command."""

from dhtt_docs.cli.app import cli, main

__all__ = ["cli", "main"]
