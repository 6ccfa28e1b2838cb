"""The web app: `create_app(folder, ...)` gives a Starlette application for one round or a folder of rounds.

Routes of a round (at the root for one round, under /r/<name>/ for a folder of
rounds): the overview, the submission form, a form per candidate, attachments,
Excel upload, build, downloads, previews; `GET /api/validation` is the JSON of
`validate --format json`; `/documents/<file>` serves the built files.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from dhtt_docs.dossier.loader import SUBMISSION_FILE
from dhtt_docs.i18n import set_lang
from dhtt_docs.web import security
from dhtt_docs.web.preview import Previewer
from dhtt_docs.web.workspace import Workspace

HERE = Path(__file__).resolve().parent
MAX_UPLOAD = 50_000_000          # bytes; an attachment scan or a workbook


@dataclass
class Site:
    root: Path
    lang: str
    guard: security.Guard
    single: Workspace | None                    # one round: FOLDER is the round
    rounds: dict[str, Workspace] = field(default_factory=dict)
    previewers: dict[str, Previewer] = field(default_factory=dict)
    builds: dict[str, object] = field(default_factory=dict)
    env: jinja2.Environment | None = None

    def workspace(self, request: Request) -> Workspace:
        if self.single is not None:
            return self.single
        name = request.path_params.get("round", "")
        ws = self.rounds.get(name)
        if ws is None:
            from dhtt_docs.web.workspace import OutsideRound, confine
            try:
                path = confine(self.root, name)
            except OutsideRound:
                raise LookupError(name) from None
            if "/" in name or name.startswith(".") or not (path / SUBMISSION_FILE).is_file():
                raise LookupError(name)
            ws = self.rounds[name] = Workspace(path)
        return ws

    def previewer(self, ws: Workspace) -> Previewer:
        return self.previewers.setdefault(ws.name, Previewer(ws))

    def base(self, ws: Workspace) -> str:
        return "" if self.single is not None else f"/r/{ws.name}"

    def t(self, vi: str, en: str) -> str:
        return en if self.lang == "en" else vi


def slot_id(key: str) -> str:
    """The HTML id of the findings beside the field named `key`."""
    return "fs-" + hashlib.md5(key.encode()).hexdigest()[:12]


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    site: Site = request.app.state.site
    if "verdict_text" in context:
        context["verdict_text"] = functools.partial(context["verdict_text"], site)
    page = site.env.get_template(template).render(
        request=request, lang=site.lang, t=site.t, csrf=site.guard.csrf, slot_id=slot_id,
        multi=site.single is None, **context)
    return HTMLResponse(page, status_code=status_code)


class GuardMiddleware:
    """Login (when a secret is set) before anything but the login page and static files."""

    def __init__(self, app, site: Site):
        self.app, self.site = app, site

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not self.site.guard.needs_login:
            return await self.app(scope, receive, send)
        request = Request(scope)
        path = scope["path"]
        if path in ("/login",) or path.startswith("/static/") or self.site.guard.session_ok(request):
            return await self.app(scope, receive, send)
        token = request.query_params.get("token")
        if token is not None and self.site.guard.check_secret(token):
            response = RedirectResponse(path, status_code=303)
            _set_session(response, self.site.guard)
            return await response(scope, receive, send)
        if path.startswith("/api/") or request.method != "GET":
            return await PlainTextResponse("login required", status_code=401)(scope, receive, send)
        return await RedirectResponse("/login", status_code=303)(scope, receive, send)


def _set_session(response: Response, guard: security.Guard) -> None:
    response.set_cookie(security.SESSION_COOKIE, guard.open_session(), max_age=int(guard.ttl), httponly=True,
                        samesite="strict")


async def login(request: Request) -> Response:
    site: Site = request.app.state.site
    if request.method == "POST":
        form = await request.form(max_files=0, max_fields=5)
        if site.guard.check_secret(str(form.get("secret", ""))):
            response = RedirectResponse("/", status_code=303)
            _set_session(response, site.guard)
            return response
        return render(request, "login.html", status_code=403, failed=True)
    return render(request, "login.html", failed=False)


def create_app(folder: Path, *, lang: str = "vi", secret: str | None = None, host: str = "127.0.0.1",
               port: int = 8000, session_ttl: float = security.SESSION_TTL) -> Starlette:
    """The app for FOLDER (a round, or a folder of rounds). `secret`: the login secret (None: no login)."""
    from dhtt_docs.web import pages, files, rounds

    set_lang(lang)
    root = Path(folder).resolve()
    # a round folder, or else a folder of rounds (perhaps none yet: then one is made from the browser)
    single = Workspace(root) if (root / SUBMISSION_FILE).is_file() else None
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    site = Site(root, lang, security.Guard(secret, ttl=session_ttl), single, env=env)
    round_routes = pages.routes() + files.routes()
    routes = [Route("/login", login, methods=["GET", "POST"]),
              Mount("/static", StaticFiles(directory=HERE / "static"), name="static")]
    if single is not None:
        routes += round_routes
    else:
        routes += rounds.routes() + [Mount("/r/{round}", routes=round_routes)]
    hosts = sorted({host, "127.0.0.1", "localhost", "::1", "[::1]"})
    app = Starlette(routes=routes, middleware=[
        Middleware(TrustedHostMiddleware, allowed_hosts=hosts + (["*"] if host in ("0.0.0.0", "::") else [])),
        Middleware(GuardMiddleware, site=site)],
        exception_handlers={LookupError: _not_found, 404: _not_found})
    app.state.site = site
    return app


async def _not_found(request: Request, exc: Exception) -> Response:
    site: Site = request.app.state.site
    return PlainTextResponse(site.t("Không có trang này.", "No such page."), status_code=404)
