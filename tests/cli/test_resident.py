"""The warm builder (cli/resident.py): `dhtt-docs build` run by a process kept between commands.

Each test runs the real program (`python -m dhtt_docs`) in subprocesses with a private runtime
folder, so that the server they start is theirs, and stops it afterwards.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLE_ROUND
from helpers import ctrl_c_as_at_a_terminal
from dhtt_docs.cli import resident


@pytest.fixture
def env(tmp_path, monkeypatch):
    """The environment of the programs a test runs (its own runtime folder); the server stopped after."""
    run = tmp_path / "run"
    run.mkdir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run))
    monkeypatch.setenv("DHTT_WARM_IDLE", "120")
    monkeypatch.delenv("DHTT_WARM", raising=False)
    monkeypatch.delenv("DHTT_LANG", raising=False)
    yield dict(os.environ)
    resident.stop()


@pytest.fixture
def folder(tmp_path) -> Path:
    shutil.copytree(SAMPLE_ROUND, tmp_path / "round", ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    return tmp_path / "round"


def dhtt(env: dict, *args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dhtt_docs", *map(str, args)], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=300, preexec_fn=ctrl_c_as_at_a_terminal)


def served() -> list[str]:
    """The lines of the server's log: one per command it ran."""
    log = resident.runtime_dir() / "log"
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [line for line in lines if ": dhtt-docs " in line]


def start_server(env: dict, folder: Path) -> None:
    """As a user does: a build with --converter warm leaves the warm builder running."""
    first = dhtt(env, "build", folder, "--no-pdf", "--converter", "warm")
    assert first.returncode == 0, first.stderr
    deadline = time.monotonic() + 60
    while not resident.running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert resident.running()
    assert served() == []                      # that first build ran in its own process


def files_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def edit(folder: Path, text: str) -> None:
    path = folder / "candidates" / "le-van-hung.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("achievements: |\n", f"achievements: |\n  {text}\n", 1),
                    encoding="utf-8")


def test_a_rebuild_runs_in_the_warm_builder_and_writes_what_a_cold_build_writes(env, folder, tmp_path):
    start_server(env, folder)
    edit(folder, "Bổ sung một câu.")
    hot = dhtt(env, "build", folder, "--no-pdf")
    assert hot.returncode == 0, hot.stderr
    assert len(served()) == 1 and "-> exit 0" in served()[0]
    assert "lập 1 văn bản" in hot.stdout              # only the edited candidate's report made again
    cold_env = dict(env, DHTT_WARM="0")
    cold = dhtt(cold_env, "build", folder, "--no-pdf", "-o", tmp_path / "cold", "--no-cache")
    assert cold.returncode == 0, cold.stderr
    assert files_of(folder / "build") == files_of(tmp_path / "cold")
    # a relative folder is the caller's, not the server's
    again = dhtt(env, "build", ".", "--no-pdf", "-o", "again", cwd=folder)
    assert again.returncode == 0, again.stderr
    assert len(served()) == 2 and files_of(folder / "again") == files_of(tmp_path / "cold")


def test_messages_and_exit_codes_are_the_callers_own(env, folder):
    start_server(env, folder)
    path = folder / "candidates" / "le-van-hung.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nunknown_field: 1\n", encoding="utf-8")
    hot = dhtt(env, "--lang", "en", "build", folder, "--no-pdf")
    cold = dhtt(dict(env, DHTT_WARM="0"), "--lang", "en", "build", folder, "--no-pdf")
    assert len(served()) == 1
    assert (hot.returncode, hot.stdout, hot.stderr) == (cold.returncode, cold.stdout, cold.stderr)
    assert hot.returncode == 1 and "unknown_field" in hot.stdout + hot.stderr
    usage = dhtt(env, "build", folder, "--no-such-option")          # a usage error, exit 2, in Vietnamese
    assert usage.returncode == 2 and "--no-such-option" in usage.stderr
    assert len(served()) == 2
    helped = dhtt(env, "build", "--help")                           # help is not sent to the server
    assert helped.returncode == 0 and "--converter" in helped.stdout and len(served()) == 2


def test_another_environment_or_a_busy_server_builds_in_its_own_process(env, folder, tmp_path):
    start_server(env, folder)
    english = dhtt(dict(env, DHTT_LANG="en"), "build", folder, "--no-pdf")
    assert english.returncode == 0 and "This run" in english.stdout
    assert served() == []                                           # DHTT_LANG differs: not served
    off = dhtt(dict(env, DHTT_WARM="0"), "build", folder, "--no-pdf")
    assert off.returncode == 0 and served() == []
    # while the server is busy with another build, a build runs in its own process, without waiting
    big, busy = _served_big_build(env, tmp_path)
    meanwhile = dhtt(env, "build", folder, "--no-pdf", "-o", tmp_path / "meanwhile")
    assert meanwhile.returncode == 0, meanwhile.stderr
    assert busy.poll() is None and served() == []                   # done here, before the busy one ended
    assert files_of(tmp_path / "meanwhile" / "documents") == files_of(folder / "build" / "documents")
    busy.send_signal(signal.SIGINT)
    busy.communicate(timeout=120)


def test_fingerprint_follows_the_environment_that_matters(monkeypatch):
    first = resident.fingerprint()
    monkeypatch.setenv("TERM", "something-else")          # does not change a build
    monkeypatch.setenv("COLUMNS", "33")
    assert resident.fingerprint() == first
    monkeypatch.setenv("DHTT_SOFFICE", "/elsewhere/soffice")
    assert resident.fingerprint() != first
    monkeypatch.delenv("DHTT_SOFFICE")
    old = os.umask(0o077)
    try:
        assert resident.fingerprint() != first
    finally:
        os.umask(old)
    assert resident.fingerprint() == first


@pytest.mark.parametrize(("argv", "sent"), [
    (["build", "r"], True), (["--lang", "en", "build", "r", "--no-pdf"], True), (["--lang=en", "build"], True),
    (["--debug", "build", "."], True), (["validate", "r"], False), (["build", "--help"], False),
    (["build", "-h"], False), (["--version"], False), ([], False), (["--lang"], False),
])
def test_only_build_commands_are_sent(argv, sent):
    assert resident._is_build(argv) is sent


def test_no_server_means_the_command_runs_here(env):
    assert resident.relay(["build", "."]) is None                   # no socket
    resident.runtime_dir().mkdir(mode=0o700, parents=True)
    (resident.runtime_dir() / "sock").write_text("")                # a stale file, nobody listening
    assert resident.relay(["build", "."]) is None


def _bench_round(dest: Path, n: int) -> Path:
    """A valid round of n candidates, made by the benchmark's generator."""
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench.make_round(dest, n)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _served_big_build(env: dict, tmp_path: Path) -> tuple[Path, subprocess.Popen]:
    """A 600-candidate round (seconds of work, even --no-pdf) being built by the server: returns once the
    server is at work on it."""
    big = _bench_round(tmp_path, 600)
    pid = int((resident.runtime_dir() / "pid").read_text())
    before = _cpu_seconds(pid)
    run = subprocess.Popen([sys.executable, "-m", "dhtt_docs", "build", str(big), "--no-pdf", "--no-cache"],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           preexec_fn=ctrl_c_as_at_a_terminal)
    deadline = time.monotonic() + 60
    while _cpu_seconds(pid) - before < 0.5 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    return big, run


def test_ctrl_c_stops_the_build_in_the_server_which_lives_on(env, folder, tmp_path):
    start_server(env, folder)
    big, run = _served_big_build(env, tmp_path)
    run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 1, (out, err)
    assert "Ctrl-C" in err
    assert not (big / "build").exists()                             # nothing half-written
    assert len(served()) == 1 and "-> exit 1" in served()[0]
    assert resident.running()                                       # the server serves on
    after = dhtt(env, "build", folder, "--no-pdf")
    assert after.returncode == 0, after.stderr
    assert len(served()) == 2 and "-> exit 0" in served()[-1]


def test_the_server_ends_when_idle_or_stopped(env, folder, monkeypatch):
    monkeypatch.setenv("DHTT_WARM_IDLE", "1")
    start_server(dict(os.environ), folder)
    pid = int((resident.runtime_dir() / "pid").read_text())
    deadline = time.monotonic() + 30
    while resident._is_server(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not resident._is_server(pid) and not resident.running()
    assert not (resident.runtime_dir() / "sock").exists()
    monkeypatch.setenv("DHTT_WARM_IDLE", "120")
    start_server(dict(os.environ), folder)
    pid = int((resident.runtime_dir() / "pid").read_text())
    resident.stop()
    assert not resident._is_server(pid) and not resident.running()
    assert not (resident.runtime_dir() / "pid").exists()


def test_a_template_edited_between_served_builds_is_used(env, folder, tmp_path):
    from docx import Document

    from helpers import doctor

    start_server(env, folder)
    mau = tmp_path / "mau"
    assert dhtt(env, "templates", "export", mau).returncode == 0
    first = dhtt(env, "build", folder, "--no-pdf", "--templates", mau)
    assert first.returncode == 0, first.stderr
    doctor(mau / "to-trinh.docx", mau / "to-trinh.docx", "TỜ TRÌNH", "TỜ TRÌNH SỬA")
    second = dhtt(env, "build", folder, "--no-pdf", "--templates", mau)
    assert second.returncode == 0, second.stderr
    assert len(served()) == 2
    text = "\n".join(p.text for p in Document(folder / "build" / "documents" / "to-trinh.docx").paragraphs)
    assert "TỜ TRÌNH SỬA" in text


def test_a_runtime_folder_others_can_enter_is_not_used(env, folder):
    runtime = resident.runtime_dir()
    runtime.mkdir(mode=0o755, parents=True)
    runtime.chmod(0o755)                                           # as if made by someone else in a shared /tmp
    start_first = dhtt(env, "build", folder, "--no-pdf", "--converter", "warm")
    assert start_first.returncode == 0, start_first.stderr
    time.sleep(2)
    assert not resident.running() and not (runtime / "pid").exists()   # no server started there
    (runtime / "sock").write_text("")
    assert resident.relay(["build", str(folder)]) is None


def test_the_warm_builder_reads_the_round_of_the_build_that_started_it(env, folder, soffice):
    first = dhtt(env, "build", folder, "--converter", "warm")
    assert first.returncode == 0, first.stderr
    deadline = time.monotonic() + 120
    while not (resident.running() and resident.idle()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert resident.idle()
    log = (resident.runtime_dir() / "log").read_text(encoding="utf-8")
    assert f"read {folder} into memory: done" in log and served() == []
    edit(folder, "Bổ sung một câu.")
    hot = dhtt(env, "build", folder)
    assert hot.returncode == 0, hot.stderr
    assert len(served()) == 1 and "lập 1 văn bản" in hot.stdout


def test_a_ctrl_c_while_the_builder_reads_its_round_stops_the_waiting_build(monkeypatch):
    import queue
    import socket
    import threading

    def interrupted(spec, stop):
        raise KeyboardInterrupt                     # the caller's Ctrl-C, passed on while the round is read

    monkeypatch.setattr(resident, "_prime", interrupted)
    server_side, caller = socket.socketpair()
    todo, busy = queue.Queue(), threading.Lock()
    busy.acquire()                                  # taken when the caller's build was accepted
    todo.put((server_side, {"argv": ["--lang", "en", "build", "."]}))
    resident._prime_first({}, todo, busy, threading.Event())
    frames = list(resident._frames(caller.makefile("rb")))
    assert frames[-1] == (b"x", b"1") and not busy.locked() and todo.empty()
    assert b"Stopped (Ctrl-C)" in b"".join(data for channel, data in frames if channel == b"e")


def test_a_warm_build_with_nothing_to_convert_leaves_the_warm_converter_running_too(env, folder, soffice):
    from dhtt_docs.pdf import warm

    cold = dhtt(dict(env, DHTT_WARM="0"), "build", folder)        # every PDF made, in its own process
    assert cold.returncode == 0, cold.stderr
    try:
        assert not warm.running()
        first = dhtt(env, "build", folder, "--converter", "warm")   # nothing changed: nothing to convert
        assert first.returncode == 0 and "chuyển 0 PDF" in first.stdout, first.stdout
        deadline = time.monotonic() + 120
        while not (resident.running() and resident.idle()) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert warm.running()                      # started by the warm builder, for the first edit
    finally:
        warm.stop()
