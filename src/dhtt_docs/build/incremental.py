"""What a rebuild can skip: the whole build when nothing changed, and the rewrite of files that did not.

The build's key (pipeline.plan_round) covers everything its outputs depend on. After
a successful build, the key and each output file's size and date are noted in
the cache folder; a build with the same key finds OUT as it was left and does
nothing. Otherwise, files of the new build equal to those in OUT are replaced by
the old file (a hard link), so their dates stay and nothing is rewritten.

The same note keeps a record of the build's inputs (`Inputs`: the hash of every
file the build read, the options, the tool and converter) and of what it said
(the findings, draft or not, how many documents). `unchanged_since` compares
that record with the files as they are now, before anything is loaded (no
pydantic, no docxtpl, no pypdf): when every input and every file of OUT is as
the last build left them, the build does nothing and says what that build
said (`RecordedReport`). Anything else goes the normal way.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from dhtt_docs.build.cache import BuildCache, file_digest, key_of
from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import Text

if TYPE_CHECKING:
    from dhtt_docs.build.pipeline import BuildOptions
    from dhtt_docs.documents.render import DocumentJob
    from dhtt_docs.rules.engine import Report


@dataclass(frozen=True)
class Plan:
    """What this build will make, with the keys of every part (computed before any work)."""

    jobs: list[tuple[DocumentJob, str]]      # documents and their DOCX keys, in bundle order
    pdf_keys: list[str] | None               # their PDF keys (None: --no-pdf)
    key: str                                 # the whole build's key: same key, same outputs
    record: dict | None = field(default=None, compare=False)   # inputs and findings, for `unchanged_since`
    chunks: list[list[int]] = field(default_factory=list)      # reports converted together (build/chunks.py)
    alone: dict[str, str] = field(default_factory=dict, compare=False)   # their PDF keys alone -> in company


#: Folders of OUT that `sign` and `archive` write, not the build: never part of what the build left.
NOT_BUILT = ("signed", "scan")


def _note_name(out: Path) -> str:
    return "last-build-" + key_of({"out": str(out)})[:16]


def still_current(out: Path, plan: Plan, cache: BuildCache, result) -> bool:
    """Nothing changed since the last build into OUT, and OUT is as that build left it: nothing to do."""
    note = cache.read_note(_note_name(out))
    if not isinstance(note, dict) or note.get("key") != plan.key:
        return False
    found = _out_as_left(out, note.get("files"))
    if found is None:
        return False
    result.out = out
    result.written = result.unchanged = found
    result.reused = len(plan.jobs)
    result.pdf_reused = len(plan.jobs) if plan.pdf_keys is not None else None
    if plan.record is not None and note.get("record") != plan.record:   # e.g. a note of an older version
        cache.write_note(_note_name(out), dict(note, record=plan.record))
    return True


def _out_as_left(out: Path, files: Any) -> list[Path] | None:
    """OUT's files (relative, sorted) when they are those the last build left (size and date), else None."""
    if not isinstance(files, dict) or not out.is_dir():
        return None
    found = {}
    for dirpath, dirnames, filenames in os.walk(out):
        if dirpath == str(out):
            dirnames[:] = [d for d in dirnames if d not in NOT_BUILT]
        rel_dir = os.path.relpath(dirpath, out)
        for name in filenames:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}".replace(os.sep, "/")
            if rel.split("/", 1)[0] in NOT_BUILT:
                continue
            found[rel] = os.path.join(dirpath, name)
    if set(found) != set(files):
        return None
    for rel, path in found.items():
        try:
            st = os.stat(path)
        except OSError:
            return None
        if [st.st_size, st.st_mtime_ns] != files[rel]:
            return None
    return [Path(rel) for rel in sorted(found, key=lambda rel: rel.split("/"))]   # the order of sorted Paths


def chunked_last(out: Path, cache: BuildCache) -> dict[str, str]:
    """The PDF keys the last build into OUT gave its combined reports, by the key each would have alone:
    a report whose content is unchanged while its chunk changed still shows what it should."""
    note = cache.read_note(_note_name(out))
    found = note.get("chunked") if isinstance(note, dict) else None
    return found if isinstance(found, dict) else {}


def forget_last(out: Path, cache: BuildCache) -> None:
    """OUT is not as any plan's build makes it (build/produce.py: `provisional`): the next build builds."""
    cache.write_note(_note_name(out), {})


def remember(out: Path, plan: Plan, cache: BuildCache, result) -> None:
    files = {}
    for rel in result.written:
        st = (out / rel).stat()
        files[rel.as_posix()] = [st.st_size, st.st_mtime_ns]
    note = {"key": plan.key, "files": files}
    if plan.alone:
        note["chunked"] = plan.alone
    if plan.record is not None:
        note["record"] = plan.record
    cache.write_note(_note_name(out), note)


# --- the record of the last build's inputs: a rebuild with nothing changed loads nothing ------------

RECORD_FORMAT = 1


def make_record(folder: Path, out: Path, opts: BuildOptions, report: Report, jobs: list, lint: list[Finding],
                draft: bool, tool: str, profile_digest: Callable[[str], str], seen: dict | None = None) -> dict | None:
    """What `unchanged_since` compares and says again: the build's inputs, its findings, its counts.

    `tool` and `profile_digest` are those the build's key used (pipeline's); `seen`: the same build's
    `unchanged_since` call's (see `inputs`).
    """
    from dhtt_docs.dossier.attachments import declared

    rnd = report.round
    attachments = [rel for c in rnd.candidates for _path, rel, _title in declared(c)]
    others = {str(j.template) for j, _key in jobs}
    if report.profile is not None and report.profile.source is not None:
        others.add(str(Path(report.profile.source).absolute()))
    spec = getattr(rnd.submission, "plan", None)
    if isinstance(spec, str) and spec.strip():
        try:
            others.add(str((folder / Path(spec.strip()).expanduser()).absolute()))
        except (RuntimeError, ValueError):
            pass
    findings = [_finding_json(f) for f in report.all_findings()]
    lint_json = [_finding_json(f) for f in lint]
    if any(f is None for f in findings + lint_json):
        return None   # a finding this record cannot say again exactly: no short cut
    profile = [report.profile.id, profile_digest(report.profile.id)] if report.profile is not None else None
    return {"format": RECORD_FORMAT,
            "inputs": inputs(folder, out, opts, attachments, sorted(others), tool, profile, seen),
            "findings": findings, "lint": lint_json, "draft": draft, "documents": len(jobs)}


def inputs(folder: Path, out: Path, opts: BuildOptions, attachments: list[str], others: list[str], tool: str,
           profile: list | None, seen: dict | None = None) -> dict:
    """Everything the build's outputs and findings depend on, as it is now (hashes, never dates).

    `seen` (a dict for one build): the inputs hashed by an earlier call of this build with the same
    arguments are given again, not hashed twice. So the record holds the hashes taken before the round
    was read: a file changed while the build runs shows as changed to the next build.
    """
    if seen is not None:
        asked = json.dumps([str(folder), str(out), repr(opts), attachments, others, tool, profile], default=str)
        if seen.get("asked") == asked:
            return seen["inputs"]
        seen["asked"], seen["inputs"] = asked, _inputs(folder, out, opts, attachments, others, tool, profile)
        return seen["inputs"]
    return _inputs(folder, out, opts, attachments, others, tool, profile)


def _inputs(folder: Path, out: Path, opts: BuildOptions, attachments: list[str], others: list[str], tool: str,
            profile: list | None) -> dict:
    folder = Path(folder)
    engine = None
    if opts.pdf:
        from dhtt_docs.pdf.libreoffice import converter_identity
        engine = converter_identity(opts.converter)
    root = folder.resolve()
    return {
        "tool": tool,
        "profile": profile,                       # the plan's id and the digest the build's key used
        "folder": [str(folder.absolute()), str(root)],      # the round's name (bundle, bag) is the resolved one
        "out": str(out),
        "options": {"pdf": opts.pdf, "pdfa": opts.pdfa, "duplex": opts.duplex, "force": opts.force,
                    "templates": str(Path(opts.templates).absolute()) if opts.templates else None,
                    "cache": opts.cache},   # the converter: by what it is ("engine"), as the PDF keys
        "engine": engine,
        "submission": _digest(folder / "submission.yaml"),
        "candidates": _listing(folder / "candidates"),
        "attachments": [[rel, *_attachment(root, rel)] for rel in attachments],
        "files": [[p, _digest(Path(p))] for p in others],
        "plans": _listing(Path(__file__).resolve().parent.parent / "rules" / "plans"),
        "templates": _listing(Path(opts.templates)) if opts.templates else None,   # all linted
    }


def _digest(path: Path) -> str | None:
    try:
        return file_digest(path) if path.is_file() else None
    except OSError:
        return None


def _listing(folder: Path) -> list | None:
    """A folder's entries: name, what it is (a link: where it points), and each file's hash."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return None
    out = []
    for e in entries:
        try:
            kind = "link:" + os.path.realpath(e.path) if e.is_symlink() else "dir" if e.is_dir() else "file"
            digest = file_digest(Path(e.path)) if e.is_file() else None
        except OSError:
            kind, digest = "unreadable", None
        out.append([e.name, kind, digest])
    return out


def _attachment(root: Path, rel: str) -> list:
    """Where an attachment named in a dossier is now, and its hash (None when it is not there)."""
    try:
        path = root.joinpath(*Path(rel.replace("\\", "/")).parts).resolve()
    except (OSError, RuntimeError, ValueError):
        return [None, None]
    return [str(path), _digest(path)]


def _finding_json(f: Finding) -> list | None:
    if not isinstance(f.message, Text):
        return None
    params = dict(f.params)
    try:
        if json.loads(json.dumps(params)) != params:
            return None
    except (TypeError, ValueError):
        return None
    return [f.severity.value, f.message.vi, f.message.en, f.file, f.line, f.key, f.clause, f.code, params]


def _finding(j: list) -> Finding:
    sev, vi, en, file, line, key, clause, code, params = j
    return Finding(Severity(sev), Text(vi, en), file=file, line=line, key=key, clause=clause, code=code,
                   params=params)


def unchanged_since(folder: Path, out: Path, opts: BuildOptions, cache_root: Path | None, tool: str,
                    profile_digest: Callable[[str], str], seen: dict | None = None) -> dict | None:
    """The last build's record when nothing it read has changed and OUT is as it left it; else None.

    Reads only the note, the round's files (hashes) and OUT's file dates: nothing is parsed or loaded.
    `seen`: what it hashed, for this build's record (`make_record`).
    """
    if cache_root is None:
        return None
    try:
        note = json.loads((Path(cache_root) / f"{_note_name(out)}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    record = note.get("record") if isinstance(note, dict) else None
    if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
        return None
    try:
        was = record["inputs"]
        profile = [was["profile"][0], profile_digest(was["profile"][0])] if was["profile"] is not None else None
        now = inputs(folder, out, opts, [a[0] for a in was["attachments"]], [f[0] for f in was["files"]], tool,
                     profile, seen)
        if now != was:
            return None
        files = _out_as_left(out, note.get("files"))
        if files is None:
            return None
        return {"record": record, "files": files}
    except (KeyError, TypeError, IndexError, ValueError):
        return None


class RecordedReport:
    """The report of the last build, as it recorded it: its findings; anything more is evaluated when asked for.

    A build that finds nothing changed prints the same warnings and summary as the last one without
    loading the dossier; a caller that wants more (verdicts, the round) gets the round loaded and
    evaluated then, once.
    """

    def __init__(self, folder: Path, findings: list[Finding]):
        self._folder = Path(folder)
        self._findings = findings
        self._real = None

    def all_findings(self) -> list[Finding]:
        return list(self._findings)

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self._findings)

    def __getattr__(self, name: str):
        if name.startswith("__") or name in ("_folder", "_findings", "_real"):
            raise AttributeError(name)
        if self._real is None:
            from dhtt_docs.dossier.loader import load_round
            from dhtt_docs.rules.engine import evaluate
            self._real = evaluate(load_round(self._folder))
        return getattr(self._real, name)


def recorded_findings(record: dict) -> tuple[list[Finding], list[Finding]]:
    """The report's findings and the templates' (lint) findings the last build gave."""
    return [_finding(j) for j in record["findings"]], [_finding(j) for j in record["lint"]]


def files_under(folder: Path) -> list[str]:
    """The files under `folder` (relative, posix), in the order of sorted Paths; os.walk, not pathlib
    (a tenth of the time for OUT's 1,500 files at N=500)."""
    found = []
    for dirpath, _dirnames, filenames in os.walk(folder):
        rel_dir = os.path.relpath(dirpath, folder)
        for name in filenames:
            if os.path.isfile(os.path.join(dirpath, name)):
                found.append(name if rel_dir == "." else f"{rel_dir}/{name}".replace(os.sep, "/"))
    return sorted(found, key=lambda rel: rel.split("/"))


def keep_unchanged(stage: Path, out: Path, redated: Callable[[list[str]], None] | None = None) -> list[Path]:
    """Files of the new build equal to those in OUT, which keep OUT's date: nothing a user sees changes.

    Mostly both are already one file (links to one cache entry). Where OUT's file is a separate copy
    with the same bytes (written by an older version, or before the cache was cleared), the new file
    (a link to its cache entry) is kept and given the old one's date, so that the next rebuild finds
    one file again instead of comparing the two, every time. `redated(paths)` is told of those files
    (the cache notes their new date)."""
    if not out.is_dir():
        return []
    same, dated = [], []
    for rel in files_under(stage):
        new, old = os.path.join(stage, rel), os.path.join(out, rel)
        try:
            was = os.stat(old)
            if not stat.S_ISREG(was.st_mode):
                continue
            now = os.stat(new)
            if (was.st_dev, was.st_ino) != (now.st_dev, now.st_ino):   # else: both links to one cache entry
                if was.st_size != now.st_size or Path(old).read_bytes() != Path(new).read_bytes():
                    continue
                os.utime(new, ns=(was.st_atime_ns, was.st_mtime_ns))
                dated.append(new)
        except OSError:
            continue
        same.append(Path(rel))
    if dated and redated is not None:
        redated(dated)
    return same
