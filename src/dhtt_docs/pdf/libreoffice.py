"""Where LibreOffice is, which version, and a cheap fingerprint of it for the build cache."""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from dhtt_docs.pdf.procs import run_in_own_group

_SOFFICE_FALLBACKS = (
    "/usr/lib/libreoffice/program/soffice",
    "/usr/local/lib/libreoffice/program/soffice",
    "/opt/libreoffice*/program/soffice",
    "/snap/bin/libreoffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)


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
        result = run_in_own_group([exe, profile, "--version"], 60, None)
    if result.timed_out or result.returncode != 0:
        return None
    match = re.search(r"\b\d+(?:\.\d+)+\b", result.output)
    if match:
        return match.group(0)
    first = result.output.strip().splitlines()
    return first[0] if first else None


def converter_identity(backend: str | None = None) -> str:
    """A cheap fingerprint of what turns DOCX into PDF, for the build cache's keys.

    Local LibreOffice: the hash of its `program/versionrc` (changes with every
    LibreOffice update), without starting it. unoserver: the listener URL (its
    LibreOffice is out of sight; use a new cache when it is upgraded).
    """
    if backend and backend.strip().lower() not in ("soffice", "warm"):   # warm: the same LibreOffice, same PDFs
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


def profiles_root() -> Path | None:
    """Where conversion workers keep their LibreOffice profiles between builds: the user's cache folder.

    A profile is the user's, not a round's: made once (its first start costs LibreOffice a few seconds
    more), it serves every round, and a round folder does not carry it. One folder per LibreOffice
    (its fingerprint), slots locked per worker (pdf/pool.KeptProfile). None when it cannot be made:
    the workers then use temporary profiles.
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    identity = hashlib.sha256(converter_identity().encode()).hexdigest()[:12]
    root = Path(base) / "dhtt-docs" / "libreoffice" / identity
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return root if os.access(root, os.W_OK) else None
