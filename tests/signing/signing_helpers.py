"""Helpers of the signing tests: run the CLI, pdfsig, sign with a PKCS#12 test key."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pki import PASSWORD


def run(*args, env: dict | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    full = dict(os.environ, DHTT_LANG="vi", **(env or {}))
    return subprocess.run([sys.executable, "-m", "dhtt_docs", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", env=full, input=input)


def pdfsig(path: Path) -> str:
    if shutil.which("pdfsig") is None:
        pytest.skip("poppler's pdfsig is not installed")
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def sign_p12(folder: Path, field: str, key: Path, image: Path | None = None, *extra) -> subprocess.CompletedProcess:
    args = ["sign", folder, "--field", field, "--p12", key, "--password-env", "DHTT_TEST_PW", *extra]
    if image is not None:
        args += ["--image", image]
    return run(*args, env={"DHTT_TEST_PW": PASSWORD.decode()})
