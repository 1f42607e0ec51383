"""Request plumbing: the signed-in user, the access check, CSRF."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request

from campaign.bootstrap import App
from campaign.models import User
from campaign.users import get_user, user_for_token
from campaign.web.access import allowed


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a user, or None for a signed-out visitor."""

    user: User | None

    @property
    def role(self) -> str | None:
        return self.user.role if self.user else None

    @property
    def actor(self) -> str:
        return self.user.email if self.user else "anonymous"


def get_app(request: Request) -> App:
    return request.app.state.campaign


AppDep = Annotated[App, Depends(get_app)]


def current(request: Request, app: AppDep) -> Viewer:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return Viewer(user_for_token(app.db, auth[7:].strip()))
    uid = request.session.get("uid")
    return Viewer(get_user(app.db, uid) if uid else None)


class NeedsLogin(Exception):
    """Raised for a signed-out visitor on a page: they are sent to the sign-in page."""


def authorize(request: Request, viewer: Annotated[Viewer, Depends(current)]) -> Viewer:
    route = request.scope.get("route")
    name = getattr(route, "name", None) or ""
    if allowed(name, viewer.role):
        return viewer
    if viewer.user is None:
        if request.url.path.startswith("/api/"):
            raise HTTPException(401, "sign in or send an API token", {"WWW-Authenticate": "Bearer"})
        raise NeedsLogin()
    raise HTTPException(403, f"your role ({viewer.role}) cannot do this")


Authorized = Annotated[Viewer, Depends(authorize)]


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(24)
    return token


async def check_csrf(request: Request) -> None:
    """Refuse a form post whose token does not match the session's."""
    if request.method != "POST":
        return
    form = await request.form()
    sent = form.get("csrf") or request.headers.get("x-csrf-token")
    expected = request.session.get("csrf")
    if not expected or not sent or not secrets.compare_digest(str(sent), expected):
        raise HTTPException(403, "the form expired or did not come from this site: reload it")


# Row ids are 32-bit integers in PostgreSQL: anything larger is simply not found, and
# must never reach the database as an out-of-range parameter (a 500).
MAX_ID = 2_147_483_647
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
