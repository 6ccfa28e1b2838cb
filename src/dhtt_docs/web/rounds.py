"""A folder of rounds: the list to choose from, and a new round made from the browser (`init`)."""

from __future__ import annotations

import datetime as _dt

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from dhtt_docs.dossier.loader import SUBMISSION_FILE
from dhtt_docs.exceptions import DhttError
from dhtt_docs.web.app import Site, render
from dhtt_docs.web.pages import posted
from dhtt_docs.web.workspace import OutsideRound, confine


async def round_list(request: Request) -> Response:
    site: Site = request.app.state.site
    names = sorted(p.name for p in site.root.iterdir()
                   if p.is_dir() and not p.name.startswith(".") and (p / SUBMISSION_FILE).is_file())
    return render(request, "rounds.html", names=names, error=request.query_params.get("error", ""),
                  year=_dt.date.today().year)


async def round_new(request: Request) -> Response:
    site: Site = request.app.state.site
    form = await posted(request, max_fields=5)
    from dhtt_docs.dossier.scaffold import check_id, init_round
    try:
        name = check_id(str(form.get("name", "")))
        folder = confine(site.root, name)
        year = int(str(form.get("year", "")) or _dt.date.today().year)
        init_round(folder, year)
    except (DhttError, OutsideRound, ValueError) as e:
        from urllib.parse import quote
        return RedirectResponse("/?error=" + quote(str(e)[:300]), status_code=303)
    return RedirectResponse(f"/r/{name}/", status_code=303)


def routes() -> list[Route]:
    return [Route("/", round_list), Route("/rounds/new", round_new, methods=["POST"])]
