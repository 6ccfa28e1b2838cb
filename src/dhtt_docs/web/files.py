"""Files in and out: attachments (upload, checked at once), Excel import, build with progress, downloads."""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from dhtt_docs.fsutil import atomic_write
from dhtt_docs.dossier.attachments import pdf_problem
from dhtt_docs.findings import Finding, sort_findings
from dhtt_docs.web.app import Site, render
from dhtt_docs.web.pages import _site_ws, posted
from dhtt_docs.web.workspace import OutsideRound, Workspace

ATTACHMENTS = "attachments"


def safe_name(name: str, suffix: str) -> str | None:
    """An uploaded file's name as a plain file name (no folders, no diacritics), or None."""
    from dhtt_docs.vocab import slugify

    name = Path(name.replace("\\", "/")).name
    stem = slugify(Path(name).stem)
    if not stem or Path(name).suffix.lower() != suffix:
        return None
    return stem[:80] + suffix


def _served(path: Path, media: str, download_name: str) -> FileResponse:
    return FileResponse(path, media_type=media, filename=download_name,
                        headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"})


_MEDIA = {".pdf": "application/pdf", ".zip": "application/zip", ".json": "application/json",
          ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


# --------------------------------------------------------------------------- attachments


async def attachments_page(request: Request) -> Response:
    site, ws = _site_ws(request)
    report = ws.report()
    folder = ws.folder / ATTACHMENTS
    files = sorted(p for p in folder.glob("*") if p.is_file() and not p.name.startswith(".")) if folder.is_dir() else []
    named = {}
    from dhtt_docs.dossier.attachments import declared
    for v in report.verdicts:
        for path, rel, title in declared(v.candidate):
            named.setdefault(rel, []).append((v.id, title))
    rows = [(p.name, p.stat().st_size, pdf_problem(p), named.get(f"{ATTACHMENTS}/{p.name}", [])) for p in files]
    return render(request, "attachments.html", ws=ws, base=site.base(ws), rows=rows,
                  message=request.query_params.get("m", ""))


async def attachments_upload(request: Request) -> Response:
    site, ws = _site_ws(request)
    form = await posted(request, max_fields=10, max_files=1)
    upload = form.get("file")
    name = safe_name(getattr(upload, "filename", "") or "", ".pdf")
    if upload is None or not hasattr(upload, "read") or name is None:
        return _back(site, ws, "attachments", site.t("Chỉ nhận tệp .pdf.", "Only .pdf files are accepted."), 415)
    data = await upload.read()
    if not data.startswith(b"%PDF-"):
        return _back(site, ws, "attachments", site.t(f"{name}: không phải tệp PDF.", f"{name}: not a PDF file."), 415)
    folder = ws.folder / ATTACHMENTS
    folder.mkdir(exist_ok=True)
    target = ws.path(f"{ATTACHMENTS}/{name}")
    if target.exists() and not form.get("overwrite"):
        return _back(site, ws, "attachments", site.t(f"Đã có tệp {name}: không ghi đè.",
                                                     f"{name} already exists: not overwritten."), 409)
    atomic_write(target, data)
    problem = pdf_problem(target)
    msg = (site.t(f"Đã lưu {ATTACHMENTS}/{name}: ", f"Saved {ATTACHMENTS}/{name}: ")
           + (problem or site.t("PDF đọc được.", "a readable PDF.")))
    return _back(site, ws, "attachments", msg, 303)


def _back(site: Site, ws: Workspace, page: str, message: str, status: int) -> Response:
    from urllib.parse import quote
    return RedirectResponse(f"{site.base(ws)}/{page}?m={quote(str(message))}&s={status}", status_code=303)


async def attachment_file(request: Request) -> Response:
    site, ws = _site_ws(request)
    try:
        path = ws.path(f"{ATTACHMENTS}/{request.path_params['name']}")
    except OutsideRound:
        raise LookupError("outside") from None
    if not path.is_file() or path.suffix.lower() != ".pdf":
        raise LookupError(path.name)
    return _served(path, "application/pdf", path.name)


# --------------------------------------------------------------------------- Excel


def _excel():
    from dhtt_docs.excel import import_workbook, write_template
    return import_workbook, write_template


async def excel_page(request: Request) -> Response:
    site, ws = _site_ws(request)
    return render(request, "excel.html", ws=ws, base=site.base(ws), findings=None, written=[])


async def excel_upload(request: Request) -> Response:
    site, ws = _site_ws(request)
    form = await posted(request, max_fields=10, max_files=1)
    upload = form.get("file")
    name = safe_name(getattr(upload, "filename", "") or "", ".xlsx")
    data = await upload.read() if hasattr(upload, "read") else b""
    if name is None or not data.startswith(b"PK"):
        return render(request, "excel.html", status_code=415, ws=ws, base=site.base(ws), written=[], findings=[],
                      error=site.t("Chỉ nhận sổ Excel .xlsx.", "Only .xlsx Excel workbooks are accepted."))
    import_workbook, _ = _excel()
    with tempfile.TemporaryDirectory(prefix="dhtt-xlsx-") as tmp:
        book = Path(tmp) / name
        book.write_bytes(data)
        written, findings = import_workbook(book, ws.folder, overwrite=bool(form.get("overwrite")))
    return render(request, "excel.html", ws=ws, base=site.base(ws), findings=sort_findings(findings),
                  written=[p.name for p in written])


async def excel_template(request: Request) -> Response:
    site, ws = _site_ws(request)
    _, write_template = _excel()
    out = ws.folder / ".dhtt-cache" / "web"
    out.mkdir(parents=True, exist_ok=True)
    path = out / "danh-sach-mau.xlsx"
    from dhtt_docs.excel.importer import folder_profile
    write_template(path, folder_profile(ws.folder))   # the round's own plan: its years and awards
    return _served(path, _MEDIA[".xlsx"], "danh-sach-mau.xlsx")


# --------------------------------------------------------------------------- build and downloads


@dataclass
class BuildJob:
    state: str = "running"            # running, done, failed
    stage: str = ""
    done: int = 0
    total: int = 0
    findings: list[Finding] = field(default_factory=list)
    error: str = ""


def _run_build(ws: Workspace, job: BuildJob, force: bool) -> None:
    from dhtt_docs.build.pipeline import BuildOptions, build

    def progress(stage: str, done: int, total: int) -> None:
        job.stage, job.done, job.total = stage, done, total

    try:
        result = build(ws.folder, BuildOptions(force=force), progress)
        job.findings = sort_findings(list(result.findings) + result.report.all_findings())
        job.state = "done" if result.out is not None else "failed"
    except Exception as exc:  # noqa: BLE001 - shown on the page
        job.state, job.error = "failed", str(exc)


async def build_page(request: Request) -> Response:
    site, ws = _site_ws(request)
    return render(request, "build.html", ws=ws, base=site.base(ws), job=site.builds.get(ws.name))


async def build_start(request: Request) -> Response:
    site, ws = _site_ws(request)
    form = await posted(request, max_fields=5)
    job = site.builds.get(ws.name)
    if job is None or job.state != "running":
        job = site.builds[ws.name] = BuildJob()
        threading.Thread(target=_run_build, args=(ws, job, bool(form.get("force"))), daemon=True,
                         name="dhtt-build").start()
    return RedirectResponse(f"{site.base(ws)}/build", status_code=303)


async def build_progress(request: Request) -> Response:
    site, ws = _site_ws(request)
    return render(request, "build_progress.html", base=site.base(ws), job=site.builds.get(ws.name))


def _outputs(ws: Workspace) -> list[tuple[str, str, int]]:
    out = ws.folder / "build"
    rows = []
    for sub in ("documents", "bundle"):
        folder = out / sub
        if folder.is_dir():
            rows += [(sub, p.name, p.stat().st_size) for p in sorted(folder.iterdir())
                     if p.is_file() and p.suffix in _MEDIA]
    return rows


async def downloads(request: Request) -> Response:
    site, ws = _site_ws(request)
    return render(request, "downloads.html", ws=ws, base=site.base(ws), rows=_outputs(ws))


async def built_file(request: Request) -> Response:
    site, ws = _site_ws(request)
    sub = "bundle" if request.url.path.rsplit("/", 2)[-2] == "bundle" else "documents"
    name = request.path_params["name"]
    try:
        path = ws.path(f"build/{sub}/{name}")
    except OutsideRound:
        raise LookupError(name) from None
    if not path.is_file() or path.suffix not in _MEDIA:
        raise LookupError(name)
    return _served(path, _MEDIA[path.suffix], path.name)


def routes() -> list[Route]:
    return [
        Route("/attachments", attachments_page),
        Route("/attachments", attachments_upload, methods=["POST"]),
        Route("/attachments/{name}", attachment_file),
        Route("/excel", excel_page),
        Route("/excel", excel_upload, methods=["POST"]),
        Route("/excel/template.xlsx", excel_template),
        Route("/build", build_page),
        Route("/build", build_start, methods=["POST"]),
        Route("/build/progress", build_progress),
        Route("/downloads", downloads),
        Route("/documents/{name}", built_file),
        Route("/bundle/{name}", built_file),
    ]
