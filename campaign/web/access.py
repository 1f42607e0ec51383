"""Who may use which route: one table, checked for every request.

A route without an entry here is refused for everyone (and a test walks every
route of the app for every role, so a new route without a rule fails it).
"""

from __future__ import annotations

EVERYONE = frozenset({"comms", "manager", "viewer", "admin"})
COMMS = frozenset({"comms", "admin"})
MANAGERS = frozenset({"manager", "admin"})
ADMIN = frozenset({"admin"})

PUBLIC = frozenset(
    {
        "login_form",
        "login",
        "healthz",
        "metrics",
        "static",
        "openapi",
        "swagger_ui_html",
        "swagger_ui_redirect",
        "redoc_html",
    }
)

RULES: dict[str, frozenset[str]] = {
    "logout": EVERYONE,
    "campaigns": EVERYONE,
    "campaign_page": EVERYONE,
    "library": EVERYONE,
    "upload": COMMS,
    "version_page": EVERYONE,
    "version_master": EVERYONE,
    "set_focal": COMMS,
    "render_version": COMMS,
    "rendition_file": EVERYONE,
    "rendition_preview": EVERYONE,
    "contact_sheet": EVERYONE,
    "approvals": MANAGERS,
    "approve": MANAGERS,
    "log_page": EVERYONE,
    "log_csv": MANAGERS,
    "placement_page": EVERYONE,
    "users_page": ADMIN,
    "create_user": ADMIN,
    "create_token": ADMIN,
    # JSON API
    "api_campaigns": EVERYONE,
    "api_placements": EVERYONE,
    "api_log": EVERYONE,
    "api_formats": EVERYONE,
    "api_version": EVERYONE,
    "api_approve": MANAGERS,
    "api_upload": COMMS,
}


def allowed(route: str, role: str | None) -> bool:
    """Return whether a user with ``role`` (None: signed out) may use ``route``."""
    if route in PUBLIC:
        return True
    return role is not None and role in RULES.get(route, frozenset())


def can(role: str | None, route: str) -> bool:
    """Template helper: show an action only to those who may use it."""
    return allowed(route, role)
