"""DOCX -> PDF conversion with LibreOffice, fast and safe.

Why this module looks the way it does (see docs/reference: toolchain facts):

* Starting ``soffice`` costs about a second, converting a file about a tenth
  of that, so every worker converts a *batch* of files per start.
* Two ``soffice`` processes on one user profile do not run in parallel (the
  second hands its job to the first, or both hang), so every worker has its
  *own* profile in a temporary directory that is removed afterwards.
* ``soffice`` exits 0 even when a file could not be loaded, so success is
  judged only by a PDF with pages at the expected place.
* A hung ``soffice`` must not hang the build nor leave ``soffice.bin``
  behind: each call runs in its own session and, on timeout, its whole
  process group is killed.

Two back ends: ``"soffice"`` (default, a pool of batch workers) and
``"unoserver://host:port[,host:port...]"`` (already running unoserver
listeners; one thread per listener pulls jobs from a shared queue).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import functools
import glob
import math
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dhtt_docs.build.janitor import Janitor
from dhtt_docs.fsutil import atomic_path, atomic_write
from dhtt_docs.i18n import tr
from dhtt_docs.install import libreoffice_hint

__all__ = [
    "PDFA_FILTER",
    "VIETNAMESE_LETTERS",
    "ConversionError",
    "ConversionFailure",
    "UnoserverEndpoint",
    "convert_many",
    "find_soffice",
    "font_for",
    "libreoffice_version",
    "parse_unoserver_url",
]

#: ``--convert-to`` value for PDF/A-2b (works on LibreOffice 7.4).
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
#: ``--convert-to`` value for plain PDF.
PDF_FILTER = "pdf:writer_pdf_Export"
#: Import filter forced for ``.docx`` inputs: without it LibreOffice imports
#: a damaged file as plain text and "succeeds" with a PDF of garbage.
DOCX_INFILTER = "MS Word 2007 XML"

#: Files per ``soffice`` start: large enough to amortise the start-up, small
#: enough that a hung file costs little work and the pool stays balanced.
MAX_BATCH = 25
#: How often a running soffice is checked for progress (seconds).
_POLL = 0.1

#: Every letter of Vietnamese that is not plain ASCII (134 with case), used to
#: tell whether a font shows Vietnamese or falls back to boxes / other fonts.
VIETNAMESE_LETTERS = (
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư"
    + "".join(chr(c) for c in range(0x1EA0, 0x1EFA))
)

_SOFFICE_FALLBACKS = (
    "/usr/lib/libreoffice/program/soffice",
    "/usr/local/lib/libreoffice/program/soffice",
    "/opt/libreoffice*/program/soffice",
    "/snap/bin/libreoffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)

_UNOSERVER_DEFAULT_PORT = 2003
_UNOSERVER_API = "3"  # XML-RPC API spoken by unoserver 2.x/3.x


class ConversionError(Exception):
    """The conversion could not run at all (e.g. LibreOffice is missing).

    Failures of single documents are not exceptions: they come back as
    :class:`ConversionFailure` so that one bad file does not stop a bundle.
    """


@dataclass(frozen=True)
class ConversionFailure:
    """One document that has no PDF; ``reason`` says why and what to do (in the chosen language)."""

    source: Path
    reason: str


@dataclass(frozen=True)
class UnoserverEndpoint:
    """One unoserver XML-RPC listener."""

    host: str
    port: int

    def url(self) -> str:
        """The XML-RPC address (IPv6 hosts in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


@dataclass(frozen=True)
class _Job:
    index: int
    source: Path
    target: Path


ProgressFn = Callable[[Path], None]


# --------------------------------------------------------------------------- public API


def convert_many(
    jobs: list[tuple[Path, Path]],
    *,
    workers: int | None = None,
    timeout: float = 120,
    pdfa: bool = False,
    backend: str | None = None,
    progress: ProgressFn | None = None,
    executable: str | None = None,
    profiles: Path | None = None,
    janitor: Janitor | None = None,
) -> list[ConversionFailure]:
    """Convert every ``(docx_in, pdf_out)`` job; return the failures (empty = all done).

    ``timeout`` bounds each file: a soffice call is killed when no new PDF
    has appeared for ``timeout`` seconds (for the first file this includes
    LibreOffice's start), so large batches are never cut short while a hung
    file is caught; with unoserver it bounds each request.
    ``progress`` is called once per job, with its source, when the job is
    finished (done or failed); calls are serialised, so it needs no locking.
    ``executable`` overrides the ``soffice`` found on PATH. ``profiles`` is a
    folder for LibreOffice profiles kept between runs (one per worker slot, each
    used by one process at a time under a lock), which saves the ~0.1 s a fresh
    profile costs at every start; without it each worker gets a temporary one.
    ``janitor`` is told about every LibreOffice process group and temporary
    folder, so that they are cleaned up if the build is killed.
    A failed job never leaves an old PDF at its ``pdf_out``: a stale PDF
    would otherwise be merged into the bundle as if it were current.

    Raises :class:`ConversionError` when LibreOffice cannot be found and
    ``ValueError`` for a malformed ``backend``.
    """
    if timeout <= 0:
        raise ValueError(tr("timeout phải lớn hơn 0 giây.", "timeout must be greater than 0 seconds."))
    endpoints = _parse_backend(backend)
    all_jobs = [_Job(i, Path(src), Path(dst)) for i, (src, dst) in enumerate(jobs)]
    notify = _serialised(progress)

    reasons: dict[int, str] = {}
    runnable: list[_Job] = []
    for job in all_jobs:
        problem = _precheck(job.source)
        if problem is None:
            runnable.append(job)
        else:
            reasons[job.index] = problem
            notify(job.source)

    if runnable:
        if endpoints is None:
            exe = executable or find_soffice()
            if exe is None:
                raise ConversionError(_msg_no_soffice())
            count = max(1, min(workers or os.cpu_count() or 1, len(runnable)))
            reasons.update(_convert_with_soffice(runnable, exe, count, timeout, pdfa, notify, profiles, janitor))
        else:
            reasons.update(_convert_with_unoserver(runnable, endpoints, timeout, pdfa, notify))

    failures = []
    for job in all_jobs:
        if job.index in reasons:
            _remove_quietly(job.target)
            failures.append(ConversionFailure(job.source, reasons[job.index]))
    return failures


SOFFICE_ENV = "DHTT_SOFFICE"


def find_soffice() -> str | None:
    """Path of LibreOffice's ``soffice``: $DHTT_SOFFICE, else PATH, else the usual install places.

    DHTT_SOFFICE names a LibreOffice outside the usual places (say
    /opt/libreoffice24.8/program/soffice); when set, it is the only one looked at.
    """
    chosen = os.environ.get(SOFFICE_ENV)
    if chosen is not None:
        return chosen if os.path.isfile(chosen) and os.access(chosen, os.X_OK) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for pattern in _SOFFICE_FALLBACKS:
        for candidate in sorted(glob.glob(pattern)):
            if os.access(candidate, os.X_OK):
                return candidate
    return None


def libreoffice_version(executable: str | None = None) -> str | None:
    """LibreOffice's version number (e.g. ``"7.4.7.2"``), or None if it is missing or mute."""
    exe = executable or find_soffice()
    if exe is None:
        return None
    with tempfile.TemporaryDirectory(prefix="dhtt-soffice-version-") as tmp:
        # Own profile: ``--version`` must not touch (or wait for) the user's.
        profile = f"-env:UserInstallation={Path(tmp).as_uri()}"
        result = _run_in_own_group([exe, profile, "--version"], 60, None)
    if result.timed_out or result.returncode != 0:
        return None
    match = re.search(r"\b\d+(?:\.\d+)+\b", result.output)
    if match:
        return match.group(0)
    first = result.output.strip().splitlines()
    return first[0] if first else None


def font_for(family: str = "Times New Roman") -> tuple[str, bool]:
    """Font that fontconfig uses for ``family``, and whether it has every Vietnamese letter.

    Returns ``("", False)`` when fontconfig (``fc-match``) is not installed:
    coverage is then unknown, which must not be reported as fine.
    """
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return ("", False)
    result = _run_in_own_group([fc_match, "-f", "%{family[0]}\n%{charset}\n", family], 30, None)
    if result.timed_out or result.returncode != 0:
        return ("", False)
    lines = result.output.splitlines()
    name = lines[0].strip() if lines else ""
    ranges = _parse_charset(lines[1] if len(lines) > 1 else "")
    if ranges:
        return (name, _covers(ranges, VIETNAMESE_LETTERS))
    return (name, _fc_list_covers(name, VIETNAMESE_LETTERS))


def parse_unoserver_url(url: str) -> list[UnoserverEndpoint]:
    """Parse ``unoserver://host:port[,host:port...]`` (port defaults to 2003).

    IPv6 hosts are written in brackets: ``unoserver://[::1]:2003``.
    Raises ``ValueError`` with an example of the right form.
    """
    prefix = "unoserver://"
    if not url.lower().startswith(prefix):
        raise ValueError(_bad_url(url, tr("địa chỉ phải bắt đầu bằng unoserver://", "the address must start with unoserver://")))
    items = url[len(prefix):].split(",")
    endpoints: list[UnoserverEndpoint] = []
    for item in items:
        endpoints.append(_parse_endpoint(url, item.strip()))
    if len(set(endpoints)) != len(endpoints):
        raise ValueError(_bad_url(url, tr("một máy chủ được ghi hai lần", "a server is listed twice")))
    return endpoints


# --------------------------------------------------------------------------- messages


def _msg_no_soffice() -> str:
    hint = libreoffice_hint()
    return tr(f"Không tìm thấy LibreOffice (lệnh soffice) để chuyển DOCX sang PDF: {hint.vi}.",
              f"LibreOffice (the soffice command) was not found, so DOCX cannot be converted to PDF: {hint.en}.")


def _bad_url(url: str, why: str) -> str:
    return tr(
        f"Địa chỉ unoserver không hợp lệ: {url!r} ({why}). "
        "Hãy viết dạng unoserver://máy:cổng[,máy:cổng...], ví dụ unoserver://127.0.0.1:2003.",
        f"Invalid unoserver address: {url!r} ({why}). "
        "Write it as unoserver://host:port[,host:port...], for example unoserver://127.0.0.1:2003.",
    )


def _msg_timeout(name: str, seconds: float) -> str:
    return tr(
        f"LibreOffice không chuyển xong {name} sang PDF trong {seconds:.0f} giây nên đã bị dừng. "
        "Hãy mở tệp bằng LibreOffice Writer để kiểm tra (tệp quá lớn hoặc hỏng), "
        "hoặc chạy lại với thời gian chờ dài hơn / ít luồng hơn (-j 1).",
        f"LibreOffice did not finish converting {name} to PDF within {seconds:.0f} seconds and was stopped. "
        "Open the file in LibreOffice Writer to check it (it may be too large or damaged), "
        "or run again with a longer timeout / fewer workers (-j 1).",
    )


def _msg_not_loaded(name: str, detail: str) -> str:
    tail = tr(f" Chi tiết: {detail}", f" Details: {detail}") if detail else ""
    return tr(
        f"LibreOffice không mở được {name} nên không tạo được PDF (tệp hỏng hoặc không phải "
        "định dạng Word). Hãy mở tệp bằng Word hoặc LibreOffice Writer, lưu lại dạng .docx "
        f"rồi chạy lại.{tail}",
        f"LibreOffice could not open {name}, so no PDF was made (the file is damaged or not in "
        "Word format). Open the file in Word or LibreOffice Writer, save it again as .docx, "
        f"then run again.{tail}",
    )


def _msg_empty_pdf(name: str) -> str:
    return tr(
        f"PDF tạo từ {name} không đọc được hoặc không có trang nào. "
        "Hãy mở tệp bằng LibreOffice Writer, kiểm tra nội dung, lưu lại rồi chạy lại.",
        f"The PDF made from {name} is unreadable or has no pages. "
        "Open the file in LibreOffice Writer, check its content, save it again, then run again.",
    )


def _msg_crashed(name: str, code: int, detail: str) -> str:
    tail = tr(f" Chi tiết: {detail}", f" Details: {detail}") if detail else ""
    return tr(
        f"LibreOffice dừng bất thường (mã {code}) khi chuyển {name} sang PDF. "
        "Hãy chạy 'dhtt-docs doctor' để kiểm tra cài đặt LibreOffice, rồi chạy lại."
        f"{tail}",
        f"LibreOffice stopped unexpectedly (exit code {code}) while converting {name} to PDF. "
        "Run 'dhtt-docs doctor' to check the LibreOffice installation, then run again."
        f"{tail}",
    )


def _msg_write_failed(name: str, target: Path, err: OSError) -> str:
    return tr(
        f"Không ghi được PDF của {name} vào {target}: {err.strerror or err}. "
        "Hãy kiểm tra quyền ghi và dung lượng đĩa của thư mục đầu ra.",
        f"Cannot write the PDF of {name} to {target}: {err.strerror or err}. "
        "Check write permission and free disk space in the output folder.",
    )


# --------------------------------------------------------------------------- input checks


def _precheck(source: Path) -> str | None:
    """Reason a source cannot be converted at all, found before starting LibreOffice."""
    if not source.is_file():
        return tr(
            f"Không tìm thấy tệp {source}. Hãy kiểm tra đường dẫn, hoặc chạy lại lệnh build "
            "để tạo lại tệp DOCX.",
            f"File {source} not found. Check the path, or run the build command again "
            "to recreate the DOCX file.",
        )
    if source.suffix.lower() != ".docx":
        return None
    try:
        with zipfile.ZipFile(source) as zf:
            if "word/document.xml" not in zf.namelist():
                raise zipfile.BadZipFile("no word/document.xml")
    except (zipfile.BadZipFile, OSError, ValueError):
        return tr(
            f"Tệp {source.name} không phải tệp DOCX hợp lệ (hỏng hoặc chỉ đổi đuôi). "
            "Hãy mở tệp bằng Word hoặc LibreOffice Writer và lưu lại dạng .docx, "
            "hoặc chạy lại lệnh build để tạo lại tệp.",
            f"{source.name} is not a valid DOCX file (damaged, or only renamed to .docx). "
            "Open it in Word or LibreOffice Writer and save it again as .docx, "
            "or run the build command again to recreate it.",
        )
    return None


def _pdf_has_pages(path: Path) -> bool:
    """True for a readable PDF with at least one page (soffice may write empty ones)."""
    try:
        from pypdf import PdfReader

        return len(PdfReader(path).pages) > 0
    except Exception:  # noqa: BLE001 - any parse error means "not a usable PDF"
        return False


def _install(produced: Path, target: Path) -> None:
    """Copy a finished PDF to its target atomically (temp dirs may be on another disk)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as partial:
        shutil.copyfile(produced, partial)


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _serialised(progress: ProgressFn | None) -> ProgressFn:
    """Wrap the caller's progress callback so worker threads never call it concurrently."""
    lock = threading.Lock()

    def call(path: Path) -> None:
        if progress is not None:
            with lock:
                progress(path)

    return call


def _tail(text: str, lines: int = 3) -> str:
    """Last meaningful lines of soffice's chatter (without its harmless java warning)."""
    kept = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and "javaldx" not in line and not line.startswith("convert ")
    ]
    return " | ".join(kept[-lines:])


# --------------------------------------------------------------------------- processes


@dataclass(frozen=True)
class _RunResult:
    returncode: int | None
    timed_out: bool
    output: str


class _ProcessGroups:
    """Live process groups, so an interrupted build can kill all of them at once."""

    def __init__(self, janitor: Janitor | None = None) -> None:
        self.janitor = janitor or Janitor()   # one never entered watches nothing
        self._lock = threading.Lock()
        self._groups: set[int] = set()
        self.stopping = threading.Event()

    def add(self, pgid: int) -> None:
        with self._lock:
            self._groups.add(pgid)
        self.janitor.watch_group(pgid)

    def discard(self, pgid: int) -> None:
        with self._lock:
            self._groups.discard(pgid)
        self.janitor.forget_group(pgid)

    def kill_all(self) -> None:
        self.stopping.set()
        with self._lock:
            groups = list(self._groups)
        for pgid in groups:
            _kill_group(pgid)


def _kill_group(pgid: int) -> None:
    """SIGKILL a whole process group (soffice's wrapper *and* soffice.bin)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _run_in_own_group(
    cmd: Sequence[str],
    timeout: float,
    groups: _ProcessGroups | None,
    progress_dir: Path | None = None,
) -> _RunResult:
    """Run ``cmd`` in a new session; kill its whole group when it stalls, and always at the end.

    With ``progress_dir`` the timeout is an *inactivity* bound: it restarts
    whenever a new file appears there (soffice writes one PDF per finished
    input), so a batch of any size gets ``timeout`` seconds per file while a
    hang is still caught ``timeout`` seconds after the last progress.
    The final ``killpg`` also reaps helpers that outlive a normal exit, so no
    ``soffice.bin`` is left running with a profile we are about to delete.
    """
    env = dict(os.environ)
    env.setdefault("SAL_USE_VCLPLUGIN", "svp")  # headless even if a display is set
    with tempfile.TemporaryFile() as log:
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
            timed_out = _wait_with_progress(proc, timeout, progress_dir)
        finally:
            _kill_group(proc.pid)
            if proc.poll() is None:  # interrupted (e.g. KeyboardInterrupt) before reaping
                proc.kill()
            proc.wait()
            if groups is not None:
                groups.discard(proc.pid)
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
    return _RunResult(None if timed_out else proc.returncode, timed_out, text)


def _wait_with_progress(proc: subprocess.Popen[bytes], timeout: float, progress_dir: Path | None) -> bool:
    """Wait for ``proc``; True if it was killed for making no progress within ``timeout``."""
    deadline = time.monotonic() + timeout
    seen = 0
    while True:
        try:
            proc.wait(timeout=_POLL)
            return False
        except subprocess.TimeoutExpired:
            pass
        now = time.monotonic()
        if progress_dir is not None:
            count = _count_files(progress_dir)
            if count > seen:
                seen, deadline = count, now + timeout
        if now >= deadline:
            _kill_group(proc.pid)
            return True


def _count_files(folder: Path) -> int:
    try:
        with os.scandir(folder) as entries:
            return sum(1 for _ in entries)
    except OSError:
        return 0


# --------------------------------------------------------------------------- soffice back end


def _make_batches(jobs: list[_Job], workers: int) -> list[list[_Job]]:
    """Split jobs into batches: same import filter per batch, about equal per worker."""
    docx = [j for j in jobs if j.source.suffix.lower() == ".docx"]
    other = [j for j in jobs if j.source.suffix.lower() != ".docx"]
    batches: list[list[_Job]] = []
    for group in (docx, other):
        if not group:
            continue
        size = max(1, min(MAX_BATCH, math.ceil(len(group) / workers)))
        batches.extend(group[i : i + size] for i in range(0, len(group), size))
    return batches


class _KeptProfile:
    """A LibreOffice profile kept between runs in `root/slot-N`, held under an exclusive lock."""

    def __init__(self, path: Path, lock_file):
        self.path = path
        self._lock_file = lock_file

    @classmethod
    def take(cls, root: Path) -> _KeptProfile | None:
        """The first free slot under `root`, or None (then the worker uses a temporary profile)."""
        import fcntl

        root = Path(root).absolute()   # LibreOffice takes the profile as a file:// URI
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        for slot in range(64):
            try:
                fh = open(root / f"slot-{slot}.lock", "a+")
            except OSError:
                return None
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                fh.close()
                continue
            return cls(root / f"slot-{slot}", fh)
        return None

    def release(self) -> None:
        self._lock_file.close()  # closing drops the lock


class _SofficeWorker:
    """One LibreOffice worker: its own profile and scratch space under one temp dir."""

    def __init__(self, executable: str, timeout: float, pdfa: bool, groups: _ProcessGroups,
                 kept: _KeptProfile | None = None):
        self.executable = executable
        self.timeout = timeout
        self.pdfa = pdfa
        self.groups = groups
        self.root = Path(tempfile.mkdtemp(prefix="dhtt-soffice-"))
        groups.janitor.watch_dir(self.root)
        self.kept = kept
        if kept is not None:
            groups.janitor.watch_dir(kept.path)   # a profile in use when the build dies may be half-written
        self._profile_no = 0
        self._batch_no = 0

    @property
    def profile(self) -> Path:
        if self.kept is not None:
            return self.kept.path
        return self.root / f"profile-{self._profile_no}"

    def discard_profile(self) -> None:
        """After a kill the profile may be locked or half-written: start the next batch on a new one."""
        if self.kept is not None:
            shutil.rmtree(self.kept.path, ignore_errors=True)
        self._profile_no += 1

    def close(self) -> None:
        """Remove the scratch files and a temporary profile (processes are already dead)."""
        shutil.rmtree(self.root, ignore_errors=True)
        self.groups.janitor.forget_dir(self.root)
        if self.kept is not None:
            self.groups.janitor.forget_dir(self.kept.path)
            self.kept.release()



    def convert(self, batch: list[_Job]) -> dict[int, str]:
        """Convert a batch, retrying its failures one by one; return reasons of failures."""
        reasons = self._convert_once(batch)
        if len(batch) > 1 and reasons:
            retry = [job for job in batch if job.index in reasons]
            for job in retry:
                if self.groups.stopping.is_set():
                    break
                reasons.pop(job.index)
                reasons.update(self._convert_once([job]))
        return reasons

    def _command(self, inputs: list[Path], outdir: Path, docx: bool) -> list[str]:
        cmd = [
            self.executable,
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--nofirststartwizard",
            f"-env:UserInstallation={self.profile.as_uri()}",
        ]
        if docx:
            cmd.append(f"--infilter={DOCX_INFILTER}")
        cmd += ["--convert-to", PDFA_FILTER if self.pdfa else PDF_FILTER, "--outdir", str(outdir)]
        return cmd + [str(p) for p in inputs]

    def _convert_once(self, batch: list[_Job]) -> dict[int, str]:
        """One soffice start for the whole batch.

        Inputs are copied under neutral names (``00007.docx``): outputs are
        named by stem, so equal stems would collide, and a name beginning with
        ``-`` would be taken for an option.
        """
        self._batch_no += 1
        indir = self.root / f"in-{self._batch_no}"
        outdir = self.root / f"out-{self._batch_no}"
        indir.mkdir()
        outdir.mkdir()
        try:
            inputs = []
            for job in batch:
                neutral = indir / f"{job.index:05d}{job.source.suffix.lower()}"
                shutil.copyfile(job.source, neutral)
                inputs.append(neutral)
            docx = all(p.suffix == ".docx" for p in inputs)
            cmd = self._command(inputs, outdir, docx)
            result = _run_in_own_group(cmd, self.timeout, self.groups, progress_dir=outdir)
            if result.timed_out:
                self.discard_profile()
            return self._collect(batch, outdir, result)
        finally:
            shutil.rmtree(indir, ignore_errors=True)
            shutil.rmtree(outdir, ignore_errors=True)

    def _collect(
        self, batch: list[_Job], outdir: Path, result: _RunResult
    ) -> dict[int, str]:
        reasons: dict[int, str] = {}
        for job in batch:
            produced = outdir / f"{job.index:05d}.pdf"
            name = job.source.name
            if produced.is_file() and _pdf_has_pages(produced):
                try:
                    _install(produced, job.target)
                except OSError as err:
                    reasons[job.index] = _msg_write_failed(name, job.target, err)
            elif result.timed_out:
                reasons[job.index] = _msg_timeout(name, self.timeout)
            elif produced.is_file():
                reasons[job.index] = _msg_empty_pdf(name)
            elif result.returncode not in (0, None):
                reasons[job.index] = _msg_crashed(name, result.returncode, _tail(result.output))
            else:
                reasons[job.index] = _msg_not_loaded(name, _tail(result.output))
        return reasons


def _convert_with_soffice(
    jobs: list[_Job],
    executable: str,
    workers: int,
    timeout: float,
    pdfa: bool,
    notify: ProgressFn,
    profiles: Path | None = None,
    janitor: Janitor | None = None,
) -> dict[int, str]:
    """Run batches on ``workers`` threads, each driving its own soffice worker."""
    batches: queue.Queue[list[_Job]] = queue.Queue()
    for batch in _make_batches(jobs, workers):
        batches.put(batch)
    groups = _ProcessGroups(janitor)
    reasons: dict[int, str] = {}
    lock = threading.Lock()

    def run_worker() -> None:
        kept = _KeptProfile.take(profiles) if profiles is not None else None
        worker = _SofficeWorker(executable, timeout, pdfa, groups, kept)
        try:
            while not groups.stopping.is_set():
                try:
                    batch = batches.get_nowait()
                except queue.Empty:
                    return
                found = worker.convert(batch)
                with lock:
                    reasons.update(found)
                for job in batch:
                    notify(job.source)
        finally:
            worker.close()

    _run_threads([run_worker] * workers, groups)
    return reasons


def _run_threads(targets: list[Callable[[], None]], groups: _ProcessGroups | None) -> None:
    """Run targets on threads; on an error or Ctrl-C kill every soffice, then re-raise."""
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> None:
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


# --------------------------------------------------------------------------- unoserver back end


def _parse_backend(backend: str | None) -> list[UnoserverEndpoint] | None:
    """None for the soffice pool, else the unoserver listeners."""
    if backend is None or backend.strip().lower() == "soffice":
        return None
    if backend.strip().lower().startswith("unoserver://"):
        return parse_unoserver_url(backend.strip())
    raise ValueError(tr(
        f"Cách chuyển PDF không hợp lệ: {backend!r}. Hãy dùng 'soffice' hoặc "
        "'unoserver://máy:cổng[,máy:cổng...]', ví dụ unoserver://127.0.0.1:2003.",
        f"Invalid PDF converter: {backend!r}. Use 'soffice' or "
        "'unoserver://host:port[,host:port...]', for example unoserver://127.0.0.1:2003.",
    ))


def _parse_endpoint(url: str, item: str) -> UnoserverEndpoint:
    if not item:
        raise ValueError(_bad_url(url, tr("thiếu tên máy", "the host name is missing")))
    if any(ch in item for ch in "/?#@ "):
        raise ValueError(_bad_url(url, tr(f"phần {item!r} chỉ được có máy:cổng", f"the part {item!r} may only be host:port")))
    if item.startswith("["):
        host, sep, rest = item[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(_bad_url(url, tr(f"địa chỉ IPv6 {item!r} viết sai", f"the IPv6 address {item!r} is malformed")))
        port_text = rest[1:] if rest else ""
    elif item.count(":") > 1:
        raise ValueError(_bad_url(url, tr(f"địa chỉ IPv6 {item!r} phải đặt trong ngoặc vuông",
                                         f"the IPv6 address {item!r} must be in square brackets")))
    else:
        host, _, port_text = item.partition(":")
        if ":" in item and not port_text:
            raise ValueError(_bad_url(url, tr(f"thiếu số cổng sau dấu ':' trong {item!r}",
                                             f"the port number after ':' is missing in {item!r}")))
    if not host:
        raise ValueError(_bad_url(url, tr(f"thiếu tên máy trong {item!r}", f"the host name is missing in {item!r}")))
    if not port_text:
        return UnoserverEndpoint(host, _UNOSERVER_DEFAULT_PORT)
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise ValueError(_bad_url(url, tr(f"cổng {port_text!r} phải là số từ 1 đến 65535",
                                         f"the port {port_text!r} must be a number from 1 to 65535")))
    return UnoserverEndpoint(host, int(port_text))


class _TimeoutTransport(xmlrpc.client.Transport):
    """XML-RPC transport with a socket timeout.

    unoserver's own ``UnoClient`` has none (a hung listener would hang the
    build) and retries a refused connection 5 x 10 s; we speak its small
    XML-RPC API (``info``, ``convert``) directly instead.
    """

    def __init__(self, timeout: float):
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):  # type: ignore[no-untyped-def]
        conn = super().make_connection(host)
        conn.timeout = self._timeout
        return conn


def _proxy(endpoint: UnoserverEndpoint, timeout: float) -> xmlrpc.client.ServerProxy:
    return xmlrpc.client.ServerProxy(
        endpoint.url(), allow_none=True, transport=_TimeoutTransport(timeout)
    )


def _expected_api() -> str:
    """API version of the installed unoserver client, if any (else the one we know)."""
    try:
        from unoserver.client import API_VERSION  # type: ignore[import-not-found]

        return str(API_VERSION)
    except Exception:  # noqa: BLE001 - the client package is optional
        return _UNOSERVER_API


def _msg_listener_down(endpoint: UnoserverEndpoint, err: object) -> str:
    return tr(
        f"Không kết nối được unoserver tại {endpoint.host}:{endpoint.port} ({err}). "
        "Hãy kiểm tra unoserver đang chạy (ví dụ: unoserver --port "
        f"{endpoint.port}), hoặc bỏ tùy chọn unoserver để dùng soffice.",
        f"Cannot connect to unoserver at {endpoint.host}:{endpoint.port} ({err}). "
        "Check that unoserver is running (for example: unoserver --port "
        f"{endpoint.port}), or drop the unoserver option to use soffice.",
    )


class _Listener:
    """One unoserver listener, used by exactly one thread (it converts one file at a time)."""

    def __init__(self, endpoint: UnoserverEndpoint, timeout: float, pdfa: bool):
        self.endpoint = endpoint
        self.timeout = timeout
        self.pdfa = pdfa
        self.down: str | None = None  # why it is no longer used
        self._checked = False

    def check(self) -> bool:
        """Ask ``info`` once: reachable, and speaking our API version?"""
        if self._checked:
            return self.down is None
        self._checked = True
        try:
            info = _proxy(self.endpoint, min(self.timeout, 15)).info()
        except (OSError, xmlrpc.client.Error) as err:
            self.down = _msg_listener_down(self.endpoint, err)
            return False
        api = str(info.get("api", "")) if isinstance(info, dict) else ""
        if api != _expected_api():
            self.down = tr(
                f"unoserver tại {self.endpoint.host}:{self.endpoint.port} dùng API {api or '?'}, "
                f"cần API {_expected_api()}. Hãy cài cùng phiên bản unoserver ở máy chủ và máy này.",
                f"unoserver at {self.endpoint.host}:{self.endpoint.port} speaks API {api or '?'}, "
                f"but API {_expected_api()} is needed. Install the same unoserver version on the server "
                "and on this machine.",
            )
            return False
        return True

    def convert(self, job: _Job) -> str | None:
        """Convert one job; None when done, else the failure reason.

        Raises ``ConnectionError`` when the listener is unreachable, so the
        job can go to another listener.
        """
        options = ["SelectPdfVersion=2"] if self.pdfa else []
        try:
            data = job.source.read_bytes()
            result = _proxy(self.endpoint, self.timeout).convert(
                None, data, None, "pdf", "writer_pdf_Export", options, True, None, None
            )
        except TimeoutError:
            self.down = _msg_timeout(job.source.name, self.timeout)
            return self.down
        except xmlrpc.client.Fault as fault:
            return _msg_not_loaded(job.source.name, _tail(str(fault.faultString), 1))
        except (OSError, xmlrpc.client.ProtocolError) as err:
            self.down = _msg_listener_down(self.endpoint, err)
            raise ConnectionError(self.down) from err
        pdf = bytes(result.data) if isinstance(result, xmlrpc.client.Binary) else b""
        return self._store(job, pdf)

    def _store(self, job: _Job, pdf: bytes) -> str | None:
        if not _pdf_has_pages(io.BytesIO(pdf)):
            return _msg_empty_pdf(job.source.name)
        try:
            atomic_write(job.target, pdf)
        except OSError as err:
            return _msg_write_failed(job.source.name, job.target, err)
        return None


def _convert_with_unoserver(
    jobs: list[_Job],
    endpoints: list[UnoserverEndpoint],
    timeout: float,
    pdfa: bool,
    notify: ProgressFn,
) -> dict[int, str]:
    """One thread per listener pulls jobs from a shared queue.

    A job whose listener turns out to be unreachable goes back to the queue;
    rounds repeat while jobs remain and some listener is still up.
    """
    pending: queue.Queue[_Job] = queue.Queue()
    for job in jobs:
        pending.put(job)
    listeners = [_Listener(e, timeout, pdfa) for e in endpoints]
    reasons: dict[int, str] = {}
    lock = threading.Lock()

    def serve(listener: _Listener) -> None:
        if not listener.check():
            return
        while listener.down is None:
            try:
                job = pending.get_nowait()
            except queue.Empty:
                return
            try:
                reason = listener.convert(job)
            except ConnectionError:
                pending.put(job)
                return
            if reason is not None:
                with lock:
                    reasons[job.index] = reason
            notify(job.source)

    while not pending.empty():
        alive = [lst for lst in listeners if lst.down is None]
        if not alive:
            break
        _run_threads([functools.partial(serve, lst) for lst in alive], None)

    why = " ".join(dict.fromkeys(lst.down for lst in listeners if lst.down)) or "?"
    while not pending.empty():
        job = pending.get_nowait()
        reasons[job.index] = why
        notify(job.source)
    return reasons


# --------------------------------------------------------------------------- fonts


def _parse_charset(text: str) -> list[tuple[int, int]]:
    """fontconfig's ``%{charset}`` (``"20-7e a0-17f 1ea0-1ef9"``) as ranges."""
    ranges = []
    for token in text.split():
        lo, _, hi = token.partition("-")
        try:
            ranges.append((int(lo, 16), int(hi or lo, 16)))
        except ValueError:
            return []
    return ranges


def _covers(ranges: list[tuple[int, int]], letters: str) -> bool:
    return all(any(lo <= ord(ch) <= hi for lo, hi in ranges) for ch in letters)


def _fc_list_covers(name: str, letters: str) -> bool:
    """Fallback for fontconfig versions without ``%{charset}``: ask fc-list by charset."""
    fc_list = shutil.which("fc-list")
    if fc_list is None or not name:
        return False
    charset = " ".join(f"{ord(ch):x}" for ch in letters)
    pattern = f"{name}:charset={charset}"
    result = _run_in_own_group([fc_list, pattern, "family"], 30, None)
    return not result.timed_out and result.returncode == 0 and bool(result.output.strip())


def converter_identity(backend: str | None = None) -> str:
    """A cheap fingerprint of what turns DOCX into PDF, for the build cache's keys.

    Local LibreOffice: the hash of its `program/versionrc` (changes with every
    LibreOffice update), without starting it. unoserver: the listener URL (its
    LibreOffice is out of sight; use a new cache when it is upgraded).
    """
    if backend and backend != "soffice":
        return f"unoserver:{backend}"
    exe = find_soffice()
    if exe is None:
        return "soffice:missing"
    real = Path(os.path.realpath(exe))
    versionrc = real.parent / "versionrc"
    try:
        if versionrc.is_file():
            return "soffice:" + hashlib.sha256(versionrc.read_bytes()).hexdigest()[:16]
        st = real.stat()
        return f"soffice:{real}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        return f"soffice:{real}"
