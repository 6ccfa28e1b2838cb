"""The round's pages: overview, the submission form, a form per candidate, live checks, saving, the JSON API."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml.error import YAMLError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from dhtt_docs.fsutil import atomic_write
from dhtt_docs.dossier.loader import SUBMISSION_FILE
from dhtt_docs.dossier.yamlsource import path_to_key
from dhtt_docs.exceptions import DhttError
from dhtt_docs.findings import sort_findings
from dhtt_docs.rules.engine import Report, track_label
from dhtt_docs.web import forms, security, yamledit
from dhtt_docs.web.app import Site, render
from dhtt_docs.web.editing import Edit, edit_from_form, load_edit
from dhtt_docs.web.workspace import OutsideRound, Workspace


async def posted(request: Request, max_fields: int = 5000, max_files: int = 0) -> FormData:
    """The submitted form, after the CSRF check (403 without the page's token)."""
    site: Site = request.app.state.site
    size = request.headers.get("content-length")
    from dhtt_docs.web.app import MAX_UPLOAD
    if size is not None and size.isdigit() and int(size) > MAX_UPLOAD:
        raise HTTPException(413, site.t("Tệp quá lớn.", "The upload is too large."))
    form = await request.form(max_fields=max_fields, max_files=max_files, max_part_size=MAX_UPLOAD)
    token = request.headers.get(security.CSRF_HEADER) or form.get(security.CSRF_FIELD)
    if not site.guard.csrf_ok(token if isinstance(token, str) else None):
        raise HTTPException(403, site.t("Yêu cầu không hợp lệ (thiếu mã chống giả mạo): hãy tải lại trang.",
                                        "Invalid request (no anti-forgery token): reload the page."))
    return form


def _site_ws(request: Request) -> tuple[Site, Workspace]:
    site: Site = request.app.state.site
    return site, site.workspace(request)


# --------------------------------------------------------------------------- overview and API


def verdict_text(site: Site, v) -> str:
    if v.candidate.model is None:
        return site.t("hồ sơ lỗi", "dossier error")
    if not v.eligible:
        return site.t("KHÔNG ĐẠT", "NOT ELIGIBLE")
    return site.t("ĐẠT", "ELIGIBLE") + " (" + ", ".join(track_label(t) for t, ok in v.tracks.items() if ok) + ")"


async def overview(request: Request) -> Response:
    site, ws = _site_ws(request)
    report = ws.report()
    from dhtt_docs.build.pipeline import BuildOptions
    from dhtt_docs.build.status import document_states
    states = document_states(report, ws.folder, BuildOptions()) if report.round.submission and report.profile else []
    return render(request, "overview.html", ws=ws, base=site.base(ws), report=report, verdict_text=verdict_text,
                  states=states, top=sort_findings(report.findings))


async def api_validation(request: Request) -> Response:
    site, ws = _site_ws(request)
    return JSONResponse(ws.report().to_json(site.lang))


# --------------------------------------------------------------------------- forms


def _rel(request: Request, ws: Workspace) -> str:
    cid = request.path_params.get("cid")
    if cid is None:
        return SUBMISSION_FILE
    rel = ws.candidate_file(cid)
    if rel is None:
        raise LookupError(cid)
    return rel


def _placed(edit: Edit, nodes: list[forms.Node], findings) -> tuple[dict[str, list], list]:
    """Findings by the field they belong to (a field, or the nearest group or list above); the rest apart."""
    keys = {n.key for n in forms.walk(nodes)}
    placed: dict[str, list] = {}
    rest = []
    for f in sort_findings(findings):
        key = f.key or ""
        path = yamledit.parse_key(key)
        while path and path_to_key(path) not in keys:
            path = path[:-1]
        if path:
            placed.setdefault(path_to_key(path), []).append(f)
        else:
            rest.append(f)
    return placed, rest


def _file_findings(report: Report, rel: str):
    if rel == SUBMISSION_FILE:
        return [f for f in report.findings if f.file in (SUBMISSION_FILE, None)]
    v = next((v for v in report.verdicts if v.candidate.file == rel), None)
    return v.findings if v else [f for f in report.findings if f.file == rel]


def _extra_keys(report: Report, rel: str) -> dict:
    if rel != SUBMISSION_FILE:
        return {}
    return {"council.votes": [v.id for v in report.verdicts]}


def _form_page(request: Request, edit: Edit, report: Report, status_code: int = 200, message: str = "",
               message_kind: str = "info") -> Response:
    site, ws = _site_ws(request)
    nodes = edit.nodes(_extra_keys(report, edit.rel))
    placed, rest = _placed(edit, nodes, _file_findings(report, edit.rel))
    verdict = next((v for v in report.verdicts if v.candidate.file == edit.rel), None)
    stem = (f"bao-cao-thanh-tich-{verdict.id}" if verdict else "bien-ban-hop-hoi-dong")
    preview = site.previewer(ws).get(stem)
    return render(request, "form.html", status_code=status_code, ws=ws, base=site.base(ws), edit=edit, nodes=nodes,
                  placed=placed, rest=rest, verdict=verdict, verdict_text=verdict_text, report=report,
                  label=forms.label, message=message, message_kind=message_kind, stem=stem, preview=preview,
                  action=request.url.path.removesuffix("/form").removesuffix("/check"))


def _raw_page(request: Request, rel: str, text: str, digest: str, report: Report, status_code: int = 200,
              message: str = "") -> Response:
    """A file the form cannot show (not YAML, or not a group of fields): its text, to correct by hand."""
    site, ws = _site_ws(request)
    return render(request, "raw.html", status_code=status_code, ws=ws, base=site.base(ws), rel=rel, text=text,
                  digest=digest, findings=sort_findings(_file_findings(report, rel)), message=message,
                  action=request.url.path)


def _editable(path: Path, rel: str) -> Edit | None:
    try:
        edit = load_edit(path, rel)
    except (YAMLError, UnicodeDecodeError, ValueError):
        return None
    return edit if isinstance(edit.doc.data, dict) else None


async def form_get(request: Request) -> Response:
    site, ws = _site_ws(request)
    rel = _rel(request, ws)
    path = ws.path(rel)
    edit = _editable(path, rel)
    if edit is None:
        raw = path.read_bytes()
        return _raw_page(request, rel, raw.decode("utf-8", "replace"), yamledit.digest(raw), ws.report())
    return _form_page(request, edit, ws.report())


async def form_check(request: Request) -> Response:
    """The live check: the form's unsaved values checked; findings beside each field (htmx out-of-band)."""
    site, ws = _site_ws(request)
    rel = _rel(request, ws)
    form = await posted(request)

    def check():   # CPU work, off the event loop so previews and other requests keep moving
        edit = edit_from_form(ws.path(rel), rel, form.multi_items())
        report = ws.report(rel, edit.text())
        nodes = edit.nodes(_extra_keys(report, rel))
        placed, rest = _placed(edit, nodes, _file_findings(report, rel))
        verdict = next((v for v in report.verdicts if v.candidate.file == rel), None)
        return render(request, "check.html", nodes=list(forms.walk(nodes)), placed=placed, rest=rest,
                      verdict=verdict, verdict_text=verdict_text, report=report)

    return await run_in_threadpool(check)


async def form_op(request: Request) -> Response:
    """Add or remove a row: the form again, with the change, not saved yet."""
    site, ws = _site_ws(request)
    rel = _rel(request, ws)
    form = await posted(request)
    edit = edit_from_form(ws.path(rel), rel, form.multi_items(), str(form.get("_op", "")))
    edit.disk_digest = str(form.get("_digest", edit.disk_digest))
    return _form_page(request, edit, ws.report(rel, edit.text()),
                      message=site.t("Chưa lưu: bấm Lưu để ghi vào tệp.", "Not saved yet: press Save to write the file."))


async def form_save(request: Request) -> Response:
    site, ws = _site_ws(request)
    rel = _rel(request, ws)
    form = await posted(request)
    path = ws.path(rel)
    on_disk = yamledit.file_digest(path)
    if form.get("_digest") != on_disk:
        edit = load_edit(path, rel)
        return _form_page(request, edit, ws.report(), status_code=409, message_kind="error", message=site.t(
            f"KHÔNG LƯU: tệp {rel} đã bị thay đổi ở nơi khác (trình soạn thảo, nhập Excel) sau khi trang này được mở. "
            "Trang đã tải lại nội dung mới nhất của tệp; hãy nhập lại thay đổi của bạn rồi bấm Lưu.",
            f"NOT SAVED: the file {rel} was changed elsewhere (a text editor, an Excel import) after this page was "
            "opened. The page now shows the file's latest content; enter your change again and press Save."))
    if "_raw" in form:
        text = str(form["_raw"]).replace("\r\n", "\n")
    elif (edit := _editable(path, rel)) is None:
        raw = path.read_bytes()
        return _raw_page(request, rel, raw.decode("utf-8", "replace"), yamledit.digest(raw), ws.report(), 409)
    else:
        edit = edit_from_form(path, rel, form.multi_items())
        text = edit.final_text()
        text = None if text == edit.doc.text else text
    if text is not None:
        atomic_write(path, text.encode("utf-8"))
    stem = "bien-ban-hop-hoi-dong" if rel == SUBMISSION_FILE else f"bao-cao-thanh-tich-{Path(rel).stem}"
    site.previewer(ws).request(stem)
    return RedirectResponse(request.url.path + "?saved=1", status_code=303)


async def new_candidate(request: Request) -> Response:
    site, ws = _site_ws(request)
    form = await posted(request)
    from dhtt_docs.dossier.scaffold import check_id, new_candidate as scaffold
    kind = str(form.get("kind", "individual"))
    try:
        cid = check_id(str(form.get("id", "")))
        scaffold(kind if kind in ("individual", "collective") else "individual", cid, ws.folder)
    except DhttError as e:
        return RedirectResponse(f"{site.base(ws)}/?error={str(e)[:300]}", status_code=303)
    return RedirectResponse(f"{site.base(ws)}/candidates/{cid}", status_code=303)


async def preview_fragment(request: Request) -> Response:
    site, ws = _site_ws(request)
    stem = request.path_params["stem"]
    p = site.previewer(ws)
    doc = p.get(stem)
    if doc.state == "idle":
        doc = p.request(stem)
    return render(request, "preview.html", base=site.base(ws), stem=stem, preview=doc)


async def preview_image(request: Request) -> Response:
    site, ws = _site_ws(request)
    p = site.previewer(ws)
    stem, key, page = (request.path_params[k] for k in ("stem", "key", "page"))
    try:
        path = ws.path(f"{p.root.relative_to(ws.folder).as_posix()}/{stem}/{key}/page-{int(page)}.png")
    except (OutsideRound, ValueError):
        raise LookupError(stem) from None
    if not path.is_file():
        raise LookupError(stem)
    from starlette.responses import FileResponse
    return FileResponse(path, media_type="image/png", headers={"X-Content-Type-Options": "nosniff",
                                                               "Cache-Control": "private, max-age=3600"})


def routes() -> list[Route]:
    return [
        Route("/", overview),
        Route("/api/validation", api_validation),
        Route("/submission", form_get),
        Route("/submission", form_save, methods=["POST"]),
        Route("/submission/check", form_check, methods=["POST"]),
        Route("/submission/form", form_op, methods=["POST"]),
        Route("/candidates/new", new_candidate, methods=["POST"]),
        Route("/candidates/{cid}", form_get),
        Route("/candidates/{cid}", form_save, methods=["POST"]),
        Route("/candidates/{cid}/check", form_check, methods=["POST"]),
        Route("/candidates/{cid}/form", form_op, methods=["POST"]),
        Route("/preview/{stem}", preview_fragment),
        Route("/preview/{stem}/{key}/{page}.png", preview_image),
    ]
