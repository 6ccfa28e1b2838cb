"""The warm builder's first work, done before anyone asks for it (``cli/resident.py``).

A warm builder keeps the last build's round in memory (build/kept.py): the candidates loaded, their
report variables, the bundle's merge. Its first build has none of that yet, and costs as much as a
build in its own process. So when ``build --converter warm`` starts it, the warm builder is told that
build's round and options, starts the warm converter if that build did not (it had nothing to
convert), waits until that build is done (its lock, let go at once: a build of the same folder from
another process does not wait for the reading), and then reads the round as that build left it: it
loads, checks and plans it, and opens the bundle's merge on its PDFs from the cache. The first
rebuild after an edit then costs what every later one does.

It makes no output. It writes nothing in OUT, and in the cache only what the next build would write
the same (the variables a template uses, when no build noted them yet). It converts nothing: when a
PDF is not in the cache (the build failed or was stopped), it ends there and the next build does the
rest as it would have. ``stop()`` is asked while it waits and between its steps: a caller waiting for
the warm builder (or the builder stopping) ends it there, and what it did so far is kept.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dhtt_docs.build import kept
from dhtt_docs.build.lock import build_lock
from dhtt_docs.build.pipeline import (BuildOptions, BuildResult, bundle_parts, cache_root_of, merge_bundle,
                                      output_dir, plan_round)
from dhtt_docs.exceptions import DhttError, OutputBusy

__all__ = ["prime"]

#: How often the lock of the build that started the warm builder is tried (seconds).
POLL = 0.2


def prime(folder: Path, opts: BuildOptions, stop: Callable[[], bool]) -> bool:
    """Fill what this process keeps with `folder` built with `opts`, as the last build left it; True when
    the bundle's merge was opened too (False: less or nothing was done, said by nothing: a build will)."""
    if not kept.keeping():
        return False
    folder = Path(folder)
    out = output_dir(folder, opts)
    root = cache_root_of(folder, opts)
    if root is None:
        return False
    _converter_ready(opts)
    if not _build_done(out, root, stop):
        return False
    try:
        return _prime(folder, opts, root, stop)
    except OSError:     # a cached file went away meanwhile (another build pruned the cache): a build reads it
        return False


def _build_done(out: Path, root: Path, stop: Callable[[], bool]) -> bool:
    """Wait until the build that started the warm builder is done (its lock is free). The lock is let
    go at once: the reading writes nothing, and a build of the same OUT from another process must not
    wait for it."""
    while not stop():
        try:
            with build_lock(out, root, wait=0):
                return True
        except OutputBusy:
            time.sleep(POLL)
        except DhttError:                              # e.g. OUT's folder not writable: the build will say
            return False
    return False


def _converter_ready(opts: BuildOptions) -> None:
    """With ``--converter warm``, the warm converter up too: the build that started the warm builder
    starts it only when it has something to convert (after a build with nothing changed, the first
    edit would wait for LibreOffice to start)."""
    from dhtt_docs.pdf import warm

    if not opts.pdf or not warm.chosen(opts.converter):
        return
    try:
        warm.start()
    except warm.WarmUnavailable:
        pass                                           # the build that needs it says why


def _prime(folder: Path, opts: BuildOptions, root: Path, stop: Callable[[], bool]) -> bool:
    from dhtt_docs.build.cache import BuildCache
    from dhtt_docs.build.memo import Memo
    from dhtt_docs.dossier.loader import load_round
    from dhtt_docs.pdf.bundle import BundleError
    from dhtt_docs.rules.engine import evaluate

    if not root.is_dir():
        return False
    report = evaluate(load_round(folder, memo=Memo(root, folder).parsed, loaded=kept.candidates()),
                      kept=kept.checks())
    if report.round.submission is None or (not report.ok and not opts.force) or stop():
        return False
    result = BuildResult(report)
    result.draft = not report.ok
    cache = BuildCache(root)
    plan = plan_round(report, opts, result, cache)
    if not opts.pdf or stop():
        return False
    documents = []
    for (job, _key), pdf_key in zip(plan.jobs, plan.pdf_keys):
        found = cache.entry("pdf", pdf_key)
        if found is None:                              # not converted yet: nothing here converts
            return False
        path, sha = found
        cache.note_digest(path, sha)
        documents.append((job.title, job.candidate_id, path, Path(job.file_name).with_suffix(".pdf").name))
    parts = bundle_parts(report, documents)
    digests = {p.pdf: cache.file_digest(p.pdf) for top in parts for p in top.with_attachments()}
    if stop():
        return False
    with tempfile.TemporaryDirectory(prefix="dhtt-prime-") as scratch:
        try:
            merge_bundle(parts, digests, Path(scratch) / "bundle.pdf", report, opts, cache, note=False)
        except BundleError:                            # the build says it, with the fix
            return False
    return True
