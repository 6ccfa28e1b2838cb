"""One build at a time per output folder (and per cache): an advisory lock held for the whole run.

`build` takes `build_lock(out, cache_dir)` before it makes anything: the lock
file sits beside OUT (``.build.lock`` for ``build/``; OUT itself is swapped
whole, so the lock cannot live inside it) and one in the cache folder. A
second build of the same folder waits up to WAIT_SECONDS for the first to
finish, then stops with exit 2 and one line saying another build is running.

`fcntl.flock` (not a pid file): the kernel drops the lock when the holder
dies, even by SIGKILL, so a killed build never leaves the folder locked. The
lock files stay (empty) after the build; removing them would race with a
build that just opened one. On systems without fcntl (Windows) no lock is
taken.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import IO, Iterator

from dhtt_docs.exceptions import OutputBusy, UsageProblem
from dhtt_docs.i18n import tr

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

WAIT_SECONDS = float(os.environ.get("DHTT_LOCK_WAIT", "5"))
_POLL = 0.1


def lock_file_for(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


@contextlib.contextmanager
def build_lock(out: Path, cache_dir: Path | None = None, wait: float | None = None) -> Iterator[None]:
    """Hold the locks of OUT and of the cache folder for the block; OutputBusy (exit 2) after `wait` seconds."""
    wait = WAIT_SECONDS if wait is None else wait
    deadline = time.monotonic() + wait
    with contextlib.ExitStack() as stack:
        stack.enter_context(_hold(lock_file_for(out), out, deadline, required=True))
        if cache_dir is not None:
            stack.enter_context(_hold(Path(cache_dir) / ".lock", out, deadline, required=False))
        yield


@contextlib.contextmanager
def _hold(path: Path, out: Path, deadline: float, required: bool) -> Iterator[None]:
    handle = _open(path, required)
    if handle is None or fcntl is None:
        yield
        return
    try:
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OutputBusy(tr(
                        f"Một lần lập văn bản khác đang ghi vào '{out}' (khóa {path}): chờ lần đó xong rồi chạy "
                        "lại, hoặc chọn thư mục khác với -o.",
                        f"Another build is writing to '{out}' (lock {path}): wait until it has finished and run "
                        "again, or choose another folder with -o.")) from None
                time.sleep(_POLL)
        yield
    finally:
        handle.close()   # closing the file releases the lock


def _open(path: Path, required: bool) -> IO[bytes] | None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "a+b")
    except OSError as e:
        if not required:
            return None   # a read-only cache is used without a lock (nothing is written to it)
        raise UsageProblem(tr(f"Không ghi được vào '{path.parent}' ({e.strerror or e}): hãy chọn thư mục khác "
                              "với -o, hoặc xin quyền ghi thư mục đó.",
                              f"Cannot write to '{path.parent}' ({e.strerror or e}): choose another folder with -o, "
                              "or get permission to write to that folder.")) from None
