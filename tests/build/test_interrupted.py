"""Builds that fail, are interrupted or killed half-way: the last good outputs stay, nothing is left behind."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLE_ROUND
from helpers import ctrl_c_as_at_a_terminal

pytestmark = [pytest.mark.usefixtures("soffice"), pytest.mark.slow]


def big_round(dest: Path, n: int = 24) -> Path:
    """The sample round with its candidates repeated, so that conversion takes a few seconds."""
    folder = dest / "bhxh-thanh-hoa-2024"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    sources = sorted((folder / "candidates").glob("*.yaml"))
    votes = []
    for i in range(n):
        src = sources[i % len(sources)]
        cid = f"{src.stem}-{i:02d}"
        text = re.sub(r"^(full_name|name): (.+)$", lambda m: f"{m.group(1)}: {m.group(2)} {i:02d}",
                      src.read_text(encoding="utf-8"), count=1, flags=re.M)
        (folder / "candidates" / f"{cid}.yaml").write_text(text, encoding="utf-8")
        votes.append(f"    {cid}: 7\n")
    sub = (folder / "submission.yaml").read_text(encoding="utf-8")
    head, rest = sub.split("  votes:\n", 1)
    (folder / "submission.yaml").write_text(head + "  votes:\n" + "".join(votes)
                                            + rest[rest.index("submission:"):], encoding="utf-8")
    for src in sources:
        src.unlink()
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def soffice_processes(marker: str) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        if "soffice" in cmd and marker in cmd:
            found.append(int(pid))
    return found


def temp_profiles() -> set[str]:
    import tempfile
    return {p.name for p in Path(tempfile.gettempdir()).glob("dhtt-soffice-*")}


def start_build(folder: Path, out: Path, **kw) -> subprocess.Popen:
    # The workers' LibreOffice profiles in a user cache folder inside the round folder, so that this
    # build's LibreOffice is known by the round folder in its command line.
    # No warm converter (one the suite started earlier would take this small build out of sight).
    env = dict(os.environ, XDG_CACHE_HOME=str(folder / ".user-cache"), DHTT_WARM="0")
    return subprocess.Popen([sys.executable, "-m", "dhtt_docs", "build", str(folder), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=ctrl_c_as_at_a_terminal, **kw)


def wait_for_conversion(marker_dirs: set[str], folder: Path, timeout: float = 60) -> None:
    """Until a LibreOffice of this build runs (a new temporary profile or the round's kept one)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # This build's LibreOffice: its command line names the round's kept profile. (A new folder in the
        # shared TMPDIR is no sign: another test run on the machine may have made it.)
        if soffice_processes(str(folder)):
            time.sleep(0.5)
            return
        time.sleep(0.05)
    raise AssertionError("LibreOffice never started")


def assert_nothing_left(folder: Path, out: Path, before_profiles: set[str], good: dict[str, bytes]) -> None:
    def stages() -> list[str]:
        # the lock file stays on purpose (an empty file; the kernel released the lock when the build died)
        return [p.name for p in out.parent.iterdir()
                if p.name.startswith(f".{out.name}.") and p.name != f".{out.name}.lock"]

    deadline = time.monotonic() + 20   # the watcher cleans up asynchronously, after the kill
    while time.monotonic() < deadline:
        leftovers = soffice_processes(str(folder)) + [p for n in temp_profiles() - before_profiles
                                                      for p in soffice_processes(n)]
        if not leftovers and not (temp_profiles() - before_profiles) and not stages():
            break
        time.sleep(0.2)
    assert soffice_processes(str(folder)) == []
    assert temp_profiles() - before_profiles == set()
    assert snapshot(out) == good
    assert stages() == []


@pytest.fixture
def last_good(tmp_path):
    folder = big_round(tmp_path)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "dhtt_docs", "build", str(folder), "-o", str(out), "--no-pdf"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return folder, out, snapshot(out)


def test_killed_build_leaves_last_good_outputs_and_no_libreoffice(last_good):
    folder, out, good = last_good
    before = temp_profiles()
    proc = start_build(folder, out)
    wait_for_conversion(before, folder)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert_nothing_left(folder, out, before, good)
    # and the next build works (a stale kept profile does not block LibreOffice)
    again = subprocess.run([sys.executable, "-m", "dhtt_docs", "build", str(folder), "-o", str(out)],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert (out / "bundle/bhxh-thanh-hoa-2024.pdf").is_file()


def test_ctrl_c_leaves_last_good_outputs_and_no_libreoffice(last_good):
    folder, out, good = last_good
    before = temp_profiles()
    proc = start_build(folder, out)
    wait_for_conversion(before, folder)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 1, (stdout[-3000:], stderr[-3000:])
    assert "Traceback" not in stderr and "Ctrl-C" in stderr
    assert_nothing_left(folder, out, before, good)


def test_failed_conversion_keeps_last_good_and_names_the_file(last_good, tmp_path):
    folder, out, good = last_good
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")          # "succeeds" and writes nothing, as a broken soffice does
    fake.chmod(0o755)
    proc = subprocess.run([sys.executable, "-m", "dhtt_docs", "build", str(folder), "-o", str(out)],
                          capture_output=True, text=True, env=dict(os.environ, DHTT_SOFFICE=str(fake)))
    assert proc.returncode == 1
    assert "to-trinh.docx" in proc.stderr and "Traceback" not in proc.stderr
    assert snapshot(out) == good
