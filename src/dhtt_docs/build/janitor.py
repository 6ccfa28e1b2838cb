"""Clean-up that survives the build being killed.

Ctrl-C and errors are cleaned up by the code that made the mess (finally
blocks kill LibreOffice's process groups, remove temporary folders). A
SIGKILL, an OOM kill or a closed terminal leave no time for that, so a build
also starts a tiny watcher process: the build tells it, through a pipe, which
process groups and folders are live; when the pipe closes without a final
"done" (the build died), the watcher kills those groups and removes those
folders. The last good outputs are never touched: the build only ever swaps
a finished folder in.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
from pathlib import Path

_WATCHER = r"""
import os, shutil, signal, sys
groups, dirs = set(), set()
for line in sys.stdin:
    op, _, arg = line.rstrip("\n").partition(" ")
    if op == "done":
        sys.exit(0)
    elif op == "group":
        groups.add(int(arg))
    elif op == "ungroup":
        groups.discard(int(arg))
    elif op == "dir":
        dirs.add(arg)
    elif op == "undir":
        dirs.discard(arg)
for pgid in groups:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass
for d in dirs:
    if os.path.isdir(d) and not os.path.islink(d):
        shutil.rmtree(d, ignore_errors=True)
    else:
        try:
            os.unlink(d)   # a file or socket (LibreOffice's OSL_PIPE)
        except OSError:
            pass
"""

_active: Janitor | None = None
_lock = threading.Lock()


class Janitor:
    """A watcher process that cleans up after this process if it dies; use as a context manager."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None

    def __enter__(self) -> Janitor:
        global _active
        try:
            self._proc = subprocess.Popen([sys.executable, "-c", _WATCHER], stdin=subprocess.PIPE,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                          start_new_session=True, text=True)
        except OSError:
            self._proc = None   # no watcher: ordinary clean-up still runs
        with _lock:
            _active = self
        return self

    def __exit__(self, *exc) -> None:
        global _active
        with _lock:
            if _active is self:
                _active = None
        if self._proc is not None:
            self._send("done")
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=5)

    def _send(self, line: str) -> None:
        if self._proc is None:
            return
        with _lock, contextlib.suppress(OSError, ValueError):
            self._proc.stdin.write(line + "\n")
            self._proc.stdin.flush()


def watch_group(pgid: int) -> None:
    if _active is not None:
        _active._send(f"group {pgid}")


def forget_group(pgid: int) -> None:
    if _active is not None:
        _active._send(f"ungroup {pgid}")


def watch_dir(path: Path) -> None:
    if _active is not None:
        _active._send(f"dir {Path(path).absolute()}")


def forget_dir(path: Path) -> None:
    if _active is not None:
        _active._send(f"undir {Path(path).absolute()}")
