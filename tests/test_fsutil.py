"""fsutil.atomic_write: the one way the project replaces a file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dhtt_docs.fsutil import atomic_write


def test_replacing_a_file_keeps_its_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("a: 1\n")
    os.chmod(path, 0o640)
    atomic_write(path, b"a: 2\n")
    assert path.read_text() == "a: 2\n" and (path.stat().st_mode & 0o777) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


def test_a_new_file_gets_the_users_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.pdf", b"%PDF-")
    finally:
        os.umask(old)
    assert (tmp_path / "new.pdf").stat().st_mode & 0o777 == 0o640


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("cũ\n", encoding="utf-8")

    def boom(*a, **k):
        raise OSError("đĩa đầy")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write(path, b"new\n")
    assert path.read_text(encoding="utf-8") == "cũ\n" and [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


def test_a_private_folder_is_this_users_and_closed_to_others(tmp_path):
    from dhtt_docs.fsutil import is_private_dir

    folder = tmp_path / "run"
    folder.mkdir(mode=0o700)
    folder.chmod(0o700)
    assert is_private_dir(folder)
    folder.chmod(0o750)
    assert not is_private_dir(folder)
    (tmp_path / "file").write_text("")
    (tmp_path / "link").symlink_to(folder)
    folder.chmod(0o700)
    assert not is_private_dir(tmp_path / "file") and not is_private_dir(tmp_path / "missing")
    assert not is_private_dir(tmp_path / "link")                  # a link is not followed
