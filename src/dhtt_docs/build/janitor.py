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
    shutil.rmtree(d, ignore_errors=True)
"""

class Janitor:
    """A watcher process that cleans up after this process if it dies; use as a context manager.

    It is passed explicitly to what starts processes or makes folders (the
    pipeline, the converter). A Janitor that was never entered watches nothing,
    so code that runs without one (tests, `status`) passes `Janitor()` or None.
    """

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> Janitor:
        try:
            self._proc = subprocess.Popen([sys.executable, "-c", _WATCHER], stdin=subprocess.PIPE,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                          start_new_session=True, text=True)
        except OSError:
            self._proc = None   # no watcher: ordinary clean-up still runs
        return self

    def __exit__(self, *exc) -> None:
        if self._proc is not None:
            self._send("done")
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=5)
            self._proc = None

    def watch_group(self, pgid: int) -> None:
        self._send(f"group {pgid}")

    def forget_group(self, pgid: int) -> None:
        self._send(f"ungroup {pgid}")

    def watch_dir(self, path: Path) -> None:
        self._send(f"dir {Path(path).absolute()}")

    def forget_dir(self, path: Path) -> None:
        self._send(f"undir {Path(path).absolute()}")

    def _send(self, line: str) -> None:
        if self._proc is None:
            return
        with self._lock, contextlib.suppress(OSError, ValueError):
            self._proc.stdin.write(line + "\n")
            self._proc.stdin.flush()
