"""Fixtures of the signing tests: a test CA and signers, signature images, a built round.

Not a conftest.py: one here would take the module name `conftest` from tests/conftest.py, which
other test folders import. Each test module imports these fixtures; what is costly (the keys, the
build) is made once per session and remembered here.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from roundbuilder import RoundBuilder  # noqa: E402
from images import seal_png, signature_png  # noqa: E402
from pki import make_ca  # noqa: E402
from signing_helpers import run  # noqa: E402


@dataclass
class Keys:
    root: Path
    leader: Path      # Giám đốc: nguoi-ky, thu-truong, chu-toa
    clerk: Path       # văn thư: co-quan
    staff: Path       # thư ký, người báo cáo
    signature: Path
    seal: Path
    ca: object


_ONCE: dict[str, object] = {}


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> Keys:
    if "keys" not in _ONCE:
        _ONCE["keys"] = _make_keys(tmp_path_factory)
    return _ONCE["keys"]


def _make_keys(tmp_path_factory) -> Keys:
    folder = tmp_path_factory.mktemp("pki")
    ca = make_ca(folder)
    leader, _, _ = ca.issue(folder, "Le Van Binh")
    clerk, _, _ = ca.issue(folder, "BHXH tinh Quang Tri")
    staff, _, _ = ca.issue(folder, "Tran Thi Hoa")
    return Keys(ca.root_pem, leader, clerk, staff, signature_png(folder / "chu-ky.png"),
                seal_png(folder / "dau.png"), ca)


@pytest.fixture(scope="session")
def built_round(tmp_path_factory) -> Path:
    """A round that is not in this repository (Quảng Trị, from the test builder), built with PDFs."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    if "built" not in _ONCE:
        _ONCE["built"] = _build(tmp_path_factory)
    return _ONCE["built"]


def _build(tmp_path_factory) -> Path:
    rb = RoundBuilder(tmp_path_factory.mktemp("qt") / "quang-tri-2024")
    proc = run("build", rb.root, "--no-cache")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return rb.root


@pytest.fixture
def fresh_round(built_round, tmp_path) -> Path:
    """A copy of the built round to sign (each test signs its own)."""
    dst = tmp_path / built_round.name
    shutil.copytree(built_round, dst)
    return dst
