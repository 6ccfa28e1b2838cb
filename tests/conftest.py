"""Shared fixtures: small rounds in a temporary folder, the CLI, the language, LibreOffice.

Helpers that several test files use (zip rewriting, template doctoring, Excel
filling, DOCX making) live in tests/helpers.py, so that pytest's pythonpath is
just ["tests"].
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from dhtt_docs.cli import cli
from dhtt_docs.i18n import set_lang

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SAMPLE_ROUND = SAMPLES / "bhxh-thanh-hoa-2024"
SCREENING_ROUND = SAMPLES / "bhxh-thanh-hoa-2024-so-loai"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
QUANG_BINH = FIXTURES / "rounds" / "bhxh-quang-binh-2024"

SUBMISSION = """\
plan: 1935/KH-BHXH
year: 2024
unit:
  parent: Bảo hiểm xã hội Việt Nam
  name: Bảo hiểm xã hội tỉnh Quảng Trị
  code: BHXH
  place: Quảng Trị
  head: {name: Lê Văn Bình, title: Giám đốc}
council:
  name: Hội đồng Thi đua - Khen thưởng Bảo hiểm xã hội tỉnh Quảng Trị
  meeting:
    number: 3
    start: 2024-11-20 14:00
    end: 2024-11-20 16:30
    location: Phòng họp tầng 2
  chair: {name: Lê Văn Bình, title: Giám đốc, council_role: Chủ tịch Hội đồng}
  secretary: {name: Trần Thị Hoa, title: Chuyên viên}
  members:
    - {name: Lê Văn Bình, title: Giám đốc, council_role: Chủ tịch Hội đồng, present: true}
    - {name: Phạm Minh Đức, title: Phó Giám đốc, council_role: Phó Chủ tịch Hội đồng, present: true}
    - {name: Hoàng Thị Lan, title: Trưởng phòng Tổ chức cán bộ, council_role: Ủy viên, present: true}
    - {name: Ngô Văn Tài, title: Chánh Văn phòng, council_role: Ủy viên thường trực, present: true}
  ballots: {issued: 4, returned: 4, valid: 4}
  votes:
    an: 4
    phong-thu: 4
submission:
  number: 12
  date: 2024-11-25
  to:
    - Tổng Giám đốc Bảo hiểm xã hội Việt Nam
"""

INDIVIDUAL = """\
kind: individual
full_name: Nguyễn Văn An
gender: Nam
birth_date: 1980-05-12
hometown: xã Gio Linh, tỉnh Quảng Trị
unit: Phòng Quản lý thu, Bảo hiểm xã hội tỉnh Quảng Trị
position: Trưởng phòng
duties: Phụ trách công tác thu.
achievements: Hoàn thành xuất sắc nhiệm vụ.
ratings:
  2022: hoàn thành tốt nhiệm vụ
  2023: hoàn thành tốt nhiệm vụ
awards:
  - year: 2022
    title: Bằng khen của Tổng Giám đốc Bảo hiểm xã hội Việt Nam
    decision: {number: 1234/QĐ-BHXH, date: 2022-12-28, issuer: Tổng Giám đốc Bảo hiểm xã hội Việt Nam}
"""

COLLECTIVE = """\
kind: collective
name: Phòng Quản lý thu
parent: Bảo hiểm xã hội tỉnh Quảng Trị
head: {name: Nguyễn Văn An, title: Trưởng phòng}
situation: Phòng có 12 công chức.
functions: Tham mưu công tác thu.
achievements: Hoàn thành vượt mức kế hoạch.
awards:
  - year: 2023
    title: Bằng khen của Thủ tướng Chính phủ
    decision: {number: 99/QĐ-TTg, date: 2023-03-01, issuer: Thủ tướng Chính phủ}
"""


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


class RoundBuilder:
    """A round folder under tmp_path, written from YAML text; files can be replaced."""

    def __init__(self, root: Path):
        self.root = root
        (root / "candidates").mkdir(parents=True, exist_ok=True)
        self.write("submission.yaml", SUBMISSION)
        self.write("candidates/an.yaml", INDIVIDUAL)
        self.write("candidates/phong-thu.yaml", COLLECTIVE)

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def append(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.write_text(path.read_text(encoding="utf-8") + dedent(text), encoding="utf-8")

    def set_votes(self, **votes: int) -> None:
        text = (self.root / "submission.yaml").read_text(encoding="utf-8")
        head, rest = text.split("  votes:\n", 1)
        tail = rest[rest.index("submission:"):]
        lines = "".join(f"    {k.replace('_', '-')}: {v}\n" for k, v in votes.items())
        (self.root / "submission.yaml").write_text(head + "  votes:\n" + lines + tail, encoding="utf-8")

    def report(self):
        from dhtt_docs.dossier.loader import load_round
        from dhtt_docs.rules.engine import evaluate
        return evaluate(load_round(self.root))


@pytest.fixture(autouse=True)
def _vietnamese_afterwards():
    """The language is process-wide and CliRunner runs in-process: every test starts and ends in Vietnamese."""
    set_lang("vi")
    yield
    set_lang("vi")


#: The rounds kept in the source tree: a test reads them, or copies them to build; it never builds in them.
SOURCE_ROUNDS = (SAMPLE_ROUND, SCREENING_ROUND, QUANG_BINH)


@pytest.fixture(autouse=True)
def _source_rounds_left_alone():
    """A test that builds a source-tree round where it lies (the cache goes to FOLDER/.dhtt-cache) fails."""
    before = {r for r in SOURCE_ROUNDS if (r / ".dhtt-cache").exists()}
    yield
    made = sorted(str(r / ".dhtt-cache") for r in SOURCE_ROUNDS if (r / ".dhtt-cache").exists() and r not in before)
    for path in made:
        shutil.rmtree(path, ignore_errors=True)
    assert not made, f"the test wrote a build cache into the source tree: {made}; copy the round or pass --cache-dir"


@pytest.fixture(scope="session", autouse=True)
def _private_warm_converter(tmp_path_factory):
    """A warm converter (or warm builder) that a test starts is the suite's own, and stopped at the end.

    Its folder is under the suite's temporary folder, not the user's, so the suite never shares a server
    with the user's own builds and leaves no LibreOffice running behind it.
    """
    import os

    from dhtt_docs.cli import resident
    from dhtt_docs.pdf import warm

    import threading

    run = tmp_path_factory.mktemp("run")
    # Kept for the rest of the process (not restored): a preview thread still converting when the session
    # ends must not start a server in the user's folder.
    os.environ["XDG_RUNTIME_DIR"] = str(run)
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))   # LibreOffice profiles
    yield run
    for thread in threading.enumerate():   # the web app's preview threads (daemons) finish their work first
        if thread.name == "dhtt-preview":
            thread.join(120)
    warm.stop()
    resident.stop()


@pytest.fixture
def english():
    """Messages in English for this test (as `--lang en` makes them)."""
    set_lang("en")
    yield
    set_lang("vi")


@pytest.fixture(params=["vi", "en"])
def lang(request) -> str:
    """Run a test once per language (messages chosen with `say`); the language is set for the test."""
    set_lang(request.param)
    return request.param


def say(lang: str, vi: str, en: str) -> str:
    """The expected words in the test's language."""
    return en if lang == "en" else vi


def has_soffice() -> bool:
    from dhtt_docs.pdf.libreoffice import find_soffice
    return find_soffice() is not None


@pytest.fixture(scope="session")
def soffice() -> str:
    """The LibreOffice executable; the test is skipped where it is not installed (never on CI: see below)."""
    from dhtt_docs.pdf.libreoffice import find_soffice
    exe = find_soffice()
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed; scripts/setup --dev installs it")
    return exe


@pytest.fixture
def round_dir(tmp_path: Path) -> RoundBuilder:
    return RoundBuilder(tmp_path / "round")


@pytest.fixture
def run_cli():
    def run(*args: str, input: str | None = None, env: dict | None = None):
        runner = CliRunner()
        return runner.invoke(cli, [str(a) for a in args], input=input, env=env, prog_name="dhtt-docs",
                             catch_exceptions=False)
    return run


def validate_json(run_cli, folder: Path) -> tuple[int, dict]:
    result = run_cli("validate", folder, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def pytest_configure(config):
    """On CI every tool must be there: a skipped PDF test would hide a missing install step."""
    import os
    if os.environ.get("CI") and shutil.which("soffice") is None:
        raise pytest.UsageError("CI: LibreOffice (soffice) is not installed; scripts/setup --dev must install it.")


def pytest_collection_modifyitems(config, items):
    """A test that runs LibreOffice (it uses the `soffice` fixture) takes seconds: it is `slow`."""
    for item in items:
        if "soffice" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
