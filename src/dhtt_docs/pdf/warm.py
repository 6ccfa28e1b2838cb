"""A warm converter shared between commands: DOCX -> PDF without LibreOffice's cold start.

    from dhtt_docs.pdf import warm
    pdfs = warm.convert([Path("a.docx"), Path("b.docx")], Path("out"))   # [out/a.pdf, out/b.pdf]

The first call starts a small server (``warmd.py``, run by the Python that has
LibreOffice's ``uno`` module) that keeps one LibreOffice running; later calls,
from any command of the same user (``build`` after an edit, ``serve``'s
previews), reuse it. One per user (a lock), requests served one at a time (two
builds can share it), stopped after :data:`IDLE_SECONDS` without a request.
When it cannot be used (no python3-uno, LibreOffice missing, a crash),
:class:`WarmUnavailable` is raised and the caller converts with cold workers.
Set ``DHTT_WARM=0`` to never start it.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from dhtt_docs.fsutil import is_private_dir, listening, user_runtime_dir
from dhtt_docs.pdf.libreoffice import find_soffice, mark_profile_seen

#: The server stops after this long without a request (seconds); DHTT_WARM_IDLE overrides it.
IDLE_SECONDS = 600.0
#: How long a first call waits for the server and its LibreOffice to come up (seconds).
START_WAIT = 60.0


class WarmUnavailable(Exception):
    """The warm converter cannot be used now: convert with cold workers instead."""


def runtime_dir() -> Path:
    """The user's private folder of the server (socket, lock, LibreOffice profile and TMPDIR)."""
    return user_runtime_dir("dhtt-warm")


def enabled() -> bool:
    return os.environ.get("DHTT_WARM", "1") != "0"


def chosen(converter: str | None) -> bool:
    """Is `converter` (the --converter value) the warm converter?"""
    return (converter or "").strip().lower() == "warm"


@functools.lru_cache(maxsize=None)
def uno_python() -> str | None:
    """A Python that can import LibreOffice's uno module (asked once per process)."""
    for candidate in (os.environ.get("DHTT_UNO_PYTHON"), "/usr/bin/python3", shutil.which("python3")):
        if candidate and os.path.exists(candidate):
            probe = subprocess.run([candidate, "-c", "import uno"], capture_output=True, timeout=30)
            if probe.returncode == 0:
                return candidate
    return None


def running(soffice: str | None = None) -> bool:
    """Is a warm server of this user listening (and, given ``soffice``, running that LibreOffice)?"""
    if soffice is not None:
        try:
            if (runtime_dir() / "soffice").read_text() != soffice:
                return False
        except OSError:
            return False
    return is_private_dir(runtime_dir()) and listening(runtime_dir() / "sock")


def start(wait: float = START_WAIT) -> None:
    """Start the server if none runs, and wait until it listens; WarmUnavailable if it cannot."""
    if running():
        return
    if not enabled():
        raise WarmUnavailable("DHTT_WARM=0")
    soffice = find_soffice()
    python = uno_python()
    if soffice is None or python is None:
        raise WarmUnavailable("LibreOffice or python3-uno is missing")
    runtime = runtime_dir()
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not is_private_dir(runtime):
        raise WarmUnavailable(f"{runtime} is not a private folder of this user")
    idle = os.environ.get("DHTT_WARM_IDLE", str(IDLE_SECONDS))
    (runtime / "soffice").write_text(soffice)
    mark_profile_seen(runtime / "profile", soffice)   # warmd.py's profile: starts without the graphics self-test
    subprocess.Popen([python, str(Path(__file__).with_name("warmd.py")), str(runtime), soffice, idle],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True, cwd="/")
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if running():
            return
        time.sleep(0.1)
    raise WarmUnavailable("the warm converter did not start in time")


def stop(wait: float = 10) -> None:
    """Stop this user's server now (its LibreOffice with it).

    The server is asked first (SIGTERM: it cleans up and ends its LibreOffice);
    one still there after ``wait`` seconds is killed with its process group.
    """
    import signal

    runtime = runtime_dir()
    try:
        pid = int((runtime / "pid").read_text())
    except (OSError, ValueError):
        return
    if not _is_server(pid):
        (runtime / "pid").unlink(missing_ok=True)       # left by a server that was killed
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except OSError:
        return
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and (running() or _alive(pid)):
        time.sleep(0.1)
    if _alive(pid) and _is_server(pid):
        try:
            os.killpg(pid, signal.SIGKILL)              # the server leads its group, LibreOffice in it
        except OSError:
            pass
        for name in ("sock", "pid", "office"):
            (runtime / name).unlink(missing_ok=True)
    deadline = time.monotonic() + max(wait, 5)
    while _group_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)                                # a killed LibreOffice takes a moment to be gone


def _group_alive(pgid: int) -> bool:
    """Is any process of group `pgid` still running (not a zombie)? Read from /proc (Linux)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
            return True
    return False


def _is_server(pid: int) -> bool:
    """Is process ``pid`` a warm server (not another program that got a dead server's number)?"""
    try:
        return b"warmd.py" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _alive(pid: int) -> bool:
    """Is process `pid` still there (a zombie, whose command line is empty, counts as gone)?"""
    try:
        return bool(Path(f"/proc/{pid}/cmdline").read_bytes())
    except OSError:
        return False


def convert(docx_paths: list[Path], out_dir: Path, *, pdfa: bool = False, timeout: float = 120,
            start_server: bool = True) -> list[Path]:
    """Convert DOCX files to ``out_dir/<stem>.pdf`` with the warm LibreOffice; the PDFs, in order.

    Raises :class:`WarmUnavailable` when the server cannot be reached or
    started, or when a file could not be converted (the caller then uses
    cold workers, which say precisely what is wrong with a file).
    """
    paths = [Path(p).absolute() for p in docx_paths]
    out_dir = Path(out_dir).absolute()
    out_dir.mkdir(parents=True, exist_ok=True)
    if not paths:
        return []
    if start_server:
        start()
    if not is_private_dir(runtime_dir()):
        raise WarmUnavailable(f"{runtime_dir()} is not a private folder of this user")
    request = json.dumps({"files": [str(p) for p in paths], "out": str(out_dir), "pdfa": pdfa}).encode() + b"\n"
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout * len(paths) + 60)   # it may first finish another build's request
            s.connect(str(runtime_dir() / "sock"))
            s.sendall(request)
            with s.makefile("rb") as stream:
                answer = json.loads(stream.readline() or b"{}")
    except (OSError, ValueError) as exc:
        raise WarmUnavailable(str(exc)) from exc
    if answer.get("errors") or len(answer.get("pdfs", {})) != len(paths):
        raise WarmUnavailable(f"not converted: {answer.get('errors')}")
    return [Path(answer["pdfs"][str(p)]) for p in paths]
