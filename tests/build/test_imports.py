"""A build loads only what it uses: every command pays for its imports at start-up, and a small rebuild
is mostly start-up. pypdf (with fontTools, PIL's EXIF tables, cryptography) and xml.sax.saxutils
(with urllib, http and ssl) cost a one-change rebuild about 0.2 s before they were left out."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import SAMPLE_ROUND

from dhtt_docs.cli.resident import PRELOAD

#: the modules a build with PDFs runs (pipeline.start_converters, produce, the bundle and the bag), as the warm
#: builder imports them before it listens
BUILD_MODULES = list(PRELOAD)
NOT_NEEDED = ["pypdf", "fontTools", "ssl", "http.client", "urllib.request", "xml.sax.saxutils", "xmlrpc.client"]


def test_a_build_does_not_load_what_it_does_not_use(tmp_path):
    code = f"""
import importlib, json, shutil, sys
from pathlib import Path
for name in {BUILD_MODULES!r}:
    importlib.import_module(name)
from dhtt_docs.build.pipeline import BuildOptions, build
folder = Path({str(tmp_path / "round")!r})
shutil.copytree({str(SAMPLE_ROUND)!r}, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
result = build(folder, BuildOptions(out=folder / "build", pdf=False))
assert result.out is not None
# what a build with PDFs does to each converted PDF: judged, normalised, given its fields
import io, datetime, pikepdf
from dhtt_docs.pdf.jobs import pdf_has_pages
from dhtt_docs.pdf.metadata import BundleMeta
from dhtt_docs.pdf.normalise import normalised_bytes
from dhtt_docs.signing.fields import sign_ready_bytes
pdf = pikepdf.new()
pdf.add_blank_page()
pdf.save(folder / "x.pdf")
assert pdf_has_pages(folder / "x.pdf") and pdf_has_pages(io.BytesIO((folder / "x.pdf").read_bytes()))
plain = normalised_bytes(folder / "x.pdf", BundleMeta("t", "a", "s", "k", datetime.datetime(2024, 1, 1)))
sign_ready_bytes(plain, "to-trinh")
print(json.dumps(sorted(m for m in {NOT_NEEDED!r} if m in sys.modules)))
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.strip().splitlines()[-1]) == []
