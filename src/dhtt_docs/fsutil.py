"""Writing files so that a reader never sees half of one, with the user's umask."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator


def umask() -> int:
    """The process's umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def user_runtime_dir(name: str) -> Path:
    """A folder of this user's for a server's socket and lock: $XDG_RUNTIME_DIR/NAME-UID, else in TMPDIR.
    (The caller makes it, mode 0700.)"""
    return Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()) / f"{name}-{os.getuid()}"


def is_private_dir(folder: Path) -> bool:
    """Is `folder` a folder of this user's, closed to others (not one someone else made in a shared /tmp)?"""
    import stat

    try:
        st = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def listening(sock: Path, timeout: float = 1) -> bool:
    """Does a server accept connections on the Unix socket `sock`?"""
    import socket

    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(str(sock))
        return True
    except OSError:
        return False


def apply_umask(path: Path, mode: int = 0o777) -> Path:
    """Give `path` the mode an ordinary `mkdir`/`open` would have given it (mkdtemp/mkstemp make 0700/0600)."""
    os.chmod(path, mode & ~umask())
    return path


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target` to write; moved onto `target` in one step when the block ends.

    If the block raises, the temporary file is removed and `target` is left as it was.
    The file keeps the mode of the `target` it replaces; a new one gets the user's umask (as `open`
    would give it), not mkstemp's 0600.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            apply_umask(tmp, 0o666)
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write(target: Path, data: bytes) -> None:
    """Write `data` to `target` atomically (all or nothing, never a half-written file)."""
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())   # a user's file survives a power cut mid-save
