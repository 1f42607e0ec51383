"""The exception tree, in one place.

``CampaignError`` and its children are errors a user can cause or fix; every
edge (CLI exit code, HTTP status, placement log entry) turns them into one
line. Anything else is a bug and is allowed to show a traceback in logs.
"""

from __future__ import annotations


class CampaignError(Exception):
    """An error with a one-line message meant for the user."""

    exit_code = 1
    http_status = 400


class ConfigError(CampaignError):
    """The configuration (environment, .env, formats file) is wrong."""

    exit_code = 2


class DatabaseUnavailable(CampaignError):
    """The configured database cannot be reached or used."""

    exit_code = 2
    http_status = 503


class NotFound(CampaignError):
    """A named object does not exist."""

    http_status = 404


class InvalidInput(CampaignError):
    """Input (a file, a request, a plan) was refused; nothing was changed."""

    http_status = 422


class ImageRejected(InvalidInput):
    """An uploaded master image was refused."""


class UnknownFormat(InvalidInput):
    """A channel format id is not in the registry."""


class InvalidTransition(CampaignError):
    """A placement state change is not allowed by the state rules."""

    http_status = 409


class PermissionDenied(CampaignError):
    """The user's role does not allow this action."""

    http_status = 403
