"""One build at a time per output folder: a second waits a bounded time or stops with exit 2, never mixing outputs."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE_ROUND

from dhtt_docs.archive.verify import verify_bag_zip
from dhtt_docs.build.lock import build_lock, lock_file_for
from dhtt_docs.exceptions import OutputBusy


def build_cmd(folder: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "dhtt_docs", "build", str(folder), "-o", str(out), "--no-pdf",
            "--cache-dir", str(out.parent / "cache")]


def files(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def test_a_held_lock_stops_a_second_build_with_exit_2_and_one_line(tmp_path):
    out = tmp_path / "out"
    with build_lock(out):
        proc = subprocess.run(build_cmd(SAMPLE_ROUND, out), capture_output=True, text=True,
                              env={**os.environ, "DHTT_LOCK_WAIT": "0.5"})
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi: Một lần lập văn bản khác đang ghi vào")
    assert "Traceback" not in proc.stderr and not out.exists()


def test_the_lock_is_released_when_the_block_ends_and_waits_are_bounded(tmp_path):
    out = tmp_path / "out"
    with build_lock(out):
        with pytest.raises(OutputBusy):
            with build_lock(out, wait=0.2):
                pass
    with build_lock(out, wait=0):      # free again
        pass
    assert lock_file_for(out).is_file()


@pytest.mark.slow
def test_builds_of_one_folder_started_together_never_mix(tmp_path):
    folder = tmp_path / "round"
    subprocess.run(["cp", "-r", str(SAMPLE_ROUND), str(folder)], check=True)
    out = tmp_path / "out"
    first = subprocess.run(build_cmd(folder, out), capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    expected = files(out)
    codes = []
    for _ in range(5):
        procs = [subprocess.Popen(build_cmd(folder, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env={**os.environ, "DHTT_LOCK_WAIT": "1"}) for _ in range(2)]
        for p in procs:
            _, err = p.communicate(timeout=120)
            assert p.returncode in (0, 2), err
            assert "Traceback" not in err and "Lỗi nội bộ" not in err
            codes.append(p.returncode)
        assert files(out) == expected
        assert verify_bag_zip(next((out / "bundle").glob("*.zip"))) == []
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")) == [".out.lock"]
    assert 0 in codes


def test_build_output_follows_the_umask_and_says_what_it_did(run_cli, tmp_path):
    old = os.umask(0o022)
    try:
        out = tmp_path / "out"
        first = run_cli("build", SAMPLE_ROUND, "-o", out, "--no-pdf", "--cache-dir", tmp_path / "cache")
        assert first.exit_code == 0, first.output
        assert stat.S_IMODE(out.stat().st_mode) == 0o755             # not mkdtemp's 0700
        zip_mode = stat.S_IMODE(next((out / "bundle").glob("*.zip")).stat().st_mode)
        assert zip_mode == 0o644                                       # not mkstemp's 0600
        assert first.stdout.splitlines()[-1] == "Lần này: lập 9 văn bản, dùng lại 0 văn bản không đổi."
        again = run_cli("--lang", "en", "build", SAMPLE_ROUND, "-o", out, "--no-pdf", "--cache-dir", tmp_path / "cache")
        assert again.stdout.splitlines()[-1] == "This run: 0 documents made again, 9 reused unchanged."
    finally:
        os.umask(old)
