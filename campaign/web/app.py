"""The FastAPI application: pages, the JSON API, health and metrics."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from campaign.bootstrap import App, bootstrap
from campaign.errors import CampaignError
from campaign.web import api, health, pages
from campaign.web.access import can
from campaign.web.deps import NeedsLogin, authorize

HERE = Path(__file__).parent


def create_app(app: App | None = None) -> FastAPI:
    """Build the web app around an application object (settings, database, storage...)."""
    core = app or bootstrap()
    web = FastAPI(
        title="Campaign scheduler",
        version="1.0",
        description="Asset library, rollout plans, approvals and the placement log.",
    )
    web.state.campaign = core
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["can"] = can
    web.state.templates = templates
    web.add_middleware(
        SessionMiddleware,
        secret_key=core.settings.secret_key,
        session_cookie="campaign_session",
        same_site="lax",
        https_only=core.settings.environment == "production",
        max_age=12 * 3600,
    )
    web.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    web.include_router(health.router)
    web.include_router(pages.router, dependencies=[Depends(authorize)])
    web.include_router(api.router, dependencies=[Depends(authorize)])

    @web.exception_handler(NeedsLogin)
    async def _login(request: Request, exc: NeedsLogin) -> Response:
        return RedirectResponse("/login", status_code=303)

    @web.exception_handler(CampaignError)
    async def _user_error(request: Request, exc: CampaignError) -> Response:
        return _error(request, exc.http_status, str(exc))

    @web.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail), exc.headers)

    @web.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query"))
        return _error(request, 422, f"{where}: {first.get('msg', 'invalid request')}")

    return web


def _error(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "error.html",
        {"viewer": None, "status": status, "message": message},
        status_code=status,
        headers=headers,
    )
