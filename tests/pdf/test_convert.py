"""DOCX -> PDF conversion: real LibreOffice runs, a fake hung soffice, unoserver.

LibreOffice is shared: one module-scoped pool conversion feeds most tests.
Tests needing soffice are skipped when it is absent (developer convenience
only: CI installs libreoffice-writer-nogui, so they run there).
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
import xmlrpc.client
import zipfile
from pathlib import Path

import pytest
from helpers import VN_TEXT, assert_english, make_docx
from docx import Document
from pypdf import PdfReader

from dhtt_docs.pdf import convert, fonts
from dhtt_docs.pdf.convert import convert_many
from dhtt_docs.pdf.fonts import font_for
from dhtt_docs.pdf.jobs import ConversionError
from dhtt_docs.pdf.libreoffice import libreoffice_version
from dhtt_docs.pdf.pool import KeptProfile
from dhtt_docs.pdf.procs import kill_group
from dhtt_docs.pdf.unoserver import UnoserverEndpoint, parse_unoserver_url

needs_soffice = pytest.mark.usefixtures("soffice")   # conftest: skipped where LibreOffice is absent, never on CI


# --------------------------------------------------------------------------- helpers


def make_damaged_docx(path: Path, good: Path) -> Path:
    """A real zip with word/document.xml cut in half: passes the precheck, fails in soffice."""
    import zipfile

    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]
            zout.writestr(info, data)
    return path


def font_names(pdf: Path) -> set[str]:
    """BaseFont names (subset tag removed) of every page, including Type0 descendants."""
    names: set[str] = set()
    for page in PdfReader(pdf).pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]).lstrip("/").split("+")[-1])
            for desc in font.get("/DescendantFonts", []):
                names.add(str(desc.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def fonts_embedded(pdf: Path) -> bool:
    for page in PdfReader(pdf).pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            targets = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for target in targets:
                desc = target["/FontDescriptor"].get_object()
                if not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    return False
    return True


def pdf_text(pdf: Path) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    return " ".join(text.split())


def live_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group, from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            pids.append(int(entry.name))
    return pids


def soffice_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("dhtt-soffice-*")}


# --------------------------------------------------------------------------- shared real conversion


@pytest.fixture(scope="module")
def pool_run(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> dict:
    """Six good documents, one random-bytes .docx and one damaged .docx, on 2 workers."""
    src = tmp_path_factory.mktemp("docx")
    out = tmp_path_factory.mktemp("pdf")
    good = [make_docx(src / f"bao-cao-{i}.docx", f"{VN_TEXT} – số {i}") for i in range(6)]
    corrupt = src / "hong.docx"
    corrupt.write_bytes(os.urandom(4096))
    damaged = make_damaged_docx(src / "cat-doi.docx", good[0])
    jobs = [(p, out / (p.stem + ".pdf")) for p in [*good, corrupt, damaged]]
    seen: list[Path] = []
    # A TMPDIR of this test's own: other test runs on the machine make dhtt-soffice-* folders in the shared one.
    saved, tempfile.tempdir = tempfile.tempdir, str(tmp_path_factory.mktemp("tmpdir"))
    try:
        dirs_before = soffice_dirs()
        failures = convert_many(jobs, workers=2, timeout=60, progress=seen.append)
        dirs_after = soffice_dirs()
    finally:
        tempfile.tempdir = saved
    return {
        "good": good,
        "jobs": jobs,
        "out": out,
        "corrupt": corrupt,
        "damaged": damaged,
        "failures": failures,
        "seen": seen,
        "dirs_before": dirs_before,
        "dirs_after": dirs_after,
    }


@needs_soffice
def test_good_documents_become_pdfs_with_pages(pool_run: dict) -> None:
    for src, dst in pool_run["jobs"][:6]:
        assert dst.is_file(), f"không có PDF cho {src.name}"
        assert len(PdfReader(dst).pages) >= 1


@needs_soffice
def test_only_the_two_bad_files_fail_and_are_named(pool_run: dict) -> None:
    failed = {f.source: f.reason for f in pool_run["failures"]}
    assert set(failed) == {pool_run["corrupt"], pool_run["damaged"]}
    assert "hong.docx" in failed[pool_run["corrupt"]]
    assert "cat-doi.docx" in failed[pool_run["damaged"]]
    for reason in failed.values():
        assert "Hãy" in reason  # says what to do
    assert not (pool_run["out"] / "hong.pdf").exists()
    assert not (pool_run["out"] / "cat-doi.pdf").exists()


@needs_soffice
def test_progress_reports_every_job_once(pool_run: dict) -> None:
    assert sorted(pool_run["seen"]) == sorted(src for src, _ in pool_run["jobs"])


@needs_soffice
def test_fonts_are_embedded_liberation_serif_only(pool_run: dict) -> None:
    for _, dst in pool_run["jobs"][:6]:
        assert font_names(dst) == {"LiberationSerif"}
        assert fonts_embedded(dst)


@needs_soffice
def test_text_layer_is_the_vietnamese_in_nfc(pool_run: dict) -> None:
    for i, (_, dst) in enumerate(pool_run["jobs"][:6]):
        text = pdf_text(dst)
        assert unicodedata.is_normalized("NFC", text)
        assert text == unicodedata.normalize("NFC", f"{VN_TEXT} – số {i}")


@needs_soffice
def test_no_profile_or_scratch_dirs_left(pool_run: dict) -> None:
    assert pool_run["dirs_after"] <= pool_run["dirs_before"]


@needs_soffice
def test_pdfa_output_carries_markers(tmp_path: Path) -> None:
    src = make_docx(tmp_path / "to-trinh.docx")
    dst = tmp_path / "to-trinh.pdf"
    assert convert_many([(src, dst)], pdfa=True, workers=1) == []
    reader = PdfReader(dst)
    assert "/OutputIntents" in reader.trailer["/Root"]
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert "<pdfaid:part>2</pdfaid:part>" in xmp


@needs_soffice
def test_libreoffice_version_is_a_number() -> None:
    version = libreoffice_version()
    assert version is not None and version.split(".")[0].isdigit()


# --------------------------------------------------------------------------- without LibreOffice


def test_missing_source_is_a_failure_not_an_exception(tmp_path: Path) -> None:
    failures = convert_many(
        [(tmp_path / "khong-co.docx", tmp_path / "x.pdf")], executable="/nonexistent/soffice"
    )
    assert len(failures) == 1 and "khong-co.docx" in failures[0].reason


def test_missing_soffice_raises_with_install_hint(tmp_path: Path, monkeypatch, lang: str) -> None:
    monkeypatch.setattr(convert, "find_soffice", lambda: None)
    src = make_docx(tmp_path / "a.docx")
    with pytest.raises(ConversionError, match="apt-get install") as info:
        convert_many([(src, tmp_path / "a.pdf")])
    if lang == "en":
        assert_english(str(info.value), "LibreOffice (the soffice command) was not found", "install LibreOffice",
                       "--no-pdf")


def test_stale_pdf_of_a_failed_job_is_removed(tmp_path: Path) -> None:
    src = tmp_path / "hong.docx"
    src.write_bytes(b"not a zip")
    stale = tmp_path / "hong.pdf"
    stale.write_bytes(b"%PDF-old")
    assert len(convert_many([(src, stale)], executable="/nonexistent/soffice")) == 1
    assert not stale.exists()


HUNG_SOFFICE = """\
#!/bin/sh
# Fake soffice that hangs like a stuck LibreOffice: records its pid and
# arguments, starts a helper (like soffice.bin) and never finishes.
echo $$ > "{pidfile}"
printf '%s\\n' "$@" > "{argsfile}"
sleep 300 &
sleep 300
"""


def test_hung_conversion_is_killed_with_its_whole_group(tmp_path: Path) -> None:
    pidfile, argsfile = tmp_path / "pid", tmp_path / "args"
    fake = tmp_path / "soffice"
    fake.write_text(HUNG_SOFFICE.format(pidfile=pidfile, argsfile=argsfile))
    fake.chmod(0o755)
    src = make_docx(tmp_path / "treo.docx")
    started = time.monotonic()
    failures = convert_many(
        [(src, tmp_path / "treo.pdf")], timeout=1.5, executable=str(fake), workers=1
    )
    assert time.monotonic() - started < 10
    assert len(failures) == 1
    assert "treo.docx" in failures[0].reason and "giây" in failures[0].reason
    pgid = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while live_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live_members(pgid) == []
    profile = next(a for a in argsfile.read_text().splitlines() if "UserInstallation" in a)
    profile_dir = Path(profile.split("file://", 1)[1])
    assert not profile_dir.exists() and not profile_dir.parent.exists()


FLAKY_SOFFICE = """\
#!{python}
# Fake soffice: writes a one-page PDF per input, except inputs of the job
# listed in FAIL (their PDF is missing, as when soffice cannot load a file).
import sys, pathlib
from pypdf import PdfWriter
args = sys.argv[1:]
with open({log!r}, "a") as log:
    log.write(" ".join(a for a in args if a.endswith(".docx")) + "\\n")
outdir = pathlib.Path(args[args.index("--outdir") + 1])
for arg in args:
    if arg.endswith(".docx") and not arg.endswith({fail!r}):
        w = PdfWriter(); w.add_blank_page(595, 842)
        w.write(outdir / (pathlib.Path(arg).stem + ".pdf"))
"""


def test_failed_file_of_a_batch_is_retried_alone(tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    fake = tmp_path / "soffice"
    # Job index 1 is the one whose PDF never appears.
    fake.write_text(FLAKY_SOFFICE.format(python=sys.executable, log=str(log), fail="00001.docx"))
    fake.chmod(0o755)
    sources = [make_docx(tmp_path / f"d{i}.docx") for i in range(3)]
    jobs = [(s, tmp_path / "out" / f"{s.stem}.pdf") for s in sources]
    failures = convert_many(jobs, workers=1, executable=str(fake))
    calls = log.read_text().splitlines()
    assert len(calls) == 2  # the batch, then the failed file on its own
    assert calls[1].endswith("00001.docx") and len(calls[1].split()) == 1
    assert [f.source for f in failures] == [sources[1]]
    assert "d1.docx" in failures[0].reason
    assert jobs[0][1].is_file() and jobs[2][1].is_file()


SLOW_SOFFICE = """\
#!{python}
# Fake soffice that needs 0.5 s per file: slower in total than the timeout,
# but never idle for that long.
import sys, time, pathlib
from pypdf import PdfWriter
args = sys.argv[1:]
outdir = pathlib.Path(args[args.index("--outdir") + 1])
for arg in args:
    if arg.endswith(".docx"):
        time.sleep(0.5)
        w = PdfWriter(); w.add_blank_page(595, 842)
        w.write(outdir / (pathlib.Path(arg).stem + ".pdf"))
"""


@pytest.mark.slow   # four fake conversions near a 1.2 s timeout: seconds, and sensitive to a loaded machine
def test_timeout_is_per_file_not_per_batch(tmp_path: Path) -> None:
    fake = tmp_path / "soffice"
    fake.write_text(SLOW_SOFFICE.format(python=sys.executable))
    fake.chmod(0o755)
    sources = [make_docx(tmp_path / f"d{i}.docx") for i in range(4)]
    jobs = [(s, tmp_path / f"{s.stem}.pdf") for s in sources]
    started = time.monotonic()
    assert convert_many(jobs, workers=1, timeout=1.2, executable=str(fake)) == []
    assert time.monotonic() - started > 1.2  # the batch outlived one timeout, and was kept


WAITING_SOFFICE = """\
#!{python}
# Fake soffice: converts the batch's first two files, then waits (up to 20 s) for the
# build to have post-processed the first one before it writes the last.
import sys, time, pathlib
from pypdf import PdfWriter
args = sys.argv[1:]
outdir = pathlib.Path(args[args.index("--outdir") + 1])
files = [a for a in args if a.endswith(".docx")]
for n, arg in enumerate(files):
    if n == len(files) - 1:
        deadline = time.monotonic() + 20
        while not pathlib.Path("{marker}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        pathlib.Path("{log}").write_text("seen" if pathlib.Path("{marker}").exists() else "not seen")
    w = PdfWriter(); w.add_blank_page(595, 842)
    w.write(outdir / (pathlib.Path(arg).stem + ".pdf"))
"""


def test_each_pdf_is_post_processed_while_its_batch_still_runs(tmp_path: Path) -> None:
    from dhtt_docs.pdf.pool import SofficePool
    from dhtt_docs.pdf.jobs import Job

    marker, log = tmp_path / "first-done", tmp_path / "log"
    fake = tmp_path / "soffice"
    fake.write_text(WAITING_SOFFICE.format(python=sys.executable, marker=marker, log=log))
    fake.chmod(0o755)
    sources = [make_docx(tmp_path / f"d{i}.docx") for i in range(3)]
    done: list[int] = []

    def on_done(job: Job, reason: str | None) -> None:
        assert reason is None and job.target.is_file()
        done.append(job.index)
        if job.index == 0:
            marker.touch()

    with SofficePool(str(fake), workers=1, timeout=30, pdfa=False, expected=3, on_done=on_done) as pool:
        for i, s in enumerate(sources):
            pool.submit(Job(i, s, tmp_path / "out" / f"{s.stem}.pdf"))
        assert pool.close() == {}
    assert log.read_text() == "seen"          # the first PDF was handed on before the batch ended
    assert sorted(done) == [0, 1, 2]          # and every job exactly once


def test_equal_stems_in_different_folders_do_not_collide(tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    fake = tmp_path / "soffice"
    fake.write_text(FLAKY_SOFFICE.format(python=sys.executable, log=str(log), fail="none"))
    fake.chmod(0o755)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    jobs = [
        (make_docx(tmp_path / d / "to-trinh.docx"), tmp_path / d / "to-trinh.pdf") for d in "ab"
    ]
    assert convert_many(jobs, workers=1, executable=str(fake)) == []
    assert all(dst.is_file() for _, dst in jobs)


# --------------------------------------------------------------------------- fonts


def test_charset_coverage_logic() -> None:
    liberation_1_07 = fonts._parse_charset("20-7e a0-17f 192 1a0-1a1 1af-1b0 300-303 309 323")
    liberation_2 = fonts._parse_charset("20-7e a0-36f 1ea0-1ef9")
    assert not fonts._covers(liberation_1_07, fonts.VIETNAMESE_LETTERS)
    assert fonts._covers(liberation_2, fonts.VIETNAMESE_LETTERS)
    assert fonts._parse_charset("zz-top") == []


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig (fc-match) chưa cài")
def test_font_for_times_new_roman_covers_vietnamese() -> None:
    name, covered = font_for("Times New Roman")
    if name != "Liberation Serif":
        pytest.skip(f"fonts-liberation2 chưa cài (fontconfig chọn {name!r})")
    assert covered is True


def test_font_for_without_fontconfig(monkeypatch) -> None:
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    assert font_for() == ("", False)


# --------------------------------------------------------------------------- unoserver


def test_parse_unoserver_url_accepts_lists_and_ipv6() -> None:
    assert parse_unoserver_url("unoserver://127.0.0.1:2003,buildhost:2004,[::1]:2005") == [
        UnoserverEndpoint("127.0.0.1", 2003),
        UnoserverEndpoint("buildhost", 2004),
        UnoserverEndpoint("::1", 2005),
    ]
    assert parse_unoserver_url("unoserver://localhost") == [UnoserverEndpoint("localhost", 2003)]


@pytest.mark.parametrize(
    "url",
    [
        "unoserver://host:99999",
        "http://127.0.0.1:2003",
        "unoserver://",
        "unoserver://host:",
        "unoserver://host:abc",
        "unoserver://host:70000",
        "unoserver://host:2003,",
        "unoserver://host:2003/path",
        "unoserver://::1:2003",
        "unoserver://a:1,a:1",
    ],
)
def test_bad_unoserver_url_is_a_clear_value_error(url: str, lang: str) -> None:
    with pytest.raises(ValueError, match="unoserver://") as info:
        parse_unoserver_url(url)
    if lang == "en":
        assert_english(str(info.value), "Invalid unoserver address", "for example unoserver://127.0.0.1:2003")
        if url == "unoserver://host:99999":
            assert_english(str(info.value), "must be a number from 1 to 65535")


def test_unknown_backend_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="soffice"):
        convert_many([(tmp_path / "a.docx", tmp_path / "a.pdf")], backend="pandoc")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _system_python_with_uno() -> str | None:
    """Debian's python3 that can ``import uno`` (python3-uno), if there is one."""
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if not candidate or not Path(candidate).exists():
            continue
        probe = subprocess.run([candidate, "-c", "import uno"], capture_output=True)
        if probe.returncode == 0:
            return candidate
    return None


def _unoserver_path_for(tmp: Path) -> Path:
    """A folder holding a copy of the installed unoserver package and its metadata.

    unoserver is pure Python, so the copy runs under Debian's python3 (the only
    one with ``uno``) without a venv and without network access.
    """
    dist = importlib.metadata.distribution("unoserver")
    for top in sorted({f.parts[0] for f in dist.files or []}):
        if top == "unoserver" or top.endswith(".dist-info"):
            shutil.copytree(Path(dist.locate_file(top)), tmp / top)
    return tmp


@pytest.fixture(scope="module")
def unoserver_url(tmp_path_factory: pytest.TempPathFactory, soffice: str):
    """A running unoserver on free ports; skipped with the reason when it cannot be set up."""
    try:
        importlib.metadata.distribution("unoserver")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("unoserver chưa cài: pip install unoserver")
    python = _system_python_with_uno()
    if python is None:
        pytest.skip("python3-uno chưa cài: sudo apt-get install -y python3-uno")
    path = _unoserver_path_for(tmp_path_factory.mktemp("unoserver-lib"))
    port, uno_port = _free_port(), _free_port()
    env = dict(os.environ, PYTHONPATH=str(path))
    log = (tmp_path_factory.mktemp("unoserver-log") / "server.log").open("wb")
    cmd = [python, "-m", "unoserver.server", "--port", str(port), "--uno-port", str(uno_port)]
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=log, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}").info()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.skip(f"unoserver không khởi động được (xem {log.name})")
                time.sleep(0.3)
        yield f"unoserver://127.0.0.1:{port}"
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=5)
                break
            except subprocess.TimeoutExpired:
                continue
        kill_group(proc.pid)
        log.close()


def test_unoserver_converts_vietnamese(unoserver_url: str, tmp_path: Path) -> None:
    sources = [make_docx(tmp_path / f"u{i}.docx") for i in range(3)]
    jobs = [(s, tmp_path / f"{s.stem}.pdf") for s in sources]
    seen: list[Path] = []
    assert convert_many(jobs, backend=unoserver_url, progress=seen.append) == []
    assert sorted(seen) == sorted(sources)
    for _, dst in jobs:
        assert pdf_text(dst) == VN_TEXT
        assert font_names(dst) == {"LiberationSerif"}


def test_unoserver_skips_a_dead_listener(unoserver_url: str, tmp_path: Path) -> None:
    dead = _free_port()
    src = make_docx(tmp_path / "a.docx")
    bad = make_damaged_docx(tmp_path / "cat-doi.docx", src)
    jobs = [(src, tmp_path / "a.pdf"), (bad, tmp_path / "cat-doi.pdf")]
    failures = convert_many(jobs, backend=f"{unoserver_url},127.0.0.1:{dead}", pdfa=True)
    assert [f.source for f in failures] == [bad]
    assert "/OutputIntents" in PdfReader(tmp_path / "a.pdf").trailer["/Root"]


def test_unoserver_all_listeners_down(tmp_path: Path) -> None:
    dead = _free_port()
    src = make_docx(tmp_path / "a.docx")
    failures = convert_many([(src, tmp_path / "a.pdf")], backend=f"unoserver://127.0.0.1:{dead}")
    assert len(failures) == 1
    assert f"127.0.0.1:{dead}" in failures[0].reason and "unoserver" in failures[0].reason



def test_kept_profiles_are_locked_per_worker(tmp_path: Path) -> None:

    a = KeptProfile.take(tmp_path)
    b = KeptProfile.take(tmp_path)
    assert a is not None and b is not None and a.path != b.path
    a.release()
    c = KeptProfile.take(tmp_path)
    assert c is not None and c.path == a.path
    b.release()
    c.release()


@needs_soffice
def test_conversion_with_kept_profiles_reuses_them(tmp_path: Path) -> None:
    src = tmp_path / "a.docx"
    doc = Document()
    doc.add_paragraph("Cộng hòa xã hội chủ nghĩa Việt Nam")
    doc.save(src)
    profiles = tmp_path / "profiles"
    for i in range(2):
        assert convert_many([(src, tmp_path / f"a{i}.pdf")], workers=1, profiles=profiles) == []
    assert (profiles / "slot-0").is_dir() and not (profiles / "slot-1").exists()
    assert len(PdfReader(tmp_path / "a1.pdf").pages) == 1


# --------------------------------------------------------------------------- messages in English (--lang en)


def test_corrupt_docx_reason_is_english_and_names_the_file(english, tmp_path: Path) -> None:
    # Random bytes are caught before LibreOffice starts, so this runs without soffice too.
    src = tmp_path / "x.docx"
    src.write_bytes(os.urandom(3000))
    (failure,) = convert_many([(src, tmp_path / "x.pdf")], workers=1)
    assert failure.source == src
    assert_english(failure.reason, "x.docx", "is not a valid DOCX file", "Open it in Word or LibreOffice Writer",
                   "save it again as .docx")
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.slow
def test_damaged_docx_that_soffice_cannot_open_is_english(english, tmp_path: Path) -> None:
    from test_convert import make_docx

    good = make_docx(tmp_path / "good.docx", "Hello")
    bad = tmp_path / "cut-in-half.docx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, data[: len(data) // 2] if info.filename == "word/document.xml" else data)
    (failure,) = convert_many([(bad, tmp_path / "cut-in-half.pdf")], workers=1, timeout=120)
    assert_english(failure.reason, "cut-in-half.docx", "LibreOffice could not open", "then run again")


# --------------------------------------------------------------------------- the warm converter


@pytest.fixture
def warm_server(tmp_path, monkeypatch):
    """A warm converter of its own (private runtime folder, short idle time), stopped afterwards."""
    from dhtt_docs.pdf import warm

    if warm.uno_python() is None:
        pytest.skip("python3-uno is not installed")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("DHTT_WARM_IDLE", "60")
    (tmp_path / "run").mkdir()
    yield warm
    warm.stop()


@needs_soffice
@pytest.mark.slow
def test_warm_converter_is_shared_and_stops_clean(warm_server, tmp_path):
    warm = warm_server
    docs = [make_docx(tmp_path / f"{name}.docx", f"{VN_TEXT} {name}") for name in ("mot", "hai")]
    pdfs = warm.convert(docs, tmp_path / "out")
    assert pdfs == [tmp_path / "out/mot.pdf", tmp_path / "out/hai.pdf"]
    assert "Ánh Tuyết" in PdfReader(pdfs[0]).pages[0].extract_text() and pdfs[1].is_file()
    pid = (warm.runtime_dir() / "pid").read_text()
    assert not list((warm.runtime_dir() / "tmp").glob("warm-up.*"))   # its own first conversion, cleared away
    assert warm.convert(docs[1:], tmp_path / "again") == [tmp_path / "again/hai.pdf"]
    assert (warm.runtime_dir() / "pid").read_text() == pid          # the same server, still warm
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a docx")
    with pytest.raises(warm.WarmUnavailable):
        warm.convert([broken], tmp_path / "out")
    warm.stop()
    assert not warm.running()
    assert not any(str(warm.runtime_dir()) in p.read_text(errors="replace")
                   for p in Path("/proc").glob("[0-9]*/cmdline") if p.exists())


def _warm_processes(warm) -> list[int]:
    """Processes of this test's warm server and its LibreOffice (their command lines name its folder)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(warm.runtime_dir()) in cmdline.read_text(errors="replace"):
                found.append(int(cmdline.parent.name))
        except OSError:
            pass
    return found


@needs_soffice
@pytest.mark.slow
def test_warm_server_ends_itself_when_asked_right_after_a_request(warm_server, tmp_path):
    """SIGTERM right after an answer once landed in the server's socket write and was lost, and the
    server served on until its idle time: each stop here must be the server's own clean end (it
    writes RUNTIME/exit as it ends), not stop()'s kill of a server that did not listen."""
    warm = warm_server
    docs = [make_docx(tmp_path / f"{name}.docx", f"{VN_TEXT} {name}") for name in ("mot", "hai")]
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a docx")
    for cycle in range(8):
        (warm.runtime_dir() / "exit").unlink(missing_ok=True)
        assert len(warm.convert(docs, tmp_path / "out")) == 2
        with pytest.raises(warm.WarmUnavailable):
            warm.convert([broken], tmp_path / "out")          # an answer with an error, the case that hung
        warm.stop(wait=30)
        assert (warm.runtime_dir() / "exit").is_file(), f"cycle {cycle}: the server was killed, it did not end"
        assert not warm.running() and not (warm.runtime_dir() / "pid").exists()
    assert _warm_processes(warm) == []


@needs_soffice
@pytest.mark.slow
def test_warm_stop_kills_a_server_that_does_not_answer(warm_server, tmp_path):
    warm = warm_server
    make_docx(tmp_path / "mot.docx")
    warm.convert([tmp_path / "mot.docx"], tmp_path / "out")
    pid = int((warm.runtime_dir() / "pid").read_text())
    os.kill(pid, signal.SIGSTOP)                               # frozen: SIGTERM waits, unhandled
    warm.stop(wait=1)
    assert not warm.running()
    assert not (warm.runtime_dir() / "pid").exists() and not (warm.runtime_dir() / "sock").exists()
    assert _warm_processes(warm) == []                         # its LibreOffice went with it
    assert warm.convert([tmp_path / "mot.docx"], tmp_path / "again") == [tmp_path / "again/mot.pdf"]


def test_warm_stop_leaves_alone_a_process_that_reused_a_dead_servers_number(tmp_path, monkeypatch):
    from dhtt_docs.pdf import warm

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    warm.runtime_dir().mkdir()
    (warm.runtime_dir() / "pid").write_text(str(os.getpid()))  # this test's own process: not a server
    warm.stop(wait=1)
    assert not (warm.runtime_dir() / "pid").exists()           # the stale number is forgotten


@needs_soffice
@pytest.mark.slow
def test_build_with_the_warm_converter_equals_a_cold_build(warm_server, tmp_path):
    import shutil as sh

    from conftest import SAMPLE_ROUND
    from dhtt_docs.build.pipeline import BuildOptions, build

    folder = tmp_path / "round"
    sh.copytree(SAMPLE_ROUND, folder, ignore=sh.ignore_patterns(".dhtt-cache", "build"))
    cold = build(folder, BuildOptions(out=tmp_path / "cold", cache=False))
    hot = build(folder, BuildOptions(out=tmp_path / "warm", cache=False, converter="warm"))
    assert cold.out and hot.out and warm_server.running()
    assert hot.converted == cold.converted == 9
    files = sorted(p.relative_to(cold.out) for p in cold.out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(hot.out) for p in hot.out.rglob("*") if p.is_file())
    for rel in files:
        assert (cold.out / rel).read_bytes() == (hot.out / rel).read_bytes(), rel
