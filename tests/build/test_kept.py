"""A process that runs build after build (the warm builder) keeps the bundle's merge: after an edit it
puts in again only what changed, and every output is the same bytes as a build that kept nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE_ROUND
from dhtt_docs.build import kept
from dhtt_docs.build.pipeline import BuildOptions, build

pytestmark = pytest.mark.slow   # builds the sample with PDFs five times


@pytest.fixture
def keeping(monkeypatch):
    """This test process keeps what builds leave, as the warm builder does."""
    monkeypatch.setattr(kept, "_keeping", False)
    monkeypatch.setattr(kept, "_kept", {})
    kept.keep_between_builds()
    yield
    kept.forget()


def files_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def build_from_nothing(folder: Path, out: Path) -> None:
    """A build in a process of its own, with no cache: it keeps nothing and reuses nothing."""
    env = dict(os.environ, DHTT_WARM="0")
    done = subprocess.run([sys.executable, "-m", "dhtt_docs", "build", str(folder), "-o", str(out), "--no-cache"],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def edit(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace("achievements: |\n", "achievements: |\n  Bổ sung.\n", 1),
                    encoding="utf-8")


def withdraw(folder: Path, candidate: Path) -> None:
    """The candidate's file goes, and its line among the council's votes."""
    candidate.unlink()
    submission = folder / "submission.yaml"
    lines = submission.read_text(encoding="utf-8").splitlines(keepends=True)
    submission.write_text("".join(x for x in lines if not x.strip().startswith(f"{candidate.stem}:")), encoding="utf-8")


def test_the_kept_bundle_is_updated_and_is_what_a_build_from_nothing_writes(keeping, soffice, tmp_path):
    folder = tmp_path / "round"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    first = build(folder, BuildOptions(out=folder / "build"))
    assert first.out is not None and kept.bundle().reused == 0
    hung = folder / "candidates" / "le-van-hung.yaml"
    steps = (lambda: edit(hung), lambda: withdraw(folder, hung))   # a report changes; a candidate goes
    for n, step in enumerate(steps):
        step()
        warm = build(folder, BuildOptions(out=folder / "build"))
        assert warm.out is not None, [str(f.message) for f in warm.findings]
        assert kept.bundle().reused > 0   # merged in place, not from nothing
        build_from_nothing(folder, tmp_path / f"cold-{n}")
        assert files_of(folder / "build") == files_of(tmp_path / f"cold-{n}")


def cache_files(cache: Path) -> dict[str, bytes]:
    return {p.relative_to(cache).as_posix(): p.read_bytes() for p in sorted(cache.rglob("*"))
            if p.is_file() and p.name != ".lock"}


def test_a_primed_builder_merges_its_first_edit_in_place_and_primes_without_writing(keeping, soffice, tmp_path,
                                                                                     monkeypatch):
    from dhtt_docs.build import prime as priming
    from dhtt_docs.build.lock import build_lock
    from dhtt_docs.build.prime import prime
    from dhtt_docs.exceptions import OutputBusy

    folder = tmp_path / "round"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    out = folder / "build"
    # the build that starts the warm builder runs in a process of its own
    done = subprocess.run([sys.executable, "-m", "dhtt_docs", "build", str(folder)], env=dict(os.environ, DHTT_WARM="0"),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    outputs, cached = files_of(out), cache_files(folder / ".dhtt-cache")
    merges = []

    def merge_unlocked(*args, **kwargs):    # a build from another process could take the lock meanwhile
        try:
            with build_lock(out, folder / ".dhtt-cache", wait=0):
                merges.append(1)
        except OutputBusy:
            merges.append("busy")
        return merge_bundle(*args, **kwargs)

    merge_bundle = priming.merge_bundle
    monkeypatch.setattr(priming, "merge_bundle", merge_unlocked)
    assert prime(folder, BuildOptions(out=out), lambda: False) is True and merges == [1]
    monkeypatch.setattr(priming, "merge_bundle", merge_bundle)
    assert {"KeptBundle", "LoadedCandidates", "KeptChecks", "KeptCandidates", "KeptKeys"} <= set(kept._kept)
    assert files_of(out) == outputs and cache_files(folder / ".dhtt-cache") == cached   # nothing written
    edit(folder / "candidates" / "le-van-hung.yaml")
    warm = build(folder, BuildOptions(out=out))
    assert warm.out is not None and warm.rendered == 1
    assert kept.bundle().reused > 0          # the first build after priming merged in place
    build_from_nothing(folder, tmp_path / "cold")
    assert files_of(out) == files_of(tmp_path / "cold")
    # a cached PDF pruned by another build while the round is read: the reading ends, quietly
    bundle_parts = priming.bundle_parts

    def pruned(report, documents):
        documents[-1][2].unlink()
        return bundle_parts(report, documents)

    monkeypatch.setattr(priming, "bundle_parts", pruned)
    assert prime(folder, BuildOptions(out=out), lambda: False) is False


def test_priming_stops_when_asked_waits_for_the_build_and_never_converts(keeping, tmp_path, monkeypatch):
    from dhtt_docs.build.lock import build_lock
    from dhtt_docs.build.prime import prime

    folder = tmp_path / "round"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    opts = BuildOptions(out=folder / "build")
    assert prime(folder, opts, lambda: True) is False and kept._kept == {}           # asked to stop at once
    done = subprocess.run([sys.executable, "-m", "dhtt_docs", "build", str(folder), "--no-pdf"],
                          env=dict(os.environ, DHTT_WARM="0"), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    asked = []
    with build_lock(folder / "build", folder / ".dhtt-cache"):      # a build still running: prime waits
        assert prime(folder, opts, lambda: asked.append(1) or len(asked) > 3) is False
    assert len(asked) == 4 and kept._kept == {}
    # no PDF in the cache (that build had none): the round is read, nothing is converted or merged
    monkeypatch.setenv("DHTT_SOFFICE", str(tmp_path / "no-soffice"))
    outputs = files_of(folder / "build")
    assert prime(folder, opts, lambda: False) is False
    assert "LoadedCandidates" in kept._kept and "KeptBundle" not in kept._kept
    assert files_of(folder / "build") == outputs
