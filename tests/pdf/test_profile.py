"""LibreOffice profiles marked as seen by this version: no graphics self-test at start, the same PDFs.

LibreOffice 7.x runs its graphics self-test (GraphicsRenderTests) at every start whose profile does
not record the running version as ``ooSetupLastVersion``; a headless start never records it. The
self-test leaves ``user/GraphicsRenderTests.log`` in the profile: that file says whether it ran.
"""

from __future__ import annotations

import os
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from helpers import make_docx

from dhtt_docs.pdf.libreoffice import find_soffice, mark_profile_seen, product_version
from dhtt_docs.pdf.metadata import BundleMeta
from dhtt_docs.pdf.normalise import normalised_bytes

needs_soffice = pytest.mark.usefixtures("soffice")   # conftest: skipped where LibreOffice is absent, never on CI

LIBREOFFICE_WROTE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value>\
</prop></item>
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse"><value>{last}</value>\
</prop></item>
<item oor:path="/org.openoffice.Setup/Office"><prop oor:name="ooSetupInstCompleted" oor:op="fuse"><value>true</value>\
</prop></item>
</oor:items>
"""


@pytest.fixture
def installation(tmp_path: Path) -> str:
    """A fake LibreOffice installation of version 7.4: program/soffice and share/registry/main.xcd."""
    (tmp_path / "lo" / "program").mkdir(parents=True)
    (tmp_path / "lo" / "share" / "registry").mkdir(parents=True)
    soffice = tmp_path / "lo" / "program" / "soffice"
    soffice.write_text("#!/bin/sh\n")
    (tmp_path / "lo" / "share" / "registry" / "main.xcd").write_text(
        '<oor:data><oor:component-data oor:name="Setup"><node oor:name="Product">\n'
        '      <prop oor:name="ooSetupVersion" oor:type="xs:string" oor:nillable="false">\n'
        '          <value/>\n      </prop>\n'
        '      <prop oor:name="ooName">\n        <value>LibreOffice</value>\n      </prop>\n'
        '      <prop oor:name="ooSetupVersion">\n        <value>7.4</value>\n      </prop>\n'
        '      <prop oor:name="ooSetupVersionAboutBox">\n        <value>7.4.7.2</value>\n      </prop>\n'
        '</node></oor:component-data></oor:data>\n')
    product_version.cache_clear()
    return str(soffice)


def registry(profile: Path) -> Path:
    return profile / "user" / "registrymodifications.xcu"


def self_test_ran(profile: Path) -> bool:
    return (profile / "user" / "GraphicsRenderTests.log").exists()


def marked(profile: Path) -> bool:
    return "ooSetupLastVersion" in registry(profile).read_text(encoding="utf-8")


def test_the_version_is_read_from_the_installation_not_its_schema(installation):
    assert product_version(installation) == "7.4"


def test_a_new_profile_gets_a_registry_that_records_the_version(tmp_path, installation):
    profile = tmp_path / "profile"
    mark_profile_seen(profile, installation)
    text = registry(profile).read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<oor:items ')
    assert ('<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse">'
            '<value>7.4</value></prop></item>\n</oor:items>') in text


def test_an_older_version_is_replaced_and_the_other_settings_kept(tmp_path, installation):
    profile = tmp_path / "profile"
    registry(profile).parent.mkdir(parents=True)
    registry(profile).write_text(LIBREOFFICE_WROTE.format(last="7.3"), encoding="utf-8")
    mark_profile_seen(profile, installation)
    text = registry(profile).read_text(encoding="utf-8")
    assert text.count("ooSetupLastVersion") == 1 and "<value>7.4</value>" in text and "7.3" not in text
    assert '"FirstRun"' in text and '"ooSetupInstCompleted"' in text
    assert not [p for p in registry(profile).parent.iterdir() if p.name.startswith(".")]   # no partial file left


def test_a_profile_that_records_the_version_is_not_written(tmp_path, installation):
    profile = tmp_path / "profile"
    registry(profile).parent.mkdir(parents=True)
    registry(profile).write_text(LIBREOFFICE_WROTE.format(last="7.4"), encoding="utf-8")
    os.utime(registry(profile), ns=(1_000_000_000, 1_000_000_000))
    mark_profile_seen(profile, installation)
    assert registry(profile).stat().st_mtime_ns == 1_000_000_000
    assert registry(profile).read_text(encoding="utf-8") == LIBREOFFICE_WROTE.format(last="7.4")


@pytest.mark.parametrize("content", ["not a registry at all", "<oor:items>"])
def test_a_file_libreoffice_did_not_write_is_left_alone(tmp_path, installation, content):
    profile = tmp_path / "profile"
    registry(profile).parent.mkdir(parents=True)
    registry(profile).write_text(content, encoding="utf-8")
    mark_profile_seen(profile, installation)
    assert registry(profile).read_text(encoding="utf-8") == content


def test_without_a_known_version_nothing_is_written(tmp_path):
    soffice = tmp_path / "elsewhere" / "soffice"
    soffice.parent.mkdir()
    soffice.write_text("#!/bin/sh\n")
    mark_profile_seen(tmp_path / "profile", str(soffice))
    assert not (tmp_path / "profile").exists()


def test_a_profile_that_cannot_be_read_starts_as_before(tmp_path, installation):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the profile folder should be")
    mark_profile_seen(blocked, installation)        # no exception
    assert blocked.read_text() == "a file where the profile folder should be"


def test_a_registry_that_cannot_be_replaced_is_left_as_it_was(tmp_path, installation, monkeypatch):
    profile = tmp_path / "profile"
    registry(profile).parent.mkdir(parents=True)
    registry(profile).write_text(LIBREOFFICE_WROTE.format(last="7.3"), encoding="utf-8")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    mark_profile_seen(profile, installation)        # no exception
    assert registry(profile).read_text(encoding="utf-8") == LIBREOFFICE_WROTE.format(last="7.3")
    assert [p.name for p in registry(profile).parent.iterdir()] == ["registrymodifications.xcu"]   # no partial


@needs_soffice
def test_a_marked_profile_skips_the_self_test_and_gives_the_same_pdf(tmp_path):
    """The real LibreOffice: the self-test's log appears in a plain profile and not in a marked one,
    and the two PDFs are the same bytes once normalised (as the build stores them)."""
    soffice = find_soffice()
    source = make_docx(tmp_path / "bao-cao.docx", "Báo cáo thành tích của Bảo hiểm xã hội huyện Hoằng Hóa")
    pdfs = {}
    for name, is_marked in (("plain", False), ("marked", True)):
        profile = tmp_path / f"profile-{name}"
        if is_marked:
            mark_profile_seen(profile, soffice)
        out = tmp_path / f"out-{name}"
        subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(out), str(source)],
                       capture_output=True, timeout=120, check=True)
        pdfs[name] = out / "bao-cao.pdf"
        assert self_test_ran(profile) is not is_marked, f"{name} profile: self-test ran {self_test_ran(profile)}"
    assert marked(tmp_path / "profile-marked")   # LibreOffice kept the mark when it rewrote the file at exit
    meta = BundleMeta(title="t", author="a", subject="s", keywords="k", date=datetime(2024, 5, 6))
    assert normalised_bytes(pdfs["plain"], meta) == normalised_bytes(pdfs["marked"], meta)


@needs_soffice
def test_every_libreoffice_the_build_starts_has_a_marked_profile(tmp_path, monkeypatch):
    """The cold batch (kept slot), the worker that keeps one LibreOffice for the build (another slot)
    and the warm converter each start LibreOffice on a marked profile, and it runs no self-test."""
    from dhtt_docs.pdf import warm
    from dhtt_docs.pdf.convert import convert_many
    from dhtt_docs.pdf.jobs import Job
    from dhtt_docs.pdf.pool import SofficePool

    soffice = find_soffice()
    source = make_docx(tmp_path / "a.docx")
    cold = tmp_path / "cold-profiles"
    assert convert_many([(source, tmp_path / "cold.pdf")], workers=1, profiles=cold) == []
    assert marked(cold / "slot-0") and not self_test_ran(cold / "slot-0")

    kept = tmp_path / "kept-profiles"
    done = []
    with SofficePool(soffice, workers=1, timeout=60, pdfa=False, expected=1, profiles=kept, keep_running=True,
                     on_done=lambda job, reason: done.append(reason)) as pool:
        assert pool.uno is not None, "python3-uno is installed by scripts/setup"
        pool.submit(Job(0, source, tmp_path / "kept.pdf"))
        pool.close()
    assert done == [None]
    assert marked(kept / "slot-0") and not self_test_ran(kept / "slot-0")

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "runtime"))
    (tmp_path / "runtime").mkdir(mode=0o700)
    warm.start()
    try:
        assert [p.name for p in warm.convert([source], tmp_path / "warm-out")] == ["a.pdf"]
    finally:
        warm.stop()
    profile = warm.runtime_dir() / "profile"
    assert marked(profile) and not self_test_ran(profile)
