"""A pool of LibreOffice workers that convert DOCX to PDF in batches, fed while documents are still being made.

Why it looks the way it does (see docs/reference: toolchain facts):

* With ``keep_running`` (the build) each worker keeps one LibreOffice for the
  whole run and converts file by file (:mod:`dhtt_docs.pdf.unoworker`); what
  follows is the cold path it falls back to, and what :func:`convert_many` uses.
* Starting ``soffice`` costs about 0.25 s (on a profile marked as seen by this
  version, :func:`.libreoffice.mark_profile_seen`; 0.9 s without), converting
  a file 0.05-0.1 s, so every worker converts a *batch* of files per start. Batches are
  sized from the number of documents expected (about equal rounds per worker)
  and capped at :data:`MAX_BATCH`, well under the ~247 files after which
  LibreOffice 7.4 silently stops converting (exit 0); every output is checked.
* Two ``soffice`` processes on one user profile do not run in parallel, so
  every worker has its *own* profile (a kept slot of the build cache, or a
  temporary one).
* Jobs can be submitted while the pool runs (:meth:`SofficePool.submit`): a
  worker starts as soon as a batch is ready, so rendering and conversion
  overlap. Each PDF is handed to ``on_done`` (on the pool's post-processing
  thread) as soon as LibreOffice has moved on to the next file of its batch,
  not when the batch ends, so post-processing (normalisation, signature
  fields) overlaps conversion and little of it is left when the last batch ends.
* Each worker's scratch space, LibreOffice's TMPDIR and its temporary profile
  live in one private folder (under ``scratch``, the build's private folder,
  when given) that the janitor removes if the build is killed.
"""

from __future__ import annotations

import math
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from dhtt_docs.pdf.jobs import Job, install, pdf_has_pages, remove_quietly
from dhtt_docs.pdf.libreoffice import mark_profile_seen
from dhtt_docs.pdf.messages import (
    msg_crashed,
    msg_empty_pdf,
    msg_not_loaded,
    msg_timeout,
    msg_write_failed,
    tail,
)
from dhtt_docs.pdf.procs import ProcessGroups, RunResult, osl_pipe, run_in_own_group, run_threads

#: Bookmarks become named destinations: they mark where each combined report starts (documents/combine.py).
_MARKS = '"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}'
#: ``--convert-to`` value for PDF/A-2b (works on LibreOffice 7.4).
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},' + _MARKS + '}'
#: ``--convert-to`` value for plain PDF.
PDF_FILTER = 'pdf:writer_pdf_Export:{' + _MARKS + '}'
#: Import filter forced for ``.docx`` inputs: without it LibreOffice imports
#: a damaged file as plain text and "succeeds" with a PDF of garbage.
DOCX_INFILTER = "MS Word 2007 XML"

#: Most files per ``soffice`` start. Measured on 503 documents, 2 workers:
#: batches of 25 (21 starts) took 26.5 s, of 200 took 20.5 s; LibreOffice 7.4
#: stops silently after about 247 files, so stay well below.
MAX_BATCH = 160
#: Fewest files per start while more are still coming (a start costs 0.25 s or more).
MIN_BATCH = 8

DoneFn = Callable[[Job, str | None], None]   # job, failure reason (None: its PDF is in place)


def batch_size(expected: int, workers: int) -> int:
    """Files per start: equal rounds per worker, each at most MAX_BATCH."""
    if expected <= 0:
        return MIN_BATCH
    rounds = math.ceil(expected / (workers * MAX_BATCH))
    return max(1, min(MAX_BATCH, math.ceil(expected / (workers * rounds))))


class KeptProfile:
    """A LibreOffice profile kept between runs in `root/slot-N`, held under an exclusive lock."""

    def __init__(self, path: Path, lock_file):
        self.path = path
        self._lock_file = lock_file

    @classmethod
    def take(cls, root: Path) -> KeptProfile | None:
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


class SofficeWorker:
    """One LibreOffice worker: its own profile, TMPDIR and scratch space under one private folder."""

    #: Files it wants per batch (None: the pool's size; a UnoWorker takes one at a time).
    batch_size: int | None = None

    def __init__(self, executable: str, timeout: float, pdfa: bool, groups: ProcessGroups,
                 kept: KeptProfile | None = None, scratch: Path | None = None):
        self.executable = executable
        self.timeout = timeout
        self.pdfa = pdfa
        self.groups = groups
        if scratch is not None:
            scratch.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix="dhtt-soffice-", dir=scratch))
        self.janitor = groups.janitor
        self.janitor.watch_dir(self.root)
        self.kept = kept
        if kept is not None:
            self.janitor.watch_dir(kept.path)   # a profile in use when the build dies may be half-written
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
        self.janitor.forget_dir(self.root)
        if self.kept is not None:
            self.janitor.forget_dir(self.kept.path)
            self.kept.release()

    def convert(self, batch: list[Job], early: Callable[[Job], None] | None = None) -> dict[int, str]:
        """Convert a batch, retrying its failures one by one; return reasons of failures.

        ``early(job)`` is called for each PDF put in place while the batch is still running
        (LibreOffice converts a batch's files in order, so a file is finished once the next
        one's output appears); those jobs never have a reason."""
        reasons = self._convert_once(batch, early)
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

    def _convert_once(self, batch: list[Job], early: Callable[[Job], None] | None = None) -> dict[int, str]:
        """One soffice start for the whole batch.

        Inputs are linked (or copied) under neutral names (``00007.docx``):
        outputs are named by stem, so equal stems would collide, and a name
        beginning with ``-`` would be taken for an option.
        """
        self._batch_no += 1
        indir = self.root / f"in-{self._batch_no}"
        outdir = self.root / f"out-{self._batch_no}"
        indir.mkdir()
        outdir.mkdir()
        pipe = osl_pipe(self.profile)
        self.janitor.watch_dir(pipe)
        try:
            inputs = []
            for job in batch:
                neutral = indir / f"{job.index:05d}{job.source.suffix.lower()}"
                try:
                    os.link(job.source, neutral)
                except OSError:
                    shutil.copyfile(job.source, neutral)
                inputs.append(neutral)
            docx = all(p.suffix == ".docx" for p in inputs)
            mark_profile_seen(self.profile, self.executable)   # no graphics self-test (20 µs once marked)
            cmd = self._command(inputs, outdir, docx)
            installed: set[int] = set()

            def progressed() -> None:
                if early is not None and len(batch) > 1:
                    self._install_finished(batch, outdir, installed, early)

            result = run_in_own_group(cmd, self.timeout, self.groups, progress_dir=outdir,
                                      tmpdir=self.root / "tmp", on_progress=progressed)
            if result.timed_out:
                self.discard_profile()
            return self._collect([job for job in batch if job.index not in installed], outdir, result)
        finally:
            remove_quietly(pipe)            # left behind when soffice was killed
            self.janitor.forget_dir(pipe)
            shutil.rmtree(indir, ignore_errors=True)
            shutil.rmtree(outdir, ignore_errors=True)

    @staticmethod
    def _install_finished(batch: list[Job], outdir: Path, installed: set[int], early: Callable[[Job], None]) -> None:
        """Put in place every PDF of the batch that comes before the newest output (those are whole)."""
        try:
            present = set(os.listdir(outdir))
        except OSError:
            return
        newest = max((pos for pos, job in enumerate(batch) if f"{job.index:05d}.pdf" in present), default=-1)
        for job in batch[:newest]:
            produced = outdir / f"{job.index:05d}.pdf"
            if job.index in installed or produced.name not in present or not pdf_has_pages(produced):
                continue                      # a failure: judged (and retried) when the batch ends
            try:
                install(produced, job.target)
            except OSError:
                continue
            installed.add(job.index)
            early(job)

    def _collect(self, batch: list[Job], outdir: Path, result: RunResult) -> dict[int, str]:
        reasons: dict[int, str] = {}
        for job in batch:
            produced = outdir / f"{job.index:05d}.pdf"
            name = job.source.name
            if produced.is_file() and pdf_has_pages(produced):
                try:
                    install(produced, job.target)
                except OSError as err:
                    reasons[job.index] = msg_write_failed(name, job.target, err)
            elif result.timed_out:
                reasons[job.index] = msg_timeout(name, self.timeout)
            elif produced.is_file():
                reasons[job.index] = msg_empty_pdf(name)
            elif result.returncode not in (0, None):
                reasons[job.index] = msg_crashed(name, result.returncode, tail(result.output))
            else:
                reasons[job.index] = msg_not_loaded(name, tail(result.output))
        return reasons


class SofficePool:
    """Workers that take batches of submitted jobs as they come; use as a context manager.

    ``expected`` (how many jobs will be submitted, if known) sizes the
    batches; ``on_done(job, reason)`` is called once per job, in order of
    completion, on one post-processing thread (reason None: the PDF is at
    ``job.target``) while the workers go on converting. An exception in it
    stops the pool and is raised by :meth:`close`.
    """

    def __init__(self, executable: str, *, workers: int, timeout: float, pdfa: bool, expected: int = 0,
                 profiles: Path | None = None, scratch: Path | None = None, janitor: object | None = None,
                 on_done: DoneFn | None = None, keep_running: bool = False):
        from dhtt_docs.pdf.unoworker import usable

        self.executable = executable
        # keep_running: each worker keeps one LibreOffice for the whole run and takes files one by one
        # (pdf/unoworker.py), where python3-uno and a LibreOffice installation allow it.
        self.uno = usable(executable) if keep_running else None
        self.workers = max(1, workers)
        self.timeout = timeout
        self.pdfa = pdfa
        self.profiles = profiles
        self.scratch = scratch
        self.size = batch_size(expected, self.workers)
        self.groups = ProcessGroups(janitor)
        self.reasons: dict[int, str] = {}
        self._on_done = on_done
        self._done_lock = threading.Lock()
        self._cond = threading.Condition()
        self._pending: list[Job] = []
        self._closed = False
        self._busy = 0
        self._runner: threading.Thread | None = None
        self._post: threading.Thread | None = None
        self._finished: queue.Queue[tuple[Job, str | None] | None] = queue.Queue()
        self._error: list[BaseException] = []

    # -- feeding
    def start(self) -> SofficePool:
        def run() -> None:
            try:
                run_threads([self._work] * self.workers, self.groups)
            except BaseException as exc:  # noqa: BLE001 - re-raised by close()
                self._error.append(exc)
        self._runner = threading.Thread(target=run, daemon=True)
        self._runner.start()
        self._post = threading.Thread(target=self._post_process, daemon=True)
        self._post.start()
        return self

    def _post_process(self) -> None:
        """Call on_done for finished jobs, one at a time, while the workers go on converting."""
        while True:
            item = self._finished.get()
            if item is None:
                return
            if self._error or self._on_done is None:
                continue
            try:
                self._on_done(*item)
            except BaseException as exc:  # noqa: BLE001 - re-raised by close()
                self._error.append(exc)
                self.abort()

    def use(self, on_done: DoneFn | None, expected: int) -> None:
        """For a pool started before its work was known (the build starts LibreOffice early): who is told
        of finished jobs, and how many will come (sizes the cold path's batches). Before the first submit."""
        self._on_done = on_done
        self.size = batch_size(expected, self.workers)

    def stop(self) -> None:
        """Stop now and wait for the workers: a pool that gets no more jobs (unused, or after an error)."""
        self.__exit__(RuntimeError, None, None)

    def submit(self, job: Job) -> None:
        with self._cond:
            self._pending.append(job)
            self._cond.notify_all()

    def close(self) -> dict[int, str]:
        """No more jobs: wait for every one; return the failures by job index."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        try:
            for thread in (self._runner, self._post):
                if thread is None:
                    continue
                if thread is self._post:
                    self._finished.put(None)
                while thread.is_alive():
                    thread.join(0.2)
        except BaseException:
            self.groups.kill_all()
            raise
        if self._error:
            raise self._error[0]
        return self.reasons

    def abort(self) -> None:
        """Stop now (an error elsewhere): kill every soffice, take no more batches."""
        self.groups.kill_all()
        with self._cond:
            self._closed = True
            self._pending.clear()
            self._cond.notify_all()

    def __enter__(self) -> SofficePool:
        return self.start()

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()
            self._finished.put(None)
            for thread in (self._runner, self._post):
                if thread is not None:
                    thread.join(10)

    # -- working
    def _take(self, size: int) -> list[Job] | None:
        """The next batch: a full one, or (once nothing more comes) a fair share of what is left."""
        with self._cond:
            while True:
                if self.groups.stopping.is_set():
                    return None
                if len(self._pending) >= size:
                    break
                if self._closed:
                    if not self._pending:
                        return None
                    break
                self._cond.wait(0.5)
            if self._closed:
                idle = max(1, self.workers - self._busy)
                take = min(size, math.ceil(len(self._pending) / idle))
            else:
                take = size
            batch, self._pending = self._pending[:take], self._pending[take:]
            self._busy += 1
            return batch

    def _work(self) -> None:
        kept = KeptProfile.take(self.profiles) if self.profiles is not None else None
        worker = SofficeWorker(self.executable, self.timeout, self.pdfa, self.groups, kept, self.scratch)
        if self.uno is not None:
            from dhtt_docs.pdf.unoworker import UnoWorker

            worker = UnoWorker(self.executable, self.uno, worker, worker.profile)
        try:
            while True:
                batch = self._take(worker.batch_size or self.size)
                if batch is None:
                    return
                early: set[int] = set()

                def finished_early(job: Job) -> None:
                    early.add(job.index)
                    self._finished.put((job, None))

                try:
                    found = worker.convert(batch, finished_early)
                    with self._done_lock:
                        self.reasons.update(found)
                    for job in batch:
                        if job.index not in early:
                            self._finished.put((job, found.get(job.index)))
                finally:
                    with self._cond:
                        self._busy -= 1
        finally:
            worker.close()
