"""One round folder as the web app sees it: the files on disk, checked, with unsaved edits on top.

The folder stays the source of truth: nothing is kept here that is not
re-read when its file changes. The loaded round is cached by the files'
sizes and modification times, so a live check of a form (one file's unsaved
text in place of the file) re-reads only that file.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from pathlib import Path

from dhtt_docs.dossier.attachments import resolve_inside
from dhtt_docs.dossier.loader import (CANDIDATES_DIR, SUBMISSION_FILE, Round, load_candidate, load_round,
                                      load_submission)
from dhtt_docs.rules.engine import Report, evaluate


class OutsideRound(Exception):
    """A path that would leave the round folder ('..', absolute, or a link pointing out)."""


def confine(folder: Path, rel: str) -> Path:
    """The file `rel` names inside `folder`; OutsideRound when it would leave it."""
    if not rel or "\x00" in rel:
        raise OutsideRound(rel)
    path, why = resolve_inside(folder, rel)
    if path is None:
        raise OutsideRound(why)
    return path


class Workspace:
    def __init__(self, folder: Path):
        self.folder = Path(folder).resolve()
        self.name = self.folder.name
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._round: Round | None = None

    # ---------------------------------------------------------------- files

    def path(self, rel: str) -> Path:
        return confine(self.folder, rel)

    def candidate_file(self, cid: str) -> str | None:
        """'candidates/<cid>.yaml' (or .yml) when that candidate's file exists."""
        for ext in (".yaml", ".yml"):
            rel = f"{CANDIDATES_DIR}/{cid}{ext}"
            try:
                if self.path(rel).is_file():
                    return rel
            except OutsideRound:
                return None
        return None

    def _files_stamp(self) -> tuple:
        out = []
        for p in [self.folder / SUBMISSION_FILE, self.folder / CANDIDATES_DIR]:
            try:
                st = p.stat()
                out.append((p.name, st.st_mtime_ns, st.st_size))
            except OSError:
                out.append((p.name, None))
        cand = self.folder / CANDIDATES_DIR
        if cand.is_dir():
            with os.scandir(cand) as it:
                for e in sorted(it, key=lambda e: e.name):
                    try:
                        st = e.stat()
                        out.append((e.name, st.st_mtime_ns, st.st_size))
                    except OSError:
                        out.append((e.name, None))
        return tuple(out)

    def round(self) -> Round:
        """The round as it is on disk (re-read when a file changed)."""
        with self._lock:
            stamp = self._files_stamp()
            if self._round is None or stamp != self._stamp:
                self._round = load_round(self.folder)
                self._stamp = stamp
            return self._round

    # ---------------------------------------------------------------- checks

    def report(self, rel: str | None = None, text: str | None = None) -> Report:
        """The round checked; with `rel` and `text`, that text stands for the file `rel` (unsaved edits)."""
        rnd = self.round()
        if rel is None or text is None:
            return evaluate(rnd)
        findings = [f for f in rnd.findings if f.file != rel]
        if rel == SUBMISSION_FILE:
            submission, source, errs = load_submission(self.folder / SUBMISSION_FILE, text)
            rnd = dataclasses.replace(rnd, submission=submission, submission_source=source,
                                      findings=findings + errs)
        else:
            cand, errs = load_candidate(self.folder / rel, self.folder, text)
            candidates = [cand if c.file == rel else c for c in rnd.candidates]
            rnd = dataclasses.replace(rnd, candidates=candidates, findings=findings + errs)
        return evaluate(rnd)
