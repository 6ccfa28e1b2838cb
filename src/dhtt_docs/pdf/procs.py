"""Child processes that never outlive the build: own session, whole-group kill, a janitor told about each.

A hung ``soffice`` must not hang the build nor leave ``soffice.bin`` behind:
each call runs in its own session and, on timeout or at the end, its whole
process group is killed. The janitor (a watcher process that outlives a
SIGKILL of the build, see ``build/janitor.py``) is told about every live
group and private folder, so a killed build leaves nothing behind either.

LibreOffice leaves two kinds of litter when it is killed: ``lu*.tmp`` folders
in ``$TMPDIR`` (so every soffice gets a TMPDIR inside its worker's private
folder) and a ``/tmp/OSL_PIPE_<uid>_SingleOfficeIPC_<md5>`` socket named
after its profile (always in /tmp: LibreOffice ignores TMPDIR for it), which
:func:`osl_pipe` names so that it can be removed with the rest.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

#: How often a running soffice is checked for progress (seconds).
POLL = 0.1


class Watcher(Protocol):
    """What the pool tells the janitor (``dhtt_docs.build.janitor`` or a Janitor instance)."""

    def watch_group(self, pgid: int) -> None: ...
    def forget_group(self, pgid: int) -> None: ...
    def watch_dir(self, path: Path) -> None: ...
    def forget_dir(self, path: Path) -> None: ...


class _NoWatcher:
    def watch_group(self, pgid: int) -> None: pass
    def forget_group(self, pgid: int) -> None: pass
    def watch_dir(self, path: Path) -> None: pass
    def forget_dir(self, path: Path) -> None: pass


def watcher_of(janitor: object | None) -> Watcher:
    """The janitor to tell (the build passes its own), or one that watches nothing when none is given."""
    return janitor if janitor is not None else _NoWatcher()  # type: ignore[return-value]


def osl_pipe(profile: Path) -> Path:
    """The IPC socket LibreOffice makes for a profile: md5 of its URL in UTF-16, bytes in unpadded hex."""
    digest = hashlib.md5(profile.absolute().as_uri().encode("utf-16-le")).digest()  # noqa: S324 - LibreOffice's name
    return Path("/tmp") / f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{''.join(format(b, 'x') for b in digest)}"


@dataclass(frozen=True)
class RunResult:
    returncode: int | None
    timed_out: bool
    output: str


class ProcessGroups:
    """Live process groups, so an interrupted build can kill all of them at once."""

    def __init__(self, janitor: object | None = None) -> None:
        self._lock = threading.Lock()
        self._groups: set[int] = set()
        self.stopping = threading.Event()
        self.janitor = watcher_of(janitor)

    def add(self, pgid: int) -> None:
        """A group started; killed at once when `kill_all` came first (a worker that checked `stopping`
        just before `kill_all` and started its process just after: it would outlive the build)."""
        with self._lock:
            self._groups.add(pgid)
            late = self.stopping.is_set()
        self.janitor.watch_group(pgid)
        if late:
            kill_group(pgid)

    def discard(self, pgid: int) -> None:
        with self._lock:
            self._groups.discard(pgid)
        self.janitor.forget_group(pgid)

    def kill_all(self) -> None:
        with self._lock:
            self.stopping.set()
            groups = list(self._groups)
        for pgid in groups:
            kill_group(pgid)


def kill_group(pgid: int) -> None:
    """SIGKILL a whole process group (soffice's wrapper *and* soffice.bin)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def run_in_own_group(
    cmd: Sequence[str],
    timeout: float,
    groups: ProcessGroups | None,
    progress_dir: Path | None = None,
    tmpdir: Path | None = None,
    on_progress: Callable[[], None] | None = None,
) -> RunResult:
    """Run ``cmd`` in a new session; kill its whole group when it stalls, and always at the end.

    With ``progress_dir`` the timeout is an *inactivity* bound: it restarts
    whenever a new file appears there (soffice writes one PDF per finished
    input), so a batch of any size gets ``timeout`` seconds per file while a
    hang is still caught ``timeout`` seconds after the last progress.
    The final ``killpg`` also reaps helpers that outlive a normal exit, so no
    ``soffice.bin`` is left running with a profile we are about to delete.
    ``tmpdir`` becomes the child's TMPDIR (LibreOffice's ``lu*.tmp`` go there).
    ``on_progress`` is called (on this thread) each time a new file has appeared in ``progress_dir``.
    """
    env = dict(os.environ)
    env.setdefault("SAL_USE_VCLPLUGIN", "svp")  # headless even if a display is set
    if tmpdir is not None:
        tmpdir.mkdir(parents=True, exist_ok=True)
        env["TMPDIR"] = str(tmpdir)
    with tempfile.TemporaryFile(dir=tmpdir) as log:
        proc = subprocess.Popen(
            list(cmd),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
        )
        if groups is not None:
            groups.add(proc.pid)
        try:
            timed_out = _wait_with_progress(proc, timeout, progress_dir, on_progress)
        finally:
            kill_group(proc.pid)
            if proc.poll() is None:  # interrupted (e.g. KeyboardInterrupt) before reaping
                proc.kill()
            proc.wait()
            if groups is not None:
                groups.discard(proc.pid)
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
    return RunResult(None if timed_out else proc.returncode, timed_out, text)


def _wait_with_progress(proc: subprocess.Popen[bytes], timeout: float, progress_dir: Path | None,
                        on_progress: Callable[[], None] | None = None) -> bool:
    """Wait for ``proc``; True if it was killed for making no progress within ``timeout``."""
    deadline = time.monotonic() + timeout
    seen = 0
    while True:
        try:
            proc.wait(timeout=POLL)
            return False
        except subprocess.TimeoutExpired:
            pass
        now = time.monotonic()
        if progress_dir is not None:
            count = count_files(progress_dir)
            if count > seen:
                seen, deadline = count, now + timeout
                if on_progress is not None:
                    on_progress()
        if now >= deadline:
            kill_group(proc.pid)
            return True


def count_files(folder: Path) -> int:
    try:
        with os.scandir(folder) as entries:
            return sum(1 for _ in entries)
    except OSError:
        return 0


def run_threads(targets, groups: ProcessGroups | None) -> None:
    """Run targets on threads; on an error or Ctrl-C kill every soffice, then re-raise."""
    errors: list[BaseException] = []

    def guarded(target) -> None:
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            errors.append(exc)
            if groups is not None:
                groups.kill_all()

    threads = [threading.Thread(target=guarded, args=(t,), daemon=True) for t in targets]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
    except BaseException:
        if groups is not None:
            groups.kill_all()
        for thread in threads:
            thread.join(10)
        raise
    if errors:
        raise errors[0]
