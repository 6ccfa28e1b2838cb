"""The build cache: documents already made, found again by the hash of their inputs.

A document's key is the SHA-256 of everything its bytes depend on: the tool
version, the template file, the plan profile file, and the document's values
(from its candidate file and the submission); a PDF's key adds the DOCX key,
the converter and the PDF options. A changed input is a new key, so a stale
document is never served; a cached file whose content no longer matches the
hash recorded in its name (disk trouble, a hand edit) is thrown away.

Layout: ROOT/docx/<key>-<content sha>.docx and ROOT/pdf/<key>-<content sha>.pdf
(LibreOffice's profiles are the user's, not the round's: pdf/libreoffice.profiles_root).
After a successful build, entries the build did not use are removed, so the
cache holds exactly the last build. An entry is checked against its hash when
a build first reads it; later builds take it as sound while its inode, size and
date are those noted then (ROOT/checked-entries.json).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from dhtt_docs.fsutil import atomic_write

DEFAULT_DIR = ".dhtt-cache"
KINDS = ("docx", "pdf", "xlsx", "json", "zip")   # entry kinds = folder names = file suffixes


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key_of(parts: dict) -> str:
    """A stable key for a JSON-able description of inputs."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return digest(text.encode("utf-8"))


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _still(path: Path, known) -> str | None:
    """The SHA-256 of a note (inode, size, date, SHA-256) about `path` while it is still that file, else None."""
    if not isinstance(known, (list, tuple)) or len(known) != 4:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return known[3] if (st.st_ino, st.st_size, st.st_mtime_ns) == tuple(known[:3]) else None


class BuildCache:
    """A content-addressed store of DOCX and PDF files; `root=None` stores nothing."""

    def __init__(self, root: Path | None):
        self.root = Path(root).absolute() if root is not None else None
        self.used: set[Path] = set()
        self._index: dict[str, dict[str, list[Path]]] = {}   # kind -> key -> entries, read once per kind
        self._lock = threading.RLock()   # the pipeline stores PDFs from a post-processing thread
        self._made: set[str] = set()     # kinds whose folder exists
        self._digests: dict[str, tuple[int, int, int, str]] = {}   # path -> inode, size, date, SHA-256
        self._checked: dict[str, list] | None = None   # the last build's note: entry name -> the same four
        if self.root is not None:
            try:
                self.root.mkdir(parents=True, exist_ok=True)
                probe = tempfile.NamedTemporaryFile(dir=self.root, prefix=".probe-", delete=True)
                probe.close()
            except OSError:
                self.root = None   # a read-only folder: build without a cache

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def _dir(self, kind: str) -> Path:
        d = self.root / kind
        if kind not in self._made:
            d.mkdir(exist_ok=True)
            self._made.add(kind)
        return d

    def _entries(self, kind: str) -> dict[str, list[Path]]:
        """The entries of one kind by key: one directory listing per build, not one per document."""
        with self._lock:
            return self._entries_locked(kind)

    def _entries_locked(self, kind: str) -> dict[str, list[Path]]:
        index = self._index.get(kind)
        if index is None:
            index = self._index[kind] = {}
            for entry in sorted(self._dir(kind).glob(f"*-*.{kind}")):
                index.setdefault(entry.stem.rsplit("-", 1)[0], []).append(entry)
        return index

    def has_entries(self, kind: str) -> bool:
        return self.root is not None and any(self._entries(kind).values())

    def _read(self, kind: str, key: str, content: bool = True) -> tuple[Path, bytes | None, str] | None:
        """The entry for `key`, its content (None when not asked for and the entry is known sound) and
        that content's SHA-256, checked against the hash in its name; None if none is sound."""
        if self.root is None:
            return None
        for entry in list(self._entries(kind).get(key, ())):
            if not content:
                full = self._sound(entry)
                if full is not None:
                    self.used.add(entry)
                    return entry, None, full
            expected = entry.stem.rsplit("-", 1)[1]
            try:
                data = entry.read_bytes()
            except OSError:
                continue
            full = digest(data)
            if full[: len(expected)] != expected:
                entry.unlink(missing_ok=True)
                self._entries(kind)[key].remove(entry)
                continue
            self.used.add(entry)
            self.note_digest(entry, full)
            return entry, data, full
        return None

    # An entry read and found sound by its hash (or written) in one build is noted with its inode, size
    # and date (CHECKED, a note at the cache's root); the next build takes it as sound while those are
    # the same, without reading it again: a rebuild at N=500 read and hashed 1,500 files (40 MB) for
    # that. Entries are written once and never in place; a file of OUT edited in place (a link to its
    # entry) changes the entry's date and size, and the entry is read and checked again. This is the
    # trust `incremental` puts in OUT's files (size and date) for a rebuild with nothing changed.
    CHECKED = "checked-entries"

    def _sound(self, entry: Path) -> str | None:
        """The SHA-256 of an entry noted sound (this build, or an earlier one) and not changed since, else None."""
        with self._lock:
            if self._checked is None:
                note = self.read_note(self.CHECKED)
                self._checked = note if isinstance(note, dict) else {}
            known = self._digests.get(os.fspath(entry)) or self._checked.get(entry.name)
        sha = _still(entry, known)
        if sha is not None:
            with self._lock:   # the note was just found true: the same four, no second stat
                self._digests[os.fspath(entry)] = (*known[:3], sha)
        return sha

    def save_checked(self) -> None:
        """Keep, for the next build, the entries this build used and found or made sound."""
        if self.root is None:
            return
        with self._lock:
            checked = {entry.name: list(self._digests[os.fspath(entry)]) for entry in self.used
                       if os.fspath(entry) in self._digests}
        self.write_note(self.CHECKED, checked)

    def _write(self, kind: str, key: str, data: bytes) -> tuple[str, Path | None]:
        """The SHA-256 of `data`, and the entry when this call wrote it (its bytes are then `data`)."""
        full = digest(data)
        if self.root is None:
            return full, None
        entry = self._dir(kind) / f"{key}-{full[:16]}.{kind}"
        with self._lock:
            made = self._write_entry(kind, key, entry, data, full)
        return full, entry if made else None

    def _write_entry(self, kind: str, key: str, entry: Path, data: bytes, full: str,
                     src: Path | None = None) -> bool:
        """Write an entry in place, not through a temporary file and a rename (a third of the cost, and
        a build stores three entries a document): its name carries the hash of its content, so a
        reader finds a half-written entry (a crash, a build writing it now) unsound and passes over it.
        `src`: a file holding `data`, made the entry by a hard link where one can be made.
        True when its bytes are known to be `data`: written, or written or read and checked earlier in
        this build."""
        if entry in self.used:
            return True
        made = False
        try:
            if src is not None:
                made = self._hard_link(src, entry)
            if not made:
                with open(entry, "xb") as fh:
                    fh.write(data)
                made = True
            self.note_digest(entry, full)
        except FileExistsError:
            pass                      # the same content, by its name: kept by an earlier build
        except OSError:
            entry.unlink(missing_ok=True)
            return False
        entries = self._entries(kind).setdefault(key, [])
        if entry not in entries:
            entries.append(entry)
        self.used.add(entry)
        return made

    @staticmethod
    def _hard_link(src: Path, entry: Path) -> bool:
        """`entry` made a hard link to `src`; False where links cannot be made (FileExistsError passes)."""
        try:
            os.link(src, entry)
            return True
        except FileExistsError:
            raise
        except OSError:
            return False

    def _link(self, entry: Path, dest: Path) -> bool:
        """Make `dest` (replacing it) a hard link to `entry`; False where links cannot be made."""
        try:
            os.link(entry, dest)   # a new file (a build's stage): one call
            return True
        except FileExistsError:
            pass
        except OSError:
            return False
        link = dest.with_name(f".{dest.name}.{os.getpid()}.link")
        try:
            os.link(entry, link)
            os.replace(link, dest)
            link.unlink(missing_ok=True)   # dest was a link to the same file: rename() left both names
            return True
        except OSError:
            link.unlink(missing_ok=True)
            return False

    def fetch(self, kind: str, key: str, dest: Path) -> bool:
        """Put the entry for `key` at `dest` (replacing it); False when there is none (or it is damaged).

        `dest` becomes a hard link to the entry (a copy where links cannot be made): nothing is
        written, and a rebuild finds the file it would write already in OUT (the same file). An entry
        is never written again once made; a file in OUT edited in place changes its entry too, which
        the next read finds unsound by its hash and drops.
        """
        found = self._read(kind, key, content=False)
        if found is None:
            return False
        entry, data, full = found
        dest = Path(dest)
        if not self._link(entry, dest):
            if data is None:
                found = self._read(kind, key)      # read (and checked) after all, to be copied
                if found is None:
                    return False
                entry, data, full = found
            atomic_write(dest, data)   # never into `dest` itself: it may be a link to another entry
            self.note_digest(dest, full)
            return True
        with self._lock:   # a link: the entry's inode, size and date, as noted when it was found sound
            noted = self._digests.get(os.fspath(entry))
            if noted is not None and noted[3] == full:
                self._digests[os.fspath(dest)] = noted
        if noted is None or noted[3] != full:
            self.note_digest(dest, full)
        return True

    def put_bytes(self, kind: str, key: str, data: bytes, dest: Path, write: Callable[[Path, bytes], None]) -> None:
        """Keep `data` for `key` and put the same bytes at `dest` (replacing it): a link to the entry
        just written (the bytes written once), else `write(dest, data)` (no cache, no links there)."""
        full, entry = self._write(kind, key, data)
        if entry is None or not self._link(entry, Path(dest)):
            write(Path(dest), data)
        self.note_digest(dest, full)

    def store(self, kind: str, key: str, src: Path) -> str | None:
        """Keep the file `src` for `key`: the entry is a hard link to it (a copy where links cannot be
        made), so a 50 MB bag is not written twice. `src` must not be written to afterwards (a build
        writes each of its files once). Its SHA-256, or None without a cache."""
        if self.root is None:
            return None
        data = src.read_bytes()
        full = digest(data)
        with self._lock:
            self._write_entry(kind, key, self._dir(kind) / f"{key}-{full[:16]}.{kind}", data, full, src)
        self.note_digest(src, full)
        return full

    def entry(self, kind: str, key: str) -> tuple[Path, str] | None:
        """A sound entry for `key` and its SHA-256 (not read again when an earlier build checked it), or None.
        The entry counts as used by this build only if the caller says so (`used.add`)."""
        found = self._read(kind, key, content=False)
        if found is None:
            return None
        self.used.discard(found[0])
        return found[0], found[2]

    def store_bytes(self, kind: str, key: str, data: bytes, dest: Path | None = None) -> None:
        """Keep `data` for `key`; `dest`: a file that holds these same bytes (its hash is then known)."""
        full, _ = self._write(kind, key, data)
        if dest is not None:
            self.note_digest(dest, full)

    def note_digest(self, path: Path, sha256: str) -> None:
        """`path` now holds content of this SHA-256 (see `file_digest`)."""
        try:
            st = os.stat(path)
        except OSError:
            return
        with self._lock:
            self._digests[os.fspath(path)] = (st.st_ino, st.st_size, st.st_mtime_ns, sha256)

    def redated(self, paths: list[str]) -> None:
        """These files got another date, their bytes unchanged (incremental.keep_unchanged): what is noted
        of their inodes (the cache entries they are links to, among others) keeps up."""
        dates = {}
        for path in paths:
            try:
                st = os.stat(path)
            except OSError:
                continue
            dates[(st.st_ino, st.st_size)] = st.st_mtime_ns
        with self._lock:
            for path, (ino, size, _date, sha) in list(self._digests.items()):
                if (ino, size) in dates:
                    self._digests[path] = (ino, size, dates[(ino, size)], sha)

    def file_digest(self, path: Path) -> str:
        """The SHA-256 of the file at `path`: known without reading when the cache put it there (or was
        told, `note_digest`) and it is the same file since (inode, size, date), else computed."""
        return _still(path, self._digests.get(os.fspath(path))) or file_digest(path)

    def fetch_json(self, key: str, keep: bool = True):
        """A small cached fact (e.g. the variables a template uses), or None; `keep=False`: read, but
        not kept past this build unless stored again."""
        found = self._read("json", key)
        if found is not None and not keep:
            self.used.discard(found[0])
        try:
            return None if found is None else json.loads(found[1].decode("utf-8"))
        except ValueError:
            return None

    def store_json(self, key: str, value) -> None:
        self._write("json", key, json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8"))

    def holds(self, kind: str, key: str, path: Path) -> bool | None:
        """Is `path` the document the cache holds for `key`? None when the cache has no entry for it."""
        if self.root is None:
            return None
        entries = self._entries(kind).get(key)
        if not entries:
            return None
        try:
            actual = file_digest(path)
        except OSError:
            return False
        return any(actual.startswith(e.stem.rsplit("-", 1)[1]) for e in entries)

    def read_note(self, name: str):
        """A small record kept at the cache's root (not content-addressed, never pruned), or None."""
        if self.root is None:
            return None
        try:
            return json.loads((self.root / f"{name}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def write_note(self, name: str, value) -> None:
        if self.root is None:
            return
        try:
            atomic_write(self.root / f"{name}.json",
                         json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        except OSError:
            pass

    def prune(self) -> int:
        """Remove what this build did not use; returns how many files went."""
        if self.root is None:
            return 0
        removed = 0
        for kind in KINDS:
            for entry in self._dir(kind).iterdir():
                if entry not in self.used:
                    if entry.is_dir():
                        shutil.rmtree(entry, ignore_errors=True)
                    else:
                        entry.unlink(missing_ok=True)
                    removed += 1
        self._index.clear()
        return removed
