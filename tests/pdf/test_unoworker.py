"""Workers that keep one LibreOffice for the whole build (pdf/unoworker.py): real runs, a fake server, fallback."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
from helpers import VN_TEXT, live_soffice, make_docx
from pypdf import PdfReader

from dhtt_docs.pdf import warm
from dhtt_docs.pdf.jobs import Job
from dhtt_docs.pdf.libreoffice import find_soffice
from dhtt_docs.pdf.messages import msg_timeout
from dhtt_docs.pdf.pool import SofficePool


def run_pool(executable: str, jobs: list[Job], timeout: float = 60, workers: int = 1) -> tuple[dict, list[int]]:
    done: list[int] = []
    with SofficePool(executable, workers=workers, timeout=timeout, pdfa=False, expected=len(jobs),
                     on_done=lambda job, reason: done.append(job.index) if reason is None else None,
                     keep_running=True) as pool:
        for job in jobs:
            pool.submit(job)
        reasons = pool.close()
    return reasons, done


def cut_in_half(good: Path, bad: Path) -> Path:
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, data[: len(data) // 2] if info.filename == "word/document.xml" else data)
    return bad


@pytest.mark.usefixtures("soffice")
@pytest.mark.slow   # two LibreOffice starts and a restart: ~15 s
def test_kept_libreoffice_converts_names_a_bad_file_and_goes_on(tmp_path: Path) -> None:
    if warm.uno_python() is None:
        pytest.skip("python3-uno is not installed")
    good = [make_docx(tmp_path / f"bao-cao-{i}.docx", f"{VN_TEXT} – số {i}") for i in range(4)]
    bad = cut_in_half(good[0], tmp_path / "cat-doi.docx")
    sources = [good[0], good[1], bad, good[2], good[3]]
    jobs = [Job(i, s, tmp_path / "out" / f"{s.stem}.pdf") for i, s in enumerate(sources)]
    reasons, done = run_pool(find_soffice(), jobs, workers=2)
    assert sorted(done) == [0, 1, 3, 4]
    assert list(reasons) == [2] and "cat-doi.docx" in reasons[2]
    for i in (0, 1, 3, 4):
        assert f"số {sources[i].stem[-1]}" in PdfReader(jobs[i].target).pages[0].extract_text()
    assert not jobs[2].target.exists()
    assert live_soffice(str(tmp_path)) == []          # every kept LibreOffice stopped with the pool


FLAKY_SOFFICE = """\
#!{python}
# Fake soffice (no LibreOffice installation beside it): converts its batch, logging each call.
import sys, pathlib
from pypdf import PdfWriter
args = sys.argv[1:]
with open("{log}", "a") as log:
    log.write(" ".join(a for a in args if a.endswith(".docx")) + "\\n")
outdir = pathlib.Path(args[args.index("--outdir") + 1])
for arg in args:
    if arg.endswith(".docx"):
        w = PdfWriter(); w.add_blank_page(595, 842)
        w.write(outdir / (pathlib.Path(arg).stem + ".pdf"))
"""


def test_a_soffice_that_is_no_installation_gets_cold_batches(tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    fake = tmp_path / "soffice"
    fake.write_text(FLAKY_SOFFICE.format(python=sys.executable, log=log))
    fake.chmod(0o755)
    sources = [make_docx(tmp_path / f"d{i}.docx") for i in range(3)]
    jobs = [Job(i, s, tmp_path / "out" / f"{s.stem}.pdf") for i, s in enumerate(sources)]
    reasons, done = run_pool(str(fake), jobs)
    assert reasons == {} and sorted(done) == [0, 1, 2]
    assert len(log.read_text().splitlines()) == 1       # one soffice call for the whole batch


FAKE_SERVER = """\
#!/bin/sh
# Stands in for the Python with uno: answers the probe, then runs the fake server below.
if [ "$1" = "-c" ]; then exit 0; fi
exec {python} {server} "$@"
"""

SERVER = """\
# A fake warmd: writes its files, answers requests; never answers for a file named 00001.docx.
import json, os, socket, sys, time, pathlib, subprocess
from pypdf import PdfWriter
runtime = pathlib.Path(sys.argv[2])   # argv[1] is warmd.py
office = subprocess.Popen(["sleep", "300"])   # its "LibreOffice", in its process group as in warmd
(runtime / "office").write_text(str(office.pid))
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(str(runtime / "sock")); server.listen(4)
(runtime / "pid").write_text(str(os.getpid()))
with open("{log}", "a") as log:
    log.write(f"start {{office.pid}}\\n")
while True:
    conn, _ = server.accept()
    with conn, conn.makefile("rwb") as stream:
        request = json.loads(stream.readline())
        name = request["files"][0]
        if name.endswith("00001.docx"):
            time.sleep(300)
        out = pathlib.Path(request["out"]) / (pathlib.Path(name).stem + ".pdf")
        w = PdfWriter(); w.add_blank_page(595, 842); w.write(out)
        stream.write(json.dumps({{"pdfs": {{name: str(out)}}, "errors": {{}}}}).encode() + b"\\n")
"""


@pytest.mark.usefixtures("soffice")
def test_a_file_that_hangs_is_stopped_alone_and_the_server_started_again(tmp_path: Path, monkeypatch) -> None:
    log = tmp_path / "server.log"
    server = tmp_path / "server.py"
    server.write_text(SERVER.format(log=log))
    python = tmp_path / "python-with-uno"
    python.write_text(FAKE_SERVER.format(python=sys.executable, server=server))
    python.chmod(0o755)
    monkeypatch.setenv("DHTT_UNO_PYTHON", str(python))
    warm.uno_python.cache_clear()
    try:
        sources = [make_docx(tmp_path / f"d{i}.docx") for i in range(3)]
        jobs = [Job(i, s, tmp_path / "out" / f"{s.stem}.pdf") for i, s in enumerate(sources)]
        reasons, done = run_pool(find_soffice(), jobs, timeout=1.5)
    finally:
        warm.uno_python.cache_clear()
    assert sorted(done) == [0, 2]
    assert reasons == {1: msg_timeout("d1.docx", 1.5)}
    starts = log.read_text().splitlines()
    assert len(starts) == 2                        # killed with its file, started again for the next one
    for line in starts:                            # and each one's "LibreOffice" is gone
        pid = int(line.split()[1])
        assert not Path(f"/proc/{pid}").exists() or "Z" == Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


@pytest.mark.usefixtures("soffice")
@pytest.mark.slow   # two builds of the sample round with PDFs
def test_a_build_with_kept_libreoffice_equals_one_with_cold_batches(tmp_path: Path, monkeypatch) -> None:
    import shutil as sh

    from conftest import SAMPLE_ROUND
    from dhtt_docs.build.pipeline import BuildOptions, build

    if warm.uno_python() is None:
        pytest.skip("python3-uno is not installed")
    monkeypatch.setenv("DHTT_WARM", "0")
    folder = tmp_path / "round"
    sh.copytree(SAMPLE_ROUND, folder, ignore=sh.ignore_patterns(".dhtt-cache", "build"))
    kept = build(folder, BuildOptions(out=tmp_path / "kept", cache=False))
    monkeypatch.setenv("DHTT_UNO_WORKERS", "0")
    cold = build(folder, BuildOptions(out=tmp_path / "cold", cache=False))
    assert kept.out and cold.out and kept.converted == cold.converted == 9
    files = sorted(p.relative_to(cold.out) for p in cold.out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(kept.out) for p in kept.out.rglob("*") if p.is_file())
    for rel in files:
        assert (cold.out / rel).read_bytes() == (kept.out / rel).read_bytes(), rel
