"""DOCX -> PDF conversion with LibreOffice: the one entry point, :func:`convert_many`.

The work is done by modules with one job each:

* ``pool``: the pool of ``soffice`` batch workers (default back end);
* ``unoserver``: already running unoserver listeners (``unoserver://...``);
* ``warm``: a LibreOffice kept running between commands (``warm``);
* ``procs``: child processes in their own group, killed as a whole, told to the janitor;
* ``jobs``: a job, its pre-check, and how a produced PDF is judged and put in place;
* ``libreoffice``: finding soffice, its version, its fingerprint for the cache;
* ``fonts``: fontconfig checks for ``doctor``; ``messages``: what the user reads.

Failures of single documents are not exceptions: they come back as
:class:`ConversionFailure` so that one bad file does not stop a bundle.
"""

from __future__ import annotations

import os
from pathlib import Path

from dhtt_docs.i18n import tr
from dhtt_docs.pdf.jobs import ConversionError, ConversionFailure, Job, ProgressFn, precheck, remove_quietly, \
    serialised
from dhtt_docs.pdf.libreoffice import find_soffice
from dhtt_docs.pdf.messages import msg_no_soffice
from dhtt_docs.pdf.pool import SofficePool
from dhtt_docs.pdf.unoserver import convert_with_unoserver, parse_backend


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
    scratch: Path | None = None,
    janitor: object | None = None,
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
    ``scratch`` is a private folder for LibreOffice's temporary files (its
    TMPDIR), ``janitor`` the watcher told about every process group and folder.
    A failed job never leaves an old PDF at its ``pdf_out``: a stale PDF
    would otherwise be merged into the bundle as if it were current.

    Raises :class:`ConversionError` when LibreOffice cannot be found and
    ``ValueError`` for a malformed ``backend``.
    """
    if timeout <= 0:
        raise ValueError(tr("timeout phải lớn hơn 0 giây.", "timeout must be greater than 0 seconds."))
    endpoints = parse_backend(backend)
    all_jobs = [Job(i, Path(src), Path(dst)) for i, (src, dst) in enumerate(jobs)]
    notify = serialised(progress)

    reasons: dict[int, str] = {}
    runnable: list[Job] = []
    for job in all_jobs:
        problem = precheck(job.source)
        if problem is None:
            runnable.append(job)
        else:
            reasons[job.index] = problem
            notify(job.source)

    if runnable:
        if endpoints is None:
            exe = executable or find_soffice()
            if exe is None:
                raise ConversionError(msg_no_soffice())
            count = max(1, min(workers or os.cpu_count() or 1, len(runnable)))
            pool = SofficePool(exe, workers=count, timeout=timeout, pdfa=pdfa, expected=len(runnable),
                               profiles=profiles, scratch=scratch, janitor=janitor,
                               on_done=lambda job, _reason: notify(job.source))
            with pool:
                for job in runnable:
                    pool.submit(job)
                reasons.update(pool.close())
        else:
            reasons.update(convert_with_unoserver(runnable, endpoints, timeout, pdfa, notify))

    failures = []
    for job in all_jobs:
        if job.index in reasons:
            remove_quietly(job.target)
            failures.append(ConversionFailure(job.source, reasons[job.index]))
    return failures
