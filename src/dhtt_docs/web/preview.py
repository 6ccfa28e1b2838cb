"""Each document's pages as PNG images, redrawn after a save; only what changed is converted again.

`to_pdf` is the one place that converts: the shared warm converter
(`dhtt_docs.pdf.warm`) when it is installed and usable, else the build's
LibreOffice pool (`dhtt_docs.pdf.convert.convert_many`, one worker, its profile
kept between runs in the round's cache: one LibreOffice start per preview).

A document's images are keyed by the build cache's key of the document (the
hash of everything its bytes depend on): a save that does not change a
document leaves its images as they are; one that does makes new ones in a
folder of their own, so a page never shows half-old images.
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from dhtt_docs.build.cache import DEFAULT_DIR as CACHE_DIR

PREVIEW_DIR = "preview"
DPI = 60


def to_pdf(docx_paths: list[Path], out_dir: Path) -> list[Path]:
    """Convert DOCX files into `out_dir`; the PDFs made (a failed one is missing from the list).

    The shared warm converter (`dhtt_docs.pdf.warm`, one LibreOffice kept running between
    commands) when it is there and usable; otherwise the build's pool, cold, one worker.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        from dhtt_docs.pdf import warm
    except ImportError:
        warm = None
    if warm is not None:
        try:
            return [p for p in warm.convert(list(docx_paths), out_dir) if Path(p).is_file()]
        except warm.WarmUnavailable:
            pass
    from dhtt_docs.pdf.convert import convert_many

    jobs = [(p, out_dir / (p.stem + ".pdf")) for p in docx_paths]
    profiles = out_dir.parent.parent / "profiles"
    failed = {f.source for f in convert_many(jobs, workers=1, timeout=60, profiles=profiles)}
    return [pdf for src, pdf in jobs if src not in failed and pdf.is_file()]


def to_png(pdf: Path, out_dir: Path, dpi: int = DPI) -> list[Path]:
    """The pages of `pdf` as out_dir/page-1.png, page-2.png, ... (pdftoppm)."""
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out_dir / "page")],
                   check=True, capture_output=True, timeout=60)
    pages = sorted(out_dir.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    for i, p in enumerate(pages, 1):          # pdftoppm pads numbers to the page count's width
        p.rename(out_dir / f"page-{i}.png")
    return [out_dir / f"page-{i}.png" for i in range(1, len(pages) + 1)]


@dataclass
class DocPreview:
    state: str = "idle"            # idle, pending, ready, failed, unavailable
    key: str = ""
    pages: int = 0
    error: str = ""
    queued: bool = False


@dataclass
class Previewer:
    """Makes previews one at a time in a background thread (LibreOffice is the bottleneck)."""

    workspace: object
    docs: dict[str, DocPreview] = field(default_factory=dict)
    _queue: "queue.Queue[str]" = field(default_factory=queue.Queue)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def root(self) -> Path:
        return self.workspace.folder / CACHE_DIR / PREVIEW_DIR

    def folder(self, stem: str, key: str) -> Path:
        return self.root / stem / key[:24]

    def get(self, stem: str) -> DocPreview:
        with self._lock:
            return self.docs.setdefault(stem, DocPreview())

    def request(self, stem: str) -> DocPreview:
        """Make sure `stem`'s preview is (or will be) of the current files."""
        doc = self.get(stem)
        with self._lock:
            doc.state = "pending"
            if not doc.queued:
                doc.queued = True
                self._queue.put(stem)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="dhtt-preview", daemon=True)
                self._thread.start()
        return doc

    def _run(self) -> None:
        while True:
            try:
                stem = self._queue.get(timeout=30)
            except queue.Empty:
                return
            doc = self.get(stem)
            with self._lock:
                doc.queued = False
            try:
                self._make(stem, doc)
            except Exception as exc:  # noqa: BLE001 - shown beside the form, never a crash
                doc.state, doc.error = "failed", f"{type(exc).__name__}: {exc}"

    def _make(self, stem: str, doc: DocPreview) -> None:
        from dhtt_docs.build.pipeline import keyed_documents

        report = self.workspace.report()
        if report.round.submission is None or report.profile is None:
            doc.state = "unavailable"
            return
        jobs = {j.file_name: (j, k) for j, k in keyed_documents(report, None, not report.ok)}
        if f"{stem}.docx" not in jobs:
            doc.state = "unavailable"
            return
        job, key = jobs[f"{stem}.docx"]
        out = self.folder(stem, key)
        pages = sorted(out.glob("page-*.png")) if out.is_dir() else []
        if not pages:
            work = out.with_name(out.name + ".work")
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            docx = work / f"{stem}.docx"
            docx.write_bytes(job.render())
            pdfs = to_pdf([docx], work)
            if not pdfs:
                shutil.rmtree(work, ignore_errors=True)
                doc.state, doc.error = "failed", "LibreOffice"
                return
            to_png(pdfs[0], work)
            shutil.rmtree(out, ignore_errors=True)
            work.rename(out)
            pages = sorted(out.glob("page-*.png"))
            for old in out.parent.iterdir():          # earlier versions of this document's images
                if old != out and not old.name.endswith(".work"):
                    shutil.rmtree(old, ignore_errors=True)
        doc.key, doc.pages, doc.error = key[:24], len(pages), ""
        with self._lock:
            doc.state = "pending" if doc.queued else "ready"
