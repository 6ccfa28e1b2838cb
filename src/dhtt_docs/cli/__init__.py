"""The command line (`dhtt-docs`): see `app` for the group, `commands/` for each command.

`main` (the `dhtt-docs` program) first offers a `build` to this user's warm
builder (`resident`), before click and the library are imported; anything it
does not take runs here.
"""

from __future__ import annotations

import sys

__all__ = ["cli", "main"]


def main() -> None:
    from dhtt_docs.cli import resident

    code = resident.relay(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from dhtt_docs.cli.app import main as run_here

    run_here()


def __getattr__(name: str):
    if name == "cli":                     # the click group, imported when asked for
        from dhtt_docs.cli.app import cli

        return cli
    raise AttributeError(name)
