"""Where LibreOffice is, which version, a cheap fingerprint of it for the build cache, and profiles
that start without LibreOffice's graphics self-test."""

from __future__ import annotations

import functools
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

    A profile is the user's, not a round's: made once (its first start costs LibreOffice about half a
    second more), it serves every round, and a round folder does not carry it. One folder per LibreOffice
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


# --------------------------------------------------------------------------- profiles that start fast

#: Where a LibreOffice profile records the last version that started with it.
_LAST_VERSION = re.compile(
    r'<item oor:path="/org\.openoffice\.Setup/Product">\s*<prop oor:name="ooSetupLastVersion"[^>]*>\s*'
    r'<value>([^<]*)</value>\s*</prop>\s*</item>\n?')
_SETUP_VERSION = re.compile(rb'<prop oor:name="ooSetupVersion">\s*<value>([0-9][0-9.]*)</value>')
_EMPTY_REGISTRY = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                   '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
                   'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
                   'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n</oor:items>\n')


@functools.lru_cache(maxsize=8)
def product_version(executable: str) -> str | None:
    """The version LibreOffice calls itself in its configuration (``ooSetupVersion``, e.g. ``"7.4"``),
    read from the installation's ``share/registry/main.xcd`` without starting it; None if not found."""
    program = Path(os.path.realpath(executable)).parent
    try:
        found = _SETUP_VERSION.search((program.parent / "share" / "registry" / "main.xcd").read_bytes())
    except OSError:
        return None
    return found.group(1).decode() if found else None


def mark_profile_seen(profile: Path, executable: str) -> None:
    """Record in the LibreOffice profile `profile` (its ``user/registrymodifications.xcu``, made if
    missing) that this LibreOffice version has started with it, as LibreOffice itself does after its
    first start with a window.

    Why: LibreOffice 7.x runs its graphics self-test (``GraphicsRenderTests``: 100 drawings on
    bitmaps up to 4096 pixels wide, about 300,000 page faults) at every start whose profile does not
    record the current version as ``ooSetupLastVersion``, and a headless start never records it. On
    a 2-core machine that was 0.7 s of each start's 0.9 s (``perf`` of ``soffice --convert-to``: 93 %
    of the page faults in the self-test's fills). The test only chooses a drawing back end for the
    screen; the PDFs are the same bytes (tests/pdf/test_profile.py). Never raises: a profile
    that cannot be marked starts as before.
    """
    version = product_version(executable)
    if version is None:
        return
    registry = Path(profile) / "user" / "registrymodifications.xcu"
    try:
        text = registry.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = _EMPTY_REGISTRY
    except (OSError, UnicodeDecodeError):
        return
    found = _LAST_VERSION.search(text)
    if found is not None and found.group(1) == version:
        return
    if found is not None:
        text = text[:found.start()] + text[found.end():]
    end = text.rfind("</oor:items>")
    if end < 0:
        return                          # not a registry LibreOffice wrote: left alone
    item = ('<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse">'
            f'<value>{version}</value></prop></item>\n')
    partial = registry.with_name(f".{registry.name}.{os.getpid()}")
    try:
        registry.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text[:end] + item + text[end:], encoding="utf-8")
        os.replace(partial, registry)
    except OSError:
        partial.unlink(missing_ok=True)
