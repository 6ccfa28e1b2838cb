"""A conversion worker that keeps its LibreOffice running for the whole build and feeds it file by file.

A cold ``soffice --convert-to`` call costs about 1.5 s of CPU before its first
file (as much as a dozen conversions), and it can only start once its whole
batch is rendered. This worker instead starts one LibreOffice as soon as the
pool starts, while the documents are still being rendered, and converts each
document the moment it is handed over, through the warm converter's server
(``warmd.py``, run privately: its runtime folder is in the build's private
folder, its profile is the worker's kept one). Each PDF is put in place and
passed on as soon as it is made, so post-processing streams too.

It has the same ``convert(batch, early)`` as :class:`~dhtt_docs.pdf.pool.SofficeWorker`,
and falls back to one (cold batches) when its server cannot start: no
python3-uno, an ``soffice`` that is not a LibreOffice installation, a
LibreOffice that dies at start. A file that makes LibreOffice crash or hang
fails alone with the cold path's messages; the server is started again for
the next file.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dhtt_docs.pdf.jobs import Job, install, pdf_has_pages
from dhtt_docs.pdf.libreoffice import mark_profile_seen
from dhtt_docs.pdf.messages import msg_crashed, msg_empty_pdf, msg_not_loaded, msg_timeout, msg_write_failed
from dhtt_docs.pdf.procs import kill_group

#: How long a worker waits for its LibreOffice to come up (seconds).
START_WAIT = 60.0
#: A private server stops by itself after this long without a request (if the build died unseen).
IDLE = 120.0
#: Give up the server (and convert the rest cold) after this many restarts.
MAX_RESTARTS = 3
#: Start a fresh LibreOffice after this many conversions (a long-running one slowly grows).
RECYCLE_AFTER = 400


def usable(executable: str) -> str | None:
    """The Python with LibreOffice's uno module, when ``executable`` is a LibreOffice installation."""
    if os.environ.get("DHTT_UNO_WORKERS", "1") == "0":
        return None
    real = Path(os.path.realpath(executable))
    if not (real.parent / "versionrc").is_file():   # a wrapper or a test's fake soffice: cold batches
        return None
    from dhtt_docs.pdf.warm import uno_python

    return uno_python()


class UnoWorker:
    """One LibreOffice, started at once and kept for the build; cold batches when it cannot run."""

    def __init__(self, executable: str, python: str, cold, profile: Path):
        self.executable = executable
        self.python = python
        self.cold = cold                  # a SofficeWorker: its private folder, janitor and fallback
        self.profile = profile
        self.groups = cold.groups
        self.timeout = cold.timeout
        self.pdfa = cold.pdfa
        self._proc: subprocess.Popen | None = None
        self._runtime: Path | None = None
        self._restarts = -1
        self._done = 0
        self._failed = False
        self._start()

    @property
    def batch_size(self) -> int | None:
        """One file at a time while the server runs; the pool's batches once it is given up."""
        return None if self._failed else 1

    # -- the server
    def _start(self) -> None:
        """Start the server (not waiting for it: it comes up while documents are rendered)."""
        if self._restarts >= MAX_RESTARTS or self.groups.stopping.is_set():
            self._failed = True
            return
        self._restarts += 1
        self._runtime = Path(tempfile.mkdtemp(prefix="uno-", dir=self.cold.root))
        warmd = Path(__file__).with_name("warmd.py")
        for litter in self._sockets():          # removed by the server; by the janitor if the build is killed
            self.groups.janitor.watch_dir(litter)
        mark_profile_seen(self.profile, self.executable)   # starts without the graphics self-test
        self._proc = subprocess.Popen(
            [self.python, str(warmd), str(self._runtime), self.executable, str(IDLE), str(self.profile)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, cwd="/")
        self.groups.add(self._proc.pid)   # LibreOffice runs in the server's process group: killed with it
        self._done = 0

    def _ready(self) -> bool:
        """Wait until the server listens; False (and cold from now on) if it never does."""
        if self._failed:
            return False
        if self._proc is None:
            self._start()
            if self._failed:
                return False
        deadline = time.monotonic() + START_WAIT
        sock = self._runtime / "sock"
        while time.monotonic() < deadline and not self.groups.stopping.is_set():
            if self._proc.poll() is not None:
                break
            if sock.exists() and (self._runtime / "pid").exists():
                return True
            time.sleep(0.05)
        self._stop()
        self._failed = True
        return False

    def _stop(self, gently: bool = False) -> None:
        """Stop the server and its LibreOffice: asked to (it stops LibreOffice and waits for it), or killed."""
        if gently and self._proc is not None and self._proc.poll() is None:
            try:
                self._proc.send_signal(signal.SIGTERM)
                self._proc.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self._proc is not None:
            kill_group(self._proc.pid)
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
            self.groups.discard(self._proc.pid)
            self._proc = None
        if self._runtime is not None:
            for litter in self._sockets():
                litter.unlink(missing_ok=True)
                self.groups.janitor.forget_dir(litter)
            shutil.rmtree(self._runtime, ignore_errors=True)
            self._runtime = None

    def _sockets(self) -> list[Path]:
        """The sockets LibreOffice leaves in /tmp when it is killed: its profile's and its listener's."""
        from dhtt_docs.pdf.procs import osl_pipe
        from dhtt_docs.pdf.warmd import accept_pipe

        return [osl_pipe(self.profile), accept_pipe(self._runtime)]

    def close(self) -> None:
        self._stop(gently=not self.groups.stopping.is_set())
        self.cold.close()

    # -- converting
    def convert(self, batch: list[Job], early: Callable[[Job], None] | None = None) -> dict[int, str]:
        """Convert each job in turn; ``early(job)`` as soon as its PDF is in place. Reasons of failures."""
        reasons: dict[int, str] = {}
        for pos, job in enumerate(batch):
            if self.groups.stopping.is_set():
                break
            if not self._ready():
                reasons.update(self.cold.convert(batch[pos:], early))
                break
            reason = self._convert_one(job)
            if reason is None:
                if early is not None:
                    early(job)
            else:
                reasons[job.index] = reason
        return reasons

    def _convert_one(self, job: Job) -> str | None:
        name = job.source.name
        work = Path(tempfile.mkdtemp(prefix="job-", dir=self.cold.root))
        try:
            source = work / f"{job.index:05d}{job.source.suffix.lower()}"   # neutral name, as in cold batches
            try:
                os.link(job.source, source)
            except OSError:
                shutil.copyfile(job.source, source)
            try:
                answer = self._request(source, work)
            except socket.timeout:
                self._stop()                     # a hung LibreOffice: killed; a new one for the next file
                return msg_timeout(name, self.timeout)
            except (OSError, ValueError):
                code = self._exit_code()
                self._stop()                     # it died on this file
                return msg_crashed(name, code, "")
            error = answer.get("errors", {}).get(str(source))
            produced = work / f"{job.index:05d}.pdf"
            if error is not None or not produced.is_file():
                return msg_not_loaded(name, error or "")
            if not pdf_has_pages(produced):
                return msg_empty_pdf(name)
            try:
                install(produced, job.target)
            except OSError as err:
                return msg_write_failed(name, job.target, err)
            return None
        finally:
            shutil.rmtree(work, ignore_errors=True)
            self._done += 1
            if self._done >= RECYCLE_AFTER and self._proc is not None:
                self._stop(gently=True)
                self._start()

    def _request(self, source: Path, out: Path) -> dict:
        request = json.dumps({"files": [str(source)], "out": str(out), "pdfa": self.pdfa}).encode() + b"\n"
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(self.timeout)
            s.connect(str(self._runtime / "sock"))
            s.sendall(request)
            with s.makefile("rb") as stream:
                line = stream.readline()
        if not line:
            raise OSError("the server closed the connection")
        return json.loads(line)

    def _exit_code(self) -> int:
        """LibreOffice's exit status, which the server writes when LibreOffice has died (else -1)."""
        if self._proc is not None:
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                return -1
        try:
            return int((self._runtime / "exit").read_text())
        except (OSError, ValueError, TypeError):
            return -1
