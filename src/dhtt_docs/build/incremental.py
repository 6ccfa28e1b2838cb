"""What a rebuild can skip: the whole build when nothing changed, and the rewrite of files that did not.

The build's key (pipeline._plan) covers everything its outputs depend on. After
a successful build, the key and each output file's size and date are noted in
the cache folder; a build with the same key finds OUT as it was left and does
nothing. Otherwise, files of the new build equal to those in OUT are replaced by
the old file (a hard link), so their dates stay and nothing is rewritten.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dhtt_docs.build.cache import BuildCache, key_of

if TYPE_CHECKING:
    from dhtt_docs.documents.render import DocumentJob


@dataclass(frozen=True)
class Plan:
    """What this build will make, with the keys of every part (computed before any work)."""

    jobs: list[tuple[DocumentJob, str]]      # documents and their DOCX keys, in bundle order
    pdf_keys: list[str] | None               # their PDF keys (None: --no-pdf)
    key: str                                 # the whole build's key: same key, same outputs


#: Folders of OUT that `sign` and `archive` write, not the build: never part of what the build left.
NOT_BUILT = ("signed", "scan")


def _note_name(out: Path) -> str:
    return "last-build-" + key_of({"out": str(out)})[:16]


def still_current(out: Path, plan: Plan, cache: BuildCache, result) -> bool:
    """Nothing changed since the last build into OUT, and OUT is as that build left it: nothing to do."""
    note = cache.read_note(_note_name(out))
    if not isinstance(note, dict) or note.get("key") != plan.key or not out.is_dir():
        return False
    files = note.get("files") or {}
    found = {p.relative_to(out).as_posix(): p for p in out.rglob("*")
             if p.is_file() and p.relative_to(out).parts[0] not in NOT_BUILT}
    if set(found) != set(files):
        return False
    for rel, path in found.items():
        st = path.stat()
        if [st.st_size, st.st_mtime_ns] != files[rel]:
            return False
    result.out = out
    result.written = result.unchanged = sorted(Path(rel) for rel in found)
    result.reused = len(plan.jobs)
    result.pdf_reused = len(plan.jobs) if plan.pdf_keys is not None else None
    return True


def remember(out: Path, plan: Plan, cache: BuildCache, result) -> None:
    files = {}
    for rel in result.written:
        st = (out / rel).stat()
        files[rel.as_posix()] = [st.st_size, st.st_mtime_ns]
    cache.write_note(_note_name(out), {"key": plan.key, "files": files})


def keep_unchanged(stage: Path, out: Path) -> list[Path]:
    """Files of the new build equal to those in OUT: the old file (and its date) is kept, not rewritten."""
    if not out.is_dir():
        return []
    same = []
    for new in sorted(stage.rglob("*")):
        if not new.is_file():
            continue
        rel = new.relative_to(stage)
        old = out / rel
        try:
            if not old.is_file() or old.stat().st_size != new.stat().st_size or old.read_bytes() != new.read_bytes():
                continue
            link = new.with_name(f".{new.name}.same")
            os.link(old, link)
            os.replace(link, new)
        except OSError:
            continue
        same.append(rel)
    return same
